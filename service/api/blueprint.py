"""The Blueprint every API module uses: strict JSON bodies, no unknown parameters, stable docs."""

from __future__ import annotations

from typing import ClassVar

import flask_smorest
from flask import current_app
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnsupportedMediaType

from service import jsonparse

VALIDATION_RESPONSE = "ValidationProblem"


class StrictParser(FlaskParser):
    """Reads bodies with the strict JSON parser and refuses unknown fields in every location."""

    # None defers to each schema's own `unknown`, which is RAISE (marshmallow's default).
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict[str, str | None]] = {
        location: None for location in FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION
    }

    def _raw_load_json(self, req):
        if not core.is_json(req.mimetype):
            raise UnsupportedMediaType(
                f"Send the body as application/json (got {req.mimetype or 'no content type'})."
            )
        return jsonparse.loads(req.get_data(cache=True), current_app.config["MAX_JSON_DEPTH"])


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint with the strict parser and a Python-independent 422 response name."""

    ARGUMENTS_PARSER = StrictParser()

    def alt_response(self, *args, **kwargs):
        """Document another response of a view, as flask-smorest does, without wrapping the view."""
        # flask-smorest's wrapper only calls the view again through `ensure_sync`, which inspects it
        # for a coroutine on every request: four of them were a twentieth of POST /v1/checks.
        document = super().alt_response(*args, **kwargs)

        def decorator(view):
            view._apidoc = document(view)._apidoc
            return view

        return decorator

    def _prepare_arguments_doc(self, doc, doc_info, **kwargs):
        # flask-smorest names the 422 response after http.HTTPStatus, whose name changed in Python
        # 3.13 (UNPROCESSABLE_ENTITY -> UNPROCESSABLE_CONTENT); pin ours so the document is stable.
        doc = super()._prepare_arguments_doc(doc, doc_info, **kwargs)
        if 422 in doc.get("responses", {}):
            doc["responses"][422] = VALIDATION_RESPONSE
        return doc
