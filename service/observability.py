"""Operations: request ids, one JSON access log line per request, Prometheus metrics and readiness.

`init_app(app)` adds to every response an `X-Request-ID` (the client's, when it is 1 to 64 characters of
`[A-Za-z0-9._-]`, else a new one), logs one JSON line per request on the `claimcheck.access` logger (to
stderr), counts requests and their latency by URL rule (not raw path, so the number of series stays
bounded), method and status, and serves `GET /metrics` (Prometheus text format) and `GET /readyz`.
The views that produce verdicts call `count_verdicts(results)`.

Several gunicorn workers: each worker counts its own requests. When `PROMETHEUS_MULTIPROC_DIR` names an
empty folder writable by every worker (set before the process starts; wiped between server starts, e.g.
on a tmpfs), prometheus_client writes each worker's samples there and `/metrics` adds them up, so any
worker answers for all of them. Without it, `/metrics` shows only the worker that answered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, has_app_context, request
from prometheus_client import CollectorRegistry, Counter, Histogram, exposition, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import SQLAlchemyError

from rules.kinds import KINDS
from rules.model import Verdict
from service.errors import TYPE_PREFIX, Problem

EXTENSION = "claimcheck.observability"
ACCESS_LOGGER = "claimcheck.access"
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds; a batch of 100 claims takes about 60 ms, a page with an article a few hundred.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Label values outside these sets are counted as "other": a client cannot create new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
VERDICTS = frozenset(verdict.value for verdict in Verdict)
UNMATCHED = "unmatched"

blp = Blueprint("observability", __name__)


@dataclass(frozen=True)
class Metrics:
    """One app's metrics, in its own registry (the registry is unused when several processes count)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    verdicts: Counter


class SnapshotCollector:
    """Reports the age of the app's reference snapshot, computed when scraped (nothing to keep in sync)."""

    def __init__(self, app: Flask):
        self.app = app

    def describe(self) -> list:
        """Describe nothing ahead of time: the snapshot is looked up when scraped."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the snapshot's age in seconds since its oldest source was retrieved."""
        snapshot = shared(self.app, "snapshot")
        if snapshot is None:
            return
        retrieved = dt.datetime.combine(snapshot.retrieved, dt.time(), tzinfo=dt.UTC)
        family = GaugeMetricFamily(
            "claimcheck_snapshot_age_seconds",
            "Seconds since the oldest source of the loaded reference snapshot was retrieved.",
            labels=["snapshot"],
        )
        family.add_metric([snapshot.id], time.time() - retrieved.timestamp())
        yield family


class StderrHandler(logging.StreamHandler):
    """A handler that writes to whatever `sys.stderr` is when a record is emitted (tests swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        """Ignore: the stream is always the current stderr."""


def init_app(app: Flask) -> Metrics:
    """Add request ids, access logs, metrics, `/metrics` and `/readyz` to the app (once per app)."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    metrics = _make_metrics(app)
    app.extensions[EXTENSION] = metrics
    if os.environ.get(MULTIPROC_ENV):
        os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)
    _access_logger()
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_blueprint(blp)
    return metrics


def _make_metrics(app: Flask) -> Metrics:
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(app))
    return Metrics(
        registry=registry,
        requests=Counter(
            "claimcheck_http_requests",
            "HTTP requests answered, by URL rule, method and status.",
            ["endpoint", "method", "status"],
            registry=registry,
        ),
        latency=Histogram(
            "claimcheck_http_request_duration_seconds",
            "Time from the start of a request's handling to its response, by URL rule, method and status.",
            ["endpoint", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        verdicts=Counter(
            "claimcheck_verdicts",
            "Verdicts given, by verdict and rule kind.",
            ["verdict", "kind"],
            registry=registry,
        ),
    )


def _access_logger() -> logging.Logger:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(handler, StderrHandler) for handler in logger.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    return logger


def request_id(header: str | None) -> str:
    """Return the client's request id when it is safe to echo and log, else a new one."""
    if header is not None and REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id(request.headers.get(REQUEST_ID_HEADER))


def _finish_request(response: Response) -> Response:
    duration = time.perf_counter() - g.get("request_started", time.perf_counter())
    rid = g.get("request_id") or request_id(None)
    response.headers[REQUEST_ID_HEADER] = rid
    endpoint = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    method = request.method if request.method in METHODS else "other"
    status = str(response.status_code)
    metrics: Metrics = current_app.extensions[EXTENSION]
    metrics.requests.labels(endpoint, method, status).inc()
    metrics.latency.labels(endpoint, method, status).observe(duration)
    line = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": request.path,  # without the query string, which may hold what should not be logged
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 3),
        "request_id": rid,
        "remote_addr": request.remote_addr,
    }
    logging.getLogger(ACCESS_LOGGER).info(json.dumps(line), extra={"access": line})
    return response


def count_verdicts(results: Iterable[Mapping[str, Any]]) -> None:
    """Count the verdicts of check results, or of an article's claims (entries with a `result`)."""
    metrics = current_app.extensions.get(EXTENSION) if has_app_context() else None
    if metrics is None:
        return
    for item in results:
        result = item if "verdict" in item else item.get("result") or {}
        verdict = str(result.get("verdict"))
        kind = item.get("kind") or (result.get("rule") or {}).get("kind")
        metrics.verdicts.labels(
            verdict if verdict in VERDICTS else "other", kind if kind in KINDS else "none"
        ).inc()


def shared(app: Flask, name: str) -> Any:
    """Return `snapshot` or `reports` from the app's shared data (a State object or a dict), or None."""
    data = app.extensions.get("claimcheck")
    if isinstance(data, Mapping):
        return data.get(name)
    return getattr(data, name, None)


def _report_store(app: Flask) -> Any:
    return shared(app, "reports") or app.extensions.get("claimcheck.reports")


@blp.get("/metrics")
def metrics_view() -> Response:
    """Answer the metrics in the Prometheus text format (or OpenMetrics, when asked for)."""
    app = current_app._get_current_object()
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(SnapshotCollector(app))
    else:
        registry = app.extensions[EXTENSION].registry
    encoder, content_type = exposition.choose_encoder(request.headers.get("Accept", ""))
    return Response(encoder(registry), headers={"Content-Type": content_type})


@blp.get("/readyz")
def readyz_view() -> Response | dict[str, Any]:
    """Answer 200 when the reference snapshot is loaded and the database (if any) answers `SELECT 1`."""
    app = current_app._get_current_object()
    snapshot = shared(app, "snapshot")
    if snapshot is None:
        return _not_ready("The reference snapshot is not loaded.")
    database = "not configured"
    store = _report_store(app)
    if store is not None:
        try:
            with getattr(store, "engine", store).connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except (SQLAlchemyError, OSError) as error:
            app.logger.warning("readyz: database unreachable: %s", error)
            return _not_ready(f"The database is unreachable ({type(error).__name__}).")
        database = "ok"
    return {"status": "ready", "snapshot": snapshot.id, "database": database}


def _not_ready(detail: str) -> Response:
    problem = Problem(
        503, "Service Unavailable", detail, type=f"{TYPE_PREFIX}not-ready", headers={"Retry-After": "5"}
    )
    return problem.response()
