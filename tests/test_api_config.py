"""create_app: defaults, then CLAIMCHECK_* environment variables, then test_config; data loaded once."""

from pathlib import Path

from service import create_app

TEST_SNAPSHOT = Path(__file__).parent / "data" / "snapshot"
TEST_CATALOG = Path(__file__).parent / "data" / "catalog"


def test_configuration_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_REFERENCE_DIR", str(TEST_SNAPSHOT))
    monkeypatch.setenv("CLAIMCHECK_CATALOG_DIR", str(TEST_CATALOG))
    monkeypatch.setenv("CLAIMCHECK_MAX_CONTENT_LENGTH", "64")
    monkeypatch.setenv("CLAIMCHECK_MAX_JSON_DEPTH", "2")
    app = create_app()
    assert app.config["MAX_CONTENT_LENGTH"] == 64
    assert len(app.extensions["claimcheck"].catalog.claims) == 4
    client = app.test_client()
    assert client.post("/v1/checks", json={"claims": [{"text": "x" * 100}]}).status_code == 413
    assert client.post("/v1/checks", json={"claims": [{"text": "x"}]}).status_code == 422  # depth 3


def test_test_config_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_REFERENCE_DIR", "/nonexistent")
    app = create_app({"REFERENCE_DIR": str(TEST_SNAPSHOT), "CATALOG_DIR": str(TEST_CATALOG)})
    assert app.extensions["claimcheck"].snapshot.folder == str(TEST_SNAPSHOT)


def test_json_suffix_content_types_are_json(client):
    response = client.post(
        "/v1/checks", data=b'{"claims": [{"text": "x"}]}', content_type="application/vnd.claimcheck+json"
    )
    assert response.status_code == 200
