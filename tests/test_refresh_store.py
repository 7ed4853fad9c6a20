"""Snapshot storage: manifests, load-last-good with fallback, locking, and writers killed mid-write."""

import datetime as dt
import os
import random
import signal
import time
from pathlib import Path

import pytest

from rules.reference import DATA_FILES, load_snapshot, snapshot_id
from service.refresh import store
from service.refresh.errors import RefreshInProgress

DATA = Path(__file__).parent / "data" / "refresh"
SNAPSHOT = DATA / "snapshot"
T0 = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def embedded(monkeypatch):
    """The refresh test snapshot stands in for the package's embedded snapshot."""
    monkeypatch.setattr(store, "embedded_folder", lambda: SNAPSHOT)
    return SNAPSHOT


def variant(number: int) -> dict[str, bytes]:
    """The test snapshot's files, made distinct by a comment line in facts.yaml."""
    files = {name: (SNAPSHOT / name).read_bytes() for name in DATA_FILES}
    files["facts.yaml"] = f"# variant {number}\n".encode() + files["facts.yaml"]
    return files


def write(data_dir, number, minutes=0):
    return store.write_snapshot(
        data_dir, variant(number), {"sources": {"gcat": {"n": number}}}, T0 + dt.timedelta(minutes=minutes)
    )


def test_a_written_snapshot_is_current_and_loads_with_its_metadata(tmp_path):
    folder = write(tmp_path, 1)
    assert (tmp_path / "current").read_text() == f"{folder.name}\n"
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == [
        "MANIFEST.sha256",
        "facts.yaml",
        "launch.tsv",
        "sites.tsv",
        "snapshot.json",
        "statements.yaml",
    ]
    snapshot, info = store.load_current_snapshot(tmp_path)
    assert snapshot.id == snapshot_id(folder)[0] == info.snapshot
    assert info.origin == "data_dir" and not info.fell_back and info.reason is None
    assert info.meta["created"] == "2026-11-27T09:00:00Z"
    assert info.to_dict()["sources"] == {"gcat": {"n": 1}}


def test_the_manifest_lists_every_file_with_its_sha256(tmp_path):
    folder = write(tmp_path, 1)
    listed = dict(
        reversed(line.split("  ")) for line in (folder / "MANIFEST.sha256").read_text().splitlines()
    )
    assert set(listed) == {*DATA_FILES, "snapshot.json"}
    assert dict(snapshot_id(folder)[1]) == {name: listed[name] for name in DATA_FILES}


def test_without_a_refresh_the_embedded_snapshot_is_served(tmp_path):
    snapshot, info = store.load_current_snapshot(tmp_path)
    assert info.origin == "embedded" and not info.fell_back
    assert info.reason == "no refreshed snapshot yet"
    assert snapshot.id == load_snapshot(SNAPSHOT).id
    assert store.load_current_snapshot(None)[1].reason == "no data directory configured"


def corrupt_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda f: corrupt_byte(f / "gcat" / "launch.tsv"), "gcat/launch.tsv does not match"),
        (lambda f: (f / "statements.yaml").unlink(), "statements.yaml is missing"),
        (lambda f: (f / "MANIFEST.sha256").unlink(), "no readable MANIFEST.sha256"),
        (lambda f: (f / "MANIFEST.sha256").write_text("garbage\n"), "malformed MANIFEST.sha256"),
    ],
)
def test_a_damaged_current_snapshot_falls_back_to_the_last_good_one(tmp_path, damage, reason):
    good = write(tmp_path, 1)
    bad = write(tmp_path, 2, minutes=1)
    damage(bad)
    snapshot, info = store.load_current_snapshot(tmp_path)
    assert snapshot.id == snapshot_id(good)[0]
    assert info.fell_back and info.origin == "data_dir"
    assert reason in info.reason
    assert info.rejected[0][0] == bad.name


def test_a_snapshot_that_matches_its_manifest_but_does_not_load_is_skipped(tmp_path):
    good = write(tmp_path, 1)
    files = variant(2)
    files["facts.yaml"] = b"facts: [unclosed\n"
    store.write_snapshot(tmp_path, files, {}, T0 + dt.timedelta(minutes=1))
    snapshot, info = store.load_current_snapshot(tmp_path)
    assert snapshot.id == snapshot_id(good)[0]
    assert "does not load: facts.yaml: not valid YAML" in info.reason


def test_when_every_snapshot_is_bad_the_embedded_one_is_the_final_fallback(tmp_path):
    for number in (1, 2):
        corrupt_byte(write(tmp_path, number, minutes=number) / "facts.yaml")
    snapshot, info = store.load_current_snapshot(tmp_path)
    assert info.origin == "embedded" and info.fell_back
    assert info.reason.startswith("no good snapshot in the data directory")
    assert len(info.rejected) == 2
    assert snapshot.id == load_snapshot(SNAPSHOT).id


def test_a_newer_folder_that_current_does_not_name_is_never_used(tmp_path):
    good = write(tmp_path, 1)
    newer = write(tmp_path, 2, minutes=1)
    store.atomic_write(tmp_path / "current", f"{good.name}\n".encode())
    assert store.load_current_snapshot(tmp_path)[0].id == snapshot_id(good)[0]
    assert newer.is_dir()


def test_prune_keeps_the_newest_five_and_removes_leftovers(tmp_path):
    folders = [write(tmp_path, n, minutes=n) for n in range(7)]
    (tmp_path / "snapshots" / ".staging-abandoned").mkdir()
    (tmp_path / ".current.0123.tmp").write_text("half")
    removed = store.prune(tmp_path)
    assert sorted(removed) == sorted([".staging-abandoned", folders[0].name, folders[1].name])
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == [f.name for f in folders[2:]]
    assert not list(tmp_path.glob(".*.tmp"))


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    store.atomic_write(tmp_path / "current", b"one\n")
    store.atomic_write(tmp_path / "current", b"two\n")
    assert [p.name for p in tmp_path.iterdir()] == ["current"]
    assert (tmp_path / "current").read_bytes() == b"two\n"


def test_a_second_refresh_cannot_take_the_lock(tmp_path):
    with (
        store.lock(tmp_path),
        pytest.raises(RefreshInProgress, match="another refresh"),
        store.lock(tmp_path),
    ):
        pass
    with store.lock(tmp_path):
        pass


def _write_slowly_forever(data_dir: Path, log: Path) -> None:
    """Child process: commit snapshots one after another, each fsync slowed down, until killed."""
    real_fsync = os.fsync

    def slow_fsync(descriptor):
        time.sleep(0.002)
        real_fsync(descriptor)

    os.fsync = slow_fsync
    number = int(log.read_text()) if log.exists() else 0
    while True:
        number += 1
        write(data_dir, number % 4, minutes=number)
        store.prune(data_dir)
        store.atomic_write(log, str(number).encode())


def test_a_writer_killed_at_a_random_point_never_breaks_the_next_load(tmp_path):
    started = time.monotonic()
    ids = {}
    for number in range(4):
        probe = tmp_path / "probe" / str(number)
        for name, data in variant(number).items():
            (probe / name).parent.mkdir(parents=True, exist_ok=True)
            (probe / name).write_bytes(data)
        ids[number] = snapshot_id(probe)[0]
    data_dir, log = tmp_path / "data", tmp_path / "committed"
    write(data_dir, 0)
    rng = random.Random(20261127)
    for _ in range(30):
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                _write_slowly_forever(data_dir, log)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, 0.12))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        committed = int(log.read_text()) if log.exists() else 0
        snapshot, info = store.load_current_snapshot(data_dir)
        assert info.origin == "data_dir" and not info.fell_back, info.reason
        # The last commit the child logged, or the one after it if the kill fell between the
        # pointer replacement and the log line.
        assert snapshot.id in {ids[committed % 4], ids[(committed + 1) % 4]}
    assert time.monotonic() - started < 15
