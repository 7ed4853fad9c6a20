"""`quantity`: a fact's value against a claimed value under a relation.

Holds::

    {kind: quantity, fact: vostochny.area, relation: more_than, value: {value: 550, unit: "km**2"}}

Does not hold (the 2021 census counted 7,194)::

    {kind: quantity, fact: tsiolkovsky.population, relation: about, value: {value: 25000, unit: people}}
"""

from marshmallow import Schema, ValidationError, fields, validates_schema

from rules.fields import QuantitySchema, fact_ref, relation, secondary
from rules.kinds.base import Kind
from rules.model import Outcome, Span, Step
from rules.relations import judge, precision_of
from rules.units import format_unit, quantity


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


def evaluate(params, values, context) -> Outcome:
    observed = values["fact"]
    if observed.amount is None:
        return Outcome.unverifiable(f"{observed.fact_id} is not a quantity.")
    claimed = quantity(params["value"]["value"], params["value"]["unit"])
    if claimed.dimensionality != observed.amount.dimensionality:
        return Outcome.unverifiable(
            f"The claim is in {format_unit(claimed.units)} but {observed.fact_id} is in "
            f"{format_unit(observed.amount.units)}."
        )
    unit = observed.amount.units
    reference = observed.amount.magnitude
    value = claimed.to(unit).magnitude
    high = quantity(**params["high"]).to(unit).magnitude if "high" in params else None
    # The claim's rounding is read in the unit it was written in ("5 km²" → ±0.5 km²), then converted.
    step = params.get("precision", precision_of(claimed.magnitude))
    step = (step * claimed.units).to(unit).magnitude
    label = format_unit(unit)
    verdict, by_rounding, span, detail = judge(
        params["relation"], value, reference, high=high, step=step, unit=label
    )
    steps = (
        Step(
            "claimed",
            f"{params['relation']} {params['value']['value']:g} {params['value']['unit']}",
            f"{value:,.6g} {label}",
        ),
        Step("reference", f"{observed.fact_id} ({observed.source.publisher})", observed.display()),
        Step("comparison", f"{reference:,.6g} {label} against the claim", detail),
    )
    reason = (
        f"The reference value {observed.display()} ({observed.source.publisher}) is {detail}"
        f" of the claimed {params['relation'].replace('_', ' ')} {value:,.6g} {label}."
    )
    return Outcome(verdict, reason, steps, span, Span.point(reference, label), by_rounding)


KIND = Kind("quantity", "A fact's value against a claimed value under a relation.", Params, evaluate)
