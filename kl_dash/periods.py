"""Planned dates and periods as the programme descriptions write them.

A meeting plan says "14. september 2021", "primo 2018", "efteråret 2017" or "august 2021".
Each is kept as written and turned into a date range so that it can be drawn on a timeline.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

# Named parts of a year: (first month, last month).
YEAR_PARTS = {
    "primo": (1, 4),
    "medio": (5, 8),
    "ultimo": (9, 12),
    "foråret": (3, 5),
    "forår": (3, 5),
    "sommeren": (6, 8),
    "sommer": (6, 8),
    "efteråret": (9, 11),
    "efterår": (9, 11),
    "første halvår": (1, 6),
    "andet halvår": (7, 12),
}

EXPECTED = (
    'en dato ("14. september 2021" eller 2021-09-14) eller en periode '
    '("primo 2018", "medio 2019", "ultimo 2019", "efteråret 2017", "august 2021", "2018")'
)

_DANISH_DATE = re.compile(r"(\d{1,2})\.\s*([a-zæøå]+)\s+(\d{4})")
_PART_YEAR = re.compile(r"([a-zæøå ]+?)\s+(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class PeriodError(ValueError):
    """A planned date or period that cannot be read."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> tuple[date, date]:
    """Return the first and last day that a written date or period covers."""
    cleaned = " ".join(text.strip().lower().split())
    if _ISO.fullmatch(cleaned):
        try:
            day = date.fromisoformat(cleaned)
        except ValueError as exc:
            raise PeriodError(f'"{text}" er ikke en gyldig dato; forventet {EXPECTED}') from exc
        return day, day
    if m := _DANISH_DATE.fullmatch(cleaned):
        day_no, month_name, year = int(m[1]), m[2], int(m[3])
        if month_name in MONTHS:
            try:
                day = date(year, MONTHS.index(month_name) + 1, day_no)
            except ValueError as exc:
                raise PeriodError(f'"{text}" er ikke en gyldig dato; forventet {EXPECTED}') from exc
            return day, day
    if cleaned.isdigit() and len(cleaned) == 4:
        year = int(cleaned)
        return date(year, 1, 1), date(year, 12, 31)
    if m := _PART_YEAR.fullmatch(cleaned):
        part, year = m[1].strip(), int(m[2])
        if part in YEAR_PARTS:
            first, last = YEAR_PARTS[part]
            return date(year, first, 1), _month_end(year, last)
        if part in MONTHS:
            month = MONTHS.index(part) + 1
            return date(year, month, 1), _month_end(year, month)
    raise PeriodError(f'"{text}" kan ikke læses som dato eller periode; forventet {EXPECTED}')
