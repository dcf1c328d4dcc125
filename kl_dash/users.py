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

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import KlDashError

ROLES = ("viewer", "editor", "admin")
ROLE_NAMES = {"viewer": "læser", "editor": "redaktør", "admin": "administrator"}
MAX_FAILURES = 5
FIRST_WAIT = timedelta(seconds=30)
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
    except duckdb.ConstraintException as exc:
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


def authenticate(
    con: duckdb.DuckDBPyConnection, name: str, password: str, now: datetime | None = None
) -> Actor:
    """The actor for a correct name and password; LoginRefused otherwise.

    After five wrong passwords for a name, every further try must wait (30 seconds,
    doubling); the same holds for names that do not exist, so the answer never tells.
    """
    now = now or datetime.now()
    rows = con.execute(
        "SELECT failures, locked_until FROM login_attempts WHERE name = ?", [name]
    ).fetchall()
    failures, locked_until = rows[0] if rows else (0, None)
    if locked_until is not None and locked_until > now:
        wait = int((locked_until - now).total_seconds()) + 1
        raise LoginRefused(f"For mange forkerte forsøg. Prøv igen om {wait} sekunder.")
    found = con.execute("SELECT role, password_hash FROM users WHERE name = ?", [name]).fetchall()
    try:
        if not found:
            raise VerificationError("unknown name")
        _HASHER.verify(found[0][1], password)
    except (VerificationError, InvalidHashError):
        failures += 1
        lock = (
            now + FIRST_WAIT * 2 ** (failures - MAX_FAILURES) if failures >= MAX_FAILURES else None
        )
        con.execute(
            "INSERT INTO login_attempts VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET "
            "failures = excluded.failures, locked_until = excluded.locked_until",
            [name, failures, lock],
        )
        raise LoginRefused("Forkert brugernavn eller adgangskode.") from None
    con.execute("DELETE FROM login_attempts WHERE name = ?", [name])
    return Actor(name, found[0][0])
