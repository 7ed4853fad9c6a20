"""The calendar kinds (interval, date, anniversary): rules they refuse, and calendar edges the YAML cases miss."""

import datetime as dt

import pytest

from rules.dates import parse_partial_date
from rules.errors import InvalidRule
from rules.kinds import anniversary, date, interval
from rules.kinds.base import Context
from rules.model import Verdict
from rules.reference import FactValue
from rules.rule import load_rule

INVALID_RULES = [
    ({"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "2023-02-30"}, "date"),
    ({"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "2023-13"}, "date"),
    ({"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "13 Sep 2023"}, "date"),
    ({"kind": "date", "fact": "summit_2023.date", "relation": True, "date": "2023"}, "relation"),
    ({"kind": "date", "fact": "summit_2023.date", "relation": "during", "date": "2023"}, "relation"),
    (
        {"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "2023-09", "time": "13:00"},
        "time",
    ),
    (
        {
            "kind": "date",
            "fact": "summit_2023.date",
            "relation": "before",
            "date": "2023-09-13",
            "time": "13:00",
        },
        "time",
    ),
    (
        {"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "2023-09-13", "time": "24:00"},
        "time",
    ),
    (
        {
            "kind": "date",
            "fact": "summit_2023.date",
            "relation": "on",
            "date": "2023-09-13",
            "time": "13:00\n",
        },
        "time",
    ),
    (
        {"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "2023-09-13", "time": 780},
        "time",
    ),
    (
        {
            "kind": "date",
            "fact": "summit_2023.date",
            "relation": "on",
            "date": "2023-09-13",
            "tolerance_minutes": 10,
        },
        "tolerance_minutes",
    ),
    (
        {
            "kind": "date",
            "fact": "summit_2023.date",
            "relation": "on",
            "date": "2023-09-13",
            "time": "13:00",
            "tolerance_minutes": -1,
        },
        "tolerance_minutes",
    ),
    (
        {
            "kind": "date",
            "fact": "summit_2023.date",
            "relation": "on",
            "date": "2023",
            "timezone": "Mars/Olympus",
        },
        "timezone",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"years": 0, "months": 0},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"years": -4},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"years": 10_001},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"years": 4.5},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"years": True},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "exact",
            "duration": {"weeks": 3},
        },
        "duration",
    ),
    (
        {
            "kind": "interval",
            "start": "summit_2019.date",
            "end": "summit_2023.date",
            "relation": "between",
            "duration": {"years": 4},
        },
        "relation",
    ),
    ({"kind": "interval", "start": "summit_2019.date", "relation": "exact", "duration": {"years": 4}}, "end"),
    ({"kind": "anniversary", "fact": "ussr_dprk_relations.established", "ordinal": 0}, "ordinal"),
    ({"kind": "anniversary", "fact": "ussr_dprk_relations.established", "ordinal": 1001}, "ordinal"),
    ({"kind": "anniversary", "fact": "ussr_dprk_relations.established", "ordinal": "75th"}, "ordinal"),
    (
        {"kind": "anniversary", "fact": "ussr_dprk_relations.established", "ordinal": 75, "year": 10_000},
        "year",
    ),
]


@pytest.mark.parametrize(("rule", "field"), INVALID_RULES)
def test_invalid_calendar_rules_are_refused(rule, field):
    with pytest.raises(InvalidRule) as caught:
        load_rule(rule)
    assert field in caught.value.errors


def test_an_impossible_date_is_refused():
    with pytest.raises(InvalidRule) as caught:
        load_rule({"kind": "date", "fact": "summit_2023.date", "relation": "on", "date": "2023-02-30"})
    assert "date" in caught.value.errors


def test_a_bare_yaml_on_is_explained():
    with pytest.raises(InvalidRule) as caught:
        load_rule({"kind": "date", "fact": "summit_2023.date", "relation": True, "date": "2023"})
    assert "quotes" in caught.value.errors["relation"][0]


def _value(test_snapshot, fact_id: str, written: str | None = None, moment: str | None = None) -> FactValue:
    """Return a made-up value for an edge case, sourced like the snapshot's first source."""
    source = next(iter(test_snapshot.sources.values()))
    if moment is not None:
        at = dt.datetime.fromisoformat(moment).astimezone(dt.UTC)
        return FactValue(
            fact_id, 0, "datetime", source, "test", moment=at, days=parse_partial_date(at.date())
        )
    return FactValue(fact_id, 0, "date", source, "test", days=parse_partial_date(written))


def _params(kind, **params):
    return kind.Params().load(params)


def test_one_month_from_the_31st_of_january_ends_with_february(test_snapshot):
    context = Context(dt.date(2024, 12, 31), test_snapshot)
    values = {
        "start": _value(test_snapshot, "a.start", "2024-01-31"),
        "end": _value(test_snapshot, "a.end", "2024-02-29"),
    }
    params = _params(interval, start="a.start", end="a.end", relation="exact", duration={"months": 1})
    outcome = interval.evaluate(params, values, context)
    assert outcome.verdict is Verdict.ACCURATE, outcome.reason
    assert outcome.observed.low == 29


def test_interval_steps_show_the_calendar_difference(test_snapshot):
    context = Context(dt.date(2023, 9, 13), test_snapshot)
    values = {
        "start": _value(test_snapshot, "a.start", "2019-04-25"),
        "end": _value(test_snapshot, "a.end", "2023-09-13"),
    }
    params = _params(
        interval, start="a.start", end="a.end", relation="exact", duration={"years": 4, "months": 5}
    )
    outcome = interval.evaluate(params, values, context)
    assert outcome.verdict is Verdict.APPROXIMATELY_ACCURATE
    assert {step.label: step.result for step in outcome.steps}["elapsed"] == "4 years 4 months 19 days"
    assert (outcome.claimed.unit, outcome.observed.low) == ("days", 1602)


def test_a_leap_day_anniversary_falls_on_the_28th(test_snapshot):
    context = Context(dt.date(2021, 1, 1), test_snapshot)
    values = {"fact": _value(test_snapshot, "a.born", "2020-02-29")}
    outcome = anniversary.evaluate(_params(anniversary, fact="a.born", ordinal=1), values, context)
    assert outcome.verdict is Verdict.ACCURATE
    assert outcome.observed.low == "2021-02-28"
    assert "still to come" in outcome.reason


def test_an_anniversary_past_the_calendar_has_no_date(test_snapshot):
    context = Context(dt.date(9999, 1, 1), test_snapshot)
    values = {"fact": _value(test_snapshot, "a.born", "9500-01-01")}
    outcome = anniversary.evaluate(_params(anniversary, fact="a.born", ordinal=600), values, context)
    assert outcome.verdict is Verdict.INACCURATE
    assert outcome.observed is None
    assert "499th" in outcome.reason


def test_a_time_at_the_start_of_the_calendar_leaves_the_span_open(test_snapshot):
    context = Context(dt.date(2023, 1, 1), test_snapshot)
    values = {"fact": _value(test_snapshot, "a.moment", moment="0001-01-01T00:10:00+00:00")}
    params = _params(date, fact="a.moment", relation="on", date="0001-01-01", time="00:00", timezone="UTC")
    outcome = date.evaluate(params, values, context)
    assert outcome.verdict is Verdict.ACCURATE
    assert outcome.claimed.low is None


def test_a_date_claim_reads_the_day_in_the_claims_time_zone(test_snapshot):
    context = Context(dt.date(2023, 9, 13), test_snapshot)
    values = {"fact": _value(test_snapshot, "luna_25.launch", moment="2023-08-10T23:10:57+00:00")}
    params = _params(date, fact="luna_25.launch", relation="on", date="2023-08-11", timezone="Asia/Seoul")
    outcome = date.evaluate(params, values, context)
    assert outcome.verdict is Verdict.ACCURATE
    assert (outcome.claimed.low, outcome.observed.low) == ("2023-08-11", "2023-08-11")
