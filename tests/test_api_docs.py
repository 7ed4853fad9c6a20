"""The OpenAPI document and its Swagger UI: generated from the schemas, committed, served offline."""

import json
import re

from openapi_spec_validator import validate

from rules.kinds import KINDS
from service import openapi


def test_openapi_document_is_valid_3_1(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_committed_document_matches_the_schemas(client):
    committed = json.loads(openapi.COMMITTED.read_text(encoding="utf-8"))
    assert client.get("/openapi.json").get_json() == committed, (
        "service/openapi.json is stale: run python -m service.openapi"
    )
    assert openapi.render(openapi.document()) == openapi.COMMITTED.read_text(encoding="utf-8")


def test_document_lists_every_endpoint(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert set(paths) == {
        "/v1/checks",
        "/v1/claims",
        "/v1/claims/{claim_id}",
        "/v1/reference/facts",
        "/v1/reference/facts/{fact_id}",
        "/v1/reference/refresh",
        "/v1/articles",
        "/v1/reports",
        "/v1/reports/{report_id}",
        "/v1/reports/{report_id}/claimreview",
        "/v1/reference/status",
        "/healthz",
    }


def test_rule_is_documented_as_one_of_every_kind(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    rule = schemas["ClaimInput"]["properties"]["rule"]
    assert set(rule["discriminator"]["mapping"]) == set(KINDS)
    for kind, ref in rule["discriminator"]["mapping"].items():
        component = schemas[ref.rsplit("/", 1)[1]]
        assert component["properties"]["kind"] == {"type": "string", "const": kind}
        assert "kind" in component["required"]


def test_errors_are_documented_as_problem_json(client):
    document = client.get("/openapi.json").get_json()
    for response in document["components"]["responses"].values():
        assert set(response["content"]) == {"application/problem+json"}
    post = document["paths"]["/v1/checks"]["post"]["responses"]
    assert {"200", "400", "404", "413", "415", "422", "default"} <= set(post)


def test_docs_page_works_offline(client):
    response = client.get("/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no CDN
    for asset in re.findall(r"""(?:src|href)="(docs/assets/[^"]+)\"""", page):
        with client.get("/" + asset) as served:
            assert served.status_code == 200, asset
    assert "swagger-ui-bundle.js" in page


def test_regenerate_command_check_mode(capsys):
    assert openapi.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out
