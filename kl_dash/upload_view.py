"""What the "Opdater data" page shows: the importer's results as Danish tables and sentences.

No streamlit here: the page draws what these functions return and offers the same tables for
download, so they are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb
import pandas as pd

from . import importer, labels, reference
from .errors import DataError, InvalidInput, count_errors
from .formatting import format_date, format_number, literal
from .importer import Prepared, Stored
from .reading import RawFile
from .update_kinds import KINDS, Kind

# Danish headings for the importer's (English) table columns.
HEADINGS = {
    "rownum": "Række",
    "programme_id": "Partnerskab",
    "municipality_code": "Kommune",
    "interest_on": "Interesse",
    "agreement_on": "Politisk aftale",
    "withdrawn_on": "Udtrådt",
    "network_id": "Netværk",
    "group_id": "Gruppe",
    "participants": "Antal",
    "meeting_id": "Møde-id",
    "title": "Titel",
    "meeting_type": "Type",
    "planned_text": "Planlagt",
    "planned_from": "Planlagt fra",
    "planned_to": "Planlagt til",
    "held_on": "Afholdt",
    "form": "Form",
    "host_code": "Vært",
    "attendees": "Antal",
    "criterion_no": "Kriterie",
    "assessed_on": "Dato",
    "status": "Status",
    "note": "Note",
}
_WORDS = {
    "meeting_type": labels.MEETING_TYPES,
    "form": labels.MEETING_FORMS,
    "status": labels.CRITERION_STATUS,
}
_MUNICIPALITY_COLUMNS = ("municipality_code", "host_code")
FORMATS = (
    "Filen må have semikolon, komma eller tabulator mellem kolonnerne og være gemt som UTF-8, "
    "UTF-8 med BOM eller Windows-1252 (som Excel gemmer CSV). Datoer skrives 23-06-2017, "
    "23.06.2017, 23/6/2017 eller 2017-06-23. Et partnerskab angives med id (it-2017), sags-id "
    "(SAG-2016-06580) eller navn, en kommune med navn, kommunekode eller en kendt navnevariant "
    '("Københavns Kommune", "Høje Taastrup"). En Excel-fil (.xlsx) læses fra det første ark.'
)


@dataclass(frozen=True)
class Checked:
    """A file as checked: the importer's preview (None if unreadable) and all its problems."""

    prepared: Prepared | None
    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)
    more_errors: bool = False  # more problems than listed (config.LIMITS.errors_kept)
    networks: Mapping[tuple[str, str], str] = field(default_factory=dict)  # network_names

    @property
    def nothing_changes(self) -> bool:
        """True when every row of the file is already stored as it is."""
        counts = self.prepared.counts if self.prepared else {}
        return not self.errors and not counts.get("new") and not counts.get("changed")


def check(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    data: bytes,
    file_name: str,
    sheet: str | None,
    max_mb: int,
) -> Checked:
    """importer.prepare, with a file it cannot read (too big, not CSV/XLSX) as errors too."""
    try:
        prepared = importer.prepare(con, kind_name, data, file_name, sheet, max_mb * 1024 * 1024)
    except InvalidInput as exc:
        return Checked(None, exc.errors, more_errors=exc.more)
    return Checked(
        prepared, prepared.errors, prepared.warnings, prepared.more_errors, network_names(con)
    )


def network_names(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """Each network's name by (partnership id, network id), example networks marked."""
    return {
        (programme_id, network_id): (
            f"{name} {labels.EXAMPLE_MARK}" if source == labels.EXAMPLE_SOURCE else name
        )
        for programme_id, network_id, name, source in con.execute(
            "SELECT programme_id, network_id, name, source FROM networks"
        ).fetchall()
    }


def status_update(checked: Checked, file_name: str) -> dict[str, Any]:
    """The finished status: 'Læst: fil.csv – Windows-1252, semikolon ..., 2 rækker'."""
    if checked.prepared is None:
        return {"label": f"{file_name} kunne ikke læses", "state": "error", "expanded": False}
    summary = read_summary(checked.prepared.raw)
    return {"label": f"Læst: {file_name} – {summary}", "state": "complete", "expanded": False}


def is_workbook(data: bytes) -> bool:
    """True for an .xlsx file (decided by content, as the importer does)."""
    return data.startswith(b"PK\x03\x04")


def columns_caption(kind: Kind) -> str:
    """The columns of a kind's file, the required ones marked, as one Markdown line."""
    names = [f"**{c.name}**" if c.required else c.name for c in kind.columns]
    return f"Kolonner: {', '.join(names)} (**fed** = skal udfyldes; de andre kan være tomme)."


def read_summary(raw: RawFile) -> str:
    """'Windows-1252, semikolon mellem kolonnerne, 2 rækker': what was read."""
    parts = [raw.encoding]
    if raw.separator:
        parts.append(f"{raw.separator} mellem kolonnerne")
    parts.append(f"{format_number(raw.rows)} {'række' if raw.rows == 1 else 'rækker'}")
    return ", ".join(parts)


def markdown_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text that Markdown shows as written (st.table renders its cells)."""
    return table.astype(object).map(lambda v: "" if pd.isna(v) else literal(v))


def problems_sentence(count: int, warning: bool = False, more: bool = False) -> str:
    """'3 fejl – intet er gemt. ...' or '1 advarsel: ...'."""
    if warning:
        noun = "advarsel" if count == 1 else "advarsler"
        return f"{format_number(count)} {noun} – de stopper ikke filen, men se efter."
    return f"{count_errors(count, more).capitalize()} – intet er gemt. Ret filen og prøv igen."


@cache
def _municipality_names() -> dict[str, str]:
    return {row["code"]: row["name"] for row in reference.municipality_rows()}


def _text(column: str, value: Any) -> str:
    """One stored value as the page shows it: Danish date, word or municipality name."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return format_date(pd.Timestamp(value).date())
    if column in _WORDS:
        return _WORDS[column].get(value, str(value))
    if column in _MUNICIPALITY_COLUMNS:
        return _municipality_names().get(str(value), str(value))
    return str(value)


def _shown_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("old_")]


def _texts(
    frame: pd.DataFrame, column: str, networks: Mapping[tuple[str, str], str], prefix: str = ""
) -> list[str]:
    """A column's values as the page shows them; a network by its name in its partnership."""
    values = frame[prefix + column]
    if column == "network_id" and "programme_id" in frame:
        return [
            "" if pd.isna(n) else networks.get((p, n), str(n))
            for p, n in zip(frame["programme_id"], values, strict=True)
        ]
    return [_text(column, v) for v in values]


def new_rows_table(frame: pd.DataFrame, networks: Mapping[tuple[str, str], str]) -> pd.DataFrame:
    """The rows an upload would add, with Danish headings and values (networks by name)."""
    shown = pd.DataFrame({HEADINGS.get(c, c): _texts(frame, c, networks) for c in frame})
    if "rownum" in frame:
        shown["Række"] = frame["rownum"].astype("Int64")
    return shown


def changed_rows_table(
    frame: pd.DataFrame, networks: Mapping[tuple[str, str], str]
) -> pd.DataFrame:
    """The rows an upload would change: key columns, then each changed field as 'gammel → ny'.

    Fields that no row changes are left out, so that the changes fit on the screen.
    """
    shown = new_rows_table(frame[_shown_columns(frame)], networks)
    for column in _shown_columns(frame):
        if f"old_{column}" not in frame:
            continue
        heading = HEADINGS.get(column, column)
        old = _texts(frame, column, networks, prefix="old_")
        if old == list(shown[heading]):
            shown = shown.drop(columns=heading)
            continue
        shown[heading] = [
            n if o == n else f"{o or '(tom)'} → {n or '(tom)'}"
            for o, n in zip(old, shown[heading], strict=True)
        ]
    return shown


def count_cards(prepared: Prepared) -> dict[str, str]:
    """The preview's three figures: Nye, Ændrede and Uændrede rækker."""
    words = {"new": "Nye rækker", "changed": "Ændrede rækker", "unchanged": "Uændrede rækker"}
    return {words[k]: format_number(v) for k, v in prepared.counts.items()}


def stored_message(stored: Stored, file_name: str) -> str:
    """'Gemt som upload 3: 2 nye, 1 ændret og 5 uændrede rækker fra tilmeldinger.csv.'"""
    if stored.upload_id is None:
        return f"Intet er gemt: {file_name} ændrer ingenting – alt er allerede gemt."
    c = {k: format_number(v) for k, v in stored.counts.items()}
    return (
        f"Gemt som upload {stored.upload_id}: {c['new']} nye, {c['changed']} ændrede og "
        f"{c['unchanged']} uændrede rækker fra {file_name}."
    )


def undone_message(upload_id: int, restored: int) -> str:
    """'Upload 3 er fortrudt: 2 rækker er sat tilbage, som de var før.'"""
    rows = "række er sat" if restored == 1 else "rækker er sat"
    return (
        f"Upload {upload_id} er fortrudt: {format_number(restored)} {rows} tilbage, som de var før."
    )


def undo_note(user: str) -> str:
    """The line under the undo button (asking for the name while it is missing)."""
    note = "Fortryd sætter rækkerne tilbage, som de var før uploaden."
    return note if user else f"{note} Skriv dit navn øverst for at fortryde."


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    moment = pd.Timestamp(value)
    return f"{format_date(moment.date())} {moment:%H:%M}"


def log_table(log: pd.DataFrame, programmes: Mapping[str, str]) -> pd.DataFrame:
    """upload_log.entries as the page shows it: one row per upload, newest first."""
    return pd.DataFrame(
        {
            "Upload": log["id"].astype("Int64"),
            "Tidspunkt": [_when(v) for v in log["uploaded_at"]],
            "Af": log["uploaded_by"],
            "Fil": log["file_name"],
            "Type": [KINDS[k].title if k in KINDS else k for k in log["kind"]],
            "Partnerskab": [programmes.get(p, p or "") for p in log["programme_id"]],
            "Nye": log["rows_new"].astype("Int64"),
            "Ændrede": log["rows_changed"].astype("Int64"),
            "Uændrede": log["rows_unchanged"].astype("Int64"),
            "Fortrudt": [
                f"{_when(at)} af {by}" if pd.notna(at) else ""
                for at, by in zip(log["undone_at"], log["undone_by"], strict=True)
            ],
        }
    )


def undo_choices(log: pd.DataFrame) -> dict[int, str]:
    """The uploads that can still be undone: id -> 'Upload 3: fil.csv (Anne, 23. juni ...)'."""
    open_rows = log[log["undone_by"].isna()]
    return {
        int(row.id): f"Upload {row.id}: {row.file_name} ({row.uploaded_by}, "
        f"{_when(row.uploaded_at)})"
        for row in open_rows.itertuples()
    }
