"""The sidebar app.py draws on every page: the shared filters, and who is using the app.

Filters: one canonical value each, kept in the session (``st.session_state["filters"]``) and
written to the URL, so they carry from page to page and a link opens the same view.

Widgets are keyed with a generation number: a programmatic change (a click in a table,
"Nulstil filtre") bumps it, so the widgets are drawn afresh from the canonical values.
Each widget is also given its current value on every run: Streamlit gives app.py's widgets
new ids when it leaves pages-folder mode after the first run, and would otherwise drop the
first choice a user makes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import streamlit as st

from kl_dash import filters, labels, queries
from kl_dash.filters import Choices, Filters
from kl_dash.formatting import literal
from kl_dash.reference import REGIONS
from kl_dash.ui import login
from kl_dash.ui.results import Snapshot
from kl_dash.users import Actor

FILTERS = "filters"
GENERATION = "filter_generation"


def widget_key(name: str) -> str:
    """The key of filter ``name``'s widget in this generation."""
    return f"{name}-{st.session_state.get(GENERATION, 0)}"


def set_filter(**values: Any) -> None:
    """Change filters from a page (e.g. choose a municipality) and redraw the widgets."""
    st.session_state[FILTERS] = st.session_state.get(FILTERS, {}) | values
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def set_municipality(code: str | None) -> None:
    """Show one municipality (its profile), or all of them with None."""
    set_filter(municipality_code=code)


def reset_filters() -> None:
    """Remove every filter but the partnership and the status date."""
    keep = st.session_state.get(FILTERS, {})
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


def load_choices(con: duckdb.DuckDBPyConnection, snapshot: Snapshot, programme_id: str) -> Choices:
    """The choices of ``programme_id`` today, read once per data version."""
    today = date.today()
    return snapshot.get(
        ("choices", programme_id, today), lambda: filters.load_choices(con, programme_id, today)
    )


def draw_filters(con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> tuple[Filters, Choices]:
    """Draw the shared filters and return what they select (choices read once per version)."""
    programme_names = snapshot.get(
        "programme names", lambda: dict(queries.programmes(con)[["id", "short_name"]].values)
    )
    stored = st.session_state.get(FILTERS)
    if stored is None:  # a new session: the URL decides
        programme_id, notice = filters.choose_programme(
            list(programme_names), st.query_params.get(filters.PROGRAMME)
        )
        choices = load_choices(con, snapshot, programme_id)
        from_url, notices = filters.parse(st.query_params, programme_id, choices)
        for message in filter(None, [notice, *notices]):
            st.warning(literal(message), icon="⚠️")  # it quotes the URL
        stored = vars(from_url).copy()
        st.session_state[FILTERS] = stored

    with st.sidebar:
        programme_id = choose(
            "programme_id", "Partnerskab", programme_names, stored["programme_id"], None
        )
        choices = load_choices(con, snapshot, programme_id)
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
            stored = st.session_state[FILTERS]
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
            region = choose("region", "Region", {r: r for r in REGIONS}, stored["region"])
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
    st.session_state[FILTERS] = vars(chosen).copy()
    st.query_params.from_dict(filters.to_params(chosen, choices))
    return chosen, choices


def draw_notices(con: duckdb.DuckDBPyConnection, snapshot: Snapshot, actor: Actor) -> None:
    """Who is using the app (local mode, or the login with a log-out button), example data."""
    if actor.mode == "local":
        st.sidebar.warning(labels.LOCAL_MODE_NOTICE, icon=":material/lock_open:")
    elif actor.mode != "anonymous":
        st.sidebar.caption(f"Logget ind som {literal(actor.name)}")
        st.sidebar.button("Log ud", on_click=login.log_out)
    if snapshot.get("example data", lambda: queries.has_example_data(con)):
        st.sidebar.info(labels.EXAMPLE_NOTICE, icon="ℹ️")
