"""Hostile and clumsy files through the real importer, on a real copy of the example database.

Whatever arrives, ``importer.prepare`` and ``importer.store`` answer with a result or a
KlDashError: never another exception. Every refusal is Danish and names the file (and the
row, column and value where there is one); and after a refused file every table, the upload
log included, has exactly the fingerprint it had before.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile

import duckdb
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kl_dash import importer
from kl_dash.errors import DataError, InvalidInput, KlDashError

from .test_reading import workbook

# --- what is checked -----------------------------------------------------------------------


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Every table's rows (upload log included) as their count and the sum of their hashes,
    in one statement: a row changed, added or lost changes its table's (three times an
    example, so a third of what fetching and hashing every row in Python took)."""
    tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    ]
    each = [  # the names are the database's own tables, never input
        f"SELECT '{table}', count(*), sum(hash(r)::HUGEINT) FROM \"{table}\" AS r"
        for table in tables
    ]
    return {table: (n, h) for table, n, h in con.execute(" UNION ALL ".join(each)).fetchall()}


NOT_DANISH = re.compile(
    r"Error|Exception|Traceback|unterminated|Conflict|Constraint|violat|Invalid|"
    r"File is not|out of range|could not|Could not|No such",
)


def assert_danish(text: str, file_name: str | None = None) -> None:
    """Text a consultant can act on: no library's English, no temporary path, no raw bytes."""
    assert text.strip(), "an empty message"
    assert not NOT_DANISH.search(text), text
    assert tempfile.gettempdir() + "/" not in text, text
    assert not re.search("[\udc80-\udcff]", text), ascii(text)
    if file_name is not None:
        assert text.startswith(file_name), text


def assert_error_danish(error: DataError, file_name: str) -> None:
    assert_danish(error.message(), file_name)
    assert_danish(error.expected)


def outcome(con: duckdb.DuckDBPyConnection, kind: str, data: bytes, file_name: str) -> str:
    """'refused', 'stored' or 'unchanged', after checking the invariants of each."""
    before = fingerprint(con)
    try:
        prepared = importer.prepare(con, kind, data, file_name)
    except InvalidInput as exc:
        for error in exc.errors:
            assert_error_danish(error, file_name)
    except KlDashError as exc:
        assert_danish(str(exc))
    else:
        for problem in prepared.errors + prepared.warnings:
            assert_error_danish(problem, file_name)
    assert fingerprint(con) == before, "prepare changed the database"
    try:
        stored = importer.store(con, kind, data, file_name, "angriber")
    except InvalidInput as exc:
        assert exc.errors
        for error in exc.errors:
            assert_error_danish(error, file_name)
        assert fingerprint(con) == before
        return "refused"
    except KlDashError as exc:
        assert_danish(str(exc))
        assert fingerprint(con) == before
        return "refused"
    if stored.upload_id is None:
        assert fingerprint(con) == before
        return "unchanged"
    return "stored"


# --- hand-made files -----------------------------------------------------------------------


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return "".join(line + "\r\n" for line in lines).encode(encoding)


def rezip(xlsx: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            if member.filename not in parts:
                target.writestr(member, source.read(member))
        for name, content in parts.items():
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


STATUS_HEADER = ["partnerskab", "kriterie", "kommune", "dato", "status", "note"]
STATUS_ROW = ["it-2017", "1", "Frederiksberg", "31-01-2020", "i gang", "note"]
STATUS_XLSX = workbook([STATUS_HEADER, *[STATUS_ROW[:5] + [f"note {i}"] for i in range(50)]])


def _far_cell() -> bytes:
    book = Workbook()
    book.active.append(STATUS_HEADER)
    book.active.append(STATUS_ROW)
    book.active["XFD1048576"] = "glemt"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    with zipfile.ZipFile(io.BytesIO(STATUS_XLSX)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (60 * 2**20))
    return rezip(STATUS_XLSX, {"xl/worksheets/sheet1.xml": padded})


def _xlsm() -> bytes:
    with zipfile.ZipFile(io.BytesIO(STATUS_XLSX)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    return rezip(STATUS_XLSX, {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\0" * 64})


def _libreoffice_csv() -> bytes:
    return (
        '"partnerskab";"kriterie";"kommune";"dato";"status";"note"\n'
        '"it-2017";1;"Frederiksberg";"31-01-2020";"i gang";"Første linje\nAnden linje"\n'
    ).encode()


HEADER = "partnerskab;kriterie;kommune;dato;status;note"
GOOD = "it-2017;1;Frederiksberg;31-01-2020;i gang;"

# (what it is, kind, file name, bytes, expected outcome)
HAND_MADE = [
    *[
        (
            "truncated xlsx",
            "kriteriestatus",
            "afkortet.xlsx",
            STATUS_XLSX[: int(len(STATUS_XLSX) * s)],
            "refused",
        )
        for s in (0.01, 0.25, 0.5, 0.75, 0.98)
    ],
    ("zip bomb", "kriteriestatus", "bombe.xlsx", _zip_bomb(), "refused"),
    ("far cell", "kriteriestatus", "langt-ude.xlsx", _far_cell(), "refused"),
    ("macro workbook", "kriteriestatus", "makro.xlsm", _xlsm(), "refused"),
    (
        "old xls",
        "kriteriestatus",
        "gammel.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "refused",
    ),
    ("NUL bytes", "kriteriestatus", "nul.csv", csv_file(HEADER, GOOD + "a\x00b"), "refused"),
    (
        "mixed encodings",
        "kriteriestatus",
        "blandet.csv",
        csv_file(HEADER, GOOD + "æøå")
        + csv_file(GOOD.replace(";1;", ";2;") + "Køge", encoding="cp1252"),
        "refused",
    ),
    (
        "10,000 columns",
        "kriteriestatus",
        "bred.csv",
        csv_file(";".join(f"k{i}" for i in range(10_000)), "x"),
        "refused",
    ),
    ("1 MB cell", "kriteriestatus", "stor.csv", csv_file(HEADER, GOOD + "x" * 2**20), "refused"),
    (
        "duplicate keys with conflicting values",
        "kriteriestatus",
        "dobbelt.csv",
        csv_file(HEADER, GOOD + "a", GOOD.replace("i gang", "opnået") + "b"),
        "refused",
    ),
    (
        "date in year 1",
        "kriteriestatus",
        "dato.csv",
        csv_file(HEADER, GOOD.replace("2020", "0001")),
        "refused",
    ),
    (
        "date in 1899",
        "kriteriestatus",
        "dato.csv",
        csv_file(HEADER, GOOD.replace("2020", "1899")),
        "refused",
    ),
    (
        "date in 9999",
        "kriteriestatus",
        "dato.csv",
        csv_file(HEADER, GOOD.replace("2020", "9999")),
        "refused",
    ),
    (
        "count with a decimal point",
        "deltagere",
        "antal.csv",
        csv_file("partnerskab;kommune;gruppe;antal", "it-2017;Frederiksberg;Ledelsesspor;2.5"),
        "refused",
    ),
    (
        "negative count",
        "deltagere",
        "antal.csv",
        csv_file("partnerskab;kommune;gruppe;antal", "it-2017;Frederiksberg;Ledelsesspor;-4"),
        "refused",
    ),
    (
        "count beyond 32 bits",
        "deltagere",
        "antal.csv",
        csv_file(
            "partnerskab;kommune;gruppe;antal", "it-2017;Frederiksberg;Ledelsesspor;99999999999"
        ),
        "refused",
    ),
    (
        "SQL in a cell",
        "kriteriestatus",
        "sql.csv",
        csv_file(HEADER, "it-2017;1;'; DROP TABLE uploads; --;31-01-2020;i gang;"),
        "refused",
    ),
    ("empty file", "kriteriestatus", "tom.csv", b"", "refused"),
    ("only a header", "kriteriestatus", "overskrift.csv", csv_file(HEADER), "unchanged"),
    ("LibreOffice CSV", "kriteriestatus", "lo.csv", _libreoffice_csv(), "stored"),
]


@pytest.mark.parametrize(
    ("kind", "file_name", "data", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in HAND_MADE],
)
def test_a_hand_made_hostile_file_is_answered_in_danish_and_a_refusal_changes_nothing(
    con, kind, file_name, data, expected
):
    assert outcome(con, kind, data, file_name) == expected


# --- generated files -----------------------------------------------------------------------

HOSTILE_CELLS = [
    "",
    " ",
    '"',
    '""',
    "a\r\nb",
    "a\nb",
    "\x00",
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE uploads; --",
    "Ã¦Ã¸",
    "æøå",
    "\ufeff",
    "\u202e",
    "x" * 20_000,
    "31-02-2021",
    "0001-01-01",
    "9999-12-31",
    "2.5",
    "1.234",
    "-1",
    "99999999999999999999",
    "NaN",
    "it-2017",
    "faellesskaber-2021",
    "Frederiksberg",
    "Aarhus",
    "ps-1",
    "i gang",
    "Ledelsesspor",
    "31-01-2020",
    "1",
]
CELLS = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=20))


def _quoted(cell: str, sep: str) -> str:
    if any(c in cell for c in (sep, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def hostile_csv(draw) -> tuple[str, bytes]:
    """A kind and a CSV file for it: its headers, then rows of plausible and hostile cells."""
    kind = draw(st.sampled_from(sorted(importer.KINDS)))
    headers = [c.name for c in importer.KINDS[kind].columns]
    headers = draw(st.permutations(headers)) + draw(st.lists(CELLS, max_size=2))
    sep = draw(st.sampled_from([";", ",", "\t"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(headers) + 2), max_size=6))
    text = newline.join(sep.join(_quoted(c, sep) for c in row) for row in [headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # a line from another file in another encoding
        pasted = sep.join(draw(st.lists(CELLS, max_size=4))) + newline
        data += pasted.encode(draw(st.sampled_from(["cp1252", "utf-8", "latin-1"])), "replace")
    if draw(st.integers(0, 4)) == 0:
        cut = draw(st.floats(0.0, 1.0, exclude_max=True))
        data = data[: int(cut * len(data))]
    return kind, data


@st.composite
def hostile_xlsx(draw) -> tuple[str, bytes]:
    """A kind and a workbook for it, perhaps damaged: a part replaced, truncated or flipped."""
    kind = draw(st.sampled_from(sorted(importer.KINDS)))
    headers = [c.name for c in importer.KINDS[kind].columns]
    rows = draw(st.lists(st.lists(CELLS, max_size=len(headers) + 1), max_size=4))
    clean = [
        [re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", c)[:30_000] for c in row]
        for row in [headers, *rows]
    ]
    data = workbook(clean)
    damage = draw(st.sampled_from(["none", "part", "truncate", "flip"]))
    if damage == "part":
        part = draw(
            st.sampled_from(
                [
                    "xl/worksheets/sheet1.xml",
                    "xl/workbook.xml",
                    "xl/styles.xml",
                    "[Content_Types].xml",
                    "xl/_rels/workbook.xml.rels",
                ]
            )
        )
        data = rezip(data, {part: draw(st.binary(max_size=200))})
    elif damage == "truncate":
        data = data[: int(draw(st.floats(0.0, 1.0, exclude_max=True)) * len(data))]
    elif damage == "flip":
        position = int(draw(st.floats(0.0, 1.0, exclude_max=True)) * len(data))
        data = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]
    return kind, data


HYPOTHESIS = settings(
    max_examples=100,  # a new draw each run; 150 cost the suite 25 s more
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
@HYPOTHESIS
@given(upload=hostile_csv())
def test_a_generated_hostile_csv_is_answered_in_danish_and_a_refusal_changes_nothing(con, upload):
    kind, data = upload
    event(outcome(con, kind, data, "fjendtlig.csv"))


@pytest.mark.slow
@HYPOTHESIS
@given(upload=hostile_xlsx())
def test_a_generated_hostile_workbook_is_answered_in_danish_and_a_refusal_changes_nothing(
    con, upload
):
    kind, data = upload
    event(outcome(con, kind, data, "fjendtlig.xlsx"))


@pytest.mark.slow
@HYPOTHESIS
@given(kind=st.sampled_from(sorted(importer.KINDS)), data=st.binary(min_size=1, max_size=2000))
def test_random_bytes_are_answered_in_danish_and_change_nothing(con, kind, data):
    assert outcome(con, kind, data, "tilfaeldig.bin") in ("refused", "unchanged")
