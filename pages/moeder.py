"""Møder og spor: the meeting plan per group and track, attendance, participants per track."""

import streamlit as st

from kl_dash import page_content, presenting, queries
from kl_dash.formatting import literal
from kl_dash.ui import chart_panel, frame, tables

view = frame.page_view("pages/moeder.py")
f = view.filters
programme = view.data(queries.programme_info)

st.title("Møder og spor")
st.caption(literal(presenting.view_caption(programme, f, view.choices)))

st.subheader("Mødeplan")
plan, attendance = view.data(queries.meeting_plan), view.data(queries.attendance)
if plan.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "møder")))
else:
    table = view.built(page_content.meeting_plan_table)
    chart_panel.show(
        view.built(page_content.meeting_timeline),
        view.built(page_content.meeting_timeline_text),
        table,
        "timeline",
    )
    tables.show(table, tables.MEETINGS)
    view.offer(table, "Mødeplan")

st.subheader("Fremmøde pr. kommune og møde")
cells = attendance.cells
if cells.empty or cells["attendees"].isna().all():
    st.info(literal(presenting.empty_sentence(f, view.choices, "afholdte møder med fremmøde")))
else:
    st.caption(
        "Tallet er antal fremmødte; farven er andelen af kommunens tilmeldte. Tom celle: "
        "mødet var ikke for kommunen (et andet netværks møde, eller en gruppe kommunen ikke "
        "har tilmeldt nogen til), eller kommunen deltog ikke i partnerskabet på mødedagen."
    )
    matrix = view.later(page_content.attendance_matrix)
    chart_panel.show(
        view.built(page_content.attendance_heatmap),
        view.built(page_content.attendance_heatmap_text),
        matrix,
        "attendance",
    )
    view.offer(matrix, "Fremmøde")

st.subheader("Deltagere pr. spor mod det ønskede antal")
people = view.built(page_content.participants)
if people.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "tilmeldte deltagere")))
else:
    table = view.built(page_content.participants_table)
    chart_panel.show(
        view.built(page_content.participants_range),
        view.built(page_content.participants_range_text),
        table,
        "participants",
    )
    outside = view.built(page_content.participants_outside)
    if outside.empty:
        st.success("Alle kommuner har det ønskede antal deltagere i hver gruppe og hvert spor.")
    else:
        st.warning(presenting.outside_range_sentence(len(outside)))
        tables.show(outside)
    view.offer(table, "Deltagere pr. spor")
