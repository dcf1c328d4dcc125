"""kl_dash's page-wide look and language: style.css and page.js, put in the page by app.py.

style.css: visible focus, print on A4 (no sidebar, header or buttons; charts in the page),
Streamlit's English-only parts a reader does not need hidden, and a closed sidebar out of the
tab order. page.js: the page's language (``lang="da"``; Streamlit has no setting for it),
charts that scale in print, Enter applying a typed date, the focus moved into a sidebar
when it is opened, and Streamlit's chart code loaded as soon as a page opens.
The theme's colours (contrast) are in .streamlit/config.toml.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent
APPLIED = "style_applied"  # set by app.py's first run in this session


# The URL paths (last part) of the pages that draw Plotly charts: app.py's Overblik (the
# default, ""), Kommuner, Møder og spor, Succeskriterier and Nyt partnerskab. page.js loads the
# chart code early only there, so that a page without charts is not kept busy by it.
CHART_PAGES = ("", "kommuner", "moeder", "succeskriterier", "partnerskab")


def plotly_chunk() -> str | None:
    """The file name of Streamlit's chart code (static/js/PlotlyChart.<hash>.js), if one."""
    found = list((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


@cache
def _page_html() -> str:
    css = (HERE / "style.css").read_text(encoding="utf-8")
    # page.js asks for Streamlit's chart code by its file name (see there).
    names = (
        f"window.klPlotlyChunk = {json.dumps(plotly_chunk())};\n"
        f"window.klChartPages = {json.dumps(CHART_PAGES)};\n"
    )
    script = names + (HERE / "page.js").read_text(encoding="utf-8")
    # The marker by which style.css hides the element that carries them (it takes no room).
    return f'<div id="kl-page-script"></div><style>{css}</style><script>{script}</script>'


def apply() -> None:
    """Put style.css and page.js in this run's page in one element (app.py, on every run)."""
    st.session_state[APPLIED] = True
    st.html(_page_html(), unsafe_allow_javascript=True)  # our own files, never user input


def through_app(page: str) -> None:
    """Send a page that shows no data through app.py when a fresh server ran it alone.

    Pages with data do this in frame.page_view; a page without data (the accessibility
    statement) has no view to ask for, so it asks whether app.py has put its style in yet.
    """
    if not st.session_state.get(APPLIED):
        from kl_dash.ui import frame  # pandas, DuckDB: app.py puts the style in before them

        st.session_state[frame.REQUESTED_PAGE] = page
        st.switch_page("app.py", query_params=st.query_params.to_dict())
