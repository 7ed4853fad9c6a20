"""The web service: `create_app()` builds the Flask app that serves the claimcheck API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from service import api, observability, reports, security, state, web
from service.jsonparse import MAX_DEPTH

DEFAULTS: dict[str, Any] = {
    "REFERENCE_DIR": None,  # None: the snapshot shipped in rules/data
    "CATALOG_DIR": None,  # None: the catalog shipped in claims/articles
    "DATA_DIR": None,  # where refreshed snapshots (and, by default, the report database) live
    "ADMIN_TOKEN": None,  # bearer token for admin endpoints; unset: admin endpoints refuse everyone
    "CONTACT": None,  # operator contact for the User-Agent sent to Wikimedia and GCAT
    "REFRESH_INTERVAL": 300,  # seconds between refreshes through the admin endpoint, per worker
    "BENCH_ECHO": False,  # serve POST /v1/_bench/echo, the benchmarks' ceiling (benchmarks only)
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "MAX_JSON_DEPTH": MAX_DEPTH,
}


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with keys kept in order and NaN or Infinity refused rather than emitted."""

    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then CLAIMCHECK_* variables, then `test_config`, then data and API."""
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("CLAIMCHECK")
    if test_config is not None:
        app.config.from_mapping(test_config)
    state.init_app(app)
    observability.init_app(app)  # first, so request ids and timing cover everything after it
    reports.init_app(app)
    security.init_app(app)
    api.init_app(app)
    app.register_blueprint(web.web)
    return app
