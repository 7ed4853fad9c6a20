"""Whole-article checking: the founding article's recall and precision against its catalog, and texts
about the same subjects written differently."""

import datetime as dt
import re

import pytest

from claims.article_check import UnsupportedLanguage, check_article
from claims.catalog import load_catalog
from rules.reference import load_snapshot

ARTICLE = "vostochny-summit-2023"
MIN_RECALL = 0.90
WRONG = ("inaccurate", "misleading")


@pytest.fixture(scope="session")
def snapshot():
    """The embedded reference snapshot, loaded once; read-only."""
    return load_snapshot()


@pytest.fixture(scope="session")
def catalog():
    """The shipped catalog, loaded once; read-only."""
    return load_catalog()


@pytest.fixture(scope="session")
def expected(catalog, snapshot):
    """Each catalog claim of the founding article with the verdict its own rule gets; read-only."""
    return [(claim, claim.check(snapshot).verdict.value) for claim in catalog.for_article(ARTICLE)]


@pytest.fixture(scope="session")
def report(catalog, snapshot):
    """The founding article posted verbatim, checked once; read-only."""
    article = catalog.articles[ARTICLE]
    return check_article(
        article.title,
        article.text,
        article.published,
        snapshot,
        url=article.url,
        publisher=article.publisher,
        language=article.language,
    )


def _overlaps(found, claim) -> bool:
    return found["start"] < claim.end and claim.start < found["end"]


def _scores(report, expected):
    """Return (recall, precision, missed catalog claims, found claims judged wrong)."""
    hits, missed = 0, []
    for claim, verdict in expected:
        if any(_overlaps(f, claim) and f["result"]["verdict"] == verdict for f in report["claims"]):
            hits += 1
        else:
            missed.append(claim.id)
    right, wrong = 0, []
    for found in report["claims"]:
        same_kind = [(c, v) for c, v in expected if _overlaps(found, c) and c.rule.kind == found["kind"]]
        verdict = found["result"]["verdict"]
        if same_kind and any(v == verdict for _, v in same_kind):
            right += 1
        elif not same_kind and verdict not in WRONG:
            # Claims the catalog does not list: a verdict that calls true text false would be wrong.
            right += 1
        else:
            wrong.append((found["quote"], found["kind"], verdict))
    return hits / len(expected), right / len(report["claims"]), missed, wrong


def test_the_founding_article_recall_is_at_least_ninety_percent(report, expected):
    recall, precision, missed, _ = _scores(report, expected)
    print(
        f"\nfounding article: recall {recall:.1%} ({len(expected) - len(missed)}/{len(expected)}), "
        f"precision {precision:.1%} of {len(report['claims'])} claims found; missed {missed}"
    )
    assert recall >= MIN_RECALL, missed


def test_claims_outside_the_catalog_are_not_wrong_verdicts(report, expected):
    _, precision, _, wrong = _scores(report, expected)
    assert not wrong, wrong
    assert precision >= 0.95


def test_the_report_has_its_shape(report, catalog):
    text = catalog.articles[ARTICLE].text
    assert re.fullmatch(r"[0-9a-f]{32}", report["id"])
    assert report["published"] == "2023-09-13" and report["title"].startswith("Meeting After")
    assert sum(report["summary"].values()) == len(report["claims"])
    assert report["sentences"] > report["skipped"] > 0
    for found in report["claims"]:
        assert text[found["start"] : found["end"]] == found["quote"]
        assert found["result"]["as_of"] == "2023-09-13"
        assert found["result"]["verdict"] in report["summary"]


def test_headlines_count_as_sentences(report):
    first = [f for f in report["claims"] if f["start"] < 134]
    assert {f["kind"] for f in first} >= {"interval", "ratio", "attribution"}


def test_a_headline_quotation_finds_its_speaker_in_the_body(report):
    thanks = next(f for f in report["claims"] if f["quote"].startswith("Thank you"))
    assert thanks["understood"]["speaker"] == "kim_jong_un"


def test_other_languages_are_refused(snapshot):
    with pytest.raises(UnsupportedLanguage):
        check_article("Titel", "Text", "2023-09-13", snapshot, language="de")


# The same subjects written differently: other units, number words, date formats, negations and
# sentence orders than the founding article.
PARAPHRASE = """\
Putin Hosts Kim at Russia's Newest Cosmodrome, Twice the Size of Seoul
Kim Jong Un and Vladimir Putin met on Wednesday, Sept. 13, 2023, at the Vostochny spaceport, their first summit in more than four years.
The talks began at about 1 p.m. local time, TASS said.
Spanning some 213 square miles, the cosmodrome in the Amur region is roughly a hundred times as big as South Korea's Naro Space Center, which covers about 5.5 million square meters.
Construction of Vostochny began in 2012, and the first rocket lifted off in April 2016.
It was not built to replace Plesetsk, but to end Russia's reliance on Baikonur, which lies in Kazakhstan.
Russia pays about $115 million a year to rent Baikonur.
The nearby town of Tsiolkovsky has a population of roughly 7,000, far short of the 25,000 once planned.
Only a minority of Russia's orbital launches since 2016 have taken place at Vostochny.
Luna-25 lifted off from the cosmodrome on 11 August, but the probe crashed later that month.
North Korea failed twice this year to put a reconnaissance satellite into orbit.
Yuri Borisov, the director general of Roscosmos, showed Kim the Angara launch pad.
"""
# (a fragment of the claim's quote, its kind, its verdict)
PARAPHRASE_EXPECTED = [
    ("Twice the Size of Seoul", "ratio", "inaccurate"),
    ("met on Wednesday, Sept. 13, 2023", "date", "accurate"),
    ("more than four years", "interval", "accurate"),
    ("about 1 p.m. local time", "date", "accurate"),
    ("213 square miles", "quantity", "accurate"),
    ("a hundred times as big as", "ratio", "accurate"),
    ("about 5.5 million square meters", "quantity", "accurate"),
    ("Construction of Vostochny began in 2012", "date", "accurate"),
    ("in April 2016", "date", "accurate"),
    ("lies in Kazakhstan", "location", "accurate"),
    ("$115 million a year", "quantity", "accurate"),
    ("roughly 7,000", "quantity", "accurate"),
    ("a minority of Russia's orbital launches", "share", "accurate"),
    ("on 11 August", "date", "accurate"),
    ("twice this year", "count", "accurate"),
    ("Yuri Borisov, the director general of Roscosmos", "role", "accurate"),
]


@pytest.fixture(scope="session")
def paraphrase_report(snapshot):
    """A text about the same summit that the tests never saw verbatim elsewhere, checked once."""
    return check_article("Putin Hosts Kim", PARAPHRASE, dt.date(2023, 9, 14), snapshot, timezone="Asia/Seoul")


@pytest.mark.parametrize(
    ("fragment", "kind", "verdict"), PARAPHRASE_EXPECTED, ids=[f[0] for f in PARAPHRASE_EXPECTED]
)
def test_a_paraphrased_article_is_checked_too(paraphrase_report, fragment, kind, verdict):
    matching = [
        f
        for f in paraphrase_report["claims"]
        if fragment in f["quote"] or (f["quote"] in fragment and len(f["quote"]) > 8)
    ]
    shown = [(f["quote"], f["kind"], f["result"]["verdict"]) for f in paraphrase_report["claims"]]
    assert any(f["kind"] == kind and f["result"]["verdict"] == verdict for f in matching), shown
