"""`anniversary`: "this year marks the 75th anniversary of diplomatic relations".

The claim holds when the claimed year (by default the year of `as_of`) minus the event's year is the
claimed ordinal, so 2023 is the 75th-anniversary year of 12 October 1948 all year round. When the
anniversary date itself is still to come on `as_of`, the reason says so; any other ordinal is
inaccurate, and the reason gives the right one.

Holds (2023 − 1948 = 75; the date itself, 12 October 2023, came after the 13 September summit)::

    {kind: anniversary, fact: ussr_dprk_relations.established, ordinal: 75, year: 2023}

Does not hold (the 70th anniversary was in 2018)::

    {kind: anniversary, fact: ussr_dprk_relations.established, ordinal: 70, year: 2023}
"""

from dateutil.relativedelta import relativedelta
from marshmallow import Schema, fields, validate

from rules.dates import MAX_YEAR, MIN_YEAR
from rules.fields import fact_ref
from rules.kinds.base import Kind
from rules.model import Outcome, Span, Step, Verdict


class Params(Schema):
    fact = fact_ref(required=True)
    ordinal = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1000))
    year = fields.Integer(strict=True, validate=validate.Range(MIN_YEAR, MAX_YEAR))


def _ordinal(number: int) -> str:
    """Return an ordinal as written in English: 1st, 2nd, 3rd, 11th, 75th, 101st."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if number % 100 in (11, 12, 13) else suffix}"


def evaluate(params, values, context) -> Outcome:
    value = values["fact"]
    if value.days is None:
        return Outcome.unverifiable(f"{value.fact_id} is not a date.")
    claimed, year = params["ordinal"], params.get("year", context.as_of.year)
    actual = year - value.days.start.year
    said = f"{value.fact_id} ({value.display()}, {value.source.publisher})"
    steps = [
        Step("reference", f"{value.fact_id} ({value.source.publisher})", value.display()),
        Step("years since", f"{year} − {value.days.start.year}", f"{actual}"),
    ]
    due = None
    # The claimed anniversary has a date only while the event's year plus the ordinal is a year.
    if value.days.start.year + claimed <= MAX_YEAR:
        due = [day + relativedelta(years=claimed) for day in (value.days.start, value.days.end)]
        shown = due[0].isoformat() if due[0] == due[1] else f"{due[0]} to {due[1]}"
        plural = "s" if claimed != 1 else ""
        steps.append(Step("anniversary date", f"{value.days.label} + {claimed} year{plural}", shown))
    if actual != claimed:
        right = f"the {_ordinal(actual)} anniversary year" if actual > 0 else "before any anniversary"
        reason = f"{year} is {right} of {said}, not the {_ordinal(claimed)}."
        verdict = Verdict.INACCURATE
    else:
        reason = f"{year} is the {_ordinal(claimed)} anniversary year of {said}."
        verdict = Verdict.ACCURATE
        # "This year marks the 75th" is true all year; the reader should still learn the date is ahead.
        if due and due[0] > context.as_of:
            reason = (
                f"{reason[:-1]}; the date itself ({shown}) is still to come as of "
                f"{context.as_of.isoformat()}."
            )
    observed = Span(due[0].isoformat(), due[1].isoformat()) if due else None
    claimed_span = Span(f"{year:04d}-01-01", f"{year:04d}-12-31")
    return Outcome(verdict, reason, tuple(steps), claimed_span, observed)


KIND = Kind("anniversary", "Which anniversary of a dated event a year marks.", Params, evaluate)
