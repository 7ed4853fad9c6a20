"""A rule as data: validated against its kind's parameter schema, frozen, and echoed back as given."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple

from marshmallow import ValidationError

from rules.errors import InvalidRule, UnknownRuleKind
from rules.kinds import KINDS, get_kind

# One encoder for every rule: json.dumps with `default` builds a new JSONEncoder on each call.
_RULE_JSON = json.JSONEncoder(default=str)


class Rule(NamedTuple):
    """A checkable rule: its kind, its validated parameters, and as written (mapping and JSON text)."""

    kind: str
    params: Mapping[str, Any]
    spec: Mapping[str, Any]
    text: str  # the engine's cache key: two rules written the same way are the same question

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as it was written (plain JSON data)."""
        return json.loads(self.text)


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
    spec = dict(data)
    return Rule(name, MappingProxyType(params), MappingProxyType(spec), _RULE_JSON.encode(spec))
