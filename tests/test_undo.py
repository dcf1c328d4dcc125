"""Undo of an added partnership is atomic: after a crash it is either all there or all gone."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from kl_dash import db, filters, importer, programme_store, queries
from kl_dash.cli import main
from kl_dash.errors import KlDashError
from kl_dash.undo import undo

from .test_importer import csv_file, snapshot
from .test_programme_store import FIXTURE

PROGRAMME = "regional-2024"
DEFINITION = FIXTURE.read_text(encoding="utf-8")


class Crash(BaseException):
    """Stands for the process being killed: nothing after it runs, not even an `except`."""


class CrashingConnection:
    """A connection that crashes at its ``at``-th statement (never when 0), counting them."""

    def __init__(self, con, at: int):
        self.con, self.at, self.statements = con, at, 0

    def _statement(self) -> None:
        self.statements += 1
        if self.statements == self.at:
            raise Crash

    def execute(self, *args, **kwargs):
        self._statement()
        return self.con.execute(*args, **kwargs)

    def executemany(self, *args, **kwargs):
        self._statement()
        return self.con.executemany(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.fixture
def added(db_path, tmp_path):
    """A database file where regional-2024 was just added as upload 1."""
    con = db.connect(db_path)
    assert programme_store.add(con, DEFINITION, FIXTURE.name, "konsulent") == 1
    con.close()
    return db_path


def undo_until_crash(source, path, at: int) -> int:
    """Copy ``source`` to ``path`` and undo upload 1 there, crashing at statement ``at``."""
    shutil.copy(source, path)
    con = db.connect(path)
    crashing = CrashingConnection(con, at)
    try:
        undo(crashing, 1, "konsulent")
    except Crash:
        pass
    con.close()
    return crashing.statements


def gone_everywhere(con) -> bool:
    """True when no page, command or upload can find the partnership any more."""
    listed = PROGRAMME in queries.programmes(con)["id"].tolist()
    chosen = PROGRAMME in filters.load_choices(con, "it-2017", date(2024, 6, 1)).programmes
    enrolling = importer.prepare(
        con,
        "tilmeldinger",
        csv_file("partnerskab;kommune;interesse", f"{PROGRAMME};Aalborg;01-03-2024"),
        "t.csv",
    )
    parts = con.execute(
        "SELECT count(*) FROM meetings WHERE programme_id = ?", [PROGRAMME]
    ).fetchall()[0][0]
    return not (listed or chosen or programme_store.exists(con, PROGRAMME) or parts) and [
        e.column for e in enrolling.errors
    ] == ["partnerskab"]


def test_a_crash_at_any_point_of_undoing_an_added_partnership_leaves_it_all_there_or_all_gone(
    added, tmp_path
):
    con = db.connect(added)
    before = snapshot(con)
    con.close()
    statements = undo_until_crash(added, tmp_path / "count.duckdb", 0)
    outcomes = set()
    for at in range(1, statements + 1):
        path = tmp_path / f"crash-{at}.duckdb"
        undo_until_crash(added, path, at)
        con = db.connect(path)  # the next start
        (undone,) = con.execute("SELECT undone_at IS NOT NULL FROM uploads").fetchall()[0]
        if not undone:
            assert snapshot(con) == before, f"half undone after a crash at statement {at}"
            outcomes.add("all there")
        else:
            assert gone_everywhere(con), f"half removed after a crash at statement {at}"
            assert programme_store.add(con, DEFINITION, FIXTURE.name, "konsulent") == 2
            assert programme_store.load(con, PROGRAMME) == programme_store.check(DEFINITION, "x")
            outcomes.add("all gone")
        con.close()
    assert outcomes == {"all there", "all gone"}


def test_after_an_interrupted_undo_the_next_command_purges_the_partnership(added, tmp_path):
    path = tmp_path / "interrupted.duckdb"
    statements = undo_until_crash(added, tmp_path / "count.duckdb", 0)
    undo_until_crash(added, path, statements - 1)  # in the purge, after the undo committed

    listed = CliRunner().invoke(main, ["uploads", "--db", str(path)])

    assert listed.exit_code == 0, listed.output
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM removed_programmes").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM programmes WHERE id = ?", [PROGRAMME]).fetchall() == [
        (0,)
    ]
    con.close()


def test_an_added_partnership_with_enrollments_is_not_undone_and_nothing_changes(added):
    con = db.connect(added)
    importer.store(
        con,
        "tilmeldinger",
        csv_file("partnerskab;kommune;interesse", f"{PROGRAMME};Aalborg;01-03-2024"),
        "t.csv",
        "konsulent",
    )
    before = snapshot(con)

    with pytest.raises(KlDashError, match=f"Partnerskabet {PROGRAMME} har nu data"):
        undo(con, 1, "konsulent")

    assert snapshot(con) == before
    con.close()


def test_an_added_partnership_is_not_undone_while_a_later_upload_added_a_meeting_to_it(added):
    con = db.connect(added)
    data = csv_file("partnerskab;moede_id;titel;type", f"{PROGRAMME};ekstra-1;Ekstra;seminar")
    later = importer.store(con, "moeder", data, "moeder.csv", "konsulent").upload_id
    before = snapshot(con)

    with pytest.raises(KlDashError, match=f"Partnerskabet {PROGRAMME} har nu data \\(møder\\)"):
        undo(con, 1, "konsulent")

    assert snapshot(con) == before
    undo(con, later, "konsulent")
    undo(con, 1, "konsulent")
    assert not programme_store.exists(con, PROGRAMME)
    assert con.execute("SELECT count(*) FROM programmes WHERE id = ?", [PROGRAMME]).fetchall() == [
        (0,)
    ]
    con.close()


# DuckDB file only: the crash is between the undo and its purge, two steps on the file; on
# PostgreSQL an undo is written back in one transaction (store.staged), so no such state.
def test_after_an_interrupted_undo_the_app_purges_the_partnership_when_it_starts(
    added, tmp_path, monkeypatch
):
    from .test_pages import open_app

    path = tmp_path / "interrupted.duckdb"
    statements = undo_until_crash(added, tmp_path / "count.duckdb", 0)
    undo_until_crash(added, path, statements - 1)  # in the purge, after the undo committed

    at = open_app(monkeypatch, path, "pages/overblik.py")

    assert not at.exception, [e.message for e in at.exception]
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM programmes WHERE id = ?", [PROGRAMME]).fetchall() == [
        (0,)
    ]
    con.close()
