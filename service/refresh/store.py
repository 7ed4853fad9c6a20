"""Snapshot folders under the data directory: atomic writes, a sha256 manifest, and load-last-good.

Layout: `<data_dir>/snapshots/<UTC time>-<hash>/` holds the four data files, `snapshot.json` (what
was fetched and when) and `MANIFEST.sha256` (written last); `<data_dir>/current` names the folder in
use and is replaced atomically. A folder that fails its manifest or does not load is skipped in
favour of the last good one, and the snapshot shipped in the package is the final fallback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rules.errors import ReferenceDataError
from rules.reference import DATA_FILES, Snapshot, embedded_folder, load_snapshot, snapshot_id
from service.refresh.errors import RefreshInProgress, SnapshotCorrupt

SNAPSHOTS = "snapshots"
CURRENT = "current"
MANIFEST = "MANIFEST.sha256"
META = "snapshot.json"
LOCK = "refresh.lock"
LAST_ATTEMPT = "last-refresh.json"
KEEP = 5
CURATED_FILES = ("facts.yaml", "statements.yaml")
_STAGING = ".staging-"


@dataclass(frozen=True)
class SnapshotInfo:
    """Which snapshot is served and why: its folder, whether loading fell back, and the reason."""

    snapshot: str
    folder: str
    origin: str  # "data_dir" or "embedded"
    fell_back: bool
    reason: str | None
    meta: Mapping[str, Any] = field(default_factory=dict)
    rejected: tuple[tuple[str, str], ...] = ()
    last_attempt: Mapping[str, Any] | None = None
    curated_outdated: bool = False  # the package's curated facts changed since this snapshot

    def to_dict(self) -> dict[str, Any]:
        """Return the information as plain JSON data."""
        return {
            "snapshot": self.snapshot,
            "folder": self.folder,
            "origin": self.origin,
            "fell_back": self.fell_back,
            "reason": self.reason,
            "created": self.meta.get("created"),
            "sources": self.meta.get("sources", {}),
            "rejected": [{"folder": name, "reason": why} for name, why in self.rejected],
            "last_attempt": self.last_attempt,
            "curated_outdated": self.curated_outdated,
        }


def utc_iso(moment: dt.datetime) -> str:
    """Return a moment as ISO 8601 UTC to the second ("2026-11-27T09:30:00Z")."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def curated_digests(folder: Path) -> dict[str, str]:
    """Return the sha256 of the curated files (facts, statements) of a snapshot folder."""
    return {name: _sha256(Path(folder) / name) for name in CURATED_FILES}


def fsync_dir(folder: Path) -> None:
    """Flush a directory's entries (new names, renames) to disk."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path) -> dict[str, Any]:
    """Check a snapshot folder against its manifest and return its metadata, or raise SnapshotCorrupt."""
    if not folder.is_dir():
        raise SnapshotCorrupt(f"{folder.name}: the folder is missing")
    manifest = folder / MANIFEST
    try:
        lines = manifest.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        raise SnapshotCorrupt(f"{folder.name}: no readable {MANIFEST} (partial write?)") from None
    listed = {}
    for line in lines:
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name or name.startswith("/") or ".." in Path(name).parts:
            raise SnapshotCorrupt(f"{folder.name}: malformed {MANIFEST} line {line[:80]!r}")
        listed[name] = digest
    missing = [name for name in (*DATA_FILES, META) if name not in listed]
    if missing:
        raise SnapshotCorrupt(f"{folder.name}: {MANIFEST} does not list {', '.join(missing)}")
    for name, digest in listed.items():
        path = folder / name
        if not path.is_file():
            raise SnapshotCorrupt(f"{folder.name}: {name} is missing")
        if _sha256(path) != digest:
            raise SnapshotCorrupt(f"{folder.name}: {name} does not match {MANIFEST}")
    try:
        return json.loads((folder / META).read_text(encoding="utf-8"))
    except ValueError:
        raise SnapshotCorrupt(f"{folder.name}: {META} is not JSON") from None


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)


def write_snapshot(
    data_dir: Path, files: Mapping[str, bytes], meta: Mapping[str, Any], created: dt.datetime
) -> Path:
    """Write a complete snapshot folder, then point `current` at it; return the folder."""
    snapshots = Path(data_dir) / SNAPSHOTS
    snapshots.mkdir(parents=True, exist_ok=True)
    staging = snapshots / f"{_STAGING}{secrets.token_hex(6)}"
    staging.mkdir()
    try:
        for name in DATA_FILES:
            _write_file(staging / name, files[name])
        identity, digests = snapshot_id(staging)
        meta = {**meta, "snapshot": identity, "created": utc_iso(created)}
        _write_file(staging / META, json.dumps(meta, indent=2, sort_keys=True).encode())
        lines = [f"{digest}  {name}\n" for name, digest in digests]
        lines.append(f"{_sha256(staging / META)}  {META}\n")
        _write_file(staging / MANIFEST, "".join(lines).encode("ascii"))
        name = f"{created.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}-{identity[7:]}"
        final, copies = snapshots / name, 0
        while final.exists():  # only under the lock, so no other writer can take the name
            copies += 1
            final = snapshots / f"{name}.{copies}"
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(snapshots)
    atomic_write(Path(data_dir) / CURRENT, f"{final.name}\n".encode())
    return final


def prune(data_dir: Path, keep: int = KEEP) -> list[str]:
    """Remove leftover staging folders and all but the newest `keep` snapshots (never `current`)."""
    snapshots = Path(data_dir) / SNAPSHOTS
    if not snapshots.is_dir():
        return []
    current = current_name(data_dir)
    removed = []
    names = sorted(p.name for p in snapshots.iterdir() if p.is_dir())
    finished = [n for n in names if not n.startswith(".")]
    for name in [n for n in names if n.startswith(_STAGING)] + finished[:-keep]:
        if name != current:
            shutil.rmtree(snapshots / name, ignore_errors=True)
            removed.append(name)
    for leftover in Path(data_dir).glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    return removed


def current_name(data_dir: Path) -> str | None:
    """Return the folder name `current` points to, or None if there is none."""
    try:
        name = (Path(data_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if name and "/" not in name and not name.startswith(".") else None


@contextlib.contextmanager
def lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's refresh lock, or raise RefreshInProgress at once."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(data_dir) / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshInProgress(f"{data_dir}: another refresh is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def record_attempt(data_dir: Path, attempt: Mapping[str, Any]) -> None:
    """Remember the outcome of the latest refresh so the status can report a failing source."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(data_dir) / LAST_ATTEMPT, json.dumps(dict(attempt), indent=2).encode())


def last_attempt(data_dir: Path) -> dict[str, Any] | None:
    """Return the outcome of the latest refresh (ok, or the error), or None if there was none."""
    try:
        return json.loads((Path(data_dir) / LAST_ATTEMPT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _load_folder(folder: Path) -> tuple[Snapshot, dict[str, Any]]:
    meta = verify(folder)
    try:
        return load_snapshot(folder), meta
    except (ReferenceDataError, OSError, UnicodeDecodeError) as error:
        raise SnapshotCorrupt(f"{folder.name}: does not load: {error}") from None


def load_current_snapshot(data_dir: str | Path | None) -> tuple[Snapshot, SnapshotInfo]:
    """Return the snapshot to serve and how it was chosen: `current`, else the last good, else embedded."""
    data_dir = Path(data_dir) if data_dir else None
    pointer = current_name(data_dir) if data_dir else None
    attempt = last_attempt(data_dir) if data_dir else None
    rejected: list[tuple[str, str]] = []
    if pointer is not None:
        snapshots = data_dir / SNAPSHOTS
        names = [p.name for p in snapshots.iterdir() if p.is_dir()] if snapshots.is_dir() else []
        older = sorted((n for n in names if not n.startswith(".") and n < pointer), reverse=True)
        for name in [pointer, *older]:
            try:
                snapshot, meta = _load_folder(snapshots / name)
            except SnapshotCorrupt as error:
                rejected.append((name, str(error)))
                continue
            reason = None if name == pointer else f"current snapshot rejected: {rejected[0][1]}"
            outdated = meta.get("curated_sha256", {}) != curated_digests(embedded_folder())
            return snapshot, SnapshotInfo(
                snapshot=snapshot.id,
                folder=str(snapshots / name),
                origin="data_dir",
                fell_back=name != pointer,
                reason=reason,
                meta=meta,
                rejected=tuple(rejected),
                last_attempt=attempt,
                curated_outdated=outdated,
            )
    snapshot = load_snapshot(embedded_folder())
    if rejected:
        reason = f"no good snapshot in the data directory: {rejected[0][1]}"
    elif data_dir is None:
        reason = "no data directory configured"
    else:
        reason = "no refreshed snapshot yet"
    return snapshot, SnapshotInfo(
        snapshot=snapshot.id,
        folder=snapshot.folder,
        origin="embedded",
        fell_back=bool(rejected),
        reason=reason,
        rejected=tuple(rejected),
        last_attempt=attempt,
    )
