"""The HTTP contract: every request and response body of the API as a marshmallow schema.

The OpenAPI document (service/openapi.json) is generated from these classes and nothing else.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rules.errors import InvalidRule
from rules.fields import MAX_TEXT
from rules.model import Verdict
from rules.rule import Rule, load_rule

MAX_CLAIMS = 100
MAX_ID = 100
VERDICTS = tuple(verdict.value for verdict in Verdict)


def _date(**kwargs) -> fields.String:
    """Return a field for an ISO date that the engine has already written as text."""
    return fields.String(metadata={"format": "date", **kwargs.pop("metadata", {})}, **kwargs)


RULES_KEPT = 1024  # validated rules kept per process, by their JSON text
_rules: dict[str, Rule] = {}


def _load_rule(value: object) -> Rule:
    """Return `load_rule(value)`, validating a rule written the same way as an earlier one only once."""
    # Requests often ask the same rule again (the engine then answers from its result cache), and
    # validating it was a tenth of such a request. JSON text tells apart what validation tells apart
    # (1, 1.0 and true; key order, which the rule keeps); a Rule is immutable, so it can be shared.
    if not isinstance(value, dict):
        return load_rule(value)
    try:
        key = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return load_rule(value)
    rule = _rules.get(key)
    if rule is None:
        rule = load_rule(value)
        if len(_rules) >= RULES_KEPT:
            _rules.pop(next(iter(_rules)), None)
        _rules[key] = rule
    return rule


class RuleField(fields.Field):
    """A structured rule, validated by `rules.rule.load_rule` against its kind's parameter schema."""

    def _deserialize(self, value, attr, data, **kwargs) -> Rule:
        try:
            return _load_rule(value)
        except InvalidRule as error:
            raise ValidationError(error.errors or str(error)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.to_dict() if isinstance(value, Rule) else value


class BoundedList(fields.List):
    """A list whose length is checked before its items are loaded, so an oversized list fails fast."""

    def __init__(self, inner, *, min_items: int, max_items: int, **kwargs):
        self.length = validate.Length(min_items, max_items)
        super().__init__(inner, validate=self.length, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            self.length(value)
        return super()._deserialize(value, attr, data, **kwargs)


# Requests


class ClaimInputSchema(Schema):
    """One claim to check: exactly one of a catalog claim id, a structured rule or free text."""

    claim_id = fields.String(
        validate=validate.Length(1, MAX_ID),
        metadata={"description": "A catalog claim, judged as of its article's date."},
    )
    rule = RuleField(metadata={"description": "A structured rule, as in the catalog's claims files."})
    text = fields.String(
        validate=validate.Length(1, MAX_TEXT),
        metadata={"description": "Free text (not parsed yet: unverifiable)."},
    )

    class Meta:
        openapi: ClassVar[dict] = {
            "minProperties": 1,
            "maxProperties": 1,
            "description": "Exactly one of claim_id, rule or text.",
        }

    @validates_schema
    def exactly_one(self, data, **kwargs):
        if len(data) != 1:
            raise ValidationError("give exactly one of claim_id, rule or text")


def _quick_claim(item: object) -> dict[str, Any] | None:
    """Return what ClaimInputSchema loads `item` as when it is one valid claim id, rule or text; else None."""
    if type(item) is not dict or len(item) != 1:
        return None
    ((key, value),) = item.items()
    if key == "rule":
        try:
            return {"rule": _load_rule(value)}
        except InvalidRule:
            return None
    limit = MAX_ID if key == "claim_id" else MAX_TEXT if key == "text" else 0
    return {key: value} if type(value) is str and 1 <= len(value) <= limit else None


class ChecksRequestSchema(Schema):
    """A batch of claims to check, answered in the same order."""

    claims = BoundedList(fields.Nested(ClaimInputSchema), min_items=1, max_items=MAX_CLAIMS, required=True)
    as_of = fields.Date(
        metadata={
            "description": "Judge as of this day (default: the article's "
            "publication date for catalog claims, else today)."
        }
    )
    save = fields.Boolean(
        load_default=False, metadata={"description": "Also store the results as a report with a permalink."}
    )

    def load(self, data, *, many=None, partial=None, unknown=None):
        """Load a request: the usual valid shapes directly, anything else through the schema."""
        # marshmallow's nested load was the largest part of a one-rule request after the web stack's own;
        # this returns exactly what it returns or declines, and the schema then loads or writes the
        # errors (tests/test_api_checks.py holds the two equal).
        if many is None and partial is None and unknown is None:
            loaded = self._quick_load(data)
            if loaded is not None:
                return loaded
        return super().load(data, many=many, partial=partial, unknown=unknown)

    def _quick_load(self, data: object) -> dict[str, Any] | None:
        if type(data) is not dict or not data.keys() <= {"claims", "as_of", "save"}:
            return None
        items = data.get("claims")
        if type(items) is not list or not 1 <= len(items) <= MAX_CLAIMS:
            return None
        options: dict[str, Any] = {}
        try:  # the options first: a request declined for them should not have its rules validated twice
            if "as_of" in data:
                options["as_of"] = self.fields["as_of"].deserialize(data["as_of"])
            options["save"] = self.fields["save"].deserialize(data["save"]) if "save" in data else False
        except ValidationError:
            return None
        claims = [_quick_claim(item) for item in items]
        return None if None in claims else {"claims": claims, **options}


class ClaimsQuerySchema(Schema):
    """Filters of the catalog listing."""

    article = fields.String(
        validate=validate.Length(1, MAX_ID), metadata={"description": "Only the claims of this article id."}
    )


class ClaimQuerySchema(Schema):
    """Options of a single catalog claim's check."""

    as_of = fields.Date(metadata={"description": "Judge as of this day (default: the article's date)."})


class FactsQuerySchema(Schema):
    """Filters of the reference facts listing."""

    entity = fields.String(validate=validate.Length(1, MAX_ID), metadata={"description": "Entity id."})
    property = fields.String(
        validate=validate.Length(1, MAX_ID), metadata={"description": "Property name, such as area."}
    )


# Responses


class SourceSchema(Schema):
    """Where a value came from, and when it was read."""

    id = fields.String(required=True)
    url = fields.String(required=True, metadata={"format": "iri"})
    title = fields.String(required=True)
    publisher = fields.String(required=True)
    published = fields.String(allow_none=True)
    retrieved = _date(required=True)
    licence = fields.String(required=True)


class FactValueSchema(Schema):
    """One sourced value of a reference fact."""

    fact = fields.String(required=True)
    value_ref = fields.String(required=True)
    entity = fields.String(required=True)
    property = fields.String(required=True)
    value = fields.String(required=True, metadata={"description": "The value as a reader would write it."})
    kind = fields.String(required=True)
    approximate = fields.Boolean(required=True)
    qualifier = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    preferred = fields.Boolean(required=True)
    preferred_reason = fields.String(required=True)
    quote = fields.String(required=True)
    source = fields.Nested(SourceSchema, required=True)


class EvidenceSchema(FactValueSchema):
    """A reference value the verdict considered, with its provenance."""

    used_in_verdict = fields.Boolean(required=True)


class StepSchema(Schema):
    """One line of the arithmetic."""

    label = fields.String(required=True)
    expression = fields.String(required=True)
    result = fields.String(required=True)


class SpanSchema(Schema):
    """A closed range of numbers (with a unit) or ISO dates; null marks an open end."""

    low = fields.Raw(required=True, allow_none=True, metadata={"type": ["number", "string"]})
    high = fields.Raw(required=True, allow_none=True, metadata={"type": ["number", "string"]})
    unit = fields.String(required=True)


class BoundsSchema(Schema):
    """What the claim allows and what the reference data shows."""

    claimed = fields.Nested(SpanSchema, allow_none=True)
    reference = fields.Nested(SpanSchema, allow_none=True)


class ChoiceSchema(Schema):
    """One reference value in an alternative choice."""

    field = fields.String(required=True)
    value_ref = fields.String(required=True)
    value = fields.String(required=True)
    publisher = fields.String(required=True)
    url = fields.String(required=True)


class SensitivitySchema(Schema):
    """Another choice of reference values that gives a different verdict."""

    values = fields.List(fields.Nested(ChoiceSchema), required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    reason = fields.String(required=True)


class RatingSchema(Schema):
    """The verdict on the published 1 to 5 scale."""

    value = fields.Integer(required=True)
    best = fields.Integer(required=True)
    worst = fields.Integer(required=True)
    label = fields.String(required=True)


class ArticleSchema(Schema):
    """A published article whose claims are in the catalog."""

    id = fields.String(required=True)
    title = fields.String(required=True)
    publisher = fields.String(required=True)
    published = _date(required=True)
    url = fields.String(allow_none=True, metadata={"format": "iri"})
    language = fields.String(required=True)
    timezone = fields.String(allow_none=True)
    licence = fields.String(required=True)


class ClaimRefSchema(Schema):
    """The catalog claim a result is about."""

    id = fields.String(required=True)
    quote = fields.String(required=True)
    article = fields.Nested(ArticleSchema, required=True)


class TextInputSchema(Schema):
    """The free text a result is about."""

    text = fields.String(required=True)


class ResultSchema(Schema):
    """A verdict with everything needed to see why: the rule, the arithmetic and the sources."""

    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    reason = fields.String(required=True)
    rule = fields.Dict(required=True, metadata={"description": "The rule as it was given."})
    computation = fields.List(fields.Nested(StepSchema), required=True)
    bounds = fields.Nested(BoundsSchema, required=True)
    holds_by_rounding = fields.Boolean(required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    records = fields.List(
        fields.Dict(), required=True, metadata={"description": "Dataset records the rule kind used."}
    )
    robust = fields.Boolean(
        required=True, metadata={"description": "Whether every choice of sources agrees."}
    )
    sensitivity = fields.List(fields.Nested(SensitivitySchema), required=True)
    as_of = _date(required=True)
    snapshot = fields.String(required=True, metadata={"description": "Reference snapshot id."})
    rating = fields.Nested(RatingSchema, required=True)


class CheckResultSchema(ResultSchema):
    """A result in a batch: for a catalog claim with the claim, for free text with the input."""

    claim = fields.Nested(ClaimRefSchema)
    input = fields.Nested(TextInputSchema)
    understood = fields.Dict(
        metadata={"description": "Free text: what the parser read (entity, property, relation, value, ...)."}
    )
    also = fields.List(
        fields.Nested(lambda: CheckResultSchema(exclude=("also",))),
        metadata={"description": "Free text: further claims found in the same text."},
    )


class SavedReportSchema(Schema):
    """Where a saved batch of results can be read again."""

    id = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The report's API URL."})
    html = fields.String(required=True, metadata={"description": "The report's page."})


class ChecksResponseSchema(Schema):
    """The results of a batch, in request order."""

    results = fields.List(fields.Nested(CheckResultSchema), required=True)
    report = fields.Nested(
        SavedReportSchema, metadata={"description": "The stored report, when the request asked to save."}
    )


class CatalogClaimSchema(Schema):
    """A checkable claim of an article: its quote, where it is, and its rule."""

    id = fields.String(required=True)
    article = fields.String(required=True, metadata={"description": "Article id."})
    quote = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    rule = fields.Dict(required=True)
    note = fields.String(required=True)
    ground_truth = fields.Dict(required=True)


class ClaimListSchema(Schema):
    """Catalog claims in text order."""

    claims = fields.List(fields.Nested(CatalogClaimSchema), required=True)


class ClaimDetailSchema(Schema):
    """A catalog claim, its article and its verdict against the loaded snapshot."""

    claim = fields.Nested(CatalogClaimSchema, required=True)
    article = fields.Nested(ArticleSchema, required=True)
    result = fields.Nested(ResultSchema, required=True)


class FactSchema(Schema):
    """A property of an entity with every sourced value found for it."""

    id = fields.String(required=True)
    entity = fields.String(required=True)
    property = fields.String(required=True)
    description = fields.String(required=True)
    values = fields.List(fields.Nested(FactValueSchema), required=True)


class FactListSchema(Schema):
    """Reference facts."""

    facts = fields.List(fields.Nested(FactSchema), required=True)


class SnapshotFileSchema(Schema):
    """One data file of the snapshot and its hash."""

    name = fields.String(required=True)
    sha256 = fields.String(required=True)


class StatusSchema(Schema):
    """The loaded reference snapshot: id, files, sources with retrieval dates, and age."""

    snapshot = fields.String(required=True)
    files = fields.List(fields.Nested(SnapshotFileSchema), required=True)
    retrieved = _date(required=True, metadata={"description": "Oldest retrieval date of any source."})
    age_days = fields.Integer(required=True)
    facts = fields.Integer(required=True)
    statements = fields.Integer(required=True)
    launches = fields.Integer(required=True)
    sources = fields.List(fields.Nested(SourceSchema), required=True)
    loaded_from = fields.Dict(
        metadata={"description": "Where the snapshot was loaded from, and whether loading fell back."}
    )


class RefreshRequestSchema(Schema):
    """Which live sources to refresh, and whether only to show what would change."""

    source = fields.String(load_default="all", validate=validate.OneOf(["all", "wikidata", "gcat"]))
    dry_run = fields.Boolean(load_default=False)


class RefreshReportSchema(Schema):
    """What a refresh fetched, wrote, and changed (facts, launch rows, catalog verdicts)."""

    sources = fields.List(fields.String(), required=True)
    dry_run = fields.Boolean(required=True)
    snapshot = fields.String(required=True)
    folder = fields.String(allow_none=True)
    previous = fields.Dict(required=True)
    fetched = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    notes = fields.List(fields.String(), required=True)
    diff = fields.Dict(required=True)


class HealthSchema(Schema):
    """Liveness, with the snapshot and catalog the process serves."""

    status = fields.String(required=True)
    snapshot = fields.String(required=True)
    claims = fields.Integer(required=True)


class ProblemItemSchema(Schema):
    """One failing field: a JSON pointer into the body (or a query parameter) and a message."""

    pointer = fields.String(metadata={"description": "RFC 6901 pointer into the request body."})
    parameter = fields.String(metadata={"description": "Query parameter name."})
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """An RFC 9457 problem document (`application/problem+json`)."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ProblemItemSchema))
