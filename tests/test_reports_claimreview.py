"""ClaimReview JSON-LD: every field Google requires or recommends, within its range, with stable ids."""

import datetime as dt

import pytest
from support_reports import fake_check_article, founding_article

from rules.model import RATING_SCALE
from service.claimreview import claim_reviews, shorten
from service.reports import report_document

BASE = "https://checks.example.org/"
ORGANISATION = {"name": "Example Claim Checker", "url": BASE}


@pytest.fixture(scope="module")
def report(test_snapshot):
    """A stored-shape report of the founding article (read-only)."""
    text = founding_article()
    checked = fake_check_article(
        "Meeting After 4 Years and 5 Months", text, dt.date(2023, 9, 13), test_snapshot
    )
    document = report_document(
        {
            **checked,
            "text": text,
            "url": "https://www.asiae.co.kr/article/1",
            "publisher": "The Asia Business Daily",
        }
    )
    return {"id": "abc123", "created": "2026-11-26T10:00:00Z", **document}


@pytest.fixture(scope="module")
def reviews(report):
    return claim_reviews(report, BASE, ORGANISATION, {"putin": "Vladimir Putin"})


def test_one_review_per_claim_with_the_required_fields(report, reviews):
    assert len(reviews) == len(report["claims"]) > 5
    for number, review in enumerate(reviews, start=1):
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["url"] == f"{BASE}reports/abc123#claim-{number}"
        assert review["claimReviewed"] and len(review["claimReviewed"]) < 75
        assert review["author"] == {"@type": "Organization", **ORGANISATION}
        assert review["datePublished"] == "2026-11-26"
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
        assert rating["alternateName"] in {label for _, label in RATING_SCALE.values()}
        assert rating["ratingExplanation"].endswith(".") and len(rating["ratingExplanation"]) <= 600


def test_the_rating_matches_the_verdict(report, reviews):
    for claim, review in zip(report["claims"], reviews, strict=True):
        value, label = RATING_SCALE[claim["result"]["verdict"]]
        assert review["reviewRating"]["ratingValue"] == value
        assert review["reviewRating"]["alternateName"] == label


def test_the_item_reviewed_is_the_claim_where_it_appeared(reviews):
    item = reviews[0]["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Organization", "name": "The Asia Business Daily"}
    assert item["datePublished"] == "2023-09-13"
    assert item["appearance"] == [
        {
            "@type": "NewsArticle",
            "url": "https://www.asiae.co.kr/article/1",
            "headline": "Meeting After 4 Years and 5 Months",
            "datePublished": "2023-09-13",
            "publisher": {"@type": "Organization", "name": "The Asia Business Daily"},
        }
    ]


def test_ids_are_stable_and_distinct(report, reviews):
    again = claim_reviews(report, BASE, ORGANISATION)
    assert [r["@id"] for r in again] == [r["@id"] for r in reviews]
    assert [r["itemReviewed"]["@id"] for r in again] == [r["itemReviewed"]["@id"] for r in reviews]
    assert len({r["itemReviewed"]["@id"] for r in reviews}) == len(reviews)
    # The same claim in the same article, checked in another report, keeps its Claim @id.
    other = claim_reviews({**report, "id": "other"}, BASE, ORGANISATION)
    assert [r["itemReviewed"]["@id"] for r in other] == [r["itemReviewed"]["@id"] for r in reviews]
    assert other[0]["@id"] != reviews[0]["@id"]


def test_citations_list_the_sources_used_first(report, reviews):
    for claim, review in zip(report["claims"], reviews, strict=True):
        evidence = claim["result"]["evidence"]
        records = claim["result"]["records"]
        urls = [work["url"] for work in review["citation"]]
        assert len(urls) == len(set(urls))
        assert set(urls) == {item["source"]["url"] for item in [*evidence, *records]}
        used = {item["source"]["url"] for item in evidence if item["used_in_verdict"]}
        assert set(urls[: len(used)]) == used
        for work in review["citation"]:
            assert work["@type"] in ("CreativeWork", "Dataset") and work["name"] and work["publisher"]["name"]
    share = next(
        r for c, r in zip(report["claims"], reviews, strict=True) if c["result"]["rule"]["kind"] == "share"
    )
    assert [work["@type"] for work in share["citation"]] == ["Dataset"]
    assert "GCAT" in share["citation"][0]["name"]


def test_the_explanation_states_the_computation_and_the_retrieval_date(report, reviews):
    ratio = next(
        r for c, r in zip(report["claims"], reviews, strict=True) if c["result"]["rule"]["kind"] == "ratio"
    )
    assert "×" in ratio["reviewRating"]["ratingExplanation"]
    assert "Sources retrieved 2026-11-26." in ratio["reviewRating"]["ratingExplanation"]


def test_a_speaker_is_the_author_of_an_attributed_claim():
    result = {"verdict": "accurate", "rule": {"kind": "attribution", "speaker": "putin"}, "evidence": []}
    report = {
        "id": "r",
        "created": "2026-01-02T00:00:00Z",
        "title": "T",
        "publisher": "Paper",
        "claims": [{"n": 1, "quote": "We will help", "result": result}],
    }
    [review] = claim_reviews(report, BASE, ORGANISATION, {"putin": "Vladimir Putin"})
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Vladimir Putin"}


def test_a_claim_without_an_article_url_appears_in_a_creative_work():
    result = {"verdict": "unverifiable", "reason": "No data.", "evidence": []}
    report = {
        "id": "r",
        "created": "2026-01-02T00:00:00Z",
        "title": "A claim",
        "claims": [{"n": 1, "quote": "A claim", "result": result}],
    }
    [review] = claim_reviews(report, "https://checks.example.org", ORGANISATION)
    assert review["url"] == "https://checks.example.org/reports/r#claim-1"
    assert review["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "headline": "A claim"}]
    assert "author" not in review["itemReviewed"]
    assert review["reviewRating"]["ratingExplanation"] == "No data."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short", "short"),
        ("  spread\n over\tlines  ", "spread over lines"),
        (
            "It is over 110 times larger than the approximately 5 square kilometer Naro Space Center",
            "It is over 110 times larger than the approximately 5 square kilometer…",
        ),
        ("x" * 200, "x" * 73 + "…"),
    ],
)
def test_shorten_keeps_claims_under_75_characters(text, expected):
    assert shorten(text) == expected
    assert len(shorten(text)) < 75
