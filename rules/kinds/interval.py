"""`interval`: "met again after four years and five months": calendar time between two dated facts.

Time is counted on the calendar with python-dateutil's `relativedelta`, never in pint years (a pint
year is 365.25 days). An unhedged claim holds when the elapsed time equals it at the claim's precision,
its smallest non-zero unit: 4 years 5 months covers 4 y 5 m 0 d up to the end of that fifth month.
Within half that unit outside (15 days for months, 6 months for years, nothing for days) it is
approximately accurate. Hedged claims ("about", "more than", ...) are judged in days by
`rules.relations.judge`, the claim converted to days by adding it to the start date.

Holds (25 Apr 2019 to 13 Sep 2023 is 4 years 4 months 19 days)::

    {kind: interval, start: summit_2019.date, end: summit_2023.date, relation: exact,
     duration: {years: 4, months: 4}}

Does not hold (1,602 days is 12 % short of five years)::

    {kind: interval, start: summit_2019.date, end: summit_2023.date, relation: more_than,
     duration: {years: 5}}

`{years: 4, months: 5}` is approximately accurate: 12 days short, and Apr 2019 → Sep 2023 counts
4 years 5 months by month numbers.
"""

from dateutil.relativedelta import relativedelta
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rules.fields import fact_ref, relation
from rules.kinds.base import Kind
from rules.model import Outcome, Span, Step, Verdict
from rules.relations import judge, precision_of

UNITS = ("years", "months", "days")
# Half of the claim's smallest unit: how far outside its window an unhedged claim is still close.
HALF_UNIT = {
    "years": relativedelta(months=6),
    "months": relativedelta(days=15),
    "days": relativedelta(),
}


class DurationSchema(Schema):
    """A claimed calendar duration: `{"years": 4, "months": 5}`."""

    years = fields.Integer(strict=True, validate=validate.Range(0, 10_000))
    months = fields.Integer(strict=True, validate=validate.Range(0, 120_000))
    days = fields.Integer(strict=True, validate=validate.Range(0, 3_660_000))

    @validates_schema
    def not_empty(self, data, **kwargs):
        if not any(data.values()):
            raise ValidationError("at least one of years, months and days must be above zero")


class Params(Schema):
    start = fact_ref(required=True)
    end = fact_ref(required=True)
    relation = relation(required=True)
    duration = fields.Nested(DurationSchema, required=True)

    @validates_schema
    def no_between(self, data, **kwargs):
        if data.get("relation") == "between":
            raise ValidationError("'between' is not supported for intervals", "relation")


def _describe(delta: relativedelta) -> str:
    """Return a duration as a reader would write it: "4 years 4 months 19 days"."""
    parts = [f"{n:,} {unit[:-1] if n == 1 else unit}" for unit in UNITS if (n := getattr(delta, unit))]
    return " ".join(parts) or "0 days"


def _calendar_note(start, end, claim: relativedelta, unit: str) -> str:
    """Return a note when counting by month (or year) numbers alone gives exactly the claim."""
    if unit == "days":
        return ""
    trim = {"day": 1} if unit == "months" else {"month": 1, "day": 1}
    if relativedelta(end.replace(**trim), start.replace(**trim)) != claim:
        return ""
    shown = "%b %Y" if unit == "months" else "%Y"
    return (
        f"; counting by calendar {unit} ({start.strftime(shown)} → {end.strftime(shown)}) "
        f"gives {_describe(claim)}"
    )


def _window(start, claim: relativedelta, unit: str):
    """Return the first day the claim reaches and the first day past it at its precision."""
    # One addition of the whole duration keeps month-end clipping the same at both ends.
    return start + claim, start + (claim + relativedelta(**{unit: 1}))


def _exact(start, end, claim: relativedelta, unit: str) -> tuple[Verdict, Span, str]:
    """Judge an unhedged claim: inside its calendar window, within half a unit of it, or outside."""
    low, high = _window(start, claim, unit)
    near = low - HALF_UNIT[unit] <= end < high + HALF_UNIT[unit]
    span = Span((low - start).days, (high - start).days - 1, "days")
    if low <= end < high:
        return Verdict.ACCURATE, span, f"the claimed {_describe(claim)} at its precision ({unit})"
    gap, side = ((low - end).days, "short of") if end < low else ((end - high).days + 1, "beyond")
    detail = f"{_describe(relativedelta(days=gap))} {side} the claimed {_describe(claim)}"
    if near:
        note = _calendar_note(start, end, claim, unit)
        return Verdict.APPROXIMATELY_ACCURATE, span, f"{detail}, within half a {unit[:-1]}{note}"
    return Verdict.INACCURATE, span, f"{detail}, more than half a {unit[:-1]}"


def evaluate(params, values, context) -> Outcome:
    first, last = values["start"], values["end"]
    for value in (first, last):
        if value.days is None or value.days.precision != "day":
            return Outcome.unverifiable(f"{value.fact_id} is not a date known to the day.")
    start, end = first.days.start, last.days.start
    if end < start:
        return Outcome.unverifiable(f"{last.fact_id} ({end}) is before {first.fact_id} ({start}).")
    claim = relativedelta(**params["duration"])
    # The claim's precision is its smallest non-zero unit: "4 years 5 months" is counted in months.
    unit = next(unit for unit in reversed(UNITS) if params["duration"].get(unit))
    elapsed, total, by_rounding = relativedelta(end, start), (end - start).days, False
    try:
        low, high = _window(start, claim, unit)
        claimed_days = (low - start).days
        if params["relation"] == "exact":
            verdict, span, detail = _exact(start, end, claim, unit)
        else:
            # The rounding a claim implies is one of its last unit ("4 years": a year of days).
            step = precision_of(claimed_days) if unit == "days" else (high - low).days
            verdict, by_rounding, span, detail = judge(
                params["relation"], claimed_days, total, step=step, unit="days"
            )
            words = f"{params['relation'].replace('_', ' ')} {_describe(claim)}"
            detail = f"the claimed {words} is {claimed_days:,} days, and {total:,} days is {detail}"
    except (ValueError, OverflowError):
        return Outcome.unverifiable("The claimed duration runs past the calendar's years 1-9999.")
    steps = (
        Step("start", f"{first.fact_id} ({first.source.publisher})", start.isoformat()),
        Step("end", f"{last.fact_id} ({last.source.publisher})", end.isoformat()),
        Step("elapsed", f"relativedelta({end}, {start})", _describe(elapsed)),
        Step("total days", f"{end} − {start}", f"{total:,} days"),
        Step("claimed", f"{start} + {_describe(claim)}", f"{claimed_days:,} days"),
        Step("comparison", f"{_describe(elapsed)} against {params['relation']}", detail),
    )
    reason = (
        f"From {start} ({first.fact_id}, {first.source.publisher}) to {end} ({last.fact_id}, "
        f"{last.source.publisher}) is {_describe(elapsed)} ({total:,} days): {detail}."
    )
    return Outcome(verdict, reason, steps, span, Span.point(total, "days"), by_rounding)


KIND = Kind(
    "interval",
    "Calendar time between two dated facts against a claimed duration.",
    Params,
    evaluate,
    fact_fields=("start", "end"),
)
