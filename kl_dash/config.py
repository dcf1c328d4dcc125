"""Every setting of kl_dash, declared once: its environment variable, default and help text.

Settings are read from the environment when asked for (``value``), never cached at import,
so a test or a deployment can change them. The README's Configuration table lists exactly
these (tests/test_docs.py checks it). Limits on uploads are declared here too, so the page,
the command line and the importer enforce the same numbers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "ja", "yes")


def _positive_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


@dataclass(frozen=True)
class Setting:
    """One setting: the environment variable, its default, where it applies, what it does."""

    name: str
    default: Any
    where: str  # "app", "command line" or "app and command line" (for the README)
    help: str
    parse: Callable[[str], Any] = str

    def value(self, environ: Mapping[str, str] | None = None) -> Any:
        """The value in ``environ`` (default: the process environment), else the default.

        A value that cannot be parsed (e.g. a size that is not a number) gives the default.
        """
        environ = os.environ if environ is None else environ
        raw = environ.get(self.name, "")
        if not raw.strip():
            return self.default
        parsed = self.parse(raw)
        return self.default if parsed is None else parsed


DB = Setting(
    "KL_DASH_DB",
    None,
    "app and command line",
    "the database when `--db` is not given: a DuckDB file (default `data/kl_dash.duckdb`), "
    "or `postgresql://…` for one PostgreSQL shared by several app servers (see Deployment)",
)
AUTH = Setting(
    "KL_DASH_AUTH",
    False,
    "app",
    "`required`: a login even while no user exists",
    lambda text: text.strip().lower() == "required",
)
PUBLIC_READ = Setting(
    "KL_DASH_PUBLIC_READ",
    False,
    "app",
    "`1`: pages readable without a login; writing still needs an editor",
    _flag,
)
MAX_UPLOAD_MB = Setting(
    "KL_DASH_MAX_UPLOAD_MB",
    20,
    "app and command line",
    "largest upload (CSV, Excel or partnership file) accepted, in MB",
    _positive_int,
)

CONTACT = Setting(
    "KL_DASH_CONTACT",
    None,
    "app",
    "who readers contact about accessibility (e-mail and telephone), on the Tilgængelighed page",
)

SETTINGS: tuple[Setting, ...] = (DB, AUTH, PUBLIC_READ, MAX_UPLOAD_MB, CONTACT)


def max_upload_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The largest upload accepted, in bytes."""
    return MAX_UPLOAD_MB.value(environ) * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds every upload path enforces before the expensive work starts."""

    rows: int = 1_000_000  # data rows in one file
    columns: int = 200  # columns in one file (CSV fields or used Excel columns)
    cell_chars: int = 10_000  # characters in one cell
    unpacked_bytes: int = 200 * 1024 * 1024  # an .xlsx file's contents once unzipped
    zip_ratio: int = 100  # unpacked/packed size of an .xlsx part (real sheets ~10, bombs 1000+)
    errors_kept: int = 1_000  # problems listed; past this the list says there are more
    seconds: float = 120.0  # time spent reading and checking one file
    nesting: int = 10  # lists and tables inside each other in a partnership file (2 are used)


LIMITS = Limits()
