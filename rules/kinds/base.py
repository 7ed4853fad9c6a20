"""What every rule kind is: a parameter schema and a pure function from values to an outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from marshmallow import Schema

from rules.model import Outcome, Span, Verdict
from rules.reference import FactValue, Snapshot


class Context(NamedTuple):
    """What a kind may consult besides its fact values: the date and the snapshot's datasets."""

    as_of: dt.date
    snapshot: Snapshot


Evaluate = Callable[[Mapping[str, Any], Mapping[str, FactValue], Context], Outcome]
Decide = Callable[[Mapping[str, Any], Mapping[str, FactValue], Context], tuple[Verdict, Span | None]]


@dataclass(frozen=True)
class Kind:
    """A rule kind: its name, what it checks, its parameters, and which parameters name facts."""

    name: str
    summary: str
    params: type[Schema]
    evaluate: Evaluate
    fact_fields: tuple[str, ...] = ("fact",)
    # Optional: the verdict and observed span `evaluate` would give, without its reason and steps. The
    # engine asks it for every alternative combination of sources and writes text only where it matters.
    # It must read nothing of a value but its amount: the engine asks once per distinct set of amounts.
    decide: Decide | None = None
    # Optional: `params().load(fields)` for the common valid shapes without marshmallow, else None (the
    # schema then loads, or writes the errors). Must never return what the schema would not.
    quick_params: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None
