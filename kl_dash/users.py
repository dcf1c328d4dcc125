"""Who may do what: local accounts, roles and the checks the library itself makes.

Roles: ``viewer`` reads the pages, ``editor`` (a KL consultant) uploads and undoes, ``admin``
also manages users. Functions that change data take the acting user (an ``Actor``) and refuse
one without the role. A plain name (a ``str``) stands for a trusted local caller: the command
line on the machine that holds the database file, where everything is allowed anyway.

How someone acts is a field of the ``Actor`` (its ``mode``), never read from the name: an
account may be called anything but the two names the app shows for local mode and for
anonymous reading, which are refused as account names.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import store
from .errors import KlDashError

ROLES = ("viewer", "editor", "admin")
ROLE_NAMES = {"viewer": "læser", "editor": "redaktør", "admin": "administrator"}
MAX_FAILURES = 5
FIRST_WAIT = timedelta(seconds=30)
MAX_DOUBLINGS = 10  # the wait stops growing at 30 s * 2**10, about 8.5 hours
LOGIN_RETRIES = 200  # tries of one login statement that conflicts with parallel logins
_HASHER = PasswordHasher()

# How an actor came to act: a local account's login, the app in local mode (no accounts; the
# uploader types a name), an anonymous reader (KL_DASH_PUBLIC_READ), single sign-on, or the
# command line on the machine that holds the database file.
MODES = ("account", "local", "anonymous", "sso", "cli")
LOCAL_NAME = "lokal"  # the name shown for local mode
ANONYMOUS_NAME = "anonym"  # the name shown for an anonymous reader
RESERVED_NAMES = (LOCAL_NAME, ANONYMOUS_NAME)


@dataclass(frozen=True)
class Actor:
    """Someone using kl_dash: a name, a role, and how they act (one of ``MODES``)."""

    name: str
    role: str
    mode: str = "account"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown actor mode {self.mode!r}; expected one of {MODES}")

    def may(self, role: str) -> bool:
        """True when this actor has ``role`` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)


class NotAllowed(KlDashError):
    """The acting user lacks the role an action needs."""


class LoginRefused(KlDashError):
    """A login that failed; the message never says whether the name exists."""


def actor_of(user: Actor | str) -> Actor:
    """The acting user; a plain name is a trusted local caller (an admin on the command line)."""
    return user if isinstance(user, Actor) else Actor(user, "admin", "cli")


def require(user: Actor | str, role: str, action: str) -> Actor:
    """The actor, when allowed to do ``action``; raises NotAllowed otherwise."""
    actor = actor_of(user)
    if not actor.may(role):
        raise NotAllowed(
            f"{actor.name} ({ROLE_NAMES[actor.role]}) må ikke {action}; det kræver rollen "
            f"{ROLE_NAMES[role]}."
        )
    return actor


def count(con: duckdb.DuckDBPyConnection) -> int:
    """How many local accounts exist."""
    return con.execute("SELECT count(*) FROM users").fetchall()[0][0]


def list_users(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, datetime]]:
    """(name, role, created_at) for every account, by name; never the password hashes."""
    return con.execute("SELECT name, role, created_at FROM users ORDER BY name").fetchall()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise KlDashError(f'Rollen "{role}" findes ikke; forventet {", ".join(ROLES)}.')


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise KlDashError("Adgangskoden skal være mindst 10 tegn.")


def add_user(
    con: duckdb.DuckDBPyConnection, name: str, role: str, password: str, by: Actor | str
) -> None:
    """Create a local account (admins only)."""
    require(by, "admin", "oprette brugere")
    _check_role(role)
    if name.strip().lower() in RESERVED_NAMES:
        raise KlDashError(
            f'"{name}" kan ikke bruges som brugernavn; navnet er forbeholdt appens lokale '
            "tilstand og anonym læsning. Vælg et andet navn."
        )
    _check_password(password)
    if con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchall()[0][0]:
        raise KlDashError(f'Brugeren "{name}" findes allerede.')
    try:
        con.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?)",
            [name, role, _HASHER.hash(password), datetime.now()],
        )
    except store.constraint_errors() as exc:
        raise KlDashError(
            f'"{name}" kan ikke bruges som brugernavn; brug bogstaver a-z, tal og . _ @ -'
        ) from exc


def remove_user(con: duckdb.DuckDBPyConnection, name: str, by: Actor | str) -> None:
    """Delete a local account (admins only)."""
    require(by, "admin", "slette brugere")
    if not con.execute("DELETE FROM users WHERE name = ? RETURNING name", [name]).fetchall():
        raise KlDashError(f'Brugeren "{name}" findes ikke.')


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, by: Actor | str) -> None:
    """Change a password: one's own, or anyone's for an admin."""
    actor = actor_of(by)
    if actor.name != name:
        require(actor, "admin", "ændre andres adgangskode")
    _check_password(password)
    changed = con.execute(
        "UPDATE users SET password_hash = ? WHERE name = ? RETURNING name",
        [_HASHER.hash(password), name],
    ).fetchall()
    if not changed:
        raise KlDashError(f'Brugeren "{name}" findes ikke.')


def _login_retrying(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[tuple]:
    """Run one statement of a login, again after a write-write conflict with another login."""
    for attempt in range(LOGIN_RETRIES):
        try:
            return con.execute(sql, params).fetchall()
        except (duckdb.TransactionException, *store.constraint_errors()):
            time.sleep(random.uniform(0, 0.001 * (attempt + 1)))
    raise LoginRefused("Login er travlt lige nu. Prøv igen om lidt.")


def _name_hash(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The name tried, as kept in login_attempts: HMAC-SHA256 under the database's secret."""
    rows = con.execute("SELECT secret FROM login_secret").fetchall()
    if not rows:
        _login_retrying(
            con,
            "INSERT INTO login_secret VALUES (1, $secret) ON CONFLICT DO NOTHING",
            {"secret": secrets.token_hex(32)},
        )
        rows = con.execute("SELECT secret FROM login_secret").fetchall()
    key = bytes.fromhex(rows[0][0])
    return hmac.new(key, name.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown names so they take as long to refuse."""
    return _HASHER.hash(secrets.token_hex(32))


def authenticate(
    con: duckdb.DuckDBPyConnection, name: str, password: str, now: datetime | None = None
) -> Actor:
    """The actor for a correct name and password; LoginRefused otherwise.

    Every try is counted before the password is checked, in one atomic statement, so tries
    made in parallel count one each: after five for a name, further tries wait (30 seconds,
    doubling) without a check. Unknown names are counted and checked (against a dummy hash)
    alike, so neither the answer nor its time tells whether a name exists. The name tried is
    kept only as a keyed hash: a password typed into the name field is not stored.
    """
    now = now or datetime.now()
    name_hash = _name_hash(con, name)
    counted = _login_retrying(
        con,
        """
        INSERT INTO login_attempts VALUES ($name_hash, 1, NULL)
        ON CONFLICT (name_hash) DO UPDATE SET
            failures = login_attempts.failures + 1,
            locked_until = CASE WHEN login_attempts.failures + 1 >= $max THEN $now
                + INTERVAL '1 second' * CAST($wait * pow(2, least(login_attempts.failures + 1
                    - $max, $doublings)) AS BIGINT) END
        WHERE login_attempts.locked_until IS NULL OR login_attempts.locked_until <= $now
        RETURNING failures
        """,
        {
            "name_hash": name_hash,
            "max": MAX_FAILURES,
            "now": now,
            "wait": FIRST_WAIT.total_seconds(),
            "doublings": MAX_DOUBLINGS,
        },
    )
    if not counted:
        rows = con.execute(
            "SELECT locked_until FROM login_attempts WHERE name_hash = ?", [name_hash]
        ).fetchall()
        locked_until = rows[0][0] if rows and rows[0][0] else now
        wait = max(int((locked_until - now).total_seconds()) + 1, 1)
        raise LoginRefused(f"For mange forkerte forsøg. Prøv igen om {wait} sekunder.")
    found = con.execute("SELECT role, password_hash FROM users WHERE name = ?", [name]).fetchall()
    try:
        right = _HASHER.verify(found[0][1] if found else _dummy_hash(), password) and found
    except (VerificationError, InvalidHashError):
        right = False
    if not right:
        raise LoginRefused("Forkert brugernavn eller adgangskode.")
    _login_retrying(
        con, "DELETE FROM login_attempts WHERE name_hash = $name_hash", {"name_hash": name_hash}
    )
    return Actor(name, found[0][0])
