"""GCAT's launch list and site table, fetched whole and checked with the engine's own parsers.

The files are stored byte for byte as GCAT publishes them; a file that is not GCAT's format, is cut
short, or has far fewer rows than the snapshot it would replace is rejected whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rules.errors import ReferenceDataError
from rules.events import parse_launches, parse_sites
from rules.reference import GCAT_SOURCES, Snapshot
from service.refresh.errors import InvalidPayload
from service.refresh.http import Client, MiB

SOURCE = "gcat"
MAX_BYTES = {"gcat/launch.tsv": 64 * MiB, "gcat/sites.tsv": 8 * MiB}
# A new file may have at most this share fewer rows than the file it replaces.
MAX_SHRINK = 0.10
FIRST_LAUNCH_YEAR = 1900


@dataclass(frozen=True)
class Checked:
    """A GCAT file that passed every check: its bytes and how many rows it holds."""

    name: str
    body: bytes
    rows: int


def _invalid(name: str, problem: str) -> InvalidPayload:
    return InvalidPayload(f"{SOURCE} {name}: {problem}; nothing was replaced", SOURCE)


def _current_rows(name: str, current: Snapshot | None) -> int | None:
    if current is None:
        return None
    return len(current.launches) if name == "gcat/launch.tsv" else len(current.sites)


def check(name: str, body: bytes, current: Snapshot | None, today: dt.date) -> Checked:
    """Validate one fetched GCAT file and return it, or raise InvalidPayload saying what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _invalid(name, f"not UTF-8 text (byte {error.start})") from None
    if text[:512].lstrip().startswith("<"):
        raise _invalid(name, "looks like an HTML page, not GCAT's TSV")
    if not text.endswith("\n"):
        raise _invalid(name, "the last line is cut (no final newline): the file is truncated")
    try:
        if name == "gcat/launch.tsv":
            launches = parse_launches(text, name)
            rows = len(launches)
            for launch in launches:
                if not FIRST_LAUNCH_YEAR <= launch.date.start.year <= today.year + 1:
                    raise _invalid(name, f"launch {launch.tag} has an impossible date {launch.date.label}")
                if not launch.tag or not launch.code:
                    raise _invalid(name, f"a launch row has no Launch_Tag or LaunchCode (tag {launch.tag!r})")
        else:
            sites = parse_sites(text, name)
            rows = len(sites)
            for site in sites.values():
                if site.latitude is not None and not -90 <= site.latitude <= 90:
                    raise _invalid(name, f"site {site.code} latitude {site.latitude} is out of range")
                if site.longitude is not None and not -180 <= site.longitude <= 180:
                    raise _invalid(name, f"site {site.code} longitude {site.longitude} is out of range")
    except ReferenceDataError as error:
        raise _invalid(name, str(error).removeprefix(f"{name}: ")) from None
    before = _current_rows(name, current)
    if rows == 0:
        raise _invalid(name, "no data rows")
    if before and rows < before * (1 - MAX_SHRINK):
        raise _invalid(
            name,
            f"{rows} rows, {before - rows} fewer than the current snapshot's "
            f"{before} (more than {MAX_SHRINK:.0%}): probably truncated",
        )
    return Checked(name=name, body=body, rows=rows)


def fetch(
    client: Client, current: Snapshot | None, today: dt.date, step: Callable[[str], None] = lambda label: None
) -> dict[str, Checked]:
    """Fetch and check both GCAT files; return them only if both pass."""
    checked = {}
    for name, url in GCAT_SOURCES.items():
        step(f"gcat {name.removeprefix('gcat/')}")
        body = client.get(url, source=SOURCE, max_bytes=MAX_BYTES[name])
        checked[name] = check(name, body, current, today)
    return checked
