"""Who may see and do what in the app, and the gate every page passes.

Pages run only through app.py, never on their own.

With a ``pages/`` folder beside app.py, a freshly started Streamlit server runs in its old
pages-folder mode until app.py has called ``st.navigation`` once; a visitor whose very first
request is a page's own URL (``/kommuner``) would get that page file run alone, without
app.py's frame. Every page therefore asks for its view here first: when app.py has not run,
the visitor is sent through app.py (keeping the URL's parameters), which then opens the
page that was asked for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass

import duckdb
import streamlit as st
from streamlit.errors import StreamlitAPIException

from . import users
from .filters import View
from .users import Actor

REQUESTED_PAGE = "requested_page"


def page_view(page: str) -> View:
    """The view app.py prepared for this run; reroutes through app.py when it has not run."""
    view = st.session_state.get("view")
    if view is None:
        st.session_state[REQUESTED_PAGE] = page
        st.switch_page("app.py", query_params=st.query_params.to_dict())
    return view


def requested_page() -> str | None:
    """The page a visitor asked for before being sent through app.py (once), if any."""
    return st.session_state.pop(REQUESTED_PAGE, None)


# --- Who is using the app ----------------------------------------------------------------------

LOCAL_NAME = "lokal"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANONYMOUS_NAME = "anonym"
ACTOR_KEY = "actor"


@dataclass(frozen=True)
class Settings:
    """How the app decides who may do what (from the environment and .streamlit/secrets.toml)."""

    required: bool  # KL_DASH_AUTH=required: a login even while no local account exists
    public_read: bool  # KL_DASH_PUBLIC_READ=1: pages readable without a login
    oidc: bool  # an [auth] section in secrets.toml: single sign-on with st.login
    roles: dict[str, list[str]]  # [kl_dash.roles] in secrets.toml: role -> e-mails or @domains


def settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """The authentication settings of this installation."""
    try:
        oidc = "auth" in st.secrets
        roles = dict(st.secrets.get("kl_dash", {}).get("roles", {}))
    except (FileNotFoundError, StreamlitAPIException, KeyError):
        oidc, roles = False, {}
    # Reachable from the network (not only 127.0.0.1): never without a login.
    exposed = (st.get_option("server.address") or "0.0.0.0") not in LOOPBACK
    return Settings(
        required=environ.get("KL_DASH_AUTH", "").lower() == "required" or exposed,
        public_read=environ.get("KL_DASH_PUBLIC_READ", "") in ("1", "true", "ja"),
        oidc=oidc,
        roles={role: list(who) for role, who in roles.items()},
    )


def role_for_email(email: str, roles: Mapping[str, list[str]]) -> str | None:
    """The highest role whose list names this e-mail address or its @domain."""
    email = email.strip().lower()
    domain = "@" + email.rpartition("@")[2]
    for role in reversed(users.ROLES):
        if any(who.strip().lower() in (email, domain) for who in roles.get(role, [])):
            return role
    return None


def local_mode(con: duckdb.DuckDBPyConnection, config: Settings) -> bool:
    """No account and no sign-on configured: everything is allowed on this machine."""
    return not (config.required or config.oidc or users.count(con))


def current_actor(con: duckdb.DuckDBPyConnection, config: Settings) -> Actor | None:
    """The user of this session, or None when a login is needed first."""
    if local_mode(con, config):
        return Actor(LOCAL_NAME, "admin")
    if config.oidc and st.user.is_logged_in:
        role = role_for_email(str(st.user.get("email", "")), config.roles)
        if role:
            return Actor(str(st.user.get("email")), role)
    if actor := st.session_state.get(ACTOR_KEY):
        return actor
    if config.public_read:
        return Actor(ANONYMOUS_NAME, "viewer")
    return None


def login_page(con_factory, config: Settings):
    """The page that asks for a login (the only page while nobody is logged in)."""

    def login() -> None:
        st.title("Log ind")
        st.write("KL's partnerskabsdashboard kræver, at du logger ind.")
        with closing(con_factory()) as con:
            nobody = not users.count(con)
        if nobody and not config.oidc:
            st.warning(
                "Der er endnu ingen brugere. Opret den første på serveren med: "
                "kl-dash user add NAVN --role admin"
            )
        if config.oidc:
            if st.user.is_logged_in:
                st.error(f"{st.user.get('email')} har ikke adgang. Kontakt KL's sekretariat.")
                st.button("Log ud", on_click=st.logout)
            else:
                st.button("Log ind med din organisations konto", on_click=st.login, type="primary")
            st.divider()
        with st.form("login"):
            name = st.text_input("Brugernavn")
            password = st.text_input("Adgangskode", type="password")
            submitted = st.form_submit_button("Log ind")
        if submitted:
            with closing(con_factory()) as con:
                try:
                    st.session_state[ACTOR_KEY] = users.authenticate(con, name.strip(), password)
                except users.LoginRefused as exc:
                    st.error(str(exc))
                else:
                    st.rerun()

    return login


def log_out() -> None:
    """End this session's login (and the single sign-on, when used)."""
    st.session_state.pop(ACTOR_KEY, None)
    if st.user.is_logged_in:
        st.logout()


def uploader(actor: Actor) -> Actor | None:
    """Who stores an upload: the logged-in user, or in local mode the name typed in."""
    if actor.name != LOCAL_NAME:
        st.caption(f"Du er logget ind som {actor.name} ({users.ROLE_NAMES[actor.role]}).")
        return actor
    if "upload-user" not in st.session_state:  # the widget's state goes when another page runs
        st.session_state["upload-user"] = st.session_state.get("uploader", "")
    name = st.text_input(
        "Dit navn", key="upload-user", help="Står i upload-loggen ud for det, du gemmer."
    ).strip()
    st.session_state["uploader"] = name
    return Actor(name, actor.role) if name else None
