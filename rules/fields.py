"""Marshmallow fields shared by the rule kinds' parameter schemas: the one shape of a rule."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

from marshmallow import Schema, ValidationError, fields, post_load, validate

from rules.dates import parse_partial_date
from rules.errors import UnsafeQuantity
from rules.relations import RELATION_NAMES
from rules.units import UNIT_FORM, check_number, parse_unit

FACT_ID = r"^[a-z0-9_]{1,60}\.[a-z0-9_]{1,60}$"
MAX_TEXT = 2000
_FACT_ID = re.compile(FACT_ID)  # matched as validate.Regexp does (re.match, so "$" allows a final newline)


class Number(fields.Field):
    """A finite JSON number within the engine's range (no NaN, Infinity, booleans or huge integers)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return check_number(value)
        except UnsafeQuantity as error:
            raise ValidationError(str(error)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class PartialDate(fields.Field):
    """A date written YYYY, YYYY-MM or YYYY-MM-DD, loaded as the range of days it covers."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str | int | dt.date) or isinstance(value, bool):
            raise ValidationError("must be a date written YYYY, YYYY-MM or YYYY-MM-DD")
        try:
            return parse_partial_date(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.label if value is not None else None


@functools.cache
def _zone_names() -> frozenset[str]:
    # Listing the zones reads the tz database from disk (about 10 ms): do it once per process.
    return frozenset(zoneinfo.available_timezones())


class TimeZone(fields.String):
    """An IANA time-zone name such as Asia/Seoul."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if len(name) > 64 or name not in _zone_names():
            raise ValidationError("must be an IANA time-zone name such as Asia/Seoul")
        return name


class QuantitySchema(Schema):
    """A claimed quantity: `{"value": 550, "unit": "km**2"}`."""

    value = Number(required=True)
    unit = fields.String(
        required=True, validate=validate.Length(1, 40), metadata={"pattern": rf"^\s*{UNIT_FORM}\s*$"}
    )

    @post_load
    def check_unit(self, data, **kwargs):
        try:
            parse_unit(data["unit"])
        except UnsafeQuantity as error:
            raise ValidationError(str(error), "unit") from None
        return data


def fact_ref(**kwargs) -> fields.String:
    """Return a field holding a fact id such as `vostochny.area`."""
    return fields.String(
        validate=validate.Regexp(FACT_ID, error="must be a fact id like 'vostochny.area'"), **kwargs
    )


def relation(**kwargs) -> fields.String:
    """Return a field holding one of the hedges and comparators."""
    return fields.String(validate=validate.OneOf(RELATION_NAMES), **kwargs)


def text(max_length: int = MAX_TEXT, **kwargs) -> fields.String:
    """Return a bounded free-text field."""
    return fields.String(validate=validate.Length(1, max_length), **kwargs)


def secondary() -> fields.List:
    """Return the list of facts whose match makes a claim misleading rather than accurate."""
    return fields.List(fact_ref(), validate=validate.Length(max=8), load_default=())


# Shortcuts past marshmallow for the common, valid shapes of a rule. Each returns exactly what its
# kind's Params schema loads (same keys, order and values), or None when the input is anything else
# (wrong type, unknown or optional keys, out of range, ...): the caller then loads with the schema,
# which accepts it or writes the error messages. So they may only decline, never disagree.


def quick_fact(value: object) -> bool:
    """Whether `value` passes fact_ref() as is: a str (not a subclass) of the fact-id form."""
    return type(value) is str and _FACT_ID.match(value) is not None


def quick_relation(value: object) -> bool:
    """Whether `value` passes relation() as is and needs no 'high' (every relation but 'between')."""
    return type(value) is str and value in RELATION_NAMES and value != "between"


def quick_number(value: object) -> float | None:
    """Return what Number() loads `value` as, or None when it would not load."""
    try:
        return check_number(value)
    except UnsafeQuantity:
        return None


def quick_quantity(value: object) -> dict | None:
    """Return what Nested(QuantitySchema) loads `value` as, or None when it would not load plainly."""
    if type(value) is not dict or len(value) != 2:
        return None
    number, unit = value.get("value"), value.get("unit")
    if type(unit) is not str or not 1 <= len(unit) <= 40:
        return None
    number = quick_number(number)
    if number is None:
        return None
    try:
        parse_unit(unit)
    except UnsafeQuantity:
        return None
    return {"value": number, "unit": unit}
