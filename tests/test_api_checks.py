"""POST /v1/checks: catalog claims, structured rules and free text, answered in order with provenance."""

import contextlib
import datetime as dt
import json

import pytest

from claims.catalog import load_catalog
from claims.sentences import split_sentences
from rules.errors import InvalidRule
from rules.reference import load_snapshot
from rules.rule import load_rule
from rules.units import format_unit
from service.schemas import ChecksResponseSchema
from service.verdicts import check_all

LESS_THAN_500 = {
    "kind": "quantity",
    "fact": "vostochny.area",
    "relation": "less_than",
    "value": {"value": 500, "unit": "km**2"},
}
RESULT_KEYS = {
    "verdict",
    "reason",
    "rule",
    "computation",
    "bounds",
    "holds_by_rounding",
    "evidence",
    "records",
    "robust",
    "sensitivity",
    "as_of",
    "snapshot",
    "rating",
}


def _check(client, *claims, **extra):
    response = client.post("/v1/checks", json={"claims": list(claims), **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()["results"]


def test_structured_rule_that_is_false_is_inaccurate(client, app):
    [result] = _check(client, {"rule": LESS_THAN_500}, as_of="2023-09-13")
    assert set(result) >= RESULT_KEYS
    assert result["verdict"] == "inaccurate"
    assert result["rule"] == LESS_THAN_500
    assert result["as_of"] == "2023-09-13"
    assert result["snapshot"] == app.extensions["claimcheck"].snapshot.id
    assert result["rating"] == {"value": 1, "best": 5, "worst": 1, "label": "Inaccurate"}
    assert result["bounds"]["claimed"]["high"] == 500.0
    assert result["computation"] and all(step["result"] for step in result["computation"])
    assert "claim" not in result and "input" not in result


def test_every_result_carries_its_sources(client):
    [result] = _check(client, {"rule": LESS_THAN_500})
    assert result["evidence"]
    for item in result["evidence"]:
        source = item["source"]
        assert source["url"].startswith("https://")
        assert source["publisher"] and source["retrieved"] == "2026-11-26"
    assert [item["used_in_verdict"] for item in result["evidence"]] == [True, False]


def test_structured_rule_defaults_to_today(client):
    [result] = _check(client, {"rule": LESS_THAN_500})
    assert result["as_of"] == dt.date.today().isoformat()


def test_catalog_claim_is_judged_as_of_its_article(client):
    [result] = _check(client, {"claim_id": "tsiolkovsky-residents"})
    assert result["verdict"] == "misleading"
    assert result["as_of"] == "2023-09-13"
    assert result["claim"]["id"] == "tsiolkovsky-residents"
    assert result["claim"]["quote"] == "has about 25,000 residents"
    assert result["claim"]["article"]["id"] == "test-cosmodrome"
    assert result["rule"]["secondary"] == ["tsiolkovsky.planned_population"]


def test_as_of_overrides_the_article_date(client):
    [result] = _check(client, {"claim_id": "area-more-than-550"}, as_of="2024-01-31")
    assert result["as_of"] == "2024-01-31"


def test_free_text_is_parsed_into_a_rule_and_judged(client):
    text = "The cosmodrome covers more than 550 square kilometers, roughly the size of Seoul."
    [result] = _check(client, {"text": text})
    assert result["input"] == {"text": text}
    assert result["rule"]["kind"] == "quantity" and result["rule"]["fact"] == "vostochny.area"
    assert result["verdict"] == "accurate"
    assert result["understood"]["rule"]["relation"] == "more_than"
    [second] = result["also"]
    assert second["rule"]["kind"] == "ratio" and second["rule"]["base"] == "seoul.area"


def test_free_text_without_a_checkable_claim_is_unverifiable_not_an_error(client):
    [result] = _check(client, {"text": "Kim Jong-un thanked his host warmly."})
    assert result["verdict"] == "unverifiable"
    assert result["reason"]
    assert result["rating"]["value"] == 3


def test_a_claim_the_engine_cannot_judge_is_unverifiable(client):
    rule = {**LESS_THAN_500, "fact": "baikonur.area"}
    [result] = _check(client, {"rule": rule})
    assert result["verdict"] == "unverifiable"
    assert "baikonur.area" in result["reason"]


def test_results_come_back_in_request_order(client):
    results = _check(
        client,
        {"text": "x"},
        {"claim_id": "area-more-than-550"},
        {"rule": LESS_THAN_500},
        {"claim_id": "area-less-than-500"},
    )
    assert [r["verdict"] for r in results] == ["unverifiable", "accurate", "inaccurate", "inaccurate"]


def test_a_full_batch_of_100_claims(client):
    results = _check(client, *[{"claim_id": "hundred-times-naro"}] * 100)
    assert len(results) == 100
    assert {r["verdict"] for r in results} == {"accurate"}


def test_text_of_2000_characters_is_accepted(client):
    [result] = _check(client, {"text": "a" * 2000})
    assert result["verdict"] == "unverifiable"


def test_units_other_than_the_reference_unit(client):
    rule = {**LESS_THAN_500, "relation": "more_than", "value": {"value": 55000, "unit": "hectare"}}
    [result] = _check(client, {"rule": rule}, as_of="2023-09-13")
    assert result["verdict"] == "accurate"


def _as_dumped(data):
    # The response skips the marshmallow dump, so the dump must change nothing: no field dropped or
    # converted, keys in the same order (compared as JSON text, since dict equality ignores order).
    dumped = ChecksResponseSchema().dump(data)
    assert dumped == data
    assert json.dumps(dumped, allow_nan=False) == json.dumps(data, allow_nan=False)


def test_responses_are_exactly_what_the_schema_dumps(app):
    state = app.extensions["claimcheck"]
    claims = [
        {"claim_id": "tsiolkovsky-residents"},
        {"rule": load_rule(LESS_THAN_500)},
        {"rule": load_rule({**LESS_THAN_500, "fact": "baikonur.area"})},
        {"text": "The cosmodrome covers more than 550 square kilometers, roughly the size of Seoul."},
        {"text": "Kim Jong-un thanked his host warmly."},
    ]
    with app.test_request_context():
        results = check_all(claims, state.snapshot, state.catalog)
        assert results[3]["also"] and results[0]["claim"]
        _as_dumped({"results": results})


def _rules_over_every_quantity(snapshot):
    """Return quantity and ratio rules over every fact that has a quantity, in several relations."""
    quantities = [fact for fact in snapshot.facts.values() if fact.values[0].amount is not None]
    for fact in quantities:
        value = fact.values[0].amount
        for relation, factor in (("about", 1), ("more_than", 1.5), ("at_most", 0.5)):
            unit = format_unit(value.units).replace("²", "**2").replace("×", "")
            yield {
                "kind": "quantity",
                "fact": fact.id,
                "relation": relation,
                "value": {"value": round(value.magnitude * factor, 1), "unit": unit or "count"},
            }
        for base in quantities[:8]:
            yield {"kind": "ratio", "fact": fact.id, "base": base.id, "relation": "about", "factor": 2}


def test_every_catalog_claim_and_generated_claim_is_exactly_what_the_schema_dumps():
    snapshot, catalog = load_snapshot(), load_catalog()
    claims = [{"claim_id": claim_id} for claim_id in catalog.claims]
    for spec in _rules_over_every_quantity(snapshot):
        # A unit written in a form the rule schema does not take ("%") is not the point here.
        with contextlib.suppress(InvalidRule):
            claims.append({"rule": load_rule(spec)})
    assert len(claims) > 200
    claims += [
        {"text": sentence.text}
        for article in catalog.articles.values()
        for sentence in split_sentences(article.text)
    ]
    _as_dumped({"results": check_all(claims, snapshot, catalog, dt.date(2023, 9, 13))})


def test_a_saved_response_is_exactly_what_the_schema_dumps(client, app):
    response = client.post(
        "/v1/checks",
        json={"claims": [{"claim_id": "area-more-than-550"}, {"rule": LESS_THAN_500}], "save": True},
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert set(data["report"]) == {"id", "url", "html"}
    _as_dumped(data)
    with app.app_context():
        dumped = app.json.response(ChecksResponseSchema().dump(data))
    assert response.get_data() == dumped.get_data()


def test_blank_text_is_unverifiable_not_a_server_error(client):
    for text in (" ", "\n\n", "\t "):
        [result] = _check(client, {"text": text})
        assert result["verdict"] == "unverifiable"
        assert "no sentence" in result["reason"]


RULE = {
    "kind": "quantity",
    "fact": "vostochny.area",
    "relation": "about",
    "value": {"value": 550, "unit": "km**2"},
}
CLAIM_ITEMS = [
    {"claim_id": "headline-four-years-five-months"},
    {"claim_id": "x" * 100},
    {"claim_id": "x" * 101},
    {"claim_id": ""},
    {"claim_id": 7},
    {"claim_id": None},
    {"rule": RULE},
    {"rule": {**RULE, "relation": "between"}},
    {"rule": {**RULE, "value": {"value": "550", "unit": "km**2"}}},
    {
        "rule": {
            "kind": "ratio",
            "fact": "vostochny.area",
            "base": "naro.area",
            "relation": "about",
            "factor": 100,
        }
    },
    {"rule": {"kind": "nonsense"}},
    {"rule": [RULE]},
    {"rule": None},
    {"text": "Vostochny covers about 550 km²."},
    {"text": "x" * 2000},
    {"text": "x" * 2001},
    {"text": ""},
    {"text": ["a"]},
    {"claim_id": "headline-four-years-five-months", "text": "both"},
    {"other": "field"},
    {},
    "headline-four-years-five-months",
    None,
]
OPTIONS = [
    {},
    {"as_of": "2023-09-13"},
    {"as_of": "20230913"},
    {"as_of": "2023-02-30"},
    {"as_of": "13/09/2023"},
    {"as_of": None},
    {"as_of": 20230913},
    {"save": True},
    {"save": False},
    {"save": "true"},
    {"save": 1},
    {"save": None},
    {"as_of": "2023-09-13", "save": True},
    {"extra": 1},
]


def _request_bodies():
    for item in CLAIM_ITEMS:
        for options in OPTIONS:
            yield {"claims": [item], **options}
    yield {"claims": [CLAIM_ITEMS[0], CLAIM_ITEMS[6], CLAIM_ITEMS[13]]}
    yield {"claims": [CLAIM_ITEMS[6]] * 100}
    yield {"claims": [CLAIM_ITEMS[6]] * 101}
    yield {"claims": [CLAIM_ITEMS[6], CLAIM_ITEMS[2]]}
    yield {"claims": []}
    yield {"claims": CLAIM_ITEMS[6]}
    yield {"claims": None}
    yield {"as_of": "2023-09-13"}
    yield {}
    yield []
    yield None
    yield "claims"


def test_the_direct_load_of_a_checks_request_is_exactly_the_schemas():
    """ChecksRequestSchema.load's direct path returns what marshmallow loads, and errors stay the schema's."""
    from marshmallow import Schema, ValidationError

    from service.schemas import ChecksRequestSchema

    schema = ChecksRequestSchema()
    compared = refused = 0
    for body in _request_bodies():
        try:
            expected = Schema.load(schema, body)
        except ValidationError as error:
            with pytest.raises(ValidationError) as again:
                schema.load(body)
            assert again.value.messages == error.messages
            refused += 1
            continue
        assert schema.load(body) == expected, body
        assert schema._quick_load(body) in (None, expected)
        compared += 1
    assert compared > 40 and refused > 200
    assert schema._quick_load({"claims": [CLAIM_ITEMS[0], CLAIM_ITEMS[6], CLAIM_ITEMS[13]]}) is not None
