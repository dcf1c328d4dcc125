"""The benchmarks of issue 12 run: a generated database is real data, and pages.py runs."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from kl_dash import importer
from kl_dash.update_kinds import KINDS

from .conftest import PROJECT_ROOT

SCALE = "0.05"  # partnerships of five municipalities: seconds to build
PAGES = [
    ("pages/overblik.py", False),
    ("pages/kommuner.py", False),
    ("pages/kommuner.py", True),
    ("pages/moeder.py", False),
    ("pages/succeskriterier.py", False),
    ("pages/opdater.py", False),
]


def generate(path, seed: int = 0) -> str:
    """Run benchmarks/generate.py as a person would; its output."""
    done = subprocess.run(
        [sys.executable, "benchmarks/generate.py", "--scale", SCALE, "--db", str(path)]
        + ["--seed", str(seed)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    """A database generated at a tiny scale, and what the generator printed."""
    path = tmp_path_factory.mktemp("bench") / "tiny.duckdb"
    return path, generate(path)


def rows(path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(path))  # as the app's connection: both can be open at once
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def generated(path) -> list[str]:
    return [
        p for (p,) in rows(path, "SELECT id FROM programmes WHERE id LIKE 'bench-%' ORDER BY 1")
    ]


def test_the_generator_stores_partnerships_and_data_as_logged_uploads(tiny_db):
    path, output = tiny_db
    programmes = generated(path)
    assert programmes
    logged = rows(path, "SELECT kind, count(*) FROM uploads GROUP BY kind")
    assert dict(logged)["partnerskab"] == len(programmes)
    assert set(dict(logged)) == {"partnerskab", *KINDS}
    (unlogged,) = rows(path, "SELECT count(*) FROM attendance WHERE source NOT LIKE 'upload:%'")[0]
    assert unlogged == 0
    for kind in KINDS:
        assert f"importer.store {kind}" in output


def test_the_same_seed_builds_the_same_rows_and_another_seed_others(tiny_db, tmp_path):
    path, _ = tiny_db
    again, other = tmp_path / "again.duckdb", tmp_path / "other.duckdb"
    generate(again)
    generate(other, seed=1)

    def exported(db_path) -> dict[str, list]:
        con = duckdb.connect(str(db_path))
        try:
            return {k: importer.export_frame(con, k).values.tolist() for k in KINDS}
        finally:
            con.close()

    first = exported(path)
    assert exported(again) == first
    assert exported(other)["fremmoede"] != first["fremmoede"]


def test_the_generator_refuses_to_overwrite_a_file(tiny_db):
    path, _ = tiny_db
    before = path.stat().st_mtime_ns
    done = subprocess.run(
        [sys.executable, "benchmarks/generate.py", "--scale", SCALE, "--db", str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "exists already" in done.stderr
    assert path.stat().st_mtime_ns == before


@pytest.mark.parametrize(("page", "profile"), PAGES)
def test_every_page_renders_on_a_generated_database(monkeypatch, tiny_db, page, profile):
    path, _ = tiny_db
    programme = generated(path)[-1]
    monkeypatch.setenv("KL_DASH_DB", str(path))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["partnerskab"] = programme
    if profile:
        (name,) = rows(
            path,
            "SELECT min(m.name) FROM enrollments e JOIN municipalities m "
            "ON m.code = e.municipality_code WHERE e.programme_id = ?",
            [programme],
        )[0]
        at.query_params["kommune"] = name
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title
    if profile:
        assert any(h.value.startswith("Profil:") for h in at.header)


@pytest.mark.slow
def test_the_pages_benchmark_runs_end_to_end_in_quick_mode(tiny_db):
    path, _ = tiny_db
    done = subprocess.run(
        [sys.executable, "benchmarks/pages.py", "--quick", "--db", str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for title in ("Overblik", "Kommuner", "Kommuner, profil", "Møder og spor"):
        assert f"\n{title:<20}miss" in table and f"\n{title:<20}hit" in table
    assert "importer.store" in table and "load average at the end" in table
