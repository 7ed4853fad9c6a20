"""RFC 9457 problem details: every 4xx and 5xx answer is `application/problem+json`.

One table maps error classes (the domain's, from `rules.errors`, and the strict JSON parser's) to a
status, a problem type and a title; the most specific class listed wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from flask import Response, current_app
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from claims.article_check import UnsupportedLanguage
from rules.errors import (
    CatalogError,
    ClaimcheckError,
    InvalidRule,
    ReferenceDataError,
    UnknownClaim,
    UnknownFact,
    UnknownRuleKind,
    UnsafeQuantity,
)
from service.jsonparse import InvalidJSON, JSONTooDeep, NumberTooLarge, TooManyKeys
from service.refresh.errors import InvalidPayload, RefreshInProgress, SourceUnavailable
from service.reports import InvalidReport

PROBLEM_MIMETYPE = "application/problem+json"

TYPE_PREFIX = "urn:claimcheck:problem:"
MAX_ERRORS = 100


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its HTTP status, the last part of its type URI, and its title."""

    status: int
    slug: str
    title: str
    detail: str | None = None  # said instead of the error's message, which may hold internals
    retry_after: int | None = None  # seconds, for a Retry-After header

    @property
    def uri(self) -> str:
        """Return the problem type URI."""
        return f"{TYPE_PREFIX}{self.slug}"


ERROR_TABLE: dict[type[Exception], ProblemType] = {
    UnknownClaim: ProblemType(404, "unknown-claim", "Unknown claim"),
    UnknownFact: ProblemType(404, "unknown-fact", "Unknown reference fact"),
    InvalidRule: ProblemType(422, "invalid-rule", "Invalid rule"),
    UnknownRuleKind: ProblemType(422, "unknown-rule-kind", "Unknown rule kind"),
    UnsafeQuantity: ProblemType(422, "unsafe-quantity", "Number or unit refused"),
    InvalidJSON: ProblemType(400, "invalid-json", "Malformed JSON"),
    JSONTooDeep: ProblemType(422, "json-too-deep", "JSON nested too deep"),
    NumberTooLarge: ProblemType(422, "number-too-large", "Number too large"),
    TooManyKeys: ProblemType(422, "too-many-keys", "Object with too many keys"),
    UnsupportedLanguage: ProblemType(422, "unsupported-language", "Language not supported"),
    InvalidReport: ProblemType(422, "invalid-report", "Invalid report"),
    RefreshInProgress: ProblemType(409, "refresh-in-progress", "A refresh is already running"),
    InvalidPayload: ProblemType(502, "invalid-payload", "A source sent data in the wrong format"),
    SourceUnavailable: ProblemType(502, "source-unavailable", "A source could not be reached"),
    # The report database refused a connection or a write (down, locked, read-only, disk full).
    OperationalError: ProblemType(
        503,
        "database-unavailable",
        "Report store unavailable",
        detail="The report store cannot be reached or written to; try again in a few seconds. "
        "Checks that are not saved still work.",
        retry_after=5,
    ),
    ReferenceDataError: ProblemType(500, "reference-data-error", "Reference data is broken"),
    CatalogError: ProblemType(500, "catalog-error", "Claim catalog is broken"),
    ClaimcheckError: ProblemType(500, "internal-error", "Internal error"),
}
VALIDATION = ProblemType(422, "validation-error", "Invalid request")
# Problems of this status reveal nothing of the error's message (it may hold paths or internals).
_PRIVATE_STATUSES = frozenset({500})


class Problem(Exception):
    """An answer that is a problem: raise it anywhere in a request and it becomes the response."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type: str = "about:blank",
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.title, self.detail, self.type = status, title, detail, type
        self.errors = errors or []
        self.headers = dict(headers or {})

    @classmethod
    def from_error(cls, error: Exception, errors: list[dict[str, str]] | None = None) -> Problem:
        """Return the problem for a domain or JSON error, looked up in ERROR_TABLE."""
        kind = next(ERROR_TABLE[k] for k in type(error).__mro__ if k in ERROR_TABLE)
        detail = "The server failed on this request." if kind.status in _PRIVATE_STATUSES else str(error)
        headers = {"Retry-After": str(kind.retry_after)} if kind.retry_after else None
        return cls(
            kind.status, kind.title, kind.detail or detail, type=kind.uri, errors=errors, headers=headers
        )

    @classmethod
    def from_http(cls, error: HTTPException) -> Problem:
        """Return the problem for a werkzeug HTTP error (404 route, 405, 413, 415, 500, ...)."""
        data = getattr(error, "data", None) or {}
        if "messages" in data:  # webargs: the request failed its schema
            return cls.validation(_error_items(data["messages"]), headers=data.get("headers"))
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        detail = error.description or error.name
        if error.code in _PRIVATE_STATUSES:
            detail = "The server failed on this request."
        return cls(error.code or 500, error.name, detail, headers=headers)

    @classmethod
    def validation(cls, errors: Iterable[dict[str, str]], headers=None) -> Problem:
        """Return the 422 problem listing each failing field with its JSON pointer and message."""
        remaining = iter(errors)
        shown = list(islice(remaining, MAX_ERRORS))  # a flood of errors is counted, not listed
        total = len(shown) + sum(1 for _ in remaining)
        where = shown[0].get("pointer", shown[0].get("parameter", "")) if shown else ""
        first = f"{where or 'the body'}: {shown[0]['message']}" if shown else "the request is invalid"
        more = f" (and {total - 1} more)" if total > 1 else ""
        return cls(
            VALIDATION.status,
            VALIDATION.title,
            f"{first}{more}",
            type=VALIDATION.uri,
            errors=shown,
            headers=headers,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the problem document as plain JSON data."""
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        """Return the problem as an `application/problem+json` response."""
        response = current_app.response_class(
            current_app.json.dumps(self.to_dict()), status=self.status, mimetype=PROBLEM_MIMETYPE
        )
        response.headers.update(self.headers)
        return response


def pointer(path: tuple[str | int, ...]) -> str:
    """Return the RFC 6901 JSON pointer for a path of keys and indexes ("" is the whole body)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _messages(messages: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            yield from _messages(value, path if key == "_schema" else (*path, key))
    elif isinstance(messages, list | tuple):
        for message in messages:
            yield from _messages(message, path)
    else:
        yield path, str(messages)


def validation_items(messages: Any) -> Iterator[dict[str, str]]:
    """Turn marshmallow error messages (nested by field) into JSON pointer and message items."""
    return ({"pointer": pointer(path), "message": message} for path, message in _messages(messages))


def _error_items(messages: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Turn webargs messages ({location: marshmallow messages}) into pointer/message items."""
    for location, located in messages.items():
        if location not in ("query", "querystring"):
            yield from validation_items(located)
            continue
        for path, message in _messages(located):
            yield {"parameter": str(path[0]) if path else "", "message": message}
