"""Wikidata statements for the entities of facts.yaml that name an item, added to facts as extra values.

Only items named by an entity's `wikidata:` key are asked for (never an id of our own making), in
batches of 50, one request at a time, with `maxlag=5`. Each value keeps its statement id, rank,
references and retrieval time; curated values stay preferred.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rules.errors import UnsafeQuantity
from rules.units import quantity
from service.refresh.errors import InvalidPayload, RefreshError
from service.refresh.http import Client, MiB, retry_after_seconds
from service.refresh.store import utc_iso

SOURCE = "wikidata"
API_URL = "https://www.wikidata.org/w/api.php"
BATCH_SIZE = 50
MAX_BYTES = 8 * MiB
SOURCE_PREFIX = "wikidata-"
QID = re.compile(r"Q[1-9][0-9]{0,11}")
_ITEM = "http://www.wikidata.org/entity/"
_GREGORIAN, _EARTH = f"{_ITEM}Q1985727", f"{_ITEM}Q2"
# Area units Wikidata uses, as the unit strings of rules/units.py and the words for quotes.
AREA_UNITS = {
    f"{_ITEM}Q712226": ("km**2", "square kilometre"),
    f"{_ITEM}Q25343": ("m**2", "square metre"),
    f"{_ITEM}Q35852": ("hectare", "hectare"),
    f"{_ITEM}Q232291": ("mi**2", "square mile"),
    f"{_ITEM}Q81292": ("acre", "acre"),
}
EARTH_SURFACE_KM2 = 510_072_000
MAX_POPULATION = 10_000_000_000
# Qualifiers that say when a value holds, as the qualifier keys of facts.yaml.
TIME_QUALIFIERS = {"P585": "as_of", "P580": "valid_from", "P582": "valid_to"}
# How reference snaks read in a value's note; other properties are shown by their id.
REFERENCE_LABELS = {
    "P143": "imported from",
    "P248": "stated in",
    "P854": "reference URL",
    "P813": "retrieved",
    "P577": "publication date",
    "P1476": "title",
}
_TIME = re.compile(r"([+-])(\d{1,16})-(\d{2})-(\d{2})T")


class _Skip(Exception):
    """Internal: a statement we cannot use (no value, unknown unit, another globe); not an error."""


@dataclass(frozen=True)
class WikidataValue:
    """One usable Wikidata statement, already in the shape of a facts.yaml value."""

    qid: str
    entity: str
    property: str
    statement: str
    rank: str
    kind: str
    fields: Mapping[str, Any]
    display: str
    approximate: bool
    qualifier: Mapping[str, str]
    references: tuple[dict[str, list[str]], ...]

    def to_fact_value(self, retrieved: dt.datetime) -> dict[str, Any]:
        """Return the value as a facts.yaml entry: never preferred, quoted with its statement id."""
        label = PROPERTIES[self.property].label
        cited = (
            "; ".join(
                ", ".join(f"{REFERENCE_LABELS.get(p, p)} {' '.join(v)}" for p, v in ref.items())
                for ref in self.references
            )
            or "none"
        )
        value: dict[str, Any] = {**copy.deepcopy(dict(self.fields))}
        if self.approximate:
            value["approximate"] = True
        if self.qualifier:
            value["qualifier"] = dict(self.qualifier)
        value.update(
            {
                "source": f"{SOURCE_PREFIX}{self.qid}",
                "quote": f"{label} {self.display} (statement {self.statement})",
                "note": f"Wikidata {self.property} statement, rank {self.rank}; references: {cited}",
                "provenance": {
                    "statement": self.statement,
                    "property": self.property,
                    "rank": self.rank,
                    "retrieved": utc_iso(retrieved),
                    "references": [dict(ref) for ref in self.references],
                },
            }
        )
        return value


@dataclass(frozen=True)
class Fetched:
    """What one Wikidata refresh read: labels, usable values and the statements it had to skip."""

    retrieved: dt.datetime
    labels: Mapping[str, str]
    values: tuple[WikidataValue, ...]
    skipped: tuple[str, ...]


def _invalid(problem: str) -> InvalidPayload:
    return InvalidPayload(f"{SOURCE}: {problem}; nothing was replaced", SOURCE)


def _number(amount: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        raise _invalid(f"{where}: amount {amount!r} is not a number") from None
    if not number.is_finite():
        raise _invalid(f"{where}: amount {amount!r} is not finite")
    return number


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _datavalue(statement: Mapping, kind: str, where: str) -> Any:
    snak = statement.get("mainsnak")
    if not isinstance(snak, dict):
        raise _invalid(f"{where}: statement has no mainsnak")
    if snak.get("snaktype") != "value":
        raise _Skip(f"{where}: {snak.get('snaktype')} (no value given)")
    datavalue = snak.get("datavalue")
    if not isinstance(datavalue, dict) or datavalue.get("type") != kind:
        raise _invalid(f"{where}: value is not of type {kind}")
    value = datavalue.get("value")
    if value is None:
        raise _invalid(f"{where}: value is empty")
    return value


def wikidata_date(value: Any, where: str) -> str:
    """Return a Wikidata time value as "YYYY", "YYYY-MM" or "YYYY-MM-DD" (its precision)."""
    if not isinstance(value, dict) or not isinstance(value.get("time"), str):
        raise _invalid(f"{where}: time value has no 'time'")
    match = _TIME.match(value["time"])
    precision = value.get("precision")
    if not match or not isinstance(precision, int):
        raise _invalid(f"{where}: unreadable time {value.get('time')!r}")
    sign, year, month, day = match.groups()
    if precision < 9:
        raise _Skip(f"{where}: time {value['time']} is coarser than a year")
    if sign == "-" or not 1 <= int(year) <= 9999:
        raise _Skip(f"{where}: year {sign}{year} is outside 1-9999")
    if value.get("calendarmodel", _GREGORIAN) != _GREGORIAN and precision > 9:
        raise _Skip(f"{where}: a Julian-calendar date")
    parts = [f"{int(year):04d}", month, day][: precision - 8 if precision <= 11 else 3]
    text = "-".join(parts)
    try:
        dt.date.fromisoformat((text + "-01-01")[:10])
    except ValueError:
        raise _invalid(f"{where}: impossible date {value['time']}") from None
    return text


def _area(statement, where, entities):
    value = _datavalue(statement, "quantity", where)
    unit, words = AREA_UNITS.get(value.get("unit"), (None, None))
    if unit is None:
        raise _Skip(f"{where}: area unit {value.get('unit')} is not one we convert")
    amount = _number(value.get("amount"), where)
    try:
        km2 = quantity(float(amount), unit).to("km**2").magnitude
    except UnsafeQuantity:
        km2 = math.inf
    if not 0 < km2 <= EARTH_SURFACE_KM2:
        raise _invalid(f"{where}: area {amount} {words} is out of range")
    bounds = {value.get("lowerBound"), value.get("upperBound")} - {None}
    approximate = any(_number(bound, where) != amount for bound in bounds)
    return (
        "quantity",
        {"quantity": {"value": _plain(amount), "unit": unit}},
        f"{amount.normalize():f} {words}",
        approximate,
    )


def _population(statement, where, entities):
    value = _datavalue(statement, "quantity", where)
    if value.get("unit") != "1":
        raise _Skip(f"{where}: population with unit {value.get('unit')}")
    amount = _number(value.get("amount"), where)
    if amount != amount.to_integral_value() or not 0 <= amount <= MAX_POPULATION:
        raise _invalid(f"{where}: population {amount} is out of range")
    return ("quantity", {"quantity": {"value": int(amount), "unit": "people"}}, f"{int(amount)}", False)


def _coordinates(statement, where, entities):
    value = _datavalue(statement, "globecoordinate", where)
    if value.get("globe", _EARTH) != _EARTH:
        raise _Skip(f"{where}: coordinates on another globe ({value.get('globe')})")
    lat, lon, precision = value.get("latitude"), value.get("longitude"), value.get("precision")
    numbers = [n for n in (lat, lon) if isinstance(n, int | float) and not isinstance(n, bool)]
    if len(numbers) != 2 or not all(math.isfinite(n) for n in numbers):
        raise _invalid(f"{where}: coordinates are not numbers")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _invalid(f"{where}: coordinates {lat}, {lon} are out of range")
    error = float(precision) if isinstance(precision, int | float) and precision > 0 else 0.0
    fields = {"coordinates": {"lat": float(lat), "lon": float(lon), "error_deg": error}}
    return "coordinates", fields, f"{lat}, {lon}", False


def _inception(statement, where, entities):
    return "date", {"date": wikidata_date(_datavalue(statement, "time", where), where)}, None, False


def _manager(statement, where, entities):
    value = _datavalue(statement, "wikibase-entityid", where)
    qid = value.get("id")
    if not isinstance(qid, str) or not QID.fullmatch(qid):
        raise _invalid(f"{where}: item id {qid!r} is not a Wikidata item id")
    if qid not in entities:
        raise _Skip(f"{where}: {qid} is not an entity of facts.yaml")
    name = entities[qid]
    return "text", {"text": name}, f"{name} ({qid})", False


@dataclass(frozen=True)
class Property:
    """A Wikidata property we read: its label, the facts.yaml property it feeds, and its reader."""

    label: str
    fact_property: str
    read: Callable[[Mapping, str, Mapping[str, str]], tuple[str, dict, str | None, bool]]


PROPERTIES: dict[str, Property] = {
    "P2046": Property("area", "area", _area),
    "P625": Property("coordinate location", "coordinates", _coordinates),
    "P571": Property("inception", "established", _inception),
    "P1082": Property("population", "population", _population),
    "P1037": Property("director / manager", "head", _manager),
}


def _qualifiers(statement: Mapping, where: str) -> dict[str, str]:
    qualifiers = statement.get("qualifiers") or {}
    if not isinstance(qualifiers, dict):
        raise _invalid(f"{where}: qualifiers must be an object")
    found = {}
    for pid, key in TIME_QUALIFIERS.items():
        for snak in qualifiers.get(pid, [])[:1]:
            if isinstance(snak, dict) and snak.get("snaktype") == "value":
                datavalue = snak.get("datavalue") or {}
                found[key] = wikidata_date(datavalue.get("value"), f"{where} qualifier {pid}")
    return found


def _snak_text(snak: Any) -> str | None:
    value = (snak.get("datavalue") or {}).get("value") if isinstance(snak, dict) else None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("id", "time", "text", "amount"):
            if isinstance(value.get(key), str):
                return value[key]
    return None


def _references(statement: Mapping) -> tuple[dict[str, list[str]], ...]:
    found = []
    for reference in statement.get("references") or []:
        snaks = reference.get("snaks") if isinstance(reference, dict) else None
        if isinstance(snaks, dict):
            found.append(
                {pid: [t for t in map(_snak_text, entries or []) if t] for pid, entries in snaks.items()}
            )
    return tuple(found)


def read_statements(qid: str, entity: str, claims: Mapping, entities: Mapping[str, str]):
    """Return the usable values of one item's claims and the reasons others were skipped."""
    values, skipped = [], []
    for pid, prop in PROPERTIES.items():
        statements = claims.get(pid, [])
        if not isinstance(statements, list):
            raise _invalid(f"{qid} {pid}: claims must be a list")
        for position, statement in enumerate(statements):
            where = f"{qid} {pid}[{position}]"
            if not isinstance(statement, dict):
                raise _invalid(f"{where}: statement must be an object")
            statement_id, rank = statement.get("id"), statement.get("rank")
            if not isinstance(statement_id, str) or "$" not in statement_id:
                raise _invalid(f"{where}: statement has no id")
            if rank not in ("preferred", "normal", "deprecated"):
                raise _invalid(f"{where}: unknown rank {rank!r}")
            try:
                if rank == "deprecated":
                    raise _Skip(f"{where}: deprecated statement")
                kind, fields, display, approximate = prop.read(statement, where, entities)
                qualifier = _qualifiers(statement, where)
            except _Skip as skip:
                skipped.append(str(skip))
                continue
            values.append(
                WikidataValue(
                    qid=qid,
                    entity=entity,
                    property=pid,
                    statement=statement_id,
                    rank=rank,
                    kind=kind,
                    fields=fields,
                    display=display or next(iter(fields.values())),
                    approximate=approximate,
                    qualifier=qualifier,
                    references=_references(statement),
                )
            )
    return values, skipped


def lag_check(body: bytes, headers: Mapping[str, str]) -> float | None:
    """Return seconds to wait if the answer is Wikidata's maxlag error (sent with HTTP 200)."""
    if b'"maxlag"' not in body[:4096]:
        return None
    try:
        code = json.loads(body).get("error", {}).get("code")
    except (ValueError, AttributeError):
        return None
    if code != "maxlag":
        return None
    return retry_after_seconds(headers.get("Retry-After")) or 5.0


def _decode(body: bytes) -> dict:
    try:
        document = json.loads(body)
    except ValueError:
        preview = body[:60].decode("utf-8", "replace").strip()
        raise _invalid(f"answer is not JSON (it starts {preview!r})") from None
    if not isinstance(document, dict):
        raise _invalid("answer is not a JSON object")
    if isinstance(document.get("error"), dict):
        error = document["error"]
        raise _invalid(f"API error {error.get('code')!r}: {error.get('info')}")
    if not isinstance(document.get("entities"), dict):
        raise _invalid("JSON without 'entities'")
    return document["entities"]


def _entity(entities: Mapping, qid: str) -> Mapping:
    found = entities.get(qid)
    if found is None:  # a merged item comes back under its new id, with a `redirects` note
        found = next(
            (
                e
                for e in entities.values()
                if isinstance(e, dict) and (e.get("redirects") or {}).get("from") == qid
            ),
            None,
        )
    if not isinstance(found, dict):
        raise _invalid(f"{qid} is missing from the answer")
    if "missing" in found:
        raise _invalid(f"{qid} does not exist on Wikidata; check the entity's wikidata key")
    if not isinstance(found.get("claims", {}), dict):
        raise _invalid(f"{qid}: claims must be an object")
    return found


def entity_items(facts_doc: Mapping) -> dict[str, list[str]]:
    """Return the Wikidata items named in a facts document: QID -> our entity ids."""
    items: dict[str, list[str]] = {}
    for entity_id, entry in (facts_doc.get("entities") or {}).items():
        qid = entry.get("wikidata") if isinstance(entry, dict) else None
        if qid is None:
            continue
        if not isinstance(qid, str) or not QID.fullmatch(qid):
            raise RefreshError(
                f"facts.yaml: entities.{entity_id}.wikidata: {qid!r} is not a "
                f"Wikidata item id (Q followed by digits)",
                SOURCE,
            )
        items.setdefault(qid, []).append(entity_id)
    return items


def batches(items: Iterable[str], size: int = BATCH_SIZE) -> list[list[str]]:
    """Return the ids in request-sized batches, in a stable order."""
    ordered = sorted(set(items), key=lambda qid: int(qid[1:]))
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def fetch(
    client: Client, facts_doc: Mapping, now: dt.datetime, step: Callable[[str], None] = lambda label: None
) -> Fetched:
    """Read the claims and labels of every item facts.yaml names, one batch request at a time."""
    items = entity_items(facts_doc)
    names = {qid: facts_doc["entities"][ids[0]].get("name", ids[0]) for qid, ids in items.items()}
    labels, values, skipped = {}, [], []
    for number, batch in enumerate(batches(items), start=1):
        step(f"wikidata batch {number}")
        body = client.get(
            API_URL,
            source=SOURCE,
            max_bytes=MAX_BYTES,
            lag_check=lag_check,
            params={
                "action": "wbgetentities",
                "ids": "|".join(batch),
                "props": "claims|labels",
                "languages": "en",
                "format": "json",
                "maxlag": "5",
            },
        )
        entities = _decode(body)
        for qid in batch:
            entity = _entity(entities, qid)
            labels[qid] = ((entity.get("labels") or {}).get("en") or {}).get("value") or qid
            for entity_id in items[qid]:
                found, passed = read_statements(qid, entity_id, entity.get("claims", {}), names)
                values += found
                skipped += passed
    return Fetched(retrieved=now, labels=labels, values=tuple(values), skipped=tuple(skipped))


def _value_kind(value: Mapping) -> str:
    kind = next((k for k in ("quantity", "date", "datetime", "text", "coordinates") if k in value), "")
    return "date" if kind == "datetime" else kind


def split_facts(facts_doc: Mapping) -> tuple[dict, dict[str, list[dict]], dict[str, dict]]:
    """Return the curated part of a facts document, and its Wikidata values (by fact) and sources."""
    curated = copy.deepcopy(dict(facts_doc))
    sources = curated.get("sources") or {}
    wikidata_sources = {k: sources.pop(k) for k in list(sources) if k.startswith(SOURCE_PREFIX)}
    values: dict[str, list[dict]] = {}
    for fact in curated.get("facts") or []:
        kept = []
        for value in fact.get("values") or []:
            if str(value.get("source", "")).startswith(SOURCE_PREFIX):
                values.setdefault(fact.get("id"), []).append(value)
            else:
                kept.append(value)
        fact["values"] = kept
    return curated, values, wikidata_sources


def source_entry(qid: str, label: str, retrieved: dt.datetime) -> dict[str, Any]:
    """Return the facts.yaml source entry for one Wikidata item."""
    return {
        "url": f"https://www.wikidata.org/wiki/{qid}",
        "title": f"Wikidata item {qid}: {label}",
        "publisher": "Wikidata",
        "published": None,
        "retrieved": retrieved.astimezone(dt.UTC).date().isoformat(),
        "licence": "CC0 1.0",
    }


def fetched_values(facts_doc: Mapping, fetched: Fetched):
    """Return (values by fact id, source entries, notes) for the facts the fetched values match."""
    by_key = {(f.get("entity"), f.get("property")): f for f in facts_doc.get("facts") or []}
    values: dict[str, list[dict]] = {}
    sources: dict[str, dict] = {}
    notes = list(fetched.skipped)
    for value in fetched.values:
        prop = PROPERTIES[value.property]
        fact = by_key.get((value.entity, prop.fact_property))
        if fact is None:
            notes.append(
                f"{value.qid} {value.property}: no fact {value.entity}.{prop.fact_property}"
                f" in facts.yaml to add {value.display!r} to"
            )
            continue
        entry = value.to_fact_value(fetched.retrieved)
        curated_kinds = {_value_kind(v) for v in fact.get("values") or []}
        if curated_kinds and curated_kinds != {_value_kind(entry)}:
            notes.append(
                f"{value.qid} {value.property}: fact {fact['id']} holds {curated_kinds}, "
                f"not {value.kind}; skipped"
            )
            continue
        values.setdefault(fact["id"], []).append(entry)
        sources[entry["source"]] = source_entry(value.qid, fetched.labels[value.qid], fetched.retrieved)
    return values, sources, notes


def add_values(
    curated: Mapping, values: Mapping[str, list[dict]], sources: Mapping[str, dict]
) -> tuple[dict, list[str]]:
    """Return the facts document with Wikidata values appended (never preferred) and their sources."""
    document = copy.deepcopy(dict(curated))
    items = entity_items(document)
    facts = {fact.get("id"): fact for fact in document.get("facts") or []}
    notes, used = [], set()
    for fact_id, entries in values.items():
        fact = facts.get(fact_id)
        for entry in entries:
            qid = entry["source"].removeprefix(SOURCE_PREFIX)
            if fact is None or fact.get("entity") not in items.get(qid, []):
                notes.append(
                    f"dropped the {entry['source']} value of {fact_id}: the fact or its "
                    f"entity's wikidata id is gone from facts.yaml"
                )
                continue
            entry = {**entry, "preferred": False}
            fact["values"].append(entry)
            used.add(entry["source"])
        if fact is not None and len(fact["values"]) > 1:
            for value in fact["values"]:
                if value.get("preferred") and not value.get("preferred_reason"):
                    value["preferred_reason"] = (
                        "the curated source; Wikidata values are listed for comparison"
                    )
    document.setdefault("sources", {}).update({k: v for k, v in sources.items() if k in used})
    return document, notes
