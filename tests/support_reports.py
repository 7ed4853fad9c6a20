"""Test doubles for the report tests: a small Flask app and a stand-in for `check_article`.

The stand-in finds a fixed list of phrases of the founding article and checks each with the rule
engine against the test snapshot, so the report pages can be tested before the real claim parser.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import re
from pathlib import Path

import flask

from rules.engine import evaluate
from rules.rule import load_rule

ROOT = Path(__file__).parent
TEST_SNAPSHOT = ROOT / "data" / "snapshot"
FOUNDING_ARTICLE = ROOT.parent / "claims" / "articles" / "vostochny-summit-2023.txt"
ADMIN_TOKEN = "test-admin-token-0123456789"

# (phrase as it appears in the founding article, the rule it states); verdicts on the test snapshot:
PHRASES = [
    (
        "4 Years and 5 Months",
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"years": 4, "months": 5},
        },
    ),  # approximately_accurate
    (
        "Comparable to the Area of Seoul City",
        {"kind": "ratio", "fact": "vostochny.area", "base": "seoul.area", "relation": "about", "factor": 1},
    ),  # accurate, sources disagree
    (
        "more than 550 square kilometers",
        {
            "kind": "quantity",
            "fact": "vostochny.area",
            "relation": "more_than",
            "value": {"value": 550, "unit": "km**2"},
        },
    ),  # accurate
    (
        "over 110 times larger than the approximately 5 square kilometer Naro Space Center",
        {
            "kind": "ratio",
            "fact": "vostochny.area",
            "base": "naro.area",
            "relation": "more_than",
            "factor": 110,
        },
    ),  # approximately_accurate, sources disagree
    (
        "most of Russia's space launch vehicles have been launched from here",
        {
            "kind": "share",
            "dataset": "launches",
            "numerator": {"sites": ["VOST"], "orbital": True},
            "denominator": {"sites": ["GIK-5", "GIK-1", "VOST"], "orbital": True},
            "period": {"from": "2016-01-01"},
            "quantifier": "most",
        },
    ),  # inaccurate
    (
        "about 25,000 residents",
        {
            "kind": "quantity",
            "fact": "tsiolkovsky.population",
            "relation": "about",
            "value": {"value": 25000, "unit": "people"},
            "secondary": ["tsiolkovsky.planned_population"],
        },
    ),  # misleading
    (
        "housed a nuclear missile base",
        {
            "kind": "quantity",
            "fact": "svobodny.missile_base",
            "relation": "exact",
            "value": {"value": 1, "unit": "people"},
        },
    ),  # unverifiable: no such fact
]


def fake_check_article(title, text, published, snapshot, url=None, publisher=None, language="en"):
    """Return what `claims.article_check.check_article` returns, for the phrases above only."""
    as_of = published if isinstance(published, dt.date) else dt.date.fromisoformat(str(published))
    claims = []
    for phrase, rule in PHRASES:
        for match in re.finditer(re.escape(phrase), text, flags=re.IGNORECASE):
            result = evaluate(load_rule(rule), snapshot, as_of).to_dict()
            quote = text[match.start() : match.end()]
            claims.append(
                {
                    "start": match.start(),
                    "end": match.end(),
                    "quote": quote,
                    "understood": f"{rule['kind']} claim",
                    "result": result,
                }
            )
    claims.sort(key=lambda claim: claim["start"])
    summary: dict[str, int] = {}
    for claim in claims:
        summary[claim["result"]["verdict"]] = summary.get(claim["result"]["verdict"], 0) + 1
    return {
        "id": re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60],
        "title": title,
        "published": as_of.isoformat(),
        "claims": claims,
        "summary": summary,
        "sentences": text.count(".") + 1,
        "skipped": [],
    }


def make_app(database_url: str, **config) -> flask.Flask:
    """Build the real app on the test snapshot, a migrated store at `database_url`, and the stand-in checker."""
    from service import create_app

    settings = {
        "TESTING": True,
        "REFERENCE_DIR": str(TEST_SNAPSHOT),
        "CATALOG_DIR": str(ROOT / "data" / "catalog"),
        "DATABASE_URL": database_url,
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "PUBLIC_URL": "https://checks.example.org/",
    }
    settings.update({key.removeprefix("CLAIMCHECK_"): value for key, value in config.items()})
    app = create_app(settings)
    app.extensions["claimcheck"].check_article = fake_check_article
    return app


def founding_article() -> str:
    """Return the founding article's text (shared/article), or a short stand-in if it is not there."""
    if FOUNDING_ARTICLE.is_file():
        return FOUNDING_ARTICLE.read_text(encoding="utf-8")
    return (
        "Meeting After 4 Years and 5 Months\n"
        "Meeting at a Mega Space Base Comparable to the Area of Seoul City\n"
        "It is known to be located in an area that housed a nuclear missile base.\n"
        "The site covers more than 550 square kilometers. It is over 110 times larger than the approximately "
        "5 square kilometer Naro Space Center. Since 2016, most of Russia's space launch vehicles have been "
        "launched from here.\nA residential area capable of housing about 25,000 residents has been established.\n"
    )


class Elements(html.parser.HTMLParser):
    """Collects every start tag of a page with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def with_class(self, name):
        return [(t, a) for t, a in self.tags if name in (a.get("class") or "").split()]


def parse(page: str) -> Elements:
    """Return the start tags of an HTML page."""
    parser = Elements()
    parser.feed(page)
    return parser
