"""`ratio`: "X is N times larger than Y", "roughly the size of Y" (N = 1).

"N times larger" is read as "N times as large", as newspapers use it. Holds::

    {kind: ratio, fact: vostochny.area, base: seoul.area, relation: about, factor: 1}

Does not hold (551.5 km² / 5.49 km² ≈ 100)::

    {kind: ratio, fact: vostochny.area, base: naro.area, relation: at_least, factor: 130}
"""

from marshmallow import Schema, ValidationError, fields, validates_schema

from rules.fields import Number, fact_ref, quick_fact, quick_number, quick_relation, relation, secondary
from rules.kinds.base import Kind
from rules.model import Outcome, Span, Step, Verdict
from rules.relations import judge, precision_of, verdict_of


class Params(Schema):
    fact = fact_ref(required=True)
    base = fact_ref(required=True)
    relation = relation(required=True)
    factor = Number(required=True, metadata={"exclusiveMinimum": 0})
    high = Number()
    precision = fields.Float(allow_nan=False)
    secondary = secondary()

    @validates_schema
    def positive_factor(self, data, **kwargs):
        if data.get("factor", 1) <= 0:
            raise ValidationError("must be greater than zero", "factor")
        if (data.get("relation") == "between") != ("high" in data):
            raise ValidationError("'high' is required with 'between' and only with it", "high")


_QUICK_KEYS = frozenset(("fact", "base", "relation", "factor"))


def quick_params(data: dict):
    """Return what Params loads `data` as when it is exactly {fact, base, relation, factor}; None otherwise."""
    if data.keys() != _QUICK_KEYS:
        return None
    fact, base, relation_name = data["fact"], data["base"], data["relation"]
    if not quick_fact(fact) or not quick_fact(base) or not quick_relation(relation_name):
        return None
    factor = quick_number(data["factor"])
    if factor is None or factor <= 0:
        return None
    return {"fact": fact, "base": base, "relation": relation_name, "factor": factor, "secondary": ()}


def _compare(params, top, bottom):
    """Return the observed ratio and the rounding step, or an unverifiable Outcome."""
    if top.amount is None or bottom.amount is None:
        return Outcome.unverifiable("A ratio needs two quantities.")
    if top.dimensions != bottom.dimensions:
        return Outcome.unverifiable(f"{top.fact_id} and {bottom.fact_id} are not comparable.")
    if bottom.base_magnitude == 0:
        return Outcome.unverifiable(f"{bottom.fact_id} is zero.")
    observed = top.base_magnitude / bottom.base_magnitude
    factor = params["factor"]
    # "The size of Y" has no digits to round: a factor of exactly 1 carries no rounding of its own.
    step = params.get("precision", 0.0 if factor == 1 else precision_of(factor))
    return observed, step


def decide(params, values, context) -> tuple[Verdict, Span | None]:
    """Return the verdict and observed span `evaluate` gives, without writing the reason."""
    compared = _compare(params, values["fact"], values["base"])
    if isinstance(compared, Outcome):
        return compared.verdict, compared.observed
    observed, step = compared
    verdict = verdict_of(params["relation"], params["factor"], observed, high=params.get("high"), step=step)
    return verdict, Span.point(observed, "×")


def evaluate(params, values, context) -> Outcome:
    top, bottom = values["fact"], values["base"]
    compared = _compare(params, top, bottom)
    if isinstance(compared, Outcome):
        return compared
    observed, step = compared
    factor = params["factor"]
    verdict, by_rounding, span, detail = judge(
        params["relation"], factor, observed, high=params.get("high"), step=step, unit="×"
    )
    ratio, relation_words = f"{observed:,.4g}×", params["relation"].replace("_", " ")
    top_text, bottom_text, claimed = top.display(), bottom.display(), f"{relation_words} {factor:g}×"
    steps = (
        Step(
            "ratio",
            f"{top_text} ({top.source.publisher}) / {bottom_text} ({bottom.source.publisher})",
            ratio,
        ),
        Step("comparison", f"{ratio} against {claimed}", detail),
    )
    reason = (
        f"{top.fact_id} / {bottom.fact_id} = {top_text} / {bottom_text} = {ratio}; "
        f"against the claimed {claimed} it is {detail}."
    )
    return Outcome(verdict, reason, steps, span, Span.point(observed, "×"), by_rounding)


KIND = Kind(
    "ratio",
    "One fact's value as a multiple of another's.",
    Params,
    evaluate,
    fact_fields=("fact", "base"),
    decide=decide,
    quick_params=quick_params,
)
