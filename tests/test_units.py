"""The unit registry's strict door: hostile strings are refused before pint parses anything."""

import json
import os
import subprocess
import sys
import time

import pytest

from rules.errors import UnsafeQuantity
from rules.units import check_number, parse_unit, quantity, ureg

HOSTILE_UNITS = [
    "9**9**9 m",
    "m**9**9**9",
    "2**2**2**2**2**2 m",
    "__import__('os')",
    "m" * 4096,
    "m*" * 50 + "m",
    "1e308*1e308 m",
    "m**99999999999",
    "",
    "   ",
    "km**2; drop",
    "(m)",
    "m**-1",
]


@pytest.mark.parametrize("text", HOSTILE_UNITS)
def test_hostile_unit_strings_are_refused_fast(text):
    started = time.perf_counter()
    with pytest.raises(UnsafeQuantity):
        parse_unit(text)
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("km**2", "kilometer**2"),
        ("km²", "kilometer**2"),
        ("km^2", "kilometer**2"),
        ("hectare", "hectare"),
        ("USD/year", "USD/year"),
        ("people", "people"),
        ("mi**2", "mile**2"),
    ],
)
def test_newspaper_units_parse(text, expected):
    assert parse_unit(text) == ureg.parse_units(expected)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**400, True, "550", 1e16])
def test_numbers_outside_the_engine_range_are_refused(value):
    with pytest.raises(UnsafeQuantity):
        check_number(value)


def test_quantities_convert_between_newspaper_units():
    assert quantity(55000, "hectare").to("km**2").magnitude == pytest.approx(550)
    assert quantity(213, "mi**2").to("km**2").magnitude == pytest.approx(551.67, rel=1e-3)


def _import_units(cache, *, check: str = "") -> subprocess.CompletedProcess:
    code = f"import rules.units as units; assert units.quantity(550, 'km**2').to('m**2').magnitude == 5.5e8{check}"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "CLAIMCHECK_UNIT_CACHE": str(cache)},
        capture_output=True,
        text=True,
        check=True,
    )


def test_the_unit_cache_is_written_once_and_then_read(tmp_path):
    cache = tmp_path / "unit-cache"
    first = _import_units(cache)
    written = {path.name: path.stat().st_mtime_ns for path in cache.glob("*.pickle")}
    assert written and first.stderr == ""
    again = _import_units(cache, check="; assert units.ureg.cache_folder is not None")
    assert again.stderr == ""
    assert {path.name: path.stat().st_mtime_ns for path in cache.glob("*.pickle")} == written


def test_a_damaged_unit_cache_is_set_aside_with_a_warning_and_written_again(tmp_path):
    cache = tmp_path / "unit-cache"
    _import_units(cache)
    for path in cache.glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:64])  # as a worker killed while writing it would leave it
    damaged = _import_units(cache, check="; assert units.ureg.cache_folder is None")
    assert "unit cache" in damaged.stderr and "set aside" in damaged.stderr
    assert not list(cache.glob("*.pickle"))
    again = _import_units(cache, check="; assert units.ureg.cache_folder is not None")
    assert again.stderr == "" and list(cache.glob("*.pickle"))


@pytest.mark.parametrize("mode", [0o775, 0o757])
def test_a_unit_cache_others_may_write_is_not_loaded(tmp_path, mode):
    cache = tmp_path / "unit-cache"
    _import_units(cache)
    cache.chmod(mode)
    refused = _import_units(cache, check="; assert units.ureg.cache_folder is None")
    assert "writable by no one else" in refused.stderr


# What rules.units offers, for every unit the data, the lexicon and the benchmarks write.
_UNIT_FACTS = """
import json, rules.units as u
units = ["km**2", "m**2", "hectare", "acre", "mi**2", "km", "m", "mi", "mile", "people", "count",
         "percent", "year", "day", "month", "USD", "USD/year", "km/h", "kg", "t", "ft"]
print(json.dumps({
    text: [u.format_unit(u.parse_unit(text)), str(u.parse_unit(text).dimensionality),
           {other: u.conversion_factor(u.parse_unit(text), u.parse_unit(other)) for other in units}]
    for text in units
}, sort_keys=True))
"""


def test_a_registry_from_the_unit_cache_answers_as_a_parsed_one(tmp_path, monkeypatch):
    # pint loads cached definitions without rebuilding some of its own indexes (its
    # get_compatible_units finds nothing then); what this program asks of it must not change.
    monkeypatch.delenv("CLAIMCHECK_UNIT_CACHE", raising=False)
    run = [sys.executable, "-c", _UNIT_FACTS]
    parsed = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    cache = {**os.environ, "CLAIMCHECK_UNIT_CACHE": str(tmp_path / "unit-cache")}
    filling = subprocess.run(run, env=cache, capture_output=True, text=True, check=True).stdout
    from_cache = subprocess.run(run, env=cache, capture_output=True, text=True, check=True)
    assert list((tmp_path / "unit-cache").glob("*.pickle")) and from_cache.stderr == ""
    assert parsed == filling == from_cache.stdout
    label, dimension, factors = json.loads(parsed)["km**2"]
    assert (label, dimension, factors["hectare"], factors["km"]) == ("km²", "[length] ** 2", 100.0, None)


def test_without_a_unit_cache_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMCHECK_UNIT_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    code = "import rules.units as units; assert units.ureg.cache_folder is None"
    subprocess.run([sys.executable, "-c", code], env=dict(os.environ), check=True)
    assert list(tmp_path.iterdir()) == []
