"""Undo an upload of any kind: a data upload (importer) or a partnership added or changed.

One module above the importer and the partnership store: the upload log holds, for every
upload, the rows it touched and their before-images, so one refusal (later uploads changed
the same rows) and one restore serve every kind. An added partnership is retired in the same
transaction that deletes its parts, and its programmes row is purged once that is committed.
"""

from __future__ import annotations

import duckdb

from . import programme_store, upload_log
from .errors import KlDashError
from .store import dialect, staged, write_transaction
from .users import Actor, NotAllowed, require


def undo(con: duckdb.DuckDBPyConnection, upload_id: int, actor: Actor | str) -> int:
    """Restore exactly the state before upload ``upload_id``; return the rows restored.

    Refused (KlDashError, nothing changed) when the upload does not exist, is already undone,
    was made by someone else (unless ``actor`` is an administrator), or when later uploads
    changed the same rows or depend on them: those are named, to be undone first.
    """
    actor = require(actor, "editor", "fortryde uploads")
    if dialect(con) == "postgres":  # checked and undone on a DuckDB copy, written back
        return staged(
            con,
            lambda copy: undo(copy, upload_id, actor),
            programmes=lambda copy: _partnerships(copy, upload_id),
            changes_of=upload_id,
        )
    try:
        # Checked inside the write, so that no other write (an undo of the same upload, a
        # later upload of the same rows) comes between the checks and the restore.
        with write_transaction(con):
            restored, added = _undo(con, upload_id, actor)
    except duckdb.ConstraintException as exc:
        raise KlDashError(
            f"Upload {upload_id} kan ikke fortrydes, fordi andre data bygger på de rækker, den "
            "tilføjede (f.eks. fremmøde eller deltagere for en tilmelding). Fortryd de senere "
            "uploads først."
        ) from exc
    if added:
        try:
            programme_store.purge_removed(con)
        except duckdb.Error:
            # The undo is done and the partnership hidden from every reader; its programmes
            # row is purged again before the next partnership is added.
            pass
    return restored


def _undo(con: duckdb.DuckDBPyConnection, upload_id: int, actor: Actor) -> tuple[int, list[str]]:
    """Check and restore (caller's transaction); the rows restored and partnerships retired."""
    entry = upload_log.entry(con, upload_id)
    if entry is None:
        raise KlDashError(f"Upload {upload_id} findes ikke i upload-loggen.")
    if entry.undone_at is not None:
        raise KlDashError(f"Upload {upload_id} er allerede fortrudt.")
    own = entry.uploaded_by == actor.name and entry.uploaded_mode in (None, actor.mode)
    if not own and not actor.may("admin"):
        raise NotAllowed(
            f"Upload {upload_id} er lavet af {entry.uploaded_by}; kun den, der lavede den, eller "
            "en administrator kan fortryde den."
        )
    if "before" in entry.undo_data:
        raise KlDashError(
            f"Upload {upload_id} er gemt af en ældre udgave af kl_dash, som ikke huskede de "
            "enkelte rækker, og kan ikke fortrydes. Ret i stedet partnerskabet med en "
            "definitionsfil (kl-dash programme update)."
        )
    later = upload_log.later_uploads(con, upload_id)
    if later:
        raise KlDashError(
            f"Upload {', '.join(map(str, later))} har siden ændret de samme rækker. "
            f"Fortryd {'den' if len(later) == 1 else 'dem'} først, og fortryd så upload "
            f"{upload_id}."
        )
    added = [key["id"] for key in upload_log.added_keys(con, upload_id, "programmes")]
    restored = upload_log.restore(con, upload_id, leave=frozenset({"programmes"}))
    for programme_id in added:
        programme_store.retire(con, programme_id, upload_id)
    upload_log.mark_undone(con, upload_id, actor.name)
    return restored, added


def _partnerships(con: duckdb.DuckDBPyConnection, upload_id: int) -> list[str]:
    """The partnerships whose rows upload ``upload_id`` changed (what its undo reads)."""
    rows = con.execute(
        "SELECT programme_id FROM uploads WHERE id = $id AND programme_id IS NOT NULL "
        "UNION SELECT coalesce(json_extract_string(row_key, '$.programme_id'), "
        "json_extract_string(row_key, '$.id')) FROM upload_changes WHERE upload_id = $id",
        {"id": upload_id},
    ).fetchall()
    return [programme for (programme,) in rows if programme is not None]
