"""Opdater data: a consultant uploads a file, sees what it would change, stores it, or undoes."""

from contextlib import closing

import streamlit as st

from kl_dash import config, importer, presenting, update_kinds, upload_log, upload_view
from kl_dash.errors import KlDashError
from kl_dash.formatting import literal
from kl_dash.ui import frame, login, tables, upload_check
from kl_dash.undo import undo as undo_upload

view = frame.page_view("pages/opdater.py")
write_cursor = view.write_cursor  # a live cursor, for writing
max_mb = config.MAX_UPLOAD_MB.value()
generation = upload_check.generation()


def show_table(table, title: str, first: tuple[str, ...] = ()) -> None:
    tables.show(table, first)
    view.offer(table, title)


def show_problems(problems, title: str) -> None:
    """Every problem at once; a static table shows each text in full, unless there are many."""
    table = presenting.errors_table(problems)
    if len(table) > 100:
        return show_table(table, title)
    st.table(upload_view.markdown_cells(table), hide_index=True)
    view.offer(table, title)


st.title("Opdater data")
st.caption(
    "Læg tilmeldinger, deltagere, møder, fremmøde eller vurderinger ind fra en CSV- eller "
    "Excel-fil. Du ser, hvad filen ændrer, før noget gemmes, og en upload kan fortrydes."
)
user = login.uploader(view.actor)  # the logged-in user, or (local mode) the name typed in

titles = {name: k.title for name, k in update_kinds.KINDS.items()}
kind = update_kinds.KINDS[
    st.selectbox("Hvad vil du opdatere?", list(titles), format_func=titles.get, key="upload-kind")
]
st.subheader("1. Hent skabelonen, og udfyld den")
st.markdown(upload_view.columns_caption(kind))
st.caption(upload_view.FORMATS)
view.offer(importer.template(kind.name), f"Skabelon {kind.title}")

st.subheader("2. Læg filen op, og se hvad den ændrer")
upload_check.show_message("upload")
uploaded = st.file_uploader(
    "Vælg fil (CSV eller Excel)",
    type=["csv", "txt", "xlsx"],
    key=f"upload-file-{generation}",
    max_upload_size=max_mb,
    help=f"Højst {max_mb} MB. Intet gemmes, før du har set ændringerne og trykket Gem.",
)
if uploaded is not None:
    data = uploaded.getvalue()
    sheet = None
    if upload_view.is_workbook(data):
        sheet = st.text_input("Ark (tom = det første)", key="upload-sheet").strip() or None
    status = st.status("Læser og kontrollerer filen ...")
    checked = upload_check.check(write_cursor, uploaded, kind.name, data, sheet, max_mb, status)
    status.update(**upload_view.status_update(checked, literal(uploaded.name)))
    if checked.prepared:
        status.write(f"Kolonner i filen: {literal(', '.join(checked.prepared.raw.headers))}")

    if checked.errors:
        st.error(upload_view.problems_sentence(len(checked.errors), more=checked.more_errors))
        show_problems(checked.errors, "Fejl i filen")
    if checked.warnings:
        st.warning(upload_view.problems_sentence(len(checked.warnings), warning=True))
        show_problems(checked.warnings, "Advarsler i filen")
    if checked.nothing_changes:
        st.info("Filen ændrer ingenting – alt er allerede gemt.")
    elif not checked.errors:
        with st.container(horizontal=True):
            for label, count in upload_view.count_cards(checked.prepared).items():
                st.metric(label, count, border=True)
        new_tab, changed_tab = st.tabs(["Nye", "Ændrede"])
        with new_tab:
            show_table(
                upload_view.new_rows_table(checked.prepared.new, checked.networks), "Nye rækker"
            )
        with changed_tab:
            st.caption("Ændrede værdier står som gammel → ny.")
            show_table(
                upload_view.changed_rows_table(checked.prepared.changed, checked.networks),
                "Ændrede rækker",
            )
        with st.container(horizontal=True):
            save = st.button("Gem ændringerne", type="primary", disabled=not user)
            cancel = st.button("Annullér")
        if not user:
            st.caption("Skriv dit navn øverst for at gemme.")
        if cancel:
            upload_check.done("upload", "info", "Filen er lagt væk; intet er gemt.")
        if save:
            stored = upload_check.store(write_cursor, kind.name, data, uploaded.name, user, sheet)
            upload_check.done(
                "upload", "success", upload_view.stored_message(stored, literal(uploaded.name))
            )

st.header("Upload-log")
upload_check.show_message("undo")
with closing(write_cursor()) as con:
    log = upload_log.entries(con)
if log.empty:
    st.info("Der er ikke gemt nogen uploads endnu.")
else:
    show_table(upload_view.log_table(log, view.choices.programmes), "Upload-log", tables.UPLOADS)
    choices = upload_view.undo_choices(log)
    if choices:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            chosen = st.selectbox(
                "Upload der skal fortrydes", list(choices), format_func=choices.get,
                key="undo-upload",
            )  # fmt: skip
            undo = st.button("Fortryd upload", disabled=not user)
        st.caption(upload_view.undo_note(user.name if user else ""))
        if undo:
            with closing(write_cursor()) as con:
                try:
                    restored = undo_upload(con, chosen, user)
                except KlDashError as exc:
                    st.error(literal(exc))
                else:
                    upload_check.done(
                        "undo", "success", upload_view.undone_message(chosen, restored)
                    )
