"""Downloads: what is written is read back by pandas and openpyxl as what was given."""

from __future__ import annotations

import io
from datetime import date, datetime

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kl_dash import importer
from kl_dash.downloads import FORMULA_TRIGGERS, file_name, neutralise, to_csv, to_xlsx

FORMULA_LIKE = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]

# Text made mostly of the characters that matter here, so the tricky cases come up often.
TEXT = st.text(alphabet=st.sampled_from(list("'=+-@\t\rabæøå 1")) | st.characters())
# The same, as text in a file can hold it (no lone surrogates: a file is UTF-8 once read).
FILE_TEXT = st.text(
    alphabet=st.sampled_from(list("'=+-@\t\rabæøå 1")) | st.characters(codec="utf-8")
)


def meetings() -> pd.DataFrame:
    """A frame like the ones pages show: Danish headers, text, dates, numbers and gaps."""
    return pd.DataFrame(
        {
            "Kommune": ["Aarhus", "Ærø", '=HYPERLINK("http://x")', None],
            "Afholdt": [date(2017, 6, 23), None, date(2018, 1, 31), date(2021, 9, 14)],
            "Planlagt": pd.to_datetime(["2017-06-23", None, "2018-01-31", "2021-09-14"]),
            "Pris": [1234.5, float("nan"), 65000.0, 0.25],
            "Deltagere": [3, 0, 12, 7],
        }
    )


def read_csv(data: bytes) -> pd.DataFrame:
    """The CSV as Excel users' files are read: ';', UTF-8 with BOM, every field as text."""
    return pd.read_csv(
        io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )


def read_sheet(data: bytes):
    """The first sheet of the workbook, as openpyxl reads it."""
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Aarhus", "Møder og spor", "", "1234", "a=b", "'", "''", 1234, -2, -2.5, None]
)
def test_other_values_are_left_as_they_are(value):
    assert neutralise(value) == value


def test_dates_and_negative_numbers_are_left_as_they_are():
    assert neutralise(date(2017, 6, 23)) == date(2017, 6, 23)
    assert neutralise(-2) == -2 and isinstance(neutralise(-2), int)


@pytest.fixture(scope="module")
def unneutralise():
    """The importer's inverse of neutralise, as DuckDB runs it on every uploaded text value."""
    con = duckdb.connect()
    importer._macros(con)
    yield lambda text: con.execute("SELECT kl_unneutralise(?)", [text]).fetchone()[0]
    con.close()


def test_text_already_quoted_before_a_trigger_gets_one_more_quote(unneutralise):
    assert neutralise("'=1+1") == "''=1+1"
    assert unneutralise("''=1+1") == "'=1+1"


@pytest.mark.parametrize("text", ["Aarhus", "'Aarhus", "'", "", "a=b"])
def test_the_importer_leaves_text_without_a_quoted_trigger_alone(unneutralise, text):
    assert unneutralise(text) == text


@given(FILE_TEXT)
def test_the_importer_undoes_neutralise_for_every_text(unneutralise, text):
    assert unneutralise(neutralise(text)) == text


@given(TEXT)
def test_neutralised_text_never_starts_with_a_trigger(text):
    assert not neutralise(text).startswith(FORMULA_TRIGGERS)


def test_csv_starts_with_bom_and_uses_semicolons_and_crlf():
    data = to_csv(meetings())
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Kommune;Afholdt;Planlagt;Pris;Deltagere"
    assert lines[1] == "Aarhus;23-06-2017;23-06-2017;1234,5;3"
    assert lines[-1] == ""  # every line ends with \r\n
    assert "\n" not in data.decode("utf-8-sig").replace("\r\n", "")


def test_csv_reads_back_as_the_frame_in_danish_formats():
    frame = read_csv(to_csv(meetings()))
    assert list(frame.columns) == ["Kommune", "Afholdt", "Planlagt", "Pris", "Deltagere"]
    assert frame.to_dict("list") == {
        "Kommune": ["Aarhus", "Ærø", '\'=HYPERLINK("http://x")', ""],
        "Afholdt": ["23-06-2017", "", "31-01-2018", "14-09-2021"],
        "Planlagt": ["23-06-2017", "", "31-01-2018", "14-09-2021"],
        "Pris": ["1234,5", "", "65000,0", "0,25"],
        "Deltagere": ["3", "0", "12", "7"],
    }


def test_csv_keeps_danish_letters_in_utf8():
    data = to_csv(pd.DataFrame({"Område": ["Ærø", "Højby", "Åbenrå"]}))
    assert "Område".encode() in data and "Åbenrå".encode() in data


def test_csv_writes_no_thousands_separator_and_no_exponent():
    data = to_csv(pd.DataFrame({"Beløb": [1234567.5, 1e20, -0.5]}))
    assert read_csv(data)["Beløb"].tolist() == ["1234567,5", "100000000000000000000", "-0,5"]


def test_csv_writes_missing_values_as_empty_fields():
    frame = pd.DataFrame(
        {
            "Tekst": ["a", None],
            "Tal": pd.array([1, None], dtype="Int64"),
            "Dato": pd.to_datetime(["2017-06-23", None]),
        }
    )
    assert to_csv(frame).decode("utf-8-sig") == "Tekst;Tal;Dato\r\na;1;23-06-2017\r\n;;\r\n"


def test_csv_keeps_time_of_day_when_there_is_one():
    frame = pd.DataFrame({"Uploadet": [datetime(2024, 3, 5, 14, 30, 7)]})
    assert read_csv(to_csv(frame))["Uploadet"].tolist() == ["05-03-2024 14:30:07"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_neutralised_in_csv(text):
    frame = pd.DataFrame({"Navn": [text]})
    assert read_csv(to_csv(frame))["Navn"].tolist() == ["'" + text]


def test_csv_quotes_text_with_semicolons_and_line_breaks():
    frame = pd.DataFrame({"Note": ["a;b", "første linje\nanden linje"]})
    assert read_csv(to_csv(frame))["Note"].tolist() == ["a;b", "første linje\nanden linje"]


def test_xlsx_header_is_bold_and_frozen():
    sheet = read_sheet(to_xlsx(meetings()))
    assert [cell.value for cell in sheet[1]] == [
        "Kommune",
        "Afholdt",
        "Planlagt",
        "Pris",
        "Deltagere",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"


def test_xlsx_holds_real_dates_numbers_and_empty_cells():
    sheet = read_sheet(to_xlsx(meetings()))
    afholdt, planlagt, pris, deltagere = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"]
    assert afholdt.is_date and afholdt.value == datetime(2017, 6, 23)
    assert afholdt.number_format == "dd-mm-yyyy"
    assert planlagt.is_date and planlagt.number_format == "dd-mm-yyyy"
    assert pris.data_type == "n" and pris.value == 1234.5
    assert deltagere.data_type == "n" and deltagere.value == 3
    assert sheet["B3"].value is None and sheet["D3"].value is None and sheet["A5"].value is None
    assert sheet["A3"].value == "Ærø"


def test_formula_like_text_is_neutralised_in_xlsx():
    frame = pd.DataFrame({"Navn": FORMULA_LIKE, "Tal": [-2] * len(FORMULA_LIKE)})
    sheet = read_sheet(to_xlsx(frame))
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # Each text comes back as written (a carriage return too: openpyxl writes it with lxml,
    # which python-pptx brings in, as a character reference), with the quote before it.
    assert names == ["'" + text for text in FORMULA_LIKE]
    assert sheet["B2"].value == -2 and sheet["B2"].data_type == "n"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_cannot_hide_a_formula_in_xlsx():
    sheet = read_sheet(to_xlsx(pd.DataFrame({"Navn": ["\x01=1+1"]})))
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"


def test_xlsx_column_widths_fit_the_content_up_to_a_cap():
    frame = pd.DataFrame({"Id": [1], "Kommune": ["Ringkøbing-Skjern"], "Note": ["x" * 200]})
    sheet = read_sheet(to_xlsx(frame))
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] < widths[1] < widths[2] == 60
    assert widths[1] >= len("Ringkøbing-Skjern")


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Data", "Data"),
        ("Møder og spor", "Møder og spor"),
        ("Fremmøde [2017/2018]: i alt?", "Fremmøde -2017-2018-- i alt-"),
        ("Partnerskab om stærke børnefællesskaber i dagtilbud", "Partnerskab om stærke børnefæll"),
        ("'citat'", "citat"),
        ("", "Data"),
    ],
)
def test_sheet_names_are_made_valid(given_name, expected):
    assert read_sheet(to_xlsx(pd.DataFrame({"A": [1]}), given_name)).title == expected


def test_xlsx_of_an_empty_frame_has_the_header_only():
    sheet = read_sheet(to_xlsx(pd.DataFrame({"Kommune": [], "Antal": []})))
    assert [cell.value for cell in sheet[1]] == ["Kommune", "Antal"] and sheet.max_row == 1


@pytest.mark.parametrize(
    ("stem", "extension", "expected"),
    [
        ("Møder og spor – fremmøde", "csv", "moeder-og-spor-fremmoede.csv"),
        ("Åbenrå / Ærø", "xlsx", "aabenraa-aeroe.xlsx"),
        ("  Overblik: it-2017  ", "csv", "overblik-it-2017.csv"),
        ("Café", "csv", "cafe.csv"),
        ("–", "csv", "data.csv"),
    ],
)
def test_file_name_is_safe_and_readable(stem, extension, expected):
    assert file_name(stem, extension) == expected
