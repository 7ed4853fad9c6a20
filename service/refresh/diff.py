"""What a refresh changes: fact values added, removed or changed, launch rows, and catalog verdicts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from rules.model import Result
from rules.reference import FactValue, Snapshot

_STATEMENT = re.compile(r"\(statement ([^)]+)\)$")
MAX_EXAMPLES = 10


class Checkable(Protocol):
    """A catalog claim: an id and a way to evaluate it against a snapshot."""

    id: str

    def check(self, snapshot: Snapshot) -> Result: ...


@dataclass(frozen=True)
class ValueChange:
    """One fact value that appeared, disappeared or now reads differently."""

    fact: str
    change: str  # "added", "removed" or "changed"
    source: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain JSON data."""
        return {
            "fact": self.fact,
            "change": self.change,
            "source": self.source,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class VerdictChange:
    """A catalog claim whose verdict (or robustness across sources) differs between snapshots."""

    claim: str
    before: str
    after: str
    robust_before: bool
    robust_after: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain JSON data."""
        return {
            "claim": self.claim,
            "before": self.before,
            "after": self.after,
            "robust_before": self.robust_before,
            "robust_after": self.robust_after,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class RowChanges:
    """Rows of a GCAT table added, removed and changed (matched by their key), with examples."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and examples as plain JSON data."""
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class SnapshotDiff:
    """Everything that differs between the snapshot in use and a refreshed one."""

    old: str
    new: str
    facts_added: tuple[str, ...]
    facts_removed: tuple[str, ...]
    values: tuple[ValueChange, ...]
    launches: RowChanges
    sites: RowChanges
    verdicts: tuple[VerdictChange, ...]
    claims_checked: int
    catalog_problem: str | None = None

    @property
    def empty(self) -> bool:
        """Whether the refreshed data differs in nothing a reader would see."""
        rows = (self.launches, self.sites)
        return not (
            self.facts_added
            or self.facts_removed
            or self.values
            or self.verdicts
            or any(r.added or r.removed or r.changed for r in rows)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the diff as plain JSON data."""
        return {
            "old": self.old,
            "new": self.new,
            "facts_added": list(self.facts_added),
            "facts_removed": list(self.facts_removed),
            "values": [v.to_dict() for v in self.values],
            "launches": self.launches.to_dict(),
            "sites": self.sites.to_dict(),
            "verdicts": [v.to_dict() for v in self.verdicts],
            "claims_checked": self.claims_checked,
            "catalog_problem": self.catalog_problem,
        }

    def to_text(self) -> str:
        """Return the diff as lines for a terminal."""
        lines = [f"snapshot {self.old} -> {self.new}"]
        lines += [f"  + fact {fact}" for fact in self.facts_added]
        lines += [f"  - fact {fact}" for fact in self.facts_removed]
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for v in self.values:
            shown = v.after if v.change == "added" else v.before
            if v.change == "changed":
                shown = f"{v.before} -> {v.after}"
            lines.append(f"  {marks[v.change]} {v.fact}: {shown} [{v.source}]")
        for label, rows in (("launch rows", self.launches), ("site rows", self.sites)):
            lines.append(f"  {label}: +{rows.added} -{rows.removed} ~{rows.changed}")
            lines += [f"      {example}" for example in rows.examples]
        if self.catalog_problem:
            lines.append(f"  catalog not checked: {self.catalog_problem}")
        else:
            lines.append(
                f"  catalog verdicts that change ({len(self.verdicts)} of {self.claims_checked} claims):"
            )
        for v in self.verdicts:
            robust = (
                "" if v.robust_before == v.robust_after else f", robust {v.robust_before} -> {v.robust_after}"
            )
            lines.append(f"    {v.claim}: {v.before} -> {v.after}{robust}: {v.reason}")
        return "\n".join(lines)


def _key(value: FactValue) -> tuple[str, str]:
    statement = _STATEMENT.search(value.quote)
    return value.source.id, statement.group(1) if statement else value.quote


def _reading(value: FactValue) -> str:
    qualifier = ", ".join(f"{k} {v}" for k, v in sorted(value.qualifier.items()))
    preferred = ", preferred" if value.preferred else ""
    return f"{value.display()}{f' ({qualifier})' if qualifier else ''}{preferred}"


def fact_changes(old: Snapshot, new: Snapshot) -> tuple[list[str], list[str], list[ValueChange]]:
    """Return facts added, facts removed, and value changes within facts present in both."""
    added = sorted(set(new.facts) - set(old.facts))
    removed = sorted(set(old.facts) - set(new.facts))
    changes = []
    for fact_id in sorted(set(old.facts) & set(new.facts)):
        before = {_key(v): v for v in old.facts[fact_id].values}
        after = {_key(v): v for v in new.facts[fact_id].values}
        for key in sorted(set(before) | set(after)):
            was, now = before.get(key), after.get(key)
            was_text, now_text = was and _reading(was), now and _reading(now)
            if was_text == now_text:
                continue
            change = "added" if was is None else "removed" if now is None else "changed"
            changes.append(ValueChange(fact_id, change, key[0], was_text, now_text))
    return added, removed, changes


def _rows(old: dict[str, Any], new: dict[str, Any], what: str) -> RowChanges:
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(key for key in set(old) & set(new) if old[key] != new[key])

    def row(fields: dict[str, Any]) -> str:
        return " ".join(str(value) for name, value in fields.items() if name != "tag")

    examples = [f"+ {what} {key}: {row(new[key])}" for key in added[:MAX_EXAMPLES]]
    examples += [f"- {what} {key}: {row(old[key])}" for key in removed[:MAX_EXAMPLES]]
    for key in changed[:MAX_EXAMPLES]:
        fields = {k: (old[key][k], new[key][k]) for k in new[key] if old[key][k] != new[key][k]}
        examples.append(f"~ {what} {key}: " + ", ".join(f"{k} {a} -> {b}" for k, (a, b) in fields.items()))
    return RowChanges(len(added), len(removed), len(changed), tuple(examples))


def launch_changes(old: Snapshot, new: Snapshot) -> RowChanges:
    """Return launch rows added, removed and changed, matched by Launch_Tag."""
    return _rows(
        {launch.tag: launch.to_dict() for launch in old.launches},
        {launch.tag: launch.to_dict() for launch in new.launches},
        "launch",
    )


def site_changes(old: Snapshot, new: Snapshot) -> RowChanges:
    """Return site rows added, removed and changed, matched by site code."""

    def table(snapshot):
        return {
            code: {
                "name": s.name,
                "state": s.state,
                "lat": s.latitude,
                "lon": s.longitude,
                "parent": s.parent,
            }
            for code, s in snapshot.sites.items()
        }

    return _rows(table(old), table(new), "site")


def verdict_changes(claims: Iterable[Checkable], old: Snapshot, new: Snapshot):
    """Evaluate every claim against both snapshots; return the changes and how many were checked."""
    changes, checked = [], 0
    for claim in claims:
        before, after = claim.check(old), claim.check(new)
        checked += 1
        if before.verdict != after.verdict or before.robust != after.robust:
            changes.append(
                VerdictChange(
                    claim.id,
                    before.verdict.value,
                    after.verdict.value,
                    before.robust,
                    after.robust,
                    after.reason,
                )
            )
    return changes, checked


def diff_snapshots(
    old: Snapshot, new: Snapshot, claims: Iterable[Checkable] | None, catalog_problem: str | None = None
) -> SnapshotDiff:
    """Return what differs between two snapshots, including the catalog verdicts that change."""
    added, removed, values = fact_changes(old, new)
    verdicts, checked = verdict_changes(claims or (), old, new)
    return SnapshotDiff(
        old=old.id,
        new=new.id,
        facts_added=tuple(added),
        facts_removed=tuple(removed),
        values=tuple(values),
        launches=launch_changes(old, new),
        sites=site_changes(old, new),
        verdicts=tuple(verdicts),
        claims_checked=checked,
        catalog_problem=catalog_problem,
    )
