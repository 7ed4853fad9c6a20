"""The HTTP API: one Api subclass where flask-smorest is customised, and the tuple of blueprints.

Customised here and only here: errors become RFC 9457 problem+json, the OpenAPI document shows every
rule kind's parameters, and Swagger UI is served from a PyPI package's files (no CDN).
"""

from __future__ import annotations

from pathlib import Path

import flask
import flask_smorest
import flask_swagger_ui
from apispec.ext.marshmallow import MarshmallowPlugin as BaseMarshmallowPlugin
from apispec.ext.marshmallow import OpenAPIConverter
from werkzeug.exceptions import HTTPException

from rules.fields import Number, PartialDate
from rules.kinds import KINDS
from rules.units import MAX_ABS_VALUE
from service.api import articles, bench, checks, claims, health, reference, reports
from service.errors import ERROR_TABLE, PROBLEM_MIMETYPE, Problem
from service.schemas import ProblemSchema, RuleField

BLUEPRINTS = (checks.blp, articles.blp, claims.blp, reference.blp, reports.blp, health.blp)

SETTINGS = {
    "API_TITLE": "claimcheck",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    # Relative, so the page also works when the app is mounted below a path prefix.
    "OPENAPI_SWAGGER_UI_URL": "docs/assets/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Fact-checks the checkable claims of news articles and shows its "
            "work: every verdict comes with the rule, the arithmetic and the "
            "sources. Errors are RFC 9457 problem details."
        },
    },
}
SWAGGER_UI_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
PARTIAL_DATE_FORM = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"  # YYYY, YYYY-MM or YYYY-MM-DD

# Reusable responses, all application/problem+json; `Problem` is every operation's default.
PROBLEM_RESPONSES = {
    "Problem": "An RFC 9457 problem (any other 4xx or 5xx).",
    "MalformedJSON": "The body is not well-formed JSON (syntax, encoding, NaN or Infinity).",
    "NotFound": "No such claim or fact; `detail` names the id.",
    "ContentTooLarge": "The body is larger than the server accepts.",
    "UnsupportedMediaType": "The body is not application/json.",
    "ValidationProblem": "The request failed validation; `errors` lists a JSON pointer (or query "
    "parameter) and a message per failing field.",
}


class Converter(OpenAPIConverter):
    """Adds a schema's `Meta.openapi` keywords (such as minProperties) to its JSON schema."""

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        jsonschema.update(getattr(getattr(schema, "Meta", None), "openapi", {}))
        return jsonschema


class MarshmallowPlugin(BaseMarshmallowPlugin):
    """apispec's marshmallow plugin with our converter."""

    Converter = Converter


def bounds2properties(self, field, ret, **kwargs) -> dict:
    """Document what the engine accepts of numbers (finite, within 1e15) and partial dates."""
    if isinstance(field, Number):  # a field's own range, if narrower, stays
        return {
            "minimum": max(ret.get("minimum", -MAX_ABS_VALUE), -MAX_ABS_VALUE),
            "maximum": min(ret.get("maximum", MAX_ABS_VALUE), MAX_ABS_VALUE),
        }
    if isinstance(field, PartialDate):
        return {"pattern": PARTIAL_DATE_FORM}
    return {}


def rule2properties(self, field, **kwargs) -> dict:
    """Document a rule field as a oneOf over every kind's parameters, told apart by `kind`."""
    if not isinstance(field, RuleField):
        return {}
    mapping = {}
    for name, kind in KINDS.items():
        component = "".join(part.title() for part in name.split("_")) + "Rule"
        if component not in self.spec.components.schemas:
            params = self.schema2jsonschema(kind.params)
            params["properties"] = {"kind": {"type": "string", "const": name}, **params.get("properties", {})}
            params["required"] = ["kind", *params.get("required", [])]
            self.spec.components.schema(component, {"description": kind.summary, **params})
        mapping[name] = f"#/components/schemas/{component}"
    return {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    }


class Api(flask_smorest.Api):
    """flask-smorest's Api with problem+json errors, documented problems and offline Swagger UI."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "Problem"

    def _init_spec(self, *, marshmallow_plugin=None, **kwargs):
        super()._init_spec(marshmallow_plugin=marshmallow_plugin or MarshmallowPlugin(), **kwargs)
        self.ma_plugin.map_to_openapi_type(Number, "number", None)
        self.ma_plugin.map_to_openapi_type(PartialDate, "string", None)
        self.ma_plugin.converter.add_attribute_function(bounds2properties)
        self.ma_plugin.converter.add_attribute_function(rule2properties)

    def _register_responses(self):
        for name, description in PROBLEM_RESPONSES.items():
            content = {PROBLEM_MIMETYPE: {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(name, {"description": description, "content": content}, lazy=True)

    def _register_etag_headers(self):
        """Register nothing: the API uses no ETags."""

    def _register_pagination_header(self):
        """Register nothing: the API does not paginate."""

    def _register_doc_blueprint(self):
        super()._register_doc_blueprint()
        assets = flask.Blueprint(
            "swagger_ui_assets", __name__, static_folder=SWAGGER_UI_ASSETS, static_url_path="/docs/assets"
        )
        self._app.register_blueprint(assets)

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(Problem, self.handle_problem)
        for error_class in ERROR_TABLE:
            self._app.register_error_handler(error_class, self.handle_error)

    def handle_http_exception(self, error: HTTPException):
        """Answer a werkzeug HTTP error (and webargs' validation errors) with a problem."""
        return Problem.from_http(error).response()

    def handle_problem(self, problem: Problem):
        """Answer a Problem raised by a view."""
        return problem.response()

    def handle_error(self, error: Exception):
        """Answer a domain or JSON error with the problem ERROR_TABLE gives for its class."""
        return Problem.from_error(error).response()


def init_app(app: flask.Flask) -> Api:
    """Set the API's defaults, create its Api and register every blueprint; needs no data."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    if app.config.get("BENCH_ECHO"):  # benchmarks only: served and documented only when asked for
        api.register_blueprint(bench.blp)
    return api
