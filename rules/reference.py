"""The reference-data store: facts with provenance, event datasets and statements, as one snapshot.

A snapshot is loaded once from a folder (by default the one shipped in the package), validated with
messages that name the file and the field, frozen, and identified by a hash of its files' contents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pint
import yaml

from rules.dates import DateRange, parse_partial_date
from rules.errors import ReferenceDataError, UnknownFact, UnsafeQuantity
from rules.events import Launch, Site, parse_launches, parse_sites
from rules.units import conversion_factor, format_number, format_unit, parse_unit, quantity

# libyaml's safe loader when PyYAML has it: the same documents, read about ten times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA_FILES = ("facts.yaml", "statements.yaml", "gcat/launch.tsv", "gcat/sites.tsv")
USABLE_KEPT = 64  # dates whose usable values a fact keeps
VALUE_KINDS = ("quantity", "date", "datetime", "text", "coordinates")
GCAT_SOURCES = {
    "gcat/launch.tsv": "https://planet4589.org/space/gcat/tsv/launch/launch.tsv",
    "gcat/sites.tsv": "https://planet4589.org/space/gcat/tsv/tables/sites.tsv",
}


@dataclass(frozen=True)
class Source:
    """Where a value came from, and when we read it."""

    id: str
    url: str
    title: str
    publisher: str
    published: str | None
    retrieved: dt.date
    licence: str

    def to_dict(self) -> dict[str, Any]:
        """Return the provenance as plain JSON data."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "retrieved": self.retrieved.isoformat(),
            "licence": self.licence,
        }


@dataclass(frozen=True)
class Entity:
    """A thing facts are about, with the names newspapers use for it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    timezone: str | None
    wikidata: str | None


@dataclass(frozen=True)
class FactValue:
    """One sourced value of a fact, pre-converted so that comparisons are plain arithmetic."""

    fact_id: str
    index: int
    kind: str
    source: Source
    quote: str
    preferred: bool = False
    preferred_reason: str = ""
    approximate: bool = False
    qualifier: Mapping[str, str] = MappingProxyType({})
    note: str = ""
    amount: pint.Quantity | None = None
    base_magnitude: float | None = None
    days: DateRange | None = None
    moment: dt.datetime | None = None
    text: str | None = None
    coordinates: tuple[float, float, float] | None = None

    @cached_property  # read for every value of every evaluation
    def ref(self) -> str:
        """Return a stable id for this value: the fact id and the value's position."""
        return f"{self.fact_id}#{self.index}"

    def display(self) -> str:
        """Return the value as a reader would write it."""
        return self._display

    @cached_property
    def _display(self) -> str:
        prefix = "about " if self.approximate else ""
        if self.amount is not None:
            return f"{prefix}{format_number(self.amount.magnitude)} {format_unit(self.amount.units)}"
        if self.moment is not None:
            return self.moment.isoformat()
        if self.days is not None:
            return f"{prefix}{self.days.label}"
        if self.coordinates is not None:
            lat, lon, error = self.coordinates
            return f"{lat:.4f}°N {lon:.4f}°E (±{error}°)"
        return f"{prefix}{self.text}"

    @cached_property
    def units(self) -> pint.Unit | None:
        """Return the amount's unit, one object per value (pint builds a new one on every access)."""
        # The same object each time lets the unit caches (rules.units) match by identity, not by __eq__.
        return None if self.amount is None else self.amount.units

    def factor_to(self, unit: str) -> float | None:
        """Return what to multiply the amount's magnitude by to express it in `unit`; None if incompatible."""
        # Kept per value and unit text: looking up pint units in a shared cache compares them with __eq__.
        factors = self.__dict__.setdefault("_factors", {})
        if unit not in factors:
            factors[unit] = conversion_factor(self.units, parse_unit(unit))
        return factors[unit]

    @cached_property
    def dimensions(self) -> frozenset | None:
        """Return the amount's dimensionality as a hashable set, read once (None without an amount)."""
        # Comparing pint dimensionalities costs microseconds, and ratios compare them per combination.
        return None if self.amount is None else frozenset(self.amount.dimensionality.items())

    def usable_at(self, as_of: dt.date) -> bool:
        """Whether the value was already true (its event, period or as-of date has begun) on `as_of`."""
        first, last = self._usable_window
        return (first is None or first <= as_of) and (last is None or as_of <= last)

    @cached_property
    def _usable_window(self) -> tuple[dt.date | None, dt.date | None]:
        # The first and last day the value may be used on, read once: every evaluation asks.
        starts = []
        if self.moment is not None:
            starts.append(self.moment.date())
        if self.days is not None:
            starts.append(self.days.start)
        starts += [
            parse_partial_date(self.qualifier[k]).start
            for k in ("valid_from", "as_of")
            if k in self.qualifier
        ]
        last = parse_partial_date(self.qualifier["valid_to"]).end if "valid_to" in self.qualifier else None
        return (max(starts) if starts else None), last

    def cited(self, fact: Fact, used_in_verdict: bool) -> dict[str, Any]:
        """Return `evidence(fact)` flagged as used in the verdict or not, built once and shared: read-only."""
        # Each evaluation cites every usable value; building the dicts afresh was a third of the engine's time.
        cached = self.__dict__.get("_cited")
        if cached is None or cached[0] is not fact:
            evidence = self.evidence(fact)
            cached = (fact, {**evidence, "used_in_verdict": False}, {**evidence, "used_in_verdict": True})
            self.__dict__["_cited"] = cached
        return cached[2] if used_in_verdict else cached[1]

    @cached_property
    def amount_key(self) -> tuple:
        """Return a key equal for values stating the same magnitude in the same unit (else their own ref)."""
        # A value without an amount (a date, a text) is equal only to itself, so a kind given a
        # `decide` for such values later could never be handed another value's decision.
        if self.amount is None:
            return ("ref", self.ref)
        return (float(self.amount.magnitude), str(self.units))

    def evidence(self, fact: Fact) -> dict[str, Any]:
        """Return the value with its fact and full provenance, as plain JSON data."""
        return {
            "fact": fact.id,
            "value_ref": self.ref,
            "entity": fact.entity,
            "property": fact.property,
            "value": self.display(),
            "kind": self.kind,
            "approximate": self.approximate,
            "qualifier": dict(self.qualifier),
            "preferred": self.preferred,
            "preferred_reason": self.preferred_reason,
            "quote": self.quote,
            "source": self.source.to_dict(),
        }


@dataclass(frozen=True)
class Fact:
    """A property of an entity with every sourced value found for it."""

    id: str
    entity: str
    property: str
    description: str
    values: tuple[FactValue, ...]

    @property
    def preferred(self) -> FactValue:
        """Return the value marked preferred."""
        return next(value for value in self.values if value.preferred)

    def usable_at(self, as_of: dt.date) -> tuple[FactValue, ...]:
        """Return the values usable on `as_of`, the preferred one first."""
        # The same few dates are asked over and over; keep the answers for the last USABLE_KEPT dates.
        known = self._usable_by_date
        usable = known.get(as_of)
        if usable is None:
            values = [value for value in self.values if value.usable_at(as_of)]
            usable = tuple(sorted(values, key=lambda value: not value.preferred))
            if len(known) >= USABLE_KEPT:
                known.clear()
            known[as_of] = usable
        return usable

    @cached_property
    def _usable_by_date(self) -> dict[dt.date, tuple[FactValue, ...]]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Return the fact and all its values as plain JSON data."""
        return {
            "id": self.id,
            "entity": self.entity,
            "property": self.property,
            "description": self.description,
            "values": [v.evidence(self) for v in self.values],
        }


@dataclass(frozen=True)
class Statement:
    """A cached record of what someone said, as a source reported it."""

    id: str
    speaker: str
    reported_by: str
    date: dt.date
    text: str
    context: str
    source: Source
    quote: str
    gist: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON data."""
        return {
            "id": self.id,
            "speaker": self.speaker,
            "reported_by": self.reported_by,
            "date": self.date.isoformat(),
            "text": self.text,
            "context": self.context,
            "gist": self.gist,
            "quote": self.quote,
            "source": self.source.to_dict(),
        }


@dataclass(frozen=True)
class Snapshot:
    """All reference data the engine may use, identified by the hash of its files."""

    id: str
    folder: str
    files: tuple[tuple[str, str], ...]
    header: Mapping[str, Any]
    sources: Mapping[str, Source]
    entities: Mapping[str, Entity]
    facts: Mapping[str, Fact]
    statements: tuple[Statement, ...]
    launches: tuple[Launch, ...]
    sites: Mapping[str, Site]
    dataset_sources: Mapping[str, Source]

    def fact(self, fact_id: str) -> Fact:
        """Return the fact with this id or raise UnknownFact."""
        try:
            return self.facts[fact_id]
        except KeyError:
            raise UnknownFact(f"no reference fact {fact_id!r}") from None

    @cached_property
    def launches_by_site(self) -> Mapping[str, tuple[Launch, ...]]:
        """Return the launches grouped by GCAT site code, in file order."""
        grouped: dict[str, list[Launch]] = {}
        for launch in self.launches:
            grouped.setdefault(launch.site, []).append(launch)
        return MappingProxyType({site: tuple(rows) for site, rows in grouped.items()})

    @cached_property
    def retrieved(self) -> dt.date:
        """Return the oldest retrieval date of any source: how stale the snapshot can be."""
        dates = [s.retrieved for s in self.sources.values()]
        dates += [s.retrieved for s in self.dataset_sources.values()]
        return min(dates)

    def status(self, today: dt.date | None = None) -> dict[str, Any]:
        """Return the snapshot id, its files and sources with retrieved dates, and its age."""
        today = today or dt.date.today()
        sources = [s.to_dict() for s in [*self.dataset_sources.values(), *self.sources.values()]]
        return {
            "snapshot": self.id,
            "folder": self.folder,
            "files": [{"name": name, "sha256": digest} for name, digest in self.files],
            "retrieved": self.retrieved.isoformat(),
            "age_days": (today - self.retrieved).days,
            "facts": len(self.facts),
            "statements": len(self.statements),
            "launches": len(self.launches),
            "sources": sources,
        }


def embedded_folder() -> Path:
    """Return the folder of the reference data shipped inside the package."""
    return Path(str(resources.files("rules").joinpath("data")))


def snapshot_id(folder: Path) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Return the content hash of a snapshot folder and the sha256 of each data file."""
    digests = []
    for name in DATA_FILES:
        path = folder / name
        if not path.is_file():
            raise ReferenceDataError(f"{path}: missing reference data file")
        digests.append((name, hashlib.sha256(path.read_bytes()).hexdigest()))
    combined = hashlib.sha256("".join(f"{n}\0{d}\n" for n, d in digests).encode()).hexdigest()
    return f"sha256:{combined[:16]}", tuple(digests)


class _Reader:
    """Validates one YAML document, raising errors that name the file and the field."""

    def __init__(self, name: str):
        self.name = name

    def fail(self, where: str, message: str) -> None:
        raise ReferenceDataError(f"{self.name}: {where}: {message}")

    def get(self, mapping: Any, key: str, where: str, kind: type | tuple = str, required=True):
        if not isinstance(mapping, dict):
            self.fail(where, "must be a mapping")
        if key not in mapping or mapping[key] is None:
            if required:
                self.fail(f"{where}.{key}", "is required")
            return None
        value = mapping[key]
        accepted = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, dt.date) and str in accepted and dt.date not in accepted:
            value = value.isoformat()
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in accepted):
            self.fail(f"{where}.{key}", f"must be {getattr(kind, '__name__', kind)}")
        return value

    def date(self, mapping: Any, key: str, where: str, required=True) -> DateRange | None:
        raw = self.get(mapping, key, where, (str, int, dt.date), required)
        if raw is None:
            return None
        try:
            return parse_partial_date(raw)
        except ValueError as error:
            self.fail(f"{where}.{key}", str(error))


def _load_yaml(path: Path) -> dict:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        raise ReferenceDataError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise ReferenceDataError(f"{path.name}: must be a YAML mapping")
    return document


def _load_sources(reader: _Reader, raw: Any) -> dict[str, Source]:
    if not isinstance(raw, dict) or not raw:
        reader.fail("sources", "must be a non-empty mapping")
    sources = {}
    for source_id, entry in raw.items():
        where = f"sources.{source_id}"
        url = reader.get(entry, "url", where)
        if not url.startswith(("http://", "https://")):
            reader.fail(f"{where}.url", "must be an http(s) URL")
        published = reader.get(entry, "published", where, (str, int), required=False)
        sources[source_id] = Source(
            id=source_id,
            url=url,
            title=reader.get(entry, "title", where),
            publisher=reader.get(entry, "publisher", where),
            published=str(published) if published is not None else None,
            retrieved=reader.date(entry, "retrieved", where).start,
            licence=reader.get(entry, "licence", where),
        )
    return sources


def _load_value(reader: _Reader, raw: Any, fact_id: str, index: int, sources) -> FactValue:
    where = f"facts.{fact_id}.values[{index}]"
    present = [kind for kind in VALUE_KINDS if isinstance(raw, dict) and kind in raw]
    if len(present) != 1:
        reader.fail(where, f"must have exactly one of {', '.join(VALUE_KINDS)}")
    kind = present[0]
    source_id = reader.get(raw, "source", where)
    if source_id not in sources:
        reader.fail(f"{where}.source", f"unknown source {source_id!r}")
    qualifier = reader.get(raw, "qualifier", where, dict, required=False) or {}
    for key, value in qualifier.items():
        if key in ("valid_from", "valid_to", "as_of"):
            reader.date(qualifier, key, f"{where}.qualifier")
        qualifier[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    fields: dict[str, Any] = {}
    if kind == "quantity":
        amount = raw["quantity"]
        try:
            fields["amount"] = quantity(
                reader.get(amount, "value", f"{where}.quantity", (int, float)),
                reader.get(amount, "unit", f"{where}.quantity"),
            )
        except UnsafeQuantity as error:
            reader.fail(f"{where}.quantity", str(error))
        fields["base_magnitude"] = float(fields["amount"].to_base_units().magnitude)
    elif kind == "date":
        fields["days"] = reader.date(raw, "date", where)
    elif kind == "datetime":
        moment = raw["datetime"]
        try:
            moment = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(moment)
        except (TypeError, ValueError):
            reader.fail(f"{where}.datetime", "must be an ISO datetime with an offset")
        if moment.tzinfo is None:
            reader.fail(f"{where}.datetime", "must carry a time-zone offset")
        fields["moment"] = moment.astimezone(dt.UTC)
        fields["days"] = DateRange(fields["moment"].date(), fields["moment"].date(), "day")
    elif kind == "text":
        fields["text"] = reader.get(raw, "text", where)
    else:
        point = raw["coordinates"]
        lat = reader.get(point, "lat", f"{where}.coordinates", (int, float))
        lon = reader.get(point, "lon", f"{where}.coordinates", (int, float))
        error = reader.get(point, "error_deg", f"{where}.coordinates", (int, float), False) or 0.0
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(error)):
            reader.fail(f"{where}.coordinates", "latitude or longitude out of range")
        fields["coordinates"] = (float(lat), float(lon), float(error))
    return FactValue(
        fact_id=fact_id,
        index=index,
        kind=kind,
        source=sources[source_id],
        quote=reader.get(raw, "quote", where),
        preferred=bool(reader.get(raw, "preferred", where, bool, required=False)),
        preferred_reason=reader.get(raw, "preferred_reason", where, required=False) or "",
        approximate=bool(reader.get(raw, "approximate", where, bool, required=False)),
        qualifier=MappingProxyType(qualifier),
        note=reader.get(raw, "note", where, required=False) or "",
        **fields,
    )


def _load_facts(reader: _Reader, raw: Any, entities, sources) -> dict[str, Fact]:
    if not isinstance(raw, list) or not raw:
        reader.fail("facts", "must be a non-empty list")
    facts = {}
    for position, entry in enumerate(raw):
        fact_id = reader.get(entry, "id", f"facts[{position}]")
        where = f"facts.{fact_id}"
        if fact_id in facts:
            reader.fail(where, "duplicate fact id")
        entity = reader.get(entry, "entity", where)
        if entity not in entities:
            reader.fail(f"{where}.entity", f"unknown entity {entity!r}")
        values = reader.get(entry, "values", where, list)
        loaded = tuple(
            _load_value(reader, value, fact_id, index, sources) for index, value in enumerate(values)
        )
        preferred = [value for value in loaded if value.preferred]
        if len(preferred) != 1:
            reader.fail(f"{where}.values", "exactly one value must be marked preferred")
        if len(loaded) > 1 and not preferred[0].preferred_reason:
            reader.fail(f"{where}.values", "the preferred value needs a preferred_reason")
        kinds = {value.kind for value in loaded}
        if len(kinds - {"date", "datetime"}) + (1 if kinds & {"date", "datetime"} else 0) != 1:
            reader.fail(f"{where}.values", "values of one fact must be of one kind")
        facts[fact_id] = Fact(
            id=fact_id,
            entity=entity,
            property=reader.get(entry, "property", where),
            description=reader.get(entry, "description", where, required=False) or "",
            values=loaded,
        )
    return facts


def _load_entities(reader: _Reader, raw: Any) -> dict[str, Entity]:
    if not isinstance(raw, dict) or not raw:
        reader.fail("entities", "must be a non-empty mapping")
    entities = {}
    for entity_id, entry in raw.items():
        where = f"entities.{entity_id}"
        aliases = reader.get(entry, "aliases", where, list, required=False) or []
        entities[entity_id] = Entity(
            id=entity_id,
            name=reader.get(entry, "name", where),
            type=reader.get(entry, "type", where, required=False) or "thing",
            aliases=tuple(str(alias) for alias in aliases),
            timezone=reader.get(entry, "timezone", where, required=False),
            wikidata=reader.get(entry, "wikidata", where, required=False),
        )
    return entities


def _load_statements(reader: _Reader, raw: Any, sources) -> tuple[Statement, ...]:
    if not isinstance(raw, list):
        reader.fail("statements", "must be a list")
    statements = []
    for position, entry in enumerate(raw):
        where = f"statements[{position}]"
        source_id = reader.get(entry, "source", where)
        if source_id not in sources:
            reader.fail(f"{where}.source", f"unknown source {source_id!r}")
        statements.append(
            Statement(
                id=reader.get(entry, "id", where),
                speaker=reader.get(entry, "speaker", where),
                reported_by=reader.get(entry, "reported_by", where),
                date=reader.date(entry, "date", where).start,
                text=reader.get(entry, "text", where),
                context=reader.get(entry, "context", where, required=False) or "",
                source=sources[source_id],
                quote=reader.get(entry, "quote", where),
                gist=reader.get(entry, "gist", where, required=False) or "",
            )
        )
    return tuple(statements)


def _dataset_sources(folder: Path, retrieved: dt.date) -> dict[str, Source]:
    # GCAT files keep their own format byte for byte; their provenance lives here and in gcat/README.md.
    return {
        name: Source(
            id=f"gcat-{Path(name).stem}",
            url=url,
            title=f"GCAT {Path(name).name}",
            publisher="Jonathan C. McDowell, GCAT (planet4589.org)",
            published=None,
            retrieved=retrieved,
            licence="CC-BY 4.0 (credit Jonathan C. McDowell, GCAT)",
        )
        for name, url in GCAT_SOURCES.items()
    }


def load_snapshot(folder: str | Path | None = None) -> Snapshot:
    """Load, validate and freeze the reference data in `folder` (default: the embedded snapshot)."""
    folder = Path(folder) if folder is not None else embedded_folder()
    identity, files = snapshot_id(folder)
    facts_doc = _load_yaml(folder / "facts.yaml")
    reader = _Reader("facts.yaml")
    for key in ("about", "retrieved", "licence"):
        reader.get(facts_doc, key, "header", (str, dt.date))
    sources = _load_sources(reader, facts_doc.get("sources"))
    entities = _load_entities(reader, facts_doc.get("entities"))
    facts = _load_facts(reader, facts_doc.get("facts"), entities, sources)
    statements_doc = _load_yaml(folder / "statements.yaml")
    statements = _load_statements(_Reader("statements.yaml"), statements_doc.get("statements"), sources)
    retrieved = reader.date(facts_doc, "retrieved", "header").start
    launches = parse_launches((folder / "gcat/launch.tsv").read_text(encoding="utf-8"), "gcat/launch.tsv")
    sites = parse_sites((folder / "gcat/sites.tsv").read_text(encoding="utf-8"), "gcat/sites.tsv")
    header = {
        key: facts_doc[key] for key in ("about", "compiled_from", "retrieved", "licence") if key in facts_doc
    }
    return Snapshot(
        id=identity,
        folder=str(folder),
        files=files,
        header=MappingProxyType(header),
        sources=MappingProxyType(sources),
        entities=MappingProxyType(entities),
        facts=MappingProxyType(facts),
        statements=statements,
        launches=launches,
        sites=MappingProxyType(sites),
        dataset_sources=MappingProxyType(_dataset_sources(folder, retrieved)),
    )
