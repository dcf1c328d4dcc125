"""The frame every page runs in: the database, cached queries, downloads, and the page's view.

Pages run only through app.py, never on their own. With a ``pages/`` folder beside app.py, a
freshly started Streamlit server runs in its old pages-folder mode until app.py has called
``st.navigation`` once; a visitor whose very first request is a page's own URL
(``/kommuner``) would get that page file run alone, without app.py's frame. Every page
therefore asks for its view here first (``page_view``): when app.py has not run, the visitor
is sent through app.py (keeping the URL's parameters), which then opens the page that was
asked for (``requested_page``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from kl_dash import bootstrap, db, downloads, programme_store, queries, store
from kl_dash.filters import Choices, Filters
from kl_dash.formatting import literal
from kl_dash.ui import sidebar, tables
from kl_dash.ui.results import Snapshot
from kl_dash.users import Actor

VIEW = "view"
REQUESTED_PAGE = "requested_page"


@dataclass(frozen=True)
class View:
    """What app.py hands the page it runs: filters, choices, the actor, data and downloads.

    ``data(query, *args)`` is a kl_dash query's result for the filters and ``built(fn, *args)``
    a finished figure or table of kl_dash.page_content, each kept for every session until the
    data changes; ``later(fn, *args)`` is ``built``'s result made only when it is asked for
    (a table behind a chart's "Vis som tabel" switch and its downloads: a first view does not
    wait for it); ``offer(table, title)`` draws the CSV and XLSX downloads of a table (or of
    ``later``'s);
    ``write_cursor()`` is a live cursor for a page that stores uploads (the caller closes it).
    """

    filters: Filters
    choices: Choices
    data: Callable[..., Any]
    built: Callable[..., Any]
    later: Callable[..., Callable[[], Any]]
    offer: Callable[[tables.Table, str], None]
    set_municipality: Callable[[str | None], None]
    actor: Actor
    write_cursor: Callable[[], duckdb.DuckDBPyConnection]


def page_view(page: str) -> View:
    """The view app.py prepared for this run; reroutes through app.py when it has not run."""
    view = st.session_state.get(VIEW)
    if view is None:
        st.session_state[REQUESTED_PAGE] = page
        st.switch_page("app.py", query_params=st.query_params.to_dict())
    return view


def requested_page(pages: list[st.Page]) -> str | None:
    """The page a visitor asked for before being sent through app.py (once), if any.

    Asked for before logging in, it may be a page the user's role cannot open (an editor
    page for a viewer): then it is dropped, with a notice, and the first page shows.
    """
    page = st.session_state.pop(REQUESTED_PAGE, None)
    if page is None or Path(page).stem in {p.url_path for p in pages}:
        return page
    st.warning(f"Siden /{Path(page).stem} kan ikke åbnes med din rolle; her er forsiden.")
    return None


@st.cache_resource(show_spinner="Opretter databasen med eksempeldata ...")
def open_database(path: str) -> duckdb.DuckDBPyConnection:
    """One connection per process; the file is created and seeded on first start.

    A PostgreSQL URL (kl_dash.store) opens a pool of connections shared by the sessions of
    this process; that database is created by ``kl-dash init``, not here.
    """
    db.private_files()  # the .wal beside the file holds recent password hashes too
    if not store.is_postgres(path):
        bootstrap.ensure_database(Path(path))
    con = db.connect(path)
    programme_store.purge_removed(con)  # a partnership undone just before a crash
    return con


def cursor(path: str) -> duckdb.DuckDBPyConnection:
    """A cursor of its own on the database at ``path``; the caller closes it."""
    return open_database(path).cursor()


def queried(
    snapshot: Snapshot,
    query: Callable[..., Any],
    view_filters: Filters,
    args: tuple,
    late: bool = False,
    connect: Callable[[], Any] | None = None,
):
    """``query(con, filters, *args)`` of kl_dash.queries, run once per data version.

    A query of ``queries.PER_PROGRAMME`` is kept per programme: a filter change keeps it (one
    of ``queries.PER_MUNICIPALITY`` per programme and chosen municipality); one
    of ``queries.FROM_ROWS`` is computed from the programme's rows (``programme_ground``,
    kept per programme), with no statement of its own, and one of ``queries.FROM_RESULTS``
    from other queries' kept results; one of ``queries.ANSWERS`` keeps each
    frame it holds as that query's result too.
    ``late``: asked for after the run (results.Store.get). ``connect``: the cursor to run it
    on (a cursor of the database's own by default).
    """

    def run():
        if query in queries.FROM_ROWS:  # from the programme's rows, kept
            rows = queried(snapshot, queries.programme_ground, view_filters, (), late, connect)
            return queries.FROM_ROWS[query](rows, view_filters, *args)
        if query in queries.FROM_RESULTS:  # from other queries' kept results

            def kept(other: Callable[..., Any]) -> Any:
                return queried(snapshot, other, view_filters, (), late, connect)

            return queries.FROM_RESULTS[query](kept, view_filters, *args)
        con = connect() if connect is not None else cursor(snapshot.path)
        try:
            return query(con, view_filters, *args)
        finally:
            con.close()

    if query in queries.PER_PROGRAMME:
        shown = view_filters.programme_id
    elif query in queries.PER_MUNICIPALITY:
        shown = (view_filters.programme_id, view_filters.municipality_code)
    else:
        shown = view_filters
    result = snapshot.get((query, shown, args), run, late)
    for part, name in queries.ANSWERS.get(query, {}).items():  # its frames as their own
        snapshot.get((part, shown, args), partial(getattr, result, name), late)
    return result


def offer_downloads(table: tables.Table, title: str) -> None:
    """CSV and XLSX of exactly the rows and columns shown, each built when it is clicked.

    Streamlit serves a download's file at a /media address without asking who fetches it.
    Built on click, no file exists there before a logged-in user asks for one, and it is
    gone two page runs later (logging out makes those two runs; see login.current_actor).
    """
    row = st.container(horizontal=True)
    row.download_button(
        "⬇ CSV",
        lambda: downloads.to_csv(tables.made(table)),
        file_name=downloads.file_name(title, "csv"),
        mime="text/csv",
        on_click="ignore",
        key=f"csv-{title}",
        help=f"{literal(title)} som CSV (semikolon, UTF-8) til Excel",
    )
    row.download_button(
        "⬇ Excel",
        lambda: downloads.to_xlsx(tables.made(table), sheet_name=title),
        file_name=downloads.file_name(title, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key=f"xlsx-{title}",
        help=f"{literal(title)} som Excel-fil",
    )


def publish_view(snapshot: Snapshot, view_filters: Filters, choices: Choices, actor: Actor) -> None:
    """Hand the pages this run's view: its filters, its actor, and data kept per version."""

    def data(query, *args, late=False):
        return queried(snapshot, query, view_filters, args, late)

    def built(fn, *args, late=False):
        make = partial(fn, partial(data, late=True) if late else data, view_filters, *args)
        return snapshot.get((fn, view_filters, args), make, late)

    st.session_state[VIEW] = View(
        filters=view_filters,
        choices=choices,
        data=data,
        built=built,
        later=lambda fn, *args: partial(built, fn, *args, late=True),
        offer=offer_downloads,
        set_municipality=sidebar.set_municipality,
        actor=actor,
        write_cursor=partial(cursor, snapshot.path),
    )


def withdraw_view() -> None:
    """No view while a login is needed: a page reached anyway is sent through app.py."""
    st.session_state.pop(VIEW, None)
