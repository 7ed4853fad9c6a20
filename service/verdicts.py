"""Turns requested claims (catalog ids, structured rules, free text) into results with provenance.

The API and the CLI both answer through these functions, so both give the same result shape:
`Result.to_dict()`, plus `claim` for a catalog claim and `input` for free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from claims.catalog import Catalog, CatalogClaim
from claims.parser import check_text as parse_and_check
from rules.engine import evaluate
from rules.errors import UnknownClaim
from rules.reference import Snapshot
from rules.rule import Rule
from service.errors import Problem


def catalog_claim_json(claim: CatalogClaim) -> dict[str, Any]:
    """Return a catalog claim as plain JSON data."""
    return claim.to_dict()


def check_catalog_claim(claim: CatalogClaim, snapshot: Snapshot, as_of: dt.date | None) -> dict:
    """Return the result for a catalog claim (as of its article's date unless `as_of` is given)."""
    result = claim.check(snapshot, as_of).to_dict()
    return {**result, "claim": {"id": claim.id, "quote": claim.quote, "article": claim.article.to_dict()}}


def check_rule(rule: Rule, snapshot: Snapshot, as_of: dt.date | None) -> dict:
    """Return the result for a structured rule (as of today unless `as_of` is given)."""
    return evaluate(rule, snapshot, as_of or dt.date.today()).to_dict()


def check_text(text: str, snapshot: Snapshot, catalog: Catalog, as_of: dt.date | None) -> dict:
    """Return the result for free text, with the text as `input` and what the parser understood.

    A sentence may hold several claims ("more than 550 km², roughly the size of Seoul"): the first is
    the result, the others follow in `also`, each with its span and understanding.
    """
    found = parse_and_check(text, snapshot, as_of or dt.date.today())
    results = [
        {**result.to_dict(), "input": {"text": text}, "understood": claim.to_dict()}
        for claim, result in found
    ]
    return {**results[0], "also": results[1:]}


def check_all(
    items: Sequence[Mapping[str, Any]], snapshot: Snapshot, catalog: Catalog, as_of: dt.date | None = None
) -> list[dict]:
    """Check validated claim inputs in order; an unknown claim id fails the batch before any work."""
    claims: dict[int, CatalogClaim] = {}
    for index, item in enumerate(items):
        if "claim_id" in item:
            try:
                claims[index] = catalog.claim(item["claim_id"])
            except UnknownClaim as error:
                where = {"pointer": f"/claims/{index}/claim_id", "message": str(error)}
                raise Problem.from_error(error, errors=[where]) from None
    results = []
    for index, item in enumerate(items):
        if index in claims:
            results.append(check_catalog_claim(claims[index], snapshot, as_of))
        elif "rule" in item:
            results.append(check_rule(item["rule"], snapshot, as_of))
        else:
            results.append(check_text(item["text"], snapshot, catalog, as_of))
    return results
