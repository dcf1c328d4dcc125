"""The view a page shows: which programme, as of which date. Shared by every page.

Pure functions; app.py draws the widgets and keeps the values in the URL query string.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

PROGRAMME_PARAM = "partnerskab"


@dataclass(frozen=True)
class View:
    """What app.py hands to the page it runs: a cursor and the chosen filters."""

    con: duckdb.DuckDBPyConnection
    programme_id: str
    as_of: date


def choose_programme(available: list[str], requested: str | None) -> tuple[str, str | None]:
    """The programme to show for a requested id, and a Danish notice when it was unknown."""
    if requested in available:
        return requested, None
    fallback = available[0]
    if requested is None:
        return fallback, None
    return fallback, f'Partnerskabet "{requested}" findes ikke; viser i stedet {fallback}.'
