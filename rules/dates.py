"""Partial dates ("2012", "2012-08", "2012-08-01") as the ranges of days they cover."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MIN_YEAR, MAX_YEAR = 1, 9999


@dataclass(frozen=True, order=True)
class DateRange:
    """The days a possibly partial date covers, with the precision it was given in."""

    start: dt.date
    end: dt.date
    precision: str  # "year", "month" or "day"

    @property
    def label(self) -> str:
        """Return the date as it was written ("2012", "2012-08", "2012-08-01")."""
        return self.start.isoformat()[: {"year": 4, "month": 7, "day": 10}[self.precision]]

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls inside the range."""
        return self.start <= day <= self.end


def parse_partial_date(text: object) -> DateRange:
    """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (or a date) into the range of days it covers."""
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        return DateRange(text, text, "day")
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not _PARTIAL.fullmatch(text.strip()):
        raise ValueError("must be a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year_s, month_s, day_s = _PARTIAL.fullmatch(text.strip()).groups()
    year = int(year_s)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    if month_s is None:
        return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    month = int(month_s)
    if not 1 <= month <= 12:
        raise ValueError("month must be between 01 and 12")
    if day_s is None:
        last = calendar.monthrange(year, month)[1]
        return DateRange(dt.date(year, month, 1), dt.date(year, month, last), "month")
    day = dt.date(year, month, int(day_s))  # raises ValueError for 2023-02-30
    return DateRange(day, day, "day")
