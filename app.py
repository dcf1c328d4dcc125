"""kl_dash: the entry point. Opens the database, draws the shared filters, runs the page.

Every run of every page passes through here first (st.navigation), so the filters in the
sidebar carry from page to page and are written to the URL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from kl_dash import auth, bootstrap, db, downloads, filters, labels, queries
from kl_dash.errors import KlDashError
from kl_dash.filters import Filters, View
from kl_dash.users import Actor

st.set_page_config(page_title=labels.APP_TITLE, page_icon="📊", layout="wide")

READ_PAGES = [
    st.Page("pages/overblik.py", title="Overblik", icon=":material/home:", default=True),
    st.Page("pages/kommuner.py", title="Kommuner", icon=":material/location_city:"),
    st.Page("pages/moeder.py", title="Møder og spor", icon=":material/event:"),
    st.Page("pages/succeskriterier.py", title="Succeskriterier", icon=":material/flag:"),
]
EDITOR_PAGES = [
    st.Page("pages/opdater.py", title="Opdater data", icon=":material/upload_file:"),
    st.Page("pages/partnerskab.py", title="Nyt partnerskab", icon=":material/add_circle:"),
]


@st.cache_resource(show_spinner="Opretter databasen med eksempeldata ...")
def open_database(path: str):
    """One connection per process; the file is created and seeded on first start."""
    bootstrap.ensure_database(Path(path))
    return db.connect(path)


@st.cache_data(show_spinner=False, max_entries=512)
def cached_query(name: str, path: str, version: tuple, view_filters: Filters, args: tuple):
    """The result of kl_dash.queries.<name>, kept until the data changes (upload or undo)."""
    con = open_database(path).cursor()
    try:
        return getattr(queries, name)(con, view_filters, *args)
    finally:
        con.close()


def show_error(message: str):
    def error_page():
        st.error(message)

    return error_page


def offer_downloads(frame, title: str) -> None:
    """CSV and XLSX of exactly the rows and columns shown."""
    row = st.container(horizontal=True)
    row.download_button(
        "⬇ CSV",
        downloads.to_csv(frame),
        file_name=downloads.file_name(title, "csv"),
        mime="text/csv",
        key=f"csv-{title}",
        help=f"{title} som CSV (semikolon, UTF-8) til Excel",
    )
    row.download_button(
        "⬇ Excel",
        downloads.to_xlsx(frame, sheet_name=title),
        file_name=downloads.file_name(title, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{title}",
        help=f"{title} som Excel-fil",
    )


def write_cursor():
    """A live cursor on the database, for the page that stores uploads; the caller closes it."""
    return open_database(db_path).cursor()


# --- Filters: one canonical value each, kept in the session and written to the URL ----------
# Widgets are keyed with a generation number: a programmatic change (a click in a table,
# "Nulstil filtre") bumps it, so the widgets are drawn afresh from the canonical values.
# Each widget is also given its current value on every run: Streamlit gives app.py's widgets
# new ids when it leaves pages-folder mode after the first run, and would otherwise drop the
# first choice a user makes.


def widget_key(name: str) -> str:
    return f"{name}-{st.session_state.get('filter_generation', 0)}"


def set_filter(**values) -> None:
    """Change filters from a page (e.g. choose a municipality) and redraw the widgets."""
    st.session_state["filters"] = st.session_state.get("filters", {}) | values
    st.session_state["filter_generation"] = st.session_state.get("filter_generation", 0) + 1


def reset_filters() -> None:
    keep = st.session_state.get("filters", {})
    set_filter(**{k: None for k in keep if k not in ("programme_id", "as_of")})


def choose(name: str, label: str, options: dict, current, none_label: str | None = "Alle"):
    """A selectbox over ``options`` (value -> Danish name); None means no filter."""
    keys = ([None] if none_label else []) + list(options)
    chosen = st.session_state.get(widget_key(name), current)
    chosen = chosen if chosen in keys else current if current in keys else keys[0]
    return st.selectbox(
        label,
        keys,
        index=keys.index(chosen),
        format_func=lambda k: none_label if k is None else options[k],
        key=widget_key(name),
    )


def sidebar_filters(con) -> tuple[Filters, filters.Choices]:
    """Draw the shared filters and return what they select."""
    programme_names = dict(queries.programmes(con)[["id", "short_name"]].values)
    stored = st.session_state.get("filters")
    if stored is None:  # a new session: the URL decides
        programme_id, notice = filters.choose_programme(
            list(programme_names), st.query_params.get(filters.PROGRAMME)
        )
        choices = filters.load_choices(con, programme_id, date.today())
        from_url, notices = filters.parse(st.query_params, programme_id, choices)
        for message in filter(None, [notice, *notices]):
            st.warning(message, icon="⚠️")
        stored = vars(from_url).copy()
        st.session_state["filters"] = stored

    with st.sidebar:
        programme_id = choose(
            "programme_id", "Partnerskab", programme_names, stored["programme_id"], None
        )
        choices = filters.load_choices(con, programme_id, date.today())
        if programme_id != stored["programme_id"]:
            # Another partnership: its own default date; its own networks, groups, members.
            set_filter(
                programme_id=programme_id,
                as_of=None,
                period_from=None,
                network_id=None,
                group_id=None,
                municipality_code=None,
            )
            stored = st.session_state["filters"]
        as_of_key = widget_key("as_of")
        as_of = st.session_state.get(as_of_key, stored["as_of"]) or choices.default_as_of
        if not choices.first_day <= as_of <= choices.last_day:
            as_of = choices.default_as_of
        as_of = st.date_input(
            "Status pr. dato",
            value=as_of,
            min_value=choices.first_day,
            max_value=choices.last_day,
            format="DD.MM.YYYY",
            key=as_of_key,
            help="Vis partnerskabet, som det stod på denne dato.",
        )
        active = any(
            stored.get(k)
            for k in (
                "region",
                "network_id",
                "group_id",
                "status",
                "municipality_code",
                "period_from",
            )
        )
        with st.expander("Filtre", expanded=active):
            region = choose("region", "Region", {r: r for r in filters.REGIONS}, stored["region"])
            network_id = (
                choose("network_id", "Netværk", choices.networks, stored["network_id"])
                if choices.networks
                else None
            )
            group_id = choose("group_id", "Gruppe eller spor", choices.groups, stored["group_id"])
            status = choose("status", "Status", labels.ENROLLMENT_STATUS, stored["status"])
            municipality_code = choose(
                "municipality_code",
                "Kommune",
                choices.municipalities,
                stored["municipality_code"],
            )
            period_key = widget_key("period_from")
            period_from = st.session_state.get(period_key, stored["period_from"])
            if period_from and not choices.first_day <= period_from <= as_of:
                period_from = None
            period_from = st.date_input(
                "Møder fra",
                value=period_from,
                min_value=choices.first_day,
                max_value=as_of,
                format="DD.MM.YYYY",
                key=period_key,
                help="Tæl kun møder afholdt fra denne dato (tom = fra starten).",
            )
            st.button("Nulstil filtre", on_click=reset_filters, disabled=not active)

    chosen = Filters(
        programme_id=programme_id,
        as_of=as_of,
        period_from=period_from,
        region=region,
        network_id=network_id,
        group_id=group_id,
        status=status,
        municipality_code=municipality_code,
    )
    st.session_state["filters"] = vars(chosen).copy()
    st.query_params.from_dict(filters.to_params(chosen, choices))
    return chosen, choices


def pages_for(actor: Actor, config: auth.Settings) -> list:
    """The pages this user may open: a page a role may not use is not in its navigation."""
    pages = list(READ_PAGES)
    if actor.may("editor"):
        pages += EDITOR_PAGES
    if actor.name == auth.ANONYMOUS_NAME:
        pages.append(
            st.Page(
                auth.login_page(write_cursor, config),
                title="Log ind",
                icon=":material/login:",
                url_path="login",
            )
        )
    return pages


try:
    db_path = str(db.resolve_db_path())
    con = open_database(db_path).cursor()
except KlDashError as exc:
    con = None
    nav = st.navigation([st.Page(show_error(str(exc)), title="Fejl", url_path="fejl")])
else:
    config = auth.settings()
    actor = auth.current_actor(con, config)
    if actor is None:  # a login first: no filters, no data, no other page
        st.session_state.pop("view", None)
        login = st.Page(
            auth.login_page(write_cursor, config),
            title="Log ind",
            icon=":material/login:",
            url_path="login",
        )
        nav = st.navigation([login])
    else:
        chosen, choices = sidebar_filters(con)
        if auth.local_mode(con, config):
            st.sidebar.warning(labels.LOCAL_MODE_NOTICE, icon=":material/lock_open:")
        elif actor.name != auth.ANONYMOUS_NAME:
            st.sidebar.caption(f"Logget ind som {actor.name}")
            st.sidebar.button("Log ud", on_click=auth.log_out)
        if queries.has_example_data(con):
            st.sidebar.info(labels.EXAMPLE_NOTICE, icon="ℹ️")
        version = queries.data_version(con)

        def data(query, *args):
            return cached_query(query.__name__, db_path, version, chosen, args)

        st.session_state["view"] = View(
            filters=chosen,
            choices=choices,
            data=data,
            offer=offer_downloads,
            set_municipality=lambda code: set_filter(municipality_code=code),
            actor=actor,
        )
        st.session_state["write_cursor"] = write_cursor
        nav = st.navigation(pages_for(actor, config))
        if page := auth.requested_page():  # a page URL opened before app.py had run
            st.switch_page(page, query_params=st.query_params.to_dict())
nav.run()
if con is not None:
    con.close()
