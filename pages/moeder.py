"""Møder og spor: the meeting plan per group and track, attendance, participants per track."""

import streamlit as st

from kl_dash import chart_text, charts, presenting, queries
from kl_dash.formatting import literal
from kl_dash.ui import chart_panel, frame, tables

view = frame.page_view("pages/moeder.py")
f = view.filters
programme = view.data(queries.programme_info)
examples = view.data(queries.example_facts)

st.title("Møder og spor")
st.caption(literal(presenting.view_caption(programme, f, view.choices)))

st.subheader("Mødeplan")
plan = view.data(queries.meeting_plan)
if plan.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "møder")))
else:
    table = presenting.meeting_plan_table(plan, examples)
    chart_panel.show(
        charts.meeting_timeline(presenting.timeline_order(plan, examples), f.as_of),
        chart_text.meeting_timeline(plan, f.as_of),
        table,
        "timeline",
    )
    tables.show(table, tables.MEETINGS)
    view.offer(table, "Mødeplan")

st.subheader("Fremmøde pr. kommune og møde")
cells = view.data(queries.attendance_cells)
if cells.empty or cells["attendees"].isna().all():
    st.info(literal(presenting.empty_sentence(f, view.choices, "afholdte møder med fremmøde")))
else:
    st.caption(
        "Tallet er antal fremmødte; farven er andelen af kommunens tilmeldte. Tom celle: "
        "mødet var ikke for kommunen (et andet netværks møde, eller en gruppe kommunen ikke "
        "har tilmeldt nogen til), eller kommunen deltog ikke i partnerskabet på mødedagen."
    )
    matrix = presenting.attendance_matrix(cells)
    chart_panel.show(
        charts.attendance_heatmap(cells), chart_text.attendance_heatmap(cells), matrix, "attendance"
    )
    view.offer(matrix, "Fremmøde")

st.subheader("Deltagere pr. spor mod det ønskede antal")
people = view.data(queries.participants)
if people.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "tilmeldte deltagere")))
else:
    table = presenting.participants_table(people)
    chart_panel.show(
        charts.participants_range(people),
        chart_text.participants_range(people),
        table,
        "participants",
    )
    outside = table[table["Uden for intervallet"] == "ja"]
    if outside.empty:
        st.success("Alle kommuner har det ønskede antal deltagere i hver gruppe og hvert spor.")
    else:
        st.warning(presenting.outside_range_sentence(len(outside)))
        tables.show(outside.drop(columns="Uden for intervallet"))
    view.offer(table, "Deltagere pr. spor")
