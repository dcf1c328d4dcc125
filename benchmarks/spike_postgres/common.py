"""Shared parts of the PostgreSQL spike: the PG URL, kl_dash's SQL, data loading, timing.

Not part of kl_dash; run with PYTHONPATH set to the repository root (see README.md).
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Callable
from datetime import date

import duckdb

# A table shaped like login_attempts in 004, owned by the spike (the app's own may change).
SPIKE_LOGINS_DDL = (
    "CREATE TABLE IF NOT EXISTS spike_logins (name VARCHAR PRIMARY KEY, "
    "failures INTEGER NOT NULL CHECK (failures >= 0), locked_until TIMESTAMP)"
)
PG_URL = os.environ.get("SPIKE_PG_URL", "postgresql://postgres@127.0.0.1:55432/kl_dash")

# Tables in an order that satisfies every foreign key.
TABLES = [
    "municipalities",
    "municipality_aliases",
    "programmes",
    "programme_groups",
    "networks",
    "focus_areas",
    "enrollments",
    "enrollment_focus_areas",
    "participants",
    "meetings",
    "attendance",
    "success_criteria",
    "criterion_status",
    "dataset_info",
    "uploads",
    "upload_changes",
    "users",
    "login_attempts",
]

# The dashboard queries timed against each store (the pages' heaviest ones).
TIMED = ["KEY_FIGURES_SQL", "MUNICIPALITY_TABLE_SQL", "ATTENDANCE_CELLS_SQL", "CRITERIA_SHARES_SQL"]


def migrations() -> list[tuple[str, str]]:
    """kl_dash's migration files as (file name, SQL), in order (of the kl_dash imported)."""
    from kl_dash.db import MIGRATIONS_DIR

    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]


def statements(sql: str) -> list[str]:
    """One SQL text split into its statements (by DuckDB's own parser)."""
    return [s.query.strip().rstrip(";") for s in duckdb.connect().extract_statements(sql)]


_FULL_MATCH = re.compile(r"regexp_full_match\((\w+), '([^']*)'\)")


def pg_ddl(sql: str) -> tuple[str, int]:
    """kl_dash's DDL with the hand edits PostgreSQL needs; returns (sql, number of edits)."""
    out, n1 = _FULL_MATCH.subn(r"(\1 ~ '^(?:\2)$')", sql)
    out, n2 = re.subn(r"\bDOUBLE\b(?! PRECISION)", "DOUBLE PRECISION", out)
    return out, n1 + n2


def queries() -> dict[str, str]:
    """Every SQL constant of kl_dash.queries (name -> SQL) plus the inline catalogue queries."""
    from kl_dash import queries as q

    found = {n: v for n, v in vars(q).items() if n.endswith("_SQL") and isinstance(v, str)}
    found["data_version"] = (
        "SELECT count(*), max(id), count(undone_at), max(undone_at) FROM uploads"
    )
    found["programmes"] = (
        "SELECT id, name, short_name FROM programmes ORDER BY invitation_date DESC, id"
    )
    return found


def params(sql: str, municipality: str = "751") -> dict:
    """The filter values a query names (it-2017 on 2019-06-01, Aarhus for profile queries)."""
    values = {
        "programme": "it-2017",
        "as_of": date(2019, 6, 1),
        "period_from": None,
        "region": None,
        "network": None,
        "group_id": None,
        "status": None,
        "municipality": municipality,
        "limit": 5,
    }
    used = set(re.findall(r"\$([a-z_]+)", sql))
    return {k: values[k] for k in used}


def pyformat(sql: str) -> str:
    """DuckDB's $name parameters as psycopg's %(name)s (and literal % doubled)."""
    return re.sub(r"\$([a-z_]+)", r"%(\1)s", sql.replace("%", "%%"))


def copy_to_pg(duck: duckdb.DuckDBPyConnection, pg, schema: str = "public") -> int:
    """Copy every kl_dash table from a DuckDB connection into PostgreSQL (psycopg COPY)."""
    total = 0
    with pg.cursor() as cur:
        for table in TABLES:
            rows = duck.execute(f"SELECT * FROM {table}").fetchall()
            cols = [d[0] for d in duck.description]
            with cur.copy(f"COPY {schema}.{table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            total += len(rows)
        cur.execute(
            f"SELECT setval('{schema}.uploads_id_seq', coalesce(max(id), 0) + 1, false) "
            f"FROM {schema}.uploads"
        )
        cur.execute(f"SET search_path = {schema}")
        cur.execute(SPIKE_LOGINS_DDL)
    pg.commit()
    return total


def timed(fns: dict[str, Callable[[], object]], runs: int = 30, warmup: int = 3) -> dict:
    """Median wall time in ms of each function, called in turn so load hits them alike."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def normalise(rows: list[tuple]) -> list[tuple]:
    """Rows comparable across engines: floats rounded, Decimals as floats, in sorted order."""

    def cell(v):
        if v is None:
            return None
        if hasattr(v, "as_tuple") or isinstance(v, float):
            return round(float(v), 9)
        return v

    return sorted((tuple(cell(v) for v in r) for r in rows), key=repr)
