"""POST /v1/checks: check a batch of claims (catalog ids, structured rules, free text)."""

from __future__ import annotations

from flask import Response, current_app, url_for
from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.observability import count_verdicts
from service.reports import current_store
from service.schemas import ChecksRequestSchema, ChecksResponseSchema
from service.state import current_state
from service.verdicts import check_all

blp = Blueprint(
    "checks",
    __name__,
    url_prefix="/v1/checks",
    description="Check claims and get verdicts with their evidence.",
)


def _as_json(data: dict) -> Response:
    """Return data that is already exactly what ChecksResponseSchema dumps, as the JSON response."""
    # Results are built as plain JSON in the schema's field order, so dumping them again through
    # marshmallow changed nothing and cost 40 % of a request. flask-smorest passes a Response through;
    # tests/test_api_checks.py holds that the dump of representative responses equals them.
    return current_app.json.response(data)


@blp.route("")
class Checks(MethodView):
    @blp.arguments(ChecksRequestSchema())
    @blp.response(200, ChecksResponseSchema)
    @blp.alt_response(400, response="MalformedJSON")
    @blp.alt_response(404, response="NotFound")
    @blp.alt_response(413, response="ContentTooLarge")
    @blp.alt_response(415, response="UnsupportedMediaType")
    def post(self, body):
        """Check 1 to 100 claims; each answer has a verdict, the arithmetic and the sources.

        A false claim is a 200 with verdict `inaccurate`; an unknown claim id is a 404.
        """
        state = current_state()
        results = check_all(body["claims"], state.snapshot, state.catalog, body.get("as_of"))
        count_verdicts(results)
        if not body["save"]:
            return _as_json({"results": results})
        title = f"{len(results)} checked claim" + "s" * (len(results) != 1)
        report_id = current_store().create(
            {"kind": "checks", "title": title, "published": body.get("as_of"), "results": results}
        )
        links = {
            "id": report_id,
            "url": url_for("reports.ReportById", report_id=report_id),
            "html": url_for("web.report", report_id=report_id),
        }
        return _as_json({"results": results, "report": links})
