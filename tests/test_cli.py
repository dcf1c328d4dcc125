"""kl-dash init: creates, migrates, refuses to destroy, and recreates only when forced."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path

import duckdb
from click.testing import CliRunner

from kl_dash import db
from kl_dash.cli import main


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def count(path, sql: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_console_script_creates_a_database_where_the_figures_hold(tmp_path):
    path = tmp_path / "x.duckdb"
    done = subprocess.run(
        [Path(sysconfig.get_path("scripts")) / "kl-dash", "init", "--db", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "98 kommuner, 3 partnerskaber" in done.stdout
    assert count(path, "SELECT count(*) FROM municipalities") == 98
    assert count(path, "SELECT count(*) FROM programmes") == 3
    assert count(path, "SELECT count(*) FROM enrollments") > 0


def test_init_uses_KL_DASH_DB_without_db_option(tmp_path):
    path = tmp_path / "from-env.duckdb"
    result = run("init", "--no-example", env={"KL_DASH_DB": str(path)})
    assert result.exit_code == 0, result.output
    assert "uden eksempeldata" in result.output
    assert count(path, "SELECT count(*) FROM enrollments") == 0


def test_init_on_an_existing_database_keeps_its_data(db_path):
    con = db.connect(db_path)
    con.execute("DELETE FROM criterion_status WHERE programme_id = 'it-2017'")
    before = con.execute("SELECT count(*) FROM criterion_status").fetchone()[0]
    con.close()
    result = run("init", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "findes allerede" in result.output and "--force" in result.output
    assert count(db_path, "SELECT count(*) FROM criterion_status") == before


def test_init_migrates_an_older_database_in_place(tmp_path):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    db.migrate(old, target=1)
    old.close()
    result = run("init", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert f"opdateret fra version 1 til {db.latest_version()}" in result.output
    assert count(path, "SELECT max(version) FROM schema_migrations") == db.latest_version()


def test_force_says_what_will_be_lost_and_recreates(db_path):
    con = db.connect(db_path)
    con.execute("DELETE FROM criterion_status")
    con.close()
    result = run("init", "--db", str(db_path), "--force")
    assert result.exit_code == 0, result.output
    assert "--force:" in result.stderr and "tilmeldinger" in result.stderr
    assert count(db_path, "SELECT count(*) FROM criterion_status") > 0


def test_init_refuses_a_file_that_is_not_a_database_and_leaves_it(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("important notes")
    result = run("init", "--db", str(path))
    assert result.exit_code == 1
    assert "Fejl:" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.output
    assert path.read_text() == "important notes"
