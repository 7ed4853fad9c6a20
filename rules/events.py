"""Event datasets: GCAT's launch list and site table, parsed by their real column layout."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rules.dates import DateRange
from rules.errors import ReferenceDataError

LAUNCH_COLUMNS = [
    "Launch_Tag",
    "Launch_JD",
    "Launch_Date",
    "LV_Type",
    "Variant",
    "Flight_ID",
    "Flight",
    "Mission",
    "FlightCode",
    "Platform",
    "Launch_Site",
    "Launch_Pad",
    "Ascent_Site",
    "Ascent_Pad",
    "Apogee",
    "Apoflag",
    "Range",
    "RangeFlag",
    "Dest",
    "OrbPay",
    "Agency",
    "LaunchCode",
    "FailCode",
    "Group",
    "Category",
    "LTCite",
    "Cite",
    "Notes",
]
# GCAT's header names Apoflag and RangeFlag, but data rows carry each flag as the last character of the
# padded Apogee and Range values, so a row has two fields fewer than its header.
_ROW_COLUMNS = [name for name in LAUNCH_COLUMNS if name not in ("Apoflag", "RangeFlag")]
SITE_COLUMNS = [
    "Site",
    "Code",
    "UCode",
    "Type",
    "StateCode",
    "TStart",
    "TStop",
    "ShortName",
    "Name",
    "Location",
    "Longitude",
    "Latitude",
    "Error",
    "Parent",
    "ShortEName",
    "EName",
    "Group",
    "UName",
]
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_GCAT_DATE = re.compile(r"(\d{4})(?:\s+([A-Za-z]{3})(?:\s+(\d{1,2})(?:\s+(\d{2})(\d{2})(?::(\d{2}))?)?)?)?")


@dataclass(frozen=True)
class Launch:
    """One row of GCAT's launch list."""

    tag: str
    date: DateRange
    moment: dt.datetime | None
    vehicle: str
    flight: str
    mission: str
    site: str
    pad: str
    agency: str
    code: str

    @property
    def orbital(self) -> bool:
        """Whether this was an orbital or deep-space launch attempt (codes O* and D*)."""
        return self.code[:1] in ("O", "D")

    @property
    def failed(self) -> bool:
        """Whether GCAT records the launch as a failure (second letter F)."""
        return self.code[1:2] == "F"

    def to_dict(self) -> dict[str, str]:
        """Return the row's key fields as plain data."""
        return {
            "tag": self.tag,
            "date": self.moment.isoformat() if self.moment else self.date.label,
            "vehicle": self.vehicle,
            "flight": self.flight,
            "site": self.site,
            "code": self.code,
        }


@dataclass(frozen=True)
class Site:
    """One launch site from GCAT's site table."""

    code: str
    ucode: str
    name: str
    state: str
    latitude: float | None
    longitude: float | None
    error_deg: float | None
    parent: str


def parse_gcat_date(text: str) -> tuple[DateRange, dt.datetime | None]:
    """Parse GCAT's `YYYY Mon DD HHMM:SS` (often shorter, `?` for doubt) into days and a UTC moment."""
    cleaned = text.replace("?", "").strip()
    match = _GCAT_DATE.match(cleaned)
    if not match:
        raise ValueError(f"unreadable GCAT date {text!r}")
    year, month_name, day, hour, minute, second = match.groups()
    if month_name is None:
        return DateRange(dt.date(int(year), 1, 1), dt.date(int(year), 12, 31), "year"), None
    month = _MONTHS.get(month_name.lower())
    if month is None:
        raise ValueError(f"unknown month in GCAT date {text!r}")
    if day is None:
        start = dt.date(int(year), month, 1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return DateRange(start, end, "month"), None
    day_date = dt.date(int(year), month, int(day))
    moment = None
    if hour is not None:
        moment = dt.datetime(
            int(year), month, int(day), int(hour), int(minute), int(second or 0), tzinfo=dt.UTC
        )
    return DateRange(day_date, day_date, "day"), moment


def _rows(text: str, name: str, expected_header: list[str]) -> list[list[str]]:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#"):
        raise ReferenceDataError(f"{name}: first line must be GCAT's '#' header")
    header = lines[0].lstrip("#").split("\t")
    if [column.strip() for column in header] != expected_header:
        raise ReferenceDataError(f"{name}: header does not match GCAT's column layout")
    return [line.split("\t") for line in lines[1:] if line.strip() and not line.startswith("#")]


def parse_launches(text: str, name: str = "launch.tsv") -> tuple[Launch, ...]:
    """Parse GCAT `launch.tsv` text into launches; a malformed row names its line."""
    launches = []
    for number, fields in enumerate(_rows(text, name, LAUNCH_COLUMNS), start=3):
        if len(fields) != len(_ROW_COLUMNS):
            raise ReferenceDataError(
                f"{name}: row {number} has {len(fields)} fields, expected {len(_ROW_COLUMNS)}"
            )
        row = {column: value.strip() for column, value in zip(_ROW_COLUMNS, fields, strict=True)}
        try:
            days, moment = parse_gcat_date(row["Launch_Date"])
        except ValueError as error:
            raise ReferenceDataError(f"{name}: row {number}, field Launch_Date: {error}") from None
        launches.append(
            Launch(
                tag=row["Launch_Tag"],
                date=days,
                moment=moment,
                vehicle=row["LV_Type"],
                flight=row["Flight"],
                mission=row["Mission"],
                site=row["Launch_Site"],
                pad=row["Launch_Pad"],
                agency=row["Agency"],
                code=row["LaunchCode"],
            )
        )
    return tuple(launches)


def _float_or_none(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def parse_sites(text: str, name: str = "sites.tsv") -> dict[str, Site]:
    """Parse GCAT `sites.tsv` text into sites keyed by code."""
    sites = {}
    for number, fields in enumerate(_rows(text, name, SITE_COLUMNS), start=2):
        if len(fields) != len(SITE_COLUMNS):
            raise ReferenceDataError(
                f"{name}: row {number} has {len(fields)} fields, expected {len(SITE_COLUMNS)}"
            )
        row = {column: value.strip() for column, value in zip(SITE_COLUMNS, fields, strict=True)}
        sites[row["Site"]] = Site(
            code=row["Site"],
            ucode=row["UCode"],
            name=row["Name"],
            state=row["StateCode"],
            latitude=_float_or_none(row["Latitude"]),
            longitude=_float_or_none(row["Longitude"]),
            error_deg=_float_or_none(row["Error"]),
            parent=row["Parent"],
        )
    return sites
