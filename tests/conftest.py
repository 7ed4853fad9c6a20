"""Shared fixtures: the embedded snapshot and the small test snapshot are read-only and session-scoped."""

from pathlib import Path

import pytest

from rules.reference import load_snapshot

TEST_SNAPSHOT = Path(__file__).parent / "data" / "snapshot"


@pytest.fixture(scope="session")
def test_snapshot():
    """The small test snapshot (tests/data/snapshot), loaded once; read-only."""
    return load_snapshot(TEST_SNAPSHOT)
