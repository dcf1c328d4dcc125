"""Uploads and undo on a shared PostgreSQL, through two replicas (two pools of their own).

Each write is checked and logged on a DuckDB copy taken after the write lock
(kl_dash.store.staged) and written back in the same transaction, so what one replica stores
is what the next writer on any replica starts from.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest

from kl_dash import db, importer, programme_store, queries, store, upload_log
from kl_dash.errors import InvalidInput, KlDashError
from kl_dash.filters import Filters
from kl_dash.programmes import to_toml
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


@pytest.fixture(params=["duckdb", "postgresql"])
def each_store(request):
    """A connection to a fresh example database on the DuckDB file, then on PostgreSQL."""
    con = db.connect(request.getfixturevalue("db_path" if request.param == "duckdb" else "pg_url"))
    yield con
    con.close()


def _renamed_meeting(con) -> str:
    """it-2017's definition with meeting ps-2 under a new title."""
    text = to_toml(programme_store.load(con, "it-2017"))
    return text.replace('"Midtvejskonference"', '"Midtvejskonference i Odense"')


def test_an_upload_its_undo_and_a_partnership_update_each_raise_the_data_version_once(
    each_store,
):
    con = each_store
    (start,) = queries.data_version(con)

    stored = importer.store(con, "deltagere", _participants_file(con, 9), "deltagere.csv", EDITOR)
    assert queries.data_version(con) == (start + 1,)
    undo(con, stored.upload_id, EDITOR)
    assert queries.data_version(con) == (start + 2,)
    assert programme_store.update(con, _renamed_meeting(con), "it-2017.toml", EDITOR)
    assert queries.data_version(con) == (start + 3,)


def test_a_file_that_changes_nothing_or_is_refused_leaves_the_data_version(each_store):
    con = each_store
    data = _participants_file(con, 9)
    importer.store(con, "deltagere", data, "deltagere.csv", EDITOR)
    version = queries.data_version(con)

    assert importer.store(con, "deltagere", data, "deltagere.csv", EDITOR).upload_id is None
    with pytest.raises(InvalidInput):
        importer.store(con, "deltagere", data.replace(b";9\n", b";ni\n"), "d.csv", EDITOR)
    assert queries.data_version(con) == version


def test_a_second_writer_of_the_duckdb_file_while_one_writes_is_refused_in_danish(con):
    writing, second = con.cursor(), con.cursor()
    before = _participants(con)
    try:
        with store.write_transaction(writing):  # another session's write in progress
            with pytest.raises(KlDashError) as refused:
                importer.store(
                    second, "deltagere", _participants_file(con, 6), "deltagere.csv", EDITOR
                )
        assert str(refused.value) == store.BUSY
        assert _participants(con) == before
        assert con.execute("SELECT count(*) FROM uploads").fetchone() == (0,)
        # Once the first write is done, the same file is stored.
        stored = importer.store(
            second, "deltagere", _participants_file(con, 6), "deltagere.csv", EDITOR
        )
        assert stored.upload_id is not None
    finally:
        writing.close()
        second.close()


def _counts(duck) -> dict[str, int]:
    return {
        table: duck.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in store._tables(duck)
    }


def test_a_copy_for_one_partnership_holds_its_rows_the_programme_list_and_no_log_rows(pg_url):
    pg = db.connect(pg_url)
    importer.store(pg, "deltagere", _participants_file(pg, 9), "deltagere.csv", EDITOR)
    copy = store._snapshot(pg, False, programmes=lambda staging: ["it-2017"])
    try:
        counts = _counts(copy)
        for table in ("enrollments", "participants", "meetings", "attendance", "criterion_status"):
            (expected,) = pg.execute(
                f"SELECT count(*) FROM {table} WHERE programme_id = 'it-2017'"
            ).fetchone()
            assert counts[table] == expected > 0
            assert copy.execute(f"SELECT DISTINCT programme_id FROM {table}").fetchall() == [
                ("it-2017",)
            ]
        assert counts["programmes"] == 3 and counts["municipalities"] == 98
        assert counts["uploads"] == 1 and counts["upload_changes"] == 0  # the log is added to
        assert counts["users"] == counts["login_attempts"] == 0
    finally:
        copy.close()
        pg.close()


def test_a_staged_write_of_a_row_stored_outside_its_copy_is_refused_and_writes_nothing(pg_url):
    pg = db.connect(pg_url)
    (taken,) = pg.execute(
        "SELECT municipality_code FROM enrollments WHERE programme_id = 'kvalitet-2017' LIMIT 1"
    ).fetchone()
    before = pg.execute("SELECT * FROM enrollments ORDER BY 1, 2").fetchall()

    def enrol_again(copy):  # a row of a partnership the copy left out
        copy.execute(
            "INSERT INTO enrollments (programme_id, municipality_code, interest_on, source) "
            "VALUES ('kvalitet-2017', ?, DATE '2017-08-01', 'test')",
            [taken],
        )

    try:
        with pytest.raises(store.constraint_errors()):
            store.staged(pg, enrol_again, programmes=lambda staging: ["it-2017"])
        assert pg.execute("SELECT * FROM enrollments ORDER BY 1, 2").fetchall() == before
    finally:
        pg.close()


def _shown_text(at) -> str:
    return " ".join(frame.value.to_string() for frame in at.dataframe)


def test_a_partnership_update_and_its_undo_show_on_a_readers_page_at_its_next_rerun(
    monkeypatch, database
):
    from .test_pages import open_app

    at = open_app(monkeypatch, database, "pages/moeder.py", partnerskab="it-2017")
    assert "Midtvejskonference" in _shown_text(at)
    at.run()  # a rerun with the same filters: read from what is kept
    assert "Midtvejskonference i Odense" not in _shown_text(at)

    con = db.connect(database)  # another session (on PostgreSQL: as another replica would)
    try:
        upload_id = programme_store.update(con, _renamed_meeting(con), "it-2017.toml", EDITOR)
        at.run()
        assert not at.exception
        assert "Midtvejskonference i Odense" in _shown_text(at)

        undo(con, upload_id, EDITOR)
        at.run()
        assert "Midtvejskonference i Odense" not in _shown_text(at)
        assert "Midtvejskonference" in _shown_text(at)
    finally:
        con.close()


def test_a_file_checked_before_another_sessions_upload_is_checked_again_when_stored(con):
    checking, other = con.cursor(), con.cursor()
    try:
        sevens = _participants_file(con, 7)
        importer.store(other, "deltagere", sevens, "d.csv", EDITOR)
        prepared = importer.prepare(checking, "deltagere", sevens, "deltagere.csv")
        assert prepared.counts["new"] == prepared.counts["changed"] == 0  # nothing to store
        importer.store(other, "deltagere", _participants_file(con, 8), "d.csv", EDITOR)

        stored = importer.store(
            checking, "deltagere", sevens, "deltagere.csv", EDITOR, prepared=prepared
        )
        # Compared with the other session's later rows (all 8), not with what the check saw.
        assert stored.upload_id is not None
        assert stored.counts["changed"] == prepared.counts["unchanged"]
        assert {row[2] for row in _participants(con) if row[3].startswith("upload:")} == {7}
    finally:
        checking.close()
        other.close()
