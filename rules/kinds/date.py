"""`date`: "launched on 11 August", "established in 2012", "met at around 1 p.m. local time".

A moment is read in the claim's time zone (UTC unless the rule names one); a value stored as a plain
date keeps its stored days. "on" and "in" hold when the event's days fall inside the claimed date,
which may be partial ("2012", "2023-08"); "before" and "after" compare with the claimed date's first
and last day. With a `time`, the moment must lie within `tolerance_minutes` (default 30) of that
wall-clock time on that day. A claim that fails in its own zone but holds in the local zone of the
fact's entity or in UTC is approximately accurate: which day it was depends on where you stand. A
reference coarser than the claim ("2012" against "2012-08") cannot settle it.

Holds (23:10:57 UTC on 10 August is 08:10 on 11 August in Seoul)::

    {kind: date, fact: luna_25.launch, relation: "on", date: "2023-08-11", timezone: Asia/Seoul}

Does not hold (formed on 1 August 2011; with `secondary: [vostochny.construction_start]` the claim
is misleading, as construction started in 2012)::

    {kind: date, fact: vostochny.established, relation: in, date: "2012"}
"""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rules.dates import DateRange
from rules.fields import PartialDate, TimeZone, fact_ref, secondary
from rules.kinds.base import Kind
from rules.model import Outcome, Span, Step, Verdict

RELATIONS = ("on", "in", "before", "after")
TIME = r"\A([01]\d|2[0-3]):[0-5]\d\Z"
DEFAULT_TOLERANCE = 30  # minutes: "around 1 p.m." covers 12:30 to 13:30
ONE_DAY = dt.timedelta(days=1)


class Params(Schema):
    fact = fact_ref(required=True)
    relation = fields.String(
        required=True,
        validate=validate.OneOf(RELATIONS),
        # YAML 1.1 reads a bare `on` as true: say so rather than "Not a valid string".
        error_messages={"invalid": 'must be one of on, in, before, after (write "on" in quotes)'},
    )
    date = PartialDate(required=True)
    time = fields.String(validate=validate.Regexp(TIME, error="must be a time written HH:MM"))
    timezone = TimeZone()
    tolerance_minutes = fields.Integer(strict=True, validate=validate.Range(0, 720))
    secondary = secondary()

    @validates_schema
    def time_needs_a_day(self, data, **kwargs):
        if "tolerance_minutes" in data and "time" not in data:
            raise ValidationError("'tolerance_minutes' is only allowed with 'time'", "tolerance_minutes")
        if "time" in data and (data["relation"] not in ("on", "in") or data["date"].precision != "day"):
            raise ValidationError("'time' needs relation 'on' or 'in' and a date written YYYY-MM-DD", "time")


def _zone(name: str | None) -> ZoneInfo | None:
    """Return the time zone called `name`, or None for a missing or unknown name."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _days(value, zone: ZoneInfo) -> DateRange:
    """Return the event's day as seen in `zone`; a plain date keeps its stored days."""
    if value.moment is None:
        return value.days
    day = value.moment.astimezone(zone).date()
    return DateRange(day, day, "day")


def _show(value, zone: ZoneInfo) -> str:
    """Return the event as read in `zone`: "2023-08-11 08:10 Asia/Seoul"."""
    if value.moment is None:
        return value.display()
    return f"{value.moment.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"


def _claimed_moment(params, zone: ZoneInfo) -> dt.datetime:
    """Return the claimed day and wall-clock time as a moment in `zone`."""
    return dt.datetime.combine(params["date"].start, dt.time.fromisoformat(params["time"]), zone)


def _holds(params, value, zone: ZoneInfo) -> bool | None:
    """Whether the claim holds with the event read in `zone`; None when the reference is too coarse."""
    claimed = params["date"]
    if "time" in params:
        minutes = params.get("tolerance_minutes", DEFAULT_TOLERANCE)
        return abs(value.moment - _claimed_moment(params, zone)) <= dt.timedelta(minutes=minutes)
    event = _days(value, zone)
    match params["relation"]:
        case "before":
            yes, no = event.end < claimed.start, event.start >= claimed.start
        case "after":
            yes, no = event.start > claimed.end, event.end <= claimed.end
        case _:
            yes = claimed.start <= event.start and event.end <= claimed.end
            no = event.end < claimed.start or event.start > claimed.end
    return yes or (False if no else None)


def _iso(day_or_moment, shift: dt.timedelta) -> str | None:
    """Return the ISO form of a shifted day or moment; None (an open end) past the calendar's ends."""
    try:
        return (day_or_moment + shift).isoformat()
    except OverflowError:
        return None


def _spans(params, value, zone: ZoneInfo) -> tuple[Span, Span]:
    """Return the claimed and the observed span as ISO dates (or moments, for a claimed time)."""
    claimed = params["date"]
    if "time" in params:
        at = _claimed_moment(params, zone)
        width = dt.timedelta(minutes=params.get("tolerance_minutes", DEFAULT_TOLERANCE))
        return Span(_iso(at, -width), _iso(at, width)), Span.point(value.moment.astimezone(zone).isoformat())
    seen = _days(value, zone)
    observed = Span(seen.start.isoformat(), seen.end.isoformat())
    if params["relation"] == "before":
        return Span(None, _iso(claimed.start, -ONE_DAY)), observed
    if params["relation"] == "after":
        return Span(_iso(claimed.end, ONE_DAY), None), observed
    return Span(claimed.start.isoformat(), claimed.end.isoformat()), observed


def evaluate(params, values, context) -> Outcome:
    value = values["fact"]
    if value.days is None:
        return Outcome.unverifiable(f"{value.fact_id} is not a date.")
    if "time" in params and value.moment is None:
        return Outcome.unverifiable(f"{value.fact_id} has no time of day, only {value.display()}.")
    entity = context.snapshot.entities.get(value.fact_id.split(".")[0])
    local = _zone(entity.timezone if entity else None)
    zone = ZoneInfo(params.get("timezone", "UTC"))
    # A moment may be reported in another zone than the claim's; a plain date has no zone to vary.
    others = [z for z in (local, ZoneInfo("UTC")) if z and z != zone and value.moment is not None]
    results = {z: _holds(params, value, z) for z in (zone, *dict.fromkeys(others))}
    claim = f"{params['relation']} {params['date'].label}"
    claim += f" at {params['time']}" if "time" in params else ""
    claim += f" ({zone.key})" if value.moment is not None else ""
    seen = f"{value.fact_id} was {_show(value, zone)} ({value.source.publisher})"
    other = next((z for z, holds in results.items() if holds and z != zone), None)
    if results[zone] is None:
        verdict, reason = Verdict.UNVERIFIABLE, f"{seen}: too coarse to tell if it was {claim}."
    elif results[zone]:
        verdict, reason = Verdict.ACCURATE, f"{seen}: {claim}, as claimed."
    elif other:
        where = f"{other.key} (the local time of {entity.name})" if other == local else other.key
        verdict = Verdict.APPROXIMATELY_ACCURATE
        reason = (
            f"{seen}, not {claim}; in {where} it was {_show(value, other)}, "
            f"so the claim holds only when read in that time zone."
        )
    else:
        verdict, reason = Verdict.INACCURATE, f"{seen}, not {claim}."
    said = {True: "holds", False: "does not hold", None: "cannot tell"}
    steps = [Step("reference", f"{value.fact_id} ({value.source.publisher})", value.display())]
    steps += [
        Step(
            f"in {z.key}" if value.moment else "comparison", f"{_show(value, z)} against {claim}", said[holds]
        )
        for z, holds in results.items()
    ]
    return Outcome(verdict, reason, tuple(steps), *_spans(params, value, zone))


KIND = Kind("date", "When an event happened against a claimed date, day or time.", Params, evaluate)
