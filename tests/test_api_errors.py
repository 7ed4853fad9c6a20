"""Every error case of the API answers a quick RFC 9457 problem, never a 500 or a hang."""

import json
import time

import pytest
from flask import abort
from werkzeug.exceptions import default_exceptions

from rules.errors import CatalogError, ClaimcheckError, UnknownClaim, UnsafeQuantity
from service.errors import ERROR_TABLE, Problem
from service.jsonparse import InvalidJSON, JSONTooDeep, NumberTooLarge, loads

PREFIX = "urn:claimcheck:problem:"
QUANTITY = {"kind": "quantity", "fact": "vostochny.area", "relation": "about"}


def _rule(**value):
    return {"claims": [{"rule": {**QUANTITY, "value": value}}]}


def _raw(text: str, content_type: str = "application/json"):
    return {"data": text.encode(), "content_type": content_type}


# name, request keyword arguments, status, problem type, pointer of the first error (None: no list)
CASES = [
    (
        "unit tower",
        {"json": _rule(value=1, unit="9**9**9 m")},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule/value/unit",
    ),
    (
        "unit too long",
        {"json": _rule(value=1, unit="m" * 41)},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule/value/unit",
    ),
    (
        "unit expression",
        {"json": _rule(value=1, unit="__import__('os')")},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule/value/unit",
    ),
    (
        "NaN",
        _raw('{"claims": [{"rule": {"kind": "quantity", "value": {"value": NaN}}}]}'),
        400,
        PREFIX + "invalid-json",
        None,
    ),
    ("Infinity", _raw('{"claims": [], "x": -Infinity}'), 400, PREFIX + "invalid-json", None),
    (
        "float overflow",
        _raw('{"claims": [{"text": "x"}], "n": 1e999}'),
        422,
        PREFIX + "number-too-large",
        None,
    ),
    ("nesting 10,000 deep", _raw("[" * 10_000 + "]" * 10_000), 422, PREFIX + "json-too-deep", None),
    ("objects 10,000 deep", _raw('{"a":' * 10_000 + "1" + "}" * 10_000), 422, PREFIX + "json-too-deep", None),
    (
        "5,000-digit number",
        _raw(
            '{"claims": [{"rule": {"kind": "quantity", "value": {"value": '
            + "9" * 5000
            + ', "unit": "m"}}}]}'
        ),
        422,
        PREFIX + "number-too-large",
        None,
    ),
    (
        "value out of range",
        {"json": _rule(value=10**16, unit="m")},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule/value/value",
    ),
    ("101 claims", {"json": {"claims": [{"text": "x"}] * 101}}, 422, PREFIX + "validation-error", "/claims"),
    ("no claims", {"json": {"claims": []}}, 422, PREFIX + "validation-error", "/claims"),
    ("claims missing", {"json": {"as_of": "2023-09-13"}}, 422, PREFIX + "validation-error", "/claims"),
    (
        "unknown field",
        {"json": {"claims": [{"text": "x"}], "verbose": True}},
        422,
        PREFIX + "validation-error",
        "/verbose",
    ),
    (
        "unknown field in a claim",
        {"json": {"claims": [{"text": "x", "lang": "en"}]}},
        422,
        PREFIX + "validation-error",
        "/claims/0/lang",
    ),
    (
        "unknown field in a rule",
        {"json": _rule(value=1, unit="m", extra=1)},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule/value/extra",
    ),
    (
        "unknown rule kind",
        {"json": {"claims": [{"rule": {"kind": "horoscope"}}]}},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule/kind",
    ),
    (
        "rule not an object",
        {"json": {"claims": [{"rule": [1]}]}},
        422,
        PREFIX + "validation-error",
        "/claims/0/rule",
    ),
    (
        "two inputs in a claim",
        {"json": {"claims": [{"text": "x", "claim_id": "y"}]}},
        422,
        PREFIX + "validation-error",
        "/claims/0",
    ),
    ("empty claim", {"json": {"claims": [{}]}}, 422, PREFIX + "validation-error", "/claims/0"),
    (
        "text of 3,000 characters",
        {"json": {"claims": [{"text": "a" * 3000}]}},
        422,
        PREFIX + "validation-error",
        "/claims/0/text",
    ),
    (
        "as_of not a real date",
        {"json": {"claims": [{"text": "x"}], "as_of": "2023-02-30"}},
        422,
        PREFIX + "validation-error",
        "/as_of",
    ),
    (
        "as_of year 0",
        {"json": {"claims": [{"text": "x"}], "as_of": "0000-01-01"}},
        422,
        PREFIX + "validation-error",
        "/as_of",
    ),
    (
        "as_of year 10000",
        {"json": {"claims": [{"text": "x"}], "as_of": "10000-01-01"}},
        422,
        PREFIX + "validation-error",
        "/as_of",
    ),
    ("body not an object", {"json": [1, 2]}, 422, PREFIX + "validation-error", ""),
    ("malformed JSON", _raw('{"claims": ['), 400, PREFIX + "invalid-json", None),
    ("empty body", _raw(""), 400, PREFIX + "invalid-json", None),
    (
        "not UTF-8",
        {"data": b'{"claims": "\xff"}', "content_type": "application/json"},
        400,
        PREFIX + "invalid-json",
        None,
    ),
    (
        "object with 33 keys",
        _raw('{"claims": [{' + ", ".join(f'"k{i}": 1' for i in range(33)) + "}]}"),
        422,
        PREFIX + "too-many-keys",
        None,
    ),
    ("wrong content type", _raw('{"claims": [{"text": "x"}]}', "text/plain"), 415, "about:blank", None),
    ("no content type", {"data": b'{"claims": [{"text": "x"}]}'}, 415, "about:blank", None),
    (
        "body over the limit",
        _raw('{"claims": [{"text": "' + "a" * 300_000 + '"}]}'),
        413,
        "about:blank",
        None,
    ),
    (
        "unknown claim id",
        {"json": {"claims": [{"text": "x"}, {"claim_id": "no-such-claim"}]}},
        404,
        PREFIX + "unknown-claim",
        "/claims/1/claim_id",
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "status", "problem_type", "first_pointer"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_error_case_is_a_quick_problem(client, kwargs, status, problem_type, first_pointer):
    started = time.perf_counter()
    response = client.post("/v1/checks", **kwargs)
    elapsed = time.perf_counter() - started
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = json.loads(response.get_data(as_text=True))
    assert problem["type"] == problem_type
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    if first_pointer is None:
        assert "errors" not in problem
    else:
        assert problem["errors"][0]["pointer"] == first_pointer
        assert all(set(item) == {"pointer", "message"} for item in problem["errors"])
    assert elapsed < 0.5  # answered within ~50 ms here; generous against noisy machines


def test_unknown_claim_names_the_id(client):
    response = client.post("/v1/checks", json={"claims": [{"claim_id": "no-such-claim"}]})
    assert "no-such-claim" in response.get_json(force=True)["detail"]


def test_query_errors_name_the_parameter(client):
    response = client.get("/v1/reference/facts?entity=naro&colour=red")
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"] == [{"parameter": "colour", "message": "Unknown field."}]


def test_unknown_route_and_method_are_problems(client):
    missing = client.get("/v2/checks")
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    wrong = client.delete("/v1/checks")
    assert (wrong.status_code, wrong.mimetype) == (405, "application/problem+json")
    assert "POST" in wrong.headers["Allow"]


def test_every_http_error_code_is_a_problem(app):
    app.add_url_rule("/fail/<int:code>", "fail", lambda code: abort(code))
    client = app.test_client()
    for code in sorted(default_exceptions):
        response = client.get(f"/fail/{code}")
        assert response.status_code == code
        assert response.mimetype == "application/problem+json"
        problem = response.get_json(force=True)
        assert (problem["type"], problem["status"]) == ("about:blank", code)
        assert problem["title"] and problem["detail"]


def test_a_bug_is_a_500_problem_that_reveals_nothing(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert (response.status_code, response.mimetype) == (500, "application/problem+json")
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (UnknownClaim("no catalog claim 'x'"), 404),
        (UnsafeQuantity("unit refused"), 422),
        (CatalogError("claims.yaml: broken"), 500),
        (ClaimcheckError("anything else"), 500),
        (InvalidJSON("bad"), 400),
        (JSONTooDeep("deep"), 422),
        (NumberTooLarge("big"), 422),
    ],
)
def test_error_table(error, status):
    problem = Problem.from_error(error)
    assert problem.status == status
    assert problem.type.startswith(PREFIX)
    if status == 500:
        assert str(error) not in problem.detail


def test_error_table_covers_every_domain_error():
    import rules.errors

    domain = {
        cls
        for cls in vars(rules.errors).values()
        if isinstance(cls, type) and issubclass(cls, ClaimcheckError)
    }
    assert domain <= set(ERROR_TABLE)


def test_strict_parser_accepts_ordinary_json():
    assert loads(b'{"a": [1, 2.5, -3e2, "[{"], "b": {"c": null}}') == {
        "a": [1, 2.5, -300.0, "[{"],
        "b": {"c": None},
    }
    assert loads("[" * 32 + "]" * 32) is not None
    with pytest.raises(JSONTooDeep):
        loads("[" * 33 + "]" * 33)
