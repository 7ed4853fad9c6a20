"""The shortcuts past marshmallow (Kind.quick_params) load exactly what the schemas load, or decline."""

import math
from types import MappingProxyType

import pytest
from marshmallow import ValidationError

from rules.errors import InvalidRule
from rules.kinds import KINDS
from rules.reference import load_snapshot
from rules.relations import RELATION_NAMES
from rules.rule import _params_schema, load_rule

QUANTITY = {"fact": "vostochny.area", "relation": "about", "value": {"value": 550, "unit": "km**2"}}
RATIO = {"fact": "vostochny.area", "base": "naro.area", "relation": "more_than", "factor": 100}


class Text(str):
    pass


class Whole(int):
    pass


ODD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    0.0,
    -0.0,
    5,
    5.5,
    10**15,
    10**15 + 1,
    -(10**16),
    1e15,
    1.5e15,
    math.nan,
    math.inf,
    -math.inf,
    Whole(7),
    "5",
    [5],
    {"value": 5},
    "",
    " ",
    "x" * 41,
    "km**2",
    " km ",
    "km\n",
    "KM",
    "parsec",
    "m**9**9",
    "A/\vA",
    "furlong",
    Text("km"),
    b"km",
    "vostochny.area",
    "vostochny.area\n",
    "Vostochny.area",
    "vostochny",
    "a." + "b" * 61,
    Text("naro.area"),
    "about",
    "between",
    "exact",
    "nearly",
    "sort_of",
    Text("about"),
    {"value": 5, "unit": "km"},
    {"value": 5, "unit": "km", "x": 1},
    {"unit": "km", "other": 5},
    {"value": True, "unit": "km"},
    {"value": 5, "unit": "km**2 "},
    {"value": 5, "unit": ""},
    MappingProxyType({"value": 5, "unit": "km"}),
    ("km",),
]


def _cases():
    for name, base in (("quantity", QUANTITY), ("ratio", RATIO)):
        yield name, dict(base)
        yield name, dict(reversed(list(base.items())))
        for key in base:
            yield name, {k: v for k, v in base.items() if k != key}
            for odd in ODD_VALUES:
                yield name, {**base, key: odd}
        for extra in ("high", "precision", "secondary", "kind", "unknown"):
            yield name, {**base, extra: 1}
            yield name, {**base, "relation": "between", extra: {"value": 600, "unit": "km**2"}}
        yield name, {**base, "secondary": ["naro.area"]}
        yield name, {**base, "precision": 1.0}


def _same(fields: dict, name: str) -> bool:
    """Check one input; return whether the shortcut answered (rather than declined)."""
    quick = KINDS[name].quick_params(dict(fields))
    try:
        expected = _params_schema(name).load(dict(fields))
    except ValidationError:
        expected = None
    if quick is None:
        return False
    assert expected is not None, fields
    assert repr(quick) == repr(expected), fields  # same keys, order, values and types
    return True


@pytest.mark.parametrize(("name", "fields"), list(_cases()))
def test_the_shortcut_never_disagrees_with_the_schema(name, fields):
    _same(fields, name)


def _claims():
    """Every quantity fact with every relation but 'between' and a few numbers, plus ratios among them."""
    facts = [f for f in load_snapshot().facts.values() if f.values and f.preferred.amount is not None]
    for fact in facts:
        unit = str(fact.preferred.amount.units)
        for relation in RELATION_NAMES[:-1]:
            for number in (1, 2.5, 550, 0.125, -3):
                value = {"value": number, "unit": unit}
                yield {"kind": "quantity", "fact": fact.id, "relation": relation, "value": value}
                factor = abs(number)
                yield {
                    "kind": "ratio",
                    "fact": fact.id,
                    "base": facts[0].id,
                    "relation": relation,
                    "factor": factor,
                }


def test_the_shortcut_answers_the_usual_claims_as_the_schema_does():
    accepted = 0
    for spec in _claims():
        fields = {key: value for key, value in spec.items() if key != "kind"}
        try:
            load_rule(spec)
        except InvalidRule:
            assert not _same(fields, spec["kind"])
            continue
        accepted += 1
        assert _same(fields, spec["kind"]), spec  # a plain valid claim never falls back to marshmallow
    assert accepted > 500
