"""Download buttons for the status report (PDF, PowerPoint) and a municipality's profile (PDF).

Each file is built when the button is clicked (Streamlit runs the callable in a thread of its
own), for the view the page shows: same partnership, status date and filters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import duckdb
import streamlit as st

from kl_dash import db, downloads
from kl_dash.filters import Choices, Filters
from kl_dash.formatting import literal
from kl_dash.ui import frame
from kl_dash.ui.frame import View

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

Writer = Callable[[duckdb.DuckDBPyConnection, Filters, Choices, date], bytes]


def build(
    con: duckdb.DuckDBPyConnection, write: Writer, filters: Filters, choices: Choices
) -> bytes:
    """The file ``write`` makes for the view, on a cursor of its own (run on click)."""
    cursor = con.cursor()
    try:
        return write(cursor, filters, choices, date.today())
    finally:
        cursor.close()


# The report modules load typst and python-pptx, slow to import: each writer imports its module
# when a file is made, not when a page first loads (issue 12).


def _status_pdf(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> bytes:
    from kl_dash import report_pdf  # imported on click (see above)

    return report_pdf.write_status(con, filters, choices, today)


def _status_pptx(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> bytes:
    from kl_dash import report_pptx  # imported on click (see above)

    return report_pptx.write_status(con, filters, choices, today)


def _profile_pdf(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> bytes:
    from kl_dash import report_pdf  # imported on click (see above)

    return report_pdf.write_profile(con, filters, choices, today)


def _button(view: View, label: str, write: Writer, name: str, mime: str, help: str) -> None:
    con = frame.open_database(str(db.resolve_db_path()))
    st.download_button(
        label,
        partial(build, con, write, view.filters, view.choices),
        file_name=name,
        mime=mime,
        on_click="ignore",
        key=f"report-{name}",
        help=help,
    )


def offer_status_report(view: View) -> None:
    """The status report of the page's view as PDF and as PowerPoint."""
    stem = f"Statusrapport {view.filters.programme_id} {view.filters.as_of.isoformat()}"
    with st.container(horizontal=True):
        _button(
            view,
            "⬇ Statusrapport (PDF)",
            _status_pdf,
            downloads.file_name(stem, "pdf"),
            PDF,
            "Til mødemappen: A4 på tværs med nøgletal, mødeplan, fremmøde, succeskriterier og "
            "kommunerne, som de står her (dato og filtre). Dannes, når du klikker.",
        )
        _button(
            view,
            "⬇ Statusrapport (PowerPoint)",
            _status_pptx,
            downloads.file_name(stem, "pptx"),
            PPTX,
            "De samme tal som dias (16:9); tabellerne kan redigeres i PowerPoint. "
            "Dannes, når du klikker.",
        )


def offer_profile(view: View, name: str) -> None:
    """The chosen municipality's one-page profile as PDF."""
    stem = f"Kommuneprofil {name} {view.filters.as_of.isoformat()}"
    _button(
        view,
        "⬇ Profil (PDF)",
        _profile_pdf,
        downloads.file_name(stem, "pdf"),
        PDF,
        f"Profilen for {literal(name)} på én side (A4), som den står her. Dannes, når du klikker.",
    )
