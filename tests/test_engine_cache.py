"""The engine's result cache: the same answer as evaluating afresh, keyed by rule, snapshot and date."""

import datetime as dt
import gc
import weakref

from claims.catalog import load_catalog
from rules import engine
from rules.reference import load_snapshot
from rules.rule import load_rule

AS_OF = dt.date(2023, 9, 13)
AREA = {
    "kind": "quantity",
    "fact": "vostochny.area",
    "relation": "more_than",
    "value": {"value": 550, "unit": "km**2"},
}


def test_a_cached_result_is_what_a_fresh_evaluation_gives_for_every_catalog_claim():
    snapshot, catalog = load_snapshot(), load_catalog()
    engine._cached.cache_clear()
    for claim in catalog.claims.values():
        first = claim.check(snapshot)
        again = claim.check(snapshot)
        assert again is first  # from the cache
        assert again.to_dict() == engine._evaluate(claim.rule, snapshot, claim.article.published).to_dict()


def test_the_key_is_the_rule_as_written_the_snapshot_and_the_date(test_snapshot):
    engine._cached.cache_clear()
    rule = load_rule(AREA)
    result = engine.evaluate(rule, test_snapshot, AS_OF)
    assert engine.evaluate(load_rule(dict(AREA)), test_snapshot, AS_OF) is result  # equal rule, new object
    assert engine.evaluate(rule, test_snapshot, AS_OF + dt.timedelta(days=1)) is not result
    other = load_snapshot()
    assert other.id != test_snapshot.id
    assert engine.evaluate(rule, other, AS_OF).snapshot == other.id
    # Written differently (another key order) is another rule as written, so another entry.
    reordered = load_rule(dict(reversed(list(AREA.items()))))
    assert engine.evaluate(reordered, test_snapshot, AS_OF).rule == reordered.to_dict()


def test_answers_from_the_cache_stay_the_same_through_the_api(client):
    body = {"claims": [{"claim_id": "hundred-times-naro"}, {"rule": AREA}], "save": True}
    first = client.post("/v1/checks", json=body).get_json()
    second = client.post("/v1/checks", json=body).get_json()
    assert first["results"] == second["results"]  # saving a report changed nothing it was built from


def test_a_cached_entry_does_not_keep_a_replaced_snapshot_alive():
    engine._cached.cache_clear()
    snapshot = load_snapshot()
    engine.evaluate(load_rule(AREA), snapshot, AS_OF)
    gone = weakref.ref(snapshot)
    del snapshot
    gc.collect()
    assert gone() is None


def test_no_path_through_the_service_changes_what_results_share(client, app):
    """Ratings and cited evidence are shared by every result: checks, reports, pages and reviews leave them be."""
    import copy

    from rules.model import _RATINGS
    from service.state import current_state

    engine._cached.cache_clear()
    claims = [
        {"rule": AREA},
        {"rule": {**AREA, "relation": "less_than"}},
        {
            "rule": {
                "kind": "ratio",
                "fact": "vostochny.area",
                "base": "naro.area",
                "relation": "about",
                "factor": 100,
            }
        },
        {"text": "Vostochny covers about 700 square kilometres."},
    ]
    first = client.post("/v1/checks", json={"claims": claims, "as_of": "2023-09-13"})
    assert first.status_code == 200
    with app.app_context():
        values = [value for fact in current_state().snapshot.facts.values() for value in fact.values]
    shared = {
        id(value): copy.deepcopy(value.__dict__["_cited"][1:])
        for value in values
        if "_cited" in value.__dict__
    }
    ratings = copy.deepcopy(_RATINGS)
    assert len(shared) >= 3

    saved = client.post("/v1/checks", json={"claims": claims, "as_of": "2023-09-13", "save": True}).get_json()
    report_id = saved["report"]["id"]
    for path in (f"/v1/reports/{report_id}", f"/v1/reports/{report_id}/claimreview", saved["report"]["html"]):
        assert client.get(path).status_code == 200, path
    text = "Vostochny covers about 700 square kilometres. It is 100 times the size of Naro."
    article = client.post("/v1/articles", json={"title": "Shared", "text": text, "published": "2023-09-13"})
    assert article.status_code == 201
    assert client.get(article.headers["Location"]).status_code == 200

    assert ratings == _RATINGS
    for value in values:
        if id(value) in shared:
            assert value.__dict__["_cited"][1:] == shared[id(value)], value.ref
