"""GET /v1/reference/...: the reference facts with their sources, and the snapshot's status."""

from __future__ import annotations

from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.schemas import FactListSchema, FactSchema, FactsQuerySchema, StatusSchema
from service.state import current_state

blp = Blueprint(
    "reference",
    __name__,
    url_prefix="/v1/reference",
    description="The reference data verdicts are computed from, with provenance.",
)


@blp.route("/facts")
class Facts(MethodView):
    @blp.arguments(FactsQuerySchema, location="query")
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
        return current_state().snapshot.status()
