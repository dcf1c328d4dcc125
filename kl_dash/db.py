"""The DuckDB file: where it is, opening it, and migrating its schema in place.

Migrations are the numbered SQL files in kl_dash/migrations/. Each is applied once, in
order, in its own transaction, and recorded in `schema_migrations`; a file made by an older
version is upgraded when it is opened, never dropping data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from . import config, store
from .errors import DatabaseInUse, NotAKlDashDatabase

ENV_VAR = config.DB.name
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_BLOCK_START = 3 * 4096  # DuckDB's main header and two database headers precede the blocks
_MIGRATION_LOCK = 0x6B6C_6461_7368  # PostgreSQL advisory lock key ("kldash") held while migrating


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def default_db_path() -> Path:
    """data/kl_dash.duckdb beside app.py (a source checkout), else under the current folder."""
    root = PROJECT_ROOT if (PROJECT_ROOT / "app.py").exists() else Path.cwd()
    return root / "data" / "kl_dash.duckdb"


def resolve_db_path(option: str | os.PathLike | None = None) -> Path | str:
    """The database: the --db option, else $KL_DASH_DB, else data/kl_dash.duckdb.

    A PostgreSQL URL (kl_dash.store.is_postgres) is returned as the text it is.
    """
    chosen = option or config.DB.value()
    if store.is_postgres(chosen):
        return chosen
    return Path(chosen) if chosen else default_db_path()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: BEGIN; COMMIT when the block ends; ROLLBACK and re-raise if it raises.

    A failed COMMIT is rolled back by DuckDB itself and raises here.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migrations() -> list[Migration]:
    """All migrations shipped with this version, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        found.append(Migration(int(number), name, path.read_text(encoding="utf-8")))
    return found


def latest_version() -> int:
    """The schema version this version of kl_dash writes."""
    return migrations()[-1].version


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {name for (name,) in rows}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database (0 for an empty one)."""
    tables = _tables(con)
    if "schema_migrations" not in tables:
        if tables:
            found = f"tabellerne {', '.join(sorted(tables))} og ingen schema_migrations"
            if store.dialect(con) == "postgres":
                raise NotAKlDashDatabase(
                    "PostgreSQL-databasen er ikke en kl_dash-database (dens skema "
                    f"{con.execute('SELECT current_schema()').fetchone()[0]} har {found}). "
                    "Intet er ændret. kl_dash skal have en tom database (kl-dash init --db URL) "
                    "eller en, den selv har oprettet."
                )
            raise NotAKlDashDatabase(
                f"Filen er en DuckDB-database, men ikke en kl_dash-database (den har {found})."
            )
        return 0
    (version,) = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return version


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[Migration]:
    """Apply every migration above the database's version (up to ``target``); return them.

    On DuckDB each migration is a transaction of its own. On PostgreSQL all of them are one
    transaction under an advisory lock, taken before the version is read, so replicas that
    start at once migrate once (PostgreSQL's DDL is transactional, as DuckDB's is).
    """
    if store.dialect(con) != "postgres":
        return _migrate(con, target, transaction)
    with transaction(con):
        con.execute("SELECT pg_advisory_xact_lock(?)", [_MIGRATION_LOCK])
        return _migrate(con, target, nullcontext)


def _migrate(con, target: int | None, each) -> list[Migration]:
    current = schema_version(con)
    newest = latest_version()
    if current > newest:
        raise NotAKlDashDatabase(
            f"Databasen har skemaversion {current}, men denne kl_dash kender kun op til "
            f"version {newest}. Opdater kl_dash, før du åbner den."
        )
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = []
    for migration in migrations():
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        with each(con):
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now()],
            )
        applied.append(migration)
    return applied


def _unopenable(path: Path) -> str:
    """Why DuckDB could not open ``path``, in Danish."""
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except FileNotFoundError:
        return f"{path} findes ikke."
    except OSError:
        return f"{path} kan ikke læses; har du adgang til filen? Filen er ikke ændret."
    if not head:
        found = "tom (0 bytes)"
    elif head[8:12] != b"DUCK":  # DuckDB's magic word
        found = "ikke en DuckDB-database"
    else:
        found = "beskadiget, ufuldstændig eller skrevet af en nyere DuckDB"
    return f"{path} kan ikke åbnes som DuckDB-database: filen er {found}. Filen er ikke ændret."


def _refuse_cut_short(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a file that ends before the last block its tables use (a copy broken off).

    DuckDB reads a table's blocks only when a query needs them, so a file cut short opens
    and fails later, on the first page that reads a lost block. A file at least as long as
    all the blocks DuckDB counts is whole; a shorter one (DuckDB also trims free blocks at
    the end) is checked against the blocks its tables use.
    """
    size = path.stat().st_size
    total, block_size = con.execute(
        "SELECT total_blocks, block_size FROM pragma_database_size() "
        "WHERE database_name = current_database()"
    ).fetchall()[0]
    if size >= _BLOCK_START + total * block_size:
        return
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary"
    ).fetchall()
    used = [
        con.execute(
            "SELECT max(block_id) FROM pragma_storage_info(?) WHERE block_id >= 0", [table]
        ).fetchall()[0][0]
        for (table,) in tables
    ]
    last = max((block for block in used if block is not None), default=-1)
    needed = _BLOCK_START + (last + 1) * block_size
    if size < needed:
        size_text, needed_text = (f"{n:,}".replace(",", ".") for n in (size, needed))
        raise NotAKlDashDatabase(
            f"{path} er ufuldstændig: filen fylder {size_text} bytes, men dens tabeller rækker "
            f"til byte {needed_text}. Den er måske blevet afkortet under en kopiering eller da "
            "disken var fuld. Filen er ikke ændret; gendan den fra en sikkerhedskopi."
        )


def _create_private(path: Path) -> None:
    """A new, empty database file at ``path`` that only its owner may read or write.

    The file will hold password hashes. DuckDB creates files readable by all (as the umask
    allows), so an empty database is made elsewhere and its bytes written to a file created
    with mode 0600; a file that appeared meanwhile is left as it is.
    """
    with tempfile.TemporaryDirectory() as staging:
        empty = Path(staging) / "empty.duckdb"
        duckdb.connect(str(empty)).close()
        data = empty.read_bytes()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def open_file(path: str | os.PathLike, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file as it is (no migration), with a Danish error if it is not one.

    A file that is not DuckDB, is damaged or is cut short is refused and not changed. A
    missing file is created (unless ``read_only``) with mode 0600.
    """
    path = Path(path)
    if not read_only and not path.exists():
        _create_private(path)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
            raise DatabaseInUse(
                f"{path} er i brug af et andet program (f.eks. appen, der kører). DuckDB "
                "tillader kun én proces ad gangen; stop den anden proces og prøv igen."
            ) from exc
        raise NotAKlDashDatabase(_unopenable(path)) from exc
    try:
        _refuse_cut_short(con, path)
    except duckdb.Error as exc:
        con.close()
        raise NotAKlDashDatabase(_unopenable(path)) from exc
    except BaseException:
        con.close()
        raise
    return con


def private_files() -> None:
    """Make every file this process creates from now on private to its owner (umask 077).

    DuckDB writes recent changes, new password hashes among them, to a ``.wal`` file beside
    the database and creates it as the umask allows (0644 under the usual 022), however
    private the database file itself is. The processes that write a database (the app's
    server and the ``kl-dash`` command) call this once at start, before opening it.
    """
    os.umask(0o077)


def connect(path: str | os.PathLike, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database at ``path`` (a file, or a PostgreSQL URL) and bring its schema up to date.

    A folder made for it is private to its owner (mode 0700), like the file (0600): DuckDB
    writes recent changes, password hashes too, to a ``.wal`` file beside it, readable by all.
    """
    if store.is_postgres(path):
        con = store.connect_postgres(path)
        try:
            migrate(con)
        except BaseException:
            con.close()
            raise
        return con
    path = Path(path)
    if read_only:
        return open_file(path, read_only=True)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    con = open_file(path)
    try:
        migrate(con)
    except (duckdb.IOException, duckdb.SerializationException) as exc:
        con.close()
        raise NotAKlDashDatabase(
            f"{path} kan ikke læses som kl_dash-database: en del af filen er beskadiget. "
            "Filen er ikke ændret; gendan den fra en sikkerhedskopi."
        ) from exc
    except Exception:
        con.close()
        raise
    return con


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table (schema_migrations excluded), for reports of what a file holds."""
    counts = {}
    for table in sorted(_tables(con) - {"schema_migrations"}):
        if (
            con.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [table]
            ).fetchone()[0]
            != "BASE TABLE"
        ):
            continue
        (counts[table],) = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return counts
