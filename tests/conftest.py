"""Shared fixtures: real DuckDB files in temporary folders, built by the real code."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb
import pytest

from kl_dash import bootstrap, db, store

from . import pg, running

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "docs" / "seeds"
E2E_DIR = PROJECT_ROOT / "tests" / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests e2e by where they live, so that -m "not e2e" leaves them out."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


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


@pytest.fixture(scope="session")
def pg_template(pg_server, example_db_file) -> str:
    """The example database copied into PostgreSQL once, as a template to clone per test."""
    pg_server.admin("CREATE DATABASE kl_template")
    target = db.connect(pg_server.url("kl_template"))
    source = db.open_file(example_db_file, read_only=True)
    try:
        store.copy_tables(source, target)
    finally:
        source.close()
        target.close()
    return "kl_template"


@pytest.fixture
def pg_url(pg_server, pg_template) -> str:
    """The URL of a fresh PostgreSQL copy of the example database, dropped after the test."""
    name = f"kl_test_{uuid.uuid4().hex[:12]}"
    pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url(name)
    pg_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def replicas(pg_url):
    """Two replicas' stores on one PostgreSQL database: two pools of their own."""
    a, b = db.connect(pg_url), db.connect(pg_url)
    yield a, b
    a.close()
    b.close()


@pytest.fixture(autouse=True)
def leave_pages_folder_mode_like_a_server(monkeypatch):
    """AppTest leaves pages-folder mode at the first st.navigation, as a server does."""
    running.leave_pages_folder_mode_like_a_server(monkeypatch.setattr)
