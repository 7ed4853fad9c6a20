"""Request ids, JSON access logs, Prometheus metrics and readiness (service/observability.py)."""

import datetime as dt
import json
import logging
import re
import statistics
import time
from pathlib import Path

import pytest
from prometheus_client import values
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from service import create_app, observability

TESTS = Path(__file__).parent

CLAIM_ID = "area-more-than-550"
RULE = {
    "kind": "quantity",
    "fact": "vostochny.area",
    "relation": "less_than",
    "value": {"value": 500, "unit": "km**2"},
}


def make_app(tmp_path, name="reports.db"):
    """The test app (test snapshot and catalog, a report database in tmp_path) with observability."""
    app = create_app(
        {
            "TESTING": True,
            "REFERENCE_DIR": str(TESTS / "data" / "snapshot"),
            "CATALOG_DIR": str(TESTS / "data" / "catalog"),
            "DATABASE_URL": f"sqlite:///{tmp_path / name}",
        }
    )
    observability.init_app(app)  # a no-op once create_app adds it itself
    return app


def close(app):
    store = app.extensions.get("claimcheck.reports")
    if store is not None:
        store.close()


@pytest.fixture
def app(tmp_path):
    """The test app with observability; its report store is closed afterwards."""
    app = make_app(tmp_path)
    yield app
    close(app)


def samples(client, name):
    """Return {labels as a sorted tuple: value} of one metric's samples from GET /metrics."""
    response = client.get("/metrics")
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def labels(**pairs):
    return tuple(sorted(pairs.items()))


@pytest.mark.parametrize("header", ["abc-123", "A.b_c-9", "x" * 64])
def test_a_valid_request_id_is_echoed(client, header):
    response = client.get("/healthz", headers={"X-Request-ID": header})
    assert response.headers["X-Request-ID"] == header


@pytest.mark.parametrize("header", ["", "x" * 65, "a b", "id;rm -rf", "caf\u00e9", "a\r\nSet-Cookie: x=1"])
def test_an_unsafe_request_id_is_replaced(client, header):
    response = client.get("/healthz", headers={"X-Request-ID": header} if "\n" not in header else {})
    assert response.headers["X-Request-ID"] != header
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_a_request_id_is_made_for_every_request_even_errors(client):
    first, second = client.get("/healthz"), client.get("/no/such/path")
    assert second.status_code == 404
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert second.headers["X-Request-ID"]


def test_one_json_log_line_per_request(client, caplog):
    caplog.set_level(logging.INFO, logger=observability.ACCESS_LOGGER)
    response = client.get(f"/v1/claims/{CLAIM_ID}?as_of=2024-01-01", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == observability.ACCESS_LOGGER]
    assert len(records) == 1
    line = json.loads(records[0].getMessage())
    assert line["method"] == "GET"
    assert line["path"] == f"/v1/claims/{CLAIM_ID}"  # no query string
    assert line["status"] == 200
    assert line["request_id"] == "req-1"
    assert line["remote_addr"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    dt.datetime.fromisoformat(line["time"])


def test_the_access_log_goes_to_stderr_as_one_line(client, capsys):
    client.get("/healthz", headers={"X-Request-ID": "req-2"})
    lines = [line for line in capsys.readouterr().err.splitlines() if '"req-2"' in line]
    assert len(lines) == 1
    assert json.loads(lines[0])["path"] == "/healthz"


def test_metrics_count_requests_by_url_rule_method_and_status(client):
    for claim_id in (CLAIM_ID, CLAIM_ID, "no-such-claim"):
        client.get(f"/v1/claims/{claim_id}")
    client.get("/not/a/route")
    client.post("/v1/checks", json={"claims": [{"rule": RULE}]})

    response = client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "no-such-claim" not in response.get_data(as_text=True)  # raw paths never become labels
    counts = samples(client, "claimcheck_http_requests_total")
    rule = "/v1/claims/<claim_id>"
    assert counts[labels(endpoint=rule, method="GET", status="200")] == 2
    assert counts[labels(endpoint=rule, method="GET", status="404")] == 1
    assert counts[labels(endpoint="unmatched", method="GET", status="404")] == 1
    assert counts[labels(endpoint="/v1/checks", method="POST", status="200")] == 1
    latency = samples(client, "claimcheck_http_request_duration_seconds_count")
    assert latency[labels(endpoint=rule, method="GET", status="200")] == 2
    buckets = samples(client, "claimcheck_http_request_duration_seconds_bucket")
    assert buckets[labels(endpoint=rule, method="GET", status="200", le="+Inf")] == 2


def test_unknown_methods_do_not_make_new_series(client):
    client.open("/healthz", method="BREW")
    counts = samples(client, "claimcheck_http_requests_total")
    assert counts[labels(endpoint="unmatched", method="other", status="405")] == 1


def test_count_verdicts_by_verdict_and_kind(app, client):
    # The checks endpoint counts its own results; the article-shaped and odd entries are counted here.
    assert (
        client.post("/v1/checks", json={"claims": [{"rule": RULE}, {"claim_id": CLAIM_ID}]}).status_code
        == 200
    )
    article_claims = [{"kind": "quantity", "result": {"verdict": "accurate", "rule": {}}}]
    odd = [{"verdict": "sort of", "rule": {"kind": "astrology"}}, {"verdict": "unverifiable", "rule": {}}]
    with app.app_context():
        observability.count_verdicts(article_claims)
        observability.count_verdicts(odd)
    counts = samples(client, "claimcheck_verdicts_total")
    assert counts[labels(verdict="inaccurate", kind="quantity")] == 1
    assert counts[labels(verdict="accurate", kind="quantity")] == 2
    assert counts[labels(verdict="other", kind="none")] == 1
    assert counts[labels(verdict="unverifiable", kind="none")] == 1


def test_count_verdicts_outside_an_app_does_nothing():
    observability.count_verdicts([{"verdict": "accurate", "rule": {"kind": "quantity"}}])


def test_metrics_report_the_snapshot_age(app, client):
    snapshot = app.extensions["claimcheck"].snapshot
    ages = samples(client, "claimcheck_snapshot_age_seconds")
    expected = (dt.date.today() - snapshot.retrieved).days * 86400
    assert list(ages) == [labels(snapshot=snapshot.id)]
    assert expected - 86400 <= ages[labels(snapshot=snapshot.id)] <= expected + 2 * 86400


def test_metrics_add_up_every_worker_in_multiprocess_mode(app, monkeypatch, tmp_path):
    """Two processes write their own files in PROMETHEUS_MULTIPROC_DIR; /metrics answers for both."""
    pid = [101]
    metrics_dir = tmp_path / "metrics"  # made by init_app
    monkeypatch.setenv(observability.MULTIPROC_ENV, str(metrics_dir))
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue(lambda: pid[0]))
    multi = make_app(tmp_path, "multi.db")
    client = multi.test_client()
    client.get("/healthz")
    client.get("/healthz")
    pid[0] = 102
    client.get("/healthz")
    files = sorted(p.name for p in metrics_dir.iterdir())
    assert files == ["counter_101.db", "counter_102.db", "histogram_101.db", "histogram_102.db"]
    counts = samples(client, "claimcheck_http_requests_total")
    assert counts[labels(endpoint="/healthz", method="GET", status="200")] == 3
    assert samples(client, "claimcheck_snapshot_age_seconds")  # computed live, not from the files
    close(multi)


def test_readyz_answers_ready_with_the_snapshot(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ready",
        "snapshot": app.extensions["claimcheck"].snapshot.id,
        "database": "ok" if "claimcheck.reports" in app.extensions else "not configured",
    }


def test_readyz_without_a_database_says_so(app, client):
    app.extensions.pop("claimcheck.reports", None)
    assert client.get("/readyz").json["database"] == "not configured"


@pytest.mark.parametrize("data", [None, {"snapshot": None}])
def test_readyz_is_a_503_problem_without_a_snapshot(app, client, data):
    if data is None:
        del app.extensions["claimcheck"]
    else:
        app.extensions["claimcheck"] = data
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503
    assert "snapshot" in response.json["detail"]
    assert response.headers["Retry-After"]


class Store:
    """A stand-in report store: only its engine matters to /readyz."""

    def __init__(self, url):
        self.engine = create_engine(url)


def test_readyz_checks_the_database_when_there_is_one(app, client, tmp_path):
    snapshot = app.extensions["claimcheck"].snapshot
    app.extensions["claimcheck"] = {"snapshot": snapshot, "reports": Store(f"sqlite:///{tmp_path / 'ok.db'}")}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    app.extensions["claimcheck"]["reports"].engine.dispose()


def test_readyz_is_a_503_when_the_database_is_unreachable(app, client, tmp_path):
    snapshot = app.extensions["claimcheck"].snapshot
    store = Store(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    app.extensions["claimcheck"] = {"snapshot": snapshot, "reports": store}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["detail"] == "The database is unreachable (OperationalError)."
    assert str(tmp_path) not in response.get_data(as_text=True)
    store.engine.dispose()


def test_health_and_readiness_are_fast(client):
    for path in ("/healthz", "/readyz"):
        timings = []
        for _ in range(21):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            timings.append(time.perf_counter() - started)
        # Generous: a probe normally answers in about a millisecond; this catches one that does real work.
        assert statistics.median(timings) < 0.25, (path, timings)
