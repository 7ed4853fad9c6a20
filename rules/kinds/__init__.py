"""The registry of rule kinds: one literal dict, no discovery."""

from __future__ import annotations

from rules.errors import UnknownRuleKind
from rules.kinds import (
    anniversary,
    attribution,
    count,
    date,
    interval,
    location,
    quantity,
    ratio,
    role,
)
from rules.kinds.base import Kind

KINDS: dict[str, Kind] = {
    "quantity": quantity.KIND,
    "ratio": ratio.KIND,
    "interval": interval.KIND,
    "date": date.KIND,
    "anniversary": anniversary.KIND,
    "count": count.COUNT,
    "share": count.SHARE,
    "role": role.KIND,
    "location": location.KIND,
    "attribution": attribution.KIND,
}


def get_kind(name: str) -> Kind:
    """Return the rule kind called `name` or raise UnknownRuleKind."""
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise UnknownRuleKind(f"unknown rule kind {name!r}; known: {', '.join(KINDS)}") from None
