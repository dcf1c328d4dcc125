"""Partnerships as stored: read back, compared with a definition, added, changed, retired.

Adding and changing a partnership happen in one transaction each and are logged in the upload
log (kind 'partnerskab') row by row with each row as it was before, so that ``undo`` puts them
back like any other upload. An undone add deletes the parts and retires the partnership
(``retire``, ``purge_removed``): DuckDB cannot delete a row and the rows that refer to it in
one transaction. A change that would remove a meeting with attendance, a criterion with
assessments, a group with participants or meetings, a focus area chosen by a municipality or a
network in use is refused with a message naming them; nothing is ever dropped silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from . import labels, upload_log
from .errors import KlDashError
from .programmes import (
    PARTS,
    Criterion,
    FocusArea,
    Group,
    Meeting,
    Network,
    Note,
    Programme,
    header_row,
    parse_programme,
    part_rows,
)
from .store import dialect, staged, write_transaction
from .users import Actor, require

PART_NAMES = {
    "programme_groups": "gruppe/spor",
    "networks": "netværk",
    "focus_areas": "indsatsområde",
    "meetings": "møde",
    "success_criteria": "succeskriterium",
    "programme_notes": "note",
}

# What refers to each part, so that removing it would lose data: (table, columns, what).
IN_USE = {
    "programme_groups": [("participants", "group_id", "deltagertal")],
    "networks": [("enrollments", "network_id", "tilmeldinger")],
    "focus_areas": [("enrollment_focus_areas", "focus_id", "kommuners valg")],
    "meetings": [("attendance", "meeting_id", "fremmøderegistreringer")],
    "success_criteria": [("criterion_status", "criterion_no", "vurderinger")],
    "programme_notes": [],
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    result = con.execute(sql, params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


# A partnership removed by an undo (removed_programmes) is not stored any more.
_CURRENT = "id NOT IN (SELECT programme_id FROM removed_programmes)"


def exists(con: duckdb.DuckDBPyConnection, programme_id: str) -> bool:
    """True when a partnership with this id is stored."""
    return bool(
        _rows(con, f"SELECT id FROM programmes WHERE id = ? AND {_CURRENT}", [programme_id])
    )


def load(con: duckdb.DuckDBPyConnection, programme_id: str) -> Programme:
    """The stored partnership as a Programme (raises KlDashError when it does not exist)."""
    found = _rows(con, f"SELECT * FROM programmes WHERE id = ? AND {_CURRENT}", [programme_id])
    if not found:
        raise KlDashError(f'Partnerskabet "{programme_id}" findes ikke.')
    h = found[0]
    order = {
        "meetings": "sort_order",
        "programme_groups": "sort_order",
        "focus_areas": "sort_order",
        "networks": "network_id",
        "success_criteria": "criterion_no",
        "programme_notes": "note_no",
    }
    parts = {
        table: _rows(
            con,
            f"SELECT * FROM {table} WHERE programme_id = ? ORDER BY {order[table]}",
            [programme_id],
        )
        for table, _ in PARTS
    }
    return Programme(
        id=h["id"],
        name=h["name"],
        short_name=h["short_name"],
        case_id=h["case_id"],
        purpose=h["purpose"],
        invitation_date=h["invitation_date"],
        interest_deadline=h["interest_deadline"],
        agreement_deadline=h["agreement_deadline"],
        requires_agreement=h["requires_agreement"],
        kickoff=h["kickoff_date"],
        run_text=h["run_text"],
        start_date=h["start_date"],
        end_date=h["end_date"],
        price_dkk=h["price_dkk"],
        price_per_year_dkk=h["price_per_year_dkk"],
        price_text=h["price_text"],
        focus_selection=h["focus_selection"],
        networks_note=h["networks_note"],
        sources=tuple(h["sources"].split("; ")),
        groups=tuple(
            Group(
                g["group_id"],
                g["name"],
                g["kind"],
                g["min_participants"],
                g["max_participants"],
                g["description"],
                g["source"],
            )
            for g in parts["programme_groups"]
        ),
        networks=tuple(Network(n["network_id"], n["name"], n["source"]) for n in parts["networks"]),
        focus_areas=tuple(
            FocusArea(f["focus_id"], f["name"], f["source"]) for f in parts["focus_areas"]
        ),
        meetings=tuple(
            Meeting(
                m["meeting_id"],
                m["title"],
                m["meeting_type"],
                m["group_id"],
                m["planned_text"],
                m["planned_from"],
                m["planned_to"],
                m["form"],
                m["source"],
                m["network_id"],
                bool(m["each_network"]),
            )
            for m in parts["meetings"]
        ),
        criteria=tuple(
            Criterion(c["criterion_no"], c["text"], c["agreed_on"], c["source"])
            for c in parts["success_criteria"]
        ),
        notes=tuple(
            Note(n["topic"], n["kind"], n["text"], n["source"]) for n in parts["programme_notes"]
        ),
    )


@dataclass(frozen=True)
class Change:
    """One difference between the stored partnership and a definition file, in Danish."""

    text: str
    removes: bool = False


def changes(con: duckdb.DuckDBPyConnection, new: Programme) -> tuple[list[Change], list[str]]:
    """What updating to ``new`` would change, and the refusals (removals that lose data)."""
    old = load(con, new.id)
    found: list[Change] = []
    refusals: list[str] = []
    old_head, new_head = header_row(old), header_row(new)
    for column, value in new_head.items():
        if old_head[column] != value:
            found.append(Change(f"{column}: {old_head[column]!r} → {value!r}"))
    if old.case_id != new.case_id:
        refusals.append(
            f"Sags-ID kan ikke ændres ({old.case_id} → {new.case_id}); opret i stedet et nyt "
            "partnerskab."
        )
    old_parts, new_parts = part_rows(old), part_rows(new)
    for table, key in PARTS:
        before = {tuple(r[k] for k in key): r for r in old_parts[table]}
        after = {tuple(r[k] for k in key): r for r in new_parts[table]}
        name = PART_NAMES[table]
        for k in after.keys() - before.keys():
            found.append(Change(f"{name} {k[0]} tilføjes"))
        for k in before.keys() & after.keys():
            diff = [c for c in after[k] if after[k][c] != before[k][c] and c != "sort_order"]
            if diff:
                found.append(
                    Change(
                        f"{name} {k[0]}: "
                        + ", ".join(f"{c} {before[k][c]!r} → {after[k][c]!r}" for c in diff)
                    )
                )
        for k in sorted(before.keys() - after.keys(), key=str):
            found.append(Change(f"{name} {k[0]} fjernes", removes=True))
            for other, column, what in IN_USE[table]:
                (used,) = con.execute(
                    f"SELECT count(*) FROM {other} WHERE programme_id = ? AND {column} = ?",
                    [new.id, k[0]],
                ).fetchall()[0]
                if used:
                    refusals.append(
                        f"{name.capitalize()} {k[0]} kan ikke fjernes: {used} {what} hører til. "
                        "Behold den i filen, eller fjern først de data, der bruger den."
                    )
    return found, refusals


def check(text: str, file_name: str) -> Programme:
    """Parse and check a definition file (raises InvalidInput with every problem)."""
    return parse_programme(text, file_name)


def _partnerships(con: duckdb.DuckDBPyConnection, text: str, file_name: str) -> list[str]:
    """The partnerships adding or changing the one in ``text`` reads rows of: it, and those an
    undo removed (purged first)."""
    try:
        defined = [check(text, file_name).id]
    except KlDashError:  # the add or update itself then says what is wrong
        defined = []
    removed = con.execute("SELECT programme_id FROM removed_programmes").fetchall()
    return defined + [programme for (programme,) in removed]


@dataclass(frozen=True)
class _TableRows:
    """What making a stored partnership equal to a definition does to one table."""

    table: str
    key: tuple[str, ...]  # the table's primary key
    removed: list[tuple]  # keys of rows to delete
    changed: list[dict[str, Any]]  # rows to update (all their non-key columns)
    added: list[dict[str, Any]]  # rows to insert
    unchanged: int

    def keys(self) -> list[tuple]:
        """The keys of every row this touches."""
        return self.removed + [tuple(r[k] for k in self.key) for r in self.changed + self.added]


def _plan(old: Programme | None, new: Programme) -> list[_TableRows]:
    """The rows that turn ``old`` (None: nothing stored) into ``new``, parents first."""
    before = {"programmes": [header_row(old)] if old else []} | (part_rows(old) if old else {})
    after = {"programmes": [header_row(new)]} | part_rows(new)
    keys = {"programmes": ("id",)} | {table: ("programme_id", *key) for table, key in PARTS}
    plan = []
    for table, key in keys.items():
        old_rows = {tuple(r[k] for k in key): r for r in before.get(table, [])}
        new_rows = {tuple(r[k] for k in key): r for r in after[table]}
        changed = [r for k, r in new_rows.items() if k in old_rows and r != old_rows[k]]
        plan.append(
            _TableRows(
                table,
                key,
                removed=sorted(old_rows.keys() - new_rows.keys(), key=str),
                changed=changed,
                added=[r for k, r in new_rows.items() if k not in old_rows],
                unchanged=len(new_rows.keys() & old_rows.keys()) - len(changed),
            )
        )
    return plan


def _counts(plan: list[_TableRows]) -> tuple[int, int, int]:
    """Rows new, changed (or removed) and unchanged, as the upload log counts them."""
    return (
        sum(len(t.added) for t in plan),
        sum(len(t.changed) + len(t.removed) for t in plan),
        sum(t.unchanged for t in plan),
    )


def _write(con: duckdb.DuckDBPyConnection, upload_id: int, plan: list[_TableRows]) -> None:
    """Log every row the plan touches with its before-image, then write it (caller's tx)."""
    row = 1
    for t in plan:
        row = upload_log.record_keys(con, upload_id, t.table, t.keys(), row)
    for t in plan:
        where = " AND ".join(f"{c} = ?" for c in t.key)
        for key in t.removed:
            con.execute(f"DELETE FROM {t.table} WHERE {where}", list(key))
        for r in t.changed:
            # Key and unique columns never change (an update refuses a new case_id), and
            # DuckDB cannot set them on a row that other tables reference.
            values = [c for c in r if c not in (*t.key, "case_id")]
            con.execute(
                f"UPDATE {t.table} SET {', '.join(f'{c} = ?' for c in values)} WHERE {where}",
                [r[c] for c in values] + [r[c] for c in t.key],
            )
        if t.added:
            columns = list(t.added[0])
            con.executemany(
                f"INSERT INTO {t.table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [[r[c] for c in columns] for r in t.added],
            )


def _store(
    con: duckdb.DuckDBPyConnection,
    plan: list[_TableRows],
    p: Programme,
    text: str,
    file_name: str,
    user: Actor,
) -> int:
    """Write a plan and log it as one upload (caller's write transaction); return its id."""
    upload_id = upload_log.record(
        con,
        user=user,
        file_name=file_name,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        kind="partnerskab",
        programme_id=p.id,
        counts=_counts(plan),
        undo_data={"programme": p.id},
    )
    _write(con, upload_id, plan)
    return upload_id


def add(con: duckdb.DuckDBPyConnection, text: str, file_name: str, user: Actor | str) -> int:
    """Store a new partnership in one transaction, logged and undoable; return the upload id."""
    user = require(user, "editor", "tilføje partnerskaber")
    if dialect(con) == "postgres":  # stored on a DuckDB copy, written back (store.staged)
        return staged(
            con,
            lambda copy: add(copy, text, file_name, user),
            programmes=lambda copy: _partnerships(copy, text, file_name),
        )
    p = check(text, file_name)
    purge_removed(con)  # a partnership removed by an undo frees its id and case id
    if exists(con, p.id):
        raise KlDashError(
            f'Partnerskabet "{p.id}" findes allerede. Brug "kl-dash programme update" for at '
            "ændre det."
        )
    taken = con.execute("SELECT count(*) FROM programmes WHERE case_id = ?", [p.case_id])
    if taken.fetchall()[0][0]:
        raise KlDashError(f"Sags-ID {p.case_id} bruges allerede af et andet partnerskab.")
    with write_transaction(con):
        return _store(con, _plan(None, p), p, text, file_name, user)


def update(
    con: duckdb.DuckDBPyConnection, text: str, file_name: str, user: Actor | str
) -> int | None:
    """Change a stored partnership to the definition in ``text``; None when nothing changes.

    Raises KlDashError listing every refusal when the change would lose data.
    """
    user = require(user, "editor", "ændre partnerskaber")
    if dialect(con) == "postgres":  # stored on a DuckDB copy, written back (store.staged)
        return staged(
            con,
            lambda copy: update(copy, text, file_name, user),
            programmes=lambda copy: _partnerships(copy, text, file_name),
        )
    new = check(text, file_name)
    found, refusals = changes(con, new)
    if refusals:
        raise KlDashError("Ændringen er afvist; intet er ændret:\n" + "\n".join(refusals))
    if not found:
        return None
    with write_transaction(con):  # planned from the partnership as this transaction reads it
        return _store(con, _plan(load(con, new.id), new), new, text, file_name, user)


def retire(con: duckdb.DuckDBPyConnection, programme_id: str, upload_id: int) -> None:
    """Mark a partnership as removed by undoing upload ``upload_id`` (in the undo's tx).

    Call it once the undo has deleted the rows the upload added. Every reader of the
    programme list leaves the partnership out from then on; ``purge_removed`` deletes its
    programmes row once that is committed. Refused (KlDashError) while any row still refers
    to it, such as an enrollment or a meeting a later upload added.
    """
    referring = con.execute(
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY' "
        "AND referenced_table = 'programmes' ORDER BY table_name"
    ).fetchall()
    for (table,) in referring:
        (used,) = con.execute(
            f"SELECT count(*) FROM {table} WHERE programme_id = ?", [programme_id]
        ).fetchall()[0]
        if used:
            raise KlDashError(
                f"Partnerskabet {programme_id} har nu data ({labels.TABLE_NOUNS[table]}); "
                "fjern dem først."
            )
    con.execute(
        "INSERT INTO removed_programmes VALUES (?, ?, ?)", [programme_id, upload_id, datetime.now()]
    )


def purge_removed(con: duckdb.DuckDBPyConnection) -> None:
    """Delete the programmes rows of removed partnerships, and their records (idempotent).

    Runs in a transaction of its own, after the one that deleted their parts: DuckDB checks a
    foreign key against committed rows only.
    """
    (waiting,) = con.execute("SELECT count(*) FROM removed_programmes").fetchall()[0]
    if not waiting:
        return
    with write_transaction(con):
        con.execute(
            "DELETE FROM programmes WHERE id IN (SELECT programme_id FROM removed_programmes)"
        )
        con.execute("DELETE FROM removed_programmes")
