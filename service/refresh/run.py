"""One refresh: fetch the chosen sources, build and load a new snapshot, diff it, then commit it.

Curated facts and statements always come from the package; Wikidata values and GCAT files come from
this fetch or, for a source not fetched, from the snapshot in use. Nothing is written until the new
snapshot has loaded, and a failure anywhere leaves the current snapshot as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from claims.catalog import Catalog, load_catalog
from rules.errors import CatalogError, ReferenceDataError
from rules.reference import GCAT_SOURCES, Snapshot, load_snapshot
from service.refresh import gcat, store, wikidata
from service.refresh.diff import SnapshotDiff, diff_snapshots
from service.refresh.errors import InvalidPayload, RefreshError
from service.refresh.http import Client, make_session
from service.refresh.store import SnapshotInfo, utc_iso

SOURCES = ("wikidata", "gcat")
MAX_NOTES_SHOWN = 10
# progress(label, steps done, steps in all): called as each step starts and once at the end.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh fetched, what it wrote (unless a dry run), and what changed because of it."""

    sources: tuple[str, ...]
    dry_run: bool
    snapshot: str
    folder: str | None
    previous: Mapping[str, Any]
    fetched: Mapping[str, str]
    notes: tuple[str, ...]
    diff: SnapshotDiff

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON data."""
        return {
            "sources": list(self.sources),
            "dry_run": self.dry_run,
            "snapshot": self.snapshot,
            "folder": self.folder,
            "previous": dict(self.previous),
            "fetched": dict(self.fetched),
            "notes": list(self.notes),
            "diff": self.diff.to_dict(),
        }

    def to_text(self) -> str:
        """Return the report as lines for a terminal."""
        action = "dry run, nothing written" if self.dry_run else f"written to {self.folder}"
        lines = [f"refreshed {', '.join(self.sources)}: snapshot {self.snapshot} ({action})"]
        lines += [f"  {source}: {detail}" for source, detail in self.fetched.items()]
        if self.notes:
            lines.append(f"  {len(self.notes)} note(s):")
            lines += [f"    {note}" for note in self.notes[:MAX_NOTES_SHOWN]]
            if len(self.notes) > MAX_NOTES_SHOWN:
                lines.append(f"    ... and {len(self.notes) - MAX_NOTES_SHOWN} more")
        return "\n".join([*lines, self.diff.to_text()])


@dataclass(frozen=True)
class _Build:
    """A new snapshot, validated but not yet written, with what went into it."""

    current: Snapshot
    info: SnapshotInfo
    files: Mapping[str, bytes]
    meta: Mapping[str, Any]
    new: Snapshot
    fetched: Mapping[str, str]
    notes: tuple[str, ...]


class _Steps:
    """Counts the steps of a refresh and reports each one to the progress callback."""

    def __init__(self, progress: Progress | None):
        self.progress, self.total, self.done = progress, 0, 0

    def __call__(self, label: str) -> None:
        if self.progress:
            self.progress(label, self.done, self.total)
        self.done += 1

    def finish(self) -> None:
        if self.progress:
            self.progress("done", self.done, self.total)


def choose_sources(sources: str | Iterable[str]) -> tuple[str, ...]:
    """Return the sources to fetch from "wikidata", "gcat", "all" or a list of them."""
    names = [sources] if isinstance(sources, str) else list(sources)
    chosen = set(SOURCES) if "all" in names else set(names)
    unknown = chosen - set(SOURCES)
    if unknown or not chosen:
        raise ValueError(f"unknown source(s) {sorted(unknown)}; choose from wikidata, gcat, all")
    return tuple(name for name in SOURCES if name in chosen)


def _facts_yaml(
    curated_text: str, document: Mapping, with_wikidata: bool, gcat_retrieved: str | None
) -> bytes:
    """Return facts.yaml: the curated file itself, or its opening comments over the merged data."""
    text = curated_text
    if with_wikidata:
        opening = re.match(r"(?:#[^\n]*\n|[ \t]*\n)*", curated_text).group(0)
        text = (
            f"{opening}# Written by `claimcheck refresh`: the curated facts plus Wikidata values "
            f"(sources wikidata-<QID>, never preferred).\n\n"
            + yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=100)
        )
    if gcat_retrieved:
        # rules.reference dates GCAT's provenance with this header field.
        text = re.sub(
            r"^retrieved:.*$", f'retrieved: "{gcat_retrieved[:10]}"', text, count=1, flags=re.MULTILINE
        )
    return text.encode("utf-8")


def _load_new(files: Mapping[str, bytes]) -> Snapshot:
    with tempfile.TemporaryDirectory(prefix="claimcheck-refresh-") as folder:
        for name, data in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_bytes(data)
        try:
            return load_snapshot(folder)
        except ReferenceDataError as error:
            raise InvalidPayload(
                f"the refreshed snapshot does not load ({error}); nothing was replaced"
            ) from None


def _build(chosen, data_dir: Path, client: Client, now: dt.datetime, step: _Steps, dry_run: bool) -> _Build:
    current, info = store.load_current_snapshot(data_dir)
    embedded = store.embedded_folder()
    curated_text = (embedded / "facts.yaml").read_text(encoding="utf-8")
    curated, _, _ = wikidata.split_facts(yaml.safe_load(curated_text))
    in_use = yaml.safe_load((Path(current.folder) / "facts.yaml").read_text(encoding="utf-8"))
    _, values, sources = wikidata.split_facts(in_use)
    items = wikidata.entity_items(curated)
    step.total = (
        (len(wikidata.batches(items)) if "wikidata" in chosen else 0)
        + 2
        + (2 if "gcat" in chosen else 0)
        + (0 if dry_run else 1)
    )
    meta_sources = dict(info.meta.get("sources", {}))
    fetched, notes = {}, []
    if "wikidata" in chosen:
        result = wikidata.fetch(client, curated, now, step)
        values, sources, notes = wikidata.fetched_values(curated, result)
        count = sum(map(len, values.values()))
        meta_sources["wikidata"] = {
            "retrieved": utc_iso(now),
            "url": wikidata.API_URL,
            "items": len(result.labels),
            "values": count,
        }
        fetched["wikidata"] = (
            f"{len(result.labels)} item(s), {count} value(s) added, "
            f"{len(result.skipped)} statement(s) skipped"
        )
        if not items:
            notes.append("no entity in facts.yaml has a wikidata id: nothing to fetch")
    document, dropped = wikidata.add_values(curated, values, sources)
    if "gcat" in chosen:
        checked = gcat.fetch(client, current, now.date(), step)
        gcat_files = {name: item.body for name, item in checked.items()}
        meta_sources["gcat"] = {
            "retrieved": utc_iso(now),
            "files": {name: {"url": GCAT_SOURCES[name], "rows": item.rows} for name, item in checked.items()},
        }
        fetched["gcat"] = ", ".join(f"{n}: {c.rows} rows" for n, c in checked.items())
    else:
        gcat_files = {name: (Path(current.folder) / name).read_bytes() for name in GCAT_SOURCES}
    files = {
        "facts.yaml": _facts_yaml(
            curated_text, document, document != curated, meta_sources.get("gcat", {}).get("retrieved")
        ),
        "statements.yaml": (embedded / "statements.yaml").read_bytes(),
        **gcat_files,
    }
    step("validate the new snapshot")
    new = _load_new(files)
    meta = {
        "format": 1,
        "refreshed": list(chosen),
        "sources": meta_sources,
        "based_on": info.folder,
        "curated_sha256": store.curated_digests(embedded),
    }
    return _Build(
        current=current,
        info=info,
        files=files,
        meta=meta,
        new=new,
        fetched=fetched,
        notes=tuple(notes + dropped),
    )


def _claims(catalog: Catalog | None):
    if catalog is None:
        try:
            catalog = load_catalog()
        except CatalogError as error:
            return None, str(error)
    return list(catalog.claims.values()), None


def refresh(
    sources: str | Iterable[str],
    data_dir: str | Path,
    dry_run: bool = False,
    session: requests.Session | None = None,
    progress: Progress | None = None,
    *,
    in_request: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    now: dt.datetime | None = None,
    catalog: Catalog | None = None,
    contact: str | None = None,
) -> RefreshReport:
    """Fetch, validate and (unless `dry_run`) commit a new snapshot under `data_dir`; return the report."""
    chosen = choose_sources(sources)
    now = now or dt.datetime.now(dt.UTC)
    data_dir = Path(data_dir)
    client = Client(session=session or make_session(contact), sleep=sleep, in_request=in_request)
    step = _Steps(progress)
    attempt = {"at": utc_iso(now), "sources": list(chosen)}
    with contextlib.nullcontext() if dry_run else store.lock(data_dir):
        try:
            build = _build(chosen, data_dir, client, now, step, dry_run)
            step("compare catalog verdicts")
            diff = diff_snapshots(build.current, build.new, *_claims(catalog))
            folder = None
            if not dry_run:
                step("write the snapshot")
                try:
                    folder = str(store.write_snapshot(data_dir, build.files, build.meta, now))
                except OSError as error:  # a full or read-only disk: the staged folder is gone
                    raise RefreshError(f"could not write the snapshot under {data_dir}: {error}") from error
                store.prune(data_dir)
        except RefreshError as error:
            if not dry_run:
                store.record_attempt(data_dir, {**attempt, "ok": False, "error": str(error)})
            raise
        if not dry_run:
            store.record_attempt(data_dir, {**attempt, "ok": True, "snapshot": build.new.id})
    step.finish()
    return RefreshReport(
        sources=chosen,
        dry_run=dry_run,
        snapshot=build.new.id,
        folder=folder,
        previous=build.info.to_dict(),
        fetched=build.fetched,
        notes=build.notes,
        diff=diff,
    )
