"""GET /v1/claims and /v1/claims/{id}: the catalog, and one claim with its current verdict."""

IDS_IN_TEXT_ORDER = [
    "area-more-than-550",
    "hundred-times-naro",
    "tsiolkovsky-residents",
    "area-less-than-500",
]


def test_list_claims_in_text_order(client):
    response = client.get("/v1/claims")
    assert response.status_code == 200
    claims = response.get_json()["claims"]
    assert [claim["id"] for claim in claims] == IDS_IN_TEXT_ORDER
    first = claims[0]
    assert first["article"] == "test-cosmodrome"
    assert first["quote"] == "covers more than 550 square kilometres"
    assert first["rule"]["kind"] == "quantity"
    assert first["ground_truth"]["verdict"] == "accurate"


def test_filter_claims_by_article(client):
    assert len(client.get("/v1/claims?article=test-cosmodrome").get_json()["claims"]) == 4
    assert client.get("/v1/claims?article=another-article").get_json()["claims"] == []


def test_claim_with_its_verdict(client):
    response = client.get("/v1/claims/hundred-times-naro")
    assert response.status_code == 200
    body = response.get_json()
    assert body["claim"]["id"] == "hundred-times-naro"
    assert body["article"]["published"] == "2023-09-13"
    assert body["result"]["verdict"] == "accurate"
    assert body["result"]["as_of"] == "2023-09-13"
    assert body["result"]["evidence"][0]["source"]["publisher"]


def test_claim_as_of_another_day(client):
    body = client.get("/v1/claims/hundred-times-naro?as_of=2024-02-29").get_json()
    assert body["result"]["as_of"] == "2024-02-29"


def test_every_catalog_claim_matches_its_ground_truth(client):
    for claim_id in IDS_IN_TEXT_ORDER:
        body = client.get(f"/v1/claims/{claim_id}").get_json()
        assert body["result"]["verdict"] == body["claim"]["ground_truth"]["verdict"], claim_id


def test_unknown_claim_is_404(client):
    response = client.get("/v1/claims/no-such-claim")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "no-such-claim" in response.get_json(force=True)["detail"]
