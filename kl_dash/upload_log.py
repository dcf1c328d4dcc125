"""The upload log: every stored upload, what it changed row by row, and how to put that back.

Every write that can be undone (a data upload, a partnership added or changed) records one
``uploads`` row and, before it writes, one ``upload_changes`` row per table row it adds,
changes or removes: the row's key and the whole row as it was (NULL for a row it adds). From
these one rule refuses an undo while a later upload (not undone) changed the same rows, and
one restore deletes the rows an upload added and puts back the rows it changed or removed.
Functions that write run inside the caller's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from .users import Actor


@dataclass(frozen=True)
class Entry:
    """One upload as the log holds it."""

    id: int
    uploaded_by: str
    uploaded_mode: str | None  # how the uploader acted (users.MODES); None before version 009
    kind: str
    programme_id: str | None
    undone_at: datetime | None
    undo_data: dict[str, Any]


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    user: Actor,
    file_name: str,
    sha256: str,
    kind: str,
    programme_id: str | None,
    counts: tuple[int, int, int],
    undo_data: dict[str, Any],
) -> int:
    """Log an upload (new, changed and unchanged rows in ``counts``); return its id."""
    (upload_id,) = con.execute(
        """
        INSERT INTO uploads (uploaded_at, uploaded_by, uploaded_mode, file_name, sha256, kind,
                             programme_id, rows_new, rows_changed, rows_unchanged, undo_data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """,
        [
            datetime.now(),
            user.name,
            user.mode,
            file_name,
            sha256,
            kind,
            programme_id,
            *counts,
            json.dumps(undo_data),
        ],
    ).fetchall()[0]
    return upload_id


def primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The primary key columns of ``table``, in order."""
    ((columns,),) = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE schema_name = 'main' AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchall()
    return list(columns)


def _types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    )


def _indexed(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Columns of a primary key or unique constraint: DuckDB cannot set them on a row that
    other tables reference (not even to the same value), and a restore never changes them."""
    rows = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE schema_name = 'main' "
        "AND table_name = ? AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')",
        [table],
    ).fetchall()
    return {column for (columns,) in rows for column in columns}


def record_rows(con: duckdb.DuckDBPyConnection, upload_id: int, table: str, rows_sql: str) -> None:
    """Record the rows of ``table`` that upload ``upload_id`` is about to add, change or remove.

    ``rows_sql`` selects ``row_number`` and the table's key columns of each such row; call
    this before writing them, so that each row's before-image is the row as it is now.
    """
    key, types = primary_key(con, table), _types(con, table)
    on = " AND ".join(f"t.{k} = r.{k}" for k in key)
    row_key = ", ".join(f"{k} := CAST(r.{k} AS {types[k]})" for k in key)
    con.execute(
        f"""
        INSERT INTO upload_changes
        SELECT $upload_id, r.row_number, $table, to_json(struct_pack({row_key})),
               CASE WHEN t.{key[0]} IS NOT NULL THEN to_json(t) END
        FROM ({rows_sql}) AS r LEFT JOIN {table} AS t ON {on}
        """,
        {"upload_id": upload_id, "table": table},
    )


def record_keys(
    con: duckdb.DuckDBPyConnection, upload_id: int, table: str, keys: list[tuple], first: int
) -> int:
    """``record_rows`` for rows named by their key values, numbered from ``first``.

    Returns the next free row number.
    """
    if not keys:
        return first
    key, types = primary_key(con, table), _types(con, table)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE upload_keys (row_number INTEGER, "
        + ", ".join(f"{k} {types[k]}" for k in key)
        + ")"
    )
    con.executemany(
        f"INSERT INTO upload_keys VALUES (?{', ?' * len(key)})",
        [[first + i, *values] for i, values in enumerate(keys)],
    )
    record_rows(con, upload_id, table, "SELECT * FROM upload_keys")
    return first + len(keys)


def entries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored upload, newest first; a missing value (not undone, no partnership) is None."""
    result = con.execute(
        """
        SELECT id, uploaded_at, uploaded_by, file_name, kind, programme_id, rows_new,
               rows_changed, rows_unchanged, sha256, undone_at, undone_by
        FROM uploads ORDER BY id DESC
        """
    )
    columns = [d[0] for d in result.description]
    return pd.DataFrame(result.fetchall(), columns=columns, dtype=object)


def entry(con: duckdb.DuckDBPyConnection, upload_id: int) -> Entry | None:
    """One upload of the log, or None when there is none with this id."""
    rows = con.execute(
        "SELECT id, uploaded_by, uploaded_mode, kind, programme_id, undone_at, undo_data "
        "FROM uploads "
        "WHERE id = ?",
        [upload_id],
    ).fetchall()
    if not rows:
        return None
    *fields, undo_data = rows[0]
    return Entry(*fields, json.loads(undo_data))


def later_uploads(con: duckdb.DuckDBPyConnection, upload_id: int) -> list[int]:
    """The uploads after ``upload_id``, not undone, that changed any row it changed."""
    return [
        later
        for (later,) in con.execute(
            """
            SELECT DISTINCT later.upload_id
            FROM upload_changes AS this
            JOIN upload_changes AS later
              ON later.table_name = this.table_name AND later.row_key = this.row_key
             AND later.upload_id > this.upload_id
            JOIN uploads AS u ON u.id = later.upload_id AND u.undone_at IS NULL
            WHERE this.upload_id = ?
            ORDER BY 1
            """,
            [upload_id],
        ).fetchall()
    ]


def added_keys(con: duckdb.DuckDBPyConnection, upload_id: int, table: str) -> list[dict]:
    """The keys of the rows of ``table`` that upload ``upload_id`` added."""
    return [
        json.loads(key)
        for (key,) in con.execute(
            "SELECT row_key FROM upload_changes WHERE upload_id = ? AND table_name = ? "
            "AND before IS NULL ORDER BY row_number",
            [upload_id, table],
        ).fetchall()
    ]


def _key_match(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """SQL: row ``t`` of ``table`` is the row named by ``c.row_key``."""
    return " AND ".join(
        f"CAST(t.{k} AS VARCHAR) = json_extract_string(c.row_key, '$.{k}')"
        for k in primary_key(con, table)
    )


def restore(
    con: duckdb.DuckDBPyConnection, upload_id: int, leave: frozenset[str] = frozenset()
) -> int:
    """Put back every row upload ``upload_id`` changed; return how many.

    Rows it added are deleted (except in the tables in ``leave``, which the caller retires
    otherwise); rows it changed get their before-image back; rows it removed are inserted
    again. Key and unique columns are never set (a row keeps its identity).
    """
    tables = [
        table
        for (table,) in con.execute(
            "SELECT DISTINCT table_name FROM upload_changes WHERE upload_id = ? ORDER BY 1",
            [upload_id],
        ).fetchall()
    ]
    params = {"upload_id": upload_id}
    for table in tables:
        params["table"] = table
        mine = "c.upload_id = $upload_id AND c.table_name = $table"
        match = _key_match(con, table)
        if table not in leave:
            con.execute(
                f"DELETE FROM {table} AS t USING upload_changes AS c "
                f"WHERE {mine} AND c.before IS NULL AND {match}",
                params,
            )
        types = _types(con, table)
        columns = [
            column
            for (column,) in con.execute(
                "SELECT DISTINCT unnest(json_keys(before)) FROM upload_changes AS c "
                f"WHERE {mine} AND c.before IS NOT NULL",
                params,
            ).fetchall()
        ]
        if not columns:
            continue
        before = {c: f"CAST(json_extract_string(c.before, '$.{c}') AS {types[c]})" for c in columns}
        settable = [c for c in columns if c not in _indexed(con, table)]
        if settable:
            con.execute(
                f"UPDATE {table} AS t SET {', '.join(f'{c} = {before[c]}' for c in settable)} "
                f"FROM upload_changes AS c WHERE {mine} AND c.before IS NOT NULL AND {match}",
                params,
            )
        con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(before.values())} FROM upload_changes AS c "
            f"WHERE {mine} AND c.before IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {match})",
            params,
        )
    (restored,) = con.execute(
        "SELECT count(*) FROM upload_changes WHERE upload_id = ?", [upload_id]
    ).fetchall()[0]
    return restored


def mark_undone(con: duckdb.DuckDBPyConnection, upload_id: int, user: str) -> None:
    """Record in the log that ``user`` undid upload ``upload_id`` now."""
    con.execute(
        "UPDATE uploads SET undone_at = ?, undone_by = ? WHERE id = ?",
        [datetime.now(), user, upload_id],
    )
