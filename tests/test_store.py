"""The store: the DuckDB file by default, a shared PostgreSQL by URL, one schema on both."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kl_dash import db, store
from kl_dash.errors import NotAKlDashDatabase


def test_a_postgresql_url_names_postgresql_and_anything_else_a_duckdb_file(monkeypatch):
    monkeypatch.setenv("KL_DASH_DB", "postgresql://kl@db.example/kl_dash")
    assert db.resolve_db_path() == "postgresql://kl@db.example/kl_dash"
    assert db.resolve_db_path("postgres://db.example/kl") == "postgres://db.example/kl"
    assert db.resolve_db_path("data/postgresql.duckdb") == Path("data/postgresql.duckdb")
    assert not store.is_postgres(Path("postgresql://x"))


def test_parameters_become_psycopg_ones_outside_quoted_text():
    sql = (
        "SELECT '?', \"a?\", x ~ '^(?:[0-9]{3})$', 'it''s $x' FROM t -- what? 50%\n"
        "WHERE a = ? AND b = $programme AND c LIKE '%x' AND d % 2 = 0"
    )
    assert store.pyformat(sql) == (
        "SELECT '?', \"a?\", x ~ '^(?:[0-9]{3})$', 'it''s $x' FROM t -- what? 50%%\n"
        "WHERE a = %s AND b = %(programme)s AND c LIKE '%%x' AND d %% 2 = 0"
    )


def _schema(con) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ).fetchall()
    schema: dict[str, list[str]] = {}
    for table, column in rows:
        schema.setdefault(table, []).append(column)
    return schema


def test_the_same_migrations_build_the_same_tables_on_postgresql_as_on_the_duckdb_file(con, pg_url):
    pg = db.connect(pg_url)
    try:
        assert _schema(pg) == _schema(con)
        assert db.schema_version(pg) == db.schema_version(con) == db.latest_version()
        assert pg.execute("SELECT id, n FROM data_version").fetchall() == [(1, 1)]  # the copy
    finally:
        pg.close()


BAD = [
    "INSERT INTO municipalities VALUES ('12', 'Ny', 'Sjælland', 55.5, 11.5)",
    "INSERT INTO municipalities VALUES ('1234', 'Ny', 'Sjælland', 55.5, 11.5)",
    "INSERT INTO login_secret VALUES (1, 'ABC')",
    "INSERT INTO data_version VALUES (2, 0)",
]


@pytest.mark.parametrize("sql", BAD)
def test_the_rewritten_checks_refuse_the_same_rows_on_both_stores(con, pg_url, sql):
    pg = db.connect(pg_url)
    try:
        for target in (con, pg):
            with pytest.raises(store.constraint_errors()):
                target.execute(sql)
        for target in (con, pg):  # a good row passes on both
            target.execute(
                "INSERT INTO municipalities VALUES ('999', 'Ny', 'Sjælland', 55.5, 11.5)"
            )
    finally:
        pg.close()


def test_replicas_starting_at_once_migrate_a_new_postgresql_database_once(pg_server):
    pg_server.admin("CREATE DATABASE kl_fresh")
    url = pg_server.url("kl_fresh")
    applied, errors = [], []

    def start():
        try:
            con = store.connect_postgres(url)
            try:
                applied.append(len(db.migrate(con)))
            finally:
                con.close()
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        assert errors == []
        assert sorted(applied) == [0, 0, len(db.migrations())]
        con = db.connect(url)
        versions = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        con.close()
        assert versions == [(m.version,) for m in db.migrations()]
    finally:
        pg_server.admin("DROP DATABASE kl_fresh WITH (FORCE)")


def test_the_example_database_copied_into_postgresql_holds_every_row(example_db_file, pg_url):
    source = duckdb.connect(str(example_db_file), read_only=True)
    pg = db.connect(pg_url)
    try:
        assert db.table_counts(pg) == db.table_counts(source)
        (next_id,) = pg.execute("SELECT nextval('uploads_id_seq')").fetchone()
        (last,) = source.execute("SELECT coalesce(max(id), 0) FROM uploads").fetchone()
        assert next_id == last + 1
    finally:
        source.close()
        pg.close()


def test_a_write_transaction_raises_the_data_version_and_a_failed_one_leaves_nothing(pg_url):
    pg = db.connect(pg_url)
    try:
        with store.write_transaction(pg):
            pg.execute("INSERT INTO dataset_info VALUES (?, ?)", ["note", "a"])
        with pytest.raises(store.constraint_errors()):
            with store.write_transaction(pg):
                pg.execute("INSERT INTO dataset_info VALUES (?, ?)", ["other", "b"])
                pg.execute("INSERT INTO dataset_info VALUES (?, ?)", ["note", "c"])
        assert pg.execute("SELECT n FROM data_version").fetchone() == (2,)  # copy, then one
        assert pg.execute(
            "SELECT key, value FROM dataset_info WHERE key IN ('note', 'other')"
        ).fetchall() == [("note", "a")]
    finally:
        pg.close()


def test_init_fills_a_new_postgresql_database_as_a_new_file_and_then_leaves_it_alone(
    pg_server, example_db_file
):
    from click.testing import CliRunner

    from kl_dash.cli import main

    pg_server.admin("CREATE DATABASE kl_init")
    url = pg_server.url("kl_init")
    try:
        first = CliRunner().invoke(main, ["init", "--db", url])
        assert first.exit_code == 0, first.output
        assert f"Oprettede {url}" in first.output
        source = duckdb.connect(str(example_db_file), read_only=True)
        con = db.connect(url)
        try:
            counts = db.table_counts(con)
            assert counts.pop("data_version") == 1
            assert counts == {
                k: v for k, v in db.table_counts(source).items() if k != "data_version"
            }
        finally:
            source.close()
            con.close()
        again = CliRunner().invoke(main, ["init", "--db", url])
        assert again.exit_code == 0, again.output
        assert "findes allerede" in again.output and "ikke ændret" in again.output
        refused = CliRunner().invoke(main, ["init", "--db", url, "--force"])
        assert refused.exit_code != 0 and "sletter aldrig" in refused.output
    finally:
        pg_server.admin("DROP DATABASE kl_init WITH (FORCE)")


def test_a_database_file_is_copied_into_an_empty_postgresql_database_and_only_an_empty_one(
    pg_server, db_path
):
    from click.testing import CliRunner

    from kl_dash import importer
    from kl_dash.cli import main

    con = db.connect(db_path)
    (name,) = con.execute(
        "SELECT min(m.name) FROM enrollments AS e JOIN municipalities AS m "
        "ON m.code = e.municipality_code WHERE e.programme_id = 'it-2017'"
    ).fetchone()
    data = f"partnerskab;kommune;gruppe;antal\nit-2017;{name};Ledelsesspor;4\n".encode()
    importer.store(con, "deltagere", data, "deltagere.csv", "test")
    expected = db.table_counts(con)
    con.close()
    pg_server.admin("CREATE DATABASE kl_copy")
    url = pg_server.url("kl_copy")
    try:
        copied = CliRunner().invoke(main, ["copy-to-postgres", url, "--db", str(db_path)])
        assert copied.exit_code == 0, copied.output
        pg = db.connect(url)
        try:
            counts = db.table_counts(pg)
            assert counts.pop("data_version") == expected.pop("data_version") == 1
            assert counts == expected
            assert pg.execute("SELECT nextval('uploads_id_seq')").fetchone() == (2,)
        finally:
            pg.close()
        again = CliRunner().invoke(main, ["copy-to-postgres", url, "--db", str(db_path)])
        assert again.exit_code != 0 and "har allerede data" in again.output
    finally:
        pg_server.admin("DROP DATABASE kl_copy WITH (FORCE)")


def test_cursors_kept_open_between_statements_hold_none_of_the_pool(pg_url):
    pg = db.connect(pg_url)
    kept = [pg.cursor() for _ in range(3 * store.POOL_SIZE)]  # e.g. checked uploads awaiting Gem
    try:
        for cursor in kept:
            assert cursor.execute("SELECT count(*) FROM municipalities").fetchone() == (98,)
        with store.write_transaction(kept[0]):  # a transaction holds its connection until done
            assert kept[1].execute("SELECT n FROM data_version").fetchone() == (1,)
        assert kept[2].execute("SELECT n FROM data_version").fetchone() == (2,)
    finally:
        for cursor in kept:
            cursor.close()
        pg.close()


def test_a_connection_opened_in_a_with_block_is_closed_at_its_end_on_both_stores(database):
    from psycopg_pool import PoolClosed

    with db.connect(database) as con:
        assert con.execute("SELECT count(*) FROM municipalities").fetchone() == (98,)
    with pytest.raises((duckdb.ConnectionException, PoolClosed)):
        con.execute("SELECT count(*) FROM municipalities")


def test_a_foreign_postgresql_database_is_refused_as_postgresql_and_left_alone(pg_server):
    pg_server.admin("CREATE DATABASE kl_foreign")
    url = pg_server.url("kl_foreign")
    try:
        other = store.connect_postgres(url)
        other.execute("CREATE TABLE sales (id INTEGER)")
        other.close()
        with pytest.raises(NotAKlDashDatabase) as refused:
            db.connect(url)
        assert "PostgreSQL-databasen er ikke en kl_dash-database" in str(refused.value)
        assert "skema public har tabellerne sales og ingen schema_migrations" in str(refused.value)
        assert "DuckDB" not in str(refused.value) and "Filen" not in str(refused.value)
        other = store.connect_postgres(url)
        tables = other.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        other.close()
        assert tables == [("sales",)]
    finally:
        pg_server.admin("DROP DATABASE kl_foreign WITH (FORCE)")


@pytest.mark.parametrize(
    "kind, value",
    [
        ("INTEGER", "7"),
        ("BIGINT", "7"),
        ("DOUBLE PRECISION", "1.5"),
        ("DATE", "DATE '2019-06-01'"),
        ("TIMESTAMP", "TIMESTAMP '2019-06-01 12:30:00'"),
        ("BOOLEAN", "TRUE"),
        ("VARCHAR", "'Odense'"),
    ],
)
def test_typed_rows_make_the_frame_duckdb_makes_of_the_same_column(kind, value):
    duck = duckdb.connect()
    for sql in [
        f"SELECT CAST({value} AS {kind}) AS x",  # a value
        f"SELECT CAST({value} AS {kind}) AS x UNION ALL SELECT NULL",  # and an empty one
        f"SELECT CAST(NULL AS {kind}) AS x",  # only empty ones
        f"SELECT CAST({value} AS {kind}) AS x WHERE FALSE",  # no rows
    ]:
        made = store.typed_frame(duck.execute(sql).fetchall(), [("x", kind)])
        pd.testing.assert_frame_equal(made, duck.execute(sql).df(), obj=sql)
