"""POST /v1/articles and saved checks: whole articles become stored reports with permalinks."""

import json
from pathlib import Path

from claims.article_check import check_article
from claims.catalog import load_catalog
from rules.reference import load_snapshot
from service.api.articles import as_dumped
from service.api.reports import ReportSchema
from service.reports import article_report, current_store, report_document

ARTICLE = (Path(__file__).parents[1] / "claims" / "articles" / "vostochny-summit-2023.txt").read_text()


def _post(client, **body):
    payload = {"title": "Vostochny summit", "text": ARTICLE, "published": "2023-09-13", **body}
    return client.post("/v1/articles", json=payload)


def test_an_article_becomes_a_stored_report(client):
    response = _post(client, url="https://www.asiae.co.kr/", publisher="The Asia Business Daily")
    assert response.status_code == 201
    report = response.get_json()
    assert response.headers["Location"] == f"/v1/reports/{report['id']}"
    assert report["kind"] == "article" and report["text"] == ARTICLE
    assert len(report["claims"]) >= 20
    for claim in report["claims"]:
        assert ARTICLE[claim["start"] : claim["end"]] == claim["quote"]
        assert claim["result"]["as_of"] == "2023-09-13"
    assert sum(report["summary"].values()) == len(report["claims"])
    assert client.get(response.headers["Location"]).get_json()["id"] == report["id"]


def test_sentences_without_claims_are_counted_as_skipped(client):
    text = "Kim thanked his host. The weather was fine. The site covers more than 550 square kilometers."
    report = _post(client, text=text).get_json()
    assert report["sentences"] == 3
    assert len(report["claims"]) == 1


def test_article_input_is_validated(client):
    cases = [
        ({"published": "2023-02-30"}, "/published"),
        ({"language": "ko"}, "/language"),
        ({"url": "javascript:alert(1)"}, "/url"),
        ({"text": "x" * 100_001}, "/text"),
        ({"colour": "red"}, "/colour"),
    ]
    for extra, pointer in cases:
        response = _post(client, **extra)
        assert response.status_code in (413, 422), extra
        if response.status_code == 422:
            assert pointer in [item.get("pointer") for item in response.get_json()["errors"]], extra


def test_checks_can_be_saved_as_a_report(client):
    body = {
        "claims": [{"claim_id": "area-more-than-550"}, {"text": "Vostochny covers 550 km2."}],
        "save": True,
    }
    response = client.post("/v1/checks", json=body)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    stored = client.get(data["report"]["url"]).get_json()
    assert stored["kind"] == "checks" and len(stored["claims"]) == 2
    assert client.get(data["report"]["html"]).status_code == 200


def test_unsaved_checks_store_nothing(client):
    client.post("/v1/checks", json={"claims": [{"claim_id": "area-more-than-550"}]})
    assert client.get("/v1/reports").get_json()["total"] == 0


def _dumped_text(data):
    return json.dumps(data, allow_nan=False)


def test_the_answer_is_exactly_what_the_report_schema_dumps(client, app):
    # The answer skips the marshmallow dump (service/api/articles.py, `as_dumped`), so it must be what
    # the dump gives for the stored report, byte for byte: same fields, same order, nothing more.
    response = _post(client, url="https://www.asiae.co.kr/", publisher="The Asia Business Daily")
    assert response.status_code == 201
    with app.app_context():
        stored = current_store().get(response.get_json()["id"])
        dumped = app.json.response(ReportSchema().dump(stored))
    assert response.get_data() == dumped.get_data()


def test_reports_of_the_real_snapshot_are_exactly_what_the_schema_dumps():
    snapshot = load_snapshot()
    for article in load_catalog().articles.values():
        checked = check_article(article.title, article.text, article.published, snapshot)
        stored = report_document(article_report(checked, text=article.text))
        # As the store reads it back: a JSON column, with the id and creation time in front.
        stored = {"id": "0" * 32, "created": "2026-11-26T00:00:00Z", **json.loads(_dumped_text(stored))}
        stored["claims"].append({**stored["claims"][0], "extra": "not in the schema"})
        dumped = ReportSchema().dump(stored)
        assert as_dumped(stored) == dumped
        assert _dumped_text(as_dumped(stored)) == _dumped_text(dumped)
