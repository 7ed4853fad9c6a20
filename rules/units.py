"""The one unit registry of the program, and the only door through which numbers and units reach pint.

pint parses unit strings with an expression evaluator that can hang on exponent towers
(`m**9**9**9`) and is quadratic in length, so every string is matched against a strict
pattern first and quantities are built as `Q_(float, units)`, never from a raw string.
"""

import contextlib
import logging
import math
import os
import re
import stat
import tokenize
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pint

from rules.errors import UnsafeQuantity

MAX_UNIT_LENGTH = 40
MAX_ABS_VALUE = 1e15

# A unit is at most four atoms of letters (with ² or ³ or a single-digit exponent), joined by * or /.
_ATOM = r"[A-Za-z_]{1,20}(?:\*\*[1-9]|\^[1-9]|[²³])?"
_UNIT_PATTERN = re.compile(rf"(?:{_ATOM})(?:\s*[*/]\s*{_ATOM}){{0,3}}")
UNIT_FORM = _UNIT_PATTERN.pattern  # the same form, for the API document's `pattern`
_SUPERSCRIPTS = {"²": "**2", "³": "**3"}
_log = logging.getLogger(__name__)


def _unit_cache() -> Path | None:
    """Return the folder CLAIMCHECK_UNIT_CACHE names, or None when unset or not safe to load from."""
    # pint can keep its parsed default definitions on disk: 15 ms to load instead of 120 ms to parse,
    # in every worker at start-up (some of pint's own indexes are then built as first needed, and its
    # get_compatible_units finds nothing; tests/test_units.py holds that what this module offers is the
    # same). The files are pickles, which run code when loaded, so the folder must belong to this user
    # (or root) and be writable by no one else.
    name = os.environ.get("CLAIMCHECK_UNIT_CACHE")
    if not name:
        return None
    folder = Path(name)
    try:
        status = folder.stat()
    except FileNotFoundError:
        return folder  # pint makes it, as this user
    except OSError as error:
        _log.warning("unit cache %s not used (%s); parsing the definitions", folder, error)
        return None
    if status.st_uid not in (os.getuid(), 0) or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        _log.warning(
            "unit cache %s not used: it must belong to this user or root and be writable by no one "
            "else; parsing the definitions",
            folder,
        )
        return None
    return folder


def _set_aside(folder: Path) -> None:
    """Remove a cache's files so the next process writes them afresh (a read-only cache stays)."""
    for path in [*folder.glob("*.pickle"), *folder.glob("*.json")]:
        with contextlib.suppress(OSError):
            path.unlink()


def _pint_registry() -> pint.UnitRegistry:
    folder = _unit_cache()
    if folder is not None:
        try:
            return pint.UnitRegistry(cache_folder=folder, autoconvert_offset_to_baseunit=True)
        except Exception as error:  # a damaged or unwritable cache must never stop the service
            # A writer killed mid-file leaves a truncated pickle (pint writes in place).
            _log.warning("unit cache %s not used (%r); set aside, parsing the definitions", folder, error)
            _set_aside(folder)
    return pint.UnitRegistry(cache_folder=None, autoconvert_offset_to_baseunit=True)


def _make_registry() -> pint.UnitRegistry:
    registry = _pint_registry()
    with resources.files("rules").joinpath("data/units.txt").open(encoding="utf-8") as handle:
        registry.load_definitions(handle.read().splitlines())
    registry.formatter.default_format = "~P"
    return registry


ureg = _make_registry()
Q_ = ureg.Quantity


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Return the pint unit for a unit string that passes the strict pattern."""
    if not isinstance(text, str):
        raise UnsafeQuantity("unit must be a string")
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_UNIT_LENGTH:
        raise UnsafeQuantity(f"unit must be 1 to {MAX_UNIT_LENGTH} characters")
    if not _UNIT_PATTERN.fullmatch(cleaned):
        raise UnsafeQuantity(
            f"unit {cleaned[:MAX_UNIT_LENGTH]!r} is not of the form 'km**2', 'm', 'USD/year'"
        )
    for mark, power in _SUPERSCRIPTS.items():
        cleaned = cleaned.replace(mark, power)
    cleaned = cleaned.replace("^", "**")
    try:
        return ureg.parse_units(cleaned)
    # pint's tokenizer refuses control characters the pattern's \s lets through ("A/\vA") with
    # tokenize.TokenError, which is no PintError.
    except (
        pint.errors.PintError,
        tokenize.TokenError,
        AttributeError,
        TypeError,
        ValueError,
        AssertionError,
        ZeroDivisionError,
        RecursionError,
    ) as error:
        raise UnsafeQuantity(f"unknown unit {text.strip()!r}") from error


def check_number(value: object) -> float:
    """Return `value` as a finite float within the engine's range, or raise UnsafeQuantity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnsafeQuantity("value must be a number")
    if isinstance(value, int) and abs(value) > MAX_ABS_VALUE:
        raise UnsafeQuantity(f"value must be at most {MAX_ABS_VALUE:g} in magnitude")
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
        raise UnsafeQuantity(f"value must be finite and at most {MAX_ABS_VALUE:g} in magnitude")
    return number


def quantity(value: object, unit: str) -> pint.Quantity:
    """Build a quantity from a checked number and a checked unit string."""
    return Q_(check_number(value), parse_unit(unit))


@lru_cache(maxsize=512)
def format_unit(unit: pint.Unit) -> str:
    """Return the short, human form of a unit ("km²")."""
    text = f"{unit:~P}"
    return text or "×"


@lru_cache(maxsize=1024)
def conversion_factor(source: pint.Unit, target: pint.Unit) -> float | None:
    """Return what to multiply a magnitude in `source` by to express it in `target`; None if incompatible."""
    # pint's conversion costs 10-25 us; rules convert the same few unit pairs over and over.
    try:
        return float(Q_(1.0, source).to(target).magnitude)
    except pint.errors.DimensionalityError:
        return None


def format_number(number: float) -> str:
    """Return a number as a reader would write it: 551.5, 5,494,719, 0.9112."""
    if abs(number) >= 1e5:
        return f"{number:,.0f}"
    return f"{number:,.6g}" if abs(number) >= 1 else f"{number:.4g}"
