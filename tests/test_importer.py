"""Consultant uploads: read, check, preview, store in one transaction, log, undo and export.

Every test runs the real importer against a real DuckDB file (a copy of the example
database unless it says otherwise) and checks what is stored with SQL. The upload files in
tests/fixtures/ are written by tests/fixtures/make_fixtures.py.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kl_dash import bootstrap, db, downloads, importer, upload_log
from kl_dash.cli import main
from kl_dash.errors import DataError, InvalidInput, KlDashError
from kl_dash.undo import undo

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOG_TABLES = ("uploads", "upload_changes", "data_version")  # history: never put back


# --- helpers ---------------------------------------------------------------------------------


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def csv_file(*lines: str, sep: str = ";", encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel writes it (CRLF), from lines written with ';' as separator."""
    return "".join(line.replace(";", sep) + "\r\n" for line in lines).encode(encoding)


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    """An .xlsx file with the named sheets, in order."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table of the database (the temporary upload tables are not in main)."""
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    ]


def snapshot(con: duckdb.DuckDBPyConnection, *, log: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table (without the upload log unless ``log``), in a fixed order."""
    return {
        table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        for table in tables(con)
        if log or table not in LOG_TABLES
    }


def count(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    # fetchall, not fetchone: an unfetched result makes DuckDB refuse con.register, which
    # read_xlsx uses (see test_workbook_is_read_after_a_query_left_its_result_unfetched).
    return con.execute(sql, params or []).fetchall()[0][0]


def one_error(prepared: importer.Prepared) -> DataError:
    assert len(prepared.errors) == 1, [e.message() for e in prepared.errors]
    return prepared.errors[0]


def assert_error(
    error: DataError, row: int | None, column: str | None, value: object, expected: str
) -> None:
    """The error names the row as Excel numbers it, the column, the value and what is wanted."""
    assert (error.row, error.column, error.value) == (row, column, value), error
    assert expected in error.expected, error.expected
    assert error.message().startswith(error.file)


def enrolled(con: duckdb.DuckDBPyConnection, programme: str, code: str) -> bool:
    return bool(
        count(
            con,
            "SELECT count(*) FROM enrollments WHERE programme_id = ? AND municipality_code = ?",
            [programme, code],
        )
    )


# --- realistic files -------------------------------------------------------------------------


def test_semicolon_csv_in_windows_1252_with_danish_dates_and_name_variants_is_stored(con):
    codes = ["101", "580", "169", "400", "751", "461"]
    assert not any(enrolled(con, "faellesskaber-2021", c) for c in codes)
    data = fixture("tilmeldinger_windows1252_semikolon.csv")

    prepared = importer.prepare(con, "tilmeldinger", data, "tilmeldinger.csv")

    assert (prepared.raw.encoding, prepared.raw.separator) == ("Windows-1252", "semikolon")
    assert prepared.ok and prepared.warnings == []
    assert prepared.counts == {"new": 6, "changed": 0, "unchanged": 0}
    stored = importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "konsulent")
    rows = con.execute(
        "SELECT municipality_code, interest_on, agreement_on, withdrawn_on, network_id, source "
        "FROM enrollments WHERE programme_id = 'faellesskaber-2021' AND source LIKE 'upload:%' "
        "ORDER BY interest_on, municipality_code"
    ).fetchall()
    source = f"upload:{stored.upload_id}"
    assert rows == [
        ("461", date(2021, 6, 22), None, None, "syd", source),
        ("101", date(2021, 6, 23), date(2021, 9, 30), None, "oest", source),
        ("751", date(2021, 6, 23), date(2021, 10, 7), date(2022, 3, 15), "nord-midt", source),
        ("580", date(2021, 6, 24), date(2021, 10, 1), None, "syd", source),
        ("169", date(2021, 6, 25), None, None, "oest", source),
        ("400", date(2021, 6, 28), date(2021, 10, 5), None, "oest", source),
    ]


def test_utf8_csv_with_bom_commas_and_columns_in_another_order_is_stored(con):
    assert not enrolled(con, "it-2017", "101") and not enrolled(con, "kvalitet-2017", "101")
    assert not enrolled(con, "it-2017", "169")
    data = fixture("tilmeldinger_utf8_bom_komma.csv")

    prepared = importer.prepare(con, "tilmeldinger", data, "tilmeldinger.csv")
    importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "konsulent")

    assert (prepared.raw.encoding, prepared.raw.separator) == ("UTF-8 med BOM", "komma")
    assert prepared.raw.headers[0] == "kommune"
    assert prepared.ok and prepared.warnings == []
    assert con.execute(
        "SELECT programme_id, municipality_code, interest_on, agreement_on FROM enrollments "
        "WHERE source LIKE 'upload:%' ORDER BY ALL"
    ).fetchall() == [
        ("it-2017", "101", date(2017, 8, 23), date(2017, 9, 28)),
        ("it-2017", "169", date(2017, 8, 30), date(2017, 10, 2)),
        ("kvalitet-2017", "101", date(2017, 8, 15), None),
    ]


def test_tab_separated_file_with_an_extra_column_warns_and_is_stored(con):
    enrolling = fixture("tilmeldinger_windows1252_semikolon.csv")
    importer.store(con, "tilmeldinger", enrolling, "tilmeldinger.csv", "konsulent")
    data = fixture("deltagere_tabulator.txt")

    prepared = importer.prepare(con, "deltagere", data, "deltagere.txt")
    importer.store(con, "deltagere", data, "deltagere.txt", "konsulent")

    assert prepared.raw.separator == "tabulator"
    assert prepared.ok
    extra, outside = prepared.warnings
    assert (extra.row, extra.column) == (1, "Bemærkning")
    assert "kolonnen ignoreres" in extra.expected
    assert (outside.row, outside.column, outside.value) == (5, "antal", "7")
    assert con.execute(
        "SELECT municipality_code, group_id, participants FROM participants "
        "WHERE programme_id = 'faellesskaber-2021' AND source LIKE 'upload:%' ORDER BY 1"
    ).fetchall() == [
        ("101", "netvaerk", 4),
        ("169", "netvaerk", 5),
        ("400", "netvaerk", 7),
        ("461", "netvaerk", 4),
        ("580", "netvaerk", 3),
        ("751", "netvaerk", 3),
    ]


def test_first_sheet_of_a_workbook_is_read_by_default(con):
    data = fixture("it-2017_opdatering.xlsx")

    prepared = importer.prepare(con, "kriteriestatus", data, "opdatering.xlsx")
    importer.store(con, "kriteriestatus", data, "opdatering.xlsx", "konsulent")

    assert prepared.raw.encoding == "Excel (.xlsx)" and prepared.raw.separator is None
    assert prepared.ok and prepared.counts["new"] == 4
    assert con.execute(
        "SELECT criterion_no, municipality_code, assessed_on, status, note FROM criterion_status "
        "WHERE source LIKE 'upload:%' ORDER BY 2, 1"
    ).fetchall() == [
        (1, "147", date(2020, 1, 31), "achieved", "Strategien er vedtaget"),
        (2, "147", date(2020, 1, 31), "in_progress", None),
        (7, "461", date(2020, 1, 31), "not_started", "Aula udskudt; se referat"),
        (8, "851", date(2020, 1, 31), "in_progress", "- forældremøde holdt; referat følger"),
    ]


def test_named_sheet_of_a_workbook_is_read(con):
    data = fixture("it-2017_opdatering.xlsx")
    before = count(con, "SELECT count(*) FROM attendance")

    prepared = importer.prepare(con, "fremmoede", data, "opdatering.xlsx", sheet="Fremmøde")
    importer.store(con, "fremmoede", data, "opdatering.xlsx", "konsulent", sheet="Fremmøde")

    assert prepared.ok and prepared.raw.headers == ["Partnerskab", "Møde ID", "Kommune", "Antal"]
    assert count(con, "SELECT count(*) FROM attendance") == before + 3
    assert con.execute(
        "SELECT meeting_id, municipality_code, attendees FROM attendance "
        "WHERE source LIKE 'upload:%' ORDER BY ALL"
    ).fetchall() == [("ls-1", "187", 3), ("ls-1", "270", 0), ("ms-1", "657", 4)]


def test_meeting_plan_file_adds_meetings_with_their_period_at_the_end_of_the_plan(con):
    last = count(con, "SELECT max(sort_order) FROM meetings WHERE programme_id = 'it-2017'")

    importer.store(con, "moeder", fixture("moeder_semikolon.csv"), "moeder.csv", "konsulent")

    assert con.execute(
        "SELECT meeting_id, title, meeting_type, group_id, planned_text, planned_from, "
        "planned_to, held_on, form, host_code, sort_order FROM meetings "
        "WHERE source LIKE 'upload:%' ORDER BY sort_order"
    ).fetchall() == [
        (
            "ps-4",
            "Ekstra politisk konference",
            "conference",
            "styregruppe",
            "medio 2020",
            date(2020, 5, 1),
            date(2020, 8, 31),
            None,
            "physical",
            "751",
            last + 1,
        ),
        (
            "ug-6",
            "Netværksdag",
            "theme_day",
            None,
            "efteråret 2020",
            date(2020, 9, 1),
            date(2020, 11, 30),
            None,
            "virtual",
            None,
            last + 2,
        ),
    ]


@pytest.mark.parametrize("written", ["23-06-2021", "23.06.2021", "23/6/2021", "2021-06-23"])
def test_every_accepted_date_format_is_read_as_the_same_day(con, written):
    data = csv_file("partnerskab;kommune;interesse", f"faellesskaber-2021;Aarhus;{written}")

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")

    assert prepared.ok
    assert prepared.new["interest_on"].dt.date.tolist() == [date(2021, 6, 23)]


def test_a_date_cell_in_a_workbook_is_read_as_its_day(con):
    rows = [["partnerskab", "kommune", "interesse"], ["faellesskaber-2021", "Aarhus"]]
    rows[1].append(datetime(2021, 6, 23))

    prepared = importer.prepare(con, "tilmeldinger", workbook(("Ark1", rows)), "a.xlsx")

    assert prepared.new["interest_on"].dt.date.tolist() == [date(2021, 6, 23)]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Københavns Kommune", "101"),
        ("København", "101"),
        ("101", "101"),
        ("Aabenraa", "580"),
        ("Åbenrå", "580"),
        ("Høje Taastrup", "169"),
        ("Høje-Taastrup", "169"),
        ("Bornholms Regionskommune", "400"),
        ("ÅRHUS", "751"),
        ("århus", "751"),
        (" odense  kommune ", "461"),
    ],
)
def test_municipality_is_found_by_name_variant_or_code(con, written, code):
    data = csv_file("partnerskab;kommune;interesse", f"faellesskaber-2021;{written};23-06-2021")

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")

    assert prepared.ok, [e.message() for e in prepared.errors]
    assert prepared.new["municipality_code"].tolist() == [code]


@pytest.mark.parametrize(
    "written",
    [
        "it-2017",
        "IT-2017",
        "SAG-2016-06580",
        "sag-2016-06580",
        "Partnerskab om morgendagens dagtilbud og folkeskole med fokus på it",
        "Morgendagens dagtilbud og folkeskole med fokus på it",
    ],
)
def test_partnership_is_found_by_id_case_id_or_name(con, written):
    data = csv_file("partnerskab;kommune;interesse", f"{written};Aarhus;23-06-2017")

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")

    assert prepared.ok, [e.message() for e in prepared.errors]
    assert prepared.new["programme_id"].tolist() == ["it-2017"]


VALUES = ["faellesskaber-2021", "Aarhus", "23-06-2021", "30-09-2021", "", "Netværk Øst"]


@pytest.mark.parametrize(
    ("headers", "backwards"),
    [
        (["partnerskab", "kommune", "interesse", "politisk_aftale", "udtraadt", "netvaerk"], False),
        (["PARTNERSKAB", " Kommune ", "Interesse", "Politisk aftale", "Udtrådt", "Netværk"], False),
        (
            ["\ufeffPartnerskab", "kommune", "interesse", "politisk-aftale", "UDTRÅDT", "net værk"],
            False,
        ),
        (["netvaerk", "udtraadt", "politisk aftale", "interesse", "kommune", "partnerskab"], True),
    ],
)
def test_headers_are_matched_whatever_their_case_spacing_bom_spelling_or_order(
    con, headers, backwards
):
    values = VALUES[::-1] if backwards else VALUES
    data = workbook(("Ark1", [headers, values]))

    prepared = importer.prepare(con, "tilmeldinger", data, "a.xlsx")

    assert prepared.ok and prepared.warnings == []
    new = prepared.new.iloc[0]
    assert (new.municipality_code, new.network_id) == ("751", "oest")
    assert new.agreement_on.date() == date(2021, 9, 30)


def test_prepare_stores_nothing(con):
    before = snapshot(con)

    prepared = importer.prepare(
        con, "tilmeldinger", fixture("tilmeldinger_windows1252_semikolon.csv"), "a.csv"
    )

    assert prepared.counts["new"] == 6
    assert snapshot(con) == before


# --- each rule, with its Danish message ------------------------------------------------------


def test_missing_required_value_is_an_error_on_its_excel_row(con):
    data = csv_file(
        "partnerskab;kommune;interesse",
        "faellesskaber-2021;Aarhus;23-06-2021",
        "faellesskaber-2021;;24-06-2021",
    )

    error = one_error(importer.prepare(con, "tilmeldinger", data, "tilmeldinger.csv"))

    assert_error(error, 3, "kommune", None, "en værdi (en kommune")
    assert error.message() == (
        'tilmeldinger.csv, række 3, kolonne "kommune": (tom); forventet en værdi '
        "(en kommune: navn, kode eller en kendt navnevariant)"
    )


def test_impossible_date_is_an_error_naming_the_formats_accepted(con):
    data = csv_file("partnerskab;kommune;interesse", "faellesskaber-2021;Aarhus;31-02-2024")

    error = one_error(importer.prepare(con, "tilmeldinger", data, "a.csv"))

    assert_error(error, 2, "interesse", "31-02-2024", "en dato som 23-06-2017")


def test_unknown_municipality_suggests_the_closest_name(con):
    data = csv_file("partnerskab;kommune;interesse", "faellesskaber-2021;Aarhuss;23-06-2021")

    error = one_error(importer.prepare(con, "tilmeldinger", data, "a.csv"))

    assert_error(error, 2, "kommune", "Aarhuss", "mente du Aarhus?")
    assert "en kommune: navn, kode eller en kendt navnevariant" in error.expected


def test_unknown_partnership_is_an_error(con):
    data = csv_file("partnerskab;kommune;interesse", "it-2018;Aarhus;23-06-2017")

    error = one_error(importer.prepare(con, "tilmeldinger", data, "a.csv"))

    assert_error(error, 2, "partnerskab", "it-2018", "sags-id (SAG-2016-06580)")


def test_political_agreement_before_interest_is_an_error(con):
    data = csv_file(
        "partnerskab;kommune;interesse;politisk_aftale",
        "faellesskaber-2021;Aarhus;23-06-2021;22-06-2021",
    )

    error = one_error(importer.prepare(con, "tilmeldinger", data, "a.csv"))

    assert_error(error, 2, "politisk_aftale", "22-06-2021", "på eller efter interesse-datoen")


@pytest.mark.parametrize("written", ["-1", "tre", "2,5", "2.5", "4.0", "12.34", "1.2345", ".5"])
def test_count_that_is_not_a_whole_number_of_0_or_more_is_an_error(con, written):
    data = csv_file(
        "partnerskab;kommune;gruppe;antal", f"it-2017;Frederiksberg;ledelsesspor;{written}"
    )

    error = one_error(importer.prepare(con, "deltagere", data, "a.csv"))

    assert_error(error, 2, "antal", written, "et helt tal på 0 eller mere")


def test_attendance_at_a_meeting_that_does_not_exist_is_an_error(con):
    data = csv_file(
        "partnerskab;moede_id;kommune;antal",
        "it-2017;ps-1;Frederiksberg;2",
        "it-2017;ps-9;Frederiksberg;2",
    )

    error = one_error(importer.prepare(con, "fremmoede", data, "a.csv"))

    assert_error(error, 3, "moede_id", "ps-9", "et møde-id der findes i partnerskabet")


def test_participants_for_a_municipality_not_enrolled_is_an_error(con):
    assert not enrolled(con, "it-2017", "751")
    data = csv_file("partnerskab;kommune;gruppe;antal", "it-2017;Aarhus;ledelsesspor;4")

    error = one_error(importer.prepare(con, "deltagere", data, "a.csv"))

    assert_error(error, 2, "kommune", "Aarhus", "tilmeldt partnerskabet (upload tilmeldinger")


def test_unknown_group_is_an_error(con):
    data = csv_file("partnerskab;kommune;gruppe;antal", "it-2017;Frederiksberg;Bestyrelsen;2")

    error = one_error(importer.prepare(con, "deltagere", data, "a.csv"))

    assert_error(error, 2, "gruppe", "Bestyrelsen", "en gruppe eller et spor i partnerskabet")


def test_unknown_status_word_is_an_error_listing_the_words(con):
    data = csv_file(
        "partnerskab;kriterie;kommune;dato;status", "it-2017;1;Frederiksberg;31-01-2020;færdig"
    )

    error = one_error(importer.prepare(con, "kriteriestatus", data, "a.csv"))

    assert_error(error, 2, "status", "færdig", '"ikke påbegyndt", "i gang" eller "opnået"')


def test_unknown_criterion_is_an_error(con):
    data = csv_file(
        "partnerskab;kriterie;kommune;dato;status", "it-2017;9;Frederiksberg;31-01-2020;i gang"
    )

    error = one_error(importer.prepare(con, "kriteriestatus", data, "a.csv"))

    assert_error(error, 2, "kriterie", "9", "et succeskriteriums nummer eller ordrette tekst")


def test_duplicate_key_within_the_file_is_an_error_on_the_later_row(con):
    data = csv_file(
        "partnerskab;kommune;gruppe;antal",
        "it-2017;Frederiksberg;ledelsesspor;4",
        "it-2017;Gladsaxe;ledelsesspor;4",
        "it-2017;147;Ledelsesspor;5",
    )

    error = one_error(importer.prepare(con, "deltagere", data, "a.csv"))

    assert_error(
        error,
        4,
        "partnerskab, kommune, gruppe",
        "it-2017 / 147 / Ledelsesspor",
        "en nøgle der ikke allerede står i en tidligere række i filen (den står også i række 2)",
    )


def test_missing_required_column_is_an_error(con):
    data = csv_file("partnerskab;kommune", "faellesskaber-2021;Aarhus")

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")

    assert_error(one_error(prepared), 1, "interesse", None, "en kolonne med overskriften interesse")
    with pytest.raises(InvalidInput):
        importer.store(con, "tilmeldinger", data, "a.csv", "konsulent")


def test_extra_column_is_a_warning_not_an_error(con):
    data = csv_file(
        "partnerskab;kommune;interesse;kontaktperson", "faellesskaber-2021;Aarhus;23-06-2021;Jens"
    )

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")

    assert prepared.ok and prepared.counts["new"] == 1
    (warning,) = prepared.warnings
    assert_error(warning, 1, "kontaktperson", "kontaktperson", "kolonnen ignoreres")


def test_participants_outside_the_groups_range_warn_and_are_still_stored(con):
    data = csv_file(
        "partnerskab;kommune;gruppe;antal",
        "it-2017;Frederiksberg;ledelsesspor;9",
        "it-2017;Frederiksberg;styregruppe;0",
    )

    prepared = importer.prepare(con, "deltagere", data, "a.csv")
    importer.store(con, "deltagere", data, "a.csv", "konsulent")

    assert prepared.ok and [(w.row, w.column, w.value) for w in prepared.warnings] == [
        (2, "antal", "9"),
        (3, "antal", "0"),
    ]
    assert "gruppens interval (gemmes alligevel)" in prepared.warnings[0].expected
    assert con.execute(
        "SELECT group_id, participants FROM participants WHERE programme_id = 'it-2017' "
        "AND municipality_code = '147' AND group_id IN ('ledelsesspor', 'styregruppe') "
        "ORDER BY 1"
    ).fetchall() == [("ledelsesspor", 9), ("styregruppe", 0)]


def test_file_larger_than_the_limit_is_refused_before_it_is_read(con):
    data = csv_file("partnerskab;kommune;interesse") + b"x" * (1024 * 1024)

    with pytest.raises(InvalidInput) as refused:
        importer.prepare(con, "tilmeldinger", data, "stor.csv", max_bytes=1024 * 1024)

    (error,) = refused.value.errors
    shown = f"{len(data):,} bytes".replace(",", ".")
    assert (error.file, error.row, error.value) == ("stor.csv", None, shown)
    assert shown.startswith("1.048.")
    assert error.expected == "en fil på højst 1 MB"


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf", b"   "])
def test_empty_file_is_refused(con, data):
    with pytest.raises(InvalidInput) as refused:
        importer.prepare(con, "tilmeldinger", data, "tom.csv")

    (error,) = refused.value.errors
    assert (error.file, error.row) == ("tom.csv", None)
    assert "en fil med en overskriftsrække" in error.expected


def test_random_binary_is_refused_and_stores_nothing(con):
    data = random.Random(2017).randbytes(4000)
    before = snapshot(con)

    prepared = importer.prepare(con, "kriteriestatus", data, "billede.png")
    with pytest.raises(InvalidInput) as refused:
        importer.store(con, "kriteriestatus", data, "billede.png", "konsulent")

    assert not prepared.ok
    assert [e.column for e in refused.value.errors if e.row == 1][:5] == [
        "partnerskab",
        "kriterie",
        "kommune",
        "dato",
        "status",
    ]
    assert snapshot(con) == before


def test_broken_workbook_is_refused(con):
    data = fixture("it-2017_opdatering.xlsx")[:2000]

    with pytest.raises(InvalidInput) as refused:
        importer.prepare(con, "kriteriestatus", data, "opdatering.xlsx")

    assert "en Excel-fil (.xlsx) der kan åbnes" in refused.value.errors[0].expected


def test_missing_sheet_name_is_refused_naming_the_sheets_there_are(con):
    data = fixture("it-2017_opdatering.xlsx")

    with pytest.raises(InvalidInput) as refused:
        importer.prepare(con, "fremmoede", data, "opdatering.xlsx", sheet="Deltagere")

    (error,) = refused.value.errors
    assert_error(error, None, "ark", "Deltagere", "et af arkene Vurderinger, Fremmøde")


# --- every problem at once -------------------------------------------------------------------


def test_every_bad_row_is_listed_at_once_sorted_by_row(con):
    data = csv_file(
        "partnerskab;kommune;interesse;politisk_aftale;udtraadt;netvaerk",
        "faellesskaber-2021;Aarhus;23-06-2021;;;",
        "faellesskaber-2021;Odense;31-02-2021;;;Netværk Vest",
        "faellesskaber-2021;Aarhuss;23-06-2021;;;",
        "faellesskaber-2021;Aabenraa;23-06-2021;22-06-2021;;",
        "it-2018;Bornholm;23-06-2017;;;",
        "faellesskaber-2021;ÅRHUS;24-06-2021;;;",
        "faellesskaber-2021;;;;;",
    )

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")
    with pytest.raises(InvalidInput) as refused:
        importer.store(con, "tilmeldinger", data, "a.csv", "konsulent")

    found = [(e.row, e.column, e.value) for e in prepared.errors]
    assert found == [
        (3, "interesse", "31-02-2021"),
        (3, "netvaerk", "Netværk Vest"),
        (4, "kommune", "Aarhuss"),
        (5, "politisk_aftale", "22-06-2021"),
        (6, "partnerskab", "it-2018"),
        (7, "partnerskab, kommune", "faellesskaber-2021 / ÅRHUS"),
        (8, "interesse", None),
        (8, "kommune", None),
    ]
    assert [e.row for e in prepared.errors] == sorted(e.row for e in prepared.errors)
    assert refused.value.errors == prepared.errors
    assert str(refused.value).count("\n") == len(found) - 1
    assert count(con, "SELECT count(*) FROM uploads") == 0


# --- one transaction -------------------------------------------------------------------------


def test_failure_at_the_last_row_while_storing_leaves_every_table_unchanged(tmp_path):
    path = tmp_path / "streng.duckdb"
    bootstrap.init_database(path, example=False)
    con = db.connect(path)
    try:
        con.execute(
            "INSERT INTO enrollments (programme_id, municipality_code, interest_on, source) "
            "SELECT 'it-2017', code, DATE '2017-08-01', 'test' FROM municipalities "
            "WHERE code IN ('101', '147', '461', '751')"
        )
        # A rule the importer cannot know about: no two rows with the same group and count.
        # The file's last row repeats the first one's, so the insert fails at the last row.
        con.execute(
            "CREATE UNIQUE INDEX one_count_per_group ON participants (group_id, participants)"
        )
        data = csv_file(
            "partnerskab;kommune;gruppe;antal",
            "it-2017;København;ledelsesspor;4",
            "it-2017;Frederiksberg;ledelsesspor;3",
            "it-2017;Odense;medarbejderspor;4",
            "it-2017;Aarhus;ledelsesspor;4",
        )
        assert importer.prepare(con, "deltagere", data, "deltagere.csv").ok
        before = snapshot(con)

        with pytest.raises((duckdb.ConstraintException, KlDashError)):
            importer.store(con, "deltagere", data, "deltagere.csv", "konsulent")

        assert snapshot(con) == before
        assert count(con, "SELECT count(*) FROM participants") == 0
        assert count(con, "SELECT count(*) FROM uploads") == 0
        assert count(con, "SELECT count(*) FROM upload_changes") == 0
        # The connection is usable afterwards: the same rows without the clash are stored.
        fixed = data.replace(b"Aarhus;ledelsesspor;4", b"Aarhus;ledelsesspor;5")
        assert (
            importer.store(con, "deltagere", fixed, "deltagere.csv", "konsulent").counts["new"] == 4
        )
    finally:
        con.close()


def test_invalid_file_is_refused_by_store_and_nothing_is_stored_or_logged(con):
    data = csv_file(
        "partnerskab;kommune;interesse", "faellesskaber-2021;Aarhus;23-06-2021", "x;y;z"
    )
    before = snapshot(con)

    with pytest.raises(InvalidInput) as refused:
        importer.store(con, "tilmeldinger", data, "a.csv", "konsulent")

    assert {e.row for e in refused.value.errors} == {3}
    assert snapshot(con) == before


# --- the same file twice ---------------------------------------------------------------------


def test_uploading_the_same_file_again_changes_nothing_and_logs_nothing(con):
    data = fixture("tilmeldinger_windows1252_semikolon.csv")
    first = importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "konsulent")
    before = snapshot(con)

    again = importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "konsulent")

    assert first.upload_id is not None
    assert again == importer.Stored(None, {"new": 0, "changed": 0, "unchanged": 6})
    assert snapshot(con) == before
    assert upload_log.entries(con)["id"].tolist() == [first.upload_id]


# --- export -> import ------------------------------------------------------------------------

FORMATS = {"csv": downloads.to_csv, "xlsx": downloads.to_xlsx}


@pytest.mark.parametrize("file_format", sorted(FORMATS))
@pytest.mark.parametrize("kind", sorted(importer.KINDS))
def test_export_then_import_changes_nothing(con, kind, file_format):
    frame = importer.export_frame(con, kind)
    data = FORMATS[file_format](frame)

    prepared = importer.prepare(con, kind, data, f"{kind}.{file_format}")

    assert len(frame) > 0
    assert list(frame.columns) == [c.name for c in importer.KINDS[kind].columns]
    assert prepared.ok, [e.message() for e in prepared.errors[:5]]
    # The example data has participant counts outside their group's range: only those warn.
    assert {w.expected for w in prepared.warnings} <= {
        "et antal inden for gruppens interval (gemmes alligevel)"
    }
    assert prepared.counts == {"new": 0, "changed": 0, "unchanged": len(frame)}


FORMULA_NOTES = {
    1: "=SUM(A1:A3)",
    2: "+45 33 70 33 70",
    3: "-2 point siden sidst",
    4: "@Jens: se referatet",
    5: '=HYPERLINK("http://x";"klik")',
}


@pytest.mark.parametrize("file_format", sorted(FORMATS))
def test_notes_starting_with_formula_characters_come_back_exactly(con, file_format):
    lines = ["partnerskab;kriterie;kommune;dato;status;note"]
    for no, note in FORMULA_NOTES.items():
        quoted = '"' + note.replace('"', '""') + '"'
        lines.append(f"it-2017;{no};Frederiksberg;31-01-2020;i gang;{quoted}")
    importer.store(con, "kriteriestatus", csv_file(*lines), "noter.csv", "konsulent")
    frame = importer.export_frame(con, "kriteriestatus", "it-2017")
    data = FORMATS[file_format](frame)

    prepared = importer.prepare(con, "kriteriestatus", data, f"export.{file_format}")
    again = importer.store(con, "kriteriestatus", data, f"export.{file_format}", "konsulent")

    assert prepared.counts == {"new": 0, "changed": 0, "unchanged": len(frame)}
    assert again.upload_id is None
    stored = con.execute(
        "SELECT criterion_no, note FROM criterion_status WHERE municipality_code = '147' "
        "AND assessed_on = DATE '2020-01-31' ORDER BY 1"
    ).fetchall()
    assert dict(stored) == FORMULA_NOTES


def test_template_has_the_columns_import_reads(con):
    for name, kind in importer.KINDS.items():
        frame = importer.template(name)
        prepared = importer.prepare(con, name, downloads.to_csv(frame), "skabelon.csv")

        assert list(frame.columns) == [c.name for c in kind.columns]
        assert len(frame) == 1
        assert prepared.warnings == []
        assert all(e.row != 1 for e in prepared.errors)


# --- undo ------------------------------------------------------------------------------------

NEW_AND_CHANGED = {
    "tilmeldinger": (
        "partnerskab;kommune;interesse;politisk_aftale;udtraadt;netvaerk",
        # Frederiksberg is enrolled (and has participants, attendance and assessments).
        "it-2017;Frederiksberg;29-08-2017;15-09-2017;;Netværk Øst",
        "faellesskaber-2021;København;23-06-2021;;;syd",
    ),
    "moeder": (
        "partnerskab;moede_id;titel;type;gruppe;planlagt;afholdt;form;vaert",
        "it-2017;ps-1;Opstartskonference;konference;Politisk styregruppe;primo 2018;"
        "10-01-2018;fysisk;Aarhus",
        "it-2017;ps-4;Ekstra konference;konference;alle;medio 2020;;;",
    ),
    "kriteriestatus": (
        "partnerskab;kriterie;kommune;dato;status;note",
        "it-2017;1;Frederiksberg;15-11-2017;opnået;Vedtaget i byrådet",
        "it-2017;1;Frederiksberg;31-01-2020;opnået;",
    ),
}


@pytest.mark.parametrize("kind", sorted(NEW_AND_CHANGED))
def test_undo_restores_every_table_after_new_and_changed_rows(con, kind):
    before = snapshot(con, log=False)
    data = csv_file(*NEW_AND_CHANGED[kind])

    stored = importer.store(con, kind, data, f"{kind}.csv", "konsulent")
    assert stored.counts == {"new": 1, "changed": 1, "unchanged": 0}
    assert snapshot(con, log=False) != before
    restored = undo(con, stored.upload_id, "leder")

    assert restored == 2
    assert snapshot(con, log=False) == before
    log = upload_log.entries(con).iloc[0]
    assert (log.id, log.kind, log.rows_new, log.rows_changed) == (stored.upload_id, kind, 1, 1)
    assert log.undone_by == "leder" and not pd.isna(log.undone_at)


def test_undo_is_refused_while_a_later_upload_changed_the_same_rows(con):
    before = snapshot(con, log=False)
    header = "partnerskab;kriterie;kommune;dato;status;note"
    first = importer.store(
        con,
        "kriteriestatus",
        csv_file(header, "it-2017;1;Frederiksberg;15-11-2017;opnået;"),
        "a.csv",
        "konsulent",
    )
    later = importer.store(
        con,
        "kriteriestatus",
        csv_file(header, "it-2017;1;Frederiksberg;15-11-2017;opnået;Nu med note"),
        "b.csv",
        "konsulent",
    )
    changed = snapshot(con)

    with pytest.raises(KlDashError) as refused:
        undo(con, first.upload_id, "leder")

    assert f"Upload {later.upload_id} har siden ændret de samme rækker" in str(refused.value)
    assert f"fortryd så upload {first.upload_id}" in str(refused.value)
    assert snapshot(con) == changed
    assert undo(con, later.upload_id, "leder") == 1
    assert undo(con, first.upload_id, "leder") == 1
    assert snapshot(con, log=False) == before


def test_undo_twice_is_refused(con):
    data = fixture("tilmeldinger_windows1252_semikolon.csv")
    stored = importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "konsulent")
    undo(con, stored.upload_id, "leder")
    undone = snapshot(con)

    with pytest.raises(KlDashError, match=f"Upload {stored.upload_id} er allerede fortrudt"):
        undo(con, stored.upload_id, "leder")

    assert snapshot(con) == undone


def test_undo_of_an_unknown_upload_is_refused(con):
    with pytest.raises(KlDashError, match="Upload 4711 findes ikke i upload-loggen"):
        undo(con, 4711, "leder")


def test_undo_of_enrollments_that_later_participants_rely_on_is_refused(con):
    enrolling = importer.store(
        con,
        "tilmeldinger",
        fixture("tilmeldinger_windows1252_semikolon.csv"),
        "tilmeldinger.csv",
        "konsulent",
    )
    importer.store(
        con, "deltagere", fixture("deltagere_tabulator.txt"), "deltagere.txt", "konsulent"
    )
    stored = snapshot(con)

    with pytest.raises(KlDashError, match="Fortryd de senere uploads først"):
        undo(con, enrolling.upload_id, "leder")

    assert snapshot(con) == stored


# --- garbled and random files ----------------------------------------------------------------

PLAUSIBLE = [
    "it-2017",
    "SAG-2016-06580",
    "faellesskaber-2021",
    "Frederiksberg",
    "147",
    "Aarhus",
    "23-06-2017",
    "31-01-2020",
    "2018-01-09",
    "ps-1",
    "ls-1",
    "Ledelsesspor",
    "styregruppe",
    "i gang",
    "opnået",
    "konference",
    "fysisk",
    "primo 2018",
    "alle",
    "1",
    "4",
    "-1",
    "",
    "=1+1",
    "'=x",
]
CELLS = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=12))


def _csv_bytes(headers: list[str], rows: list[list[str]], sep: str, encoding: str) -> bytes:
    text = "\r\n".join(sep.join(row) for row in [headers, *rows])
    return text.encode(encoding, errors="replace")


def _xlsx_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    clean = [[ILLEGAL_CHARACTERS_RE.sub("", c) for c in row] for row in [headers, *rows]]
    return workbook(("Ark1", clean))


# One row per kind that the example database accepts as new or changed, so that mixing its
# cells with random ones also gives files that store (and must then undo exactly).
GOOD = {
    "tilmeldinger": {
        "partnerskab": "faellesskaber-2021",
        "kommune": "Aarhus",
        "interesse": "23-06-2021",
        "politisk_aftale": "30-09-2021",
        "udtraadt": "",
        "netvaerk": "syd",
    },
    "deltagere": {
        "partnerskab": "it-2017",
        "kommune": "Frederiksberg",
        "gruppe": "Ledelsesspor",
        "antal": "4",
    },
    "moeder": {
        "partnerskab": "it-2017",
        "moede_id": "ps-4",
        "titel": "Ekstra konference",
        "type": "konference",
        "gruppe": "alle",
        "planlagt": "primo 2020",
        "afholdt": "",
        "form": "fysisk",
        "vaert": "Aarhus",
    },
    "fremmoede": {
        "partnerskab": "it-2017",
        "moede_id": "ps-1",
        "kommune": "Frederiksberg",
        "antal": "5",
    },
    "kriteriestatus": {
        "partnerskab": "it-2017",
        "kriterie": "1",
        "kommune": "Frederiksberg",
        "dato": "31-01-2020",
        "status": "i gang",
        "note": "=vedtaget",
    },
}


@st.composite
def garbled_uploads(draw) -> tuple[str, bytes]:
    """A kind and a file for it: random bytes, or valid headers with good and random cells."""
    kind = draw(st.sampled_from(sorted(importer.KINDS)))
    shape = draw(st.sampled_from(["csv", "xlsx", "csv", "bytes", "truncated xlsx"]))
    if shape == "bytes":
        return kind, draw(st.binary(min_size=1, max_size=800))
    headers = draw(st.permutations([c.name for c in importer.KINDS[kind].columns]))
    if draw(st.integers(0, 3)) == 3:
        headers = headers[: draw(st.integers(len(headers) - 2, len(headers)))]
    headers += draw(st.lists(CELLS, max_size=1))
    good = GOOD[kind]
    tenths_good = draw(st.sampled_from([10, 9, 5, 0]))  # of the cells, on average

    def cell(header: str) -> str:
        if draw(st.integers(0, 9)) < tenths_good:
            return good.get(header, "")
        return draw(CELLS)

    rows = [[cell(h) for h in headers] for _ in range(draw(st.sampled_from([1, 2, 0, 4])))]
    if shape == "csv":
        sep = draw(st.sampled_from([";", ";", ",", "\t", "|"]))
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
        return kind, _csv_bytes(headers, rows, sep, encoding)
    data = _xlsx_bytes(headers, rows)
    if shape == "truncated xlsx":
        # A share of the file, not a byte count: a workbook's size varies by a byte or so
        # with the clock (zip timestamps), and Hypothesis needs the same draws when replaying.
        cut = draw(st.floats(0.0, 1.0, exclude_max=True))
        data = data[: max(1, int(cut * len(data)))]
    return kind, data


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(upload=garbled_uploads())
def test_garbled_files_never_crash_and_never_leave_partial_changes(con, upload):
    kind, data = upload
    assume(data)
    before = snapshot(con)

    try:
        importer.prepare(con, kind, data, "tilfaeldig.csv")
    except KlDashError:
        pass
    try:
        stored = importer.store(con, kind, data, "tilfaeldig.csv", "hypothesis")
    except KlDashError:
        event("refused")
        assert snapshot(con) == before
        return
    event("stored" if stored.upload_id else "nothing to store")
    if stored.upload_id is not None:
        undo(con, stored.upload_id, "hypothesis")
    assert snapshot(con, log=False) == {t: v for t, v in before.items() if t not in LOG_TABLES}


# --- regressions: bugs found by these tests and fixed ---------------------------------------


def test_exported_note_with_a_line_break_imports_again(con):
    note = "Første punkt\nAndet punkt"
    con.execute(
        "UPDATE criterion_status SET note = ? WHERE programme_id = 'it-2017' "
        "AND municipality_code = '147' AND criterion_no = 1 AND assessed_on = DATE '2017-11-15'",
        [note],
    )
    data = downloads.to_csv(importer.export_frame(con, "kriteriestatus", "it-2017"))

    prepared = importer.prepare(con, "kriteriestatus", data, "export.csv")

    assert prepared.ok and prepared.counts["changed"] == 0


def test_two_digit_year_is_an_error_not_the_year_21(con):
    data = csv_file("partnerskab;kommune;interesse", "faellesskaber-2021;Aarhus;23-06-21")

    error = one_error(importer.prepare(con, "tilmeldinger", data, "a.csv"))

    assert_error(error, 2, "interesse", "23-06-21", "en dato som 23-06-2017")


def test_rows_after_a_blank_csv_line_keep_their_excel_row_number(con):
    data = csv_file(
        "partnerskab;kommune;interesse",
        "faellesskaber-2021;Aarhus;23-06-2021",
        "",
        "faellesskaber-2021;Aarhuss;23-06-2021",
    )

    error = one_error(importer.prepare(con, "tilmeldinger", data, "a.csv"))

    assert (error.row, error.value) == (4, "Aarhuss")


def test_rows_after_a_blank_sheet_row_keep_their_excel_row_number(con):
    rows = [
        ["partnerskab", "kommune", "interesse"],
        ["faellesskaber-2021", "Aarhus", "23-06-2021"],
        [None, None, None],
        ["faellesskaber-2021", "Aarhuss", "23-06-2021"],
    ]

    error = one_error(importer.prepare(con, "tilmeldinger", workbook(("Ark1", rows)), "a.xlsx"))

    assert (error.row, error.value) == (4, "Aarhuss")


def test_rows_blank_in_excel_are_skipped_in_csv_as_in_a_workbook(con):
    data = csv_file(
        "partnerskab;kommune;interesse", "faellesskaber-2021;Aarhus;23-06-2021", ";;", ";;"
    )

    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")

    assert prepared.ok and prepared.counts["new"] == 1


def test_planned_year_0000_is_an_error_not_a_crash(con):
    data = csv_file(
        "partnerskab;moede_id;titel;type;planlagt", "it-2017;ps-4;Konference;konference;0000"
    )

    error = one_error(importer.prepare(con, "moeder", data, "a.csv"))

    assert_error(error, 2, "planlagt", "0000", "en dato eller periode")


def test_file_without_an_optional_column_keeps_what_is_stored_in_it(con):
    # Odder withdrew from it-2017 on 19-10-2018 and belongs to network nord-midt.
    data = csv_file(
        "partnerskab;kommune;interesse;politisk_aftale", "it-2017;Odder;29-07-2017;10-08-2017"
    )

    importer.store(con, "tilmeldinger", data, "a.csv", "konsulent")

    assert con.execute(
        "SELECT agreement_on, withdrawn_on, network_id FROM enrollments "
        "WHERE programme_id = 'it-2017' AND municipality_code = '727'"
    ).fetchall() == [(date(2017, 8, 10), date(2018, 10, 19), "nord-midt")]


def test_meeting_file_without_held_date_changes_a_held_meeting_and_keeps_who_said_it_was_held(
    con,
):
    held = "SELECT title, held_on, held_source FROM meetings WHERE meeting_id = 'ps-1'"
    _, held_on, held_source = con.execute(held).fetchall()[0]
    assert held_on is not None
    data = csv_file("partnerskab;moede_id;titel;type", "it-2017;ps-1;Kickoff;konference")

    stored = importer.store(con, "moeder", data, "moeder.csv", "konsulent")

    assert stored.counts["changed"] == 1
    assert con.execute(held).fetchall() == [("Kickoff", held_on, held_source)]


def test_meeting_id_in_another_case_updates_the_existing_meeting(con):
    data = csv_file(
        "partnerskab;moede_id;titel;type;gruppe;planlagt;afholdt",
        "it-2017;PS-1;Opstartskonference;konference;Politisk styregruppe;primo 2018;10-01-2018",
    )

    prepared = importer.prepare(con, "moeder", data, "a.csv")

    assert prepared.counts == {"new": 0, "changed": 1, "unchanged": 0}


def test_workbook_is_read_after_a_query_left_its_result_unfetched(con):
    con.execute("SELECT count(*) FROM enrollments").fetchone()

    prepared = importer.prepare(
        con, "kriteriestatus", fixture("it-2017_opdatering.xlsx"), "opdatering.xlsx"
    )

    assert prepared.ok


@pytest.mark.parametrize(("written", "stored"), [("4", 4), (" 5 ", 5), ("1.234", 1234), ("0", 0)])
def test_count_written_as_people_write_it_is_stored_as_that_whole_number(con, written, stored):
    data = csv_file(
        "partnerskab;kommune;gruppe;antal", f"it-2017;Frederiksberg;ledelsesspor;{written}"
    )

    prepared = importer.prepare(con, "deltagere", data, "a.csv")

    assert prepared.ok, prepared.errors
    importer.store(con, "deltagere", data, "a.csv", "Kirsten")
    assert (
        count(
            con,
            "SELECT participants FROM participants WHERE programme_id = 'it-2017' "
            "AND municipality_code = '147' AND group_id = 'ledelsesspor'",
        )
        == stored
    )


@pytest.mark.parametrize("written", ["01-01-0001", "31-12-1899", "31-12-9999", "01-01-2015"])
def test_date_outside_the_partnerships_plausible_window_is_an_error(con, written):
    data = csv_file(
        "partnerskab;kriterie;kommune;dato;status", f"it-2017;1;Frederiksberg;{written};i gang"
    )

    error = one_error(importer.prepare(con, "kriteriestatus", data, "a.csv"))

    assert_error(error, 2, "dato", written, "en dato mellem 1. januar 2016 og 31. december")


@pytest.mark.parametrize("written", ["01-01-2016", "15-12-2018", "31-12-2022"])
def test_date_inside_the_partnerships_plausible_window_is_accepted(con, written):
    data = csv_file(
        "partnerskab;kriterie;kommune;dato;status", f"it-2017;1;Frederiksberg;{written};i gang"
    )

    assert importer.prepare(con, "kriteriestatus", data, "a.csv").ok


def test_a_planned_period_far_outside_the_partnership_is_an_error(con):
    data = csv_file(
        "partnerskab;moede_id;titel;type;planlagt", "it-2017;ny-1;Ekstra møde;seminar;primo 2099"
    )

    error = one_error(importer.prepare(con, "moeder", data, "a.csv"))

    assert_error(error, 2, "planlagt", "primo 2099", "en dato mellem 1. januar 2016")


def test_a_file_with_very_many_bad_rows_lists_the_first_thousand_and_says_there_are_more(
    db_path, tmp_path
):
    rows = [f"it-2017;Ukendt {i};ledelsesspor;4" for i in range(2500)]
    data = csv_file("partnerskab;kommune;gruppe;antal", *rows)
    con = db.connect(db_path)

    prepared = importer.prepare(con, "deltagere", data, "mange.csv")

    con.close()
    assert len(prepared.errors) == 1000 and prepared.more_errors
    assert [e.row for e in prepared.errors] == list(range(2, 1002))
    path = tmp_path / "mange.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["import", "deltagere", str(path), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "mere end 1.000 fejl; de første 1.000 vises i mange.csv; intet er gemt" in (
        result.output
    )


# --- a prepared file is stored without checking it again -------------------------------------

WINDOWS_FILE = "tilmeldinger_windows1252_semikolon.csv"


def test_store_takes_the_comparison_prepare_left_on_the_same_connection(con):
    data = fixture(WINDOWS_FILE)
    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")
    # Proof that it is taken as it is, not made again: one row dropped from it is not stored.
    con.execute("DELETE FROM upload_diff WHERE rownum = (SELECT max(rownum) FROM upload_diff)")

    stored = importer.store(con, "tilmeldinger", data, "a.csv", "konsulent", prepared=prepared)

    added = con.execute(
        "SELECT count(*) FROM enrollments WHERE source = ?", [f"upload:{stored.upload_id}"]
    ).fetchone()[0]
    assert added == 5 and stored.counts["new"] == 6  # the counts were prepare's too


def test_a_prepared_file_is_checked_again_when_data_was_stored_since(con):
    data = fixture(WINDOWS_FILE)
    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")
    first = importer.store(con, "tilmeldinger", data, "a.csv", "konsulent")  # stored meanwhile

    again = importer.store(con, "tilmeldinger", data, "a.csv", "konsulent", prepared=prepared)

    assert first.counts["new"] == 6
    assert again == importer.Stored(None, {"new": 0, "changed": 0, "unchanged": 6})


def test_a_prepared_file_is_checked_again_after_another_file_or_on_another_connection(con):
    data = fixture(WINDOWS_FILE)
    prepared = importer.prepare(con, "tilmeldinger", data, "a.csv")
    broken = csv_file("partnerskab;kommune;interesse", "faellesskaber-2021;Aarhus;31-02-2021")
    assert not importer.prepare(con, "tilmeldinger", broken, "b.csv").ok  # replaces its tables
    other = con.cursor()
    try:
        con.execute("DELETE FROM upload_diff")  # what a stale comparison would store: nothing

        stored = importer.store(
            other, "tilmeldinger", data, "a.csv", "konsulent", prepared=prepared
        )
        assert stored.counts["new"] == 6
        assert importer.store(con, "tilmeldinger", data, "a.csv", "k", prepared=prepared) == (
            importer.Stored(None, {"new": 0, "changed": 0, "unchanged": 6})
        )
    finally:
        other.close()
