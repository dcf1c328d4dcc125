"""kl_dash: the entry point. Opens the database, draws the shared frame, runs the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from kl_dash import bootstrap, db, labels, queries
from kl_dash.errors import KlDashError
from kl_dash.filters import PROGRAMME_PARAM, View, choose_programme

st.set_page_config(page_title=labels.APP_TITLE, page_icon="📊", layout="wide")


@st.cache_resource(show_spinner="Opretter databasen med eksempeldata ...")
def open_database(path: str):
    """One connection per process; the file is created and seeded on first start."""
    bootstrap.ensure_database(Path(path))
    return db.connect(path)


def show_error(message: str):
    def error_page():
        st.error(message)

    return error_page


try:
    con = open_database(str(db.resolve_db_path())).cursor()
except KlDashError as exc:
    con = None
    nav = st.navigation([st.Page(show_error(str(exc)), title="Fejl", url_path="fejl")])
else:
    catalogue = queries.programmes(con)
    names = dict(zip(catalogue["id"], catalogue["short_name"], strict=True))
    # The widget's last value, else the URL. The index is passed on every run because
    # Streamlit gives app.py's widgets new ids once it leaves pages-folder mode after the
    # first run; without it the first choice a user makes would be dropped.
    current = st.session_state.get("programme")
    if current not in names:
        current, notice = choose_programme(list(names), st.query_params.get(PROGRAMME_PARAM))
        if notice:
            st.warning(notice)
    with st.sidebar:
        programme_id = st.selectbox(
            "Partnerskab",
            list(names),
            index=list(names).index(current),
            format_func=names.get,
            key="programme",
        )
    st.query_params[PROGRAMME_PARAM] = programme_id
    if queries.has_example_data(con):
        st.sidebar.info(labels.EXAMPLE_NOTICE, icon="ℹ️")
    st.session_state["view"] = View(con, programme_id, date.today())
    nav = st.navigation([st.Page("pages/overblik.py", title="Overblik", icon="🏠", default=True)])
nav.run()
if con is not None:
    con.close()
