"""kl-dash init: creates, migrates, refuses to destroy, and recreates only when forced."""

from __future__ import annotations

import re
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


def test_import_dry_run_shows_the_preview_and_stores_nothing(db_path, tmp_path):
    out = tmp_path / "fremmoede.csv"
    assert (
        run(
            "export",
            "fremmoede",
            "--partnerskab",
            "faellesskaber-2021",
            "--db",
            str(db_path),
            "--out",
            str(out),
        ).exit_code
        == 0
    )
    text = out.read_bytes().decode("utf-8-sig").splitlines()
    text[1] = text[1].rsplit(";", 1)[0] + ";9"  # one attendance figure changed
    out.write_bytes(("\n".join(text) + "\n").encode("cp1252"))
    before = count(db_path, "SELECT sum(attendees) FROM attendance")
    result = run("import", "fremmoede", str(out), "--db", str(db_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Windows-1252" in result.output and "1 ændrede" in result.output
    assert count(db_path, "SELECT sum(attendees) FROM attendance") == before
    assert count(db_path, "SELECT count(*) FROM uploads") == 0


def test_import_stores_logs_and_undo_restores(db_path, tmp_path):
    path = tmp_path / "deltagere.csv"
    assert run("export", "deltagere", "--db", str(db_path), "--out", str(path)).exit_code == 0
    lines = path.read_bytes().decode("utf-8-sig").splitlines()
    header, first = lines[0], lines[1]
    path.write_text(header + "\n" + first.rsplit(";", 1)[0] + ";7\n", encoding="utf-8")
    before = count(db_path, "SELECT sum(participants) FROM participants")
    result = run("import", "deltagere", str(path), "--db", str(db_path), "--user", "krj")
    assert result.exit_code == 0, result.output
    assert "Gemt som upload 1" in result.output
    assert count(db_path, "SELECT sum(participants) FROM participants") != before
    log = run("uploads", "--db", str(db_path))
    assert "krj" in log.output and "deltagere.csv" in log.output and "1 ændrede" in log.output
    again = run("import", "deltagere", str(path), "--db", str(db_path))
    assert "ændrer ingenting" in again.output
    undone = run("undo", "1", "--db", str(db_path), "--user", "krj")
    assert undone.exit_code == 0, undone.output
    assert count(db_path, "SELECT sum(participants) FROM participants") == before
    refused = run("undo", "1", "--db", str(db_path))
    assert refused.exit_code == 1 and "allerede fortrudt" in refused.stderr


def test_import_with_errors_prints_them_all_and_exits_1(db_path, tmp_path):
    path = tmp_path / "fremmoede.csv"
    path.write_text(
        "partnerskab;moede_id;kommune;antal\nit-2017;ps-9;Aarhuss;-1\nit-2018;ps-1;Aarhus;2\n",
        encoding="utf-8",
    )
    result = run("import", "fremmoede", str(path), "--db", str(db_path))
    assert result.exit_code == 1
    assert 'række 2, kolonne "antal": "-1"' in result.stderr
    assert "mente du Aarhus?" in result.stderr
    assert 'række 2, kolonne "moede_id": "ps-9"' in result.stderr
    assert 'række 3, kolonne "partnerskab": "it-2018"' in result.stderr
    assert "intet er gemt" in result.stderr
    assert count(db_path, "SELECT count(*) FROM uploads") == 0


def test_export_then_import_changes_nothing_even_for_neutralised_notes(db_path, tmp_path):
    con = db.connect(db_path)
    con.execute(
        "UPDATE criterion_status SET note = '=HYPERLINK(\"http://x\")' "
        "WHERE programme_id = 'it-2017' AND criterion_no = 1"
    )
    con.close()
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"kriterier.{suffix}"
        exported = run(
            "export",
            "kriteriestatus",
            "--partnerskab",
            "it-2017",
            "--db",
            str(db_path),
            "--out",
            str(out),
        )
        assert exported.exit_code == 0, exported.output
        if suffix == "csv":
            assert "'=HYPERLINK" in out.read_bytes().decode("utf-8-sig")
        result = run("import", "kriteriestatus", str(out), "--db", str(db_path), "--dry-run")
        assert result.exit_code == 0, result.output
        assert "0 nye, 0 ændrede" in result.output


def test_export_refuses_an_unknown_file_type(db_path, tmp_path):
    result = run("export", "moeder", "--db", str(db_path), "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and ".csv eller .xlsx" in result.stderr


def test_uploads_lists_an_undone_and_an_open_upload(db_path, tmp_path):
    header = "partnerskab;kriterie;kommune;dato;status;note"
    for criterion in (1, 2):
        path = tmp_path / f"kriterie-{criterion}.csv"
        path.write_text(
            f"{header}\nit-2017;{criterion};Frederiksberg;15-11-2017;opnået;\n", encoding="utf-8"
        )
        stored = run("import", "kriteriestatus", str(path), "--db", str(db_path), "--user", "krj")
        assert stored.exit_code == 0, stored.output
    assert run("undo", "1", "--db", str(db_path), "--user", "krj").exit_code == 0

    listed = run("uploads", "--db", str(db_path))

    assert listed.exit_code == 0, listed.output
    newest, oldest = listed.output.splitlines()
    assert newest.split()[0] == "2" and "fortrudt" not in newest
    assert oldest.split()[0] == "1"
    assert re.search(r"fortrudt \d\d-\d\d-\d{4} \d\d:\d\d af krj$", oldest), oldest


def test_a_partnership_file_over_the_upload_limit_is_refused_before_it_is_read(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("KL_DASH_MAX_UPLOAD_MB", "1")
    big = tmp_path / "stor.toml"
    big.write_text("# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["programme", "check", str(big)])

    assert result.exit_code == 1
    assert "stor.toml: filen fylder 1.048.579 bytes; forventet en fil på højst 1 MB" in (
        result.output
    )
