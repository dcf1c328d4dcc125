"""The database itself: where it lives, its constraints, and migrations that keep data."""

from __future__ import annotations

import re
import stat
import subprocess
import sys

import duckdb
import pytest
from click.testing import CliRunner

from kl_dash import bootstrap, db
from kl_dash.cli import main
from kl_dash.errors import NotAKlDashDatabase

CORE_TABLES = {
    "municipalities",
    "programmes",
    "programme_groups",
    "networks",
    "focus_areas",
    "enrollments",
    "meetings",
    "attendance",
    "success_criteria",
    "criterion_status",
    "uploads",
}


def test_the_contract_tables_exist(con):
    tables = {
        t
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    }
    assert CORE_TABLES <= tables


def test_db_option_wins_over_environment_and_default(monkeypatch, tmp_path):
    monkeypatch.setenv("KL_DASH_DB", str(tmp_path / "env.duckdb"))
    assert db.resolve_db_path(tmp_path / "opt.duckdb") == tmp_path / "opt.duckdb"
    assert db.resolve_db_path(None) == tmp_path / "env.duckdb"
    monkeypatch.delenv("KL_DASH_DB")
    assert db.resolve_db_path(None) == db.PROJECT_ROOT / "data" / "kl_dash.duckdb"


def _enrolled(con) -> str:
    (code,) = con.execute(
        "SELECT municipality_code FROM enrollments WHERE programme_id = 'faellesskaber-2021' "
        "ORDER BY 1 LIMIT 1"
    ).fetchone()
    return code


def _not_enrolled(con) -> str:
    (code,) = con.execute(
        "SELECT code FROM municipalities WHERE code NOT IN (SELECT municipality_code "
        "FROM enrollments WHERE programme_id = 'faellesskaber-2021') ORDER BY 1 LIMIT 1"
    ).fetchone()
    return code


# (what is impossible, table, SQL, parameters: ENROLLED / OTHER stand for municipality codes)
BAD_ROWS = [
    (
        "unknown criterion status",
        "criterion_status",
        "INSERT INTO criterion_status VALUES ('faellesskaber-2021', 1, ?, DATE '2021-10-01', "
        "'done', NULL, 'test')",
        ["ENROLLED"],
    ),
    (
        "negative attendance",
        "attendance",
        "UPDATE attendance SET attendees = -1 WHERE programme_id = 'faellesskaber-2021' "
        "AND meeting_id = 'pm-1' AND municipality_code = ?",
        ["ENROLLED"],
    ),
    (
        "negative participant count",
        "participants",
        "UPDATE participants SET participants = -3 WHERE programme_id = 'faellesskaber-2021' "
        "AND municipality_code = ?",
        ["ENROLLED"],
    ),
    (
        "political agreement before interest",
        "enrollments",
        "INSERT INTO enrollments VALUES ('it-2017', ?, DATE '2017-08-20', DATE '2017-08-01', "
        "NULL, NULL, 'test')",
        ["OTHER"],
    ),
    (
        "withdrawal before interest",
        "enrollments",
        "INSERT INTO enrollments VALUES ('it-2017', ?, DATE '2017-08-20', NULL, DATE '2017-08-01', "
        "NULL, 'test')",
        ["OTHER"],
    ),
    (
        "attendance for a meeting that does not exist",
        "attendance",
        "INSERT INTO attendance VALUES ('faellesskaber-2021', 'pm-9', ?, 3, 'test')",
        ["ENROLLED"],
    ),
    (
        "attendance for a municipality that is not enrolled",
        "attendance",
        "INSERT INTO attendance VALUES ('faellesskaber-2021', 'pm-1', ?, 3, 'test')",
        ["OTHER"],
    ),
    (
        "enrollment of an unknown municipality",
        "enrollments",
        "INSERT INTO enrollments VALUES ('it-2017', '999', DATE '2017-08-20', NULL, NULL, NULL, "
        "'test')",
        [],
    ),
    (
        "enrollment in an unknown programme",
        "enrollments",
        "INSERT INTO enrollments VALUES ('nope-2030', ?, DATE '2017-08-20', NULL, NULL, NULL, "
        "'test')",
        ["OTHER"],
    ),
    (
        "municipality code that is not three digits",
        "municipalities",
        "INSERT INTO municipalities VALUES ('12', 'Test', 'Sjælland', 55.5, 11.5)",
        [],
    ),
    (
        "unknown region",
        "municipalities",
        "INSERT INTO municipalities VALUES ('998', 'Test', 'Skåne', 55.5, 11.5)",
        [],
    ),
    (
        "duplicate municipality",
        "municipalities",
        "INSERT INTO municipalities VALUES ('101', 'København', 'Hovedstaden', 55.7, 12.6)",
        [],
    ),
    (
        "participant range upside down",
        "programme_groups",
        "INSERT INTO programme_groups VALUES ('it-2017', 'x', 'X', 'track', 5, 3, 9, NULL, 't')",
        [],
    ),
    (
        "unknown group kind",
        "programme_groups",
        "INSERT INTO programme_groups VALUES ('it-2017', 'x', 'X', 'club', 1, 3, 9, NULL, 't')",
        [],
    ),
    (
        "unknown meeting type",
        "meetings",
        "INSERT INTO meetings (programme_id, meeting_id, title, meeting_type, sort_order, source) "
        "VALUES ('it-2017', 'x-1', 'X', 'party', 99, 't')",
        [],
    ),
    (
        "meeting held without saying who recorded it",
        "meetings",
        "INSERT INTO meetings (programme_id, meeting_id, title, meeting_type, held_on, "
        "sort_order, source) VALUES ('it-2017', 'x-1', 'X', 'seminar', DATE '2018-01-01', 99, 't')",
        [],
    ),
    (
        "planned period ending before it starts",
        "meetings",
        "INSERT INTO meetings (programme_id, meeting_id, title, meeting_type, planned_text, "
        "planned_from, planned_to, sort_order, source) VALUES ('it-2017', 'x-1', 'X', 'seminar', "
        "'primo 2018', DATE '2018-04-30', DATE '2018-01-01', 99, 't')",
        [],
    ),
    (
        "unknown meeting form",
        "meetings",
        "UPDATE meetings SET form = 'hybrid' "
        "WHERE programme_id = 'it-2017' AND meeting_id = 'ps-1'",
        [],
    ),
    (
        "assessment of a criterion that does not exist",
        "criterion_status",
        "INSERT INTO criterion_status VALUES ('faellesskaber-2021', 9, ?, DATE '2021-10-01', "
        "'achieved', NULL, 'test')",
        ["ENROLLED"],
    ),
    (
        "negative price",
        "programmes",
        "UPDATE programmes SET price_dkk = -1 WHERE id = 'it-2017'",
        [],
    ),
    (
        "programme ending before it starts",
        "programmes",
        "UPDATE programmes SET end_date = DATE '2016-01-01' WHERE id = 'it-2017'",
        [],
    ),
    (
        "upload with a malformed SHA-256",
        "uploads",
        "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, rows_new, "
        "rows_changed, rows_unchanged, undo_data) VALUES (now(), 'kl', 'a.csv', 'abc', "
        "'deltagere', 1, 0, 0, '{}')",
        [],
    ),
    (
        "upload of an unknown kind",
        "uploads",
        "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, rows_new, "
        "rows_changed, rows_unchanged, undo_data) VALUES (now(), 'kl', 'a.csv', repeat('a', 64), "
        "'priser', 1, 0, 0, '{}')",
        [],
    ),
]


@pytest.mark.parametrize(
    ("table", "sql", "params"), [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS]
)
def test_database_refuses_impossible_rows(con, table, sql, params):
    codes = {"ENROLLED": _enrolled(con), "OTHER": _not_enrolled(con)}
    before = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    with pytest.raises(duckdb.ConstraintException):
        con.execute(sql, [codes[p] for p in params])
    assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == before


def test_enrollment_status_is_derived_from_the_dates(con):
    code = _not_enrolled(con)
    con.execute(
        "INSERT INTO enrollments VALUES ('it-2017', ?, DATE '2017-08-20', NULL, NULL, NULL, 't')",
        [code],
    )
    status = "SELECT status FROM enrollment_status WHERE programme_id = 'it-2017' AND municipality_code = ?"  # noqa: E501
    assert con.execute(status, [code]).fetchone() == ("awaiting_agreement",)
    con.execute(
        "UPDATE enrollments SET agreement_on = DATE '2017-09-20' "
        "WHERE programme_id = 'it-2017' AND municipality_code = ?",
        [code],
    )
    assert con.execute(status, [code]).fetchone() == ("participating",)
    con.execute(
        "UPDATE enrollments SET withdrawn_on = DATE '2018-09-20' "
        "WHERE programme_id = 'it-2017' AND municipality_code = ?",
        [code],
    )
    assert con.execute(status, [code]).fetchone() == ("withdrawn",)


def _dump(con) -> dict[str, list[tuple]]:
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_name <> 'schema_migrations' ORDER BY 1"
        ).fetchall()
    ]
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_migration_from_an_older_version_keeps_the_data(tmp_path):
    # The file as version 1 of kl_dash made it: today's reference and example rows, in the
    # columns version 1 has (copied parents first, in the order version 1 created the tables).
    current = tmp_path / "current.duckdb"
    bootstrap.init_database(current)
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    db.migrate(old, target=1)
    tables = [t for (t,) in old.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'schema_migrations' "
        "ORDER BY table_oid"
    ).fetchall()]  # fmt: skip
    widths = {}
    old.execute("ATTACH ? AS current (READ_ONLY)", [str(current)])
    with db.transaction(old):
        for table in tables:
            columns = [c for (c,) in old.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old' "
                "AND table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()]  # fmt: skip
            widths[table] = len(columns)
            listed = ", ".join(columns)
            old.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM current.{table}")
    old.execute("DETACH current")
    before = _dump(old)
    assert before["meetings"] and before["attendance"]
    assert "uploads" not in before and "upload_changes" not in before
    old.close()

    con = db.connect(path)  # opening upgrades in place
    assert db.schema_version(con) == db.latest_version() >= 2
    after = _dump(con)
    added = after.keys() - before.keys()  # tables of later migrations, empty at first
    assert {"uploads", "upload_changes", "users", "data_version"} <= added
    assert after.pop("data_version") == [(1, 0)]  # the one row, made by its migration
    assert all(after.pop(table) == [] for table in added - {"data_version"})
    # Columns added later come last; the columns version 1 had hold what they held.
    assert {t: [row[: widths[t]] for row in rows] for t, rows in after.items()} == before
    # A meeting of an older file is for every network, as it was.
    assert con.execute(
        "SELECT count(*) FROM meetings WHERE network_id IS NOT NULL OR each_network"
    ).fetchone() == (0,)
    versions = con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    assert versions == [(m.version, m.name) for m in db.migrations()]
    assert versions[:3] == [(1, "core"), (2, "uploads"), (3, "upload_changes")]
    con.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path, con):
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    with pytest.raises(NotAKlDashDatabase, match="skemaversion 99"):
        db.migrate(con)


def test_a_foreign_duckdb_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.duckdb"
    other = duckdb.connect(str(path))
    other.execute("CREATE TABLE sales (id INTEGER)")
    other.close()
    with pytest.raises(NotAKlDashDatabase, match="ikke en kl_dash-database"):
        db.connect(path)
    other = duckdb.connect(str(path))
    tables = other.execute("SELECT table_name FROM information_schema.tables").fetchall()
    assert tables == [("sales",)]
    other.close()


def test_a_file_that_is_not_duckdb_is_refused(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(NotAKlDashDatabase, match="kan ikke åbnes som DuckDB-database"):
        db.connect(path)
    assert path.read_text() == "not a database"


# --- a damaged file (issue 13) ---------------------------------------------------------------


@pytest.mark.parametrize("share", [0.0, 0.0005, 0.3, 0.9])
def test_a_truncated_database_is_refused_in_danish_on_the_command_line_and_left_as_it_is(
    example_db_file, tmp_path, share
):
    whole = example_db_file.read_bytes()
    path = tmp_path / "afkortet.duckdb"
    path.write_bytes(whole[: int(len(whole) * share)])
    before = path.read_bytes()

    result = CliRunner().invoke(main, ["uploads", "--db", str(path)])

    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.startswith(f"Fejl: {path} ")
    assert re.search("ufuldstændig|kan ikke åbnes som DuckDB-database: filen er tom", result.stderr)
    assert "Error" not in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert not path.with_name(path.name + ".wal").exists()


def test_a_database_cut_inside_its_tables_is_refused_when_opened_not_on_a_later_page(
    example_db_file, tmp_path
):
    whole = example_db_file.read_bytes()
    path = tmp_path / "afkortet.duckdb"
    path.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(NotAKlDashDatabase, match="ufuldstændig: filen fylder") as refused:
        db.open_file(path, read_only=True)

    assert "gendan den fra en sikkerhedskopi" in str(refused.value)
    assert path.read_bytes() == whole[: len(whole) // 2]


def test_a_new_database_file_and_its_new_folder_are_private_to_their_owner(tmp_path):
    path = tmp_path / "ny" / "kl_dash.duckdb"

    db.connect(path).close()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_database_made_by_init_is_private_to_its_owner(tmp_path):
    path = tmp_path / "kl_dash.duckdb"

    result = CliRunner().invoke(main, ["init", "--no-example", "--db", str(path)])

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


WAL_PROBE = """
import os, stat, sys
os.umask(0o022)  # the usual umask: DuckDB alone would make the .wal readable by all
from kl_dash import db, users
from kl_dash.cli import main
from kl_dash.ui import frame
from kl_dash.users import Actor

path, entry = sys.argv[1], sys.argv[2]
if entry == "app":
    con = frame.open_database(path)
else:  # the command line's start, then a write as its commands make them
    main(["init", "--no-example", "--db", path], standalone_mode=False)
    con = db.connect(path)
admin = Actor("drift", "admin", "cli")
users.add_user(con, "kirsten", "viewer", "et langt kodeord 123", by=admin)
folder = os.path.dirname(path)
for name in sorted(os.listdir(folder)):
    print("mode", name, oct(stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode)))
"""


@pytest.mark.parametrize("entry", ["app", "cli"])
def test_the_write_ahead_log_holding_a_new_password_hash_is_private_to_its_owner(tmp_path, entry):
    folder = tmp_path / "delt"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # a folder others may list, as data/ is in a fresh clone
    path = folder / "kl_dash.duckdb"

    listed = subprocess.run(
        [sys.executable, "-c", WAL_PROBE, str(path), entry],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.splitlines()

    modes = dict(line.split()[1:] for line in listed if line.startswith("mode "))
    assert "kl_dash.duckdb.wal" in modes  # the hash is in the log until a checkpoint
    assert modes == {name: "0o600" for name in modes}
