"""Nyt partnerskab: add or change a partnership from a definition file, after a preview."""

from contextlib import closing
from functools import partial

import streamlit as st

from kl_dash import chart_text, charts, config, presenting, programme_store
from kl_dash.errors import InvalidInput, KlDashError
from kl_dash.formatting import literal
from kl_dash.programmes import to_toml
from kl_dash.queries import ExampleFacts
from kl_dash.ui import chart_panel, frame, login, tables

view = frame.page_view("pages/partnerskab.py")
write_cursor = view.write_cursor  # a live cursor, for writing

st.title("Nyt partnerskab")
st.write(
    "Et partnerskab beskrives i én tekstfil (TOML): navn, sags-ID, frister, pris, grupper og "
    "spor, netværk, indsatsområder, mødeplan og succeskriterier. Hent et af de eksisterende "
    "som skabelon, ret det til, og upload det her."
)
with st.expander("Skabelon og vejledning"):
    template_id = st.selectbox(
        "Skabelon", list(view.choices.programmes), format_func=view.choices.programmes.get
    )
    with closing(write_cursor()) as con:
        template = programme_store.load(con, template_id)
    st.download_button(  # written on click, like every download (see frame.offer_downloads)
        "⬇ Hent som TOML",
        partial(to_toml, template),
        file_name=f"{template_id}.toml",
        mime="text/plain",
        on_click="ignore",
    )
    st.caption(
        "Formatet er beskrevet i docs/programme-format.md. Perioder skrives som i "
        'invitationen ("primo 2018", "ultimo 2019", "14. september 2021").'
    )

user = login.uploader(view.actor)  # the logged-in user, or (local mode) the name typed in
round_ = st.session_state.get("programme-round", 0)
upload = st.file_uploader(
    "Definitionsfil (.toml)",
    type=["toml"],
    key=f"programme-{round_}",
    max_upload_size=config.MAX_UPLOAD_MB.value(),
)
if message := st.session_state.pop("programme-stored", None):
    st.success(message)
if upload is None:
    st.stop()

text = upload.getvalue().decode("utf-8-sig", errors="replace")
try:
    definition = programme_store.check(text, upload.name)
except InvalidInput as exc:
    st.error(
        f"{len(exc.errors)} fejl i {literal(upload.name)} – intet er gemt. Ret filen og prøv igen."
    )
    problems = presenting.errors_table(exc.errors)
    tables.show(problems)
    view.offer(problems, "Fejl i definitionen")
    st.stop()

st.header(literal(definition.name))
st.markdown(
    "  \n".join(f"**{k}:** {literal(v)}" for k, v in presenting.definition_facts(definition))
)
plan = presenting.definition_plan(definition)
plan_table = presenting.meeting_plan_table(plan, ExampleFacts())
if plan["planned_from"].notna().any():
    chart_panel.show(
        charts.meeting_timeline(plan, definition.invitation_date),
        chart_text.meeting_timeline(plan, definition.invitation_date),
        plan_table,
        "timeline",
    )
tables.show(plan_table, tables.MEETINGS)
st.subheader("Grupper og spor")
tables.show(presenting.definition_groups(definition))
if definition.criteria:
    st.subheader("Succeskriterier")
    st.markdown("\n\n".join(literal(f"{c.no}. {c.text}") for c in definition.criteria))

with closing(write_cursor()) as con:
    exists = programme_store.exists(con, definition.id)
    found, refusals = programme_store.changes(con, definition) if exists else ([], [])
if exists:
    st.subheader("Ændringer i forhold til det gemte partnerskab")
    st.markdown("\n".join(f"- {literal(c.text)}" for c in found) or "Filen ændrer ingenting.")
    for refusal in refusals:
        st.error(literal(refusal))
if refusals or (exists and not found):
    st.stop()

label = "Gem ændringerne" if exists else "Tilføj partnerskabet"
if st.button(label, type="primary", disabled=user is None):
    try:
        with closing(write_cursor()) as con:
            store = programme_store.update if exists else programme_store.add
            upload_id = store(con, text, upload.name, user)
    except KlDashError as exc:
        st.error(literal(exc))
    else:
        st.session_state["programme-stored"] = (
            f"{literal(definition.short_name)} er gemt som upload {upload_id}; den kan "
            "fortrydes under Opdater data."
        )
        st.session_state["programme-round"] = round_ + 1
        st.rerun()
if user is None:
    st.caption("Skriv dit navn for at gemme.")
