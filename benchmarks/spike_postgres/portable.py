"""The edits that turn kl_dash.queries into SQL both DuckDB and PostgreSQL run (a common subset).

Each edit is an exact (DuckDB-only text, portable text) pair, so the spike can count them and
check that the portable text gives DuckDB's own result on both engines.
"""

from __future__ import annotations

import re

REWRITES: list[tuple[str, str]] = [
    # arg_max + GROUP BY ALL -> DISTINCT ON (both engines have it).
    (
        "SELECT municipality_code AS code, criterion_no, arg_max(status, assessed_on) AS status\n"
        "    FROM criterion_status\n"
        "    WHERE programme_id = $programme AND assessed_on <= $as_of\n"
        "    GROUP BY ALL",
        "SELECT DISTINCT ON (municipality_code, criterion_no)\n"
        "           municipality_code AS code, criterion_no, status\n"
        "    FROM criterion_status\n"
        "    WHERE programme_id = $programme AND assessed_on <= $as_of\n"
        "    ORDER BY municipality_code, criterion_no, assessed_on DESC",
    ),
    (
        "SELECT d.day, a.criterion_no, a.municipality_code, arg_max(a.status, a.assessed_on) "
        "AS status\n"
        "    FROM days AS d\n"
        "    JOIN assessments AS a ON a.assessed_on <= d.day\n"
        "    GROUP BY ALL",
        "SELECT DISTINCT ON (d.day, a.criterion_no, a.municipality_code)\n"
        "           d.day, a.criterion_no, a.municipality_code, a.status\n"
        "    FROM days AS d\n"
        "    JOIN assessments AS a ON a.assessed_on <= d.day\n"
        "    ORDER BY d.day, a.criterion_no, a.municipality_code, a.assessed_on DESC",
    ),
    # GROUP BY ALL -> the columns named.
    (
        "SELECT day, series, count(*) AS n FROM events GROUP BY ALL",
        "SELECT day, series, count(*) AS n FROM events GROUP BY day, series",
    ),
    (
        "FROM participants WHERE programme_id = $programme GROUP BY ALL",
        "FROM participants WHERE programme_id = $programme GROUP BY municipality_code",
    ),
    # DuckDB's / is float division; PostgreSQL's integer / integer truncates.
    (
        "count(*) FILTER (WHERE status = 'achieved') / count(*) AS share",
        "CAST(count(*) FILTER (WHERE status = 'achieved') AS DOUBLE PRECISION) / count(*) AS share",
    ),
    # An untyped parameter alone in a SELECT list: PostgreSQL must be told its type.
    (
        "SELECT DISTINCT $as_of, series, 0 FROM per_day",
        "SELECT DISTINCT CAST($as_of AS DATE), series, 0 FROM per_day",
    ),
]

# `$region IS NULL` (an optional filter): with server-side binding PostgreSQL cannot infer the
# type of a parameter that is only compared with NULL, so the portable text casts it.
OPTIONAL = {
    "region": "VARCHAR",
    "network": "VARCHAR",
    "group_id": "VARCHAR",
    "status": "VARCHAR",
    "municipality": "VARCHAR",
    "period_from": "DATE",
}
_OPTIONAL_IS_NULL = re.compile(r"\$(" + "|".join(OPTIONAL) + r") IS NULL")


def portable(sql: str) -> tuple[str, int]:
    """``sql`` with every applicable rewrite; returns (sql, number of rewrites applied)."""
    applied = 0
    for old, new in REWRITES:
        if old in sql:
            sql = sql.replace(old, new)
            applied += 1
    sql, casts = _OPTIONAL_IS_NULL.subn(
        lambda m: f"CAST(${m.group(1)} AS {OPTIONAL[m.group(1)]}) IS NULL", sql
    )
    return sql, applied + casts
