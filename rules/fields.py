"""Marshmallow fields shared by the rule kinds' parameter schemas: the one shape of a rule."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from marshmallow import Schema, ValidationError, fields, post_load, validate

from rules.dates import parse_partial_date
from rules.errors import UnsafeQuantity
from rules.relations import RELATION_NAMES
from rules.units import UNIT_FORM, check_number, parse_unit

FACT_ID = r"^[a-z0-9_]{1,60}\.[a-z0-9_]{1,60}$"
MAX_TEXT = 2000


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
