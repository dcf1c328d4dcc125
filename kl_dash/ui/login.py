"""Logging in and out, and who stores an upload: what Streamlit knows, judged by kl_dash.auth."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import replace

import duckdb
import streamlit as st
from streamlit.errors import StreamlitAPIException

from kl_dash import auth, users
from kl_dash.formatting import literal
from kl_dash.users import Actor

ACTOR_KEY = "actor"
UPLOADER_KEY = "uploader"  # the name typed in local mode, kept while other pages run
LOGGED_OUT_KEY = "logged_out"  # set by log_out until the run after it has rerun once


def settings() -> auth.Settings:
    """The authentication settings of this installation (secrets.toml, server address, env)."""
    try:
        secrets = st.secrets.to_dict()
    except (FileNotFoundError, StreamlitAPIException, KeyError):
        secrets = {}
    return auth.settings(secrets, st.get_option("server.address"))


def current_actor(con: duckdb.DuckDBPyConnection, config: auth.Settings) -> Actor | None:
    """The user of this session, or None when a login is needed first.

    Just after logging out, the run starts over once: Streamlit deletes a download's file
    (served at /media to anyone with its address) at the second page run after it was made,
    so the files made for this login are gone when the login page shows.
    """
    if st.session_state.pop(LOGGED_OUT_KEY, False):
        st.rerun()
    signed_on = str(st.user.get("email") or "") if config.oidc and st.user.is_logged_in else None
    return auth.current_actor(con, config, signed_on, st.session_state.get(ACTOR_KEY))


def page(config: auth.Settings, cursor: Callable[[], duckdb.DuckDBPyConnection]) -> st.Page:
    """The login page: the only page before a login; public readers are offered it too."""

    def login() -> None:
        st.title("Log ind")
        st.write("KL's partnerskabsdashboard kræver, at du logger ind.")
        with closing(cursor()) as con:
            nobody = not users.count(con)
        if nobody and not config.oidc:
            st.warning(
                "Der er endnu ingen brugere. Opret den første på serveren med: "
                "kl-dash user add NAVN --role admin"
            )
        if config.oidc:
            if st.user.is_logged_in:
                email = literal(st.user.get("email"))
                st.error(f"{email} har ikke adgang. Kontakt KL's sekretariat.")
                st.button("Log ud", on_click=st.logout)
            else:
                st.button("Log ind med din organisations konto", on_click=st.login, type="primary")
            st.divider()
        with st.form("login"):
            name = st.text_input("Brugernavn")
            password = st.text_input("Adgangskode", type="password")
            submitted = st.form_submit_button("Log ind")
        if submitted:
            with closing(cursor()) as con:
                try:
                    st.session_state[ACTOR_KEY] = users.authenticate(con, name.strip(), password)
                except users.LoginRefused as exc:
                    st.error(literal(exc))
                else:
                    st.rerun()

    return st.Page(login, title="Log ind", icon=":material/login:", url_path="login")


def log_out() -> None:
    """End this session's login (and the single sign-on, when used)."""
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state[LOGGED_OUT_KEY] = True
    if st.user.get("is_logged_in"):  # st.user has no is_logged_in without an [auth] section
        st.logout()


def uploader(actor: Actor) -> Actor | None:
    """Who stores an upload: the logged-in user, or in local mode the name typed in."""
    if actor.mode != "local":
        st.caption(f"Du er logget ind som {literal(actor.name)} ({users.ROLE_NAMES[actor.role]}).")
        return actor
    if "upload-user" not in st.session_state:  # the widget's state goes when another page runs
        st.session_state["upload-user"] = st.session_state.get(UPLOADER_KEY, "")
    name = st.text_input(
        "Dit navn", key="upload-user", help="Står i upload-loggen ud for det, du gemmer."
    ).strip()
    st.session_state[UPLOADER_KEY] = name
    return replace(actor, name=name) if name else None
