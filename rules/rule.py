"""A rule as data: validated against its kind's parameter schema, frozen, and echoed back as given."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any

from marshmallow import ValidationError

from rules.errors import InvalidRule, UnknownRuleKind
from rules.kinds import KINDS, get_kind


@dataclass(frozen=True)
class Rule:
    """A checkable rule: its kind, its validated parameters and its JSON form."""

    kind: str
    params: Mapping[str, Any]
    spec: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as it was written (plain JSON data)."""
        return json.loads(self.text)

    @cached_property
    def text(self) -> str:
        """Return the rule as it was written, as JSON text (the engine's cache key)."""
        return json.dumps(dict(self.spec), default=str)


@cache
def _params_schema(name: str):
    # Building a marshmallow schema deep-copies its fields (about 60 us); loading with one instance
    # per kind is safe because marshmallow 4 keeps no per-load state on the schema.
    return get_kind(name).params()


def load_rule(data: Any) -> Rule:
    """Validate a rule mapping (`{"kind": ..., ...}`) and return it frozen, or raise InvalidRule."""
    if not isinstance(data, Mapping):
        raise InvalidRule("a rule must be an object", {"_schema": ["must be an object"]})
    name = data.get("kind")
    try:
        kind = get_kind(name)
    except UnknownRuleKind as error:
        raise InvalidRule(str(error), {"kind": [f"must be one of: {', '.join(KINDS)}"]}) from None
    fields = {key: value for key, value in data.items() if key != "kind"}
    params = kind.quick_params(fields) if kind.quick_params is not None else None
    if params is None:
        try:
            params = _params_schema(kind.name).load(fields)
        except ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
            raise InvalidRule(f"invalid {name} rule", messages) from None
    return Rule(kind=name, params=MappingProxyType(params), spec=MappingProxyType(dict(data)))
