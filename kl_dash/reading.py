"""Reading what consultants send: CSV as Excel or LibreOffice writes it, or an .xlsx workbook.

The rows are loaded with DuckDB's CSV reader into a temporary table ``upload_raw`` with one
VARCHAR column per header and the row number as Excel shows it (the header is row 1). The
separator of a CSV file is sniffed (``;``, ``,`` or tab).

Limits (``kl_dash.config.LIMITS``) are enforced before the expensive work, and every refusal
is an ``InvalidInput`` in Danish naming the file, and the row, column and value where there is
one; never a library's English message or a temporary path:

- columns are counted on the header (CSV) or on the cells that hold a value (.xlsx); rows,
  time and cell length while reading. Rows are streamed, never padded to a sheet's declared
  size, so a single cell at XFD1048576 costs no more than its row and is refused by name.
- an .xlsx file is checked as a zip before openpyxl opens it: the declared unpacked sizes
  (Python's zipfile holds each member to its declared size) and each large member's
  compression ratio (a zip bomb). Macro workbooks (.xlsm), binary ones (.xlsb), OpenDocument
  sheets, old .xls files and other zip files are refused with a word on how to save them.

Encodings: UTF-8 (with or without BOM) or Windows-1252, decided for the whole file. A file in
UTF-8 that also holds bytes foreign to UTF-8 (rows pasted from a Windows-1252 file) is
refused, not decoded line by line: each such cell is an error naming its row, its column and
its value as Windows-1252 reads it, so the consultant sees what is wrong and saves the file
again as "CSV UTF-8". Guessing per line could store a wrong guess without anyone noticing.

Cell problems (a NUL byte, a cell longer than the limit, a foreign encoding, a row longer than
the header) are collected in ``RawFile.problems`` (at most ``LIMITS.errors_kept`` plus one,
so a caller can say there are more); the cell is loaded cleaned, and the problems keep the
file from being stored.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import duckdb

from . import config
from .errors import DataError, InvalidInput

SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}
BOM = b"\xef\xbb\xbf"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx files protected by a password
RATIO_CHECKED_FROM = 1024 * 1024  # members smaller than this may compress as well as they like
_FOREIGN = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept as surrogate escapes
_UTF8_LETTER = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")  # non-ASCII decoded as UTF-8
_SHOWN_CHARS = 60  # characters of a long value shown in a message
_TIME_CHECK_EVERY = 4096  # rows between looks at the clock

# Python's csv module refuses fields over 128 KB with an English error and no cell named; the
# upload's size bounds a field already, and LIMITS.cell_chars judges each cell by its row
# and column.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class RawFile:
    """What was read: encoding and separator found, the headers as written, rows read."""

    file_name: str
    encoding: str
    separator: str | None
    headers: list[str]
    rows: int
    problems: list[DataError] = field(default_factory=list)


def header_key(text: str) -> str:
    """A header as compared: case, spaces, BOM and æ/ø/å written as ae/oe/aa forgiven."""
    key = text.replace("\ufeff", "").strip().lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        key = key.replace(letter, spelled)
    return re.sub(r"[\s_\-.]+", "", key)


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _shown(text: str) -> str:
    """A value as a message shows it: NUL visible, foreign bytes as Windows-1252, shortened."""
    text = _as_cp1252(text).replace("\x00", "␀")
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _as_cp1252(text: str) -> str:
    """Text whose foreign bytes (surrogate escapes) are read as Windows-1252."""
    if not _FOREIGN.search(text):
        return text
    raw = text.encode("utf-8", errors="surrogateescape")
    return raw.decode("cp1252", errors="replace")


def _refuse(
    file_name: str,
    expected: str,
    value: object = None,
    row: int | None = None,
    column: str | None = None,
) -> InvalidInput:
    return InvalidInput([DataError(file_name, row, column, value, expected)])


def decode(data: bytes) -> tuple[str, str]:
    """The text and a Danish name of its encoding (UTF-8, UTF-8 med BOM or Windows-1252).

    A file is UTF-8 when it starts with a BOM, is valid UTF-8, or holds any letter beyond
    ASCII written as UTF-8; its bytes that are not UTF-8 are then kept as surrogate escapes
    for the reader to refuse cell by cell. Otherwise it is Windows-1252, as Excel writes
    "CSV (semikolonsepareret)".
    """
    bom = data.startswith(BOM)
    body = data[len(BOM) :] if bom else data
    text = body.decode("utf-8", errors="surrogateescape")
    if bom or not _FOREIGN.search(text) or _UTF8_LETTER.search(text):
        return text, "UTF-8 med BOM" if bom else "UTF-8"
    return body.decode("cp1252", errors="replace"), "Windows-1252"


def sniff_separator(text: str) -> str:
    """The separator of the header line: the most frequent of ; , and tab outside quotes."""
    line = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def _check_header_width(headers: list[str], file_name: str) -> None:
    limit = config.LIMITS.columns
    if len(headers) > limit:
        raise _refuse(
            file_name,
            f"højst {_number(limit)} kolonner i overskriftsrækken",
            f"{_number(len(headers))} kolonner",
            row=1,
        )


def _clean_headers(headers: list[str | None], file_name: str) -> tuple[list[str], list[DataError]]:
    """Headers safe to show and compare, and the problems of those that were not."""
    cleaned, problems = [], []
    for index, header in enumerate(headers):
        text = header or ""
        if expected := _cell_expected(text):
            problems.append(DataError(file_name, 1, f"kolonne {index + 1}", _shown(text), expected))
            text = _clean(text)
        cleaned.append(text)
    return cleaned, problems


def _cell_expected(text: str) -> str | None:
    """What one cell's text should have been, when it is not acceptable."""
    limit = config.LIMITS.cell_chars
    if len(text) > limit:
        return f"højst {_number(limit)} tegn i en celle (cellen har {_number(len(text))})"
    if "\x00" in text:
        return "tekst uden NUL-tegn (filen er måske ikke en tekst- eller CSV-fil)"
    if _FOREIGN.search(text):
        return (
            "tekst i UTF-8 som resten af filen; cellen er skrevet i en anden tegnkodning "
            "(vist her som Windows-1252), måske kopieret fra en anden fil. Gem filen igen som "
            '"CSV UTF-8"'
        )
    return None


def _clean(text: str) -> str:
    """A cell's text as loaded when it has a problem: shortened, without NUL, decoded."""
    return _as_cp1252(text[: config.LIMITS.cell_chars]).replace("\x00", "")


def _load(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[tuple[int, list[str | None]]],
    headers: list[str],
    file_name: str,
    deadline: float,
    problems: list[DataError],
) -> int:
    """Write numbered records to a temporary CSV file and load it with DuckDB's reader.

    Rows that are blank in every cell are skipped (Excel leaves them when rows are cleared);
    the others keep the row number the user sees in Excel. Rows past the limit, or reading
    past the deadline, are refused; cell problems are added to ``problems``. Returns the rows.
    """
    limits = config.LIMITS
    width = len(headers)
    rows = 0

    def add(problem: DataError) -> None:
        if len(problems) <= limits.errors_kept:
            problems.append(problem)

    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", delete=False, encoding="utf-8", newline=""
    ) as f:
        path = f.name
        try:
            writer = csv.writer(f, lineterminator="\n")
            for seen, (number, cells) in enumerate(records):
                if seen % _TIME_CHECK_EVERY == 0 and time.monotonic() > deadline:
                    raise _refuse(
                        file_name,
                        f"en fil, der kan læses på højst {limits.seconds:g} sekunder; del den "
                        "op i flere filer",
                        row=number,
                    )
                if all(c is None or not str(c).strip() for c in cells):
                    continue
                if number > limits.rows + 1:
                    first = next(c for c in cells if c is not None and str(c).strip())
                    raise _refuse(
                        file_name,
                        f"højst {_number(limits.rows)} rækker under overskriftsrækken",
                        _shown(str(first)),
                        row=number,
                    )
                if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
                    extra = next(c for c in cells[width:] if c not in (None, ""))
                    add(
                        DataError(
                            file_name,
                            number,
                            None,
                            _shown(extra),
                            f"højst {width} kolonner, som overskriftsrækken",
                        )
                    )
                cells = cells[:width] + [None] * (width - len(cells))
                for index, cell in enumerate(cells):
                    if cell is not None and (expected := _cell_expected(cell)):
                        column = headers[index] or f"kolonne {index + 1}"
                        add(DataError(file_name, number, column, _shown(cell), expected))
                        cells[index] = _clean(cell)
                writer.writerow([number, *cells])
                rows += 1
        except BaseException:
            f.close()
            os.unlink(path)
            raise
    columns = {"rownum": "INTEGER"} | {f"c{i}": "VARCHAR" for i in range(width)}
    try:
        con.execute("DROP TABLE IF EXISTS upload_raw")
        con.execute(
            "CREATE TEMP TABLE upload_raw AS SELECT * FROM read_csv(?, delim = ',', "
            "header = false, quote = '\"', escape = '\"', new_line = '\\n', columns = ?, "
            "auto_detect = false, parallel = false)",
            [path, columns],
        )
    except duckdb.Error as exc:
        raise _refuse(file_name, "en fil, der kan læses (rækkerne kunne ikke indlæses)") from exc
    finally:
        os.unlink(path)
    return rows


def _read_plain(
    con: duckdb.DuckDBPyConnection, text: str, separator: str, headers: list[str]
) -> int | None:
    """The common case read by DuckDB alone: plain cells, no blank rows, no overlong rows.

    Then every line is one record, and the line number is the row number Excel shows.
    Returns the rows, or None when the file needs the careful path.
    """
    if '"' in text or "\x00" in text or _FOREIGN.search(text):
        return None
    body = text.partition("\n")[2]
    lines = body.rstrip("\n").split("\n") if body.strip() else []
    if not lines or len(lines) > config.LIMITS.rows:
        return None
    if max(map(len, lines)) > config.LIMITS.cell_chars:
        return None
    if any(not line.replace(separator, "").strip() for line in lines):
        return None
    if any(line.count(separator) >= len(headers) for line in lines):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    try:
        con.execute("DROP TABLE IF EXISTS upload_raw")
        con.execute(
            "CREATE TEMP TABLE upload_raw AS SELECT CAST(row_number() OVER () AS INTEGER) + 1 "
            "AS rownum, * FROM read_csv(?, delim = ?, header = false, quote = '', escape = '', "
            "columns = ?, auto_detect = false, parallel = false, null_padding = true)",
            [path, separator, columns],
        )
    except duckdb.Error:
        return None
    finally:
        os.unlink(path)
    (rows,) = con.execute("SELECT count(*) FROM upload_raw").fetchall()[0]
    return rows if rows == len(lines) else None


def read_csv(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, deadline: float | None = None
) -> RawFile:
    """Load a CSV file's rows into ``upload_raw``; the header row is returned, not loaded."""
    deadline = deadline if deadline is not None else time.monotonic() + config.LIMITS.seconds
    text, encoding = decode(data)
    if not text.strip():
        raise _refuse(file_name, "en fil med en overskriftsrække")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    separator = sniff_separator(text)
    records = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=separator), start=1)
    try:
        _, header = next(records)
        _check_header_width(header, file_name)
        headers, problems = _clean_headers(header, file_name)
        rows = _read_plain(con, text, separator, headers)
        if rows is None:
            rows = _load(con, records, headers, file_name, deadline, problems)
    except csv.Error as exc:
        raise _refuse(file_name, "en CSV-fil, der kan læses") from exc
    return RawFile(file_name, encoding, SEPARATORS[separator], headers, rows, problems)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_workbook_zip(data: bytes, file_name: str) -> None:
    """Refuse a file that is not an .xlsx workbook, or would unpack too large, before openpyxl."""
    limits = config.LIMITS
    broken = "en Excel-fil (.xlsx) der kan åbnes; filen er ufuldstændig eller beskadiget"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # zipfile's own, or struct and zlib errors from a broken directory
        raise _refuse(file_name, broken, f"{_number(len(data))} bytes") from exc
    total = sum(m.file_size for m in members)
    if total > limits.unpacked_bytes:
        raise _refuse(
            file_name,
            f"en Excel-fil på højst {_number(limits.unpacked_bytes // 2**20)} MB udpakket",
            f"{_number(total // 2**20)} MB udpakket",
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM and member.file_size > limits.zip_ratio * max(
            member.compress_size, 1
        ):
            raise _refuse(
                file_name,
                f"en Excel-fil, hvis dele højst fylder {limits.zip_ratio} gange så meget "
                "udpakket; filen ligner en zip-bombe",
                f"{member.filename}: {_number(member.compress_size)} bytes pakket, "
                f"{_number(member.file_size)} udpakket",
            )
    names = {m.filename for m in members}
    try:
        types = (
            archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
            if "[Content_Types].xml" in names
            else ""
        )
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception as exc:  # zipfile's own, zlib's, or an unsupported method: all broken
        raise _refuse(file_name, broken, f"{_number(len(data))} bytes") from exc
    save_as = "; gem den i Excel som Excel-projektmappe (.xlsx)"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        found = "et OpenDocument-dokument (.ods)"
    elif "macroEnabled" in types or "xl/vbaProject.bin" in names:
        found = "en projektmappe med makroer (.xlsm)"
    elif "sheet.binary" in types or "xl/workbook.bin" in names:
        found = "en binær projektmappe (.xlsb)"
    elif "spreadsheetml" not in types:
        found = "en zip-fil, men ikke en Excel-projektmappe"
        save_as = ""
    else:
        return
    raise _refuse(file_name, "en Excel-projektmappe (.xlsx) eller en CSV-fil" + save_as, found)


def _sheet_records(sheet, file_name: str) -> Iterator[tuple[int, list[str | None]]]:
    """The sheet's rows as (Excel row number, cell texts), cut after the last value.

    Rows are streamed as stored; cells past the column limit that hold a value are refused
    by name (a formatted but empty cell far out is ignored).
    """
    from openpyxl.utils import get_column_letter

    limit = config.LIMITS.columns
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        last = len(values)
        while last and values[last - 1] in (None, ""):
            last -= 1
        if not last:
            continue
        if last > limit:
            raise _refuse(
                file_name,
                f"højst {limit} kolonner (A-{get_column_letter(limit)}) med indhold; slet "
                "cellen, eller kopiér kun de kolonner, der skal indlæses, til et nyt ark",
                _shown(str(values[last - 1])),
                row=number,
                column=get_column_letter(last),
            )
        yield number, [_cell_text(v) for v in values[:last]]


def read_xlsx(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    sheet: str | None = None,
    deadline: float | None = None,
) -> RawFile:
    """Load the first (or the named) sheet of a workbook into ``upload_raw``."""
    from openpyxl import load_workbook

    deadline = deadline if deadline is not None else time.monotonic() + config.LIMITS.seconds
    _check_workbook_zip(data, file_name)
    broken = "en Excel-fil (.xlsx) der kan åbnes; filen er beskadiget"
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _refuse(file_name, broken, f"{_number(len(data))} bytes") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise _refuse(
                file_name, "et af arkene " + ", ".join(book.sheetnames), sheet, column="ark"
            )
        worksheet = book[sheet] if sheet else (book.worksheets or [None])[0]
        if worksheet is None or not hasattr(worksheet, "reset_dimensions"):
            raise _refuse(file_name, "et ark med en overskriftsrække", sheet, column="ark")
        worksheet.reset_dimensions()  # stream the rows stored, not the declared range
        records = _sheet_records(worksheet, file_name)
        first = next(records, None)
        if first is None:
            raise _refuse(file_name, "et ark med en overskriftsrække")
        header = first[1]
        headers, problems = _clean_headers(header, file_name)
        count = _load(con, records, headers, file_name, deadline, problems)
    except InvalidInput:
        raise
    except Exception as exc:
        raise _refuse(file_name, broken, f"{_number(len(data))} bytes") from exc
    finally:
        book.close()
    return RawFile(file_name, "Excel (.xlsx)", None, headers, count, problems)


def read_upload(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, sheet: str | None = None
) -> RawFile:
    """Load a CSV or XLSX upload (decided by content, not by the name) into ``upload_raw``."""
    deadline = time.monotonic() + config.LIMITS.seconds
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(con, data, file_name, sheet, deadline)
    if data.startswith(OLE2):
        raise _refuse(
            file_name,
            "en Excel-projektmappe (.xlsx) eller en CSV-fil; gem den i Excel som "
            "Excel-projektmappe (.xlsx) uden adgangskode",
            "en gammel Excel-fil (.xls) eller en projektmappe med adgangskode",
        )
    return read_csv(con, data, file_name, deadline)
