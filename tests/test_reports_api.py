"""The reports API: listing, reading, deleting with the admin token, and ClaimReview JSON-LD."""

import datetime as dt

import pytest
from support_reports import ADMIN_TOKEN, fake_check_article, founding_article, make_app

from service.reports import article_report


@pytest.fixture
def app(stand_in_app):
    """The app with the stand-in article checker; `client` (conftest) uses it."""
    return stand_in_app


@pytest.fixture
def store(app):
    return app.extensions["claimcheck.reports"]


@pytest.fixture
def report_id(app, store):
    text = founding_article()
    snapshot = app.extensions["claimcheck"].snapshot
    checked = fake_check_article("Meeting After 4 Years", text, dt.date(2023, 9, 13), snapshot)
    return store.create(
        article_report(checked, text=text, url="https://www.asiae.co.kr/a", publisher="Asiae")
    )


def test_list_is_paginated_newest_first(client, store, report_id):
    later = [store.create({"kind": "checks", "title": f"later {n}", "results": []}) for n in range(3)]
    page = client.get("/v1/reports?page=1&per_page=2").get_json()
    assert [item["id"] for item in page["items"]] == later[::-1][:2]
    assert page["total"] == 4 and page["pages"] == 2 and page["per_page"] == 2
    last = client.get("/v1/reports?page=2&per_page=2").get_json()
    assert [item["id"] for item in last["items"]] == [later[0], report_id]


@pytest.mark.parametrize("query", ["page=0", "per_page=101", "per_page=x", "color=red"])
def test_bad_paging_is_a_422(client, query):
    response = client.get(f"/v1/reports?{query}")
    assert response.status_code == 422


def test_get_returns_the_whole_report(client, report_id):
    report = client.get(f"/v1/reports/{report_id}").get_json()
    assert report["id"] == report_id and report["kind"] == "article"
    assert report["text"].startswith("Meeting After")
    claim = report["claims"][0]
    assert report["text"][claim["start"] : claim["end"]] == claim["quote"]
    assert claim["result"]["verdict"] in report["summary"]
    assert claim["result"]["evidence"][0]["source"]["url"].startswith("https://")


def test_unknown_report_is_a_404(client):
    assert client.get("/v1/reports/nosuchreport").status_code == 404
    assert client.get("/v1/reports/nosuchreport/claimreview").status_code == 404


def test_delete_needs_the_admin_token(client, report_id):
    response = client.delete(f"/v1/reports/{report_id}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert (
        client.delete(f"/v1/reports/{report_id}", headers={"Authorization": "Basic abc"}).status_code == 401
    )
    wrong = client.delete(f"/v1/reports/{report_id}", headers={"Authorization": "Bearer wrong-token"})
    assert wrong.status_code == 403
    assert client.get(f"/v1/reports/{report_id}").status_code == 200
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    deleted = client.delete(f"/v1/reports/{report_id}", headers=admin)
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.get(f"/v1/reports/{report_id}").status_code == 404
    assert client.delete(f"/v1/reports/{report_id}", headers=admin).status_code == 404


def test_without_a_configured_token_nobody_may_delete(tmp_path, report_id):
    app = make_app(f"sqlite:///{tmp_path / 'other.db'}", CLAIMCHECK_ADMIN_TOKEN=None)
    client = app.test_client()
    try:
        assert client.delete("/v1/reports/x", headers={"Authorization": "Bearer "}).status_code == 401
        assert client.delete("/v1/reports/x", headers={"Authorization": "Bearer anything"}).status_code == 403
    finally:
        app.extensions["claimcheck.reports"].close()


def test_claimreview_is_json_ld_with_one_review_per_claim(client, report_id):
    response = client.get(f"/v1/reports/{report_id}/claimreview")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    reviews = response.get_json(force=True)
    report = client.get(f"/v1/reports/{report_id}").get_json()
    assert len(reviews) == len(report["claims"])
    assert reviews[0]["url"] == f"https://checks.example.org/reports/{report_id}#claim-1"
    assert all(review["@type"] == "ClaimReview" for review in reviews)
