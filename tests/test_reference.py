"""The reference data that ships with kl_dash, read back from a new database with SQL."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kl_dash.programmes import load_programme_file
from kl_dash.reference import PROGRAMMES_DIR, REGIONS, municipality_rows

from .conftest import SEEDS_DIR


def seed_text(source: str) -> str:
    """A seed file's text with line-break hyphenation undone and whitespace collapsed."""
    text = (SEEDS_DIR / source.removeprefix("seeds/")).read_text(encoding="utf-8")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(text.split())


def test_all_98_municipalities_with_codes_and_regions(reference_con):
    rows = reference_con.execute(
        "SELECT region, count(*) FROM municipalities GROUP BY region"
    ).fetchall()
    assert dict(rows) == {
        "Hovedstaden": 29,
        "Sjælland": 17,
        "Syddanmark": 22,
        "Midtjylland": 19,
        "Nordjylland": 11,
    }
    named = dict(reference_con.execute("SELECT code, name FROM municipalities").fetchall())
    assert len(named) == 98
    assert named["101"] == "København"
    assert named["751"] == "Aarhus"
    assert named["400"] == "Bornholm"
    assert named["169"] == "Høje-Taastrup"
    assert all(re.fullmatch(r"\d{3}", code) for code in named)


# Danmarks Statistik's list of municipality codes (Regioner, landsdele og kommuner,
# v1:2007-, NUTS_V1_2007_DK; the KOMMUNE classification), written out here as the independent
# statement the shipped CSV and the database are checked against: region, then code name.
OFFICIAL_MUNICIPALITIES = {
    "Hovedstaden": """
        101 København, 147 Frederiksberg, 151 Ballerup, 153 Brøndby, 155 Dragør,
        157 Gentofte, 159 Gladsaxe, 161 Glostrup, 163 Herlev, 165 Albertslund, 167 Hvidovre,
        169 Høje-Taastrup, 173 Lyngby-Taarbæk, 175 Rødovre, 183 Ishøj, 185 Tårnby,
        187 Vallensbæk, 190 Furesø, 201 Allerød, 210 Fredensborg, 217 Helsingør,
        219 Hillerød, 223 Hørsholm, 230 Rudersdal, 240 Egedal, 250 Frederikssund,
        260 Halsnæs, 270 Gribskov, 400 Bornholm""",
    "Sjælland": """
        253 Greve, 259 Køge, 265 Roskilde, 269 Solrød, 306 Odsherred, 316 Holbæk, 320 Faxe,
        326 Kalundborg, 329 Ringsted, 330 Slagelse, 336 Stevns, 340 Sorø, 350 Lejre,
        360 Lolland, 370 Næstved, 376 Guldborgsund, 390 Vordingborg""",
    "Syddanmark": """
        410 Middelfart, 420 Assens, 430 Faaborg-Midtfyn, 440 Kerteminde, 450 Nyborg,
        461 Odense, 479 Svendborg, 480 Nordfyns, 482 Langeland, 492 Ærø, 510 Haderslev,
        530 Billund, 540 Sønderborg, 550 Tønder, 561 Esbjerg, 563 Fanø, 573 Varde, 575 Vejen,
        580 Aabenraa, 607 Fredericia, 621 Kolding, 630 Vejle""",
    "Midtjylland": """
        615 Horsens, 657 Herning, 661 Holstebro, 665 Lemvig, 671 Struer, 706 Syddjurs,
        707 Norddjurs, 710 Favrskov, 727 Odder, 730 Randers, 740 Silkeborg, 741 Samsø,
        746 Skanderborg, 751 Aarhus, 756 Ikast-Brande, 760 Ringkøbing-Skjern, 766 Hedensted,
        779 Skive, 791 Viborg""",
    "Nordjylland": """
        773 Morsø, 787 Thisted, 810 Brønderslev, 813 Frederikshavn, 820 Vesthimmerlands,
        825 Læsø, 840 Rebild, 846 Mariagerfjord, 849 Jammerbugt, 851 Aalborg, 860 Hjørring""",
}


def official_triples() -> set[tuple[str, str, str]]:
    """(code, name, region) for each of the 98 municipalities on Danmarks Statistik's list."""
    return {
        (code, name, region)
        for region, listed in OFFICIAL_MUNICIPALITIES.items()
        for code, name in (item.split(maxsplit=1) for item in listed.split(","))
    }


def test_the_official_list_written_here_holds_98_municipalities_with_distinct_codes():
    triples = official_triples()
    assert len(triples) == 98
    assert len({code for code, _, _ in triples}) == len({name for _, name, _ in triples}) == 98


def test_the_shipped_codes_names_and_regions_are_danmarks_statistiks(reference_con):
    shipped = {(r["code"], r["name"], r["region"]) for r in municipality_rows()}
    stored = set(reference_con.execute("SELECT code, name, region FROM municipalities").fetchall())
    assert shipped == official_triples()
    assert stored == official_triples()


def test_gribskov_and_halsnaes_carry_their_own_codes(reference_con):
    named = dict(reference_con.execute("SELECT name, code FROM municipalities").fetchall())
    assert (named["Halsnæs"], named["Gribskov"]) == ("260", "270")
    (alias,) = reference_con.execute(
        "SELECT code FROM municipality_aliases WHERE alias = 'Halsnaes'"
    ).fetchone()
    assert alias == "260"


def test_the_reference_readme_names_the_official_source():
    readme = (PROGRAMMES_DIR.parent / "reference" / "README.md").read_text(encoding="utf-8")
    assert "Danmarks Statistik" in readme and "dst.dk" in readme


def check_list(con, table: str, column: str) -> list[str]:
    """The values a CHECK (column IN (...)) constraint of the real database allows, in order."""
    [expression] = [
        e
        for (e,) in con.execute(
            "SELECT expression FROM duckdb_constraints() WHERE constraint_type = 'CHECK' "
            "AND table_name = ? AND constraint_column_names = [?] AND expression LIKE '% IN (%'",
            [table, column],
        ).fetchall()
    ]
    return [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", expression)]


def test_the_database_allows_exactly_the_five_regions_kl_dash_declares(reference_con):
    assert check_list(reference_con, "municipalities", "region") == list(REGIONS)


def test_the_shipped_municipalities_lie_in_the_declared_regions_and_cover_them_all():
    assert {row["region"] for row in municipality_rows()} == set(REGIONS)


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Københavns Kommune", "København"),
        ("Århus", "Aarhus"),
        ("Høje Taastrup", "Høje-Taastrup"),
        ("Bornholms Regionskommune", "Bornholm"),
    ],
)
def test_name_variants_people_write_point_to_the_municipality(reference_con, alias, name):
    (found,) = reference_con.execute(
        "SELECT m.name FROM municipality_aliases a JOIN municipalities m USING (code) "
        "WHERE a.alias = ?",
        [alias],
    ).fetchone()
    assert found == name


def test_the_three_partnerships_with_case_ids_and_prices(reference_con):
    rows = reference_con.execute(
        "SELECT id, case_id, price_dkk, price_per_year_dkk, start_date, end_date "
        "FROM programmes ORDER BY id"
    ).fetchall()
    assert rows == [
        ("faellesskaber-2021", "SAG-2021-00945", 55000, None, date(2021, 8, 1), date(2022, 3, 31)),
        ("it-2017", "SAG-2016-06580", 130000, 65000, date(2017, 9, 1), date(2019, 12, 31)),
        ("kvalitet-2017", "SAG-2016-06696", 110000, None, date(2017, 9, 1), date(2019, 8, 31)),
    ]


def test_deadlines_and_kickoff_as_the_invitations_give_them(reference_con):
    rows = reference_con.execute(
        "SELECT id, invitation_date, interest_deadline, agreement_deadline, kickoff_date "
        "FROM programmes ORDER BY id"
    ).fetchall()
    assert rows == [
        ("faellesskaber-2021", date(2021, 6, 14), date(2021, 8, 16), None, date(2021, 9, 14)),
        ("it-2017", date(2017, 6, 23), date(2017, 8, 30), date(2017, 9, 30), date(2017, 11, 1)),
        ("kvalitet-2017", date(2017, 4, 7), date(2017, 5, 5), date(2017, 6, 16), date(2017, 9, 20)),
    ]


def test_it_partnership_groups_and_tracks_with_participant_ranges(reference_con):
    rows = reference_con.execute(
        "SELECT name, kind, min_participants, max_participants FROM programme_groups "
        "WHERE programme_id = 'it-2017' ORDER BY sort_order"
    ).fetchall()
    assert rows == [
        ("Politisk styregruppe", "political", 1, 2),
        ("Udviklingsgruppen", "management", 2, 3),
        ("Ledelsesspor", "track", 3, 5),
        ("Medarbejderspor", "track", 3, 5),
        ("Kommunikationsspor (samarbejde med forældre)", "track", 3, 5),
    ]


def test_criteria_fixed_in_the_invitations_are_stored_verbatim(reference_con):
    counts = dict(
        reference_con.execute(
            "SELECT p.id, count(c.criterion_no) FROM programmes p "
            "LEFT JOIN success_criteria c ON c.programme_id = p.id GROUP BY p.id"
        ).fetchall()
    )
    assert counts == {"it-2017": 8, "faellesskaber-2021": 3, "kvalitet-2017": 0}
    for programme_id, text, source in reference_con.execute(
        "SELECT programme_id, text, source FROM success_criteria"
    ).fetchall():
        assert text in seed_text(source), (programme_id, text)


def test_the_four_dated_meetings_of_2021_22_with_their_form(reference_con):
    rows = reference_con.execute(
        "SELECT title, planned_from, planned_to, form FROM meetings "
        "WHERE programme_id = 'faellesskaber-2021' ORDER BY sort_order"
    ).fetchall()
    assert rows == [
        ("Partnerskabsmøde 1", date(2021, 9, 14), date(2021, 9, 14), "physical"),
        ("Partnerskabsmøde 2", date(2021, 11, 25), date(2021, 11, 25), "virtual"),
        ("Partnerskabsmøde 3", date(2022, 1, 13), date(2022, 1, 13), "virtual"),
        ("Partnerskabsmøde 4", date(2022, 3, 15), date(2022, 3, 15), "physical"),
    ]


def test_periods_are_kept_as_written_and_as_date_ranges(reference_con):
    rows = dict(
        (text, (start, end))
        for text, start, end in reference_con.execute(
            "SELECT planned_text, planned_from, planned_to FROM meetings "
            "WHERE programme_id = 'it-2017' AND planned_text IS NOT NULL"
        ).fetchall()
    )
    assert rows["primo 2018"] == (date(2018, 1, 1), date(2018, 4, 30))
    assert rows["medio 2019"] == (date(2019, 5, 1), date(2019, 8, 31))
    assert rows["ultimo 2019"] == (date(2019, 9, 1), date(2019, 12, 31))
    assert rows["1. november 2017"] == (date(2017, 11, 1), date(2017, 11, 1))


def test_it_partnership_meeting_plan_is_complete(reference_con):
    per_group = dict(
        reference_con.execute(
            "SELECT group_id, count(*) FROM meetings WHERE programme_id = 'it-2017' "
            "GROUP BY group_id"
        ).fetchall()
    )
    assert per_group == {
        "styregruppe": 3,
        "udviklingsgruppe": 5,
        "ledelsesspor": 5,
        "medarbejderspor": 5,
        "kommunikationsspor": 5,
    }


def test_every_reference_fact_names_an_existing_seed_file(reference_con):
    sources = set()
    for table in ("programme_groups", "focus_areas", "meetings", "success_criteria"):
        sources |= {
            s for (s,) in reference_con.execute(f"SELECT DISTINCT source FROM {table}").fetchall()
        }
    for (listed,) in reference_con.execute("SELECT sources FROM programmes").fetchall():
        sources |= set(listed.split("; "))
    assert sources, "no sources recorded"
    for source in sources:
        assert (SEEDS_DIR / source.removeprefix("seeds/")).is_file(), source


def test_programme_files_name_their_seeds_in_the_file_itself():
    for path in sorted(PROGRAMMES_DIR.glob("*.toml")):
        programme = load_programme_file(path)
        assert programme.sources and all(s.startswith("seeds/") for s in programme.sources)
