"""The figures the pages show, checked against plain SQL written independently here."""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import replace
from datetime import date

import pytest

from kl_dash import labels, queries
from kl_dash.filters import Filters

MID = date(2018, 6, 1)


def independent_figures(con, programme: str, day: date, region: str | None = None) -> dict:
    where_region = "AND m.region = ?" if region else ""
    extra = [region] if region else []
    enrolled, agreed, withdrawn = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE e.withdrawn_on IS NULL OR e.withdrawn_on > ?),
               count(*) FILTER (WHERE e.agreement_on <= ? AND (e.withdrawn_on IS NULL
                                                             OR e.withdrawn_on > ?)),
               count(*) FILTER (WHERE e.withdrawn_on <= ?)
        FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code
        WHERE e.programme_id = ? AND e.interest_on <= ? {where_region}
        """,
        [day, day, day, day, programme, day, *extra],
    ).fetchone()
    (held,) = con.execute(
        "SELECT count(*) FROM meetings WHERE programme_id = ? AND held_on <= ?", [programme, day]
    ).fetchone()
    reached, assessed = con.execute(
        f"""
        WITH ranked AS (
            SELECT cs.*, row_number() OVER (PARTITION BY cs.municipality_code, cs.criterion_no
                                            ORDER BY cs.assessed_on DESC) AS rn
            FROM criterion_status cs
            JOIN enrollments e USING (programme_id, municipality_code)
            JOIN programmes p ON p.id = e.programme_id
            JOIN municipalities m ON m.code = e.municipality_code
            WHERE cs.programme_id = ? AND cs.assessed_on <= ? {where_region}
              AND e.interest_on <= ? AND (e.agreement_on <= ? OR NOT p.requires_agreement)
              AND (e.withdrawn_on IS NULL OR e.withdrawn_on > ?)
        )
        SELECT count(*) FILTER (WHERE status = 'achieved'), count(*) FROM ranked WHERE rn = 1
        """,
        [programme, day, *extra, day, day, day],
    ).fetchone()
    return dict(
        enrolled=enrolled,
        with_agreement=agreed,
        withdrawn=withdrawn,
        meetings_held=held,
        criteria_reached=reached,
        criteria_assessed=assessed,
    )


@pytest.mark.parametrize("programme", ["it-2017", "kvalitet-2017", "faellesskaber-2021"])
@pytest.mark.parametrize("day", [date(2017, 10, 1), MID, date(2019, 3, 1), date(2022, 2, 1)])
def test_key_figures_match_plain_sql_on_any_status_date(con, programme, day):
    figures = queries.key_figures(con, Filters(programme, day))
    expected = independent_figures(con, programme, day)
    assert {k: getattr(figures, k) for k in expected} == expected


def test_key_figures_for_one_region(con):
    figures = queries.key_figures(con, Filters("it-2017", MID, region="Hovedstaden"))
    expected = independent_figures(con, "it-2017", MID, region="Hovedstaden")
    assert {k: getattr(figures, k) for k in expected} == expected


def test_a_later_status_date_never_shows_fewer_meetings_held(con):
    held = [
        queries.key_figures(con, Filters("it-2017", day)).meetings_held
        for day in (date(2017, 9, 1), MID, date(2019, 12, 31))
    ]
    assert held[0] < held[1] < held[2] == 23


def test_criteria_reached_for_a_chosen_municipality(con):
    code, name = con.execute(
        "SELECT m.code, m.name FROM enrollments e JOIN municipalities m ON m.code = "
        "e.municipality_code WHERE programme_id = 'it-2017' AND agreement_on IS NOT NULL "
        "AND withdrawn_on IS NULL ORDER BY m.name LIMIT 1"
    ).fetchone()
    (expected,) = con.execute(
        """
        SELECT count(*) FROM criterion_status c
        WHERE programme_id = 'it-2017' AND municipality_code = ? AND status = 'achieved'
          AND assessed_on = (SELECT max(assessed_on) FROM criterion_status
                             WHERE programme_id = 'it-2017' AND municipality_code = ?)
        """,
        [code, code],
    ).fetchone()
    table = queries.municipality_table(con, Filters("it-2017", date(2019, 12, 31)))
    row = table[table["code"] == code].iloc[0]
    assert (row["name"], row["criteria_reached"], row["criteria_total"]) == (name, expected, 8)


def test_group_filter_keeps_that_group_and_meetings_for_everyone(con):
    plan = queries.meeting_plan(con, Filters("kvalitet-2017", MID, group_id="politikere"))
    assert len(plan) and plan["group_id"].isna().all() and plan["group_name"].isna().all()
    plan = queries.meeting_plan(con, Filters("it-2017", MID, group_id="ledelsesspor"))
    assert set(plan["group_name"]) == {"Ledelsesspor"} and len(plan) == 5


def test_next_meetings_are_those_not_yet_held(con):
    coming = queries.next_meetings(con, Filters("faellesskaber-2021", date(2021, 12, 1)))
    assert list(coming["title"]) == ["Partnerskabsmøde 3", "Partnerskabsmøde 4"]


def test_a_partnership_without_enrollments_gives_empty_results_not_errors(reference_con):
    f = Filters("it-2017", MID)
    figures = queries.key_figures(reference_con, f)
    assert (figures.enrolled, figures.attendance_rate, figures.criteria_share) == (0, None, None)
    assert queries.municipality_table(reference_con, f).empty
    assert queries.attendance_cells(reference_con, f).empty
    assert queries.criteria_shares(reference_con, f).empty
    assert queries.enrollment_progress(reference_con, f).empty
    assert queries.municipality_map(reference_con, f)["status"].isna().all()


def test_map_lists_all_98_with_status_only_for_those_in_view(con):
    places = queries.municipality_map(con, Filters("it-2017", MID, region="Nordjylland"))
    assert len(places) == 98
    assert set(places.dropna(subset=["status"])["region"]) <= {"Nordjylland"}


def test_attendance_cells_leave_municipalities_not_taking_part_empty(con):
    cells = queries.attendance_cells(con, Filters("it-2017", date(2019, 12, 31)))
    awaiting = con.execute(
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' AND agreement_on IS NULL"
    ).fetchall()
    for (name,) in awaiting:
        assert cells[cells["municipality"] == name]["attendees"].isna().all()
    assert cells["attendees"].notna().any()


def test_comparison_puts_the_municipality_beside_its_network_and_everyone(con):
    table = queries.municipality_table(con, Filters("kvalitet-2017", date(2019, 8, 31)))
    code = table[table["status"] == "participating"]["code"].iloc[0]
    rows = queries.comparison(
        con, replace(Filters("kvalitet-2017", date(2019, 8, 31)), municipality_code=code)
    )
    assert list(rows["group"]) == ["municipality", "network", "everyone"]
    assert list(rows["network_name"].isna()) == [True, False, True]
    assert rows["attendance_rate"].between(0, 1).all()


def test_queries_return_codes_and_leave_the_danish_words_to_labels():
    source = inspect.getsource(queries)
    words = {
        word.lower()
        for names in (
            labels.ENROLLMENT_STEPS,
            labels.ENROLLMENT_STATUS,
            labels.CRITERION_STATUS,
            labels.MEETING_TYPES,
            labels.MEETING_FORMS,
            labels.GROUP_KINDS,
            labels.COMPARISON_GROUPS,
            {"all": labels.ALL_GROUPS},
        )
        for code, word in names.items()
        if word != code
    }
    strings = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    literals = {text.lower() for sql in strings for text in re.findall(r"'([^']*)'", sql)}
    assert "withdrawn" in literals  # the SQL was read
    assert not literals & words
    assert not re.search("[æøåÆØÅ]", source)
