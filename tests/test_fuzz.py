"""Fuzzing: schemathesis against the app's own OpenAPI document, in process, with every default check.

Each operation gets CLAIMCHECK_FUZZ_EXAMPLES examples (200 in `make test`, 1,000 in `make soak`):
no 5xx, every response in its documented status, content type, headers and schema, schema-invalid
requests refused, and schema-valid requests accepted, except where the document cannot say what the
engine checks (listed in SEMANTIC below, each with its reason). `make test` draws the same examples
every run; set CLAIMCHECK_FUZZ_RANDOM=1 (as `make soak` does) for new ones.
"""

import logging
import os
import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData

from service import create_app, openapi

DATA = Path(__file__).parent / "data"

EXAMPLES = int(os.environ.get("CLAIMCHECK_FUZZ_EXAMPLES", "200"))
RANDOM = os.environ.get("CLAIMCHECK_FUZZ_RANDOM") == "1"

# A body over the size limit is refused with 413 before it is read (documented on every operation
# with a body); schemathesis does not count 413 as a refusal of invalid data unless told.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, "5xx"]
            }
        }
    }
)
# The committed document, which tests/test_api_docs.py holds equal to what the app serves.
schema = schemathesis.openapi.from_path(str(openapi.COMMITTED), config=CONFIG)

# Refusals of schema-valid requests that JSON Schema cannot express: message pattern -> why.
SEMANTIC = {
    r"^Not a valid integer\.$": "integers are strict: 75.0 is refused, though JSON Schema calls it an integer",
    r"^(month must be|day is out of range|year must be|year \d+ is out of range)": "a real calendar date",
    r"^Not a valid date\.$": "a real date in years 1 to 9999 (format: date allows 0000-01-01 and 2023-02-30)",
    r"^unknown unit ": "a unit of the unit registry (the pattern gives only its form)",
    r"^must be a length$": "a distance in a unit of length",
    r"^must be an IANA time-zone name": "a time-zone name of the tz database",
    r"^Not a valid URL\.$": "a web address with a host (format: iri allows any IRI)",
    # Fields that depend on each other (JSON Schema could say so only with if/then per kind).
    r"^is (required|not used) with '": "location: region, target and distance go with the relation",
    r"^'high' is required with 'between' and only with it$": "a range's upper end goes with 'between'",
    r"^'value' is required with 'relation'$": "count: a value goes with a relation",
    r"^give either 'quantifier' or 'relation' with 'value'$": "share: one of two ways to state it",
    r"^give 'speaker', 'reported_by' or both$": "attribution: at least one of two optional fields",
    r"^at least one of years, months and days must be above zero$": "interval: a duration above zero",
    r"^'between' is not supported for intervals$": "interval: a relation the kind does not use",
    r"^'tolerance_minutes' is only allowed with 'time'$": "date: a tolerance goes with a time",
    r"^'time' needs relation 'on' or 'in' and a date written YYYY-MM-DD$": "date: a time goes with a day",
}
_SEMANTIC = re.compile("|".join(f"(?:{pattern})" for pattern in SEMANTIC))


@pytest.fixture
def fuzz_app(tmp_path):
    """The service on the test snapshot and catalog with an empty database; admin endpoints closed."""
    logging.getLogger("claimcheck.access").disabled = True  # thousands of requests: keep the output short
    yield create_app(
        {
            "TESTING": True,
            "REFERENCE_DIR": str(DATA / "snapshot"),
            "CATALOG_DIR": str(DATA / "catalog"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'reports.db'}",
            "ADMIN_TOKEN": None,  # refresh and delete refuse everyone: no network, nothing deleted
        }
    )
    logging.getLogger("claimcheck.access").disabled = False


def _semantic_refusal(failure, response) -> bool:
    """Whether a rejected schema-valid request was refused only for reasons the document cannot state."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return False
    problem = response.json()
    if problem.get("type") != "urn:claimcheck:problem:validation-error" or not problem.get("errors"):
        return False
    return all(_SEMANTIC.search(item["message"]) for item in problem["errors"])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_documented_contract(fuzz_app, case):
    response = case.call(app=fuzz_app)
    assert response.status_code < 500, response.text
    try:
        case.validate_response(response, transport_kwargs={"app": fuzz_app})
    except FailureGroup as group:
        if not all(_semantic_refusal(failure, response) for failure in group.exceptions):
            raise
