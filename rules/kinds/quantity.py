"""`quantity`: a fact's value against a claimed value under a relation.

Holds::

    {kind: quantity, fact: vostochny.area, relation: more_than, value: {value: 550, unit: "km**2"}}

Does not hold (the 2021 census counted 7,194)::

    {kind: quantity, fact: tsiolkovsky.population, relation: about, value: {value: 25000, unit: people}}
"""

from functools import lru_cache

from marshmallow import Schema, ValidationError, fields, validates_schema

from rules.fields import (
    QuantitySchema,
    fact_ref,
    quick_fact,
    quick_quantity,
    quick_relation,
    relation,
    secondary,
)
from rules.kinds.base import Kind
from rules.model import Outcome, Span, Step, Verdict
from rules.relations import judge, precision_of, verdict_of
from rules.units import conversion_factor, format_number, format_unit, parse_unit


class Params(Schema):
    fact = fact_ref(required=True)
    relation = relation(required=True)
    value = fields.Nested(QuantitySchema, required=True)
    high = fields.Nested(QuantitySchema)
    precision = fields.Float(allow_nan=False)
    secondary = secondary()

    @validates_schema
    def high_only_for_between(self, data, **kwargs):
        if (data.get("relation") == "between") != ("high" in data):
            raise ValidationError("'high' is required with 'between' and only with it", "high")


_QUICK_KEYS = frozenset(("fact", "relation", "value"))


def quick_params(data: dict):
    """Return what Params loads `data` as when it is exactly {fact, relation, value}; None otherwise."""
    if data.keys() != _QUICK_KEYS:
        return None
    fact, relation_name = data["fact"], data["relation"]
    if not quick_fact(fact) or not quick_relation(relation_name):
        return None
    value = quick_quantity(data["value"])
    if value is None:
        return None
    return {"fact": fact, "relation": relation_name, "value": value, "secondary": ()}


@lru_cache(maxsize=512)
def _unit(text: str):
    """Return the pint unit of a unit string and its short form, keyed by the string."""
    # format_unit's cache is keyed by pint units, which it compares with a slow __eq__ on every lookup.
    unit = parse_unit(text)
    return unit, format_unit(unit)


def _compare(params, observed):
    """Return what the comparison needs (unit label, claimed, reference, high, step), or an Outcome."""
    if observed.amount is None:
        return Outcome.unverifiable(f"{observed.fact_id} is not a quantity.")
    # Compare in the unit the claim was written in, so its rounding ("5 km²" → ±0.5 km²) reads naturally.
    unit, label = _unit(params["value"]["unit"])
    factor = observed.factor_to(params["value"]["unit"])
    if factor is None:
        return Outcome.unverifiable(
            f"The claim is in {format_unit(unit)} but {observed.fact_id} is in "
            f"{format_unit(observed.amount.units)}."
        )
    claimed = params["value"]["value"]
    reference = observed.amount.magnitude * factor
    high = None
    if "high" in params:
        high_factor = conversion_factor(parse_unit(params["high"]["unit"]), unit)
        if high_factor is None:
            return Outcome.unverifiable("The two ends of the claimed range are in different dimensions.")
        high = params["high"]["value"] * high_factor
    step = params.get("precision", precision_of(claimed))
    return label, claimed, reference, high, step


def decide(params, values, context) -> tuple[Verdict, Span | None]:
    """Return the verdict and observed span `evaluate` gives, without writing the reason."""
    compared = _compare(params, values["fact"])
    if isinstance(compared, Outcome):
        return compared.verdict, compared.observed
    label, claimed, reference, high, step = compared
    verdict = verdict_of(params["relation"], claimed, reference, high=high, step=step)
    return verdict, Span.point(reference, label)


def evaluate(params, values, context) -> Outcome:
    observed = values["fact"]
    compared = _compare(params, observed)
    if isinstance(compared, Outcome):
        return compared
    label, claimed, reference, high, step = compared
    verdict, by_rounding, span, detail = judge(
        params["relation"], claimed, reference, high=high, step=step, unit=label
    )
    relation_words = params["relation"].replace("_", " ")
    claimed_text, reference_text = f"{format_number(claimed)} {label}", f"{format_number(reference)} {label}"
    source = f"{observed.display()} ({observed.source.publisher})"
    steps = (
        Step("claimed", f"{relation_words} {claimed_text}", detail),
        Step("reference", f"{observed.fact_id} = {source}", reference_text),
    )
    reason = (
        f"{observed.fact_id} is {source} = {reference_text}; against the claimed {relation_words} "
        f"{claimed_text} it is {detail}."
    )
    return Outcome(verdict, reason, steps, span, Span.point(reference, label), by_rounding)


KIND = Kind(
    "quantity",
    "A fact's value against a claimed value under a relation.",
    Params,
    evaluate,
    decide=decide,
    quick_params=quick_params,
)
