"""Pictures of a result, laid out on the server: a scale for numbers, a timeline for dates.

`figure(result)` returns plain geometry (rows of bands and points, axis ticks) as x positions in SVG
user units across `WIDTH`; the template `_figure.html` draws each row as a labelled strip (the labels are
HTML, so they stay readable on a phone). For a quantity the claimed interval is drawn against every source's
value, for a ratio against every pair of sources, for an interval or a date on a calendar timeline.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pint

from rules.errors import UnsafeQuantity
from rules.units import parse_unit, quantity

WIDTH = 480
MARGIN = 16
MAX_ROWS = 8
_VALUE = re.compile(r"^(?:about |approximately |~)?(-?[\d,]*\.?\d+(?:e[+-]?\d+)?) (\S.{0,39})$")


@dataclass(frozen=True)
class Band:
    """A stretch of the scale, maybe open at either end (drawn with an arrow)."""

    x1: float
    x2: float
    open_left: bool = False
    open_right: bool = False


@dataclass(frozen=True)
class Row:
    """One labelled line of the figure: the claim's band, or one source's value."""

    label: str
    role: str  # "claimed", "reference" or "range"
    band: Band | None = None
    points: tuple[float, ...] = ()
    used: bool = False
    stem: tuple[float, float] | None = None  # a duration drawn as a line from its start


@dataclass(frozen=True)
class Figure:
    """Everything the template needs to draw one result."""

    kind: str  # "scale" or "timeline"
    title: str
    width: int
    rows: tuple[Row, ...]
    ticks: tuple[tuple[float, str], ...]
    guides: tuple[float, ...] = ()
    unit: str = ""
    notes: tuple[str, ...] = field(default=())


def rule_of(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the result's rule as a mapping (older engines stored its Python repr as a string)."""
    rule = result.get("rule")
    if isinstance(rule, Mapping):
        return dict(rule)
    if isinstance(rule, str) and len(rule) < 4000:
        try:
            parsed = ast.literal_eval(rule)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def parse_value(text: str, unit: str) -> float | None:
    """Return a displayed value ("about 700 km²") as a number in `unit`, or None if it is not one."""
    match = _VALUE.match(text or "")
    if not match:
        return None
    try:
        number = float(match.group(1).replace(",", ""))
        amount = quantity(number, match.group(2))
        if not unit or unit == "×":
            return float(amount.to_base_units().magnitude)
        return float(amount.to(parse_unit(unit)).magnitude)
    except (UnsafeQuantity, pint.errors.PintError, ValueError, TypeError, ArithmeticError):
        return None


def _iso_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _nice_step(span: float, count: int = 4) -> float:
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _format(value: float) -> str:
    """Return a number for reading: "1,602", "551.5", "10.2", "2.5e+07"."""
    if value == 0:
        return "0"
    if abs(value) >= 1e7 or abs(value) < 1e-3:
        return f"{value:.3g}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


class _Scale:
    """Maps values in [low, high] onto the drawable width."""

    def __init__(self, values: list[float], floor_zero: bool):
        low, high = min(values), max(values)
        pad = (high - low) * 0.12 or (abs(high) * 0.1 or 1.0)
        self.low, self.high = low - pad, high + pad
        if floor_zero and self.low < 0 <= low:
            self.low = 0.0

    def x(self, value: float) -> float:
        span = self.high - self.low
        return round(MARGIN + (value - self.low) / span * (WIDTH - 2 * MARGIN), 2)

    def band(self, low: float | None, high: float | None) -> Band:
        x1 = self.x(low) if low is not None else MARGIN
        x2 = self.x(high) if high is not None else WIDTH - MARGIN
        if x2 - x1 < 4:  # a single value still shows as a visible mark
            x1, x2 = x1 - 2, x2 + 2
        return Band(x1, x2, open_left=low is None, open_right=high is None)

    def number_ticks(self) -> tuple[tuple[float, str], ...]:
        step = _nice_step(self.high - self.low)
        first = math.ceil(self.low / step) * step
        count = int((self.high - first) // step) + 1
        return tuple((self.x(first + i * step), _format(first + i * step)) for i in range(count))

    def date_ticks(self) -> tuple[tuple[float, str], ...]:
        low, high = dt.date.fromordinal(int(self.low)), dt.date.fromordinal(math.ceil(self.high))
        days = (high - low).days
        if days > 3 * 365:
            step = max(1, round(days / 365 / 4))
            marks = [dt.date(y, 1, 1) for y in range(low.year + 1, high.year + 1, step)]
            return tuple((self.x(d.toordinal()), str(d.year)) for d in marks)
        if days > 75:
            months = [
                dt.date(low.year + (low.month + i) // 12, (low.month + i) % 12 + 1, 1) for i in range(40)
            ]
            marks = [d for d in months if low < d <= high]
            marks = marks[:: max(1, math.ceil(len(marks) / 5))]
            return tuple((self.x(d.toordinal()), d.strftime("%b %Y")) for d in marks)
        step = max(1, days // 4)
        marks = [low + dt.timedelta(days=i) for i in range(1, days, step)]
        return tuple((self.x(d.toordinal()), d.isoformat()) for d in marks)


def _layout(kind, title, claimed, sources, scale, ticks, unit="", notes=(), stems=None) -> Figure:
    """Stack the claimed row and the sources' rows, then the axis (`stems`: line starts by row)."""
    stems = stems or {}
    rows = [Row(claimed[0], "claimed", band=claimed[1], stem=stems.get(0))]
    for position, (label, points, used, band) in enumerate(sources[:MAX_ROWS], start=1):
        rows.append(Row(label, "range" if band else "reference", band, points, used, stems.get(position)))
    guides = tuple(
        x
        for x, is_open in ((claimed[1].x1, claimed[1].open_left), (claimed[1].x2, claimed[1].open_right))
        if not is_open
    )
    notes = (*notes, f"{len(sources) - MAX_ROWS} more not drawn") if len(sources) > MAX_ROWS else notes
    return Figure(kind, title, WIDTH, tuple(rows), ticks, guides, unit, tuple(notes))


def _claim_text(claimed: Mapping[str, Any], unit: str, show=_format, relation: str = "") -> str:
    low, high = claimed.get("low"), claimed.get("high")
    suffix = unit if unit in ("", "×", "%") else f" {unit}"
    if low is not None and high is not None:
        return f"{show(low)}{suffix}" if low == high else f"{show(low)} to {show(high)}{suffix}"
    if low is not None:
        return f"{'more than' if relation == 'more_than' else 'at least'} {show(low)}{suffix}"
    if high is not None:
        return f"{'less than' if relation == 'less_than' else 'at most'} {show(high)}{suffix}"
    return "any value"


def _quantity_sources(result, rule, unit):
    """Return a row per sourced value: "551.5 km² · Wikipedia", naming the fact if it is a secondary one."""
    sources = []
    for item in result.get("evidence") or []:
        value = parse_value(str(item.get("value", "")), unit)
        if value is None:
            continue
        label = f"{item.get('value')} · {item['source'].get('publisher', '')}"
        if rule.get("fact") and item.get("fact") != rule.get("fact"):
            label += f" ({item.get('fact')})"
        sources.append((label, (value,), bool(item.get("used_in_verdict")), None))
    return sources


def _ratio_sources(result, rule):
    """Return a row per pair of sources: the ratio their values give."""
    evidence = [item for item in result.get("evidence") or [] if isinstance(item.get("source"), Mapping)]
    facts = list(dict.fromkeys(item.get("fact") for item in evidence))
    top_id, base_id = rule.get("fact") or (facts[0] if facts else None), rule.get("base")
    base_id = base_id or (facts[1] if len(facts) > 1 else None)
    sources = []
    for top in (item for item in evidence if item.get("fact") == top_id):
        for bottom in (item for item in evidence if item.get("fact") == base_id):
            a, b = parse_value(str(top.get("value")), ""), parse_value(str(bottom.get("value")), "")
            if a is None or not b:
                continue
            label = f"{a / b:,.4g}× · {top['source'].get('publisher')} ÷ {bottom['source'].get('publisher')}"
            used = bool(top.get("used_in_verdict") and bottom.get("used_in_verdict"))
            sources.append((label, (a / b,), used, None))
    return sorted(sources, key=lambda source: not source[2])


def _scale_figure(result, rule) -> Figure | None:
    bounds = result.get("bounds") or {}
    claimed, reference = bounds.get("claimed") or {}, bounds.get("reference") or {}
    unit = claimed.get("unit") or reference.get("unit") or ""
    c_low, c_high = _number(claimed.get("low")), _number(claimed.get("high"))
    r_low, r_high = _number(reference.get("low")), _number(reference.get("high"))
    if c_low is None and c_high is None:
        return None
    if rule.get("kind") == "ratio" or unit == "×":
        sources = _ratio_sources(result, rule)
    else:
        sources = _quantity_sources(result, rule, unit)
    if not sources and r_low is not None and r_high is not None:
        shown = _claim_text({"low": r_low, "high": r_high}, unit)
        if r_low == r_high:
            sources = [(f"Reference data · {shown}", (r_low,), True, None)]
        else:
            sources = [(f"All sources · {shown}", (), False, (r_low, r_high))]
    values = [v for v in (c_low, c_high, r_low, r_high) if v is not None]
    values += [p for source in sources for p in source[1]]
    if unit == "%":  # a share is seen against the whole: 0 to 100 %
        values += [0.0, 100.0]
    scale = _Scale(values, floor_zero=min(values) >= 0)
    rows = [
        (label, tuple(scale.x(p) for p in points), used, band and scale.band(*band))
        for label, points, used, band in sources
    ]
    shown = _claim_text(claimed, unit, relation=str(rule.get("relation", "")))
    claimed_row = (f"Claimed · {shown}", scale.band(c_low, c_high))
    title = f"The claimed value against {len(rows)} reference value{'s' if len(rows) != 1 else ''}"
    return _layout("scale", title, claimed_row, rows, scale, scale.number_ticks(), unit)


def _interval_rows(result, rule, evidence):
    """Return the claimed end window and the reference durations, all drawn from the start date."""
    claimed = result["bounds"]["claimed"]
    steps = {step.get("label"): step.get("result") for step in result.get("computation") or []}
    start_item = next((item for item in evidence if item.get("fact") == rule.get("start")), None)
    start = _iso_date(steps.get("start")) or (start_item and _iso_date(start_item.get("value")))
    low, high = _number(claimed.get("low")), _number(claimed.get("high"))
    if not start or (low is None and high is None):
        return None
    first = start.toordinal()
    window = (None if low is None else first + low, None if high is None else first + high)
    began = start_item["source"].get("publisher") if start_item else None
    sources = []
    for item in evidence:
        day = _iso_date(item.get("value"))
        if day and item is not start_item and item.get("fact") == rule.get("end", item.get("fact")):
            who = ", ".join(dict.fromkeys(p for p in (began, item["source"].get("publisher")) if p))
            label = f"Reference · {start.isoformat()} to {day.isoformat()} ({who})"
            sources.append((label, (first, day.toordinal()), bool(item.get("used_in_verdict")), None))
    shown = _claim_text(
        {"low": window[0], "high": window[1]}, "", lambda o: dt.date.fromordinal(int(o)).isoformat()
    )
    return f"Claimed · ending {shown}", window, sources, first


def _date_rows(result, evidence):
    """Return the claimed dates and each source's date."""
    claimed = result["bounds"]["claimed"]
    low, high = _iso_date(claimed.get("low")), _iso_date(claimed.get("high"))
    if low is None and high is None:
        return None
    window = (low and low.toordinal(), high and high.toordinal() + 1)  # the claimed day lasts until midnight
    sources = []
    for item in evidence:
        day = _iso_date(item.get("value"))
        if day:
            label = f"{day.isoformat()} · {item['source'].get('publisher')}"
            sources.append((label, (day.toordinal(),), bool(item.get("used_in_verdict")), None))
    shown = _claim_text({"low": claimed.get("low"), "high": claimed.get("high")}, "", str)
    return f"Claimed · {shown}", window, sources, None


def _timeline_figure(result, rule) -> Figure | None:
    claimed = (result.get("bounds") or {}).get("claimed") or {}
    evidence = [item for item in result.get("evidence") or [] if isinstance(item.get("source"), Mapping)]
    if rule.get("kind") == "interval" or claimed.get("unit") == "days":
        parts = _interval_rows(result, rule, evidence)
    else:
        parts = _date_rows(result, evidence)
    if parts is None:
        return None
    label, (low, high), sources, start = parts
    values = [v for v in (low, high) if v is not None] + [p for source in sources for p in source[1]]
    scale = _Scale([float(v) for v in values], floor_zero=False)
    rows = [(text, tuple(scale.x(p) for p in points), used, None) for text, points, used, _ in sources]
    band = scale.band(low, high)
    stems = {}
    if start is not None:  # durations: a line from the start to the claimed window, and to each end
        stems = {0: (scale.x(start), band.x1)}
        stems.update({row: (scale.x(start), max(points)) for row, (_, points, _, _) in enumerate(rows, 1)})
    title = "Timeline of the claimed dates against the reference dates"
    return _layout("timeline", title, (label, band), rows, scale, scale.date_ticks(), stems=stems)


def figure(result: Mapping[str, Any]) -> Figure | None:
    """Return the picture for a result, or None when a picture would not help (or there is no data)."""
    rule = rule_of(result)
    kind = rule.get("kind")
    bounds = result.get("bounds") or {}
    claimed = bounds.get("claimed") or {}
    try:
        if kind in ("interval", "date", "anniversary") or _iso_date(
            claimed.get("low") or claimed.get("high")
        ):
            return _timeline_figure(result, rule)
        if kind in ("quantity", "ratio", "count", "share") or _number(
            claimed.get("low") or claimed.get("high")
        ):
            return _scale_figure(result, rule)
    except (KeyError, TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None  # a malformed stored result gets no picture rather than a broken page
    return None
