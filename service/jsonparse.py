"""Strict JSON for request bodies: RFC 8259 only, with bounded nesting and bounded number literals.

Python's `json` accepts NaN and Infinity, recurses once per nesting level (10,000 levels end in
RecursionError) and refuses to convert integers of more than 4,300 digits (ValueError), so bodies are
checked for depth before parsing and every constant and number literal passes a check while parsing.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate, repeat
from typing import Any

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 100
MAX_OBJECT_KEYS = 32  # the largest object of the API (a rule) has 9 fields

# A JSON string (removed whole, so brackets inside it do not count), written as an unrolled loop so
# that long strings are matched at C speed.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# What is left of a JSON text without its strings, reduced to brackets: objects count as arrays
# (nesting is nesting) and whitespace, separators, numbers, true, false and null are deleted.
_TO_BRACKETS = str.maketrans({"{": "[", "}": "]", **dict.fromkeys(" \t\r\n,:0123456789+-.eEtrufalsn")})
_DEPTH_STEP = {"[": 1, "]": -1}


class RejectedJSON(ValueError):
    """A body the strict parser refuses; each subclass says why."""


class InvalidJSON(RejectedJSON):
    """The body is not well-formed JSON (RFC 8259): syntax, encoding, NaN or Infinity."""


class JSONTooDeep(RejectedJSON):
    """The body nests arrays and objects deeper than the limit."""


class NumberTooLarge(RejectedJSON):
    """A number literal in the body is too long or beyond the range of a float."""


class TooManyKeys(RejectedJSON):
    """An object in the body has more keys than any object of the API could."""


def _depth_exceeds(text: str, max_depth: int) -> bool:
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _STRING.sub("", text).translate(_TO_BRACKETS)
    levels = 0
    # Each pass removes exactly the innermost level (str.replace does not rescan what a removal
    # exposes), so a well-formed body of any size takes at most max_depth + 1 quick passes.
    while brackets and levels <= max_depth:
        shorter = brackets.replace("[]", "")
        if len(shorter) == len(brackets):  # unbalanced or stray characters: not JSON; measure exactly
            steps = map(_DEPTH_STEP.get, brackets, repeat(0))
            return levels + max(accumulate(steps)) > max_depth
        brackets, levels = shorter, levels + 1
    return levels > max_depth


def _reject_constant(name: str) -> Any:
    raise InvalidJSON(f"{name} is not valid JSON; numbers must be finite")


def _parse_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise NumberTooLarge(f"a number has {len(literal)} characters; at most {MAX_NUMBER_CHARS}")
    return int(literal)


def _parse_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise NumberTooLarge(f"a number has {len(literal)} characters; at most {MAX_NUMBER_CHARS}")
    number = float(literal)
    if not math.isfinite(number):
        raise NumberTooLarge(f"the number {literal} is beyond the range of a 64-bit float")
    return number


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_OBJECT_KEYS:
        raise TooManyKeys(f"an object has {len(pairs)} keys; at most {MAX_OBJECT_KEYS}")
    return dict(pairs)


def loads(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a request body as strict JSON, or raise a RejectedJSON subclass saying why."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJSON("the body is not UTF-8") from None
    if not data.strip():
        raise InvalidJSON("the body is empty; send a JSON object")
    if _depth_exceeds(data, max_depth):
        raise JSONTooDeep(f"arrays and objects nest deeper than {max_depth} levels")
    try:
        return json.loads(
            data,
            object_pairs_hook=_object,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except json.JSONDecodeError as error:
        raise InvalidJSON(f"{error.msg} at line {error.lineno}, column {error.colno}") from None
    except RecursionError:  # the depth check makes this unreachable; never let it become a 500
        raise JSONTooDeep(f"arrays and objects nest deeper than {max_depth} levels") from None
