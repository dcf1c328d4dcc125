"""Who may use the app and as whom: the rules, without Streamlit.

kl_dash/ui/login.py reads what Streamlit knows (secrets.toml, the server address, a single
sign-on's e-mail, the session's login) and asks these functions what follows from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from . import config, users
from .users import Actor

LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCAL_ACTOR = Actor(users.LOCAL_NAME, "admin", "local")
ANONYMOUS_ACTOR = Actor(users.ANONYMOUS_NAME, "viewer", "anonymous")


@dataclass(frozen=True)
class Settings:
    """How the app decides who may do what (from the environment and .streamlit/secrets.toml)."""

    required: bool  # KL_DASH_AUTH=required: a login even while no local account exists
    public_read: bool  # KL_DASH_PUBLIC_READ=1: pages readable without a login
    oidc: bool  # an [auth] section in secrets.toml: single sign-on with st.login
    roles: dict[str, list[str]]  # [kl_dash.roles] in secrets.toml: role -> e-mails or @domains


def settings(
    secrets: Mapping[str, Any],
    server_address: str | None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The authentication settings from secrets.toml, the server address and the environment."""
    roles = dict(secrets.get("kl_dash", {}).get("roles", {}))
    # Reachable from the network (not only 127.0.0.1): never without a login.
    exposed = (server_address or "0.0.0.0") not in LOOPBACK
    return Settings(
        required=config.AUTH.value(environ) or exposed,
        public_read=config.PUBLIC_READ.value(environ),
        oidc="auth" in secrets,
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


def local_mode(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """No account and no sign-on configured: everything is allowed on this machine."""
    return not (settings.required or settings.oidc or users.count(con))


def current_actor(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    signed_on: str | None,
    logged_in: Actor | None,
) -> Actor | None:
    """Who uses this session, or None when a login is needed first.

    ``signed_on`` is the e-mail of a single sign-on, ``logged_in`` the actor of a local login.
    """
    if local_mode(con, settings):
        return LOCAL_ACTOR
    if settings.oidc and signed_on:
        role = role_for_email(signed_on, settings.roles)
        if role:
            return Actor(signed_on, role, "sso")
    if logged_in is not None:
        return logged_in
    if settings.public_read:
        return ANONYMOUS_ACTOR
    return None
