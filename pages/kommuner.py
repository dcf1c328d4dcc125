"""Kommuner: one row per municipality, and the chosen municipality's profile."""

import streamlit as st

from kl_dash import comparison_view, page_content, presenting, queries
from kl_dash.formatting import literal
from kl_dash.ui import chart_panel, frame, reports, tables

view = frame.page_view("pages/kommuner.py")
f = view.filters
programme = view.data(queries.programme_info)
examples = view.data(queries.example_facts)

st.title("Kommuner")
st.caption(literal(presenting.view_caption(programme, f, view.choices)))

table = view.built(page_content.municipality_rows)  # on a profile, its own row
if table.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "kommuner")))
    st.stop()

shown = view.built(page_content.municipality_table, tuple(view.choices.groups.values()))
st.write(
    "Vælg en kommune i tabellen eller i listen under den for at se dens profil. Deltagere "
    "pr. gruppe og spor står i profilen og i downloads."
)
picked = tables.show(
    shown,
    tables.MUNICIPALITIES,
    hide=list(view.choices.groups.values()),  # in the profile and the downloads
    key=f"municipality-table-{f.municipality_code}",  # a new choice starts a new selection
    select=True,
)
view.offer(shown, "Kommuner")
by_code = dict(zip(table["code"], table["name"], strict=True))
chosen = st.selectbox(  # the keyboard's way to a profile
    "Vis profil for",
    list(by_code),
    index=list(by_code).index(f.municipality_code) if f.municipality_code in by_code else None,
    format_func=by_code.get,
    placeholder="Vælg en kommune",
    key=f"municipality-choice-{f.municipality_code}",
)
rows = [r for r in picked.selection.rows if r < len(table)]
chosen = table["code"].iloc[rows[0]] if rows else chosen
if chosen is not None and chosen != f.municipality_code:
    view.set_municipality(chosen)
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
profile = view.data(queries.municipality_profile)
compared = profile.comparison
group_name = view.choices.groups.get(f.group_id) if f.group_id else None
st.caption(literal(comparison_view.scope_sentence(compared, f, group_name)))
with st.container(horizontal=True, gap="small"):
    for card in view.built(page_content.comparison_cards):
        st.metric(card.label, card.value, card.delta, help=literal(card.help),
                  delta_color="off", border=True, width=210)  # fmt: skip
figures = view.built(page_content.comparison_figures)
tables.show(figures, (*tables.FIGURES, row["name"], "Alle deltagere"))
view.offer(figures, f"Sammenligning {row['name']}")

st.markdown("**Succeskriterier opnået over tid**")
if compared.over_time.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "vurderinger af succeskriterier")))
else:
    over_time = view.later(page_content.comparison_over_time_table)
    chart_panel.show(
        view.built(page_content.comparison_over_time),
        view.built(page_content.comparison_over_time_text),
        over_time,
        "comparison",
    )
    view.offer(over_time, f"Over tid {row['name']}")

st.markdown("**Hvert succeskriterium**")
criteria_compared = view.built(page_content.comparison_criteria)
if criteria_compared.empty:
    st.info("Partnerskabet har ingen succeskriterier endnu.")
else:
    tables.show(criteria_compared, (*tables.CRITERIA, row["name"]))
    view.offer(criteria_compared, f"Kriterier sammenlignet {row['name']}")

st.markdown("**Deltagere pr. gruppe og spor mod det ønskede antal**")
people_compared = view.built(page_content.comparison_participants)
tables.show(people_compared, (*tables.PEOPLE, row["name"], "Ønsket"))
view.offer(people_compared, f"Deltagere sammenlignet {row['name']}")

st.subheader("Fremmøde ved hvert møde")
if profile.attendance.empty:
    st.info(literal(presenting.empty_sentence(f, view.choices, "afholdte møder")))
else:
    shown_attendance = view.built(page_content.profile_attendance)
    tables.show(shown_attendance, tables.ATTENDANCE)
    view.offer(shown_attendance, f"Fremmøde {row['name']}")

st.subheader("Succeskriterier over tid")
assessments = view.built(page_content.profile_criteria)
if len(assessments.columns) <= 2:
    st.info(f"{literal(row['name'])} er ikke vurderet på succeskriterierne endnu.")
else:
    tables.show(assessments, (*tables.CRITERIA, assessments.columns[-1]))  # the latest day
    view.offer(assessments, f"Succeskriterier {row['name']}")
