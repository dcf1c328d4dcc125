"""kl_dash: the entry point. The page registry, the gate, and st.navigation.

Every run of every page passes through here first (st.navigation): the database is opened,
the user is known or asked to log in, the shared filters are drawn in the sidebar (and carry
from page to page, written to the URL), and the page is run with the view prepared here.
Everything Streamlit draws outside the pages lives in kl_dash/ui.

Never st.stop() before st.navigation: until this script has reached st.navigation once, a
server with a pages/ folder beside app.py runs page files alone (see kl_dash/ui/frame.py).
"""

from __future__ import annotations

# ruff: noqa: E402  (the page's style goes in before the heavy imports, see below)
from functools import partial

import streamlit as st

from kl_dash import labels
from kl_dash.ui import style

st.set_page_config(page_title=labels.APP_TITLE, page_icon="📊", layout="wide")
# Danish page language, focus, print, contrast; and page.js starts loading the browser's chart
# code. Before the imports below: on a fresh server they take a second or more (pandas, DuckDB,
# Plotly), and the browser can load its chart code meanwhile (issue 12).
style.apply()

from kl_dash import db, queries
from kl_dash.errors import KlDashError
from kl_dash.ui import frame, login, results, sidebar
from kl_dash.users import Actor

READ_PAGES = [
    st.Page("pages/overblik.py", title="Overblik", icon=":material/home:", default=True),
    st.Page("pages/kommuner.py", title="Kommuner", icon=":material/location_city:"),
    st.Page("pages/moeder.py", title="Møder og spor", icon=":material/event:"),
    st.Page("pages/succeskriterier.py", title="Succeskriterier", icon=":material/flag:"),
    st.Page("pages/om.py", title="Om partnerskabet", icon=":material/info:"),
]
EDITOR_PAGES = [
    st.Page("pages/opdater.py", title="Opdater data", icon=":material/upload_file:"),
    st.Page("pages/partnerskab.py", title="Nyt partnerskab", icon=":material/add_circle:"),
]
# No data on it: every role, a public reader and the login mode may open it.
STATEMENT_PAGE = st.Page(
    "pages/tilgaengelighed.py", title="Tilgængelighed", icon=":material/accessibility:"
)


def error_page(message: str) -> st.Page:
    """The only page when the database cannot be opened: the Danish reason, no traceback."""

    def error() -> None:
        st.error(message)

    return st.Page(error, title="Fejl", url_path="fejl")


def pages_for(actor: Actor, login_page: st.Page) -> list[st.Page]:
    """The pages this user may open: a page a role may not use is not in its navigation."""
    pages = list(READ_PAGES)
    if actor.may("editor"):
        pages += EDITOR_PAGES
    if actor.mode == "anonymous":  # a public reader may still log in to do more
        pages.append(login_page)
    return [*pages, STATEMENT_PAGE]


con = None
try:
    db_path = str(db.resolve_db_path())
    con = frame.cursor(db_path)
except KlDashError as exc:
    nav = st.navigation([error_page(str(exc))])
else:
    config = login.settings()
    login_page = login.page(config, partial(frame.cursor, db_path))
    actor = login.current_actor(con, config)
    if actor is None:  # a login first: no filters, no data, no page but the statement
        frame.withdraw_view()
        nav = st.navigation([login_page, STATEMENT_PAGE])
    else:
        snapshot = results.snapshot(db_path, queries.data_version(con))  # kept per version
        chosen, choices = sidebar.draw_filters(con, snapshot)
        sidebar.draw_notices(con, snapshot, actor)
        frame.publish_view(snapshot, chosen, choices, actor)
        allowed = pages_for(actor, login_page)
        nav = st.navigation(allowed)
        if page := frame.requested_page(allowed):  # a page URL opened before app.py had run
            st.switch_page(page, query_params=st.query_params.to_dict())
nav.run()
if con is not None:
    con.close()
