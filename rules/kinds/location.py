"""`location`: where a place is: in a named region, near another place, or within a distance of it.

`in` compares the fact's text with `region` as `role` compares texts. `near` and `within` take the
great-circle distance between two coordinate facts, widened by each point's stated error into a
band; the claim holds when the band's lower end is at most the claimed distance (`near` without a
distance means within 100 km), under the `at_most` comparator's rounding and near-miss tolerance.

Holds (GCAT gives VOST and its parent site SVOB the same point, each ±0.5°)::

    {kind: location, fact: vostochny.coordinates, relation: near, target: svobodny.coordinates}

Does not hold::

    {kind: location, fact: vostochny.region, relation: in, region: Primorsky Krai}
"""

from __future__ import annotations

import math
from functools import lru_cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rules.fields import QuantitySchema, fact_ref, text
from rules.kinds.base import Kind
from rules.kinds.role import judge_text
from rules.model import Outcome, Span, Step
from rules.relations import judge, precision_of
from rules.units import Q_, format_unit, quantity

LOCATION_RELATIONS = ("in", "near", "within")
# IUGG mean Earth radius R1 = (2a + b) / 3 of the GRS 80 ellipsoid (Moritz, "Geodetic Reference
# System 1980", Journal of Geodesy 74, 2000): the usual radius for a spherical great-circle distance.
EARTH_RADIUS = Q_(6371.0088, "km")
DEFAULT_NEAR = Q_(100.0, "km")
# Which parameters each relation needs, and which it may take.
NEEDS = {"in": {"region"}, "near": {"target"}, "within": {"target", "distance"}}
TAKES = {"in": {"region"}, "near": {"target", "distance"}, "within": {"target", "distance"}}


class Params(Schema):
    fact = fact_ref(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(LOCATION_RELATIONS))
    region = text(200)
    target = fact_ref()
    distance = fields.Nested(QuantitySchema)

    @validates_schema
    def parameters_for_relation(self, data, **kwargs):
        name = data.get("relation")
        if name not in NEEDS:
            return
        given = {key for key in ("region", "target", "distance") if key in data}
        if missing := sorted(NEEDS[name] - given):
            raise ValidationError(f"is required with '{name}'", missing[0])
        if unused := sorted(given - TAKES[name]):
            raise ValidationError(f"is not used with '{name}'", unused[0])
        if "distance" in data and not quantity(**data["distance"]).check("[length]"):
            raise ValidationError("must be a length", "distance")


# Distances are in km as plain floats, in the same operations pint did on km quantities (so to the
# same bits): pint arithmetic cost about 100 us per evaluation, most of a `near` claim.
EARTH_RADIUS_KM = EARTH_RADIUS.magnitude


def _arc(angle_deg: float) -> float:
    return EARTH_RADIUS_KM * math.radians(angle_deg)


def great_circle(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    """Return the haversine distance in km between two (lat, lon, ...) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (first[0], first[1], second[0], second[1]))
    half = (
        math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return EARTH_RADIUS_KM * 2 * math.asin(min(1.0, math.sqrt(half)))


@lru_cache(maxsize=256, typed=True)  # typed: 100 and 100.0 give an int or a float claimed distance
def _claimed(value: float | None, unit: str | None) -> tuple[float, float, str]:
    """Return the claimed distance in km, its rounding step in km, and how it was written."""
    given = DEFAULT_NEAR if value is None else quantity(value, unit)
    claimed = given.to("km").magnitude
    # The claim's rounding is read in the unit it was written in ("10 mi" → ±0.5 mi), then converted.
    step = (precision_of(given.magnitude) * given.units).to("km").magnitude
    return claimed, step, f"{given.magnitude:g} {format_unit(given.units)}"


def _in_region(params, value) -> Outcome:
    if value.text is None:
        return Outcome.unverifiable(f"{value.fact_id} is not a place name.")
    verdict, _, detail = judge_text(params["region"], value.text)
    steps = (
        Step("claimed", "region as written", params["region"]),
        Step("reference", f"{value.fact_id} ({value.source.publisher})", value.display()),
        Step("comparison", "similarity of casefolded word sets, 0-100 (spelling variants collapsed)", detail),
    )
    reason = (
        f"{value.fact_id} is {value.display()!r} ({value.source.publisher}); the claimed "
        f"{params['region']!r} is {detail}."
    )
    return Outcome(verdict, reason, steps)


def evaluate(params, values, context) -> Outcome:
    if params["relation"] == "in":
        return _in_region(params, values["fact"])
    here, there = values["fact"], values["target"]
    if here.coordinates is None or there.coordinates is None:
        return Outcome.unverifiable(f"{here.fact_id} and {there.fact_id} must both be coordinates.")
    distance = great_circle(here.coordinates, there.coordinates)
    # A point's error is in degrees; as an arc of latitude it is the longest it can be on the ground,
    # so the band is never narrower than the data allow.
    band = _arc(here.coordinates[2]) + _arc(there.coordinates[2])
    low, high = max(distance - band, 0.0), distance + band
    written = params.get("distance")
    claimed, step, shown = _claimed(*((written["value"], written["unit"]) if written else (None, None)))
    verdict, by_rounding, span, detail = judge("at_most", claimed, low, step=step, unit="km")
    default = "" if "distance" in params else " ('near' without a distance means within 100 km)"
    steps = (
        Step(
            "points",
            f"{here.fact_id} {here.display()}, {there.fact_id} {there.display()}",
            f"errors ±{here.coordinates[2]:g}° and ±{there.coordinates[2]:g}°",
        ),
        Step(
            "distance",
            "haversine on a sphere of 6,371.0088 km (IUGG mean radius) ± the errors",
            f"{distance:,.1f} ± {band:,.1f} km",
        ),
        Step("comparison", f"at least {low:,.1f} km against within {shown}{default}", detail),
    )
    reason = (
        f"{here.fact_id} and {there.fact_id} are {distance:,.1f} ± "
        f"{band:,.1f} km apart, so at least {low:,.1f} km; against the "
        f"claimed {params['relation']} {shown}{default} that is {detail}."
    )
    return Outcome(verdict, reason, steps, span, Span(low, high, "km"), by_rounding)


KIND = Kind(
    "location",
    "Where a place is: in a region, near or within a distance of another.",
    Params,
    evaluate,
    fact_fields=("fact", "target"),
)
