"""The engine's stamping: evidence with provenance, robustness across sources, bounds, as_of, snapshot."""

import datetime as dt

import pytest

from rules.engine import evaluate
from rules.errors import InvalidRule
from rules.rule import load_rule

AS_OF = dt.date(2023, 9, 13)
OVER_110_TIMES_NARO = {
    "kind": "ratio",
    "fact": "vostochny.area",
    "base": "naro.area",
    "relation": "more_than",
    "factor": 110,
}


def test_result_carries_evidence_with_provenance(test_snapshot):
    rule = load_rule(OVER_110_TIMES_NARO)
    data = evaluate(rule, test_snapshot, AS_OF).to_dict()
    assert data["verdict"] == "approximately_accurate"
    assert data["snapshot"] == test_snapshot.id and data["as_of"] == "2023-09-13"
    assert data["rating"] == {"value": 4, "best": 5, "worst": 1, "label": "Approximately accurate"}
    assert {item["fact"] for item in data["evidence"]} == {"vostochny.area", "naro.area"}
    used = [item for item in data["evidence"] if item["used_in_verdict"]]
    assert {item["source"]["publisher"] for item in used} == {
        "Wikipedia",
        "Korea Aerospace Research Institute",
    }
    assert data["computation"][0]["result"] == "100.4×"


def test_robustness_names_the_sources_that_change_the_verdict(test_snapshot):
    rule = load_rule(OVER_110_TIMES_NARO)
    result = evaluate(rule, test_snapshot, AS_OF)
    assert not result.robust
    changed = {
        (entry["verdict"], tuple(v["value_ref"] for v in entry["values"])) for entry in result.sensitivity
    }
    assert ("accurate", ("vostochny.area#1", "naro.area#0")) in changed  # 700 km² / 5.49 km² ≈ 127
    assert result.bounds["reference"].low == pytest.approx(100.37, abs=0.01)
    assert result.bounds["reference"].high == pytest.approx(700 / 4.95, abs=0.01)


def test_robust_when_every_source_agrees(test_snapshot):
    rule = load_rule(
        {
            "kind": "quantity",
            "fact": "vostochny.area",
            "relation": "more_than",
            "value": {"value": 550, "unit": "km**2"},
        }
    )
    result = evaluate(rule, test_snapshot, AS_OF)
    assert result.robust and result.sensitivity == ()
    assert result.bounds["claimed"].low == 550 and result.bounds["claimed"].high is None


def test_values_after_as_of_are_not_used(test_snapshot):
    rule = load_rule({"kind": "role", "fact": "roscosmos.head", "claimed": "Yuri Borisov"})
    result = evaluate(rule, test_snapshot, dt.date(2020, 1, 1))
    assert result.verdict.value == "unverifiable"
    assert "as of 2020-01-01" in result.reason


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "telepathy"}, "kind"),
        (
            {
                "kind": "quantity",
                "fact": "vostochny.area",
                "relation": "roughly",
                "value": {"value": 1, "unit": "km"},
            },
            "relation",
        ),
        (
            {
                "kind": "quantity",
                "fact": "vostochny.area",
                "relation": "about",
                "value": {"value": 1, "unit": "9**9**9 m"},
            },
            "value",
        ),
        (
            {
                "kind": "quantity",
                "fact": "Vostochny Area",
                "relation": "about",
                "value": {"value": 1, "unit": "km"},
            },
            "fact",
        ),
        (
            {
                "kind": "ratio",
                "fact": "vostochny.area",
                "base": "naro.area",
                "relation": "about",
                "factor": 1,
                "colour": "red",
            },
            "colour",
        ),
        (
            {
                "kind": "ratio",
                "fact": "vostochny.area",
                "base": "naro.area",
                "relation": "about",
                "factor": float("nan"),
            },
            "factor",
        ),
    ],
)
def test_invalid_rules_name_the_field(rule, field):
    with pytest.raises(InvalidRule) as caught:
        load_rule(rule)
    assert field in caught.value.errors


def _rules_over_every_quantity(snapshot):
    """Quantity and ratio rules over every quantity fact, with numbers near, at and far from the data."""
    facts = [f for f in snapshot.facts.values() if f.values and f.preferred.amount is not None]
    for fact in facts:
        unit = f"{fact.preferred.units:~C}".replace("%", "percent")  # as a rule writes it: km**2, USD/a
        magnitude = fact.preferred.amount.magnitude
        for relation in ("exact", "about", "more_than", "at_most", "nearly"):
            for scale in (0.5, 0.93, 1.0, 1.04, 1.3):
                value = {"value": round(magnitude * scale, 3), "unit": unit}
                yield {"kind": "quantity", "fact": fact.id, "relation": relation, "value": value}
    for top in facts:
        for bottom in facts:
            if top.preferred.dimensions == bottom.preferred.dimensions and bottom.preferred.base_magnitude:
                observed = top.preferred.base_magnitude / bottom.preferred.base_magnitude
                for relation in ("about", "more_than", "less_than"):
                    for scale in (0.8, 1.0, 1.2):
                        factor = round(observed * scale, 3) or 1
                        yield {
                            "kind": "ratio",
                            "fact": top.id,
                            "base": bottom.id,
                            "relation": relation,
                            "factor": factor,
                        }


def test_alternatives_decided_by_amount_match_full_evaluation(embedded_snapshot, monkeypatch):
    """`decide`, asked once per distinct set of amounts, gives what evaluating every combination gives."""
    from dataclasses import replace

    import rules.engine as engine
    from rules.kinds import get_kind

    rules = [load_rule(spec) for spec in _rules_over_every_quantity(embedded_snapshot)]
    assert len(rules) > 1000
    quick = [engine._evaluate(rule, embedded_snapshot, AS_OF).to_dict() for rule in rules]
    monkeypatch.setattr(engine, "get_kind", lambda name: replace(get_kind(name), decide=None))
    full = [engine._evaluate(rule, embedded_snapshot, AS_OF).to_dict() for rule in rules]
    assert quick == full
    assert sum(not result["robust"] for result in full) > 50  # alternatives that disagree are covered
