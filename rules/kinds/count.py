"""`count` and `share`: how many GCAT launches match a filter in a period, and what fraction of them.

A launch counts when its GCAT date (UTC) lies inside [from, min(to, as_of)]; launches after `as_of`
are never used. Rows dated only to a month or year that straddle the period's edge cannot be placed:
`count` says unverifiable when they could change the verdict, `share` whenever the denominator has one.

`count` holds (2023-F06 and 2023-F07)::

    {kind: count, dataset: launches, filter: {sites: [SOHAE], orbital: true, outcome: failure},
     period: {from: "2023-01-01"}, relation: exact, value: 2}

`count` does not hold::

    {kind: count, dataset: launches, filter: {sites: [SOHAE], orbital: true, outcome: failure},
     period: {from: "2023-01-01"}, relation: exact, value: 3}

`share` compares numerator / denominator, where numerator rows must also pass the denominator's
filter, with either `relation` + `value` (a fraction 0..1) or a quantifier:
most and majority = more than 50 %; half = about 50 %; all = at least 100 %; none = at most 0 %;
minority = less than 50 %. Quantifiers carry no rounding, and "all" and "none" allow no exception
(no near miss). Over fewer than three events, a numerically true "most", "majority" or "all" is
misleading: "1 of 1" says less than the sweeping word suggests.

`share` holds (Baikonur and Plesetsk flew about 89 % of launches from the three Russian sites)::

    {kind: share, dataset: launches, numerator: {sites: [GIK-5, GIK-1], orbital: true},
     denominator: {sites: [GIK-5, GIK-1, VOST], orbital: true}, period: {from: "2016-01-01"},
     quantifier: most}

`share` does not hold (Vostochny flew about 10 %)::

    {kind: share, dataset: launches, numerator: {sites: [VOST], orbital: true},
     denominator: {sites: [GIK-5, GIK-1, VOST], orbital: true}, period: {from: "2016-01-01"},
     quantifier: most}
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rules.events import Launch
from rules.fields import Number, PartialDate, relation, text
from rules.kinds.base import Context, Kind
from rules.model import Outcome, Span, Step, Verdict
from rules.relations import judge, precision_of

SITE_CODE = r"^[A-Z0-9-]{1,12}$"
OUTCOMES = ("success", "failure", "any")
DATASET_FILE = {"launches": "gcat/launch.tsv"}
# Quantifier → (relation, percentage); see the module docstring.
QUANTIFIERS = {
    "most": ("more_than", 50.0),
    "majority": ("more_than", 50.0),
    "half": ("about", 50.0),
    "all": ("at_least", 100.0),
    "none": ("at_most", 0.0),
    "minority": ("less_than", 50.0),
}
SWEEPING = ("most", "majority", "all")
STRICT = ("all", "none")
MIN_SWEEPING_BASE = 3
MAX_LISTED_TAGS = 30


class LaunchFilter(Schema):
    sites = fields.List(
        fields.String(validate=validate.Regexp(SITE_CODE, error="must be a GCAT site code")),
        validate=validate.Length(1, 20),
    )
    orbital = fields.Boolean()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES), load_default="any")
    flight_contains = text(40)


class Period(Schema):
    start = PartialDate(required=True, data_key="from")
    to = PartialDate()


def _high_only_for_between(data):
    if (data.get("relation") == "between") != ("high" in data):
        raise ValidationError("'high' is required with 'between' and only with it", "high")


class CountParams(Schema):
    dataset = fields.String(required=True, validate=validate.OneOf(tuple(DATASET_FILE)))
    filter = fields.Nested(LaunchFilter, required=True)
    period = fields.Nested(Period, required=True)
    relation = relation(required=True)
    value = Number(required=True, validate=validate.Range(min=0))
    high = Number(validate=validate.Range(min=0))

    @validates_schema
    def high_only_for_between(self, data, **kwargs):
        _high_only_for_between(data)


class ShareParams(Schema):
    dataset = fields.String(required=True, validate=validate.OneOf(tuple(DATASET_FILE)))
    numerator = fields.Nested(LaunchFilter, required=True)
    denominator = fields.Nested(LaunchFilter, required=True)
    period = fields.Nested(Period, required=True)
    quantifier = fields.String(validate=validate.OneOf(tuple(QUANTIFIERS)))
    relation = relation()
    value = Number(validate=validate.Range(0, 1))
    high = Number(validate=validate.Range(0, 1))

    @validates_schema
    def quantifier_or_relation(self, data, **kwargs):
        if ("quantifier" in data) == ("relation" in data or "value" in data):
            raise ValidationError("give either 'quantifier' or 'relation' with 'value'", "quantifier")
        if "relation" in data and "value" not in data:
            raise ValidationError("'value' is required with 'relation'", "value")
        _high_only_for_between(data)


def describe(spec) -> str:
    """Return a launch filter in words ("failed orbital launches from SOHAE")."""
    outcome = {"success": "successful ", "failure": "failed ", "any": ""}[spec["outcome"]]
    what = {True: "orbital launches", False: "suborbital launches and tests", None: "launches"}
    words = outcome + what[spec.get("orbital")]
    if "sites" in spec:
        words += f" from {', '.join(spec['sites'])}"
    if "flight_contains" in spec:
        words += f" whose flight or mission contains {spec['flight_contains']!r}"
    return words


def _matches(launch: Launch, spec) -> bool:
    if "sites" in spec and launch.site not in spec["sites"]:
        return False
    if "orbital" in spec and launch.orbital != spec["orbital"]:
        return False
    # Success is GCAT's S (partial successes such as OS80 included); unknown codes are neither.
    if spec["outcome"] == "failure" and not launch.failed:
        return False
    if spec["outcome"] == "success" and launch.code[1:2] != "S":
        return False
    needle = spec.get("flight_contains")
    return needle is None or needle.casefold() in f"{launch.flight}\n{launch.mission}".casefold()


def _select(context: Context, specs, start: dt.date, end: dt.date):
    """Return the launches passing every filter inside the window, and those that straddle its edge."""
    inside, straddling = [], []
    # A filter naming sites only needs those sites' rows, indexed once per snapshot.
    named = [set(spec["sites"]) for spec in specs if "sites" in spec]
    rows = context.snapshot.launches
    if named:
        by_site = context.snapshot.launches_by_site
        rows = [row for site in sorted(set.intersection(*named)) for row in by_site.get(site, ())]
    for launch in rows:
        if not all(_matches(launch, spec) for spec in specs):
            continue
        if start <= launch.date.start and launch.date.end <= end:
            inside.append(launch)
        elif launch.date.start <= end and launch.date.end >= start:
            straddling.append(launch)
    return inside, straddling


def _problem(params, specs, context: Context) -> str:
    """Return why the rule cannot be judged against this snapshot, or an empty string."""
    unknown = sorted(
        {code for spec in specs for code in spec.get("sites", ()) if code not in context.snapshot.sites}
    )
    if unknown:
        return f"GCAT's site table has no site {', '.join(unknown)}."
    if params["period"]["start"].start > context.as_of:
        return f"The period starts after {context.as_of.isoformat()}, the date the claim is checked as of."
    return ""


def _window(params, context: Context) -> tuple[dt.date, dt.date]:
    period = params["period"]
    end = min(period["to"].end, context.as_of) if "to" in period else context.as_of
    return period["start"].start, end


def _tags(launches) -> str:
    listed = ", ".join(launch.tag for launch in launches[:MAX_LISTED_TAGS]) or "none"
    extra = len(launches) - MAX_LISTED_TAGS
    return f"{listed} and {extra} more" if extra > 0 else listed


def _records(launches, context: Context, dataset: str, counted=None) -> tuple[dict, ...]:
    """Return the rows as evidence, each with the dataset's provenance (and, for a share, its side)."""
    source = context.snapshot.dataset_sources[DATASET_FILE[dataset]].to_dict()
    records = []
    for launch in launches:
        record = {**launch.to_dict(), "source": source}
        if counted is not None:
            record["in_numerator"] = launch.tag in counted
        records.append(record)
    return tuple(records)


def _words(relation_name: str, value: float, high: float | None, unit: str = "") -> str:
    if relation_name == "between":
        return f"between {value:g}{unit} and {high:g}{unit}"
    return f"{'exactly' if relation_name == 'exact' else relation_name.replace('_', ' ')} {value:g}{unit}"


def evaluate_count(params, values, context) -> Outcome:
    spec = params["filter"]
    problem = _problem(params, (spec,), context)
    if problem:
        return Outcome.unverifiable(problem)
    start, end = _window(params, context)
    rows, straddling = _select(context, (spec,), start, end)
    claim = (params["relation"], params["value"])
    high = params.get("high")
    # A counted number is exact: its only rounding is to the nearest whole launch (±0.5).
    verdict, by_rounding, span, detail = judge(*claim, len(rows), high=high, step=1.0, unit="launches")
    if straddling and judge(*claim, len(rows) + len(straddling), high=high, step=1.0)[0] != verdict:
        return Outcome.unverifiable(
            f"GCAT dates {_tags(straddling)} only to the month or year, so they may fall on either "
            f"side of the period {start.isoformat()} to {end.isoformat()}, and that decides the claim."
        )
    claimed, words = _words(params["relation"], params["value"], high), describe(spec)
    steps = (
        Step("filter", "GCAT launch.tsv rows", words),
        Step("period", "from .. min(to, as_of), by GCAT's UTC date", f"{start} to {end}"),
        Step("count", "rows matching the filter in the period", str(len(rows))),
        Step("matched", "launch tags", _tags(rows)),
        Step("comparison", f"{len(rows)} against {claimed}", detail),
    )
    reason = (
        f"{words[:1].upper()}{words[1:]} from {start.isoformat()} to {end.isoformat()} in GCAT: "
        f"{len(rows)}; against the claimed {claimed} that is {detail}."
    )
    return Outcome(
        verdict,
        reason,
        steps,
        span,
        Span.point(float(len(rows)), "launches"),
        by_rounding,
        _records(rows, context, params["dataset"]),
    )


def _share_claim(params) -> tuple[str, float, float | None, float, str]:
    """Return relation, percentage, upper percentage, rounding step and the claim in words."""
    if "quantifier" in params:
        name, percent = QUANTIFIERS[params["quantifier"]]
        # A quantifier is a word, not a rounded number: it carries no rounding of its own.
        return name, percent, None, 0.0, f"'{params['quantifier']}' ({_words(name, percent, None, '%')})"
    value = params["value"] * 100
    high = params["high"] * 100 if "high" in params else None
    # A share is written as a percentage, so its rounding is read there ("11 %" → ±0.5 points).
    return (
        params["relation"],
        value,
        high,
        precision_of(value),
        _words(params["relation"], value, high, "%"),
    )


def _quantifier_verdict(
    word: str, verdict: Verdict, by_rounding: bool, detail: str, top: int, bottom: int
) -> tuple[Verdict, bool, str]:
    """Apply what a quantifier means beyond its number: no exceptions, and more than one event."""
    if word in STRICT and verdict is Verdict.APPROXIMATELY_ACCURATE:
        # One exception falsifies "all" or "none"; a near miss is not nearly all.
        exceptions = bottom - top if word == "all" else top
        return (
            Verdict.INACCURATE,
            False,
            f"{exceptions} of {bottom} are exceptions, and '{word}' allows none",
        )
    if verdict.holds and word in SWEEPING and bottom < MIN_SWEEPING_BASE:
        # A sweeping word over one or two events says more than the data: "1 of 1" is not "most".
        return (Verdict.MISLEADING, False, f"true only as {top} of {bottom}, and '{word}' suggests several")
    return verdict, by_rounding, detail


def evaluate_share(params, values, context) -> Outcome:
    top_spec, bottom_spec = params["numerator"], params["denominator"]
    problem = _problem(params, (top_spec, bottom_spec), context)
    if problem:
        return Outcome.unverifiable(problem)
    start, end = _window(params, context)
    bottom, straddling = _select(context, (bottom_spec,), start, end)
    if straddling:
        return Outcome.unverifiable(
            f"GCAT dates {_tags(straddling)} only to the month or year, so "
            f"the denominator for {start} to {end} is uncertain."
        )
    if not bottom:
        return Outcome.unverifiable(f"GCAT lists no {describe(bottom_spec)} from {start} to {end}.")
    top = [launch for launch in bottom if _matches(launch, top_spec)]
    share = 100 * len(top) / len(bottom)
    name, value, high, step, claimed = _share_claim(params)
    verdict, by_rounding, span, detail = judge(name, value, share, high=high, step=step, unit="%")
    if "quantifier" in params:
        verdict, by_rounding, detail = _quantifier_verdict(
            params["quantifier"], verdict, by_rounding, detail, len(top), len(bottom)
        )
    steps = (
        Step("numerator", f"{describe(top_spec)} (and {describe(bottom_spec)})", _tags(top)),
        Step("denominator", describe(bottom_spec), f"{len(bottom)} launch" + "es" * (len(bottom) != 1)),
        Step("period", "from .. min(to, as_of), by GCAT's UTC date", f"{start} to {end}"),
        Step("share", f"{len(top)} / {len(bottom)}", f"{share:.1f}%"),
        Step("comparison", f"{share:.1f}% against {claimed}", detail),
    )
    reason = (
        f"From {start} to {end}, GCAT lists {len(top)} of {len(bottom)} {describe(bottom_spec)} "
        f"as {describe(top_spec)} ({share:.1f}%); against the claimed {claimed} that is {detail}."
    )
    records = _records(bottom, context, params["dataset"], counted={launch.tag for launch in top})
    return Outcome(verdict, reason, steps, span, Span.point(share, "%"), by_rounding, records)


COUNT = Kind(
    "count",
    "How many dataset events match a filter in a period.",
    CountParams,
    evaluate_count,
    fact_fields=(),
)
SHARE = Kind(
    "share",
    "What fraction of one filtered set of dataset events another makes up.",
    ShareParams,
    evaluate_share,
    fact_fields=(),
)
