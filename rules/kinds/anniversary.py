"""Placeholder: being written."""

from marshmallow import Schema

from rules.kinds.base import Kind
from rules.model import Outcome

KIND = Kind("anniversary", "placeholder", Schema, lambda params, values, context: Outcome.unverifiable("not yet"))
