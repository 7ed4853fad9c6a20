"""Placeholder: being written."""

from marshmallow import Schema

from rules.kinds.base import Kind
from rules.model import Outcome

COUNT = Kind("count", "placeholder", Schema, lambda p, v, c: Outcome.unverifiable("not yet"), ())
SHARE = Kind("share", "placeholder", Schema, lambda p, v, c: Outcome.unverifiable("not yet"), ())
