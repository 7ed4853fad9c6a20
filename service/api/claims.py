"""GET /v1/claims and /v1/claims/{id}: the claim catalog, and one claim with its verdict."""

from __future__ import annotations

from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.schemas import ClaimDetailSchema, ClaimListSchema, ClaimQuerySchema, ClaimsQuerySchema
from service.state import current_state
from service.verdicts import catalog_claim_json, check_catalog_claim

blp = Blueprint(
    "claims", __name__, url_prefix="/v1/claims", description="The catalog of articles' checkable claims."
)


@blp.route("")
class Claims(MethodView):
    @blp.arguments(ClaimsQuerySchema(), location="query")
    @blp.response(200, ClaimListSchema)
    def get(self, query):
        """List catalog claims in text order, optionally of one article."""
        catalog = current_state().catalog
        return {"claims": [catalog_claim_json(claim) for claim in catalog.for_article(query.get("article"))]}


@blp.route("/<claim_id>")
class ClaimById(MethodView):
    @blp.arguments(ClaimQuerySchema(), location="query")
    @blp.response(200, ClaimDetailSchema)
    @blp.alt_response(404, response="NotFound")
    def get(self, query, claim_id):
        """Return a catalog claim, its article and its verdict (as of the article's date by default)."""
        state = current_state()
        claim = state.catalog.claim(claim_id)
        result = check_catalog_claim(claim, state.snapshot, query.get("as_of"))
        return {"claim": catalog_claim_json(claim), "article": claim.article.to_dict(), "result": result}
