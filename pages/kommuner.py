"""Kommuner: one row per municipality, and the chosen municipality's profile."""

import streamlit as st

from kl_dash import chart_text, charts, comparison_view, presenting, queries
from kl_dash.formatting import literal
from kl_dash.ui import chart_panel, frame, reports

view = frame.page_view("pages/kommuner.py")
f = view.filters
programme = view.data(queries.programme_info)
examples = view.data(queries.example_facts)

st.title("Kommuner")
st.caption(literal(presenting.view_caption(programme, f, view.choices)))

table = view.data(queries.municipality_table)
if table.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "kommuner")))
    st.stop()

shown = presenting.municipality_table(table, list(view.choices.groups.values()), examples)
st.write("Vælg en kommune i tabellen for at se dens profil.")
picked = st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=f"municipality-table-{f.municipality_code}",  # a new choice starts a new selection
)
view.offer(shown, "Kommuner")
rows = [r for r in picked.selection.rows if r < len(table)]
if rows and table["code"].iloc[rows[0]] != f.municipality_code:
    view.set_municipality(table["code"].iloc[rows[0]])
    st.rerun()

if f.municipality_code is None:
    st.stop()
row = table[table["code"] == f.municipality_code].iloc[0].to_dict()
st.header(f"Profil: {literal(row['name'])}")
st.caption(literal(presenting.profile_caption(row, examples)))
st.button("Vis alle kommuner", on_click=view.set_municipality, args=(None,))
reports.offer_profile(view, row["name"])

left, right = st.columns(2)
with left:
    st.subheader("Tilmelding")
    for step, day in presenting.enrollment_steps(row, programme["requires_agreement"]):
        st.write(f"**{step}:** {literal(day)}")
with right:
    st.subheader("Indsatsområder")
    focus = view.data(queries.profile_focus_areas)
    st.markdown("\n".join(f"- {literal(name)}" for name in focus) or "Ingen valgt endnu.")

st.subheader("Sammenlignet med netværket og alle deltagere")
compared = view.data(queries.development_comparison)
group_name = view.choices.groups.get(f.group_id) if f.group_id else None
st.caption(literal(comparison_view.scope_sentence(compared, f, group_name)))
with st.container(horizontal=True, gap="small"):
    for card in comparison_view.cards(compared):
        st.metric(card.label, card.value, card.delta, help=literal(card.help),
                  delta_color="off", border=True, width=210)  # fmt: skip
figures = comparison_view.figures_table(compared, examples)
st.dataframe(figures, hide_index=True, width="stretch")
view.offer(figures, f"Sammenligning {row['name']}")

st.markdown("**Succeskriterier opnået over tid**")
if compared.over_time.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "vurderinger af succeskriterier")))
else:
    names = comparison_view.names(compared, examples)
    over_time = comparison_view.over_time_table(compared, examples)
    chart_panel.show(
        charts.comparison_over_time(compared.over_time, names, f.as_of),
        chart_text.comparison_over_time(compared.over_time, names, f.as_of),
        over_time,
        "comparison",
    )
    view.offer(over_time, f"Over tid {row['name']}")

st.markdown("**Hvert succeskriterium**")
criteria_compared = comparison_view.criteria_table(compared, examples)
if criteria_compared.empty:
    st.info("Partnerskabet har ingen succeskriterier endnu.")
else:
    st.dataframe(criteria_compared, hide_index=True, width="stretch")
    view.offer(criteria_compared, f"Kriterier sammenlignet {row['name']}")

st.markdown("**Deltagere pr. gruppe og spor mod det ønskede antal**")
people_compared = comparison_view.participants_table(compared, examples)
st.dataframe(people_compared, hide_index=True, width="stretch")
view.offer(people_compared, f"Deltagere sammenlignet {row['name']}")

st.subheader("Fremmøde ved hvert møde")
attendance = view.data(queries.profile_attendance)
if attendance.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "afholdte møder")))
else:
    shown_attendance = presenting.profile_attendance_table(attendance, examples)
    st.dataframe(shown_attendance, hide_index=True, width="stretch")
    view.offer(shown_attendance, f"Fremmøde {row['name']}")

st.subheader("Succeskriterier over tid")
assessments = presenting.profile_criteria_table(view.data(queries.profile_criteria), examples)
if len(assessments.columns) <= 2:
    st.info(f"{literal(row['name'])} er ikke vurderet på succeskriterierne endnu.")
else:
    st.dataframe(assessments, hide_index=True, width="stretch")
    view.offer(assessments, f"Succeskriterier {row['name']}")
