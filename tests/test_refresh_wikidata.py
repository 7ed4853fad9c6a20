"""Wikidata: statements read from the API's real JSON shape, added to facts with their provenance."""

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from responses import matchers

from rules.reference import load_snapshot
from service.refresh import wikidata
from service.refresh.errors import InvalidPayload, RefreshError
from service.refresh.http import Client

DATA = Path(__file__).parent / "data" / "refresh"
PAYLOAD = json.loads((DATA / "wikidata" / "entities.json").read_text(encoding="utf-8"))
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
IDS = "Q4115189|Q13406268|Q15397819"


@pytest.fixture
def curated():
    """The curated facts document of the refresh test snapshot."""
    return yaml.safe_load((DATA / "snapshot" / "facts.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def client(slept):
    """A client that records its waits."""
    return Client(sleep=slept.append, jitter=lambda: 0.0)


def api(mock, body, **kwargs):
    query = {
        "action": "wbgetentities",
        "ids": IDS,
        "props": "claims|labels",
        "languages": "en",
        "format": "json",
        "maxlag": "5",
    }
    mock.get(
        wikidata.API_URL,
        match=[matchers.query_param_matcher(query)],
        **kwargs,
        **({"json": body} if isinstance(body, dict) else {"body": body}),
    )


def by_property(fetched):
    found = {}
    for value in fetched.values:
        found.setdefault(value.property, []).append(value)
    return found


def test_statements_are_read_with_their_ids_ranks_qualifiers_and_references(mock, client, curated):
    api(mock, PAYLOAD)
    fetched = wikidata.fetch(client, curated, NOW)
    values = by_property(fetched)
    (area,) = values["P2046"]
    assert area.fields == {"quantity": {"value": 551.5, "unit": "km**2"}}
    assert area.statement == PAYLOAD["entities"]["Q4115189"]["claims"]["P2046"][0]["id"]
    assert area.references[0]["P854"] == ["https://en.wikipedia.org/wiki/Vostochny_Cosmodrome"]
    assert area.references[0]["P143"] == ["Q328"]
    (point,) = values["P625"]
    assert point.fields == {"coordinates": {"lat": 51.884, "lon": 128.334, "error_deg": 0.001}}
    (inception,) = values["P571"]
    assert inception.fields == {"date": "2011"}
    populations = {v.qualifier["as_of"]: (v.fields["quantity"]["value"], v.rank) for v in values["P1082"]}
    assert populations == {"2010": (5892, "normal"), "2021": (7194, "preferred")}
    assert "P1037" not in values
    assert fetched.labels == {
        "Q4115189": "Vostochny Cosmodrome",
        "Q13406268": "Tsiolkovsky",
        "Q15397819": "Roscosmos",
    }
    assert any("deprecated statement" in note for note in fetched.skipped)
    assert any("P1037" in note and "somevalue" in note for note in fetched.skipped)


def test_values_are_added_as_non_preferred_values_with_a_wikidata_source(mock, client, curated, tmp_path):
    api(mock, PAYLOAD)
    fetched = wikidata.fetch(client, curated, NOW)
    values, sources, notes = wikidata.fetched_values(curated, fetched)
    document, dropped = wikidata.add_values(curated, values, sources)
    assert dropped == []
    assert sources["wikidata-Q4115189"] == {
        "url": "https://www.wikidata.org/wiki/Q4115189",
        "title": "Wikidata item Q4115189: Vostochny Cosmodrome",
        "publisher": "Wikidata",
        "published": None,
        "retrieved": "2026-11-27",
        "licence": "CC0 1.0",
    }
    area = next(f for f in document["facts"] if f["id"] == "vostochny.area")
    curated_area = next(f for f in curated["facts"] if f["id"] == "vostochny.area")
    assert area["values"][:2] == curated_area["values"]
    added = area["values"][2]
    statement = PAYLOAD["entities"]["Q4115189"]["claims"]["P2046"][0]["id"]
    assert added["preferred"] is False
    assert added["source"] == "wikidata-Q4115189"
    assert added["quote"] == f"area 551.5 square kilometre (statement {statement})"
    assert added["provenance"]["retrieved"] == "2026-11-27T09:30:00Z"
    assert added["provenance"]["statement"] == statement
    # A fact that had one curated value gets a reason for its preferred value, as the loader asks.
    population = next(f for f in document["facts"] if f["id"] == "tsiolkovsky.population")
    assert population["values"][0]["preferred_reason"]
    assert [v.get("qualifier", {}).get("as_of") for v in population["values"]] == ["2021", "2010", "2021"]
    # The merged document loads with the engine's own loader.
    folder = tmp_path / "snapshot"
    shutil.copytree(DATA / "snapshot", folder)
    (folder / "facts.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    snapshot = load_snapshot(folder)
    assert snapshot.fact("vostochny.area").preferred.source.id == "wikipedia-vostochny"
    assert snapshot.fact("vostochny.established").values[1].days.label == "2011"
    assert not any("vostochny" in note for note in notes if "no fact" in note)


def test_values_without_a_matching_fact_are_noted_not_added(mock, client, curated):
    curated["facts"] = [f for f in curated["facts"] if f["id"] != "vostochny.established"]
    api(mock, PAYLOAD)
    values, _, notes = wikidata.fetched_values(curated, wikidata.fetch(client, curated, NOW))
    assert "vostochny.established" not in values
    assert any("no fact vostochny.established" in note for note in notes)


def test_a_director_is_named_only_when_the_item_is_one_of_our_entities():
    statement = {
        "id": "Q15397819$1",
        "rank": "normal",
        "mainsnak": {
            "snaktype": "value",
            "property": "P1037",
            "datavalue": {
                "type": "wikibase-entityid",
                "value": {"entity-type": "item", "numeric-id": 13406268, "id": "Q13406268"},
            },
        },
        "qualifiers": {
            "P580": [
                {
                    "snaktype": "value",
                    "property": "P580",
                    "datavalue": {
                        "type": "time",
                        "value": {
                            "time": "+2022-07-15T00:00:00Z",
                            "precision": 11,
                            "calendarmodel": "http://www.wikidata.org/entity/Q1985727",
                        },
                    },
                }
            ]
        },
    }
    claims = {"P1037": [statement]}
    values, _ = wikidata.read_statements("Q15397819", "roscosmos", claims, {"Q13406268": "Yuri Borisov"})
    assert values[0].fields == {"text": "Yuri Borisov"}
    assert values[0].qualifier == {"valid_from": "2022-07-15"}
    values, skipped = wikidata.read_statements("Q15397819", "roscosmos", claims, {})
    assert values == [] and "not an entity of facts.yaml" in skipped[0]


def test_only_ids_from_facts_yaml_are_requested_in_batches_of_50(curated):
    assert wikidata.entity_items(curated) == {
        "Q4115189": ["vostochny"],
        "Q13406268": ["tsiolkovsky"],
        "Q15397819": ["roscosmos"],
    }
    sizes = [len(batch) for batch in wikidata.batches(f"Q{n}" for n in range(1, 121))]
    assert sizes == [50, 50, 20]


def test_a_malformed_wikidata_key_is_an_error(curated):
    curated["entities"]["vostochny"]["wikidata"] = "Vostochny"
    with pytest.raises(RefreshError, match=r"entities.vostochny.wikidata: 'Vostochny'"):
        wikidata.entity_items(curated)


def test_maxlag_answers_are_retried_after_the_wait_they_ask_for(mock, client, slept, curated):
    lagged = {
        "error": {"code": "maxlag", "info": "Waiting for db1: 6 seconds lagged", "host": "db1", "lag": 6}
    }
    api(mock, lagged, headers={"Retry-After": "6", "X-Database-Lag": "6"})
    api(mock, PAYLOAD)
    assert wikidata.fetch(client, curated, NOW).values
    assert slept == [6.0]


def broken(path, value):
    payload = copy.deepcopy(PAYLOAD)
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


P2046 = ("entities", "Q4115189", "claims", "P2046", 0, "mainsnak", "datavalue")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<!DOCTYPE html><html><body>Wikimedia Error</body></html>", "not JSON"),
        ({"batchcomplete": ""}, "JSON without 'entities'"),
        ({"error": {"code": "badvalue", "info": "Unrecognized value"}}, "API error 'badvalue'"),
        (b'{"entities": {"Q4115189": {"type": "item", "id": "Q41', "not JSON"),
        (broken(("entities", "Q15397819"), {"id": "Q15397819", "missing": ""}), "does not exist"),
        (broken(P2046, {"value": "551.5", "type": "string"}), "not of type quantity"),
        (
            broken(
                P2046,
                {
                    "value": {"amount": "-5", "unit": "http://www.wikidata.org/entity/Q712226"},
                    "type": "quantity",
                },
            ),
            "out of range",
        ),
        (
            broken(
                ("entities", "Q4115189", "claims", "P625", 0, "mainsnak", "datavalue", "value", "latitude"),
                95.0,
            ),
            "out of range",
        ),
        (
            broken(
                ("entities", "Q13406268", "claims", "P1082", 0, "mainsnak", "datavalue", "value", "amount"),
                "+5892.5",
            ),
            "out of range",
        ),
    ],
)
def test_a_payload_that_is_not_wikidata_is_rejected_whole(mock, client, curated, body, problem):
    api(mock, body)
    with pytest.raises(InvalidPayload, match=problem) as caught:
        wikidata.fetch(client, curated, NOW)
    assert str(caught.value).startswith("wikidata: ")
    assert caught.value.source == "wikidata"


def test_dates_keep_their_precision():
    def date(time, precision):
        return wikidata.wikidata_date({"time": time, "precision": precision}, "test")

    assert date("+2021-00-00T00:00:00Z", 9) == "2021"
    assert date("+2016-04-00T00:00:00Z", 10) == "2016-04"
    assert date("+2016-04-28T02:01:00Z", 14) == "2016-04-28"
    with pytest.raises(InvalidPayload, match="impossible date"):
        date("+2016-02-30T00:00:00Z", 11)
