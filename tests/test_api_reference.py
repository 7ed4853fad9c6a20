"""GET /v1/reference/...: facts with their sources, and the snapshot's status."""


def test_list_facts(client, test_snapshot):
    facts = client.get("/v1/reference/facts").get_json()["facts"]
    assert [fact["id"] for fact in facts] == list(test_snapshot.facts)


def test_filter_facts_by_entity_and_property(client):
    facts = client.get("/v1/reference/facts?entity=vostochny&property=area").get_json()["facts"]
    assert [fact["id"] for fact in facts] == ["vostochny.area"]
    by_entity = client.get("/v1/reference/facts?entity=naro").get_json()["facts"]
    assert {fact["entity"] for fact in by_entity} == {"naro"}
    assert client.get("/v1/reference/facts?property=nothing").get_json()["facts"] == []


def test_fact_by_id_has_every_sourced_value(client):
    response = client.get("/v1/reference/facts/vostochny.area")
    assert response.status_code == 200
    fact = response.get_json()
    assert fact["id"] == "vostochny.area"
    assert [value["source"]["publisher"] for value in fact["values"]] == [
        "Wikipedia",
        "Roscosmos (russian.space)",
    ]
    assert [value["preferred"] for value in fact["values"]] == [True, False]


def test_unknown_fact_is_404(client):
    response = client.get("/v1/reference/facts/vostochny.moons")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "vostochny.moons" in response.get_json(force=True)["detail"]


def test_status(client, test_snapshot):
    status = client.get("/v1/reference/status").get_json()
    assert status["snapshot"] == test_snapshot.id
    assert [f["name"] for f in status["files"]] == [
        "facts.yaml",
        "statements.yaml",
        "gcat/launch.tsv",
        "gcat/sites.tsv",
    ]
    assert status["retrieved"] == test_snapshot.retrieved.isoformat()
    assert status["age_days"] >= 0
    assert all(source["retrieved"] and source["url"] for source in status["sources"])
    assert "folder" not in status  # no server paths in answers


def test_healthz(client, test_snapshot):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "snapshot": test_snapshot.id, "claims": 4}
