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
from dataclasses import dataclass

import duckdb
import pandas as pd

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


def _load(con: duckdb.DuckDBPyConnection, source: str, width: int) -> None:
    names = ", ".join(f"c{i}" for i in range(width))
    con.execute("DROP TABLE IF EXISTS upload_raw")
    con.execute(
        f"CREATE TEMP TABLE upload_raw AS SELECT CAST(row_number() OVER () AS INTEGER) + 1 "
        f"AS rownum, {names} FROM {source}"
    )


def read_csv(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str) -> RawFile:
    """Load a CSV file's rows into ``upload_raw``; the header row is returned, not loaded."""
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidInput(
            [DataError(file_name, None, None, None, "en fil med en overskriftsrække")]
        )
    separator = sniff_separator(text)
    header_line, _, body = text.partition("\n")
    headers = next(csv.reader([header_line], delimiter=separator))
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write(body)
        path = f.name
    try:
        if body.strip():
            columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
            con.execute("DROP TABLE IF EXISTS upload_raw")
            con.execute(
                "CREATE TEMP TABLE upload_raw AS SELECT CAST(row_number() OVER () AS INTEGER) "
                "+ 1 AS rownum, * FROM read_csv(?, delim = ?, header = false, quote = '\"', "
                "escape = '\"', columns = ?, null_padding = true, skip = 0, "
                "auto_detect = false, strict_mode = false)",
                [path, separator, columns],
            )
        else:
            _load(
                con,
                "(SELECT "
                + ", ".join(f"NULL::VARCHAR AS c{i}" for i in range(len(headers)))
                + " WHERE false)",
                len(headers),
            )
    except duckdb.Error as exc:
        raise InvalidInput(
            [DataError(file_name, None, None, None, f"en CSV-fil der kan læses ({exc})")]
        ) from exc
    finally:
        os.unlink(path)
    (rows,) = con.execute("SELECT count(*) FROM upload_raw").fetchall()[0]
    return RawFile(file_name, encoding, SEPARATORS[separator], headers, rows)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
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
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(
            [DataError(file_name, None, None, None, f"en Excel-fil (.xlsx) der kan åbnes ({exc})")]
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidInput(
            [DataError(file_name, None, "ark", sheet, "et af arkene " + ", ".join(book.sheetnames))]
        )
    rows = list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))
    book.close()
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise InvalidInput(
            [DataError(file_name, None, None, None, "et ark med en overskriftsrække")]
        )
    headers = [_cell_text(v) or "" for v in rows[0]]
    frame = pd.DataFrame(
        [[_cell_text(v) for v in r[: len(headers)]] for r in rows[1:]],
        columns=[f"c{i}" for i in range(len(headers))],
        dtype=object,
    )
    con.register("upload_frame", frame)
    try:
        _load(con, "(SELECT * FROM upload_frame)", len(headers))
    finally:
        con.unregister("upload_frame")
    return RawFile(file_name, "Excel (.xlsx)", None, headers, len(frame))


def read_upload(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, sheet: str | None = None
) -> RawFile:
    """Load a CSV or XLSX upload (decided by content, not by the name) into ``upload_raw``."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(con, data, file_name, sheet)
    return read_csv(con, data, file_name)
