"""GET /v1/reference/...: the reference facts with their sources, and the snapshot's status."""

from __future__ import annotations

import time

from flask import current_app
from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.auth import require_admin
from service.errors import Problem
from service.refresh import SourceBusy, refresh, store
from service.schemas import (
    FactListSchema,
    FactSchema,
    FactsQuerySchema,
    RefreshReportSchema,
    RefreshRequestSchema,
    StatusSchema,
)
from service.state import current_state, reload_reference

blp = Blueprint(
    "reference",
    __name__,
    url_prefix="/v1/reference",
    description="The reference data verdicts are computed from, with provenance.",
)


@blp.route("/facts")
class Facts(MethodView):
    @blp.arguments(FactsQuerySchema(), location="query")
    @blp.response(200, FactListSchema)
    def get(self, query):
        """List reference facts, optionally of one entity and one property."""
        facts = current_state().snapshot.facts.values()
        chosen = [
            fact.to_dict()
            for fact in facts
            if query.get("entity") in (None, fact.entity) and query.get("property") in (None, fact.property)
        ]
        return {"facts": chosen}


@blp.route("/facts/<fact_id>")
class FactById(MethodView):
    @blp.response(200, FactSchema)
    @blp.alt_response(404, response="NotFound")
    def get(self, fact_id):
        """Return one reference fact with every sourced value."""
        return current_state().snapshot.fact(fact_id).to_dict()


@blp.route("/status")
class Status(MethodView):
    @blp.response(200, StatusSchema)
    def get(self):
        """Return the snapshot id, its files, its sources with retrieval dates, and its age."""
        state = current_state()
        loaded_from = state.loaded_from
        data_dir = current_app.config.get("DATA_DIR")
        if data_dir and not current_app.config.get("REFERENCE_DIR"):
            # A refresh that failed (in any worker, or from the CLI) changes no snapshot, so nothing
            # reloads: read its outcome now, so a failing source is flagged beside the data it left.
            loaded_from = {**loaded_from, "last_attempt": store.last_attempt(data_dir)}
        return {**state.snapshot.status(), "loaded_from": loaded_from}


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshRequestSchema())
    @blp.response(200, RefreshReportSchema)
    @blp.alt_response(401, response="Problem")
    @blp.alt_response(403, response="Problem")
    @blp.alt_response(429, response="Problem")
    def post(self, body):
        """Fetch live sources into a new snapshot and serve it (admin only, rate limited)."""
        require_admin()
        app, state = current_app, current_state()
        if not app.config.get("DATA_DIR"):
            raise Problem(409, "No data directory", "Set CLAIMCHECK_DATA_DIR to keep refreshed snapshots.")
        # One refresh per interval per worker: the sources ask callers not to hammer them.
        wait = state.extras.get("last_refresh", -1e9) + app.config["REFRESH_INTERVAL"] - time.monotonic()
        if wait > 0:
            raise Problem(
                429,
                "Too Many Requests",
                "A refresh ran recently.",
                headers={"Retry-After": str(int(wait) + 1)},
            )
        state.extras["last_refresh"] = time.monotonic()
        try:
            report = refresh(
                body["source"],
                app.config["DATA_DIR"],
                dry_run=body["dry_run"],
                in_request=True,
                catalog=state.catalog,
                contact=app.config.get("CONTACT"),
            )
        except SourceBusy as error:
            raise Problem(
                503, "Source busy", str(error), headers={"Retry-After": str(int(error.retry_after or 60))}
            ) from None
        if not body["dry_run"]:
            reload_reference(app)
        return report.to_dict()
