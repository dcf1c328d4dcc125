"""Example data: deterministic, labelled, and within what the partnerships describe."""

from __future__ import annotations

from kl_dash import bootstrap, db

from .test_db import _dump


def test_the_same_command_twice_gives_identical_contents(tmp_path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    bootstrap.init_database(first)
    bootstrap.init_database(second)
    a, b = db.connect(first), db.connect(second)
    assert _dump(a) == _dump(b)
    assert _dump(a)["enrollments"], "example data is missing"
    a.close()
    b.close()


def test_example_rows_are_labelled_eksempeldata(con):
    for table in ("enrollments", "participants", "attendance", "criterion_status", "networks"):
        sources = con.execute(f"SELECT DISTINCT source FROM {table}").fetchall()
        assert sources == [("eksempeldata",)], table
    held = con.execute("SELECT DISTINCT held_source FROM meetings").fetchall()
    assert held == [("eksempeldata",)]
    assert con.execute("SELECT value FROM dataset_info WHERE key = 'example_data'").fetchone()


def test_without_example_there_are_no_enrollments_and_no_notice(reference_con):
    for table in ("enrollments", "participants", "attendance", "criterion_status", "networks"):
        assert reference_con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    assert reference_con.execute(
        "SELECT count(*) FROM meetings WHERE held_on IS NOT NULL"
    ).fetchone() == (0,)
    assert reference_con.execute("SELECT count(*) FROM dataset_info").fetchone() == (0,)


def test_every_partnership_has_each_enrollment_step(con):
    rows = con.execute(
        "SELECT programme_id, status, count(*) FROM enrollment_status GROUP BY ALL"
    ).fetchall()
    seen = {(p, s) for p, s, _ in rows}
    for programme in ("it-2017", "kvalitet-2017"):
        assert {
            (programme, s) for s in ("participating", "awaiting_agreement", "withdrawn")
        } <= seen
    # Binding sign-up: no one waits for a political agreement.
    assert ("faellesskaber-2021", "participating") in seen
    assert ("faellesskaber-2021", "awaiting_agreement") not in seen


def test_participants_mostly_within_the_range_each_group_asks_for(con):
    inside, outside = con.execute(
        """
        SELECT count(*) FILTER (WHERE p.participants BETWEEN g.min_participants
                                                      AND g.max_participants),
               count(*) FILTER (WHERE p.participants NOT BETWEEN g.min_participants
                                                          AND g.max_participants)
        FROM participants p JOIN programme_groups g USING (programme_id, group_id)
        """
    ).fetchone()
    assert outside > 0, "some municipalities should be outside the range, to be pointed out"
    assert inside > 9 * outside
    # Never more than one person off the range.
    assert con.execute(
        """
        SELECT count(*) FROM participants p JOIN programme_groups g USING (programme_id, group_id)
        WHERE p.participants < g.min_participants - 1 OR p.participants > g.max_participants + 1
        """
    ).fetchone() == (0,)


def test_meetings_are_held_within_their_planned_period_and_the_run(con):
    assert con.execute(
        """
        SELECT count(*) FROM meetings m JOIN programmes p ON p.id = m.programme_id
        WHERE m.held_on IS NULL OR m.held_on > p.end_date
           OR (m.planned_from IS NOT NULL AND m.held_on NOT BETWEEN m.planned_from
                                                              AND m.planned_to)
        """
    ).fetchone() == (0,)


def test_attendance_only_by_municipalities_taking_part_that_day(con):
    assert con.execute(
        """
        SELECT count(*)
        FROM attendance a
        JOIN meetings m USING (programme_id, meeting_id)
        JOIN enrollments e USING (programme_id, municipality_code)
        JOIN programmes p ON p.id = a.programme_id
        WHERE coalesce(e.agreement_on, CASE WHEN NOT p.requires_agreement THEN e.interest_on END)
                  > m.held_on
           OR e.withdrawn_on <= m.held_on
           OR (p.requires_agreement AND e.agreement_on IS NULL)
        """
    ).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM attendance WHERE attendees > 0").fetchone()[0] > 0


def test_criteria_progress_over_time_and_never_go_backwards(con):
    backwards = con.execute(
        """
        WITH ranked AS (
            SELECT *, CASE status WHEN 'not_started' THEN 0 WHEN 'in_progress' THEN 1 ELSE 2 END
                          AS level
            FROM criterion_status
        )
        SELECT count(*) FROM ranked a JOIN ranked b
          USING (programme_id, criterion_no, municipality_code)
        WHERE b.assessed_on > a.assessed_on AND b.level < a.level
        """
    ).fetchone()
    assert backwards == (0,)
    statuses = {
        s for (s,) in con.execute("SELECT DISTINCT status FROM criterion_status").fetchall()
    }
    assert statuses == {"not_started", "in_progress", "achieved"}


def test_a_partnership_without_fixed_criteria_gets_agreed_example_criteria(con):
    rows = con.execute(
        "SELECT origin, source, agreed_on IS NOT NULL FROM success_criteria "
        "WHERE programme_id = 'kvalitet-2017'"
    ).fetchall()
    assert rows and set(rows) == {("agreed", "eksempeldata", True)}


def test_each_networks_own_meetings_are_held_on_days_of_their_own(con):
    rows = con.execute(
        "SELECT meeting_id, network_id, held_on FROM meetings "
        "WHERE programme_id = 'kvalitet-2017' AND meeting_id LIKE 'tm-%' ORDER BY 1"
    ).fetchall()
    assert {network for _, network, _ in rows} == {"nord-midt", "oest", "syd"}
    assert len({held for _, _, held in rows}) > 5  # not the same five days everywhere
    # Each network's theme days come one after the other.
    for network in ("nord-midt", "oest", "syd"):
        days = [held for mid, n, held in rows if n == network]
        assert days == sorted(days) and len(days) == 5


def test_attendance_only_at_the_meetings_meant_for_the_municipality(con):
    assert con.execute(
        """
        SELECT count(*)
        FROM attendance a
        JOIN meetings m USING (programme_id, meeting_id)
        JOIN enrollments e USING (programme_id, municipality_code)
        LEFT JOIN participants p
          ON p.programme_id = a.programme_id AND p.municipality_code = a.municipality_code
         AND p.group_id = m.group_id
        WHERE (m.network_id IS NOT NULL AND m.network_id <> e.network_id)
           OR p.participants = 0
        """
    ).fetchone() == (0,)
    assert con.execute(
        "SELECT count(DISTINCT m.network_id) FROM attendance a "
        "JOIN meetings m USING (programme_id, meeting_id)"
    ).fetchone() == (3,)
