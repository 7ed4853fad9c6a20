"""The HTML pages: the forms (post, redirect, get), the list of reports, and a report with its evidence."""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from support_reports import fake_check_article, founding_article, make_app, parse

from service.web import VERDICTS

CSS = Path(__file__).resolve().parent.parent / "service" / "static" / "claimcheck.css"
ARTICLE = {
    "mode": "article",
    "title": "Meeting After 4 Years and 5 Months",
    "published": "2023-09-13",
    "publisher": "The Asia Business Daily",
    "url": "https://www.asiae.co.kr/article/2023091308123",
}


@pytest.fixture
def app(stand_in_app):
    """The app with the stand-in article checker; `client` (conftest) uses it."""
    return stand_in_app


@pytest.fixture
def posted(client):
    """The founding article posted through the form; returns the report page's path."""
    response = client.post("/reports", data={**ARTICLE, "text": founding_article()})
    assert response.status_code == 303
    return response.headers["Location"]


def test_the_index_has_both_forms_with_labels(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = parse(response.get_data(as_text=True))
    forms = page.find("form", method="post", action="/reports")
    assert len(forms) == 2
    labelled = {a["for"] for a in page.find("label")}
    inputs = {a["id"] for t, a in page.tags if t in ("input", "textarea") and a.get("type") != "hidden"}
    assert inputs <= labelled


def test_posting_an_article_redirects_to_its_report(client, posted, test_snapshot):
    assert re.fullmatch(r"/reports/[a-z2-7]{16}", posted)
    response = client.get(posted)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    expected = fake_check_article("t", founding_article(), "2023-09-13", test_snapshot)["claims"]
    marks = parse(page).with_class("claim-mark")
    assert len(marks) == len(expected) == 7
    assert [a["class"].split()[1] for _, a in marks] == [f"v-{c['result']['verdict']}" for c in expected]
    assert {a["href"] for _, a in marks} == {f"#claim-{n}" for n in range(1, 8)}
    assert len(parse(page).find("article", id="claim-3")) == 1
    assert "7 claims checked" in page
    assert (
        "The Asia Business Daily" in page and 'href="https://www.asiae.co.kr/article/2023091308123"' in page
    )


def test_the_report_shows_reason_computation_bounds_and_sources(client, posted):
    page = client.get(posted).get_data(as_text=True)
    card = page[page.index('id="claim-4"') : page.index('id="claim-5"')]  # more than 550 square kilometers
    assert "within the claim" in card
    assert "<h3>Computation</h3>" in card and "<h3>Bounds</h3>" in card and "<h3>Sources</h3>" in card
    assert "550 km² or more" in card and "551.5 to 700 km²" in card
    assert 'href="https://en.wikipedia.org/wiki/Vostochny_Cosmodrome"' in card
    assert "Wikipedia" in card and "retrieved" in card and "2026-11-26" in card


def test_claims_whose_sources_disagree_are_marked(client, posted):
    page = client.get(posted).get_data(as_text=True)
    disputed = [a for _, a in parse(page).with_class("disputed")]
    assert [a["href"] for a in disputed] == ["#claim-2", "#claim-5"]  # Seoul and Naro: areas differ by source
    card = page[page.index('id="claim-5"') : page.index('id="claim-6"')]
    assert "Sources disagree" in card and "Astronautix" in card


def test_the_report_draws_a_scale_and_a_timeline(client, posted):
    page = client.get(posted).get_data(as_text=True)
    timeline = page[page.index('id="claim-1"') : page.index('id="claim-2"')]
    assert "<svg" in timeline and "Timeline" in timeline and ">2019<" in timeline
    ratio = page[page.index('id="claim-5"') : page.index('id="claim-6"')]
    assert "<svg" in ratio and "Claimed · more than 110×" in ratio
    assert ratio.count('class="point') == 4  # two sources for each area: four ratios
    quantity = page[page.index('id="claim-4"') : page.index('id="claim-5"')]
    assert quantity.count('class="point') == 2 and "Claimed · more than 550 km²" in quantity


def test_the_summary_bar_counts_by_verdict(client, posted):
    page = client.get(posted).get_data(as_text=True)
    summary = page[page.index('class="summary"') : page.index("</section>")]
    for phrase in (
        "2 accurate",
        "2 approximately accurate",
        "1 misleading",
        "1 inaccurate",
        "1 unverifiable",
    ):
        assert phrase in summary
    assert summary.count("<rect") == 5


def test_claims_in_the_title_are_highlighted_in_the_heading(client, app, test_snapshot):
    text = founding_article()
    checked = fake_check_article("t", text, "2023-09-13", test_snapshot)
    title = "Vostochny covers more than 550 square kilometers"
    start = title.index("more than")
    title_claim = {**checked["claims"][3], "in": "title", "start": start, "end": len(title)}
    store = app.extensions["claimcheck.reports"]
    report_id = store.create(
        {**checked, "title": title, "text": text, "claims": [*checked["claims"], title_claim]}
    )
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert 'href="#claim-1"' in heading and heading.startswith("<h1>Vostochny covers ")
    assert len({a["data-claim"] for _, a in parse(page).with_class("claim-mark")}) == 8


def test_a_single_claim_is_stored_as_checks(client, app):
    response = client.post(
        "/reports",
        data={
            "mode": "claim",
            "claim": "It covers more than 550 square kilometers.",
            "published": "2023-09-13",
        },
    )
    assert response.status_code == 303
    report = app.extensions["claimcheck.reports"].get(response.headers["Location"].rsplit("/", 1)[1])
    assert report["kind"] == "checks" and report["title"] == "It covers more than 550 square kilometers."
    assert report["claims"][0]["result"]["verdict"] == "accurate"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(parse(page).with_class("claim-mark")) == 1


def test_a_claim_without_anything_checkable_is_explained(client):
    response = client.post("/reports", data={"mode": "claim", "claim": "The weather was nice."})
    assert response.status_code == 422
    assert "No checkable claim was found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**ARTICLE, "title": "", "text": "x"}, "Give the article&#39;s title."),
        ({**ARTICLE, "text": ""}, "Paste the article&#39;s text."),
        ({**ARTICLE, "text": "x", "published": "13.09.2023"}, "Give the date as YYYY-MM-DD."),
        ({**ARTICLE, "text": "x", "url": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({**ARTICLE, "text": "x" * 60_001}, "longer than 60,000 characters"),
        ({"mode": "claim", "claim": ""}, "Write the claim to check."),
    ],
)
def test_invalid_forms_are_shown_again_with_the_error(client, data, message):
    response = client.post("/reports", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page and 'role="alert"' in page


def test_the_list_is_newest_first_and_paginated(client, app):
    store = app.extensions["claimcheck.reports"]
    ids = [store.create({"kind": "checks", "title": f"Report number {n}", "results": []}) for n in range(23)]
    first = client.get("/reports").get_data(as_text=True)
    links = re.findall(r'href="/reports/([a-z2-7]{16})"', first)
    assert links == ids[::-1][:20]
    assert "Page 1 of 2" in first and 'href="/reports?page=2"' in first
    second = client.get("/reports?page=2").get_data(as_text=True)
    assert re.findall(r'href="/reports/([a-z2-7]{16})"', second) == ids[::-1][20:]


def test_an_unknown_report_is_a_404_page(client):
    response = client.get("/reports/nosuchreport")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "There is no such report" in response.get_data(as_text=True)


def test_the_example_article_fills_the_form(tmp_path):
    article = SimpleNamespace(
        id="a1",
        title="Catalog title",
        url=None,
        publisher="Paper",
        text="Catalog text",
        published=dt.date(2023, 9, 13),
    )
    catalog = SimpleNamespace(articles={"a1": article})
    app = make_app(f"sqlite:///{tmp_path / 'reports.db'}")
    app.extensions["claimcheck"].catalog = catalog
    try:
        page = app.test_client().get("/?example=a1").get_data(as_text=True)
        assert 'value="Catalog title"' in page and ">Catalog text</textarea>" in page
        assert 'href="/?example=a1"' in app.test_client().get("/").get_data(as_text=True)
    finally:
        app.extensions["claimcheck.reports"].close()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("verdict", list(VERDICTS))
def test_verdict_colours_meet_wcag_aa(verdict):
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6});", CSS.read_text()))
    assert _contrast(colours[verdict], "#ffffff") >= 4.5  # white badge text on the verdict colour
    assert _contrast(colours["ink"], colours[f"{verdict}-bg"]) >= 4.5  # text on the highlight
    assert _contrast(colours[verdict], colours[f"{verdict}-bg"]) >= 3  # the underline against its fill


def test_the_real_article_check_renders_every_claim_even_nested_ones(tmp_path):
    article_check = pytest.importorskip("claims.article_check")
    from rules.reference import load_snapshot

    app = make_app(f"sqlite:///{tmp_path / 'reports.db'}")
    state = app.extensions["claimcheck"]
    state.snapshot, state.check_article = load_snapshot(), article_check.check_article
    try:
        client = app.test_client()
        response = client.post("/reports", data={**ARTICLE, "text": founding_article()})
        assert response.status_code == 303
        report = app.extensions["claimcheck.reports"].get(response.headers["Location"].rsplit("/", 1)[1])
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    finally:
        app.extensions["claimcheck.reports"].close()
    marks = [attrs for _, attrs in parse(page).with_class("claim-mark")]
    assert {int(a["data-claim"]) for a in marks} == {claim["n"] for claim in report["claims"]}
    assert len(parse(page).find("article")) == len(report["claims"]) > 20
    nested = [
        (outer["n"], inner["n"])
        for outer in report["claims"]
        for inner in report["claims"]
        if outer is not inner and outer["start"] < inner["start"] and inner["end"] < outer["end"]
    ]
    assert nested  # the founding article has claims inside quotations
    outer, inner = nested[0]
    pieces = [int(a["data-claim"]) for a in marks]
    first, last = pieces.index(outer), len(pieces) - 1 - pieces[::-1].index(outer)
    assert first < pieces.index(inner) < last  # the outer highlight is cut around the inner one
    assert sum(1 for a in marks if a.get("id") == f"mark-{outer}") == 1
