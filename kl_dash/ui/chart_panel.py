"""A chart as every reader can take it in: the figure with its words, or its numbers as a table.

The figure is drawn without Plotly's toolbar (eight English-named tab stops per chart) and
with the colours it was built with (charts._frame: contrast checked in tests/test_charts.py),
not Streamlit's chart theme. Its ``alt`` text (kl_dash.chart_text) is its accessible name.
A "Vis som tabel" switch, operable with the keyboard, shows the table instead.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from kl_dash.ui import tables

CONFIG = {"displayModeBar": False}


def show(figure: go.Figure, alt: str, table: tables.Table, key: str) -> None:
    """The figure with its Danish alt text, or (switched on) the same numbers as a table.

    ``table`` may be what makes it (View.later): then it is made only when switched on.
    """
    as_table = st.toggle(
        "Vis som tabel",
        key=f"as-table-{key}",
        help="Vis diagrammets tal som en tabel i stedet for diagrammet.",
    )
    if as_table:
        # Short dates and column widths, as every table of the pages.
        tables.show(tables.made(table))
    else:
        st.plotly_chart(
            figure, alt=alt, config=CONFIG, theme=None, width="stretch", key=f"chart-{key}"
        )
