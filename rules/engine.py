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
from collections.abc import Mapping
from functools import lru_cache

from rules.kinds import get_kind
from rules.kinds.base import Context
from rules.model import Result, Verdict
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
    fields = list(values)
    combos = [
        dict(zip(fields, combo, strict=True))
        for combo in itertools.islice(itertools.product(*values.values()), MAX_COMBINATIONS)
    ]
    main, main_choice = kind.evaluate(rule.params, combos[0], context), combos[0]
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
    reference = main.observed
    sensitivity = []
    for combo in combos[1:]:
        # Alternatives only need a verdict and an observed value; their reason is written (by the full
        # evaluation) only when the verdict differs and so appears in `sensitivity`.
        if kind.decide is not None:
            alternative, observed = kind.decide(rule.params, combo, context)
            outcome = None
        else:
            outcome = kind.evaluate(rule.params, combo, context)
            alternative, observed = outcome.verdict, outcome.observed
        if observed is not None:
            reference = observed.merge(reference) if reference else observed
        if alternative is not main.verdict:
            outcome = outcome or kind.evaluate(rule.params, combo, context)
            sensitivity.append(
                {"values": _describe(combo), "verdict": outcome.verdict.value, "reason": outcome.reason}
            )
    used_refs = {value.ref for value in main_choice.values()}
    evidence = tuple(
        {**value.shared_evidence(fact), "used_in_verdict": value.ref in used_refs}
        for fact, value in evidence_values
    )
    return Result(
        verdict=verdict,
        reason=reason,
        rule=rule.to_dict(),
        computation=tuple(steps),
        bounds={"claimed": main.claimed, "reference": reference},
        evidence=evidence,
        robust=not sensitivity,
        sensitivity=tuple(sensitivity),
        as_of=as_of,
        snapshot=snapshot.id,
        by_rounding=main.by_rounding,
        records=main.records,
    )
