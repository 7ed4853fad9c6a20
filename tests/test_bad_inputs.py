"""The bad input catalogue (tests/bad_inputs.yaml): each case is a quick 4xx problem, and the API stays up."""

import json
import logging
import time
from pathlib import Path

import pytest
import yaml

from service import create_app

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "bad_inputs.yaml").read_text(encoding="utf-8"))["cases"]
PREFIX = "urn:claimcheck:problem:"
BUDGET_S = 0.050
QUANTITY = {"kind": "quantity", "fact": "vostochny.area", "relation": "about"}


def _generated(spec: str) -> bytes:
    """Return the body a `generate: name:argument` case names (see the catalogue's header)."""
    name, _, argument = spec.partition(":")
    size = int(argument)
    if name == "digits":
        rule = json.dumps({**QUANTITY, "value": {"value": 0, "unit": "km**2"}})
        return (
            '{"claims": [{"rule": ' + rule.replace('"value": 0', '"value": ' + "9" * size) + "}]}"
        ).encode()
    if name == "nested":
        return ("[" * size + "]" * size).encode()
    if name == "nested_objects":
        return ('{"a":' * size + "1" + "}" * size).encode()
    if name == "bytes":
        return json.dumps({"claims": [{"text": "a" * size}]}).encode()
    if name == "claims":
        return json.dumps({"claims": [{"text": "Vostochny covers 550 km²."}] * size}).encode()
    if name == "keys":
        return json.dumps({"claims": [{f"k{i}": i for i in range(size)}]}).encode()
    if name == "text":
        sentence = "Vostochny covers 550 km². "
        return json.dumps({"claims": [{"text": (sentence * (size // len(sentence) + 1))[:size]}]}).encode()
    if name == "article_text":
        return json.dumps({"title": "t", "text": "a" * size, "published": "2023-09-13"}).encode()
    if name == "unit":
        return json.dumps(
            {"claims": [{"rule": {**QUANTITY, "value": {"value": 1, "unit": "m" * size}}}]}
        ).encode()
    if name == "invalid_utf8":
        return b'{"claims": [{"text": "\xff\xfe"}]}'
    raise ValueError(f"unknown generator {name!r}")


def _request(case: dict) -> dict:
    """Return the test client arguments for a case: method, path, body bytes and headers."""
    headers = {"Content-Type": "application/json"}
    for key, value in (case.get("headers") or {}).items():
        if value is None:
            headers.pop(key, None)
        else:
            headers[key] = value
    if "generate" in case:
        data = _generated(case["generate"])
    elif "raw" in case:
        data = case["raw"].encode()
    elif "json" in case:
        data = json.dumps(case["json"], ensure_ascii=False).encode()
    else:
        data = None
        headers.pop("Content-Type")
    return {"method": case["method"], "path": case["path"], "data": data, "headers": headers}


@pytest.fixture(scope="module")
def bad_input_client(tmp_path_factory):
    """One app for every case (test snapshot and catalog, empty database), warmed up once; read-only."""
    logging.getLogger("claimcheck.access").disabled = True
    folder = tmp_path_factory.mktemp("bad-inputs")
    app = create_app(
        {
            "TESTING": True,
            "REFERENCE_DIR": str(HERE / "data" / "snapshot"),
            "CATALOG_DIR": str(HERE / "data" / "catalog"),
            "DATABASE_URL": f"sqlite:///{folder / 'reports.db'}",
            "ADMIN_TOKEN": "not-sent-by-any-case",
        }
    )
    client = app.test_client()
    # The first call of each kind pays for lazy set-up (schemas, time zones, the parser's index).
    client.post("/v1/checks", json={"claims": [{"text": "Vostochny covers 550 km²."}]})
    client.post("/v1/checks", json={"claims": []})
    client.post(
        "/v1/articles", json={"title": "t", "text": "x", "published": "2023-02-30", "url": "javascript:0"}
    )
    client.get("/v1/reports?page=0")
    client.get("/v1/reports/aaaaaaaaaaaaaaaa")
    yield client
    logging.getLogger("claimcheck.access").disabled = False


def test_the_catalogue_has_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({case["name"] for case in CASES}) == len(CASES), "case names must be unique"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_input_is_a_quick_problem(bad_input_client, case):
    request = _request(case)
    started = time.perf_counter()
    response = bad_input_client.open(
        request["path"], method=request["method"], data=request["data"], headers=request["headers"]
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == case["status"], response.get_data(as_text=True)[:500]
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    problem = json.loads(response.get_data(as_text=True))
    assert problem["status"] == case["status"] and problem["title"] and problem["detail"]
    if "type" in case:
        assert problem["type"] == PREFIX + case["type"]
    assert elapsed < BUDGET_S, f"{case['name']}: {elapsed * 1000:.1f} ms"
    health = bad_input_client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
