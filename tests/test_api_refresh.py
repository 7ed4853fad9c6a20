"""POST /v1/reference/refresh: admin only, rate limited, and the new snapshot is served afterwards."""

from pathlib import Path

import pytest
import responses

from rules.reference import GCAT_SOURCES
from service import create_app
from service.refresh import store

DATA = Path(__file__).parent / "data"
REFRESH = DATA / "refresh"
TOKEN = "s3cret-admin-token"


@pytest.fixture
def refresh_app(tmp_path, monkeypatch):
    """An app serving from a data directory, with the refresh test snapshot as its embedded data."""
    monkeypatch.setattr(store, "embedded_folder", lambda: REFRESH / "snapshot")
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path),
            "CATALOG_DIR": str(DATA / "catalog"),
            "ADMIN_TOKEN": TOKEN,
        }
    )


@pytest.fixture
def admin():
    return {"Authorization": f"Bearer {TOKEN}"}


def serve_gcat(mock, launches):
    mock.get(GCAT_SOURCES["gcat/launch.tsv"], body=launches)
    mock.get(GCAT_SOURCES["gcat/sites.tsv"], body=(REFRESH / "gcat" / "sites.tsv").read_bytes())


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": "Basic czM="}, 401),
    ],
)
def test_refresh_needs_the_admin_token(refresh_app, headers, status):
    response = refresh_app.test_client().post("/v1/reference/refresh", json={}, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_without_a_configured_token_every_token_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "embedded_folder", lambda: REFRESH / "snapshot")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "CATALOG_DIR": str(DATA / "catalog")})
    response = app.test_client().post("/v1/reference/refresh", json={}, headers={"Authorization": "Bearer x"})
    assert response.status_code == 403


def test_a_refresh_is_served_at_once_and_then_rate_limited(refresh_app, admin):
    client = refresh_app.test_client()
    before = client.get("/v1/reference/status").get_json()
    launches = (REFRESH / "gcat" / "launch.tsv").read_bytes()
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        serve_gcat(mock, launches.replace(b"\tOS\t", b"\tOF\t", 1))
        response = client.post("/v1/reference/refresh", json={"source": "gcat"}, headers=admin)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["sources"] == ["gcat"] and not report["dry_run"]
    after = client.get("/v1/reference/status").get_json()
    assert after["snapshot"] == report["snapshot"] != before["snapshot"]
    assert after["loaded_from"]["origin"] == "data_dir"
    again = client.post("/v1/reference/refresh", json={"source": "gcat"}, headers=admin)
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0


def test_a_source_that_is_down_is_a_502_and_the_old_data_stays(refresh_app, admin):
    client = refresh_app.test_client()
    before = client.get("/v1/reference/status").get_json()["snapshot"]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(GCAT_SOURCES["gcat/launch.tsv"], body="<html>Bad gateway</html>", status=200)
        mock.get(GCAT_SOURCES["gcat/sites.tsv"], body="<html>Bad gateway</html>", status=200)
        response = client.post("/v1/reference/refresh", json={"source": "gcat"}, headers=admin)
    assert response.status_code == 502
    assert response.get_json()["type"] == "urn:claimcheck:problem:invalid-payload"
    assert client.get("/v1/reference/status").get_json()["snapshot"] == before


def test_unknown_sources_are_refused(refresh_app, admin):
    response = refresh_app.test_client().post(
        "/v1/reference/refresh", json={"source": "everything"}, headers=admin
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/source"
