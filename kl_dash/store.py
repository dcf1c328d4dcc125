"""Where kl_dash keeps its data: the DuckDB file (the default) or a shared PostgreSQL.

``KL_DASH_DB=postgresql://…`` (or ``postgres://…``) names a PostgreSQL database, reached
through psycopg 3 with one bounded connection pool per process; anything else is the path of
a DuckDB file, as before. Credentials come from libpq's usual places (``PGPASSFILE``,
``~/.pgpass``, ``PGSERVICE``), not from the URL.

A PostgreSQL connection here offers the part of a DuckDB connection kl_dash uses:
``execute(sql, params)`` returning itself with ``fetchall``, ``fetchone``, ``description`` and
``df()``, ``executemany``, ``cursor()`` (a connection of its own from the pool) and
``close()``. The SQL is the same text on both stores (see docs/scaling.md for the subset):
its ``$name`` and ``?`` parameters become psycopg's ``%(name)s`` and ``%s`` here, outside
quoted text, and ``df()`` gives the dtypes DuckDB's ``df()`` gives.

Every write runs in ``write_transaction``: it first bumps the one row of ``data_version``,
so writers from every process queue on that row's lock and each one reads the data as the
previous one left it; the row's number is also the cache key of every replica.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import duckdb
import numpy as np
import pandas as pd

from .errors import KlDashError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POOL_SIZE = 10  # per process; two replicas stay far below PostgreSQL's max_connections = 100
LOCK_TIMEOUT = "30s"  # how long a write waits for another one before it is refused
BUSY = "En anden opdatering gemmes lige nu; prøv igen om lidt. Intet er gemt."
_SKIPPED = ("schema_migrations", "data_version")  # each store keeps its own
T = TypeVar("T")


def is_postgres(target: str | os.PathLike | None) -> bool:
    """Whether ``target`` (an option or KL_DASH_DB) names a PostgreSQL database."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def dialect(con: Any) -> str:
    """'postgres' for a PostgreSQL connection of this module, else 'duckdb'."""
    return getattr(con, "dialect", "duckdb")


@functools.lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """``sql`` with DuckDB's ``$name`` and ``?`` parameters written as psycopg's.

    Quoted text ('…', "…") and comments are kept as they are (a regex may hold ``?``); a
    literal ``%`` outside them is doubled, as psycopg requires when parameters are passed.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == "$" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1 : end]})s")
            i = end
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


# PostgreSQL type OIDs by the SQL type whose dtype DuckDB's df() gives for them (typed_frame).
_TYPES = {
    21: "INTEGER",  # smallint
    23: "INTEGER",
    20: "BIGINT",
    700: "DOUBLE PRECISION",  # real
    701: "DOUBLE PRECISION",
    1700: "DOUBLE PRECISION",  # numeric: DuckDB gives float64 for DECIMAL
    1082: "DATE",
    1114: "TIMESTAMP",
    25: "VARCHAR",  # text
    1043: "VARCHAR",
    114: "VARCHAR",  # json
    3802: "VARCHAR",  # jsonb
    16: "BOOLEAN",
}
# The pandas dtype DuckDB's df() gives an integer column, without and with a NULL in it.
_INT = {"INTEGER": ("int32", "Int32"), "BIGINT": ("int64", "Int64")}


# DuckDB's type names (a description's type) by the SQL type typed_frame reads them as.
_DUCKDB_TYPES = {
    "INTEGER": "INTEGER",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE PRECISION",
    "DECIMAL": "DOUBLE PRECISION",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "VARCHAR": "VARCHAR",
    "BOOLEAN": "BOOLEAN",
}


def sql_type(type_code: Any) -> str | None:
    """The SQL type typed_frame reads a column as, from a PostgreSQL or DuckDB description."""
    if isinstance(type_code, int):
        return _TYPES.get(type_code)
    return _DUCKDB_TYPES.get(str(type_code).split("(")[0])


def frame(rows: list[tuple], description: Any) -> pd.DataFrame:
    """A DataFrame of PostgreSQL ``rows`` with the dtypes DuckDB's df() gives."""
    return typed_frame(rows, [(d.name, sql_type(d.type_code)) for d in description])


def typed_frame(rows: list[tuple], columns: list[tuple[str, str | None]]) -> pd.DataFrame:
    """A DataFrame of ``rows`` with the dtypes DuckDB's df() gives for these (name, SQL type).

    Types: INTEGER, BIGINT, DOUBLE PRECISION, DATE, TIMESTAMP, BOOLEAN, VARCHAR; any other
    (None) gives the object dtype. Rows as DuckDB's fetchall and psycopg give them.
    """
    values_of = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    made = pd.DataFrame(
        {
            i: _array(values, kind)
            for i, ((_, kind), values) in enumerate(zip(columns, values_of, strict=True))
        }
    )
    made.columns = pd.Index([name for name, _ in columns])
    return made


def _array(values: tuple, kind: str | None) -> Any:
    """One column of typed_frame, made as an array (a Series per column costs more)."""
    has_null = any(v is None for v in values)
    if kind in _INT:
        if has_null:
            return pd.array(values, dtype=_INT[kind][1])
        return np.array(values, dtype=_INT[kind][0])
    if kind == "DOUBLE PRECISION":
        return np.array([math.nan if v is None else float(v) for v in values], dtype="float64")
    if kind in ("DATE", "TIMESTAMP"):
        return np.array(values, dtype="datetime64[us]")
    if kind == "BOOLEAN":
        return pd.array(values, dtype="boolean") if has_null else np.array(values, dtype=bool)
    if kind == "VARCHAR" and values and not all(v is None for v in values):
        return pd.array(values, dtype="str")
    objects = np.empty(len(values), dtype=object)
    objects[:] = values
    return objects


class PostgresConnection:
    """A PostgreSQL session that answers like a DuckDB connection (see above).

    In autocommit mode, as DuckDB's connections are: ``BEGIN`` … ``COMMIT`` make a
    transaction, and ``db.transaction`` works unchanged. A pooled connection is held only
    while a statement runs or a transaction is open, and each result is read whole, so a
    cursor kept between reruns (a checked upload waiting for Gem) holds none of the pool.
    """

    dialect = "postgres"

    def __init__(self, pool: Any, owns_pool: bool = False):
        self._pool = pool
        self._owns_pool = owns_pool
        self._conn: Any = None
        self._rows: list[tuple] = []
        self._position = 0
        self._description: Any = None
        self._rowcount = -1

    def _connection(self) -> Any:
        if self._conn is None:
            from psycopg.types.string import TextLoader

            conn = self._pool.getconn()
            conn.autocommit = True
            for name in ("json", "jsonb"):  # JSON as its text, as DuckDB gives it
                conn.adapters.register_loader(name, TextLoader)
            self._conn = conn
        return self._conn

    def _release_if_idle(self) -> None:
        """Give the connection back unless a transaction is open (or failed) on it."""
        from psycopg.pq import TransactionStatus

        if self._conn is not None and self._conn.info.transaction_status == TransactionStatus.IDLE:
            self._pool.putconn(self._conn)
            self._conn = None

    def _run(self, sql: Any, params: Any = None, many: bool = False) -> PostgresConnection:
        try:
            with self._connection().cursor() as cur:
                if many:
                    cur.executemany(sql, params)
                else:
                    cur.execute(sql, params)
                self._description = cur.description
                self._rowcount = cur.rowcount
                self._rows = cur.fetchall() if cur.description is not None else []
                self._position = 0
        finally:
            self._release_if_idle()
        return self

    def execute(self, sql: str, params: Any = None) -> PostgresConnection:
        """Run one statement (several when there are no parameters); returns self."""
        if params is None:
            return self._run(sql)
        return self._run(pyformat(sql), params)

    def executemany(self, sql: str, params: Any) -> PostgresConnection:
        """Run ``sql`` once per parameter set; returns self."""
        return self._run(pyformat(sql), params, many=True)

    def fetchall(self) -> list[tuple]:
        """The rest of the last result; for a statement without one, [(rows changed,)]."""
        if self._description is None:
            return [(self._rowcount,)]  # as DuckDB answers an INSERT, UPDATE or DELETE
        rows, self._position = self._rows[self._position :], len(self._rows)
        return rows

    def fetchone(self) -> tuple | None:
        """The next row of the last result, or None (see fetchall for other statements)."""
        if self._description is None:
            return (self._rowcount,)
        if self._position >= len(self._rows):
            return None
        self._position += 1
        return self._rows[self._position - 1]

    @property
    def description(self) -> Any:
        """The last result's columns (``d[0]`` is the name, as in DuckDB)."""
        return self._description

    def df(self) -> pd.DataFrame:
        """The rest of the last result as a DataFrame with DuckDB's dtypes."""
        return frame(self.fetchall(), self._description)

    def copy_rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Append ``rows`` to ``table`` with PostgreSQL's COPY (names are kl_dash's own)."""
        names = ", ".join(f'"{c}"' for c in columns)
        try:
            with self._connection().cursor() as cur:
                with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        finally:
            self._release_if_idle()

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on this session."""
        from psycopg.pq import TransactionStatus

        return (
            self._conn is not None and self._conn.info.transaction_status != TransactionStatus.IDLE
        )

    def cursor(self) -> PostgresConnection:
        """Another session on the same pool (closed by the caller)."""
        return PostgresConnection(self._pool)

    def close(self) -> None:
        """Give back a connection still held (the pool rolls back an open transaction)."""
        if self._conn is not None:
            self._pool.putconn(self._conn)
            self._conn = None
        if self._owns_pool:
            self._owns_pool = False
            self._pool.close()

    def __enter__(self) -> PostgresConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        """Closed at the end of a ``with`` block, as a DuckDB connection is."""
        self.close()


def connect_postgres(url: str) -> PostgresConnection:
    """A connection to the PostgreSQL database at ``url``, from a new pool of its own."""
    try:
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise KlDashError(
            "KL_DASH_DB peger på PostgreSQL, men psycopg er ikke installeret: "
            'pip install "kl-dash[postgres]".'
        ) from exc
    pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, open=True, timeout=60)
    return PostgresConnection(pool, owns_pool=True)


def constraint_errors() -> tuple[type[Exception], ...]:
    """The exceptions a refused constraint raises, on either store (for ``except``)."""
    try:
        import psycopg
    except ImportError:
        return (duckdb.ConstraintException,)
    return (duckdb.ConstraintException, psycopg.errors.IntegrityError)


@contextmanager
def read_snapshot(con: Any) -> Iterator[Any]:
    """Several reads that see one state of the data, whatever is written meanwhile.

    A read-only transaction of their own (DuckDB's snapshot; REPEATABLE READ on PostgreSQL),
    rolled back at the end; inside a transaction already open on ``con``, that one's.
    """
    if dialect(con) == "postgres":
        began = not con.in_transaction
        if began:
            con.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        try:
            con.execute("BEGIN TRANSACTION")
            began = True
        except duckdb.TransactionException:  # one is open: its snapshot
            began = False
    try:
        yield con
    finally:
        if began:
            con.execute("ROLLBACK")


@contextmanager
def write_transaction(con: Any) -> Iterator[Any]:
    """One write transaction, queued behind every other writer by the data_version row.

    BEGIN, then (on PostgreSQL) a lock timeout, then the version row bumped, which locks it
    until COMMIT; the body runs after that, so it reads what the previous writer stored. Any
    error rolls everything back. A writer that waits longer than the lock timeout gets the
    Danish ``BUSY`` message and nothing is stored. DuckDB does not wait: a second writer of
    the same file (another cursor of the process) whose transaction overlaps one that bumped
    the row conflicts on it at once, and gets the same message.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        if dialect(con) == "postgres":
            con.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        try:
            con.execute("UPDATE data_version SET n = n + 1 WHERE id = 1")
        except duckdb.TransactionException as exc:  # a write-write conflict on the row
            raise KlDashError(BUSY) from exc
        yield con
    except BaseException as exc:
        con.execute("ROLLBACK")
        if getattr(exc, "sqlstate", None) == "55P03":  # lock_not_available
            raise KlDashError(BUSY) from exc
        raise
    con.execute("COMMIT")


def _tables(duck: duckdb.DuckDBPyConnection, schema: str = "main") -> list[str]:
    """kl_dash's tables of a DuckDB database in the order they were created (parents first)."""
    rows = duck.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND NOT temporary AND table_name NOT IN ? ORDER BY table_oid",
        [schema, list(_SKIPPED)],
    ).fetchall()
    return [table for (table,) in rows]


def _primary_keys(duck: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each table's primary key columns."""
    rows = duck.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE schema_name = 'main' AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    return {table: list(columns) for table, columns in rows}


# Tables no staged operation reads or writes (users and logins are written on PostgreSQL
# directly, kl_dash.users); a staging copy leaves them empty.
_NEVER_STAGED = ("users", "login_attempts", "login_secret", "dataset_info")
# Read whole even with a scope: the programme list (every name resolves a file's partnership),
# the partnerships an undo retired, and the upload log's entries (one row an upload).
_WHOLE = ("programmes", "removed_programmes", "uploads")
Programmes = Callable[[duckdb.DuckDBPyConnection], list[str]]


def _scoped(duck: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables holding rows of one partnership each (a programme_id column)."""
    rows = duck.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND column_name = 'programme_id'"
    ).fetchall()
    return {table for (table,) in rows} - set(_WHOLE)


def _copy(pg: PostgresConnection, staging: duckdb.DuckDBPyConnection, table: str, where: str,
          params: Any = None) -> None:  # fmt: skip
    """Copy the rows of ``table`` that ``where`` selects from ``pg`` into ``staging``.

    As Python values in a plain DataFrame, which DuckDB casts to the table's types; every row
    is looked at to tell a column's type (not only a sample), as a column may start with NULLs.
    """
    result = pg.execute(f'SELECT * FROM "{table}" {where}', params)
    rows = result.fetchall()
    if not rows:
        return
    found = pd.DataFrame.from_records(rows, columns=[d[0] for d in result.description])  # noqa: F841
    staging.execute(f"SET pandas_analyze_sample = {len(rows)}")
    staging.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM found')


def _snapshot(
    pg: PostgresConnection,
    keep_before: bool,
    programmes: Programmes,
    changes_of: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database holding what an operation reads of ``pg`` now (and, with
    ``keep_before``, a second copy in ``kl_before`` to tell afterwards what it changed).

    ``programmes``: called on the copy once the tables without a partnership's rows are in it,
    it names the partnerships whose rows (enrollments, meetings, ...) are copied.
    ``changes_of``: the upload whose row changes are copied, with those of every
    upload that changed the same rows (an undo's checks); otherwise none are (the operation only
    adds to the log). Tables no operation reads (``_NEVER_STAGED``) stay empty.
    """
    from . import db

    staging = duckdb.connect()
    db.migrate(staging)
    scoped = _scoped(staging)
    tables = [t for t in _tables(staging) if t not in _NEVER_STAGED]
    for table in tables:
        if table == "upload_changes":
            if changes_of is not None:
                _copy(pg, staging, table,
                      "WHERE (table_name, CAST(row_key AS VARCHAR)) IN (SELECT table_name, "
                      "CAST(row_key AS VARCHAR) FROM upload_changes WHERE upload_id = ?)",
                      [changes_of])  # fmt: skip
        elif table not in scoped:
            _copy(pg, staging, table, "")
    ids = sorted(set(programmes(staging)))
    for table in tables:
        if table in scoped and ids:
            _copy(pg, staging, table, "WHERE programme_id = ANY(?)", [ids])
    ((last, called),) = pg.execute("SELECT last_value, is_called FROM uploads_id_seq").fetchall()
    taken = last if called else last - 1  # ids PostgreSQL has handed out
    if taken:
        staging.execute("SELECT count(nextval('uploads_id_seq')) FROM range(?)", [taken])
    if keep_before:
        staging.execute("ATTACH ':memory:' AS kl_before")
        for table in _tables(staging):
            staging.execute(f'CREATE TABLE kl_before."{table}" AS SELECT * FROM main."{table}"')
    return staging


def _replay(staging: duckdb.DuckDBPyConnection, pg: PostgresConnection) -> int:
    """Make ``pg`` hold what ``staging`` holds: the rows an operation there added, changed or
    deleted (against ``kl_before``) are written to PostgreSQL, children deleted first and
    parents written first, inside the caller's transaction. Returns the rows written.

    A row the copy did not hold before is inserted, never upserted: were it stored all the same
    (outside what was copied), PostgreSQL refuses it and nothing is written.
    """
    tables, keys = _tables(staging), _primary_keys(staging)
    gone, written = {}, {}
    for table in tables:
        columns = keys[table]
        key = ", ".join(f'"{k}"' for k in columns)
        gone[table] = staging.execute(
            f'SELECT {key} FROM kl_before."{table}" EXCEPT SELECT {key} FROM main."{table}"'
        ).fetchall()
        same_key = " AND ".join(f'b."{k}" = n."{k}"' for k in columns)
        result = staging.execute(
            f'SELECT *, EXISTS (SELECT 1 FROM kl_before."{table}" AS b WHERE {same_key}) '
            f'FROM (SELECT * FROM main."{table}" EXCEPT SELECT * FROM kl_before."{table}") AS n'
        )
        written[table] = ([d[0] for d in result.description][:-1], result.fetchall())
    for table in reversed(tables):
        if gone[table]:
            key = keys[table]
            pg.execute(f'CREATE TEMP TABLE kl_rows AS SELECT {", ".join(key)} FROM "{table}" '
                       "WITH NO DATA")  # fmt: skip
            pg.copy_rows("kl_rows", key, gone[table])
            match = " AND ".join(f't."{k}" = g."{k}"' for k in key)
            pg.execute(f'DELETE FROM "{table}" AS t USING kl_rows AS g WHERE {match}')
            pg.execute("DROP TABLE kl_rows")
    for table in tables:
        columns, rows = written[table]
        if not rows:
            continue
        key = keys[table]
        names = ", ".join(f'"{c}"' for c in columns)
        others = [c for c in columns if c not in key]
        conflict = ", ".join(f'"{k}"' for k in key)
        update = (
            f"ON CONFLICT ({conflict}) DO UPDATE SET "
            + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in others)
            if others
            else f"ON CONFLICT ({conflict}) DO NOTHING"
        )
        for existed, action in ((True, update), (False, "")):
            part = [row[:-1] for row in rows if row[-1] == existed]
            if not part:
                continue
            pg.execute(f'CREATE TEMP TABLE kl_rows AS SELECT {names} FROM "{table}" WITH NO DATA')
            pg.copy_rows("kl_rows", columns, part)
            pg.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM kl_rows {action}')
            pg.execute("DROP TABLE kl_rows")
    pg.execute(
        "SELECT setval('uploads_id_seq', max(id)) FROM uploads "
        "HAVING max(id) >= (SELECT last_value FROM uploads_id_seq)"
    )
    return sum(len(rows) for _, rows in written.values()) + sum(map(len, gone.values()))


class _NothingWritten(Exception):
    """Raised to roll back a staged write that changed nothing (keeping the data version)."""

    def __init__(self, result: Any):
        super().__init__()
        self.result = result


def staged(
    con: Any,
    operation: Callable[[Any], T],
    *,
    programmes: Programmes,
    write: bool = True,
    changes_of: int | None = None,
) -> T:
    """``operation(con)``; on PostgreSQL, run on a DuckDB copy of what it reads, written back.

    kl_dash reads and checks uploads, and logs and undoes them, with DuckDB's own SQL (macros,
    read_csv, JSON). On PostgreSQL the operation runs, unchanged, on an in-memory DuckDB copy
    taken inside ``write_transaction`` (after the lock, so it holds the previous writer's
    rows); the rows it added, changed or deleted are then written to PostgreSQL in the same
    transaction, and a write that changes nothing is rolled back (the data version kept).
    ``programmes`` and ``changes_of`` name what of the data the operation reads (see
    ``_snapshot``). ``write=False``: a copy to read from (an upload's preview), no lock.
    """
    if dialect(con) != "postgres":
        return operation(con)
    if not write:
        staging = _snapshot(con, False, programmes, changes_of)
        try:
            return operation(staging)
        finally:
            staging.close()
    try:
        with write_transaction(con):
            staging = _snapshot(con, True, programmes, changes_of)
            try:
                result = operation(staging)
                if not _replay(staging, con):
                    raise _NothingWritten(result)
            finally:
                staging.close()
    except _NothingWritten as nothing:
        return nothing.result
    return result


def copy_tables(source: duckdb.DuckDBPyConnection, target: PostgresConnection) -> int:
    """Copy every table of a kl_dash DuckDB database into a new, migrated PostgreSQL one.

    Tables go in the order they were created (which every foreign key follows), in one
    transaction; the upload ids' sequence continues after the last id. Returns the rows copied.
    """
    total = 0
    with write_transaction(target):
        for table in _tables(source):
            rows = source.execute(f'SELECT * FROM "{table}"').fetchall()
            target.copy_rows(table, [d[0] for d in source.description], rows)
            total += len(rows)
        target.execute(
            "SELECT setval('uploads_id_seq', coalesce(max(id), 0) + 1, false) FROM uploads"
        )
    return total
