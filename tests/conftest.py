"""Shared fixtures: the embedded snapshot and the small test snapshot are read-only and session-scoped."""

from pathlib import Path

import pytest
import responses

from rules.reference import load_snapshot
from service import create_app

TEST_SNAPSHOT = Path(__file__).parent / "data" / "snapshot"
TEST_CATALOG = Path(__file__).parent / "data" / "catalog"


@pytest.fixture(scope="session")
def embedded_snapshot():
    """The embedded reference snapshot (rules/data), loaded once; read-only."""
    return load_snapshot()


@pytest.fixture(scope="session")
def test_snapshot():
    """The small test snapshot (tests/data/snapshot), loaded once; read-only."""
    return load_snapshot(TEST_SNAPSHOT)


@pytest.fixture
def app(tmp_path):
    """The service configured for tests: the test snapshot and catalog (tests/data), a fresh database."""
    return create_app(
        {
            "TESTING": True,
            "REFERENCE_DIR": str(TEST_SNAPSHOT),
            "CATALOG_DIR": str(TEST_CATALOG),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'reports.db'}",
        }
    )


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner whose commands use the app."""
    return app.test_cli_runner()


@pytest.fixture
def stand_in_app(tmp_path):
    """The real app on the test snapshot with the stand-in article checker of tests/support_reports.py."""
    from support_reports import make_app

    app = make_app(f"sqlite:///{tmp_path / 'reports.db'}")
    yield app
    app.extensions["claimcheck.reports"].close()


@pytest.fixture
def mock():
    """Mocked HTTP where every registered answer must be used and nothing else is reachable."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def slept():
    """The waits a refresh client asked for, recorded instead of slept."""
    return []
