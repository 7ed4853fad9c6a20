"""The inputs the benchmarks use: generated structured and free-text claims, and request bodies.

Everything is generated from a fixed seed, so two runs measure the same work. Claims are distinct
(different numbers, relations and facts), so the engine's result cache does not answer them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from claims.catalog import load_catalog
from rules.reference import Snapshot
from rules.units import format_unit

AS_OF = dt.date(2023, 9, 13)  # the founding article's date
SEED = 20230913
RELATIONS = ("exact", "about", "more_than", "at_least", "less_than", "at_most", "nearly")
# Units a claim may be written in, by the unit a fact is stored in (so conversions are exercised too).
CLAIM_UNITS = {
    "km²": ("km**2", "m**2", "hectare", "mi**2"),
    "m²": ("m**2", "km**2", "hectare"),
    "km": ("km", "m", "mile"),
    "people": ("people",),
    "count": ("count",),
    "%": ("percent",),
    "a": ("year",),
    "usd/a": ("USD/year",),
}
CATALOG_CLAIM = "headline-four-years-five-months"
ONE_RULE = {
    "kind": "quantity",
    "fact": "vostochny.area",
    "relation": "less_than",
    "value": {"value": 500, "unit": "km**2"},
}

# Free-text forms the parser reads (from tests/parser_cases.yaml), with a number to vary.
TEXT_FORMS = (
    "The site covers more than {n} square kilometers.",
    "Vostochny covers about {n} km2.",
    "The Vostochny Cosmodrome covers {n} km².",
    "Vostochny occupies {n},000 hectares.",
    "Naro Space Center covers roughly {n} million square meters.",
    "Russia pays ${n} million a year to lease Baikonur.",
    "The site is about {n} km across.",
    "Vostochny is {n} km north of Svobodny.",
    "Tsiolkovsky has a population of about {n},000.",
    "Tsiolkovsky has fewer than {n},000 inhabitants.",
    "The spaceport covers roughly {n} square kilometres.",
    "Vostochny covers almost {n} km2.",
    "It is over {n} times larger than the approximately 5 square kilometer Naro Space Center.",
    "Vostochny is {n} times the size of Naro.",
    "Vostochny is nearly {n} times larger than Naro.",
    "The Baikonur Cosmodrome covers {n} square kilometres.",
    "Vostochny hosted {n} launches since 2016.",
    "North Korea made {n} failed launch attempts in 2023.",
    "This year marks the {n}th anniversary of diplomatic relations between Russia and North Korea.",
    "Kim and Putin met for the first time in {n} years.",
    "The leaders met for the second time, {n} days after their first summit.",
    "The Vostochny Cosmodrome was founded in {year}.",
    "Construction of the Vostochny Cosmodrome began in {year}.",
    "Vostochny has been operational since {year}.",
)


def quantity_facts(snapshot: Snapshot) -> list:
    """Return the snapshot's facts whose preferred value is a quantity."""
    return [fact for fact in snapshot.facts.values() if fact.values and fact.preferred.amount is not None]


def structured_claims(snapshot: Snapshot, count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """Return `count` distinct quantity and ratio rules (half each) over the snapshot's quantity facts."""
    rng = random.Random(seed)
    facts = quantity_facts(snapshot)
    seen: set[str] = set()
    rules: list[dict[str, Any]] = []
    while len(rules) < count:
        fact = rng.choice(facts)
        amount = fact.preferred.amount
        if len(rules) % 2:
            bases = [f for f in facts if f.preferred.amount.dimensionality == amount.dimensionality]
            rule = {
                "kind": "ratio",
                "fact": fact.id,
                "base": rng.choice(bases).id,
                "relation": rng.choice(RELATIONS),
                "factor": round(rng.uniform(0.5, 150), rng.choice((0, 1, 2))) or 1,
            }
        else:
            units = CLAIM_UNITS.get(format_unit(amount.units), (str(amount.units),))
            value = amount.magnitude * rng.uniform(0.6, 1.4)
            rule = {
                "kind": "quantity",
                "fact": fact.id,
                "relation": rng.choice(RELATIONS),
                # The value is in the stored unit even when the claim names another: a wrong claim
                # costs the engine as much as a right one.
                "value": {"value": round(value, rng.choice((0, 1, 2))), "unit": rng.choice(units)},
            }
        key = json.dumps(rule, sort_keys=True)
        if key not in seen:
            seen.add(key)
            rules.append(rule)
    return rules


def free_text_claims(count: int, seed: int = SEED) -> list[str]:
    """Return `count` distinct English sentences, each one free-text claim as the API accepts it."""
    rng = random.Random(seed)
    sentences: list[str] = []
    seen: set[str] = set()
    attempt = 0
    while len(sentences) < count:
        # Round robin over the forms; a form whose variants run out (years) is skipped for the rest.
        form = TEXT_FORMS[attempt % len(TEXT_FORMS)]
        attempt += 1
        text = form.format(n=rng.randint(2, 999), year=rng.randint(1990, 2023))
        if text not in seen:
            seen.add(text)
            sentences.append(text)
    return sentences


def founding_article() -> dict[str, Any]:
    """Return the POST /v1/articles body for the founding article of the catalog."""
    article = next(iter(load_catalog().articles.values()))
    body = {
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat(),
        "url": article.url,
        "publisher": article.publisher,
        "language": article.language,
    }
    return {key: value for key, value in body.items() if value is not None}


def request_bodies(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """Return the JSON body of every HTTP scenario, by scenario name."""
    hundred = [{"rule": rule} for rule in structured_claims(snapshot, 100, seed=SEED + 1)]
    return {
        "echo": {"claims": [{"rule": ONE_RULE}], "as_of": AS_OF.isoformat()},
        "checks_catalog": {"claims": [{"claim_id": CATALOG_CLAIM}]},
        "checks_rule": {"claims": [{"rule": ONE_RULE}], "as_of": AS_OF.isoformat()},
        "checks_100": {"claims": hundred, "as_of": AS_OF.isoformat()},
        "articles": founding_article(),
    }
