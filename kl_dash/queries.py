"""SQL in, DataFrames out: every figure the pages show, aggregated in DuckDB.

Each query is a chain of CTEs named for their steps. Values are always bound as named
parameters ($programme, $as_of, ...), never formatted into the SQL text. Most queries start
from the shared steps in ``SCOPE``: the municipalities the filters select, with their
enrollment status as it stood on the status date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from .filters import Filters
from .formatting import danish_sort_key
from .labels import EXAMPLE_SOURCE

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
      AND ($region IS NULL OR m.region = $region)
      AND ($network IS NULL OR e.network_id = $network)
      AND ($municipality IS NULL OR e.municipality_code = $municipality)
),
in_view AS (
    SELECT * FROM scope WHERE $status IS NULL OR status = $status
),
meetings_in_view AS (
    SELECT mt.*, g.name AS group_name, coalesce(g.sort_order, 0) AS group_order
    FROM meetings AS mt
    LEFT JOIN programme_groups AS g USING (programme_id, group_id)
    WHERE mt.programme_id = $programme
      AND ($group_id IS NULL OR mt.group_id IS NULL OR mt.group_id = $group_id)
),
held_in_view AS (
    SELECT * FROM meetings_in_view
    WHERE held_on <= $as_of AND ($period_from IS NULL OR held_on >= $period_from)
),
expected_attendance AS (
    -- A municipality is expected at every held meeting (of the groups in view) while it
    -- takes part: from its political agreement (or sign-up) until it withdraws.
    SELECT v.code, h.meeting_id, a.attendees, coalesce(a.attendees, 0) > 0 AS attended
    FROM in_view AS v
    JOIN programme AS p ON TRUE
    JOIN held_in_view AS h
      ON coalesce(v.agreement_on, CASE WHEN NOT p.requires_agreement THEN v.interest_on END)
             <= h.held_on
     AND (v.withdrawn_on IS NULL OR v.withdrawn_on > h.held_on)
    LEFT JOIN attendance AS a
      ON a.programme_id = h.programme_id AND a.meeting_id = h.meeting_id
     AND a.municipality_code = v.code
),
latest_assessment AS (
    -- Each municipality's latest assessment of each criterion on the status date.
    SELECT municipality_code AS code, criterion_no, arg_max(status, assessed_on) AS status
    FROM criterion_status
    WHERE programme_id = $programme AND assessed_on <= $as_of
    GROUP BY ALL
)
"""

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


def has_example_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the database holds generated example data."""
    return bool(
        con.execute("SELECT count(*) FROM dataset_info WHERE key = 'example_data'").fetchone()[0]
    )


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever an upload is stored or undone: the key that invalidates cached data."""
    return con.execute(
        "SELECT count(*), max(id), count(undone_at), max(undone_at) FROM uploads"
    ).fetchone()


# --- Overview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures of one programme as it stood on ``as_of``."""

    as_of: date
    enrolled: int
    with_agreement: int
    withdrawn: int
    participants: int
    meetings_held: int
    meetings_planned: int
    attendance_rate: float | None
    criteria_reached: int
    criteria_assessed: int

    @property
    def criteria_share(self) -> float | None:
        """Share of (municipality, criterion) pairs whose latest assessment is 'achieved'."""
        return self.criteria_reached / self.criteria_assessed if self.criteria_assessed else None


KEY_FIGURES_SQL = f"""
WITH {SCOPE},
enrollment_figures AS (
    SELECT
        count(*) FILTER (WHERE status <> 'withdrawn') AS enrolled,
        count(*) FILTER (WHERE status <> 'withdrawn' AND agreement_on <= $as_of)
            AS with_agreement,
        count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn
    FROM in_view
),
participant_figures AS (
    SELECT coalesce(sum(pa.participants), 0) AS participants
    FROM participants AS pa
    JOIN in_view AS v ON v.code = pa.municipality_code AND v.status = 'participating'
    WHERE pa.programme_id = $programme AND ($group_id IS NULL OR pa.group_id = $group_id)
),
meeting_figures AS (
    SELECT
        (SELECT count(*) FROM held_in_view) AS meetings_held,
        (SELECT count(*) FROM meetings_in_view) AS meetings_planned
),
attendance_figures AS (
    SELECT avg(CASE WHEN attended THEN 1.0 ELSE 0.0 END) AS attendance_rate
    FROM expected_attendance
),
criteria_figures AS (
    SELECT count(*) FILTER (WHERE l.status = 'achieved') AS criteria_reached,
           count(*) AS criteria_assessed
    FROM latest_assessment AS l
    JOIN in_view AS v ON v.code = l.code AND v.status = 'participating'
)
SELECT enrolled, with_agreement, withdrawn, participants, meetings_held, meetings_planned,
       attendance_rate, criteria_reached, criteria_assessed
FROM enrollment_figures, participant_figures, meeting_figures, attendance_figures,
     criteria_figures
"""


def key_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> KeyFigures:
    """Enrolled (interest shown, not withdrawn), agreements, participants, meetings, criteria."""
    row = _run(con, KEY_FIGURES_SQL, filters).fetchone()
    return KeyFigures(filters.as_of, *row)


def previous_key_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> KeyFigures:
    """The same figures one period (about three months) before the status date."""
    from dataclasses import replace

    return key_figures(con, replace(filters, as_of=filters.as_of - PREVIOUS_PERIOD))


MEETING_PLAN_SQL = f"""
WITH {SCOPE}
SELECT meeting_id, title, meeting_type, group_id, group_name, group_order, planned_text,
       planned_from, planned_to, CASE WHEN held_on <= $as_of THEN held_on END AS held_on, form
FROM meetings_in_view
ORDER BY coalesce(CASE WHEN held_on <= $as_of THEN held_on END, planned_from, held_on),
         sort_order
"""


def meeting_plan(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The meeting plan in date order; held_on is empty for meetings not held by the date.

    group_name is empty for a meeting for every group and track.
    """
    return _frame(con, MEETING_PLAN_SQL, filters)


NEXT_MEETINGS_SQL = f"""
WITH {SCOPE}
SELECT meeting_id, title, meeting_type, group_name, planned_text, planned_from, form
FROM meetings_in_view
WHERE held_on IS NULL OR held_on > $as_of
ORDER BY planned_from NULLS LAST, sort_order
LIMIT $limit
"""


def next_meetings(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The meetings not yet held on the status date, soonest first."""
    return _frame(con, NEXT_MEETINGS_SQL, filters, limit=limit)


ENROLLMENT_PROGRESS_SQL = f"""
WITH {SCOPE},
events AS (
    SELECT interest_on AS day, 'interest' AS series FROM scope
    UNION ALL
    SELECT agreement_on, 'agreement' FROM scope WHERE agreement_on <= $as_of
    UNION ALL
    SELECT withdrawn_on, 'withdrawn' FROM scope WHERE withdrawn_on <= $as_of
),
per_day AS (
    SELECT day, series, count(*) AS n FROM events GROUP BY ALL
),
with_end AS (
    SELECT * FROM per_day
    UNION ALL
    SELECT DISTINCT $as_of, series, 0 FROM per_day
)
SELECT day, series, CAST(sum(sum(n)) OVER (PARTITION BY series ORDER BY day) AS INTEGER) AS value
FROM with_end
GROUP BY day, series
ORDER BY series, day
"""


def enrollment_progress(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Cumulative enrollment steps over time up to the status date: day, series, value.

    ``series`` is the step's code (labels.ENROLLMENT_STEPS).
    """
    return _frame(con, ENROLLMENT_PROGRESS_SQL, filters)


CRITERIA_SHARES_SQL = f"""
WITH {SCOPE},
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
    SELECT d.day, a.criterion_no, a.municipality_code, arg_max(a.status, a.assessed_on) AS status
    FROM days AS d
    JOIN assessments AS a ON a.assessed_on <= d.day
    GROUP BY ALL
)
SELECT day,
       count(*) FILTER (WHERE status = 'achieved') / count(*) AS share,
       CAST(count(*) FILTER (WHERE status = 'achieved') AS INTEGER) AS achieved,
       CAST(count(*) AS INTEGER) AS assessed
FROM latest
GROUP BY day
ORDER BY day
"""


def criteria_shares(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Share of criteria reached over time (latest assessment per pair on each day)."""
    return _frame(con, CRITERIA_SHARES_SQL, filters)


MAP_SQL = f"""
WITH {SCOPE}
SELECT m.code, m.name, m.region, m.latitude, m.longitude, v.status
FROM municipalities AS m
LEFT JOIN in_view AS v ON v.code = m.code
ORDER BY m.code
"""


def municipality_map(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """All 98 municipalities with the enrollment status of those in view (else empty)."""
    return _frame(con, MAP_SQL, filters)


# --- Municipalities --------------------------------------------------------------------------

MUNICIPALITY_TABLE_SQL = f"""
WITH {SCOPE},
attendance_rates AS (
    SELECT code,
           avg(CASE WHEN attended THEN 1.0 ELSE 0.0 END) AS attendance_rate,
           CAST(count(*) FILTER (WHERE attended) AS INTEGER) AS meetings_attended,
           CAST(count(*) AS INTEGER) AS meetings_expected
    FROM expected_attendance
    GROUP BY code
),
criteria AS (
    SELECT code, CAST(count(*) FILTER (WHERE status = 'achieved') AS INTEGER) AS reached
    FROM latest_assessment GROUP BY code
),
criteria_total AS (
    SELECT CAST(count(*) AS INTEGER) AS total FROM success_criteria WHERE programme_id = $programme
)
SELECT v.code, v.name, v.region, v.network_name, v.status, v.interest_on, v.agreement_on,
       v.withdrawn_on, r.attendance_rate, r.meetings_attended, r.meetings_expected,
       coalesce(c.reached, 0) AS criteria_reached, t.total AS criteria_total
FROM in_view AS v
LEFT JOIN attendance_rates AS r USING (code)
LEFT JOIN criteria AS c USING (code)
CROSS JOIN criteria_total AS t
ORDER BY v.name
"""

PARTICIPANTS_SQL = f"""
WITH {SCOPE}
SELECT v.code, v.name AS municipality, g.group_id, g.name AS group_name, g.sort_order,
       pa.participants, g.min_participants, g.max_participants
FROM in_view AS v
JOIN participants AS pa ON pa.programme_id = $programme AND pa.municipality_code = v.code
JOIN programme_groups AS g USING (programme_id, group_id)
WHERE $group_id IS NULL OR g.group_id = $group_id
ORDER BY g.sort_order, v.name
"""


def participants(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """People signed up per municipality and group, with the range the group asks for."""
    return _frame(con, PARTICIPANTS_SQL, filters)


def municipality_table(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per municipality in view: status, network, attendance, criteria, participants.

    Participants per group are added as one column per group (named after the group).
    """
    table = _frame(con, MUNICIPALITY_TABLE_SQL, filters)
    people = participants(con, filters)
    if not people.empty:
        wide = people.pivot_table(
            index="code", columns="group_name", values="participants", aggfunc="sum", sort=False
        )
        table = table.merge(wide, how="left", left_on="code", right_index=True)
    return table.sort_values("name", key=lambda s: s.map(danish_sort_key), ignore_index=True)


PROFILE_ATTENDANCE_SQL = f"""
WITH {SCOPE}
SELECT h.meeting_id, h.title, h.group_name, h.held_on, a.attendees, pa.participants AS expected
FROM held_in_view AS h
LEFT JOIN attendance AS a
  ON a.programme_id = h.programme_id AND a.meeting_id = h.meeting_id
 AND a.municipality_code = $municipality
LEFT JOIN participants AS pa
  ON pa.programme_id = h.programme_id AND pa.group_id = h.group_id
 AND pa.municipality_code = $municipality
ORDER BY h.held_on, h.sort_order
"""


def profile_attendance(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The chosen municipality's attendance at each held meeting (attendees empty = none)."""
    return _frame(con, PROFILE_ATTENDANCE_SQL, filters)


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
    criteria_share.
    """
    from dataclasses import replace

    everyone = replace(
        filters, municipality_code=None, region=None, network_id=None, status="participating"
    )
    table = municipality_table(con, everyone)
    own = table[table["code"] == filters.municipality_code]
    rows = []
    if not own.empty:
        network = own["network_name"].iloc[0]
        groups = [("municipality", own)]
        if isinstance(network, str):
            groups.append(("network", table[table["network_name"] == network]))
        groups.append(("everyone", table))
        for group, part in groups:
            total = part["criteria_total"].iloc[0] if len(part) else 0
            rows.append(
                {
                    "group": group,
                    "network_name": network if group == "network" else None,
                    "attendance_rate": part["attendance_rate"].mean(),
                    "criteria_share": part["criteria_reached"].mean() / total if total else None,
                }
            )
    columns = ["group", "network_name", "attendance_rate", "criteria_share"]
    return pd.DataFrame(rows, columns=columns)


# --- Meetings and tracks ---------------------------------------------------------------------

ATTENDANCE_CELLS_SQL = f"""
WITH {SCOPE},
totals AS (
    SELECT municipality_code AS code, sum(participants) AS participants
    FROM participants WHERE programme_id = $programme GROUP BY ALL
)
SELECT v.name AS municipality,
       h.meeting_id || ' ' || h.title AS meeting,
       CAST(dense_rank() OVER (ORDER BY h.held_on, h.sort_order) AS INTEGER) AS meeting_order,
       CASE WHEN x.code IS NOT NULL THEN coalesce(x.attendees, 0) END AS attendees,
       CASE WHEN x.code IS NOT NULL THEN coalesce(pa.participants, t.participants) END
           AS expected
FROM in_view AS v
CROSS JOIN held_in_view AS h
LEFT JOIN expected_attendance AS x ON x.code = v.code AND x.meeting_id = h.meeting_id
LEFT JOIN participants AS pa
  ON pa.programme_id = $programme AND pa.group_id = h.group_id AND pa.municipality_code = v.code
LEFT JOIN totals AS t ON t.code = v.code
ORDER BY municipality, meeting_order
"""


def attendance_cells(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Municipality x held meeting: attendees (empty = not taking part) and people expected."""
    return _frame(con, ATTENDANCE_CELLS_SQL, filters)


# --- Success criteria ------------------------------------------------------------------------


def criteria(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The programme's success criteria, verbatim: criterion_no, text, origin, agreed_on."""
    return _frame(
        con,
        "SELECT criterion_no, text, origin, agreed_on, source FROM success_criteria "
        "WHERE programme_id = $programme ORDER BY criterion_no",
        filters,
    )


CRITERIA_CELLS_SQL = f"""
WITH {SCOPE}
SELECT v.name AS municipality, c.criterion_no, l.status
FROM in_view AS v
CROSS JOIN success_criteria AS c
LEFT JOIN latest_assessment AS l ON l.code = v.code AND l.criterion_no = c.criterion_no
WHERE c.programme_id = $programme
ORDER BY municipality, c.criterion_no
"""


def criteria_cells(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Municipality x criterion: the latest status on the status date (empty = not assessed)."""
    return _frame(con, CRITERIA_CELLS_SQL, filters)


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
