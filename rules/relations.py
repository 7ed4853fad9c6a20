"""Hedges and comparators ("about", "more than", ...) as intervals with stated tolerances.

Every numeric comparison in the engine goes through `judge`, so the tolerances live in one table
(README, "Hedges and comparators").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from rules.model import Span, Verdict


@dataclass(frozen=True)
class Relation:
    """How a claimed number is meant: its hedge width and how far outside still counts as close."""

    name: str
    words: str
    hedge: float  # relative half-width the hedge itself allows ("about" = ±10 %)
    near_miss: float  # relative distance beyond the claimed interval that is "approximately accurate"
    rounding_helps: bool  # whether the claimed number's own rounding widens the interval


RELATIONS: dict[str, Relation] = {
    r.name: r
    for r in (
        Relation("exact", "(no hedge)", 0.0, 0.10, True),
        Relation(
            "about",
            "about, roughly, approximately, around, comparable to, the size of",
            0.10,
            0.15,
            True,
        ),
        Relation("more_than", "more than, over", 0.0, 0.10, False),
        Relation("at_least", "at least", 0.0, 0.10, True),
        Relation("less_than", "less than, under", 0.0, 0.10, False),
        Relation("at_most", "at most, up to", 0.0, 0.10, True),
        Relation("nearly", "nearly, almost", 0.10, 0.15, True),
        Relation("between", "between ... and ...", 0.0, 0.10, True),
    )
}
RELATION_NAMES = tuple(RELATIONS)
# The end of `judge`'s detail when the claim misses, by relation: (within the near miss, beyond it).
_MISSED = {
    name: (
        f"within the {r.near_miss:.0%} allowed for '{name}'",
        f"more than the {r.near_miss:.0%} allowed for '{name}'",
    )
    for name, r in RELATIONS.items()
}


@lru_cache(maxsize=4096)  # every combination of sources asks again for the same claimed number
def precision_of(number: float) -> float:
    """Return the rounding step a bare number implies: 5 → 1, 5.5 → 0.1, 550 → 10, 100 → 10.

    Trailing zeros of an integer are read as rounding, but never coarser than a tenth of the value.
    """
    magnitude = abs(number)
    if magnitude == 0:
        return 1.0
    text = f"{magnitude:.10f}".rstrip("0")
    integer, _, decimals = text.partition(".")
    if decimals:
        return 10.0 ** -len(decimals)
    zeros = len(integer) - len(integer.rstrip("0"))
    return min(10.0**zeros, max(1.0, magnitude / 10))


def claimed_interval(
    relation: Relation, value: float, high: float | None, step: float, with_rounding: bool
) -> tuple[float, float]:
    """Return the interval of reference values the claim allows."""
    half = step / 2 if with_rounding and relation.rounding_helps else 0.0
    width = abs(value) * relation.hedge
    match relation.name:
        case "exact" | "about":
            return value - max(width, half), value + max(width, half)
        case "more_than" | "at_least":
            return value - half, math.inf
        case "less_than" | "at_most":
            return -math.inf, value + half
        case "nearly":
            return value - width, value + half
        case "between":
            return value - half, (high if high is not None else value) + half
    raise ValueError(relation.name)


def _inside(relation: Relation, observed: float, low: float, high: float) -> bool:
    if relation.name == "more_than":
        return observed > low
    if relation.name == "less_than":
        return observed < high
    return low <= observed <= high


def _classify(
    relation: Relation, value: float, observed: float, high: float | None, step: float
) -> tuple[Verdict, bool, tuple[float, float], float]:
    """Return the verdict, whether rounding was needed, the interval judged against and the gap."""
    low, top = claimed_interval(relation, value, high, step, with_rounding=False)
    if _inside(relation, observed, low, top):
        return Verdict.ACCURATE, False, (low, top), 0.0
    low_r, top_r = claimed_interval(relation, value, high, step, with_rounding=True)
    if _inside(relation, observed, low_r, top_r):
        return Verdict.ACCURATE, True, (low_r, top_r), 0.0
    gap = (low_r - observed) if observed < low_r else (observed - top_r)
    relative = gap / abs(value) if value else math.inf
    verdict = Verdict.APPROXIMATELY_ACCURATE if relative <= relation.near_miss else Verdict.INACCURATE
    return verdict, False, (low_r, top_r), relative


def verdict_of(
    relation_name: str, value: float, observed: float, *, high: float | None = None, step: float
) -> Verdict:
    """Return only the verdict `judge` gives, without writing its span and detail."""
    return _classify(RELATIONS[relation_name], value, observed, high, step)[0]


def judge(
    relation_name: str,
    value: float,
    observed: float,
    *,
    high: float | None = None,
    step: float | None = None,
    unit: str = "",
) -> tuple[Verdict, bool, Span, str]:
    """Compare an observed number with a claim; return verdict, by-rounding flag, claimed span, detail."""
    relation = RELATIONS[relation_name]
    step = precision_of(value) if step is None else step
    verdict, by_rounding, (low, top), relative = _classify(relation, value, observed, high, step)
    span = Span(None if math.isinf(low) else low, None if math.isinf(top) else top, unit)
    if verdict is Verdict.ACCURATE:
        if not by_rounding:
            return verdict, False, span, "within the claim"
        return verdict, True, span, f"within the rounding of {value:g} (±{step / 2:g})"
    within, beyond = _MISSED[relation_name]
    missed = within if verdict is Verdict.APPROXIMATELY_ACCURATE else beyond
    return verdict, False, span, f"outside the claim by {relative:.1%} of {value:g}, {missed}"
