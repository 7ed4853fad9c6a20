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
