"""Each key figure, computed here from the raw tables, is what every page and download shows.

The figures are computed in pandas straight from the tables, with the meaning
kl_dash/key_figures.py gives them (withdrawn municipalities out of every rate and total), and
compared with the Overblik cards, the Kommuner table and profile, the Møder plan and the
Succeskriterier tables of the real app (AppTest on a copy of the example database, a DuckDB
file and PostgreSQL in turn), for all three partnerships.
"""

from __future__ import annotations

from datetime import date

import pytest

from kl_dash import db, presenting, queries
from kl_dash.filters import Filters
from kl_dash.formatting import format_number, format_share

from .test_pages import metrics, open_app
from .test_queries import independent_figures, independent_municipalities, upload

# A status date in each partnership's run, after someone has withdrawn.
DAYS = {
    "it-2017": date(2019, 6, 1),
    "kvalitet-2017": date(2019, 3, 1),
    "faellesskaber-2021": date(2022, 2, 1),
}


def _share(part: int, whole: int) -> str:
    return format_share(part / whole) if whole else "–"


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_the_figures_have_withdrawn_municipalities_to_leave_out(db_path, programme):
    with db.connect(db_path) as con:
        rows = independent_municipalities(con, programme, DAYS[programme])
    withdrawn = rows[rows["status"] == "withdrawn"]
    assert len(withdrawn) and withdrawn["criteria_assessed"].sum() > 0
    assert withdrawn["meetings_expected"].sum() > 0


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_overblik_cards_show_each_key_figure(monkeypatch, database, programme):
    day = DAYS[programme]
    with db.connect(database) as con:
        f = independent_figures(con, programme, day)
    at = open_app(monkeypatch, database, partnerskab=programme, dato=day.isoformat())
    shown = metrics(at)
    assert shown["Kommuner"] == format_number(f["enrolled"])
    assert shown["Udtrådt"] == format_number(f["withdrawn"])
    assert shown["Deltagere"] == format_number(f["participants"])
    assert shown["Møder afholdt"] == f"{f['meetings_held']} af {f['meetings_planned']}"
    assert shown["Fremmøde"] == _share(f["meetings_attended"], f["meetings_expected"])
    assert shown["Kriterier opnået"] == _share(f["criteria_reached"], f["criteria_assessed"])
    if programme != "faellesskaber-2021":
        assert shown["Politisk aftale"] == format_number(f["with_agreement"])


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_kommuner_table_rows_add_up_to_the_key_figures(monkeypatch, database, programme):
    day = DAYS[programme]
    with db.connect(database) as con:
        f = independent_figures(con, programme, day)
        rows = independent_municipalities(con, programme, day).set_index("name")
        groups = [g for (g,) in con.execute(
            "SELECT name FROM programme_groups WHERE programme_id = ?", [programme]
        ).fetchall()]  # fmt: skip
    at = open_app(
        monkeypatch, database, "pages/kommuner.py", partnerskab=programme, dato=day.isoformat()
    )
    table = at.dataframe[0].value.set_index("Kommune")
    assert sorted(table.index) == sorted(rows.index)
    withdrawn = table["Status"] == "Udtrådt"
    assert (~withdrawn).sum() == f["enrolled"] and withdrawn.sum() == f["withdrawn"]
    for name, row in rows.iterrows():
        shown = table.loc[name]
        expected = row["meetings_expected"]
        assert shown["Møder deltaget"] == (
            f"{row['meetings_attended']} af {expected}" if expected else ""
        ), name
        assert shown["Fremmøde"] == _share(row["meetings_attended"], expected), name
        assert shown["Succeskriterier opnået"].split(" af ")[0] == str(row["criteria_reached"])
    counted = table[table["Status"] == "Deltager"]
    attended = [s.split(" af ") for s in counted["Møder deltaget"] if s]
    assert sum(int(a) for a, _ in attended) == f["meetings_attended"]
    assert sum(int(e) for _, e in attended) == f["meetings_expected"]
    reached = [int(s.split(" af ")[0]) for s in counted["Succeskriterier opnået"] if s != "–"]
    assert sum(reached) == f["criteria_reached"]
    assert int(counted[[g for g in groups if g in counted]].sum().sum()) == f["participants"]


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_the_profile_compares_with_the_same_figures_as_overblik(monkeypatch, database, programme):
    day = DAYS[programme]
    with db.connect(database) as con:
        f = independent_figures(con, programme, day)
        rows = independent_municipalities(con, programme, day)
    own = rows[rows["status"] == "participating"].iloc[0]
    network = rows[(rows["network_id"] == own["network_id"]) & (rows["status"] == "participating")]
    at = open_app(
        monkeypatch,
        database,
        "pages/kommuner.py",
        partnerskab=programme,
        dato=day.isoformat(),
        kommune=own["name"],
    )
    compared = next(d.value for d in at.dataframe if "Alle deltagere" in d.value)
    compared = compared.set_index("").T  # columns: Fremmøde, Succeskriterier opnået
    everyone = compared.loc["Alle deltagere"]
    assert everyone["Fremmøde"] == _share(f["meetings_attended"], f["meetings_expected"])
    assert everyone["Succeskriterier opnået"] == _share(
        f["criteria_reached"], f["criteria_assessed"]
    )
    [network_row] = [name for name in compared.index if name.startswith("Netværk ")]
    assert compared.loc[network_row, "Fremmøde"] == _share(
        network["meetings_attended"].sum(), network["meetings_expected"].sum()
    )
    assert compared.loc[own["name"], "Succeskriterier opnået"] == _share(
        own["criteria_reached"], own["criteria_assessed"]
    )
    assert metrics(at)["Fremmøde"] == _share(own["meetings_attended"], own["meetings_expected"])


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_succeskriterier_per_criterion_adds_up_to_the_key_figure(monkeypatch, database, programme):
    day = DAYS[programme]
    with db.connect(database) as con:
        f = independent_figures(con, programme, day)
    at = open_app(
        monkeypatch,
        database,
        "pages/succeskriterier.py",
        partnerskab=programme,
        dato=day.isoformat(),
    )
    shares = next(d.value for d in at.dataframe if "Vurderede kommuner" in d.value)
    assert shares["Opnået"].sum() == f["criteria_reached"]
    assert shares["Vurderede kommuner"].sum() == f["criteria_assessed"]
    for row in shares.itertuples():
        assert row[4] == _share(row.Opnået, row[3])


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_the_meeting_plan_holds_the_meetings_held_and_planned(monkeypatch, database, programme):
    day = DAYS[programme]
    with db.connect(database) as con:
        f = independent_figures(con, programme, day)
    at = open_app(
        monkeypatch, database, "pages/moeder.py", partnerskab=programme, dato=day.isoformat()
    )
    plan = next(d.value for d in at.dataframe if "Afholdt" in d.value)
    assert len(plan) == f["meetings_planned"]
    assert plan["Afholdt"].str.match(r"\d").sum() == f["meetings_held"]


@pytest.mark.parametrize("programme", sorted(DAYS))
def test_the_criteria_over_time_download_ends_at_the_key_figure(database, programme):
    day = DAYS[programme]
    with db.connect(database) as con:
        f = independent_figures(con, programme, day)
        shares = queries.criteria_shares(con, Filters(programme, day))
    table = presenting.shares_table(shares)
    last = table.iloc[-1]
    assert (last["Opnået"], last["Vurderet"]) == (f["criteria_reached"], f["criteria_assessed"])
    assert last["Andel opnået"] == _share(f["criteria_reached"], f["criteria_assessed"])


def test_a_theme_day_of_one_network_leaves_the_other_networks_overblik_as_it_was(
    monkeypatch, database
):
    day = "2019-08-31"
    before = {
        n: metrics(
            open_app(monkeypatch, database, partnerskab="kvalitet-2017", dato=day, netvaerk=n)
        )
        for n in ("nord-midt", "oest", "syd")
    }
    with db.connect(database) as con:
        south = con.execute(
            "SELECT m.name FROM enrollment_status e JOIN municipalities m ON m.code = "
            "e.municipality_code WHERE programme_id = 'kvalitet-2017' AND network_id = 'syd' "
            "AND status = 'participating'"
        ).fetchall()
        upload(
            con,
            "moeder",
            [
                "partnerskab;moede_id;titel;type;gruppe;netvaerk;afholdt",
                "kvalitet-2017;tm-ekstra-syd;Ekstra temadag;temadag;netvaerk;syd;12-06-2019",
            ],
        )
        upload(
            con,
            "fremmoede",
            ["partnerskab;moede_id;kommune;antal"]
            + [f"kvalitet-2017;tm-ekstra-syd;{name};1" for (name,) in south],
        )
    after = {
        n: metrics(
            open_app(monkeypatch, database, partnerskab="kvalitet-2017", dato=day, netvaerk=n)
        )
        for n in ("nord-midt", "oest", "syd")
    }
    for network in ("nord-midt", "oest"):
        assert after[network] == before[network], network
    held = [int(m["Møder afholdt"].split(" af ")[0]) for m in (before["syd"], after["syd"])]
    assert held[1] == held[0] + 1


def test_overblik_lists_an_unregistered_past_meeting_as_such_not_as_next(
    monkeypatch, reference_database
):
    at = open_app(
        monkeypatch, reference_database, partnerskab="faellesskaber-2021", dato="2021-12-01"
    )
    assert not at.exception, [e.message for e in at.exception]
    coming = next(d.value for d in at.dataframe if "Planlagt" in d.value and "Møde" in d.value)
    assert list(coming["Møde"]) == ["Partnerskabsmøde 3", "Partnerskabsmøde 4"]
    assert any("2 møder er ikke registreret" in w.value for w in at.warning)
    at.switch_page("pages/moeder.py").run()
    plan = next(d.value for d in at.dataframe if "Afholdt" in d.value).set_index("Møde")
    assert list(plan["Afholdt"]) == ["ikke registreret", "ikke registreret", "", ""]
