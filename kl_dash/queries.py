"""SQL in, DataFrames and figures out. Every value is bound with ``?``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures of one programme as it stood on ``as_of``."""

    as_of: date
    enrolled: int
    with_agreement: int
    withdrawn: int
    meetings_held: int
    meetings_planned: int


def programmes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All programmes, newest invitation first: id, name, short_name, case_id, dates, price."""
    return con.execute(
        """
        SELECT id, name, short_name, case_id, invitation_date, start_date, end_date,
               run_text, price_dkk, requires_agreement
        FROM programmes
        ORDER BY invitation_date DESC, id
        """
    ).df()


def has_example_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the database holds generated example data."""
    return bool(
        con.execute("SELECT count(*) FROM dataset_info WHERE key = 'example_data'").fetchone()[0]
    )


KEY_FIGURES_SQL = """
WITH enrollments_then AS (
    SELECT
        e.interest_on <= $as_of AS interested,
        (e.agreement_on <= $as_of) IS TRUE AS agreed,
        (e.withdrawn_on <= $as_of) IS TRUE AS withdrawn
    FROM enrollments AS e
    WHERE e.programme_id = $programme
),
enrollment_figures AS (
    SELECT
        count(*) FILTER (WHERE interested AND NOT withdrawn) AS enrolled,
        count(*) FILTER (WHERE agreed AND NOT withdrawn) AS with_agreement,
        count(*) FILTER (WHERE withdrawn) AS withdrawn
    FROM enrollments_then
),
meeting_figures AS (
    SELECT
        count(*) FILTER (WHERE held_on <= $as_of) AS meetings_held,
        count(*) AS meetings_planned
    FROM meetings
    WHERE programme_id = $programme
)
SELECT * FROM enrollment_figures, meeting_figures
"""


def key_figures(con: duckdb.DuckDBPyConnection, programme_id: str, as_of: date) -> KeyFigures:
    """Enrolled (interest shown, not withdrawn), with agreement, withdrawn; meetings held."""
    row = con.execute(KEY_FIGURES_SQL, {"programme": programme_id, "as_of": as_of}).fetchone()
    return KeyFigures(as_of, *row)


MEETING_PLAN_SQL = """
WITH plan AS (
    SELECT m.meeting_id, m.title, m.meeting_type, m.planned_text, m.planned_from,
           m.held_on, m.form, m.sort_order, g.name AS group_name
    FROM meetings AS m
    LEFT JOIN programme_groups AS g USING (programme_id, group_id)
    WHERE m.programme_id = $programme
)
SELECT meeting_id, title, meeting_type, coalesce(group_name, 'Alle') AS group_name,
       planned_text, planned_from, CASE WHEN held_on <= $as_of THEN held_on END AS held_on,
       form
FROM plan
ORDER BY coalesce(CASE WHEN held_on <= $as_of THEN held_on END, planned_from, held_on),
         sort_order
"""


def meeting_plan(con: duckdb.DuckDBPyConnection, programme_id: str, as_of: date) -> pd.DataFrame:
    """The meeting plan in date order; held_on is empty for meetings not held by ``as_of``."""
    return con.execute(MEETING_PLAN_SQL, {"programme": programme_id, "as_of": as_of}).df()
