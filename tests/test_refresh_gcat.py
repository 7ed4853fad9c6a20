"""GCAT: the live files checked with the engine's parsers; anything else is rejected whole."""

import datetime as dt
from pathlib import Path

import pytest
import responses

from rules.reference import GCAT_SOURCES, load_snapshot
from service.refresh import gcat
from service.refresh.errors import InvalidPayload, PayloadTooLarge
from service.refresh.http import Client, MiB

DATA = Path(__file__).parent / "data" / "refresh"
LAUNCHES = (DATA / "gcat" / "launch.tsv").read_bytes()
SITES = (DATA / "gcat" / "sites.tsv").read_bytes()
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def current():
    """The refresh test snapshot (242 launches, 8 sites), loaded once; read-only."""
    return load_snapshot(DATA / "snapshot")


def test_real_gcat_files_pass(current):
    checked = gcat.check("gcat/launch.tsv", LAUNCHES, current, TODAY)
    assert checked.rows == 243
    assert checked.body == LAUNCHES
    assert gcat.check("gcat/sites.tsv", SITES, current, TODAY).rows == 8


def edit(text: bytes, old: str, new: str) -> bytes:
    assert old.encode() in text
    return text.replace(old.encode(), new.encode(), 1)


def rows(text: bytes, keep: int) -> bytes:
    lines = text.decode().splitlines(keepends=True)
    return "".join(lines[: 2 + keep]).encode()


@pytest.mark.parametrize(
    ("name", "body", "problem"),
    [
        (
            "gcat/launch.tsv",
            b"<!DOCTYPE html>\n<html><title>503 Service Unavailable</title></html>\n",
            "looks like an HTML page",
        ),
        ("gcat/launch.tsv", LAUNCHES[:-40], "the last line is cut"),
        ("gcat/launch.tsv", rows(LAUNCHES, 200), "200 rows, 42 fewer than the current snapshot's 242"),
        ("gcat/launch.tsv", edit(LAUNCHES, "\tLaunchCode\t", "\tLaunch_Code\t"), "header does not match"),
        ("gcat/launch.tsv", edit(LAUNCHES, "\tOS\t", "\tOS\tEXTRA\t"), r"row \d+ has 27 fields"),
        ("gcat/launch.tsv", edit(LAUNCHES, "2016 Jan", "1016 Jan"), "impossible date"),
        ("gcat/launch.tsv", rows(LAUNCHES, 0), "no data rows"),
        ("gcat/launch.tsv", b"\xff\xfe" + LAUNCHES, "not UTF-8"),
        ("gcat/sites.tsv", edit(SITES, "   51.7000 ", "   91.7000 "), "latitude 91.7 is out of range"),
        ("gcat/sites.tsv", SITES.replace(b"\t", b",", 40), "header does not match"),
    ],
)
def test_a_payload_that_is_not_gcat_is_rejected_whole(current, name, body, problem):
    with pytest.raises(InvalidPayload, match=problem) as caught:
        gcat.check(name, body, current, TODAY)
    assert str(caught.value).startswith(f"gcat {name}: ")
    assert str(caught.value).endswith("nothing was replaced")


def test_a_small_shrink_is_accepted(current):
    assert gcat.check("gcat/launch.tsv", rows(LAUNCHES, 230), current, TODAY).rows == 230


def test_fetch_reads_both_files(current):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(GCAT_SOURCES["gcat/launch.tsv"], body=LAUNCHES)
        mock.get(GCAT_SOURCES["gcat/sites.tsv"], body=SITES)
        checked = gcat.fetch(Client(sleep=lambda s: None), current, TODAY)
    assert {name: item.rows for name, item in checked.items()} == {
        "gcat/launch.tsv": 243,
        "gcat/sites.tsv": 8,
    }


def test_the_launch_list_is_capped_at_64_mib(current):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(
            GCAT_SOURCES["gcat/launch.tsv"], body=LAUNCHES, headers={"Content-Length": str(64 * MiB + 1)}
        )
        with pytest.raises(PayloadTooLarge, match=r"gcat: .* over the 64 MiB cap"):
            gcat.fetch(Client(sleep=lambda s: None), current, TODAY)
