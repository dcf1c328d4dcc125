"""Overblik: how the chosen partnership is going, for the political steering group."""

import streamlit as st

from kl_dash import charts, labels, presenting, queries
from kl_dash.formatting import literal
from kl_dash.ui import frame, reports

view = frame.page_view("pages/overblik.py")
f = view.filters
programme = view.data(queries.programme_info)
examples = view.data(queries.example_facts)

st.title(literal(programme["name"]))
notes = view.data(queries.programme_definition).notes
st.caption(literal(presenting.programme_caption(programme, notes)))
kind, sentence = presenting.status_sentence(programme, f.as_of)
getattr(st, kind)(literal(sentence))
if summary := presenting.filter_summary(f, view.choices):
    st.caption(f"Filtre: {literal(summary)}")

coming = view.data(queries.next_meetings)
before = view.data(queries.previous_key_figures)
cards = presenting.key_figure_cards(
    view.data(queries.key_figures), before, programme["requires_agreement"]
)
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
    st.plotly_chart(
        charts.meeting_timeline(presenting.timeline_order(plan, examples), f.as_of), width="stretch"
    )
    if note := presenting.unscheduled_note(plan):
        st.caption(note)
    view.offer(presenting.meeting_plan_table(plan, examples), "Mødeplan")

st.subheader("De næste møder")
if overdue := presenting.overdue_note(plan):
    st.warning(literal(overdue))
if coming.empty:
    st.write("Ingen kommende møder i planen." if overdue else "Alle planlagte møder er afholdt.")
else:
    next_table = presenting.next_meetings_table(coming, examples)
    st.dataframe(next_table, hide_index=True, width="stretch")
    view.offer(next_table, "De næste møder")

st.subheader("Udvikling over tid")
left, right = st.columns(2)
with left:
    st.markdown("**Tilmeldinger**")
    progress = view.data(queries.enrollment_progress)
    if progress.empty:
        st.info(literal(presenting.empty_sentence(f, view.choices, "tilmeldinger")))
    else:
        st.plotly_chart(charts.enrollment_steps(progress, f.as_of), width="stretch")
        st.caption(labels.PROGRESS_NOTE)
        view.offer(presenting.progress_table(progress), "Tilmeldinger over tid")
with right:
    st.markdown("**Succeskriterier opnået**")
    shares = view.data(queries.criteria_shares)
    if shares.empty:
        st.info(
            literal(presenting.empty_sentence(f, view.choices, "vurderinger af succeskriterier"))
        )
    else:
        st.plotly_chart(charts.share_over_time(shares, f.as_of), width="stretch")
        view.offer(presenting.shares_table(shares), "Succeskriterier over tid")

st.subheader("Kommunerne på kortet")
places = view.data(queries.municipality_map)
if places["status"].isna().all():
    st.info(literal(presenting.empty_sentence(f, view.choices, "tilmeldte kommuner")))
else:
    st.plotly_chart(charts.denmark_map(places), width="stretch")
    view.offer(presenting.map_table(places), "Kommuner på kortet")
    regions = presenting.region_table(places)
    st.dataframe(regions, hide_index=True, width="stretch")
    view.offer(regions, "Kommuner pr. region")
