"""Overblik: how the chosen partnership is going, in a few figures and its meeting plan."""

import streamlit as st

from kl_dash import labels, queries
from kl_dash.formatting import format_date
from kl_dash.presenting import key_figure_cards, meeting_plan_table

view = st.session_state["view"]
programme = queries.programmes(view.con).set_index("id").loc[view.programme_id]
figures = queries.key_figures(view.con, view.programme_id, view.as_of)

st.title(programme["name"])
st.caption(
    f"{programme['case_id']} · {programme['run_text']} · status pr. {format_date(view.as_of)}"
)

cards = key_figure_cards(figures, bool(programme["requires_agreement"]))
for column, card in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(card.label, card.value, help=card.help)

st.subheader("Mødeplan")
st.dataframe(
    meeting_plan_table(queries.meeting_plan(view.con, view.programme_id, view.as_of)),
    hide_index=True,
    width="stretch",
)
st.caption(labels.MEETING_PLAN_NOTE)
