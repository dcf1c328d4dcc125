"""Uploads and undo on a shared PostgreSQL, through two replicas (two pools of their own).

Each write is checked and logged on a DuckDB copy taken after the write lock
(kl_dash.store.staged) and written back in the same transaction, so what one replica stores
is what the next writer on any replica starts from.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest

from kl_dash import importer, queries, store, upload_log
from kl_dash.errors import KlDashError
from kl_dash.filters import Filters
from kl_dash.undo import undo
from kl_dash.users import Actor

EDITOR = Actor("kirsten", "editor")
VIEW = Filters("it-2017", date(2019, 6, 1))


def _participants_file(con, people: int) -> bytes:
    """A deltagere file setting every it-2017 municipality's first group to ``people``."""
    rows = con.execute(
        "SELECT m.name, g.name FROM enrollments AS e "
        "JOIN municipalities AS m ON m.code = e.municipality_code "
        "JOIN programme_groups AS g ON g.programme_id = e.programme_id "
        "WHERE e.programme_id = 'it-2017' AND g.sort_order = "
        "(SELECT min(sort_order) FROM programme_groups WHERE programme_id = 'it-2017') "
        "ORDER BY 1"
    ).fetchall()
    lines = ["partnerskab;kommune;gruppe;antal"]
    lines += [f"it-2017;{municipality};{group};{people}" for municipality, group in rows]
    return ("\n".join(lines) + "\n").encode()


def _participants(con) -> list[tuple]:
    return con.execute(
        "SELECT municipality_code, group_id, participants, source FROM participants "
        "WHERE programme_id = 'it-2017' ORDER BY 1, 2"
    ).fetchall()


def test_an_upload_through_one_replica_is_seen_and_undone_through_the_other(replicas):
    a, b = replicas
    before, version = _participants(b), queries.data_version(b)
    figures = queries.key_figures(b, VIEW)

    stored = importer.store(a, "deltagere", _participants_file(a, 9), "deltagere.csv", EDITOR)

    assert stored.upload_id is not None and stored.counts["changed"] + stored.counts["new"] > 0
    assert queries.data_version(b) != version
    assert queries.key_figures(b, VIEW) != figures
    assert all(row[2] == 9 for row in _participants(b) if row[3] == f"upload:{stored.upload_id}")
    assert upload_log.entries(b)["id"].tolist()[0] == stored.upload_id

    restored = undo(b, stored.upload_id, EDITOR)

    assert restored == stored.counts["new"] + stored.counts["changed"]
    assert _participants(a) == before
    assert queries.key_figures(a, VIEW) == figures
    assert upload_log.entry(a, stored.upload_id).undone_at is not None


def test_two_uploads_at_once_through_two_replicas_are_both_stored_one_after_the_other(replicas):
    a, b = replicas
    before = _participants(a)
    files = {a: _participants_file(a, 7), b: _participants_file(a, 8)}
    results, errors = {}, []
    start = threading.Barrier(2)

    def upload(replica):
        cursor = replica.cursor()
        try:
            start.wait(timeout=60)
            results[replica] = importer.store(
                cursor, "deltagere", files[replica], "deltagere.csv", EDITOR
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)
        finally:
            cursor.close()

    threads = [threading.Thread(target=upload, args=(r,)) for r in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    first, last = sorted(results.values(), key=lambda stored: stored.upload_id)
    # The later one saw the earlier one's rows: its before-images are the earlier upload's.
    assert {row[2] for row in _participants(b) if row[3].startswith("upload:")} == {
        7 if results[a] is last else 8
    }
    assert last.counts["changed"] == first.counts["changed"] + first.counts["new"]
    # Undone in turn (the later first), the data is exactly as before: no write lost or mixed.
    undo(b, last.upload_id, EDITOR)
    undo(a, first.upload_id, EDITOR)
    assert _participants(b) == before


def test_an_upload_waiting_longer_than_the_lock_timeout_is_refused_in_danish_and_stores_nothing(
    replicas, monkeypatch
):
    a, b = replicas
    monkeypatch.setattr(store, "LOCK_TIMEOUT", "1s")
    before = _participants(b)
    with store.write_transaction(a):  # another write in progress on replica A
        with pytest.raises(KlDashError) as refused:
            importer.store(b, "deltagere", _participants_file(b, 6), "deltagere.csv", EDITOR)
    assert str(refused.value) == store.BUSY
    assert _participants(b) == before
    assert b.execute("SELECT count(*) FROM uploads").fetchone() == (0,)
