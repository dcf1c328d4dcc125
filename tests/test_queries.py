"""The figures the pages show, checked against plain SQL written independently here."""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

from kl_dash import labels, queries
from kl_dash.filters import Filters

MID = date(2018, 6, 1)


def _table(con, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def independent_municipalities(
    con: duckdb.DuckDBPyConnection,
    programme: str,
    day: date,
    region: str | None = None,
    network: str | None = None,
) -> pd.DataFrame:
    """Per municipality shown on the day: status and its own counts, from the raw tables."""
    (requires_agreement,) = con.execute(
        "SELECT requires_agreement FROM programmes WHERE id = ?", [programme]
    ).fetchone()
    e = _table(
        con,
        "SELECT e.*, m.name, m.region FROM enrollments e "
        "JOIN municipalities m ON m.code = e.municipality_code WHERE e.programme_id = ?",
        [programme],
    )
    e = e[e["interest_on"].dt.date <= day]
    if region:
        e = e[e["region"] == region]
    if network:
        e = e[e["network_id"] == network]

    def status(row) -> str:
        if pd.notna(row.withdrawn_on) and row.withdrawn_on.date() <= day:
            return "withdrawn"
        if not requires_agreement or (
            pd.notna(row.agreement_on) and row.agreement_on.date() <= day
        ):
            return "participating"
        return "awaiting_agreement"

    e = e.assign(status=[status(r) for r in e.itertuples()])
    held = held_meetings(con, programme, day, e)
    people = _table(con, "SELECT * FROM participants WHERE programme_id = ?", [programme])
    came = _table(con, "SELECT * FROM attendance WHERE programme_id = ?", [programme])
    assessed = _table(
        con,
        "SELECT * FROM criterion_status WHERE programme_id = ? AND assessed_on <= ?",
        [programme, day],
    )
    latest = (
        assessed.sort_values("assessed_on")
        .groupby(["municipality_code", "criterion_no"], as_index=False)
        .last()
    )

    rows = []
    for m in e.itertuples():
        joined = m.agreement_on if requires_agreement else m.interest_on
        expected = attended = 0
        for h in held.itertuples():
            if pd.isna(joined) or joined > h.held_on:
                continue  # not taking part yet
            if pd.notna(m.withdrawn_on) and m.withdrawn_on <= h.held_on:
                continue  # left before
            if pd.notna(h.network_id) and h.network_id != m.network_id:
                continue  # another network's meeting
            sent = people[
                (people["municipality_code"] == m.municipality_code)
                & (people["group_id"] == h.group_id)
            ]["participants"]
            if len(sent) and sent.iloc[0] == 0:
                continue  # a group it signed no one up for
            expected += 1
            there = came[
                (came["meeting_id"] == h.meeting_id)
                & (came["municipality_code"] == m.municipality_code)
            ]["attendees"]
            attended += int(len(there) > 0 and there.iloc[0] > 0)
        own = latest[latest["municipality_code"] == m.municipality_code]
        rows.append(
            {
                "code": m.municipality_code,
                "name": m.name,
                "network_id": m.network_id,
                "status": m.status,
                "meetings_attended": attended,
                "meetings_expected": expected,
                "criteria_reached": int((own["status"] == "achieved").sum()),
                "criteria_assessed": len(own),
                "participants": int(
                    people[people["municipality_code"] == m.municipality_code]["participants"].sum()
                ),
            }
        )
    columns = ["code", "name", "network_id", "status", "meetings_attended", "meetings_expected"]
    columns += ["criteria_reached", "criteria_assessed", "participants"]
    return pd.DataFrame(rows, columns=columns)


def planned_meetings(con, programme: str, enrolled: pd.DataFrame | None) -> pd.DataFrame:
    """The plan's meetings meant for someone shown (all of them when nothing is filtered)."""
    plan = _table(con, "SELECT * FROM meetings WHERE programme_id = ?", [programme])
    if enrolled is None:
        return plan
    return plan[plan["network_id"].isna() | plan["network_id"].isin(enrolled["network_id"])]


def held_meetings(con, programme: str, day: date, enrolled: pd.DataFrame | None = None):
    """The meetings held by the day that are meant for someone shown."""
    plan = planned_meetings(con, programme, enrolled)
    return plan[plan["held_on"].notna() & (plan["held_on"].dt.date <= day)]


def independent_figures(
    con, programme: str, day: date, region: str | None = None, network: str | None = None
) -> dict:
    """Every key figure of the partnership on the day, from the raw tables."""
    rows = independent_municipalities(con, programme, day, region, network)
    filtered = rows if (region or network) else None
    counted = rows[rows["status"] == "participating"]
    return dict(
        enrolled=int((rows["status"] != "withdrawn").sum()),
        with_agreement=int(
            con.execute(
                "SELECT count(*) FROM enrollments WHERE programme_id = ? AND agreement_on <= ? "
                "AND (withdrawn_on IS NULL OR withdrawn_on > ?) AND interest_on <= ? "
                "AND municipality_code IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                [programme, day, day, day, list(rows["code"])],
            ).fetchone()[0]
        ),
        withdrawn=int((rows["status"] == "withdrawn").sum()),
        participants=int(counted["participants"].sum()),
        meetings_held=len(held_meetings(con, programme, day, filtered)),
        meetings_planned=len(planned_meetings(con, programme, filtered)),
        meetings_attended=int(counted["meetings_attended"].sum()),
        meetings_expected=int(counted["meetings_expected"].sum()),
        criteria_reached=int(counted["criteria_reached"].sum()),
        criteria_assessed=int(counted["criteria_assessed"].sum()),
    )


@pytest.mark.parametrize("programme", ["it-2017", "kvalitet-2017", "faellesskaber-2021"])
@pytest.mark.parametrize("day", [date(2017, 10, 1), MID, date(2019, 3, 1), date(2022, 2, 1)])
def test_key_figures_match_the_raw_tables_on_any_status_date(con, programme, day):
    figures = queries.key_figures(con, Filters(programme, day))
    expected = independent_figures(con, programme, day)
    assert {k: getattr(figures, k) for k in expected} == expected


def test_key_figures_for_one_region(con):
    figures = queries.key_figures(con, Filters("it-2017", MID, region="Hovedstaden"))
    expected = independent_figures(con, "it-2017", MID, region="Hovedstaden")
    assert {k: getattr(figures, k) for k in expected} == expected


@pytest.mark.parametrize("programme", ["it-2017", "kvalitet-2017"])
def test_key_figures_for_one_network_count_its_own_meetings_and_those_for_all(con, programme):
    figures = queries.key_figures(con, Filters(programme, MID, network_id="syd"))
    expected = independent_figures(con, programme, MID, network="syd")
    assert {k: getattr(figures, k) for k in expected} == expected
    everything = queries.key_figures(con, Filters(programme, MID))
    assert 0 < figures.meetings_held < everything.meetings_held


def test_a_later_status_date_never_shows_fewer_meetings_held(con):
    held = [
        queries.key_figures(con, Filters("it-2017", day)).meetings_held
        for day in (date(2017, 9, 1), MID, date(2019, 12, 31))
    ]
    (planned,) = con.execute(
        "SELECT count(*) FROM meetings WHERE programme_id = 'it-2017'"
    ).fetchone()
    assert held[0] < held[1] < held[2] == planned


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
    visits = [f"ls-{n}-{network}" for n in (2, 4) for network in ("nord-midt", "oest", "syd")]
    assert set(plan["group_name"]) == {"Ledelsesspor"}
    assert set(plan["meeting_id"]) == {"ls-1", "ls-3", "ls-5", *visits}


def test_next_meetings_are_those_not_yet_held(con):
    plan = queries.meeting_plan(con, Filters("faellesskaber-2021", date(2021, 12, 1)))
    coming = queries.next_meetings(plan)
    assert list(coming["title"]) == ["Partnerskabsmøde 3", "Partnerskabsmøde 4"]


@pytest.mark.parametrize("programme", ["it-2017", "kvalitet-2017", "faellesskaber-2021"])
def test_next_meetings_are_the_plans_coming_meetings_as_a_query_of_them_gives_them(con, programme):
    """Same rows, order and dtypes as plain SQL on the meetings table, on any status date."""
    first, last = con.execute(
        "SELECT invitation_date, end_date FROM programmes WHERE id = ?", [programme]
    ).fetchone()
    for day in pd.date_range(first, last, periods=15).date:
        expected = _table(
            con,
            """
            SELECT m.meeting_id, m.title, m.meeting_type, g.name AS group_name,
                   n.name AS network_name, m.planned_text, m.planned_from, m.form
            FROM meetings m
            LEFT JOIN programme_groups g USING (programme_id, group_id)
            LEFT JOIN networks n USING (programme_id, network_id)
            WHERE m.programme_id = ? AND (m.held_on IS NULL OR m.held_on > ?)
              AND (m.planned_to IS NULL OR m.planned_to >= ?)
            ORDER BY m.planned_from NULLS LAST, m.sort_order
            LIMIT 5
            """,
            [programme, day, day],
        )
        plan = queries.meeting_plan(con, Filters(programme, day))
        pd.testing.assert_frame_equal(queries.next_meetings(plan), expected, obj=str(day))


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


def test_a_query_names_the_scope_steps_it_reads_and_those_they_read():
    def steps(text: str) -> list[str]:
        return re.findall(r"^([a-z_]+) AS \(", text, flags=re.MULTILINE)

    assert queries.scope(*steps(queries.SCOPE)).strip() == queries.SCOPE.strip().rstrip(",")
    assert steps(queries.scope("in_view")) == ["programme", "scope", "in_view"]
    assert steps(queries.scope("held_in_view")) == [
        "programme",
        "scope",
        "meetings_in_view",
        "held_in_view",
    ]
    assert queries.scope("programme", "scope") in queries.ENROLLMENT_PROGRESS_SQL
    assert "meetings_in_view" not in queries.MAP_SQL


def test_comparison_puts_the_municipality_beside_its_network_and_everyone(con):
    table = queries.municipality_table(con, Filters("kvalitet-2017", date(2019, 8, 31)))
    code = table[table["status"] == "participating"]["code"].iloc[0]
    rows = queries.comparison(
        con, replace(Filters("kvalitet-2017", date(2019, 8, 31)), municipality_code=code)
    )
    assert list(rows["group"]) == ["municipality", "network", "everyone"]
    assert list(rows["network_name"].isna()) == [True, False, True]
    assert rows["attendance_rate"].between(0, 1).all()
    everyone = queries.key_figures(con, Filters("kvalitet-2017", date(2019, 8, 31)))
    assert rows["attendance_rate"].iloc[2] == everyone.attendance_rate
    assert rows["criteria_share"].iloc[2] == everyone.criteria_share


@pytest.mark.parametrize(
    "extra",
    [{}, {"group_id": "styregruppe"}, {"status": "withdrawn"}, {"region": "Syddanmark"}],
)
def test_a_profile_holds_the_kommuner_row_of_its_municipality_or_nothing_when_left_out(con, extra):
    view = Filters("it-2017", date(2019, 6, 1), **extra)
    table = queries.municipality_table(con, view)
    shown = set(table["code"])
    everyone = queries.municipality_table(con, Filters("it-2017", date(2019, 6, 1)))
    for code in everyone["code"]:
        chosen = replace(view, municipality_code=code)
        profile = queries.municipality_profile(con, chosen)
        if code in shown:  # the Kommuner table's row of it, as the table read it alone
            pd.testing.assert_frame_equal(
                profile.table, queries.municipality_table(con, chosen), obj=f"{code} {extra}"
            )
            assert list(profile.table["code"]) == [code] and profile.comparison is not None
        else:  # the filters leave it out: no row, comparison or attendance of it
            assert profile.table.empty and profile.comparison is None
            assert profile.attendance.empty
    assert shown  # every filter above keeps someone


# --- meetings per network ---------------------------------------------------------------------


def test_the_plan_holds_each_networks_own_theme_days_and_visits(con, reference_con):
    sql = (
        "SELECT network_id, meeting_type, count(*) FROM meetings "
        "WHERE programme_id = 'kvalitet-2017' AND meeting_type <> 'seminar' GROUP BY ALL"
    )
    networks = ("nord-midt", "oest", "syd")
    assert sorted(con.execute(sql).fetchall()) == sorted(
        [(n, "municipality_visit", 1) for n in networks] + [(n, "theme_day", 5) for n in networks]
    )
    # Without networks (the seeds name none) each is one meeting, to be split per network.
    assert sorted(reference_con.execute(sql).fetchall()) == [
        (None, "municipality_visit", 1),
        (None, "theme_day", 5),
    ]
    assert reference_con.execute(
        "SELECT bool_and(each_network) FROM meetings WHERE programme_id = 'kvalitet-2017' "
        "AND meeting_type <> 'seminar'"
    ).fetchone() == (True,)


def upload(con, kind: str, lines: list[str]) -> None:
    """Store a consultant's file through the real importer."""
    from kl_dash import importer

    data = "\r\n".join(lines).encode("utf-8")
    prepared = importer.prepare(con, kind, data, f"{kind}.csv")
    assert prepared.ok, [e.message() for e in prepared.errors]
    importer.store(con, kind, data, f"{kind}.csv", "konsulent")


def by_network(con, programme: str, day: date) -> dict[str, tuple]:
    """Each network's key figures, and each municipality's attendance, on the day."""
    table = queries.municipality_table(con, Filters(programme, day))
    networks = [n for (n,) in con.execute(
        "SELECT network_id FROM networks WHERE programme_id = ?", [programme]
    ).fetchall()]  # fmt: skip
    figures = {n: queries.key_figures(con, Filters(programme, day, network_id=n)) for n in networks}
    rows = {
        r.code: tuple(
            None if pd.isna(v) else v
            for v in (r.attendance_rate, r.meetings_attended, r.meetings_expected)
        )
        for r in table.itertuples()
    }
    return figures | rows


def test_a_theme_day_held_by_one_network_leaves_the_other_networks_figures_unchanged(con):
    day = date(2019, 8, 31)
    before = by_network(con, "kvalitet-2017", day)
    south = con.execute(
        "SELECT m.name FROM enrollment_status e JOIN municipalities m ON m.code = "
        "e.municipality_code WHERE programme_id = 'kvalitet-2017' AND network_id = 'syd' "
        "AND status = 'participating' ORDER BY 1"
    ).fetchall()
    upload(
        con,
        "moeder",
        [
            "partnerskab;moede_id;titel;type;gruppe;netvaerk;planlagt;afholdt",
            "kvalitet-2017;tm-ekstra-syd;Ekstra heldagstemamøde;temadag;Kommunalt netværk;"
            "Netværk Syd;juni 2019;12-06-2019",
        ],
    )
    upload(
        con,
        "fremmoede",
        ["partnerskab;moede_id;kommune;antal"]
        + [f"kvalitet-2017;tm-ekstra-syd;{name};2" for (name,) in south],
    )
    after = by_network(con, "kvalitet-2017", day)
    changed = {key for key in before if before[key] != after[key]}
    south_codes = {code for (code,) in con.execute(
        "SELECT municipality_code FROM enrollments WHERE programme_id = 'kvalitet-2017' "
        "AND network_id = 'syd' AND agreement_on <= '2019-06-12' "
        "AND (withdrawn_on IS NULL OR withdrawn_on > '2019-06-12')"
    ).fetchall()}  # fmt: skip
    assert changed == {"syd"} | south_codes
    assert after["syd"].meetings_held == before["syd"].meetings_held + 1
    everyone = queries.key_figures(con, Filters("kvalitet-2017", day))
    assert everyone.meetings_expected == sum(
        after[n].meetings_expected for n in ("nord-midt", "oest", "syd")
    )


def test_a_municipality_is_not_expected_at_a_group_it_signed_no_one_up_for(con):
    day = date(2019, 12, 31)
    code, group = con.execute(
        "SELECT municipality_code, group_id FROM participants p JOIN enrollment_status e "
        "USING (programme_id, municipality_code) WHERE programme_id = 'it-2017' "
        "AND e.status = 'participating' AND participants > 0 ORDER BY 1, 2 LIMIT 1"
    ).fetchone()
    before = queries.municipality_table(con, Filters("it-2017", day)).set_index("code")
    (held,) = con.execute(
        "SELECT count(*) FROM meetings m JOIN enrollments e ON e.programme_id = m.programme_id "
        "AND e.municipality_code = ? WHERE m.programme_id = 'it-2017' AND m.group_id = ? "
        "AND m.held_on >= e.agreement_on AND coalesce(m.network_id, e.network_id) = e.network_id",
        [code, group],
    ).fetchone()
    con.execute(
        "UPDATE participants SET participants = 0 WHERE programme_id = 'it-2017' "
        "AND municipality_code = ? AND group_id = ?",
        [code, group],
    )
    after = queries.municipality_table(con, Filters("it-2017", day)).set_index("code")
    assert held > 0
    assert after.loc[code, "meetings_expected"] == before.loc[code, "meetings_expected"] - held


# --- overdue meetings -------------------------------------------------------------------------


def test_a_meeting_whose_date_has_passed_unregistered_is_overdue_not_next(reference_con):
    day = date(2021, 12, 1)  # after Partnerskabsmøde 1 (14 Sep) and 2 (25 Nov), none registered
    f = Filters("faellesskaber-2021", day)
    plan = queries.meeting_plan(reference_con, f).set_index("meeting_id")
    assert dict(plan["status"]) == {
        "pm-1": "overdue",
        "pm-2": "overdue",
        "pm-3": "planned",
        "pm-4": "planned",
    }
    coming = queries.next_meetings(queries.meeting_plan(reference_con, f))
    assert list(coming["meeting_id"]) == ["pm-3", "pm-4"]
    assert set(plan["status"]) <= set(labels.MEETING_STATUS)


def test_a_meeting_within_its_planned_period_is_still_coming(reference_con):
    f = Filters("it-2017", date(2018, 2, 1))  # "primo 2018" runs until April
    plan = queries.meeting_plan(reference_con, f).set_index("meeting_id")
    assert plan.loc["ps-1", "status"] == "planned" and plan.loc["ug-1", "status"] == "overdue"
    coming = queries.next_meetings(queries.meeting_plan(reference_con, f), limit=50)
    assert "ps-1" in set(coming["meeting_id"])


def test_a_held_meeting_is_held_and_not_next(con):
    f = Filters("faellesskaber-2021", date(2021, 12, 1))
    plan = queries.meeting_plan(con, f).set_index("meeting_id")
    assert list(plan["status"]) == ["held", "held", "planned", "planned"]


# --- withdrawn municipalities -----------------------------------------------------------------


@pytest.mark.parametrize("programme", ["it-2017", "kvalitet-2017", "faellesskaber-2021"])
def test_withdrawn_municipalities_keep_their_own_counts_but_are_left_out_of_the_figures(
    con, programme
):
    day = date(2022, 2, 1) if programme == "faellesskaber-2021" else date(2019, 6, 1)
    f = Filters(programme, day)
    table = queries.municipality_table(con, f)
    withdrawn = table[table["status"] == "withdrawn"]
    assert len(withdrawn) and not withdrawn["counted"].any()
    assert withdrawn["meetings_expected"].notna().any()
    counted = table[table["counted"]]
    figures = queries.key_figures(con, f)
    assert figures.meetings_attended == counted["meetings_attended"].sum()
    assert figures.meetings_expected == counted["meetings_expected"].sum()
    assert figures.criteria_reached == counted["criteria_reached"].sum()
    assert figures.criteria_assessed == counted["criteria_assessed"].sum()
    cells = queries.criteria_cells(con, f)
    marked = set(cells[cells["enrollment_status"] == "withdrawn"]["municipality"])
    assert marked == set(withdrawn["name"])
    assert not cells[cells["municipality"].isin(marked)]["counted"].any()


@pytest.mark.parametrize("programme", ["it-2017", "kvalitet-2017", "faellesskaber-2021"])
def test_criteria_status_holds_the_latest_assessments_and_the_shares_of_criteria_shares(
    con, programme
):
    latest = {  # (municipality name, criterion) -> its statuses by date, from the raw table
        (name, no): statuses
        for name, no, statuses in con.execute(
            "SELECT m.name, cs.criterion_no, list((cs.assessed_on, cs.status)) "
            "FROM criterion_status cs JOIN municipalities m ON m.code = cs.municipality_code "
            "WHERE cs.programme_id = ? GROUP BY ALL",
            [programme],
        ).fetchall()
    }
    for day in [date(2017, 10, 1), MID, date(2019, 3, 1), date(2022, 2, 1), date(2024, 1, 1)]:
        for f in [
            Filters(programme, day),
            Filters(programme, day, status="withdrawn"),
            Filters(programme, day, region="Syddanmark"),
        ]:
            status = queries.criteria_status(con, f)
            pd.testing.assert_frame_equal(status.shares, queries.criteria_shares(con, f))
            for name, no, found in status.cells[["municipality", "criterion_no", "status"]].values:
                by_day = [s for d, s in sorted(latest.get((name, no), [])) if d <= day]
                assert (found if isinstance(found, str) else None) == (
                    by_day[-1] if by_day else None
                )


@pytest.mark.parametrize(
    "programme, day",
    [
        ("it-2017", date(2017, 7, 29)),
        ("kvalitet-2017", MID),
        ("faellesskaber-2021", date(2022, 2, 1)),
    ],
)
def test_attendance_names_everyone_in_view_and_participants_are_theirs(con, programme, day):
    for f in [
        Filters(programme, day),
        Filters(programme, day, status="awaiting_agreement"),
        Filters(programme, day, region="Midtjylland"),
    ]:
        table = queries.municipality_table(con, f)
        attendance = queries.attendance(con, f)
        assert attendance.codes == set(table["code"])
        assert set(attendance.cells["municipality"]) <= set(table["name"])
        people = queries.participants(con, f)
        signed_up = con.execute(
            "SELECT municipality_code, group_id, participants FROM participants "
            "WHERE programme_id = ? ORDER BY ALL",
            [programme],
        ).fetchall()
        assert sorted(
            people[["code", "group_id", "participants"]].itertuples(index=False, name=None)
        ) == [row for row in signed_up if row[0] in attendance.codes]
    before = queries.attendance(con, Filters("it-2017", date(2017, 7, 29)))
    assert before.cells.empty and before.codes  # no meeting held yet, people in view


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
            labels.MEETING_STATUS,
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
