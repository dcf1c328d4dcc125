"""Succeskriterier: the criteria verbatim, where each municipality stands, and progress."""

import streamlit as st

from kl_dash import page_content, presenting, queries
from kl_dash.formatting import format_date, literal
from kl_dash.ui import chart_panel, frame, tables

view = frame.page_view("pages/succeskriterier.py")
f = view.filters
programme = view.data(queries.programme_info)

st.title("Succeskriterier")
st.caption(literal(presenting.view_caption(programme, f, view.choices)))

criteria = view.data(queries.criteria)
origin = presenting.criteria_origin(criteria, view.data(queries.programme_definition).notes)
if criteria.empty:
    st.info(literal(origin))
    st.stop()

st.subheader("Kriterierne")
st.caption(literal(origin))
st.markdown("\n\n".join(map(literal, presenting.criteria_texts(criteria))))

st.subheader(f"Status pr. kommune pr. {format_date(f.as_of)}")
status = view.data(queries.criteria_status)
cells = status.cells
if cells.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "deltagende kommuner")))
else:
    matrix = view.later(page_content.criteria_matrix)
    chart_panel.show(
        view.built(page_content.criteria_heatmap),
        view.built(page_content.criteria_heatmap_text),
        matrix,
        "criteria",
    )
    view.offer(matrix, "Succeskriterier pr. kommune")
    shares = view.built(page_content.criterion_shares)
    tables.show(shares)
    view.offer(shares, "Succeskriterier opnået pr. kriterium")

st.subheader("Andel opnået over tid")
if status.shares.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "vurderinger")))
else:
    shares_table = view.later(page_content.shares_table)
    chart_panel.show(
        view.built(page_content.share_over_time),
        view.built(page_content.share_over_time_text),
        shares_table,
        "criteria-shares",
    )
    view.offer(shares_table, "Succeskriterier over tid")
