"""POST /v1/_bench/echo: served and documented only when CLAIMCHECK_BENCH_ECHO is set."""

from pathlib import Path

import pytest

from service import create_app

DATA = Path(__file__).parent / "data"


def _app(tmp_path, **config):
    return create_app(
        {
            "TESTING": True,
            "REFERENCE_DIR": str(DATA / "snapshot"),
            "CATALOG_DIR": str(DATA / "catalog"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'reports.db'}",
            **config,
        }
    )


def test_the_echo_is_off_by_default(client):
    assert client.post("/v1/_bench/echo", json={"a": 1}).status_code == 404
    assert "/v1/_bench/echo" not in client.get("/openapi.json").get_json()["paths"]


def test_the_echo_answers_the_body_when_enabled(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_BENCH_ECHO", "1")
    client = _app(tmp_path).test_client()
    body = {"claims": [{"text": "Vostochny covers 550 km²."}], "n": [1, 2.5, None, True]}
    response = client.post("/v1/_bench/echo", json=body)
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == body
    assert "/v1/_bench/echo" in client.get("/openapi.json").get_json()["paths"]


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [(b"{", "application/json", 400), (b'{"a": NaN}', "application/json", 400), (b"{}", "text/plain", 415)],
)
def test_the_echo_refuses_what_every_endpoint_refuses(tmp_path, data, content_type, status):
    client = _app(tmp_path, BENCH_ECHO=True).test_client()
    response = client.post("/v1/_bench/echo", data=data, content_type=content_type)
    assert (response.status_code, response.mimetype) == (status, "application/problem+json")
