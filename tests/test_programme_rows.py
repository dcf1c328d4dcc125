"""The views computed from the programme's rows are what their statements define.

kl_dash.programme_rows computes the key figures, Overblik's frames, Møder og spor's
attendance and Succeskriterier's status in Python (issue 12:
the statements' time was nearly all DuckDB planning them). The statements in kl_dash.queries
stay the definition: on many views (every filter alone and in combination, status dates
from before the invitation to after the end), of the example data, of generated benchmark
data and on PostgreSQL, both give the same figures and the same frames (rows, order, dtypes).
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pandas as pd

from kl_dash import db, programme_rows, queries, store
from kl_dash.filters import Filters

from .test_benchmarks import generate

FRAMES = {  # query: the field of queries.overview (the statement) holding its frame
    queries.meeting_plan: "plan",
    queries.enrollment_progress: "progress",
    queries.criteria_shares: "shares",
    queries.municipality_map: "places",
}
BY_STATEMENT = {  # query: its statement
    queries.attendance: queries.attendance_by_statement,
    queries.criteria_status: queries.criteria_status_by_statement,
    queries.municipality_profile: queries.municipality_profile_by_statement,  # with one chosen
    queries.profile_criteria: queries.profile_criteria_by_statement,  # with one chosen
}
PROFILE = {queries.municipality_profile, queries.profile_criteria}
STATUSES = ["participating", "awaiting_agreement", "withdrawn"]


def _values(con, sql: str, programme: str | None = None) -> list:
    params = {"programme": programme} if programme else None
    return [value for (value,) in con.execute(sql, params).fetchall()]


def views(con, count: int, seed: int = 0, programmes: int | None = None) -> list[Filters]:
    """Each filter alone, then ``count`` random combinations, on every programme (or on the
    first ``programmes``)."""
    chosen = random.Random(seed)
    regions = _values(con, "SELECT DISTINCT region FROM municipalities ORDER BY 1")
    out = []
    for programme in _values(con, "SELECT id FROM programmes ORDER BY id")[:programmes]:
        days = _values(
            con,
            """
            SELECT d FROM (
                SELECT interest_on AS d FROM enrollments WHERE programme_id = $programme
                UNION ALL SELECT agreement_on FROM enrollments WHERE programme_id = $programme
                UNION ALL SELECT withdrawn_on FROM enrollments WHERE programme_id = $programme
                UNION ALL SELECT held_on FROM meetings WHERE programme_id = $programme
                UNION ALL SELECT planned_to FROM meetings WHERE programme_id = $programme
                UNION ALL SELECT assessed_on FROM criterion_status
                          WHERE programme_id = $programme
            ) AS events WHERE d IS NOT NULL ORDER BY d
            """,
            programme,
        )
        first, last = days[0], days[-1]
        # the days things happen on, the days before them, and days between
        on_days = [first - timedelta(days=30), last + timedelta(days=30)]
        on_days += chosen.sample(days, min(5, len(days)))
        on_days += [day - timedelta(days=1) for day in chosen.sample(days, min(3, len(days)))]
        networks = _values(
            con, "SELECT network_id FROM networks WHERE programme_id = $programme", programme
        )
        groups = _values(
            con, "SELECT group_id FROM programme_groups WHERE programme_id = $programme", programme
        )
        codes = _values(
            con,
            "SELECT municipality_code FROM enrollments WHERE programme_id = $programme",
            programme,
        )
        middle = first + (last - first) / 2
        out += [Filters(programme, day) for day in on_days]
        out += [Filters(programme, middle, region=region) for region in regions]
        out += [Filters(programme, middle, network_id=network) for network in networks]
        out += [Filters(programme, middle, group_id=group) for group in groups]
        out += [Filters(programme, middle, status=status) for status in STATUSES]
        out += [Filters(programme, middle, municipality_code=code) for code in codes[:3]]
        out += [  # a profile on other days, and with filters that leave it out or keep it
            Filters(programme, day, municipality_code=code, group_id=group, status=status)
            for day, code, group, status in zip(
                on_days,
                chosen.sample(codes, min(len(codes), len(on_days))),
                [None, *groups] * 5,
                [None, None, *STATUSES] * 3,
                strict=False,
            )
        ]
        out += [Filters(programme, middle, period_from=middle - timedelta(days=200))]
        for _ in range(count):
            as_of = first + timedelta(days=chosen.randrange((last - first).days + 60) - 30)
            out.append(
                Filters(
                    programme,
                    as_of,
                    period_from=chosen.choice([None, as_of - timedelta(days=300)]),
                    region=chosen.choice([None, None, *regions]),
                    network_id=chosen.choice([None, None, *networks]),
                    group_id=chosen.choice([None, None, *groups]),
                    status=chosen.choice([None, None, None, *STATUSES]),
                    municipality_code=chosen.choice([None] * 4 + codes[:4]),
                )
            )
    return out


def assert_as_defined(con, views_: list[Filters]) -> None:
    """Every view's key figures and frames from the rows equal their statements'; every
    eighth view also through the query as a report calls it (reading the rows anew)."""
    kept = {}
    for number, view in enumerate(views_):
        rows = kept.get(view.programme_id) or programme_rows.read(con, view.programme_id)
        kept[view.programme_id] = rows
        anew = number % 8 == 0
        by_statement = queries.key_figures_by_statement(con, view)
        assert queries.FROM_ROWS[queries.key_figures_with_previous](rows, view) == by_statement
        if anew:
            assert queries.key_figures_with_previous(con, view) == by_statement
        overview = queries.overview(con, view)
        for query, name in FRAMES.items():
            defined = getattr(overview, name)
            where = f"{name} {view}"
            computed = queries.FROM_ROWS[query](rows, view)
            pd.testing.assert_frame_equal(computed, defined, check_exact=True, obj=where)
            if anew:
                pd.testing.assert_frame_equal(query(con, view), defined, obj=where)
        pd.testing.assert_frame_equal(
            queries.FROM_ROWS[queries.municipality_table](rows, view),
            queries.municipality_table_by_statement(con, view),
            obj=f"municipality_table {view}",
        )
        for query, statement in BY_STATEMENT.items():
            if query in PROFILE and view.municipality_code is None:
                continue
            computed = queries.FROM_ROWS[query](rows, view)
            assert_same(computed, statement(con, view), f"{query.__name__} {view}")


def assert_same(computed, defined, where: str) -> None:
    """The same frames (rows, order, dtypes) and values, field by field."""
    if isinstance(defined, pd.DataFrame):
        pd.testing.assert_frame_equal(computed, defined, obj=where)
    elif dataclasses.is_dataclass(defined):
        assert type(computed) is type(defined), where
        for field in dataclasses.fields(defined):
            name = field.name
            assert_same(getattr(computed, name), getattr(defined, name), f"{where}.{name}")
    else:
        assert computed == defined, where


def test_the_example_data_s_views_from_the_rows_are_what_the_statements_define(con):
    views_ = views(con, 4)
    assert len(views_) > 100
    assert_as_defined(con, views_)


def test_the_views_of_generated_data_from_the_rows_are_what_the_statements_define(tmp_path):
    path = tmp_path / "generated.duckdb"
    generate(path, seed=3)
    con = db.connect(path)
    try:
        assert_as_defined(con, views(con, 2, seed=3, programmes=1))
    finally:
        con.close()


def test_on_postgresql_the_views_from_the_rows_are_what_the_statements_define(pg_url):
    pg = db.connect(pg_url)
    try:
        assert_as_defined(pg, views(pg, 4, seed=1)[::5])  # a fifth: PostgreSQL plans slowly
    finally:
        pg.close()


def test_a_withdrawal_and_a_network_meeting_move_the_figures_as_the_statements_do(con):
    """The rules the example data rarely meets: a municipality that withdrew before a meeting
    or on its day, one that sent no one to a group, one that signed no one up, a meeting of
    one network only, and a meeting whose attendance is not registered for someone."""
    programme, code = con.execute(
        "SELECT programme_id, min(municipality_code) FROM enrollments "
        "WHERE agreement_on IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 1"
    ).fetchone()
    (held,) = con.execute(
        "SELECT max(held_on) FROM meetings WHERE programme_id = ?", [programme]
    ).fetchone()
    con.execute(
        "UPDATE enrollments SET withdrawn_on = ? WHERE programme_id = ? AND municipality_code = ?",
        [held - timedelta(days=20), programme, code],
    )
    con.execute(  # one taking part sends no one to one of its groups: not expected there
        "UPDATE participants SET participants = 0 WHERE programme_id = ? "
        "AND (municipality_code, group_id) = (SELECT (municipality_code, min(group_id)) "
        "FROM participants WHERE programme_id = ? AND municipality_code = ("
        "SELECT min(municipality_code) FROM participants WHERE programme_id = ? "
        "AND municipality_code <> ?) GROUP BY municipality_code)",
        [programme, programme, programme, code],
    )
    network = con.execute(
        "SELECT min(network_id) FROM enrollments WHERE programme_id = ?", [programme]
    ).fetchone()[0]
    if network is not None:
        con.execute(
            "UPDATE meetings SET network_id = ? WHERE programme_id = ? AND meeting_id = "
            "(SELECT min(meeting_id) FROM meetings WHERE programme_id = ?)",
            [network, programme, programme],
        )
    # on the very day of a meeting: one withdraws (not expected there), one's agreement is
    # approved (expected there)
    on_a_meeting_day = """
        UPDATE enrollments AS e SET {column} = (
            SELECT min(held_on) FROM meetings AS m
            WHERE m.programme_id = e.programme_id AND m.held_on > e.interest_on
        )
        WHERE programme_id = ? AND municipality_code = (
            SELECT {which}(municipality_code) FROM enrollments
            WHERE programme_id = ? AND municipality_code <> ?
        )
    """
    for column, which in (("withdrawn_on", "max"), ("agreement_on", "min")):
        con.execute(on_a_meeting_day.format(column=column, which=which), [programme] * 2 + [code])
    # one meeting's attendance not registered for one, and one who signed no one up at all
    (meeting, present) = con.execute(
        "SELECT meeting_id, municipality_code FROM attendance WHERE programme_id = ? "
        "AND municipality_code <> ? AND meeting_id IN (SELECT meeting_id FROM meetings "
        "WHERE programme_id = ? AND network_id IS NULL) "
        "ORDER BY meeting_id, municipality_code LIMIT 1",
        [programme, code, programme],
    ).fetchone()
    con.execute(
        "DELETE FROM attendance WHERE programme_id = ? AND meeting_id = ? "
        "AND municipality_code = ?",
        [programme, meeting, present],
    )
    (nobody,) = con.execute(
        "SELECT min(municipality_code) FROM participants WHERE programme_id = ? "
        "AND municipality_code NOT IN (?, ?)",
        [programme, code, present],
    ).fetchone()
    con.execute(
        "DELETE FROM participants WHERE programme_id = ? AND municipality_code = ?",
        [programme, nobody],
    )
    con.execute(  # a note on some assessments: the profile shows it
        "UPDATE criterion_status SET note = 'Godt på vej' WHERE programme_id = ? "
        "AND municipality_code = ? AND criterion_no % 2 = 1",
        [programme, present],
    )
    views_ = [v for v in views(con, 6, seed=7) if v.programme_id == programme]
    views_ += [Filters(programme, held, municipality_code=who) for who in (present, nobody)]
    views_ += [Filters(programme, held, municipality_code=code), Filters(programme, date.max)]
    assert_as_defined(con, views_)


def test_a_programme_that_is_not_there_has_nothing_to_show(con):
    missing = "nope-2017"
    view = Filters(missing, date(2018, 1, 1))
    rows = programme_rows.read(con, missing)
    now, before = queries.FROM_ROWS[queries.key_figures_with_previous](rows, view)
    assert (now.enrolled, now.meetings_planned, before.enrolled) == (0, 0, 0)
    assert queries.municipality_map(con, view)["status"].isna().all()
    assert queries.meeting_plan(con, view).empty


def test_rows_read_while_an_upload_is_stored_are_all_of_one_state_of_the_data(database):
    """An undo of one municipality's enrollment (its attendance, people and assessments, then
    the enrollment) committed by another session while the rows are being read: the rows are
    all of the state before it, never half of each."""
    con = db.connect(database)
    reader, writer = con.cursor(), con.cursor()
    programme = "it-2017"
    (code,) = con.execute(
        "SELECT min(municipality_code) FROM attendance WHERE programme_id = ?", [programme]
    ).fetchone()
    before = programme_rows.read(con, programme)

    def undo_the_enrollment() -> None:
        where = "WHERE programme_id = $programme AND municipality_code = $code"
        values = {"programme": programme, "code": code}
        with store.write_transaction(writer):
            for table in ("attendance", "participants", "criterion_status"):
                writer.execute(f"DELETE FROM {table} {where}", values)
            writer.execute(f"DELETE FROM enrollment_focus_areas {where}", values)
        with store.write_transaction(writer):
            writer.execute(f"DELETE FROM enrollments {where}", values)

    class StoredMidway:
        """The reader's session; the undo is committed just before it reads the enrollments
        (it has read the programme and the assessments by then)."""

        def __getattr__(self, name):
            return getattr(reader, name)

        def execute(self, sql, params=None):
            if sql == programme_rows.ENROLLMENTS_SQL:
                undo_the_enrollment()
            return reader.execute(sql, params)

    during = programme_rows.read(StoredMidway(), programme)
    after = programme_rows.read(con, programme)
    assert code in {e.code for e in before.enrollments}
    assert code not in {e.code for e in after.enrollments}  # the undo was stored
    assert during == before
    for session in (reader, writer, con):
        session.close()
