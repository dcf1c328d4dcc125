"""Reading what consultants send: CSV as Excel writes it, or an .xlsx workbook.

The bytes are decoded here (UTF-8, UTF-8 with BOM or Windows-1252, detected), the separator
is sniffed (``;``, ``,`` or tab), and the rows are loaded with DuckDB's own CSV reader into a
temporary table ``upload_raw`` with one VARCHAR column per header and the row number as Excel
shows it (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from .errors import DataError, InvalidInput

SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}


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


def decode(data: bytes) -> tuple[str, str]:
    """The text and a Danish name of its encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 med BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def sniff_separator(text: str) -> str:
    """The separator of the header line: the most frequent of ; , and tab outside quotes."""
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0] + "\n"), delimiter="\x00"), [""])
    line = first[0] if first else ""
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def _load(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[tuple[int, list[str | None]]],
    width: int,
    file_name: str,
) -> tuple[int, list[DataError]]:
    """Write numbered records to a temporary CSV file and load it with DuckDB's reader.

    Rows that are blank in every cell are skipped (Excel leaves them when rows are cleared);
    the others keep the row number the user sees in Excel. Returns (rows, problems).
    """
    problems: list[DataError] = []
    rows = 0
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", delete=False, encoding="utf-8", newline=""
    ) as f:
        writer = csv.writer(f)
        for number, cells in records:
            if all(c is None or not str(c).strip() for c in cells):
                continue
            if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
                problems.append(
                    DataError(
                        file_name,
                        number,
                        None,
                        cells[width],
                        f"højst {width} kolonner, som overskriftsrækken",
                    )
                )
            writer.writerow([number, *(cells[:width] + [None] * (width - len(cells)))])
            rows += 1
        path = f.name
    columns = {"rownum": "INTEGER"} | {f"c{i}": "VARCHAR" for i in range(width)}
    try:
        con.execute("DROP TABLE IF EXISTS upload_raw")
        con.execute(
            "CREATE TEMP TABLE upload_raw AS SELECT * FROM read_csv(?, delim = ',', "
            "header = false, quote = '\"', escape = '\"', columns = ?, auto_detect = false, "
            "parallel = false, null_padding = true)",
            [path, columns],
        )
    except duckdb.Error as exc:
        raise InvalidInput(
            [DataError(file_name, None, None, None, f"en fil der kan læses ({exc})")]
        ) from exc
    finally:
        os.unlink(path)
    return rows, problems


def _read_plain(
    con: duckdb.DuckDBPyConnection, text: str, separator: str, file_name: str
) -> tuple[list[str], int] | None:
    """The common case read by DuckDB alone: no quotes, no blank rows, no overlong rows.

    Then every line is one record, and the line number is the row number Excel shows.
    Returns (headers, rows), or None when the file needs the careful path.
    """
    if '"' in text:
        return None
    header_line, _, body = text.partition("\n")
    headers = header_line.split(separator)
    lines = body.rstrip("\n").split("\n") if body.strip() else []
    if any(not line.replace(separator, "").strip() for line in lines):
        return None
    if any(line.count(separator) >= len(headers) for line in lines):
        return None
    if not lines:
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
    return (headers, rows) if rows == len(lines) else None


def read_csv(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str) -> RawFile:
    """Load a CSV file's rows into ``upload_raw``; the header row is returned, not loaded."""
    text, encoding = decode(data)
    if not text.strip():
        raise InvalidInput(
            [DataError(file_name, None, None, None, "en fil med en overskriftsrække")]
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    separator = sniff_separator(text)
    if fast := _read_plain(con, text, separator, file_name):
        return RawFile(file_name, encoding, SEPARATORS[separator], fast[0], fast[1])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise InvalidInput(
            [DataError(file_name, None, None, None, f"en CSV-fil der kan læses ({exc})")]
        ) from exc
    headers = records[0]
    rows, problems = _load(con, enumerate(records[1:], start=2), len(headers), file_name)
    return RawFile(file_name, encoding, SEPARATORS[separator], headers, rows, problems)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, sheet: str | None = None
) -> RawFile:
    """Load the first (or the named) sheet of a workbook into ``upload_raw``."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise InvalidInput(
            [DataError(file_name, None, None, None, f"en Excel-fil (.xlsx) der kan åbnes ({exc})")]
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidInput(
            [DataError(file_name, None, "ark", sheet, "et af arkene " + ", ".join(book.sheetnames))]
        )
    rows = [
        (number, [_cell_text(v) for v in values])
        for number, values in enumerate(
            (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True), start=1
        )
    ]
    book.close()
    filled = [(n, cells) for n, cells in rows if any(c not in (None, "") for c in cells)]
    if not filled:
        raise InvalidInput(
            [DataError(file_name, None, None, None, "et ark med en overskriftsrække")]
        )
    header_number, header = filled[0]
    while header and header[-1] in (None, ""):
        header = header[:-1]
    headers = [c or "" for c in header]
    body = [(n, cells) for n, cells in rows if n > header_number]
    count, problems = _load(con, body, len(headers), file_name)
    return RawFile(file_name, "Excel (.xlsx)", None, headers, count, problems)


def read_upload(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, sheet: str | None = None
) -> RawFile:
    """Load a CSV or XLSX upload (decided by content, not by the name) into ``upload_raw``."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(con, data, file_name, sheet)
    return read_csv(con, data, file_name)
