"""The engine: chooses reference values for a rule, runs its kind, and stamps the result with evidence.

Kinds decide; the engine, not each kind, attaches the rule, the facts with their sources, robustness
across sources, the bounds, `as_of` and the snapshot id, so every result has the same shape.

Kinds are pure, so a result depends only on the rule as written, the snapshot's content (its id) and
the date: the engine keeps the latest results in an LRU cache and hands the same frozen Result to every
caller who asks again. Treat a Result and what its `to_dict` shares with it as read-only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import weakref
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from rules.kinds import get_kind
from rules.kinds.base import Context, Kind
from rules.model import Outcome, Result, Span, Verdict
from rules.reference import Fact, FactValue, Snapshot
from rules.rule import Rule

MAX_COMBINATIONS = 64
RESULT_CACHE_SIZE = 2048  # results kept per process: 5 to 10 KB each, so at most about 20 MB


def _unverifiable(rule: Rule, reason: str, snapshot: Snapshot, as_of: dt.date) -> Result:
    return Result.unverifiable(reason, rule.to_dict(), as_of, snapshot.id)


def _choices(rule: Rule, fields: tuple[str, ...], snapshot: Snapshot, as_of: dt.date):
    """Return (facts by field, usable values by field) or a reason why the rule cannot be judged."""
    facts: dict[str, Fact] = {}
    values: dict[str, tuple[FactValue, ...]] = {}
    for field in fields:
        fact_id = rule.params.get(field)
        if fact_id is None:
            continue
        fact = snapshot.facts.get(fact_id)
        if fact is None:
            return None, f"There is no reference data for {fact_id}."
        usable = fact.usable_at(as_of)
        if not usable:
            return None, f"No value of {fact_id} was known as of {as_of.isoformat()}."
        facts[field], values[field] = fact, usable
    return (facts, values), ""


def _describe(choice: Mapping[str, FactValue]) -> list[dict[str, str]]:
    return [
        {
            "field": field,
            "value_ref": value.ref,
            "value": value.display(),
            "publisher": value.source.publisher,
            "url": value.source.url,
        }
        for field, value in choice.items()
    ]


def _alternatives(
    rule: Rule,
    kind: Kind,
    context: Context,
    fields: tuple[str, ...],
    main_choice: dict[str, FactValue],
    main: Outcome,
    combos: Iterator[tuple[FactValue, ...]],
) -> tuple[list[Span | None], list[dict[str, Any]]]:
    """Judge the other combinations of sources: return every observed span, and those that disagree."""
    # Alternatives need only a verdict and an observed value; a reason is written (by a full evaluation)
    # only where the verdict differs and so appears in `sensitivity`. `decide` reads only the amounts,
    # and sources often agree (six say Vostochny is 700 km²), so each set of amounts is decided once.
    others = list(combos)
    if not others:
        return [main.observed], []
    observed_spans, sensitivity = [main.observed], []
    decided = {_amounts(main_choice.values()): (main.verdict, main.observed)} if kind.decide else {}
    for combo in others:
        choice, outcome = None, None
        if kind.decide is None:
            choice = dict(zip(fields, combo, strict=True))
            outcome = kind.evaluate(rule.params, choice, context)
            verdict, observed = outcome.verdict, outcome.observed
        else:
            amounts = _amounts(combo)
            if amounts not in decided:
                choice = dict(zip(fields, combo, strict=True))
                decided[amounts] = kind.decide(rule.params, choice, context)
            verdict, observed = decided[amounts]
        observed_spans.append(observed)
        if verdict is not main.verdict:
            choice = choice or dict(zip(fields, combo, strict=True))
            outcome = outcome or kind.evaluate(rule.params, choice, context)
            sensitivity.append(
                {"values": _describe(choice), "verdict": outcome.verdict.value, "reason": outcome.reason}
            )
    return observed_spans, sensitivity


def _amounts(values: Iterable[FactValue]) -> tuple:
    return tuple(value.amount_key for value in values)


def _secondary_match(rule: Rule, kind, context: Context, choice: dict[str, FactValue]):
    for fact_id in rule.params.get("secondary", ()):
        fact = context.snapshot.facts.get(fact_id)
        usable = fact.usable_at(context.as_of) if fact else []
        for value in usable:
            outcome = kind.evaluate(rule.params, {**choice, "fact": value}, context)
            if outcome.verdict.holds:
                return fact, value, outcome
    return None


class _Question:
    """A rule asked of a snapshot: equal to another when the rule is written the same and the ids match."""

    __slots__ = ("key", "rule", "snapshot")

    def __init__(self, rule: Rule, snapshot: Snapshot):
        self.rule = rule
        # Weak, so a cached entry does not keep a replaced snapshot (after a refresh) in memory.
        self.snapshot = weakref.ref(snapshot)
        self.key = (rule.text, snapshot.id)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Question) and self.key == other.key


@lru_cache(maxsize=RESULT_CACHE_SIZE)
def _cached(question: _Question, as_of: dt.date) -> Result:
    # Only called on a miss, while the caller still holds the snapshot, so the weak reference is alive.
    return _evaluate(question.rule, question.snapshot(), as_of)


def evaluate(rule: Rule, snapshot: Snapshot, as_of: dt.date) -> Result:
    """Evaluate a rule against a snapshot as of a date and return the verdict with its evidence."""
    return _cached(_Question(rule, snapshot), as_of)


def _evaluate(rule: Rule, snapshot: Snapshot, as_of: dt.date) -> Result:
    kind = get_kind(rule.kind)
    context = Context(as_of=as_of, snapshot=snapshot)
    chosen, reason = _choices(rule, kind.fact_fields, snapshot, as_of)
    if chosen is None:
        return _unverifiable(rule, reason, snapshot, as_of)
    facts, values = chosen
    fields = tuple(values)
    combos = itertools.islice(itertools.product(*values.values()), MAX_COMBINATIONS)
    main_choice = dict(zip(fields, next(combos), strict=True))
    main = kind.evaluate(rule.params, main_choice, context)
    verdict, reason, steps = main.verdict, main.reason, list(main.steps)
    evidence_values = [(facts[field], value) for field in fields for value in values[field]]
    if not verdict.holds and verdict is not Verdict.UNVERIFIABLE:
        match = _secondary_match(rule, kind, context, main_choice)
        if match:
            fact, value, outcome = match
            verdict = Verdict.MISLEADING
            reason = (
                f"{main.reason} It matches {fact.id} instead ({value.display()}), "
                f"which is not what the claim says."
            )
            steps += list(outcome.steps)
            evidence_values.append((fact, value))
    observed_spans, sensitivity = _alternatives(rule, kind, context, fields, main_choice, main, combos)
    # By identity: a value is one object per snapshot, and the cited entry is shared by all its results.
    used = {id(value) for value in main_choice.values()}
    evidence = tuple(value.cited(fact, id(value) in used) for fact, value in evidence_values)
    return Result(
        verdict=verdict,
        reason=reason,
        rule=rule.to_dict(),
        computation=tuple(steps),
        bounds={"claimed": main.claimed, "reference": Span.covering(observed_spans)},
        evidence=evidence,
        robust=not sensitivity,
        sensitivity=tuple(sensitivity),
        as_of=as_of,
        snapshot=snapshot.id,
        by_rounding=main.by_rounding,
        records=main.records,
    )
