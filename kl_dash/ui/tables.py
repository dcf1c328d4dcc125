"""Every table the pages draw: column widths, short headings and help.

The columns are configured here once, by their Danish heading, so that each table shows its
important columns on a 1024 px laptop without sideways scrolling (tests/e2e/test_screens.py).
A page names a table's important columns (``first``): they come first, the others after them
(reached by scrolling) or, for the Kommuner table, only in the profile and the downloads.
Long dates are shown short in a table ('20. sep. 2021'); the downloads keep them in full.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from kl_dash.formatting import shorten_dates

if TYPE_CHECKING:
    import pyarrow as pa

Column = dict[str, Any]
# A table, or what makes it when it is asked for (frame.View.later): a table behind a chart's
# switch or a download is made only when someone opens it.
Table = pd.DataFrame | Callable[[], pd.DataFrame]


def made(table: Table) -> pd.DataFrame:
    """The table itself: made now if it was given as what makes it."""
    return table() if callable(table) else table


# Widths in pixels; a table's important columns add up to at most the 560 px of a page's
# main column at 1024 px (the sidebar open), checkbox column included.
COLUMNS: dict[str, Column] = {
    "": {"width": 165},  # a row's heading, e.g. "Succeskriterier opnået"
    "Kommune": {"width": 130},
    "Region": {"width": 95},
    "Netværk": {"width": 190},
    "Status": {"width": 150},  # "Afventer politisk aftale"
    "Fremmøde": {"width": 75},
    "Møder deltaget": {"width": 110},
    "Succeskriterier opnået": {
        "label": "Kriterier",
        "width": 70,
        "help": "Succeskriterier opnået af dem, kommunen er vurderet på",
    },
    "Møde": {"width": 140},  # "Opstartskonference" unbroken
    "Type": {"width": 130},
    "Gruppe/spor": {"width": 150},  # "Kommunikationsspor" unbroken
    "Planlagt": {"width": 105},
    "Afholdt": {"width": 160, "help": "Afholdt den dato, eller ikke registreret som afholdt"},
    "Form": {"width": 90},
    "Fremmødte": {"width": 85},
    "Tilmeldte": {"width": 85},
    "Nr.": {"width": 45},
    "Kriterium": {"width": 80},
    "Opnået": {"width": 70},
    "Vurderede kommuner": {"label": "Vurderet", "width": 80, "help": "Vurderede kommuner"},
    "Andel opnået": {"width": 100},
    "Succeskriterium": {"width": 300},  # 190 characters in five lines
    "Forventet": {"width": 260},
    "Beskrivelse": {"width": 260},
    "Tidspunkt": {"width": 130, "help": "Hvornår uploaden blev gemt"},
    "Upload": {"width": 60},
    "Af": {"width": 90},
    "Fil": {"width": 145},
    "Fortrudt": {"width": 220, "help": "Hvornår og af hvem uploaden blev fortrudt"},
}


# The important columns of the tables that have more than fit. (No column is pinned: Streamlit
# draws a pinned column's text faded, below the contrast WCAG asks for.)
MUNICIPALITIES = ("Kommune", "Region", "Status", "Fremmøde", "Succeskriterier opnået")
# The meeting plan: Nr. first, as on the timeline and over the attendance heatmap's columns;
# Planlagt comes after the important columns (they fill the 560 px with Afholdt's
# "3. apr. 2018 (eksempel)").
MEETINGS = ("Nr.", "Møde", "Gruppe/spor", "Afholdt")
ATTENDANCE = ("Møde", "Afholdt", "Fremmødte", "Tilmeldte")
UPLOADS = ("Upload", "Tidspunkt", "Fil", "Fortrudt")
CRITERIA = ("Nr.", "Succeskriterium")  # then one column named by the page (a municipality, a day)
# Texts in these columns wrap instead of being cut: the rows are made as tall as the longest
# text needs, up to five lines (Streamlit wraps text only in rows taller than 64 px).
WRAPPED = ("Succeskriterium", "Forventet", "Beskrivelse", "Møde", "Gruppe/spor")
CHARACTER = 7  # pixels, about, of a character in a table's 14 px text
LINE, PADDING, MOST_LINES = 20, 14, 5
FIGURES = ("",)  # the profile's figures: then the municipality and everyone
PEOPLE = ("Gruppe/spor",)  # the profile's participants: then the municipality's
WIDTH = 110  # an important column named by the page, not here


def _config(heading: str, important: bool) -> Any:
    settings = COLUMNS.get(heading, {})
    label = settings.get("label", shorten_dates(str(heading)))
    return st.column_config.Column(
        label,
        width=settings.get("width", WIDTH if important else None),
        help=settings.get("help"),
    )


def on_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as a page shows it: long dates in its text and headings made short."""
    shown = frame.rename(columns=lambda c: shorten_dates(c) if isinstance(c, str) else c)
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].map(
                lambda v: shorten_dates(v) if isinstance(v, str) else v
            )
    return shown


@dataclass
class Prepared:
    """A table made ready to draw once: shown as on_screen makes it, and as Arrow."""

    shown: pd.DataFrame
    arrow: pa.Table
    heights: dict[tuple[str, ...], int | None] = field(default_factory=dict)


# Tables prepared for drawing, by the identity of the frame they were made from: a kept table
# (kl_dash/ui/results.py) is the same object on every run of every session and never changes,
# so its short dates and its Arrow form are made once, not on every rerun. A frame made for one
# run only is prepared anew each time (its weak reference is dead by then); the least recently
# drawn entries go first.
MAX_PREPARED = 512
_prepared: OrderedDict[int, tuple[weakref.ref, Prepared]] = OrderedDict()
_lock = threading.Lock()


def prepared(frame: pd.DataFrame) -> Prepared:
    """``frame`` ready to draw, made once for as long as the same frame is drawn."""
    key = id(frame)
    with _lock:
        entry = _prepared.get(key)
        if entry is not None and entry[0]() is frame:
            _prepared.move_to_end(key)
            return entry[1]
    shown = on_screen(frame)
    # Streamlit's own conversion of a DataFrame: the same bytes it would send for ``shown``.
    ready = Prepared(shown, dataframe_util.convert_pandas_df_to_arrow_table(shown))
    with _lock:
        _prepared[key] = (weakref.ref(frame), ready)
        while len(_prepared) > MAX_PREPARED:
            _prepared.popitem(last=False)
    return ready


def show(
    frame: pd.DataFrame,
    first: Sequence[str] = (),
    *,
    hide: Sequence[str] = (),
    key: str | None = None,
    select: bool = False,
) -> Any:
    """Draw ``frame``: its ``first`` columns first, then the others but ``hide``.

    ``select``: one row can be chosen by a click; returns the selection (a page offers a select
    box beside it for the keyboard).
    """
    ready = prepared(frame)
    shown = ready.shown
    renamed = dict(zip(frame.columns, shown.columns, strict=True))
    order = [renamed[c] for c in first if c in renamed]
    leading = len(order)
    order += [
        c for c in shown.columns if c not in order and c not in {renamed.get(h) for h in hide}
    ]
    config = {c: _config(c, i < leading) for i, c in enumerate(order)}
    if (height := ready.heights.get(tuple(order), False)) is False:
        height = ready.heights[tuple(order)] = row_height(shown, order)
    return st.dataframe(
        ready.arrow,
        hide_index=True,
        width="stretch",
        column_order=order,
        column_config=config,
        key=key,
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
        row_height=height,
    )


def row_height(shown: pd.DataFrame, order: Sequence[str]) -> int | None:
    """Rows tall enough for the longest text of a wrapped column; None: one line is enough."""
    lines = 1
    wrapped = [c for c in order if c in WRAPPED and "width" in COLUMNS[c]]
    for column in wrapped if len(shown) else []:
        room = (COLUMNS[column]["width"] - 16) // CHARACTER  # characters a line
        longest = int(shown[column].astype(str).str.len().max())
        lines = max(lines, -(-longest // room))
    if lines == 1:
        return None
    return max(65, min(lines, MOST_LINES) * LINE + PADDING)
