"""GET /healthz: liveness for load balancers and the container's HEALTHCHECK."""

from __future__ import annotations

from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.schemas import HealthSchema
from service.state import current_state

blp = Blueprint("health", __name__, description="Liveness.")


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """Answer ok with the snapshot id and the number of catalog claims."""
        state = current_state()
        return {"status": "ok", "snapshot": state.snapshot.id, "claims": len(state.catalog.claims)}
