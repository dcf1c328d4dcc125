"""Overblik: how the chosen partnership is going, for the political steering group."""

import streamlit as st

from kl_dash import labels, page_content, presenting, queries
from kl_dash.formatting import literal
from kl_dash.ui import chart_panel, frame, reports, tables

view = frame.page_view("pages/overblik.py")
f = view.filters
programme = view.data(queries.programme_info)

st.title(literal(programme["name"]))
notes = view.data(queries.programme_definition).notes
st.caption(literal(presenting.programme_caption(programme, notes)))
kind, sentence = presenting.status_sentence(programme, f.as_of)
getattr(st, kind)(literal(sentence))
if summary := presenting.filter_summary(f, view.choices):
    st.caption(f"Filtre: {literal(summary)}")

_, before = view.data(queries.key_figures_with_previous)
cards = view.built(page_content.key_figure_cards)
with st.container(horizontal=True, gap="small"):  # cards wrap to the screen's width
    for card in cards:
        st.metric(
            card.label,
            card.value,
            card.delta,
            help=card.help,
            delta_color="off",
            border=True,
            width=170,
        )
st.caption(presenting.changes_since_note(before.as_of))
reports.offer_status_report(view)

st.subheader("Mødeplan og afholdte møder")
plan = view.data(queries.meeting_plan)
if plan.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "møder")))
else:
    plan_table = view.later(page_content.meeting_plan_table)
    chart_panel.show(
        view.built(page_content.meeting_timeline),
        view.built(page_content.meeting_timeline_text),
        plan_table,
        "timeline",
    )
    if note := view.built(page_content.unscheduled_note):
        st.caption(note)
    view.offer(plan_table, "Mødeplan")

st.subheader("De næste møder")
if overdue := view.built(page_content.overdue_note):
    st.warning(literal(overdue))
next_table = view.built(page_content.next_meetings_table)
if next_table.empty:
    st.write("Ingen kommende møder i planen." if overdue else "Alle planlagte møder er afholdt.")
else:
    tables.show(next_table)
    view.offer(next_table, "De næste møder")

st.subheader("Udvikling over tid")
left, right = st.columns(2)
with left:
    st.markdown("**Tilmeldinger**")
    progress = view.data(queries.enrollment_progress)
    if progress.empty:
        st.info(literal(presenting.empty_sentence(f, view.choices, "tilmeldinger")))
    else:
        progress_table = view.later(page_content.progress_table)
        chart_panel.show(
            view.built(page_content.enrollment_steps),
            view.built(page_content.enrollment_steps_text),
            progress_table,
            "enrollment",
        )
        st.caption(labels.PROGRESS_NOTE)
        view.offer(progress_table, "Tilmeldinger over tid")
with right:
    st.markdown("**Succeskriterier opnået**")
    shares = view.data(queries.criteria_shares)
    if shares.empty:
        st.info(
            literal(presenting.empty_sentence(f, view.choices, "vurderinger af succeskriterier"))
        )
    else:
        shares_table = view.later(page_content.shares_table)
        chart_panel.show(
            view.built(page_content.share_over_time),
            view.built(page_content.share_over_time_text),
            shares_table,
            "criteria-shares",
        )
        view.offer(shares_table, "Succeskriterier over tid")

st.subheader("Kommunerne på kortet")
places = view.data(queries.municipality_map)
if places["status"].isna().all():
    st.info(literal(presenting.empty_sentence(f, view.choices, "tilmeldte kommuner")))
else:
    map_table = view.later(page_content.map_table)
    chart_panel.show(
        view.built(page_content.denmark_map),
        view.built(page_content.denmark_map_text),
        map_table,
        "map",
    )
    view.offer(map_table, "Kommuner på kortet")
    regions = view.built(page_content.region_table)
    tables.show(regions)
    view.offer(regions, "Kommuner pr. region")
