"""Reading uploads under clumsy and hostile input: limits, encodings, workbooks that lie.

Every test reads with the real reader into a real DuckDB file (a copy of the example
database); files are built here as Excel, LibreOffice or an attacker would write them.
"""

from __future__ import annotations

import dataclasses
import io
import re
import tempfile
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from kl_dash import config, importer, reading
from kl_dash.errors import DataError, InvalidInput

HEADER = ["partnerskab", "kriterie", "kommune", "dato", "status", "note"]
ROW = ["it-2017", "1", "Frederiksberg", "31-01-2020", "i gang"]
NOTE = "Første linje\nAnden linje"


def workbook(rows: list[list], title: str = "Ark1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(xlsx: bytes, parts: dict[str, bytes | None]) -> bytes:
    """The workbook with some of its zip members replaced, added or (None) removed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            if member.filename not in parts:
                target.writestr(member, source.read(member))
        for name, content in parts.items():
            if content is not None:
                target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refusal(con, data: bytes, file_name: str, **limits) -> DataError:
    """The one error reading ``data`` is refused with (under ``limits``, if given)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "LIMITS", dataclasses.replace(config.LIMITS, **limits))
        with pytest.raises(InvalidInput) as refused:
            reading.read_upload(con, data, file_name)
    (error,) = refused.value.errors
    assert_danish(error, file_name)
    return error


ENGLISH = re.compile(
    r"Error|error|Exception|Traceback|unterminated|quote|expected|Invalid|File is not", re.I
)


def assert_danish(error: DataError, file_name: str) -> None:
    """A refusal a consultant can act on: the file named, Danish words, no paths or jargon."""
    message = error.message()
    assert message.startswith(file_name), message
    assert error.expected and not ENGLISH.search(error.expected), error.expected
    assert tempfile.gettempdir() not in message and "/tmp" not in message, message
    assert not re.search("[\udc80-\udcff]", message), message


# --- a note with a line break in the first data row ---------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_note_with_a_line_break_in_the_first_csv_row_is_stored(con, newline):
    text = newline.join([";".join(HEADER), ";".join([*ROW, f'"{NOTE.replace(chr(10), newline)}"'])])
    data = (text + newline).encode("utf-8")

    importer.store(con, "kriteriestatus", data, "status.csv", "konsulent")

    assert con.execute(
        "SELECT note FROM criterion_status WHERE source LIKE 'upload:%'"
    ).fetchall() == [(NOTE,)]


def test_a_note_with_a_line_break_in_the_first_sheet_row_is_stored(con):
    data = workbook([HEADER, [*ROW, NOTE]])

    importer.store(con, "kriteriestatus", data, "status.xlsx", "konsulent")

    assert con.execute(
        "SELECT note FROM criterion_status WHERE source LIKE 'upload:%'"
    ).fetchall() == [(NOTE,)]


# --- LibreOffice -------------------------------------------------------------------------

# As LibreOffice Calc 7 saves CSV: every text cell quoted, numbers bare, LF line ends,
# a line break inside a quoted cell, quotes doubled.
LIBREOFFICE_CSV = (
    '"partnerskab";"kriterie";"kommune";"dato";"status";"note"\n'
    '"it-2017";1;"Frederiksberg";"31-01-2020";"i gang";"Første linje\nAnden linje æøå"\n'
    '"it-2017";2;"Frederiksberg";"31-01-2020";"i gang";"Han sagde ""ja""; ok"\n'
).encode()

# The parts of an .xlsx file as LibreOffice Calc 7 writes them (trimmed): row attributes,
# explicit t="n", shared strings with xml:space and a line break as &#10;.
LIBREOFFICE_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr>'
    '<dimension ref="A1:F3"/><sheetFormatPr defaultColWidth="8.5390625" defaultRowHeight="15" '
    'zeroHeight="false" outlineLevelRow="0" outlineLevelCol="0"></sheetFormatPr><sheetData>'
    + "".join(
        f'<row r="{r}" customFormat="false" ht="15" hidden="false" customHeight="false" '
        f'outlineLevel="0" collapsed="false">'
        + "".join(
            f'<c r="{col}{r}" s="0" t="{t}"><v>{v}</v></c>'
            for col, (t, v) in zip("ABCDEF", cells, strict=True)
        )
        + "</row>"
        for r, cells in (
            (1, [("s", 0), ("s", 1), ("s", 2), ("s", 3), ("s", 4), ("s", 5)]),
            (2, [("s", 6), ("n", 1), ("s", 7), ("s", 8), ("s", 9), ("s", 10)]),
            (3, [("s", 6), ("n", 2), ("s", 7), ("s", 8), ("s", 9), ("s", 11)]),
        )
    )
    + '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
    'header="0.511811023622047" footer="0.511811023622047"/></worksheet>'
).encode()
LIBREOFFICE_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="16" '
    'uniqueCount="12">'
    + "".join(
        f'<si><t xml:space="preserve">{text}</t></si>'
        for text in [
            *HEADER,
            "it-2017",
            "Frederiksberg",
            "31-01-2020",
            "i gang",
            "Første linje&#10;Anden linje æøå",
            "Han sagde &quot;ja&quot;; ok",
        ]
    )
    + "</sst>"
).encode()


LIBREOFFICE_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<fileVersion appName="Calc"/><workbookPr backupFile="false" showObjects="all" '
    'date1904="false"/><workbookProtection/><sheets><sheet name="Ark1" sheetId="1" '
    'state="visible" r:id="rId2"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="General"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="164" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="1"><xf numFmtId="164" fontId="0" fillId="0" '
    'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
    'xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def libreoffice_xlsx() -> bytes:
    """The workbook LIBREOFFICE_CSV holds, with the parts LibreOffice Calc 7 writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in LIBREOFFICE_PARTS.items():
            z.writestr(name, content)
        z.writestr("xl/worksheets/sheet1.xml", LIBREOFFICE_SHEET)
        z.writestr("xl/sharedStrings.xml", LIBREOFFICE_STRINGS)
    return out.getvalue()


def test_csv_saved_by_libreoffice_is_stored(con):
    importer.store(con, "kriteriestatus", LIBREOFFICE_CSV, "lo.csv", "konsulent")

    assert con.execute(
        "SELECT criterion_no, note FROM criterion_status WHERE source LIKE 'upload:%' ORDER BY 1"
    ).fetchall() == [(1, "Første linje\nAnden linje æøå"), (2, 'Han sagde "ja"; ok')]


def test_workbook_saved_by_libreoffice_is_stored(con):
    data = libreoffice_xlsx()

    importer.store(con, "kriteriestatus", data, "lo.xlsx", "konsulent")

    assert con.execute(
        "SELECT criterion_no, note FROM criterion_status WHERE source LIKE 'upload:%' ORDER BY 1"
    ).fetchall() == [(1, "Første linje\nAnden linje æøå"), (2, 'Han sagde "ja"; ok')]


# --- workbooks far out, packed tight, or not workbooks at all ------------------------------


def test_a_value_at_xfd1048576_is_refused_naming_the_cell(con):
    book = Workbook()
    book.active.append(HEADER)
    book.active["XFD1048576"] = "glemt"
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(buffer.getvalue()) < 10_000

    error = refusal(con, buffer.getvalue(), "langt-ude.xlsx")

    assert (error.row, error.column, error.value) == (1048576, "XFD", "glemt")
    assert "højst 200 kolonner" in error.expected


def test_a_formatted_empty_cell_at_xfd1048576_leaves_the_small_sheet_it_is_in(con):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append([*ROW, "note"])
    book.active["XFD1048576"].fill = PatternFill("solid", fgColor="FFFF00")
    buffer = io.BytesIO()
    book.save(buffer)

    raw = reading.read_upload(con, buffer.getvalue(), "formateret.xlsx")

    assert (raw.headers, raw.rows, raw.problems) == (HEADER, 1, [])


def test_a_value_in_the_last_excel_row_is_refused_as_too_many_rows(con):
    book = Workbook()
    book.active.append(HEADER)
    book.active["A1048576"] = "glemt"
    buffer = io.BytesIO()
    book.save(buffer)

    error = refusal(con, buffer.getvalue(), "langt-nede.xlsx")

    assert (error.row, error.value) == (1048576, "glemt")
    assert "højst 1.000.000 rækker" in error.expected


def _bomb(megabytes: int) -> bytes:
    """A valid workbook whose sheet is padded with ``megabytes`` MB of spaces."""
    book = workbook([HEADER, [*ROW, "x"]])
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (megabytes * 2**20))
    return with_parts(book, {"xl/worksheets/sheet1.xml": padded})


def test_a_zip_bomb_is_refused_before_it_is_unpacked(con):
    data = _bomb(150)
    assert len(data) < 500_000

    error = refusal(con, data, "bombe.xlsx")

    assert "zip-bombe" in error.expected
    assert error.value.startswith("xl/worksheets/sheet1.xml: ")


def test_a_workbook_larger_unpacked_than_the_limit_is_refused(con):
    error = refusal(con, _bomb(3), "stor.xlsx", unpacked_bytes=2 * 2**20, zip_ratio=10_000)

    assert error.expected == "en Excel-fil på højst 2 MB udpakket"
    assert error.value == "3 MB udpakket"


def test_a_workbook_that_lies_about_its_unpacked_size_is_refused(con):
    data = bytearray(_bomb(20))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        member = z.getinfo("xl/worksheets/sheet1.xml")
    # Declare an unpacked size of 1,000 bytes in its local header and its central entry.
    data[member.header_offset + 22 : member.header_offset + 26] = (1000).to_bytes(4, "little")
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(member.filename)] != member.filename.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1000

    error = refusal(con, bytes(data), "loegn.xlsx")

    assert "beskadiget" in error.expected


@pytest.mark.parametrize("share", [0.05, 0.3, 0.6, 0.9, 0.99])
def test_a_truncated_workbook_is_refused(con, share):
    data = workbook([HEADER, *([[*ROW, f"note {i}"] for i in range(200)])])

    error = refusal(con, data[: int(len(data) * share)], "afkortet.xlsx")

    assert "der kan åbnes" in error.expected


def test_a_macro_workbook_is_refused_with_how_to_save_it(con):
    book = workbook([HEADER, [*ROW, "x"]])
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    data = with_parts(book, {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\0" * 64})

    error = refusal(con, data, "makro.xlsm")

    assert error.value == "en projektmappe med makroer (.xlsm)"
    assert "gem den i Excel som Excel-projektmappe (.xlsx)" in error.expected


@pytest.mark.parametrize(
    ("parts", "found"),
    [
        (
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
            "et OpenDocument-dokument (.ods)",
        ),
        ({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}, "en zip-fil"),
        ({"billede.png": b"\x89PNG"}, "en zip-fil"),
    ],
)
def test_other_zip_files_are_refused_saying_what_they_are(con, parts, found):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)

    error = refusal(con, out.getvalue(), "andet.xlsx")

    assert error.value.startswith(found)


def test_an_old_xls_file_is_refused_with_how_to_save_it(con):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)

    error = refusal(con, data, "gammel.xls")

    assert "gammel Excel-fil (.xls)" in error.value


def test_a_workbook_with_an_empty_sheet_is_refused(con):
    error = refusal(con, workbook([]), "tom.xlsx")

    assert error.expected == "et ark med en overskriftsrække"


# --- encodings, NUL, sizes -----------------------------------------------------------------


def test_a_windows_1252_line_in_a_utf8_file_is_an_error_naming_row_column_and_value(con):
    data = (
        "partnerskab;kommune;interesse\r\nfaellesskaber-2021;Århus;23-06-2021\r\n".encode()
        + "faellesskaber-2021;Køge;23-06-2021\r\n".encode("cp1252")
    )

    prepared = importer.prepare(con, "tilmeldinger", data, "blandet.csv")

    (error,) = prepared.errors
    assert (error.row, error.column, error.value) == (3, "kommune", "Køge")
    assert 'Gem filen igen som "CSV UTF-8"' in error.expected
    assert prepared.raw.encoding == "UTF-8"


def test_a_windows_1252_line_after_a_bom_is_an_error_too(con):
    data = b"\xef\xbb\xbfpartnerskab;kommune;interesse\r\n" + (
        "faellesskaber-2021;Køge;23-06-2021\r\n".encode("cp1252")
    )

    error = importer.prepare(con, "tilmeldinger", data, "bom.csv").errors[0]

    assert (error.row, error.column, error.value) == (2, "kommune", "Køge")


def test_a_file_wholly_in_windows_1252_is_still_read_as_windows_1252(con):
    data = "partnerskab;kommune;interesse\r\nfaellesskaber-2021;Køge;23-06-2021\r\n".encode(
        "cp1252"
    )

    prepared = importer.prepare(con, "tilmeldinger", data, "ansi.csv")

    assert prepared.ok and prepared.raw.encoding == "Windows-1252"


def test_a_nul_byte_in_a_cell_is_an_error_naming_the_cell(con):
    data = b"partnerskab;kommune;interesse\r\nfaellesskaber-2021;Aar\x00hus;23-06-2021\r\n"

    (error,) = importer.prepare(con, "tilmeldinger", data, "nul.csv").errors

    assert (error.row, error.column, error.value) == (2, "kommune", "Aar␀hus")
    assert "uden NUL-tegn" in error.expected


def test_ten_thousand_columns_are_refused_at_the_header(con):
    data = (";".join(f"k{i}" for i in range(10_000)) + "\r\n" + "x\r\n").encode()

    error = refusal(con, data, "bred.csv")

    assert (error.row, error.value) == (1, "10.000 kolonner")
    assert error.expected == "højst 200 kolonner i overskriftsrækken"


def test_ten_thousand_filled_columns_in_a_sheet_are_refused_naming_the_last(con):
    error = refusal(con, workbook([[f"k{i}" for i in range(10_000)]]), "bred.xlsx")

    assert (error.row, error.column, error.value) == (1, "NTP", "k9999")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_cell_of_a_megabyte_is_an_error_showing_its_start(con, file_format):
    big = "a" * 2**20 if file_format == "csv" else "a" * 30_000  # Excel's own cap is 32,767
    if file_format == "csv":
        data = ("partnerskab;kommune;interesse\r\nfaellesskaber-2021;Aarhus;" + big).encode()
    else:
        data = workbook([["partnerskab", "kommune", "interesse"], ["x", "Aarhus", big]])

    raw = reading.read_upload(con, data, f"stor.{file_format}")

    (error,) = raw.problems
    assert (error.row, error.column) == (2, "interesse")
    assert error.value == "a" * 59 + "…"
    assert error.expected.startswith("højst 10.000 tegn i en celle")


@pytest.mark.parametrize(
    "data",
    [b"partnerskab;kommune;interesse\r\n", workbook([["partnerskab", "kommune", "interesse"]])],
)
def test_a_file_of_only_a_header_reads_as_no_rows(con, data):
    raw = reading.read_upload(con, data, "kun-overskrift")

    assert (raw.headers, raw.rows, raw.problems) == (["partnerskab", "kommune", "interesse"], 0, [])


def test_rows_beyond_the_limit_are_refused_at_the_first_one_over(con):
    data = b"a;b\r\n" + b"".join(b"%d;x\r\n" % i for i in range(5))

    error = refusal(con, data, "lang.csv", rows=3)

    assert (error.row, error.value) == (5, "3")
    assert error.expected == "højst 3 rækker under overskriftsrækken"


def test_reading_past_the_time_limit_is_refused(con):
    error = refusal(con, b'a;b\r\n1;"x"\r\n', "langsom.csv", seconds=0)

    assert error.expected.startswith("en fil, der kan læses på højst 0 sekunder")


def test_cell_problems_kept_stop_one_past_the_limit(con, monkeypatch):
    monkeypatch.setattr(config, "LIMITS", dataclasses.replace(config.LIMITS, errors_kept=3))
    data = b"a;b\r\n" + b"x\x00;y\r\n" * 10

    raw = reading.read_upload(con, data, "nul.csv")

    assert len(raw.problems) == 4


def test_a_workbook_whose_content_types_do_not_inflate_is_refused(con):
    # Found by the hostile-input suite: zlib's error escaped the check of the zip's parts.
    data = bytearray(workbook([HEADER, [*ROW, "x"]]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        member = z.getinfo("[Content_Types].xml")
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    data[start : start + 8] = b"\xff" * 8

    error = refusal(con, bytes(data), "typer.xlsx")

    assert "der kan åbnes" in error.expected
