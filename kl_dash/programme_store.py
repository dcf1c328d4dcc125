"""Partnerships as stored: read back, written out as a definition file, added, changed, undone.

Adding and changing a partnership happen in one transaction each and are logged in
``uploads`` (kind 'partnerskab') with the definition as it was before, so they can be undone.
A change that would remove a meeting with attendance, a criterion with assessments, a group
with participants or meetings, a focus area chosen by a municipality or a network in use is
refused with a message naming them; nothing is ever dropped silently.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import tomli_w

from . import labels
from .db import transaction
from .errors import KlDashError
from .programmes import (
    PARTS,
    Criterion,
    FocusArea,
    Group,
    Meeting,
    Network,
    Programme,
    header_row,
    parse_programme,
    part_rows,
    store_programme,
)
from .users import Actor, require

PART_NAMES = {
    "programme_groups": "gruppe/spor",
    "networks": "netværk",
    "focus_areas": "indsatsområde",
    "meetings": "møde",
    "success_criteria": "succeskriterium",
}

# What refers to each part, so that removing it would lose data: (table, columns, what).
IN_USE = {
    "programme_groups": [("participants", "group_id", "deltagertal")],
    "networks": [("enrollments", "network_id", "tilmeldinger")],
    "focus_areas": [("enrollment_focus_areas", "focus_id", "kommuners valg")],
    "meetings": [("attendance", "meeting_id", "fremmøderegistreringer")],
    "success_criteria": [("criterion_status", "criterion_no", "vurderinger")],
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    result = con.execute(sql, params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def exists(con: duckdb.DuckDBPyConnection, programme_id: str) -> bool:
    """True when a partnership with this id is stored."""
    return bool(_rows(con, "SELECT id FROM programmes WHERE id = ?", [programme_id]))


def load(con: duckdb.DuckDBPyConnection, programme_id: str) -> Programme:
    """The stored partnership as a Programme (raises KlDashError when it does not exist)."""
    found = _rows(con, "SELECT * FROM programmes WHERE id = ?", [programme_id])
    if not found:
        raise KlDashError(f'Partnerskabet "{programme_id}" findes ikke.')
    h = found[0]
    order = {
        "meetings": "sort_order",
        "programme_groups": "sort_order",
        "focus_areas": "sort_order",
        "networks": "network_id",
        "success_criteria": "criterion_no",
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
            )
            for m in parts["meetings"]
        ),
        criteria=tuple(
            Criterion(c["criterion_no"], c["text"], c["agreed_on"], c["source"])
            for c in parts["success_criteria"]
        ),
    )


def to_toml(p: Programme) -> str:
    """The partnership as a definition file in the documented format."""
    run_from, _, run_to = p.run_text.partition(" til ")
    data: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "short_name": p.short_name,
        "case_id": p.case_id,
        "purpose": p.purpose,
        "invitation_date": p.invitation_date,
        "interest_deadline": p.interest_deadline,
        "agreement_deadline": p.agreement_deadline,
        "requires_agreement": p.requires_agreement,
        "kickoff": p.kickoff,
        "run_from": run_from,
        "run_to": run_to,
        "price_dkk": p.price_dkk,
        "price_per_year_dkk": p.price_per_year_dkk,
        "price_text": p.price_text,
        "focus_selection": labels.FOCUS_SELECTION[p.focus_selection],
        "networks_note": p.networks_note,
        "sources": list(p.sources),
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "kind": labels.GROUP_KINDS[g.kind],
                "min": g.min,
                "max": g.max,
                "description": g.description,
                "source": g.source,
            }
            for g in p.groups
        ],
        "networks": [{"id": n.id, "name": n.name, "source": n.source} for n in p.networks],
        "focus_areas": [{"id": f.id, "name": f.name, "source": f.source} for f in p.focus_areas],
        "meetings": [
            {
                "id": m.id,
                "title": m.title,
                "type": labels.MEETING_TYPES[m.type],
                "group": m.group,
                "planned": m.planned,
                "form": labels.MEETING_FORMS.get(m.form),
                "source": m.source,
            }
            for m in p.meetings
        ],
        "criteria": [
            {"no": c.no, "text": c.text, "agreed_on": c.agreed_on, "source": c.source}
            for c in p.criteria
        ],
    }

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    body = tomli_w.dumps({k: v for k, v in clean(data).items() if v != []})
    return (
        f"# Partnership definition: {p.name}\n"
        "# Format: docs/programme-format.md in kl_dash. Written by kl-dash programme export.\n\n"
        + body
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


def _log(
    con,
    p: Programme,
    text: str,
    file_name: str,
    user: str,
    before: str | None,
    counts: tuple[int, int, int],
) -> int:
    (upload_id,) = con.execute(
        """
        INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, programme_id,
                             rows_new, rows_changed, rows_unchanged, undo_data)
        VALUES (?, ?, ?, ?, 'partnerskab', ?, ?, ?, ?, ?) RETURNING id
        """,
        [
            datetime.now(),
            user,
            file_name,
            hashlib.sha256(text.encode()).hexdigest(),
            p.id,
            *counts,
            json.dumps({"programme": p.id, "before": before}),
        ],
    ).fetchall()[0]
    return upload_id


def check(text: str, file_name: str) -> Programme:
    """Parse and check a definition file (raises InvalidInput with every problem)."""
    return parse_programme(text, file_name)


def add(con: duckdb.DuckDBPyConnection, text: str, file_name: str, user: Actor | str) -> int:
    """Store a new partnership in one transaction, logged and undoable; return the upload id."""
    user = require(user, "editor", "tilføje partnerskaber").name
    p = check(text, file_name)
    if exists(con, p.id):
        raise KlDashError(
            f'Partnerskabet "{p.id}" findes allerede. Brug "kl-dash programme update" for at '
            "ændre det."
        )
    taken = con.execute("SELECT count(*) FROM programmes WHERE case_id = ?", [p.case_id])
    if taken.fetchall()[0][0]:
        raise KlDashError(f"Sags-ID {p.case_id} bruges allerede af et andet partnerskab.")
    rows = sum(len(r) for r in part_rows(p).values()) + 1
    with transaction(con):
        store_programme(con, p)
        upload_id = _log(con, p, text, file_name, user, None, (rows, 0, 0))
    return upload_id


def _apply(con: duckdb.DuckDBPyConnection, new: Programme) -> None:
    """Make the stored partnership equal to ``new`` (caller checked refusals, owns the tx)."""
    head = header_row(new)
    settable = [c for c in head if c not in ("id", "case_id")]
    con.execute(
        f"UPDATE programmes SET {', '.join(f'{c} = ?' for c in settable)} WHERE id = ?",
        [head[c] for c in settable] + [new.id],
    )
    old_parts, new_parts = part_rows(load(con, new.id)), part_rows(new)
    for table, key in PARTS:
        before = {tuple(r[k] for k in key): r for r in old_parts[table]}
        after = {tuple(r[k] for k in key): r for r in new_parts[table]}
        for k in before.keys() - after.keys():
            con.execute(
                f"DELETE FROM {table} WHERE programme_id = ? AND "
                + " AND ".join(f"{c} = ?" for c in key),
                [new.id, *k],
            )
        for k in after.keys() & before.keys():
            values = [c for c in after[k] if c not in ("programme_id", *key)]
            if any(after[k][c] != before[k][c] for c in values):
                con.execute(
                    f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} "
                    f"WHERE programme_id = ? AND " + " AND ".join(f"{c} = ?" for c in key),
                    [after[k][c] for c in values] + [new.id, *k],
                )
        added = [after[k] for k in after.keys() - before.keys()]
        if added:
            columns = list(added[0])
            con.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [[row[c] for c in columns] for row in added],
            )


def update(
    con: duckdb.DuckDBPyConnection, text: str, file_name: str, user: Actor | str
) -> int | None:
    """Change a stored partnership to the definition in ``text``; None when nothing changes.

    Raises KlDashError listing every refusal when the change would lose data.
    """
    user = require(user, "editor", "ændre partnerskaber").name
    new = check(text, file_name)
    found, refusals = changes(con, new)
    if refusals:
        raise KlDashError("Ændringen er afvist; intet er ændret:\n" + "\n".join(refusals))
    if not found:
        return None
    before = to_toml(load(con, new.id))
    with transaction(con):
        _apply(con, new)
        removed = sum(c.removes for c in found)
        upload_id = _log(
            con, new, text, file_name, user, before, (len(found) - removed, removed, 0)
        )
    return upload_id


def undo(con: duckdb.DuckDBPyConnection, upload_id: int, undo_data: dict, user: str) -> int:
    """Undo a partnership upload: remove an added one, or restore the previous definition."""
    programme_id, before = undo_data["programme"], undo_data["before"]
    later = [
        i
        for (i,) in con.execute(
            "SELECT id FROM uploads WHERE id > ? AND programme_id = ? AND undone_at IS NULL "
            "ORDER BY id",
            [upload_id, programme_id],
        ).fetchall()
    ]
    if later:
        raise KlDashError(
            f"Upload {', '.join(map(str, later))} har siden ændret partnerskabet "
            f"{programme_id}. Fortryd {'den' if len(later) == 1 else 'dem'} først."
        )
    with transaction(con):
        if before is None:
            p = load(con, programme_id)
            for table in ("enrollments", "participants", "attendance", "criterion_status"):
                (used,) = con.execute(
                    f"SELECT count(*) FROM {table} WHERE programme_id = ?", [programme_id]
                ).fetchall()[0]
                if used:
                    raise KlDashError(
                        f"Partnerskabet {programme_id} har nu data ({table}); fjern dem først."
                    )
            for table, _ in reversed(PARTS):
                con.execute(f"DELETE FROM {table} WHERE programme_id = ?", [programme_id])
            restored = sum(len(r) for r in part_rows(p).values()) + 1
        else:
            previous = parse_programme(before, "forrige definition")
            found, refusals = changes(con, previous)
            if refusals:
                raise KlDashError("Fortrydelsen er afvist:\n" + "\n".join(refusals))
            _apply(con, previous)
            restored = len(found)
        con.execute(
            "UPDATE uploads SET undone_at = ?, undone_by = ? WHERE id = ?",
            [datetime.now(), user, upload_id],
        )
    if before is None:
        # DuckDB checks foreign keys against committed rows: the programme row itself can go
        # only once the deletion of its parts is committed.
        con.execute("DELETE FROM programmes WHERE id = ?", [programme_id])
    return restored
