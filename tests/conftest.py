"""Shared fixtures: real DuckDB files in temporary folders, built by the real code."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from kl_dash import bootstrap, db, store

from . import pg, running

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "docs" / "seeds"
E2E_DIR = PROJECT_ROOT / "tests" / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests e2e by where they live, so that -m "not e2e" leaves them out.

    Then put the longest files first (all slow, some slow, the browser tests, then by number
    of tests), keeping each file's tests together and in order: the two workers take
    whole files in this order (addopts: --dist loadfile --no-loadscope-reorder), so a long
    file never starts last while the other worker sits idle.
    """
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)

    def weight(tests: list[pytest.Item]) -> tuple[int, int]:
        slow = [t for t in tests if t.get_closest_marker("slow")]
        if len(slow) == len(tests):
            kind = 0
        elif slow:
            kind = 1
        elif any(t.get_closest_marker("e2e") for t in tests):
            kind = 2
        else:
            kind = 3
        return kind, -len(tests)

    items[:] = [t for tests in sorted(files.values(), key=weight) for t in tests]


@pytest.fixture
def report_figures(record_property):
    """Print a test's measured figures at the end of every run, passed or failed.

    The figures travel with the test's report (pytest's user properties), so they reach the
    summary from pytest-xdist's workers too, where a test's own output is never shown.
    """

    def report(text: str) -> None:
        record_property("figures", text)

    return report


def pytest_terminal_summary(terminalreporter) -> None:
    """A "figures" section with what each test reported through ``report_figures``."""
    shown = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue  # the teardown's report carries the same properties again
            for name, value in getattr(report, "user_properties", ()):
                if name == "figures":
                    shown.append((report.nodeid, value))
    if shown:
        terminalreporter.section("figures")
        for nodeid, text in sorted(shown):
            terminalreporter.write_line(f"{nodeid}:\n  {text}")


@pytest.fixture(scope="session")
def example_db_file(tmp_path_factory) -> Path:
    """One database with reference and example data, built once; copy it before writing."""
    path = tmp_path_factory.mktemp("example") / "kl_dash.duckdb"
    bootstrap.init_database(path)
    return path


@pytest.fixture
def db_path(example_db_file, tmp_path) -> Path:
    """A fresh copy of the example database, for one test to change as it likes."""
    path = tmp_path / "kl_dash.duckdb"
    shutil.copy(example_db_file, path)
    return path


@pytest.fixture
def con(db_path) -> duckdb.DuckDBPyConnection:
    """An open connection to a fresh copy of the example database."""
    connection = db.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def reference_con(tmp_path) -> duckdb.DuckDBPyConnection:
    """A database with reference data only (kl-dash init --no-example)."""
    path = tmp_path / "reference.duckdb"
    bootstrap.init_database(path, example=False)
    connection = db.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def pg_server() -> pg.PostgresServer:
    """A PostgreSQL server of the tests' own (tests/pg.py), stopped and wiped at the end."""
    server = pg.start()
    yield server
    pg.stop(server)


def _template(server: pg.PostgresServer, source_file: Path, name: str) -> str:
    """A DuckDB file copied into a new PostgreSQL database ``name``, a template to clone."""
    server.admin(f"CREATE DATABASE {name}")
    target = db.connect(server.url(name))
    source = db.open_file(source_file, read_only=True)
    try:
        store.copy_tables(source, target)
    finally:
        source.close()
        target.close()
    return name


@contextmanager
def _clone(server: pg.PostgresServer, template: str) -> Iterator[str]:
    """The URL of a fresh clone of ``template`` (CREATE DATABASE ... TEMPLATE), then dropped."""
    name = f"kl_test_{uuid.uuid4().hex[:12]}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield server.url(name)
    finally:
        server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_template(pg_server, example_db_file) -> str:
    """The example database copied into PostgreSQL once, as a template to clone per test."""
    return _template(pg_server, example_db_file, "kl_template")


@pytest.fixture
def pg_url(pg_server, pg_template) -> str:
    """The URL of a fresh PostgreSQL copy of the example database, dropped after the test."""
    with _clone(pg_server, pg_template) as url:
        yield url


@pytest.fixture
def replicas(pg_url):
    """Two replicas' stores on one PostgreSQL database: two pools of their own."""
    a, b = db.connect(pg_url), db.connect(pg_url)
    yield a, b
    a.close()
    b.close()


@pytest.fixture(scope="session")
def reference_db_file(tmp_path_factory) -> Path:
    """One database with reference data only (kl-dash init --no-example), built once."""
    path = tmp_path_factory.mktemp("reference") / "kl_dash.duckdb"
    bootstrap.init_database(path, example=False)
    return path


def _on_store(request, monkeypatch, file_fixture: str, template_fixture: str):
    """A fresh database on the store of the test's parameter: a DuckDB file or a PostgreSQL URL.

    On PostgreSQL every pool the test opens (the app's own, cached by Streamlit, too) is
    closed before its database is dropped.
    """
    if request.param == "duckdb":
        path = request.getfixturevalue("tmp_path") / "kl_dash.duckdb"
        shutil.copy(request.getfixturevalue(file_fixture), path)
        yield path
        return
    server = request.getfixturevalue("pg_server")
    opened = []
    connect_postgres = store.connect_postgres

    def connect_and_keep(url: str):
        opened.append(connect_postgres(url))
        return opened[-1]

    monkeypatch.setattr(store, "connect_postgres", connect_and_keep)
    with _clone(server, request.getfixturevalue(template_fixture)) as url:
        yield url
        for con in opened:
            con.close()


STORES = ["duckdb", "postgresql"]


@pytest.fixture(params=STORES)
def database(request, monkeypatch):
    """A fresh copy of the example database on each store in turn, for tests that open the app.

    A DuckDB file's path, then a PostgreSQL URL (both go in KL_DASH_DB and db.connect alike):
    a test taking this runs once per store, so the page suite runs against both.
    """
    yield from _on_store(request, monkeypatch, "example_db_file", "pg_template")


@pytest.fixture(scope="session")
def pg_reference_template(pg_server, reference_db_file) -> str:
    """The reference-only database copied into PostgreSQL once, as a template to clone."""
    return _template(pg_server, reference_db_file, "kl_reference")


@pytest.fixture(params=STORES)
def reference_database(request, monkeypatch):
    """A fresh database with reference data only, on each store in turn (as ``database``)."""
    yield from _on_store(request, monkeypatch, "reference_db_file", "pg_reference_template")


@pytest.fixture(autouse=True)
def leave_pages_folder_mode_like_a_server(monkeypatch):
    """AppTest leaves pages-folder mode at the first st.navigation, as a server does."""
    running.leave_pages_folder_mode_like_a_server(monkeypatch.setattr)
