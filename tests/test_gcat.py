"""GCAT parsing against the real rows: per-year counts match the dataset's README."""

import collections
import datetime as dt

import pytest

from rules.events import parse_gcat_date

EXPECTED = {  # orbital-class attempts per year 2016-2023, from shared/data/gcat/README.md
    "GIK-5": [11, 13, 9, 13, 7, 14, 7, 9],
    "GIK-1": [5, 5, 6, 8, 7, 5, 13, 7],
    "VOST": [1, 1, 2, 1, 1, 5, 1, 3],
}


def test_orbital_launch_counts_per_site_and_year(test_snapshot):
    counts = collections.Counter(
        (launch.site, launch.date.start.year) for launch in test_snapshot.launches if launch.orbital
    )
    for site, per_year in EXPECTED.items():
        assert [counts[(site, year)] for year in range(2016, 2024)] == per_year


def test_sites_resolve_to_names_and_states(test_snapshot):
    assert test_snapshot.sites["VOST"].ucode == "SVOB"  # Vostochny is filed under Svobodny
    assert test_snapshot.sites["GIK-5"].name.startswith("GIK-5, Baykonur")
    assert test_snapshot.sites["SOHAE"].state == "KP"


def test_luna_25_row(test_snapshot):
    luna = next(launch for launch in test_snapshot.launches if launch.tag == "2023-118")
    assert luna.moment == dt.datetime(2023, 8, 10, 23, 10, 57, tzinfo=dt.UTC)
    assert (luna.site, luna.code, luna.orbital, luna.failed) == ("VOST", "DS", True, False)


@pytest.mark.parametrize(
    ("text", "precision", "moment"),
    [
        ("2016 Apr 28 0201:21", "day", "2016-04-28T02:01:21+00:00"),
        ("2023 Aug 23 1850?", "day", "2023-08-23T18:50:00+00:00"),
        ("2016 DEc 14", "day", None),
        ("2016 Jan", "month", None),
        ("2023", "year", None),
    ],
)
def test_gcat_date_forms(text, precision, moment):
    days, parsed = parse_gcat_date(text)
    assert days.precision == precision
    assert (parsed.isoformat() if parsed else None) == moment
