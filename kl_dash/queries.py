"""SQL in, DataFrames out: every figure the pages show, defined as a statement.

Each query is a chain of CTEs named for their steps. Values are always bound as named
parameters ($programme, $as_of, ...), never formatted into the SQL text. Most queries start
from the shared steps in ``SCOPE``: the municipalities the filters select, with their
enrollment status as it stood on the status date.

The statements here are the definition of every figure. The queries of ``FROM_ROWS`` (the
key figures, Overblik's frames, attendance, criteria status, the Kommuner table and a
profile) are computed in Python from the programme's rows instead (``programme_rows``, read
once per data version): planning their statements took most of a filter change's time
(issue 12). Each has its statement beside it (``..._by_statement``, or ``overview``), and
tests/test_programme_rows.py holds the two equal on every view.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import duckdb
import pandas as pd

from . import programme_rows, programme_store, store
from .filters import Filters
from .formatting import danish_sort_key
from .key_figures import KeyFigures, pooled
from .labels import EXAMPLE_SOURCE
from .programmes import Programme

# How far back "change since the previous period" looks.
PREVIOUS_PERIOD = timedelta(days=91)

SCOPE = """
programme AS (
    SELECT * FROM programmes WHERE id = $programme
),
scope AS (
    SELECT
        e.municipality_code AS code, m.name, m.region, m.latitude, m.longitude,
        e.network_id, n.name AS network_name,
        e.interest_on, e.agreement_on, e.withdrawn_on,
        CASE
            WHEN e.withdrawn_on <= $as_of THEN 'withdrawn'
            WHEN e.agreement_on <= $as_of OR NOT p.requires_agreement THEN 'participating'
            ELSE 'awaiting_agreement'
        END AS status
    FROM enrollments AS e
    JOIN programme AS p ON p.id = e.programme_id
    JOIN municipalities AS m ON m.code = e.municipality_code
    LEFT JOIN networks AS n USING (programme_id, network_id)
    WHERE e.interest_on <= $as_of
      AND (CAST($region AS VARCHAR) IS NULL OR m.region = $region)
      AND (CAST($network AS VARCHAR) IS NULL OR e.network_id = $network)
      AND (CAST($municipality AS VARCHAR) IS NULL OR e.municipality_code = $municipality)
),
in_view AS (
    SELECT * FROM scope WHERE CAST($status AS VARCHAR) IS NULL OR status = $status
),
meetings_in_view AS (
    -- The meetings of the groups in view that are meant for someone in view: a meeting for
    -- every network, or one network's own meeting when that network is in view (all of
    -- them while no region, network or municipality is chosen). status: 'held' by the
    -- status date, 'overdue' (its planned period has passed and no one registered it as
    -- held) or 'planned'.
    SELECT mt.*, g.name AS group_name, coalesce(g.sort_order, 0) AS group_order,
           n.name AS network_name,
           CASE
               WHEN mt.held_on <= $as_of THEN 'held'
               WHEN mt.planned_to < $as_of THEN 'overdue'
               ELSE 'planned'
           END AS status
    FROM meetings AS mt
    LEFT JOIN programme_groups AS g USING (programme_id, group_id)
    LEFT JOIN networks AS n ON n.programme_id = mt.programme_id AND n.network_id = mt.network_id
    WHERE mt.programme_id = $programme
      AND (CAST($group_id AS VARCHAR) IS NULL OR mt.group_id IS NULL OR mt.group_id = $group_id)
      AND (mt.network_id IS NULL
           OR (CAST($region AS VARCHAR) IS NULL AND CAST($network AS VARCHAR) IS NULL
               AND CAST($municipality AS VARCHAR) IS NULL)
           OR mt.network_id = $network
           OR mt.network_id IN (SELECT network_id FROM scope))
),
held_in_view AS (
    SELECT * FROM meetings_in_view
    WHERE held_on <= $as_of AND (CAST($period_from AS DATE) IS NULL OR held_on >= $period_from)
),
expected_attendance AS (
    -- A municipality is expected at each held meeting meant for it while it takes part
    -- (from its political agreement, or sign-up, until it withdraws): a meeting for every
    -- network or for its own, for every group or for one it sends people to (a group it
    -- has signed no one up for is not its group).
    SELECT v.code, h.meeting_id, a.attendees, coalesce(a.attendees, 0) > 0 AS attended
    FROM in_view AS v
    JOIN programme AS p ON TRUE
    JOIN held_in_view AS h
      ON coalesce(v.agreement_on, CASE WHEN NOT p.requires_agreement THEN v.interest_on END)
             <= h.held_on
     AND (v.withdrawn_on IS NULL OR v.withdrawn_on > h.held_on)
     AND (h.network_id IS NULL OR h.network_id = v.network_id)
    LEFT JOIN participants AS none_sent
      ON none_sent.programme_id = h.programme_id AND none_sent.group_id = h.group_id
     AND none_sent.municipality_code = v.code AND none_sent.participants = 0
    LEFT JOIN attendance AS a
      ON a.programme_id = h.programme_id AND a.meeting_id = h.meeting_id
     AND a.municipality_code = v.code
    WHERE none_sent.group_id IS NULL
),
latest_assessment AS (
    -- Each municipality's latest assessment of each criterion on the status date.
    SELECT DISTINCT ON (municipality_code, criterion_no)
           municipality_code AS code, criterion_no, status
    FROM criterion_status
    WHERE programme_id = $programme AND assessed_on <= $as_of
    ORDER BY municipality_code, criterion_no, assessed_on DESC
),
municipality_figures AS (
    -- Each municipality's own counts, the ground of every key figure. counted: whether it
    -- counts in the partnership's figures (it takes part on the status date); withdrawn
    -- municipalities keep their own counts but are left out of every rate and total.
    SELECT v.*, v.status = 'participating' AS counted,
           coalesce(ea.attended, 0) AS meetings_attended,
           coalesce(ea.expected, 0) AS meetings_expected,
           coalesce(la.reached, 0) AS criteria_reached,
           coalesce(la.assessed, 0) AS criteria_assessed,
           coalesce(pa.participants, 0) AS participants
    FROM in_view AS v
    LEFT JOIN (
        SELECT code, CAST(count(*) FILTER (WHERE attended) AS INTEGER) AS attended,
               CAST(count(*) AS INTEGER) AS expected
        FROM expected_attendance GROUP BY code
    ) AS ea USING (code)
    LEFT JOIN (
        SELECT code, CAST(count(*) FILTER (WHERE status = 'achieved') AS INTEGER) AS reached,
               CAST(count(*) AS INTEGER) AS assessed
        FROM latest_assessment GROUP BY code
    ) AS la USING (code)
    LEFT JOIN (
        SELECT municipality_code AS code, CAST(sum(participants) AS INTEGER) AS participants
        FROM participants
        WHERE programme_id = $programme
          AND (CAST($group_id AS VARCHAR) IS NULL OR group_id = $group_id)
        GROUP BY municipality_code
    ) AS pa USING (code)
)
"""

_STEP = re.compile(r"^([a-z_]+) AS \(", re.MULTILINE)  # a step of SCOPE starts a line
_STEPS = {
    m[1]: SCOPE[m.start() : end].strip().rstrip(",")
    for m, end in zip(
        _STEP.finditer(SCOPE),
        [n.start() for n in _STEP.finditer(SCOPE)][1:] + [len(SCOPE)],
        strict=True,
    )
}


def scope(*steps: str) -> str:
    """SCOPE's ``steps`` and the steps they read, in SCOPE's order, for a query's WITH.

    DuckDB parses and binds every step of a statement, used or not: a query that names only
    the steps it reads is planned in 2-3 ms less (of 10-30).
    """
    needed = set(steps)
    for name in reversed(_STEPS):
        if name in needed:
            needed |= {
                other
                for other in _STEPS
                if other != name and re.search(rf"\b{other}\b", _STEPS[name])
            }
    return ",\n".join(text for name, text in _STEPS.items() if name in needed)


_PARAM = re.compile(r"\$([a-z_]+)")


def _run(
    con: duckdb.DuckDBPyConnection, sql: str, filters: Filters, **extra: Any
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql`` with the filter values (and ``extra``) it names."""
    values = filters.params() | extra
    used = set(_PARAM.findall(sql))
    return con.execute(sql, {name: values[name] for name in used})


def _frame(con, sql: str, filters: Filters, **extra: Any) -> pd.DataFrame:
    return _run(con, sql, filters, **extra).df()


# --- Catalogue -------------------------------------------------------------------------------


def programmes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All programmes, newest invitation first."""
    return con.execute(
        """
        SELECT id, name, short_name, case_id, purpose, invitation_date, interest_deadline,
               agreement_deadline, kickoff_date, start_date, end_date, run_text, price_dkk,
               price_per_year_dkk, requires_agreement
        FROM programmes
        WHERE id NOT IN (SELECT programme_id FROM removed_programmes)  -- undone, not yet purged
        ORDER BY invitation_date DESC, id
        """
    ).df()


def programme_info(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """The filtered programme's row as a dict (dates as datetime.date)."""
    row = _run(con, "SELECT * FROM programmes WHERE id = $programme", filters)
    names = [d[0] for d in row.description]
    return dict(zip(names, row.fetchone(), strict=True))


def programme_definition(con: duckdb.DuckDBPyConnection, filters: Filters) -> Programme:
    """The filtered programme as stored: its definition file's facts and notes.

    Rows of example data (networks, criteria) are in it too; example_facts names them.
    """
    return programme_store.load(con, filters.programme_id)


def has_example_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the database holds generated example data."""
    return bool(
        con.execute("SELECT count(*) FROM dataset_info WHERE key = 'example_data'").fetchone()[0]
    )


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """The store's data version, ``(n,)``: the key that invalidates cached data.

    Every write of shown data raises it (kl_dash.store.write_transaction), on the DuckDB file
    and on PostgreSQL alike, so a rerun on any replica sees an upload, an undo or a changed
    partnership. One row read by its key.
    """
    return con.execute("SELECT n FROM data_version WHERE id = 1").fetchone()


# --- Overview --------------------------------------------------------------------------------


# The key figures on two status dates in one statement: SCOPE's steps through
# municipality_figures with the day as a column of each (planning one statement costs more
# than running it, so both dates cost about what one did). The steps must count as SCOPE's do:
# tests/test_key_figures.py checks that the Kommuner table's rows add up to these figures, and
# tests/test_queries.py checks them against the raw tables.
KEY_FIGURES_SQL = """
WITH
programme AS (
    SELECT id, requires_agreement FROM programmes WHERE id = $programme
),
days AS (
    -- the status date and the day one period (PREVIOUS_PERIOD) before it
    SELECT CAST($as_of AS DATE) AS day
    UNION ALL
    SELECT CAST($before AS DATE)
),
scope AS (
    SELECT
        d.day, e.municipality_code AS code, e.network_id, e.interest_on, e.agreement_on,
        e.withdrawn_on,
        CASE
            WHEN e.withdrawn_on <= d.day THEN 'withdrawn'
            WHEN e.agreement_on <= d.day OR NOT p.requires_agreement THEN 'participating'
            ELSE 'awaiting_agreement'
        END AS status
    FROM days AS d
    JOIN enrollments AS e ON e.interest_on <= d.day
    JOIN programme AS p ON p.id = e.programme_id
    JOIN municipalities AS m ON m.code = e.municipality_code
    WHERE (CAST($region AS VARCHAR) IS NULL OR m.region = $region)
      AND (CAST($network AS VARCHAR) IS NULL OR e.network_id = $network)
      AND (CAST($municipality AS VARCHAR) IS NULL OR e.municipality_code = $municipality)
),
in_view AS (
    SELECT * FROM scope WHERE CAST($status AS VARCHAR) IS NULL OR status = $status
),
meetings_in_view AS (
    -- SCOPE's meetings_in_view on each day: a network's own meeting is in view while one of
    -- the day's municipalities in scope belongs to that network
    SELECT d.day, mt.programme_id, mt.meeting_id, mt.group_id, mt.network_id, mt.held_on
    FROM days AS d
    JOIN meetings AS mt ON mt.programme_id = $programme
    WHERE (CAST($group_id AS VARCHAR) IS NULL OR mt.group_id IS NULL OR mt.group_id = $group_id)
      AND (mt.network_id IS NULL
           OR (CAST($region AS VARCHAR) IS NULL AND CAST($network AS VARCHAR) IS NULL
               AND CAST($municipality AS VARCHAR) IS NULL)
           OR mt.network_id = $network
           OR EXISTS (SELECT 1 FROM scope AS s
                      WHERE s.day = d.day AND s.network_id = mt.network_id))
),
held_in_view AS (
    SELECT * FROM meetings_in_view
    WHERE held_on <= day AND (CAST($period_from AS DATE) IS NULL OR held_on >= $period_from)
),
expected_attendance AS (
    SELECT v.day, v.code, coalesce(a.attendees, 0) > 0 AS attended
    FROM in_view AS v
    JOIN programme AS p ON TRUE
    JOIN held_in_view AS h
      ON h.day = v.day
     AND coalesce(v.agreement_on, CASE WHEN NOT p.requires_agreement THEN v.interest_on END)
             <= h.held_on
     AND (v.withdrawn_on IS NULL OR v.withdrawn_on > h.held_on)
     AND (h.network_id IS NULL OR h.network_id = v.network_id)
    LEFT JOIN participants AS none_sent
      ON none_sent.programme_id = h.programme_id AND none_sent.group_id = h.group_id
     AND none_sent.municipality_code = v.code AND none_sent.participants = 0
    LEFT JOIN attendance AS a
      ON a.programme_id = h.programme_id AND a.meeting_id = h.meeting_id
     AND a.municipality_code = v.code
    WHERE none_sent.group_id IS NULL
),
latest_assessment AS (
    -- each municipality's latest assessment of each criterion on each day
    SELECT DISTINCT ON (d.day, cs.municipality_code, cs.criterion_no)
           d.day, cs.municipality_code AS code, cs.status
    FROM days AS d
    JOIN criterion_status AS cs ON cs.assessed_on <= d.day
    WHERE cs.programme_id = $programme
    ORDER BY d.day, cs.municipality_code, cs.criterion_no, cs.assessed_on DESC
),
municipality_figures AS (
    SELECT v.day, v.status, v.agreement_on, v.status = 'participating' AS counted,
           coalesce(ea.attended, 0) AS meetings_attended,
           coalesce(ea.expected, 0) AS meetings_expected,
           coalesce(la.reached, 0) AS criteria_reached,
           coalesce(la.assessed, 0) AS criteria_assessed,
           coalesce(pa.participants, 0) AS participants
    FROM in_view AS v
    LEFT JOIN (
        SELECT day, code, count(*) FILTER (WHERE attended) AS attended, count(*) AS expected
        FROM expected_attendance GROUP BY day, code
    ) AS ea USING (day, code)
    LEFT JOIN (
        SELECT day, code, count(*) FILTER (WHERE status = 'achieved') AS reached,
               count(*) AS assessed
        FROM latest_assessment GROUP BY day, code
    ) AS la USING (day, code)
    LEFT JOIN (
        SELECT municipality_code AS code, sum(participants) AS participants
        FROM participants
        WHERE programme_id = $programme
          AND (CAST($group_id AS VARCHAR) IS NULL OR group_id = $group_id)
        GROUP BY municipality_code
    ) AS pa USING (code)
)
SELECT
    d.day,
    CAST(count(f.day) FILTER (WHERE f.status <> 'withdrawn') AS INTEGER) AS enrolled,
    CAST(count(f.day) FILTER (WHERE f.status <> 'withdrawn' AND f.agreement_on <= d.day)
         AS INTEGER) AS with_agreement,
    CAST(count(f.day) FILTER (WHERE f.status = 'withdrawn') AS INTEGER) AS withdrawn,
    CAST(coalesce(sum(f.participants) FILTER (WHERE f.counted), 0) AS INTEGER) AS participants,
    CAST(coalesce(max(held.n), 0) AS INTEGER) AS meetings_held,
    CAST(coalesce(max(planned.n), 0) AS INTEGER) AS meetings_planned,
    CAST(coalesce(sum(f.meetings_attended) FILTER (WHERE f.counted), 0) AS INTEGER)
        AS meetings_attended,
    CAST(coalesce(sum(f.meetings_expected) FILTER (WHERE f.counted), 0) AS INTEGER)
        AS meetings_expected,
    CAST(coalesce(sum(f.criteria_reached) FILTER (WHERE f.counted), 0) AS INTEGER)
        AS criteria_reached,
    CAST(coalesce(sum(f.criteria_assessed) FILTER (WHERE f.counted), 0) AS INTEGER)
        AS criteria_assessed
FROM days AS d
LEFT JOIN municipality_figures AS f ON f.day = d.day
LEFT JOIN (SELECT day, count(*) AS n FROM held_in_view GROUP BY day) AS held
       ON held.day = d.day
LEFT JOIN (SELECT day, count(*) AS n FROM meetings_in_view GROUP BY day) AS planned
       ON planned.day = d.day
GROUP BY d.day
"""


def key_figures_with_previous(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> tuple[KeyFigures, KeyFigures]:
    """The key figures on the status date and one period (about three months) before it."""
    return _from_rows(key_figures_with_previous, con, filters)


def key_figures_by_statement(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> tuple[KeyFigures, KeyFigures]:
    """key_figures_with_previous as KEY_FIGURES_SQL defines them (the app computes the same
    from the programme's rows: programme_rows)."""
    before = filters.as_of - PREVIOUS_PERIOD
    rows = _run(con, KEY_FIGURES_SQL, filters, before=before).fetchall()
    figures = {day: figures for day, *figures in rows}
    return KeyFigures(filters.as_of, *figures[filters.as_of]), KeyFigures(before, *figures[before])


def key_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> KeyFigures:
    """The key figures as ``key_figures`` defines them, for the view the filters choose."""
    return key_figures_with_previous(con, filters)[0]


@dataclass(frozen=True)
class _Part:
    """One of Overblik's frames: its steps after SCOPE's, read alone or with the others.

    ``steps`` end in one named ``{name}_rows`` holding ``columns`` (name: SQL type, the frame's
    columns in order) and what ``order`` (the frame's row order) reads.
    """

    name: str
    scope: tuple[str, ...]  # the SCOPE steps it reads (scope())
    steps: str
    columns: dict[str, str]
    order: str

    def sql(self) -> str:
        """The frame alone, as one statement."""
        return (
            f"WITH {scope(*self.scope)},{self.steps}\n"
            f"SELECT {', '.join(self.columns)} FROM {self.name}_rows ORDER BY {self.order}\n"
        )


_PLAN = _Part(
    "plan",
    ("programme", "scope", "meetings_in_view"),
    """
plan_rows AS (
    SELECT meeting_id, title, meeting_type, group_id, group_name, group_order, network_id,
           network_name, planned_text, planned_from, planned_to,
           CASE WHEN held_on <= $as_of THEN held_on END AS held_on, form, status, sort_order,
           coalesce(CASE WHEN held_on <= $as_of THEN held_on END, planned_from, held_on)
               AS plan_day
    FROM meetings_in_view
)""",
    {
        "meeting_id": "VARCHAR",
        "title": "VARCHAR",
        "meeting_type": "VARCHAR",
        "group_id": "VARCHAR",
        "group_name": "VARCHAR",
        "group_order": "INTEGER",
        "network_id": "VARCHAR",
        "network_name": "VARCHAR",
        "planned_text": "VARCHAR",
        "planned_from": "DATE",
        "planned_to": "DATE",
        "held_on": "DATE",
        "form": "VARCHAR",
        "status": "VARCHAR",
        "sort_order": "INTEGER",
    },
    "plan_day, sort_order",
)
MEETING_PLAN_SQL = _PLAN.sql()


def meeting_plan(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The meeting plan in date order; held_on is empty for meetings not held by the date.

    group_name is empty for a meeting for every group and track, network_name for a meeting
    for every network. status is 'held', 'overdue' (planned period passed, not registered as
    held) or 'planned' (labels.MEETING_STATUS); sort_order is the meeting's place in the
    programme's plan (next_meetings orders by it).
    """
    return _from_rows(meeting_plan, con, filters)


NEXT_MEETING_COLUMNS = [
    "meeting_id",
    "title",
    "meeting_type",
    "group_name",
    "network_name",
    "planned_text",
    "planned_from",
    "form",
]


def next_meetings(plan: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The meetings still to come on the status date, soonest first, from meeting_plan's rows.

    A meeting whose planned period has passed without being registered as held is overdue,
    not coming (meeting_plan's status). Meetings without a planned date come last, in the
    programme's order.
    """
    days, places = plan["planned_from"].tolist(), plan["sort_order"].tolist()
    coming = sorted(
        (row for row, status in enumerate(plan["status"].tolist()) if status == "planned"),
        key=lambda row: (pd.isna(days[row]), 0 if pd.isna(days[row]) else days[row], places[row]),
    )[:limit]
    values = {name: plan[name].tolist() for name in NEXT_MEETING_COLUMNS}
    rows = [  # as a query of these rows would read them (empty: None), with its dtypes
        tuple(None if pd.isna(values[name][row]) else values[name][row] for name in values)
        for row in coming
    ]
    return store.typed_frame(rows, [(name, _PLAN.columns[name]) for name in values])


_PROGRESS = _Part(
    "progress",
    ("programme", "scope"),
    """
events AS (
    SELECT interest_on AS day, 'interest' AS series FROM scope
    UNION ALL
    SELECT agreement_on, 'agreement' FROM scope WHERE agreement_on <= $as_of
    UNION ALL
    SELECT withdrawn_on, 'withdrawn' FROM scope WHERE withdrawn_on <= $as_of
),
per_day AS (
    SELECT day, series, count(*) AS n FROM events GROUP BY day, series
),
with_end AS (
    SELECT * FROM per_day
    UNION ALL
    SELECT DISTINCT CAST($as_of AS DATE), series, 0 FROM per_day
),
progress_rows AS (
    SELECT day, series,
           CAST(sum(sum(n)) OVER (PARTITION BY series ORDER BY day) AS INTEGER) AS value
    FROM with_end
    GROUP BY day, series
)""",
    {"day": "DATE", "series": "VARCHAR", "value": "INTEGER"},
    "series, day",
)
ENROLLMENT_PROGRESS_SQL = _PROGRESS.sql()


def enrollment_progress(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Cumulative enrollment steps over time up to the status date: day, series, value.

    ``series`` is the step's code (labels.ENROLLMENT_STEPS).
    """
    return _from_rows(enrollment_progress, con, filters)


_SHARES = _Part(
    "shares",
    ("programme", "scope", "in_view"),
    """
assessments AS (
    SELECT cs.*
    FROM criterion_status AS cs
    JOIN in_view AS v ON v.code = cs.municipality_code AND v.status = 'participating'
    WHERE cs.programme_id = $programme AND cs.assessed_on <= $as_of
),
days AS (
    SELECT DISTINCT assessed_on AS day FROM assessments
),
latest AS (
    SELECT DISTINCT ON (d.day, a.criterion_no, a.municipality_code)
           d.day, a.criterion_no, a.municipality_code, a.status
    FROM days AS d
    JOIN assessments AS a ON a.assessed_on <= d.day
    ORDER BY d.day, a.criterion_no, a.municipality_code, a.assessed_on DESC
),
shares_rows AS (
    SELECT day,
           CAST(count(*) FILTER (WHERE status = 'achieved') AS DOUBLE PRECISION) / count(*)
               AS share,
           CAST(count(*) FILTER (WHERE status = 'achieved') AS INTEGER) AS achieved,
           CAST(count(*) AS INTEGER) AS assessed
    FROM latest
    GROUP BY day
)""",
    {"day": "DATE", "share": "DOUBLE PRECISION", "achieved": "INTEGER", "assessed": "INTEGER"},
    "day",
)
CRITERIA_SHARES_SQL = _SHARES.sql()


def criteria_shares(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Share of criteria reached over time (latest assessment per pair on each day)."""
    return _from_rows(criteria_shares, con, filters)


_PLACES = _Part(
    "places",
    ("programme", "scope", "in_view"),
    """
places_rows AS (
    SELECT m.code, m.name, m.region, m.latitude, m.longitude, v.status
    FROM municipalities AS m
    LEFT JOIN in_view AS v ON v.code = m.code
)""",
    {
        "code": "VARCHAR",
        "name": "VARCHAR",
        "region": "VARCHAR",
        "latitude": "DOUBLE PRECISION",
        "longitude": "DOUBLE PRECISION",
        "status": "VARCHAR",
    },
    "code",
)
MAP_SQL = _PLACES.sql()


def municipality_map(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """All 98 municipalities with the enrollment status of those in view (else empty)."""
    return _from_rows(municipality_map, con, filters)


def _together(parts: tuple[_Part, ...]) -> str:
    """``parts`` in one statement: each row is one part's (``part``), in its order (``row_no``).

    SCOPE's steps are bound and planned once for all of them (most of a query's time here);
    each part's columns stand in their own places, empty (typed) in the other parts' rows.
    """
    steps = sorted({step for part in parts for step in part.scope})
    selects = [
        f"SELECT '{part.name}' AS part, row_number() OVER (ORDER BY {part.order}) AS row_no, "
        + ", ".join(
            name if other is part else f"CAST(NULL AS {kind})"
            for other in parts
            for name, kind in other.columns.items()
        )
        + f" FROM {part.name}_rows"
        for part in parts
    ]
    return (
        f"WITH {scope(*steps)},{','.join(part.steps for part in parts)}\n"
        + "\nUNION ALL\n".join(selects)
        + "\nORDER BY part, row_no\n"
    )


_OVERVIEW_PARTS = (_PLAN, _PROGRESS, _SHARES, _PLACES)
OVERVIEW_SQL = _together(_OVERVIEW_PARTS)


@dataclass(frozen=True)
class Overview:
    """Overblik's frames of one view: meeting_plan, enrollment_progress, criteria_shares and
    municipality_map as each gives it alone (the same rows, order and dtypes)."""

    plan: pd.DataFrame
    progress: pd.DataFrame
    shares: pd.DataFrame
    places: pd.DataFrame


def overview(con: duckdb.DuckDBPyConnection, filters: Filters) -> Overview:
    """Overblik's meeting plan, enrollments, criteria shares and map as OVERVIEW_SQL defines
    them, in one statement (the app computes each from the programme's rows: FROM_ROWS)."""
    rows: dict[str, list[tuple]] = {part.name: [] for part in _OVERVIEW_PARTS}
    for row in _run(con, OVERVIEW_SQL, filters).fetchall():
        rows[row[0]].append(row)
    frames = {}
    start = 2  # after part and row_no
    for part in _OVERVIEW_PARTS:
        end = start + len(part.columns)
        frames[part.name] = store.typed_frame(
            [row[start:end] for row in rows[part.name]], list(part.columns.items())
        )
        start = end
    return Overview(**frames)


# --- Municipalities --------------------------------------------------------------------------

# The Kommuner table's steps after SCOPE: municipality_rows is a row per municipality in view
# and group it signed up for (one row with empty group columns when none).
_TABLE_STEPS = """
criteria_total AS (
    SELECT CAST(count(*) AS INTEGER) AS total FROM success_criteria WHERE programme_id = $programme
),
signed_up AS (
    -- participants' rows: the people each municipality signed up per group
    SELECT pa.municipality_code AS code, g.group_id, g.name AS group_name, g.sort_order,
           pa.participants, g.min_participants, g.max_participants
    FROM participants AS pa
    JOIN programme_groups AS g USING (programme_id, group_id)
    WHERE pa.programme_id = $programme
      AND (CAST($group_id AS VARCHAR) IS NULL OR g.group_id = $group_id)
),
municipality_rows AS (
    SELECT f.code, f.name, f.region, f.network_name, f.status, f.counted, f.interest_on,
           f.agreement_on, f.withdrawn_on,
           CAST(f.meetings_attended AS DOUBLE PRECISION) / nullif(f.meetings_expected, 0)
               AS attendance_rate,
           CASE WHEN f.meetings_expected > 0 THEN f.meetings_attended END AS meetings_attended,
           nullif(f.meetings_expected, 0) AS meetings_expected,
           f.criteria_reached, f.criteria_assessed, t.total AS criteria_total,
           s.group_id, s.group_name, s.sort_order, s.participants, s.min_participants,
           s.max_participants, f.network_id
    FROM municipality_figures AS f
    CROSS JOIN criteria_total AS t
    LEFT JOIN signed_up AS s USING (code)
)"""

MUNICIPALITY_TABLE_SQL = f"""
WITH {SCOPE},
{_TABLE_STEPS}
SELECT * FROM municipality_rows
ORDER BY name, sort_order
"""
# The columns of MUNICIPALITY_TABLE_SQL that make the table (one row per municipality), and
# those of each person row, one per municipality and group it signed up for; their SQL types.
_TABLE_COLUMNS = [
    "code", "name", "region", "network_name", "status", "counted", "interest_on", "agreement_on",
    "withdrawn_on", "attendance_rate", "meetings_attended", "meetings_expected",
    "criteria_reached", "criteria_assessed", "criteria_total",
]  # fmt: skip
_PEOPLE_COLUMNS = [
    "code", "group_name", "sort_order", "min_participants", "max_participants", "participants"
]  # fmt: skip
_ROW_TYPES = dict(programme_rows.MUNICIPALITY_ROW_COLUMNS)

SIGNED_UP_SQL = """
SELECT pa.municipality_code AS code, m.name AS municipality, g.group_id, g.name AS group_name,
       g.sort_order, pa.participants, g.min_participants, g.max_participants
FROM participants AS pa
JOIN municipalities AS m ON m.code = pa.municipality_code
JOIN programme_groups AS g USING (programme_id, group_id)
WHERE pa.programme_id = $programme
ORDER BY g.sort_order, m.name
"""


# SIGNED_UP_SQL's columns and their SQL types (the dtypes a query of no rows gives).
_SIGNED_UP_TYPES = {
    "code": "VARCHAR",
    "municipality": "VARCHAR",
    "group_id": "VARCHAR",
    "group_name": "VARCHAR",
    "sort_order": "INTEGER",
    "participants": "INTEGER",
    "min_participants": "INTEGER",
    "max_participants": "INTEGER",
}


def signed_up(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every municipality's people per group in the programme, with the range the group asks for.

    In ``participants``' order (by group, then municipality), kept per programme: the view's
    rows are picked from it (``participants_in_view``) without a statement of their own.
    """
    return _frame(con, SIGNED_UP_SQL, filters)


def participants_in_view(
    signed: pd.DataFrame, codes: frozenset[str], group_id: str | None
) -> pd.DataFrame:
    """``signed_up``'s rows of the municipalities ``codes`` (those in view) and the group."""
    rows = [
        i
        for i, (code, group) in enumerate(
            zip(signed["code"].tolist(), signed["group_id"].tolist(), strict=True)
        )
        if code in codes and (group_id is None or group == group_id)
    ]
    picked = signed.iloc[rows].reset_index(drop=True)
    if rows:  # every column has a value in every row: its dtypes are the query's
        return picked
    return store.typed_frame([], [(name, _SIGNED_UP_TYPES[name]) for name in picked.columns])


def participants(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """People signed up per municipality and group, with the range the group asks for."""
    return _participants_from(lambda query: query(con, filters), filters)


def _participants_from(data: Any, filters: Filters) -> pd.DataFrame:
    """``participants`` from the results it is made of (``data(query)`` gives each)."""
    return participants_in_view(data(signed_up), data(attendance).codes, filters.group_id)


def _municipality_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """``municipality_table`` from the rows of ``municipality_rows`` (each a dict of its
    columns, None for NULL, in its order): one row per municipality, by name the Danish way,
    and a column per group of the people it signed up (in the groups' order).

    Plain Python where pandas would cost more than the rows; one frame, made at the end.
    """
    first: dict[str, dict[str, Any]] = {}  # each municipality's first row
    for row in rows:
        first.setdefault(row["code"], row)
    ordered = sorted(first.values(), key=lambda row: danish_sort_key(row["name"]))
    people = sorted(  # by group, then by name as read (a stable sort)
        (row for row in rows if row["group_id"] is not None), key=lambda row: row["sort_order"]
    )
    signed: dict[str, dict[str, int]] = {}  # participants per municipality and group name
    for row in people:
        own = signed.setdefault(row["code"], {})
        own[row["group_name"]] = own.get(row["group_name"], 0) + row["participants"]
    columns = [(c, _ROW_TYPES[c]) for c in _TABLE_COLUMNS]
    per_group = []
    for group_name in dict.fromkeys(row["group_name"] for row in people):
        values = [signed.get(row["code"], {}).get(group_name) for row in ordered]
        per_group.append(values)  # as a pivot gives it: with a gap, floats
        columns.append((group_name, "DOUBLE PRECISION" if None in values else "INTEGER"))
    return store.typed_frame(
        [
            (*(row[c] for c in _TABLE_COLUMNS), *(values[i] for values in per_group))
            for i, row in enumerate(ordered)
        ],
        columns,
    )


def _dicts(read: Any) -> list[dict[str, Any]]:
    """A statement's rows as dicts of its columns (None for NULL)."""
    names = [d[0] for d in read.description]
    return [dict(zip(names, row, strict=True)) for row in read.fetchall()]


def municipality_table(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per municipality in view: status, network, attendance, criteria, participants.

    Participants per group are added as one column per group (named after the group).
    """
    return _from_rows(municipality_table, con, filters)


def municipality_table_by_statement(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> pd.DataFrame:
    """municipality_table from MUNICIPALITY_TABLE_SQL (the definition of its rows)."""
    return _municipality_table(_dicts(_run(con, MUNICIPALITY_TABLE_SQL, filters)))


PROFILE_CRITERIA_SQL = """
SELECT c.criterion_no, c.text, cs.assessed_on, cs.status, cs.note
FROM success_criteria AS c
LEFT JOIN criterion_status AS cs
  ON cs.programme_id = c.programme_id AND cs.criterion_no = c.criterion_no
 AND cs.municipality_code = $municipality AND cs.assessed_on <= $as_of
WHERE c.programme_id = $programme
ORDER BY c.criterion_no, cs.assessed_on
"""


def profile_criteria(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The chosen municipality's assessments of each criterion over time."""
    return _from_rows(profile_criteria, con, filters)


def profile_criteria_by_statement(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """profile_criteria as PROFILE_CRITERIA_SQL defines it."""
    return _frame(con, PROFILE_CRITERIA_SQL, filters)


PROFILE_FOCUS_SQL = """
WITH chosen AS (
    SELECT focus_id FROM enrollment_focus_areas
    WHERE programme_id = $programme AND municipality_code = $municipality
)
SELECT f.name
FROM focus_areas AS f
JOIN programmes AS p ON p.id = f.programme_id
WHERE f.programme_id = $programme
  AND (p.focus_selection = 'fixed' OR f.focus_id IN (SELECT focus_id FROM chosen))
ORDER BY f.sort_order
"""


def profile_focus_areas(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[str]:
    """The chosen municipality's focus areas (all of them when the programme fixes them)."""
    return [name for (name,) in _run(con, PROFILE_FOCUS_SQL, filters).fetchall()]


def comparison(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The chosen municipality against its network and all participants: attendance, criteria.

    Columns: group ('municipality', 'network', 'everyone'), network_name, attendance_rate,
    criteria_share. The network and everyone pool the counts of the municipalities taking
    part (key_figures.pooled), so that everyone's figures are Overblik's; the municipality's
    own are its counts even when it has withdrawn.
    """
    everyone = replace(filters, municipality_code=None, region=None, network_id=None, status=None)
    rows = _dicts(_run(con, MUNICIPALITY_TABLE_SQL, everyone))
    return _summary(_records(rows), filters.municipality_code)


def _records(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each municipality's figures for the comparison, from municipality_rows as read (None:
    NULL): plain values, a missing count 0, a missing rate NaN; one per municipality."""
    counts = ["meetings_attended", "meetings_expected", "criteria_reached", "criteria_assessed"]
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["code"] not in found:
            rate = row["attendance_rate"]
            found[row["code"]] = {
                "code": row["code"],
                "name": row["name"],
                "network_name": row["network_name"],
                "counted": row["counted"],
                "attendance_rate": math.nan if rate is None else rate,
            } | {c: row[c] or 0 for c in counts}
    return list(found.values())


def _summary(rows: list[dict[str, Any]], code: str) -> pd.DataFrame:
    """``comparison``'s rows for municipality ``code`` from everyone's municipality_table."""
    own = [r for r in rows if r["code"] == code]
    found = []
    if own:
        network = own[0]["network_name"]
        found.append(
            {"group": "municipality", "network_name": None}
            | pooled([r | {"counted": True} for r in own])
        )
        if isinstance(network, str):
            found.append(
                {"group": "network", "network_name": network}
                | pooled([r for r in rows if r["network_name"] == network])
            )
        found.append({"group": "everyone", "network_name": None} | pooled(rows))
    columns = ["group", "network_name", "attendance_rate", "criteria_share"]
    return pd.DataFrame(found, columns=columns)


# --- Meetings and tracks ---------------------------------------------------------------------

# Every municipality in view (code) with each held meeting meant for anyone in view: one row
# per municipality and no meeting when none is held, so that the rows name everyone in view.
ATTENDANCE_CELLS_SQL = f"""
WITH {scope("in_view", "held_in_view", "expected_attendance")},
totals AS (
    SELECT municipality_code AS code, CAST(sum(participants) AS DOUBLE PRECISION) AS participants
    FROM participants WHERE programme_id = $programme GROUP BY municipality_code
)
SELECT v.name AS municipality,
       h.meeting_id || ' ' || h.title AS meeting,
       CAST(dense_rank() OVER (ORDER BY h.held_on, h.sort_order) AS INTEGER) AS meeting_order,
       CASE WHEN x.code IS NOT NULL THEN coalesce(x.attendees, 0) END AS attendees,
       CASE WHEN x.code IS NOT NULL THEN coalesce(pa.participants, t.participants) END
           AS expected,
       v.code
FROM in_view AS v
LEFT JOIN held_in_view AS h ON TRUE
LEFT JOIN expected_attendance AS x ON x.code = v.code AND x.meeting_id = h.meeting_id
LEFT JOIN participants AS pa
  ON pa.programme_id = $programme AND pa.group_id = h.group_id AND pa.municipality_code = v.code
LEFT JOIN totals AS t ON t.code = v.code
ORDER BY municipality, meeting_order
"""
# The dtypes a query of attendance_cells' columns gives when it finds no row.
_NO_CELLS = {
    "municipality": object,
    "meeting": object,
    "meeting_order": "int32",
    "attendees": "int32",
    "expected": "float64",
}


@dataclass(frozen=True)
class Attendance:
    """The attendance on the meetings page: the cells, and the municipalities in view (codes).

    cells: municipality x held meeting, attendees (empty = not taking part) and people
    expected; codes: every municipality in view, whether or not a meeting is held.
    """

    cells: pd.DataFrame
    codes: frozenset[str]


def attendance(con: duckdb.DuckDBPyConnection, filters: Filters) -> Attendance:
    """The attendance cells and the municipalities in view."""
    return _from_rows(attendance, con, filters)


def attendance_by_statement(con: duckdb.DuckDBPyConnection, filters: Filters) -> Attendance:
    """attendance as ATTENDANCE_CELLS_SQL defines it, in one statement."""
    rows = _frame(con, ATTENDANCE_CELLS_SQL, filters)
    codes = frozenset(rows["code"].tolist())
    if rows["meeting"].isna().any():  # no meeting held: one row per municipality, no cells
        return Attendance(rows.iloc[:0, :-1].astype(_NO_CELLS), codes)
    return Attendance(rows.iloc[:, :-1], codes)


def attendance_cells(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Municipality x held meeting: attendees (empty = not taking part) and people expected."""
    return attendance(con, filters).cells


# --- Success criteria ------------------------------------------------------------------------


def criteria(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The programme's success criteria, verbatim: criterion_no, text, origin, agreed_on."""
    return _frame(
        con,
        "SELECT criterion_no, text, origin, agreed_on, source FROM success_criteria "
        "WHERE programme_id = $programme ORDER BY criterion_no",
        filters,
    )


# Every assessment on the status date of each municipality in view and each criterion (a row
# with no assessment where there is none), in criteria_cells' order and by date: the rows that
# criteria_status reads both the status per cell and the shares over time from, in one
# statement (planning a SCOPE statement costs more than running it).
CRITERIA_HISTORY_SQL = f"""
WITH {scope("in_view")}
SELECT v.name AS municipality, c.criterion_no, v.status AS enrollment_status,
       cs.assessed_on, cs.status
FROM in_view AS v
CROSS JOIN success_criteria AS c
LEFT JOIN criterion_status AS cs
  ON cs.programme_id = c.programme_id AND cs.criterion_no = c.criterion_no
 AND cs.municipality_code = v.code AND cs.assessed_on <= $as_of
WHERE c.programme_id = $programme
ORDER BY municipality, c.criterion_no, cs.assessed_on
"""


# criteria_cells' columns and their SQL types (as CRITERIA_CELLS_SQL gave them).
_CELL_COLUMNS = {
    "municipality": "VARCHAR",
    "criterion_no": "INTEGER",
    "status": "VARCHAR",
    "enrollment_status": "VARCHAR",
    "counted": "BOOLEAN",
}


@dataclass(frozen=True)
class CriteriaStatus:
    """Succeskriterier's data: the status per municipality and criterion, and over time.

    - cells: municipality x criterion, the latest status on the status date (empty = not
      assessed); enrollment_status marks each municipality's rows (a withdrawn one's are shown
      apart); counted says whether its assessments count in the shares (key_figures);
    - shares: ``criteria_shares``' rows (day, share, achieved, assessed).
    """

    cells: pd.DataFrame
    shares: pd.DataFrame


def criteria_status(con: duckdb.DuckDBPyConnection, filters: Filters) -> CriteriaStatus:
    """The status per municipality and criterion, and the shares over time (from
    CRITERIA_HISTORY_SQL's rows, computed from the programme's rows).

    The shares count as ``criteria_shares`` does (tests/test_queries.py checks them against
    it): on each day anyone taking part was assessed, each taking part's latest assessment
    of each criterion by that day.
    """
    return _from_rows(criteria_status, con, filters)


def criteria_status_by_statement(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> CriteriaStatus:
    """criteria_status from CRITERIA_HISTORY_SQL (the definition of its rows)."""
    return _criteria_status(_run(con, CRITERIA_HISTORY_SQL, filters).fetchall())


def _criteria_status(rows: list[tuple]) -> CriteriaStatus:
    """criteria_status from CRITERIA_HISTORY_SQL's rows."""
    cells: list[tuple] = []  # (municipality, criterion_no, status, enrollment_status)
    events: list[tuple] = []  # (day, (municipality, criterion_no), status), taking part
    for municipality, no, enrollment, day, status in rows:
        if cells and cells[-1][:2] == (municipality, no):
            cells[-1] = (municipality, no, status, enrollment)
        else:
            cells.append((municipality, no, status, enrollment))
        if day is not None and enrollment == "participating":
            events.append((day, (municipality, no), status))
    events.sort(key=lambda event: event[0])  # stable: by date within each pair
    latest: dict[tuple, str] = {}
    achieved = 0
    over_time: dict[Any, tuple[int, int]] = {}
    for day, pair, status in events:
        achieved += (status == "achieved") - (latest.get(pair) == "achieved")
        latest[pair] = status
        over_time[day] = (achieved, len(latest))
    return CriteriaStatus(
        store.typed_frame(
            [
                (name, no, status, enrollment, enrollment == "participating")
                for name, no, status, enrollment in cells
            ],
            list(_CELL_COLUMNS.items()),
        ),
        store.typed_frame(
            [(day, a / n, a, n) for day, (a, n) in over_time.items()],
            list(_SHARES.columns.items()),
        ),
    )


def criteria_cells(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Municipality x criterion: the latest status on the status date (CriteriaStatus.cells)."""
    return criteria_status(con, filters).cells


# --- Example facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleFacts:
    """What in one programme is generated example data (source 'eksempeldata'), not a fact.

    Pages label these where they show them: networks by name, criteria by number, held
    dates by meeting id.
    """

    networks: frozenset[str] = frozenset()
    criteria: frozenset[int] = frozenset()
    held: frozenset[str] = frozenset()


EXAMPLE_FACTS_SQL = """
SELECT 'network' AS kind, name AS key FROM networks
WHERE programme_id = $programme AND source = $example
UNION ALL
SELECT 'criterion', CAST(criterion_no AS VARCHAR) FROM success_criteria
WHERE programme_id = $programme AND source = $example
UNION ALL
SELECT 'held', meeting_id FROM meetings
WHERE programme_id = $programme AND held_source = $example
"""


def example_facts(con: duckdb.DuckDBPyConnection, filters: Filters) -> ExampleFacts:
    """The programme's networks, criteria and held dates that are example data."""
    rows = _run(con, EXAMPLE_FACTS_SQL, filters, example=EXAMPLE_SOURCE).fetchall()
    found: dict[str, set[str]] = {"network": set(), "criterion": set(), "held": set()}
    for kind, key in rows:
        found[kind].add(key)
    return ExampleFacts(
        networks=frozenset(found["network"]),
        criteria=frozenset(int(no) for no in found["criterion"]),
        held=frozenset(found["held"]),
    )


def programme_ground(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> programme_rows.ProgrammeRows:
    """The programme's rows that the queries of FROM_ROWS are computed from."""
    return programme_rows.read(con, filters.programme_id)


# Queries whose result depends on the programme alone, not on the status date or any other
# filter: a view keeps them per programme (ui.frame.queried), not per filters.
PER_PROGRAMME = frozenset(
    {programme_info, programme_definition, example_facts, criteria, signed_up, programme_ground}
)
# Queries whose result depends on the programme and the chosen municipality alone: kept per
# programme and municipality (a profile's status date, group or period changed keeps them).
PER_MUNICIPALITY = frozenset({profile_focus_areas})


def _from_rows(query: Any, con: duckdb.DuckDBPyConnection, filters: Filters) -> Any:
    return FROM_ROWS[query](programme_ground(con, filters), filters)


# The queries a statement of several frames answers besides itself, by the attribute of its
# result holding each: ui.frame.queried keeps each frame as that query's result too, so a
# builder asking for meeting_plan after Overblik's overview, or for criteria_shares after
# Succeskriterier's criteria_status, finds it without a statement.
ANSWERS = {
    overview: {
        meeting_plan: "plan",
        enrollment_progress: "progress",
        criteria_shares: "shares",
        municipality_map: "places",
    },
    criteria_status: {criteria_cells: "cells", criteria_shares: "shares"},
}


# --- The development group's comparison ------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One municipality beside its network and all participants, for the profile.

    Every figure is counted as the key figures are (municipality_figures, criteria_cells,
    participants, criteria_shares), with the same status date, meeting period and group, over
    three sets: the municipality, its network and everyone taking part.

    - summary: ``comparison``'s rows (attendance rate and criteria share per set);
    - ranks: per measure ('attendance', 'criteria'), the municipality's value and its place
      among those taking part (``rank`` of ``of``) and within its network;
    - criteria: per criterion, the municipality's latest status and how many in its network
      and of everyone have reached it (of those assessed);
    - participants: per group, the people it signed up, the range asked for, and the mean
      of its network and of everyone;
    - over_time: per assessment date and set ('municipality', 'network', 'everyone'), the
      share of criteria reached.
    """

    name: str
    network_name: str | None
    counted: bool
    summary: pd.DataFrame
    ranks: pd.DataFrame
    criteria: pd.DataFrame
    participants: pd.DataFrame
    over_time: pd.DataFrame


def _place(values: list[float], own: float | None) -> tuple[int | None, int]:
    """The place of ``own`` among ``values`` (highest first, ties share the better place)."""
    values = [v for v in values if not math.isnan(v)]
    if own is None or math.isnan(own):
        return None, len(values)
    return sum(v > own for v in values) + 1, len(values)


def _mean(values: list[int]) -> float:
    """The mean, NaN of nothing (as pandas gives it)."""
    return sum(values) / len(values) if values else math.nan


# A municipality's profile in one statement (planning a statement over SCOPE costs more than
# running it): everyone's municipality_rows (``part`` 'row'), the comparison's criteria over time
# and per criterion ('compared'), the programme's criteria ('listed') and the chosen
# municipality's attendance ('attended'). Each part's columns have names of their own; a row
# of one part leaves the others' empty.
PROFILE_SQL = f"""
WITH {SCOPE},
{_TABLE_STEPS},
chosen_network AS (
    SELECT network_id FROM enrollments
    WHERE programme_id = $programme AND municipality_code = $chosen
),
assessments AS (
    -- criteria_shares' assessments, for everyone in view, with each one's network
    SELECT cs.*, v.network_id
    FROM criterion_status AS cs
    JOIN in_view AS v ON v.code = cs.municipality_code AND v.status = 'participating'
    WHERE cs.programme_id = $programme AND cs.assessed_on <= $as_of
),
sets AS (
    -- the three sets compared: the chosen municipality, its network (if any) and everyone
    SELECT 'municipality' AS set_name, 1 AS set_order, * FROM assessments
    WHERE municipality_code = $chosen
    UNION ALL
    SELECT 'network', 2, * FROM assessments
    WHERE network_id = (SELECT network_id FROM chosen_network)
    UNION ALL
    SELECT 'everyone', 3, * FROM assessments
),
days AS (
    SELECT DISTINCT set_name, set_order, assessed_on AS day FROM sets
),
latest AS (
    SELECT DISTINCT ON (d.set_name, d.day, a.criterion_no, a.municipality_code)
           d.set_name, d.set_order, d.day, a.criterion_no, a.municipality_code, a.status
    FROM days AS d
    JOIN sets AS a ON a.set_name = d.set_name AND a.assessed_on <= d.day
    ORDER BY d.set_name, d.day, a.criterion_no, a.municipality_code, a.assessed_on DESC
),
assessed_cells AS (
    -- criteria_cells' assessed cells: each one's latest status of each criterion, whether it
    -- counts (takes part) and whether it is in the chosen one's network (by name, as shown)
    SELECT l.criterion_no, l.status, v.status = 'participating' AS counted,
           v.network_name = (SELECT network_name FROM scope WHERE code = $chosen) AS near
    FROM latest_assessment AS l
    JOIN in_view AS v ON v.code = l.code
),
compared AS (
    -- 'day' rows: the share reached per set and assessment date, over time; 'criterion' rows:
    -- per criterion, how many taking part reached it of those assessed in the network and of
    -- everyone (a row wherever anyone in view is assessed), and the chosen one's latest status
    SELECT 'day' AS kind, set_order, set_name, day, CAST(NULL AS INTEGER) AS criterion_no,
           CAST(NULL AS VARCHAR) AS criterion_status,
           CAST(count(*) FILTER (WHERE status = 'achieved') AS DOUBLE PRECISION) / count(*)
               AS share,
           CAST(count(*) FILTER (WHERE status = 'achieved') AS INTEGER) AS achieved,
           CAST(count(*) AS INTEGER) AS assessed
    FROM latest
    GROUP BY set_order, set_name, day
    UNION ALL
    SELECT 'criterion', s.set_order, s.set_name, CAST(NULL AS DATE), c.criterion_no,
           CAST(NULL AS VARCHAR), CAST(NULL AS DOUBLE PRECISION),
           CAST(count(*) FILTER (WHERE c.counted AND c.status = 'achieved') AS INTEGER),
           CAST(count(*) FILTER (WHERE c.counted) AS INTEGER)
    FROM assessed_cells AS c
    JOIN (VALUES (2, 'network'), (3, 'everyone')) AS s (set_order, set_name)
      ON s.set_name = 'everyone' OR c.near
    GROUP BY s.set_order, s.set_name, c.criterion_no
    UNION ALL
    SELECT 'criterion', 1, 'municipality', CAST(NULL AS DATE), criterion_no, status,
           CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER)
    FROM latest_assessment
    WHERE code = $chosen
),
listed AS (
    -- the programme's criteria (``criteria``), as the comparison lists them
    SELECT criterion_no AS listed_no, text AS listed_text, source AS listed_source
    FROM success_criteria WHERE programme_id = $programme
),
own_total AS (
    SELECT CAST(sum(participants) AS INTEGER) AS total
    FROM participants WHERE programme_id = $programme AND municipality_code = $chosen
),
attended AS (
    -- the chosen one's attendance at each held meeting meant for it; expected: the people it
    -- signed up for the meeting's group (for a meeting for every group: for all its groups)
    SELECT h.meeting_id, h.title, h.group_name AS meeting_group,
           h.network_name AS meeting_network, h.held_on, x.attendees,
           coalesce(pa.participants, s.total) AS expected, h.sort_order AS meeting_order
    FROM expected_attendance AS x
    JOIN held_in_view AS h USING (meeting_id)
    CROSS JOIN own_total AS s
    LEFT JOIN participants AS pa
      ON pa.programme_id = h.programme_id AND pa.group_id = h.group_id
     AND pa.municipality_code = $chosen
    WHERE x.code = $chosen
),
parts (part) AS (
    VALUES ('row'), ('compared'), ('listed'), ('attended')
)
SELECT p.part, r.*, c.*, l.*, a.*
FROM parts AS p
LEFT JOIN municipality_rows AS r ON p.part = 'row'
LEFT JOIN compared AS c ON p.part = 'compared'
LEFT JOIN listed AS l ON p.part = 'listed'
LEFT JOIN attended AS a ON p.part = 'attended'
WHERE r.code IS NOT NULL OR c.kind IS NOT NULL OR l.listed_no IS NOT NULL
   OR a.meeting_id IS NOT NULL
ORDER BY p.part, r.name, r.sort_order, c.kind DESC, c.set_order, c.day, c.criterion_no,
         l.listed_no, a.held_on, a.meeting_order
"""
# The columns of PROFILE_SQL's parts that make frames, and the name a renamed one is given.
_ROW_COLUMNS = dict.fromkeys([*_TABLE_COLUMNS, *_PEOPLE_COLUMNS[1:], "group_id"])
_OVER_TIME_COLUMNS = {"day": None, "set_name": "group", "share": None, "achieved": None,
                      "assessed": None}  # fmt: skip
_ATTENDED_COLUMNS = {"meeting_id": None, "title": None, "meeting_group": "group_name",
                     "meeting_network": "network_name", "held_on": None, "attendees": None,
                     "expected": None}  # fmt: skip


@dataclass(frozen=True)
class MunicipalityProfile:
    """What a municipality's profile shows of the queries, read in one statement.

    - table: ``municipality_table``'s frame for the filters: the municipality's row, or none
      when it is not enrolled on the status date or the filters leave it out;
    - comparison: the municipality against its network and everyone (None without a row);
    - attendance: its attendance at each held meeting meant for it (meeting_id, title,
      group_name, network_name, held_on, attendees: empty where none is registered, expected:
      the people it signed up for the meeting's group, or for all its groups).
    """

    table: pd.DataFrame
    comparison: Comparison | None
    attendance: pd.DataFrame


def municipality_profile(con: duckdb.DuckDBPyConnection, filters: Filters) -> MunicipalityProfile:
    """The chosen municipality's row of the Kommuner table, comparison and attendance."""
    return _from_rows(municipality_profile, con, filters)


def municipality_profile_by_statement(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> MunicipalityProfile:
    """municipality_profile as PROFILE_SQL (the definition of its parts) reads it."""
    everyone = replace(filters, municipality_code=None, region=None, network_id=None, status=None)
    read = _run(con, PROFILE_SQL, everyone, chosen=filters.municipality_code)
    described = read.description
    names = [d[0] for d in described]
    parts: dict[str, list[dict[str, Any]]] = {
        "row": [],
        "compared": [],
        "listed": [],
        "attended": [],
    }
    for row in read.fetchall():  # df() of so many empty cells costs more than the statement's run
        parts[row[0]].append(dict(zip(names, row, strict=True)))
    return _profile(filters, parts, {d[0]: store.sql_type(d[1]) for d in described})


def _profile(
    filters: Filters, parts: dict[str, list[dict[str, Any]]], types: dict[str, str | None]
) -> MunicipalityProfile:
    """municipality_profile from PROFILE_SQL's parts (each row a dict of its columns) and the
    SQL types of its columns."""
    code = filters.municipality_code

    def frame(rows: list[dict[str, Any]], columns: dict[str, str | None]) -> pd.DataFrame:
        """The rows' ``columns`` as a query of them alone gives them (renamed as mapped)."""
        return store.typed_frame(
            [tuple(row[name] for name in columns) for row in rows],
            [(shown or name, types[name]) for name, shown in columns.items()],
        )

    shown = {"code": code, "region": filters.region, "network_id": filters.network_id,
             "status": filters.status}  # fmt: skip
    own = [  # the rows municipality_table reads with the filters: the chosen one's, if in view
        row
        for row in parts["row"]
        if all(value is None or row[name] == value for name, value in shown.items())
    ]
    table = _municipality_table(own)
    if table.empty:  # the filters leave it out: nothing of it is shown
        return MunicipalityProfile(table, None, frame([], _ATTENDED_COLUMNS))
    attendance = frame(parts["attended"], _ATTENDED_COLUMNS)
    days = [row for row in parts["compared"] if row["kind"] == "day"]
    over_time = frame(days, _OVER_TIME_COLUMNS)
    if over_time.empty:  # no names to type the column by: typed as the statement's are
        over_time = over_time.astype({"group": "str"})
    comparison = _comparison(filters, parts, over_time)
    return MunicipalityProfile(table, comparison, attendance)


def _comparison(
    filters: Filters, parts: dict[str, list[dict[str, Any]]], over_time: pd.DataFrame
) -> Comparison:
    """The chosen municipality against its network and all participants (see Comparison), from
    PROFILE_SQL's parts as read: everyone's rows, 'compared' and 'listed'."""
    rows = _records(parts["row"])  # plain values: a few dozen rows, faster than pandas
    people = sorted(  # participants' rows: by group, then by name as read (a stable sort)
        (
            tuple(row[c] for c in _PEOPLE_COLUMNS)
            for row in parts["row"]
            if row["group_id"] is not None
        ),
        key=lambda person: person[2],
    )
    for row in rows:
        reached, assessed = row["criteria_reached"], row["criteria_assessed"]
        row["criteria_rate"] = reached / assessed if assessed > 0 else math.nan
    mine = [row for row in rows if row["code"] == filters.municipality_code][0]
    name, network = mine["name"], mine["network_name"]
    network = network if isinstance(network, str) else None
    taking_part = [row for row in rows if row["counted"]]
    in_network = [row for row in taking_part if row["network_name"] == network] if network else None
    ranks = []
    for measure, column in (("attendance", "attendance_rate"), ("criteria", "criteria_rate")):
        value = mine[column] if mine["counted"] else None
        rank, of = _place([row[column] for row in taking_part], value)
        network_rank, network_of = (
            _place([row[column] for row in in_network], value)
            if in_network is not None
            else (None, 0)
        )
        ranks.append(
            {
                "measure": measure,
                "value": None if value is None or math.isnan(value) else float(value),
                "rank": rank,
                "of": of,
                "network_rank": network_rank,
                "network_of": network_of,
            }
        )

    none = dict.fromkeys(
        ["network_reached", "network_assessed", "everyone_reached", "everyone_assessed"], 0
    )
    tally: dict[int, dict[str, int]] = {}
    own_status: dict[int, str] = {}
    for row in parts["compared"]:  # the 'criterion' rows (the 'day' rows are over_time's)
        no, set_name = row["criterion_no"], row["set_name"]
        if row["kind"] != "criterion":
            continue
        if set_name == "municipality":
            own_status[no] = row["criterion_status"]
        else:
            counts = tally.setdefault(no, dict(none))
            counts[f"{set_name}_reached"] = row["achieved"]
            counts[f"{set_name}_assessed"] = row["assessed"]
    # not assessed: NaN as in criteria_cells' status column, None where no one is assessed
    missing = float("nan") if tally else None
    per_criterion = [
        {"criterion_no": no, "text": text, "source": source, "status": own_status.get(no, missing)}
        | {k: int(v) for k, v in tally.get(no, none).items()}
        for no, text, source in (
            (row["listed_no"], row["listed_text"], row["listed_source"]) for row in parts["listed"]
        )
    ]

    networks = {row["code"]: row["network_name"] for row in rows}
    counted = {row["code"] for row in taking_part}
    counted_people: dict[str, list[tuple[str, int]]] = {}  # per group name: (code, people)
    per_key: dict[tuple, list[tuple[str, int]]] = {}  # per group, in people's order
    for code, group_name, order, low, high, signed in people:
        per_key.setdefault((group_name, order, low, high), []).append((code, signed))
        if code in counted:
            counted_people.setdefault(group_name, []).append((code, signed))
    per_group = []
    for (group_name, order, low, high), signed_up in per_key.items():
        ours = [signed for code, signed in signed_up if code == filters.municipality_code]
        counted_rows = counted_people.get(group_name, [])
        near = [signed for code, signed in counted_rows if networks[code] == network]
        per_group.append(
            {
                "group_name": group_name,
                "sort_order": order,
                "participants": ours[0] if ours else None,
                "min_participants": low,
                "max_participants": high,
                "network_mean": _mean(near) if network else None,
                "everyone_mean": _mean([signed for _, signed in counted_rows]),
            }
        )

    return Comparison(
        name=name,
        network_name=network,
        counted=bool(mine["counted"]),
        summary=_summary(rows, filters.municipality_code),
        ranks=pd.DataFrame(ranks),
        criteria=pd.DataFrame(
            per_criterion,
            columns=[
                "criterion_no",
                "text",
                "source",
                "status",
                "network_reached",
                "network_assessed",
                "everyone_reached",
                "everyone_assessed",
            ],
        ),
        participants=pd.DataFrame(
            sorted(per_group, key=lambda group: group["sort_order"]),
            columns=[
                "group_name",
                "sort_order",
                "participants",
                "min_participants",
                "max_participants",
                "network_mean",
                "everyone_mean",
            ],
        ),
        over_time=over_time,
    )


# The queries computed in Python from the programme's rows (programme_rows: a few ms where
# their statements took 20-45 ms, nearly all of it DuckDB planning), each giving what its
# statement above (the definition) gives. ui.frame.queried finds the rows kept per programme.
FROM_ROWS = {
    key_figures_with_previous: lambda rows, filters: programme_rows.key_figures_with_previous(
        rows, filters, filters.as_of - PREVIOUS_PERIOD
    ),
    meeting_plan: programme_rows.meeting_plan,
    enrollment_progress: programme_rows.enrollment_progress,
    criteria_shares: programme_rows.criteria_shares,
    municipality_map: programme_rows.municipality_map,
    attendance: lambda rows, filters: Attendance(*programme_rows.attendance(rows, filters)),
    criteria_status: lambda rows, filters: _criteria_status(
        programme_rows.criteria_history(rows, filters)
    ),
    municipality_table: lambda rows, filters: _municipality_table(
        programme_rows.municipality_records(rows, filters)
    ),
    profile_criteria: programme_rows.profile_criteria,
    municipality_profile: lambda rows, filters: _profile(
        filters, programme_rows.profile_parts(rows, filters), programme_rows.PROFILE_TYPES
    ),
}


# The queries made from other queries' kept results (ui.frame.queried hands them ``data``,
# which finds each kept result): made once per view however many builders ask for them, with
# no statement of their own. Each gives what the query itself gives.
FROM_RESULTS = {participants: _participants_from}
