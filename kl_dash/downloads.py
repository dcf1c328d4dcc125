"""The data a page shows, as CSV and XLSX files that Danish Excel opens as they are."""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

# Text starting with one of these is taken as a formula by spreadsheets (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "%d-%m-%Y"
DATETIME_FORMAT = "%d-%m-%Y %H:%M:%S"
XLSX_DATE_FORMAT = "dd-mm-yyyy"
XLSX_DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"
MAX_COLUMN_WIDTH = 60
MAX_SHEET_NAME = 31

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula, with a leading quote; anything else as is."""
    # Text already starting with quotes before a trigger gets one more, so that the importer
    # (kl_unneutralise) can tell it apart from text this function quoted.
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """The frame as a ';'-separated, UTF-8 (with BOM) CSV file with Danish dates and numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(neutralise(str(name)) for name in frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(_csv_text(value) for value in row)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    """The frame as an Excel workbook of one sheet, with bold frozen header and fitted columns."""
    # openpyxl is imported when a workbook is made, not when a page first loads (issue 12).
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_name)
    widths = [0] * len(frame.columns)
    bold = Font(bold=True)
    for column, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=1, column=column)
        _write_text(cell, str(name))
        cell.font = bold
        widths[column - 1] = _text_width(cell.value)
    for row_number, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for column, raw in enumerate(row, start=1):
            value = _plain(raw)
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                _write_text(cell, value)
            else:
                cell.value = value
                if isinstance(value, datetime):
                    cell.number_format = XLSX_DATETIME_FORMAT
                elif isinstance(value, date):
                    cell.number_format = XLSX_DATE_FORMAT
            widths[column - 1] = max(widths[column - 1], _text_width(_csv_text(value)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(stem: str, extension: str) -> str:
    """A safe download file name from a Danish title: 'Møder – fremmøde' -> 'moeder-fremmoede'."""
    text = stem.lower().translate(_DANISH_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "data"
    return f"{slug}.{extension}"


def _plain(value: object) -> object:
    """The value as None, bool, int, float, Decimal, date, datetime or str (not neutralised)."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None  # Excel has no inf
    if isinstance(value, datetime):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        value = value.replace(tzinfo=None)  # Excel has no time zones: keep the wall clock
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    return str(value)


def _csv_text(value: object) -> str:
    """One CSV field: empty, Danish date, number with decimal comma, or neutralised text."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))  # shortest exact digits, never '1e+20'
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return neutralise(value)


def _write_text(cell, text: str) -> None:
    """Write text into an openpyxl cell as a plain string cell, never as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded already by to_xlsx

    # Control characters openpyxl refuses go first, so they cannot hide a trigger.
    cell.value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"


def _text_width(text: str) -> int:
    """Characters in the longest line of the text."""
    return max(len(line) for line in text.splitlines() or [""])


def _sheet_title(name: str) -> str:
    """A valid Excel sheet name: no []:*?/\\, no quote at either end, at most 31 characters."""
    title = _SHEET_NAME_FORBIDDEN.sub("-", name).strip("'")[:MAX_SHEET_NAME].strip("'")
    return title or "Data"
