"""GET /v1/reports, GET and DELETE /v1/reports/{id}, GET /v1/reports/{id}/claimreview: stored reports."""

from __future__ import annotations

from flask import current_app, json
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from service.api.blueprint import Blueprint
from service.auth import require_admin
from service.reports import KINDS, MAX_PER_PAGE, current_store
from service.schemas import ResultSchema
from service.web import published_reviews

JSON_LD = "application/ld+json"

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/v1/reports",
    description="Stored verdict reports: list, read, delete (admin), and publish as schema.org ClaimReview.",
)


class PageQuerySchema(Schema):
    """Which page of the listing to return."""

    page = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PER_PAGE))


class SummarySchema(Schema):
    """How many claims got each verdict (verdicts with none are left out)."""

    # One optional integer per verdict, so the document names them.
    accurate = fields.Integer()
    approximately_accurate = fields.Integer()
    misleading = fields.Integer()
    inaccurate = fields.Integer()
    unverifiable = fields.Integer()


class ReportSummarySchema(Schema):
    """One report in the listing."""

    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True)
    created = fields.String(required=True, metadata={"format": "date-time"})
    published = fields.String(allow_none=True, metadata={"format": "date"})
    publisher = fields.String(allow_none=True)
    snapshot = fields.String(allow_none=True, metadata={"description": "Reference snapshot id."})
    claims = fields.Integer(required=True, metadata={"description": "Number of checked claims."})
    summary = fields.Nested(SummarySchema, required=True)


class ReportListSchema(Schema):
    """A page of reports, newest first."""

    items = fields.List(fields.Nested(ReportSummarySchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Reports in all pages."})
    pages = fields.Integer(required=True)


class ArticleRefSchema(Schema):
    """Where a catalog claim appeared."""

    title = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata={"format": "iri"})
    published = fields.String(allow_none=True, metadata={"format": "date"})
    publisher = fields.String(allow_none=True)


class ReportClaimSchema(Schema):
    """One checked claim of a report: where it is in the text, and its result."""

    n = fields.Integer(required=True, metadata={"description": "Claim number; the page anchor is #claim-N."})
    quote = fields.String(required=True)
    start = fields.Integer(allow_none=True, metadata={"description": "Offset into `text` or `title`."})
    end = fields.Integer(allow_none=True)
    place = fields.String(
        attribute="in",
        data_key="in",
        validate=validate.OneOf(("text", "title")),
        metadata={"description": "Whether the offsets point into the text or the title."},
    )
    understood = fields.Raw(allow_none=True, metadata={"description": "What the parser read the claim as."})
    claim_id = fields.String(allow_none=True, metadata={"description": "Catalog claim id, if any."})
    appearance = fields.Nested(ArticleRefSchema, allow_none=True)
    result = fields.Nested(ResultSchema, required=True)


class ReportSchema(Schema):
    """A stored report: an article with its checked claims, or a batch of checked claims."""

    id = fields.String(required=True)
    created = fields.String(required=True, metadata={"format": "date-time"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True)
    published = fields.String(allow_none=True, metadata={"format": "date"})
    url = fields.String(allow_none=True, metadata={"format": "iri"})
    publisher = fields.String(allow_none=True)
    language = fields.String(required=True)
    text = fields.String(allow_none=True, metadata={"description": "The article text (articles only)."})
    article_id = fields.String(allow_none=True)
    snapshot = fields.String(allow_none=True)
    claims = fields.List(fields.Nested(ReportClaimSchema), required=True)
    summary = fields.Nested(SummarySchema, required=True)
    sentences = fields.Integer(allow_none=True)
    skipped = fields.Raw(
        allow_none=True, metadata={"description": "Sentences without a checkable claim (a count)."}
    )


def _report_or_404(report_id: str) -> dict:
    report = current_store().get(report_id)
    if report is None:
        raise NotFound(f"There is no report {report_id!r}.")
    return report


@blp.route("")
class Reports(MethodView):
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ReportListSchema)
    def get(self, query):
        """List stored reports, newest first, one page at a time."""
        return current_store().list(page=query["page"], per_page=query["per_page"])


@blp.route("/<report_id>")
class ReportById(MethodView):
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, response="NotFound")
    def get(self, report_id):
        """Return a stored report with every result, its evidence and the article text."""
        return _report_or_404(report_id)

    @blp.response(204)
    @blp.alt_response(401, response="Problem")
    @blp.alt_response(403, response="Problem")
    @blp.alt_response(404, response="NotFound")
    def delete(self, report_id):
        """Delete a stored report (admin only: `Authorization: Bearer <CLAIMCHECK_ADMIN_TOKEN>`)."""
        require_admin()
        if not current_store().delete(report_id):
            raise NotFound(f"There is no report {report_id!r}.")


@blp.route("/<report_id>/claimreview")
class ReportClaimReview(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "A JSON-LD array of schema.org ClaimReview objects, one per claim.",
                "content": {JSON_LD: {"schema": {"type": "array", "items": {"type": "object"}}}},
            }
        }
    )
    @blp.alt_response(404, response="NotFound")
    def get(self, report_id):
        """Return the report as schema.org ClaimReview JSON-LD (rating scale 1 inaccurate to 5 accurate)."""
        reviews = published_reviews(_report_or_404(report_id))
        body = json.dumps(reviews, ensure_ascii=False)
        return current_app.response_class(body, mimetype=JSON_LD)
