"""POST /v1/articles: find and check every claim of a whole article, and store the report."""

from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from claims.article_check import LANGUAGES
from service.api.blueprint import Blueprint
from service.api.reports import ReportClaimSchema, ReportSchema
from service.observability import count_verdicts
from service.reports import article_report, current_store
from service.state import current_state

MAX_ARTICLE_TEXT = 100_000

blp = Blueprint(
    "articles",
    __name__,
    url_prefix="/v1/articles",
    description="Check a whole article: every check-worthy claim, with offsets into the text.",
)


class ArticleRequestSchema(Schema):
    """An article as published: its title, text and date (claims are judged as of that date)."""

    title = fields.String(required=True, validate=validate.Length(1, 500))
    text = fields.String(required=True, validate=validate.Length(1, MAX_ARTICLE_TEXT))
    published = fields.Date(required=True, metadata={"description": "Publication date, YYYY-MM-DD."})
    url = fields.Url(
        schemes={"http", "https"},
        validate=validate.Length(max=2000),
        metadata={"format": "iri", "description": "The article's address, http or https."},
    )
    publisher = fields.String(validate=validate.Length(1, 200))
    language = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))


def _fields(schema: type) -> tuple[tuple[str, str], ...]:
    """Return (attribute, key in the dump) of each field of a schema, in the order it dumps them."""
    return tuple(
        (field.attribute or name, field.data_key or name) for name, field in schema._declared_fields.items()
    )


REPORT_FIELDS, CLAIM_FIELDS = _fields(ReportSchema), _fields(ReportClaimSchema)


def as_dumped(report: dict) -> dict:
    """Return a stored report as ReportSchema dumps it: its fields in the schema's order, no others."""
    # The stored document is plain JSON and each claim's result is already in ResultSchema's order, so
    # only the report's and the claims' keys need ordering; dumping a whole article through marshmallow
    # was a sixth of the request. tests/test_api_articles.py holds that the two agree.
    claims = [{key: claim[name] for name, key in CLAIM_FIELDS if name in claim} for claim in report["claims"]]
    return {
        key: claims if name == "claims" else report[name] for name, key in REPORT_FIELDS if name in report
    }


@blp.route("")
class Articles(MethodView):
    @blp.arguments(ArticleRequestSchema())
    @blp.response(
        201,
        ReportSchema,
        headers={"Location": {"description": "The stored report.", "schema": {"type": "string"}}},
    )
    @blp.alt_response(400, response="MalformedJSON")
    @blp.alt_response(413, response="ContentTooLarge")
    @blp.alt_response(415, response="UnsupportedMediaType")
    def post(self, body):
        """Check an article; answer 201 with the stored report (claims, offsets, verdicts, summary)."""
        state = current_state()
        checked = state.check_article(
            body["title"],
            body["text"],
            body["published"],
            current_state().snapshot,
            url=body.get("url"),
            publisher=body.get("publisher"),
            language=body["language"],
        )
        count_verdicts(checked["claims"])
        store = current_store()
        report_id = store.create(
            article_report(
                checked,
                text=body["text"],
                url=body.get("url"),
                publisher=body.get("publisher"),
                language=body["language"],
            )
        )
        location = url_for("reports.ReportById", report_id=report_id)
        return current_app.json.response(as_dumped(store.get(report_id))), 201, {"Location": location}
