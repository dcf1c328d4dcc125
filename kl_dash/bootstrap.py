"""Creating a database: schema, reference data and (optionally) example data.

A new file is built beside its final path and moved into place only when it is complete, so
a failure never leaves a half-seeded database behind, and --force never loses the old file
before the new one is ready.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import db, example_data, labels, reference, store
from .errors import KlDashError


@dataclass(frozen=True)
class InitResult:
    path: Path
    created: bool
    migrated_from: int | None
    version: int
    counts: dict[str, int]


def build_database(path: Path, *, example: bool = True) -> None:
    """Write a complete new database to ``path`` (which must not exist)."""
    con = db.connect(path)
    try:
        with db.transaction(con):
            reference.store_reference(con)
            if example:
                example_data.generate(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _build_beside(path: Path, example: bool) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        build_database(tmp, example=example)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def contents(path: Path) -> dict[str, int]:
    """Rows per table in an existing database, without changing it."""
    con = db.open_file(path, read_only=True)
    try:
        return db.table_counts(con)
    finally:
        con.close()


def init_database(path: Path, *, example: bool = True, force: bool = False) -> InitResult:
    """Create the database at ``path``; on an existing file migrate it, or recreate with force."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not force:
        con = db.open_file(path)
        try:
            before = db.schema_version(con)
            db.migrate(con)
            return InitResult(path, False, before, db.schema_version(con), db.table_counts(con))
        finally:
            con.close()
    tmp = _build_beside(path, example)
    Path(str(path) + ".wal").unlink(missing_ok=True)
    os.replace(tmp, path)
    return InitResult(path, True, None, db.latest_version(), contents(path))


def init_postgres(url: str, *, example: bool = True) -> InitResult:
    """Create kl_dash's tables in the PostgreSQL database at ``url`` and fill them as a new file.

    The rows are built in a DuckDB file beside (as for a file) and copied in one transaction;
    a database that already has them is only migrated. Nothing is ever deleted here.
    """
    con = store.connect_postgres(url)
    try:
        before = db.schema_version(con)
        db.migrate(con)
        (filled,) = con.execute("SELECT count(*) FROM municipalities").fetchone()
        if not filled:
            with tempfile.TemporaryDirectory() as staging:
                built = Path(staging) / "kl_dash.duckdb"
                build_database(built, example=example)
                source = db.open_file(built, read_only=True)
                try:
                    store.copy_tables(source, con)
                finally:
                    source.close()
        return InitResult(
            url,
            not filled,
            None if not filled else before,
            db.schema_version(con),
            db.table_counts(con),
        )
    finally:
        con.close()


def copy_to_postgres(path: Path, url: str) -> dict[str, int]:
    """Copy the kl_dash database file at ``path`` into the empty PostgreSQL database at ``url``.

    The file is read only and must be at this version's schema; the PostgreSQL database gets
    the schema, then every row in one transaction. One that already holds data is refused
    and left as it is. Returns the rows per table copied there.
    """
    source = db.open_file(path, read_only=True)
    try:
        if db.schema_version(source) != db.latest_version():
            raise KlDashError(
                f"{path} har en ældre skemaversion; kør først kl-dash init --db {path}."
            )
        target = store.connect_postgres(url)
        try:
            db.migrate(target)
            (filled,) = target.execute("SELECT count(*) FROM municipalities").fetchone()
            if filled:
                raise KlDashError(
                    f"{url} har allerede data; der kopieres kun til en tom database. "
                    "Intet er ændret."
                )
            store.copy_tables(source, target)
            return db.table_counts(target)
        finally:
            target.close()
    finally:
        source.close()


def ensure_database(path: Path) -> None:
    """First start: create and seed the database with example data when the file is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(_build_beside(path, example=True), path)


def describe_loss(path: Path) -> str:
    """A Danish sentence naming the rows that recreating ``path`` would delete."""
    try:
        counts = contents(path)
    except KlDashError:
        return f"{path} findes allerede, men kan ikke læses som kl_dash-database."
    return f"{path} findes allerede med {labels.count_summary(counts)}."
