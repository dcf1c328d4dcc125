"""Options 1 and 2: DuckDB's postgres extension (ATTACH ... TYPE postgres) and DuckLake on a
PostgreSQL catalog, both loaded from pip packages (no download at run time).

Needs the venv of setup_venvs.sh (duckdb 1.5.5 + duckdb-extension-postgres-scanner 1.5.5 +
duckdb-extension-ducklake 1.5.5) and the PG schema `public` that psycopg_dialect.py loads.

    PYTHONPATH=. venv15/bin/python benchmarks/spike_postgres/duckdb_extension.py EXAMPLE.duckdb
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import psycopg
from common import PG_URL, TIMED, migrations, normalise, params, pg_ddl, queries, statements, timed

LAKE_DATA = Path("/tmp/kl_spike_lake")


def extension_path(package: str, name: str) -> str:
    """The .duckdb_extension file a pip package ships for this DuckDB version."""
    module = __import__(package)
    found = list(Path(module.__file__).parent.glob(f"extensions/*/{name}.duckdb_extension"))
    return str(found[0])


def connect(lake: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_path('duckdb_extension_postgres_scanner', 'postgres_scanner')}'")
    if lake:
        con.execute(f"LOAD '{extension_path('duckdb_extension_ducklake', 'ducklake')}'")
    return con


def attach(con, schema: str = "public") -> None:
    con.execute(f"ATTACH '{PG_URL}' AS pg (TYPE postgres, SCHEMA '{schema}')")
    con.execute(f"USE pg.{schema}")


def first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0][:120]


def pg_constraints(schema: str) -> dict[str, int]:
    with psycopg.connect(PG_URL) as c:
        rows = c.execute(
            "SELECT contype, count(*) FROM pg_constraint c JOIN pg_namespace n "
            "ON n.oid = c.connamespace WHERE n.nspname = %s GROUP BY contype ORDER BY 1",
            [schema],
        ).fetchall()
    names = {"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK"}
    return {names.get(k, k): v for k, v in rows}


def pg_exec(sql: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True) as c:
        c.execute(sql)


def run_statements(con, stmts: list[str]) -> list[tuple[str, str]]:
    out = []
    for stmt in stmts:
        head = next(
            " ".join(line.split()[:3])
            for line in stmt.splitlines()
            if line.strip() and not line.startswith("--")
        )
        try:
            con.execute(stmt)
            out.append((head, "ok"))
        except duckdb.Error as exc:
            out.append((head, first_line(exc)))
    return out


def migrations_through_extension() -> None:
    print("## 1a. Every kl_dash migration run by DuckDB into an ATTACHed PostgreSQL")
    stmts = [s for _, sql in migrations() for s in statements(sql)]
    for schema, variant in (("ext_mig", stmts), ("ext_mig_edited", [pg_ddl(s)[0] for s in stmts])):
        pg_exec(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        con = connect()
        attach(con, schema)
        result = run_statements(con, variant)
        ok = sum(o == "ok" for _, o in result)
        print(
            f"\n{schema} ({'as shipped' if schema == 'ext_mig' else 'regexp/DOUBLE edited'}):"
            f" {ok}/{len(result)} statements ok"
        )
        for head, outcome in result:
            if outcome != "ok":
                print(f"  {head:34} {outcome}")
        print("  constraints PG holds afterwards:", pg_constraints(schema) or "none")
        con.close()
    with psycopg.connect(PG_URL) as c:
        ddl = c.execute(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r "
            "ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
            "WHERE n.nspname = 'ext_mig' AND r.relname = 'municipalities'"
        ).fetchall()
    print("  municipalities' constraints in PG (ext_mig):", [d for (d,) in ddl] or "none")
    con = connect()
    attach(con, "ext_mig")
    try:
        con.execute("INSERT INTO municipalities VALUES ('12', 'X', 'Sjælland', 55, 10)")
        print("  bad code '12' inserted through the extension: ACCEPTED (CHECK not in PG)")
    except duckdb.Error as exc:
        print("  bad code '12' refused:", first_line(exc))
    con.close()


def transactions() -> None:
    print("\n## 1b. Transactions through the ATTACHed PostgreSQL (schema public, example data)")
    con = connect()
    attach(con)
    count = "SELECT count(*) FROM dataset_info WHERE key LIKE 'spike%'"
    con.execute("BEGIN")
    con.execute("INSERT INTO dataset_info VALUES ('spike-a', '1')")
    con.execute("ROLLBACK")
    print("  BEGIN; INSERT; ROLLBACK -> rows left:", con.execute(count).fetchone()[0])
    con.execute("BEGIN")
    con.execute("INSERT INTO dataset_info VALUES ('spike-b', '1')")
    try:
        con.execute("INSERT INTO dataset_info VALUES ('spike-b', '2')")
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        print(f"  duplicate key inside BEGIN..COMMIT: {type(exc).__name__}: {first_line(exc)[:90]}")
    print("  after the failed transaction, rows left:", con.execute(count).fetchone()[0])
    con.execute("ATTACH ':memory:' AS side")
    con.execute("CREATE TABLE side.t (a INTEGER)")
    con.execute("BEGIN")
    try:
        con.execute("INSERT INTO side.t VALUES (1)")
        con.execute("INSERT INTO dataset_info VALUES ('spike-c', '1')")
        con.execute("COMMIT")
        print("  one transaction writing a local DuckDB table and PG: allowed")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        print("  one transaction writing a local DuckDB table and PG:", first_line(exc)[:110])
    con.execute("DELETE FROM dataset_info WHERE key LIKE 'spike%'")
    probes = {
        "INSERT ... RETURNING id (uploads, PG sequence default)": (
            "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, rows_new, "
            "rows_changed, rows_unchanged, undo_data) VALUES (now(), 'spike', 'f.csv', "
            "repeat('a', 64), 'deltagere', 0, 0, 0, '{}') RETURNING id"
        ),
        "ON CONFLICT DO UPDATE (users.authenticate as written)": (
            "INSERT INTO spike_logins VALUES ('spike', 1, NULL) ON CONFLICT DO UPDATE SET "
            "failures = excluded.failures"
        ),
        "ON CONFLICT (name) DO UPDATE SET failures = failures + 1": (
            "INSERT INTO spike_logins VALUES ('spike', 1, NULL) ON CONFLICT (name) DO UPDATE "
            "SET failures = spike_logins.failures + 1"
        ),
        "UPDATE ... FROM (importer.store)": (
            "UPDATE enrollments AS t SET source = t.source FROM programmes AS p "
            "WHERE p.id = t.programme_id AND p.id = 'it-2017'"
        ),
        "DELETE ... USING (importer.undo)": (
            "DELETE FROM enrollments AS t USING programmes AS p WHERE p.id = t.programme_id "
            "AND false"
        ),
        "CREATE TEMP TABLE beside PG (importer staging)": (
            "CREATE OR REPLACE TEMP TABLE probe AS SELECT * FROM enrollments"
        ),
    }
    for label, sql in probes.items():
        try:
            rows = con.execute(sql).fetchall()
            print(f"  {label}: ok {str(rows)[:50]}")
        except duckdb.Error as exc:
            print(f"  {label}: {first_line(exc)[:100]}")
    pg_exec(
        "DELETE FROM uploads WHERE uploaded_by = 'spike'; "
        "DELETE FROM spike_logins WHERE name = 'spike'"
    )
    con.close()


def _increment(args) -> tuple[int, int]:
    """One writer: n times read failures and write it back +1 in one transaction."""
    mode, n = args
    con = connect()
    attach(con)
    errors = 0
    for _ in range(n):
        try:
            if mode == "update":
                con.execute("UPDATE spike_logins SET failures = failures + 1 WHERE name = 'race'")
            else:  # read-modify-write as users.authenticate does it
                con.execute("BEGIN")
                (f,) = con.execute(
                    "SELECT failures FROM spike_logins WHERE name = 'race'"
                ).fetchone()
                con.execute("UPDATE spike_logins SET failures = ? WHERE name = 'race'", [f + 1])
                con.execute("COMMIT")
        except duckdb.Error:
            errors += 1
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
    con.close()
    return n, errors


def two_writers(n: int = 200) -> None:
    print(f"\n## 1c. Two writer processes through the extension, {n} increments each")
    for mode in ("update", "read-modify-write"):
        pg_exec(
            "DELETE FROM spike_logins WHERE name = 'race'; "
            "INSERT INTO spike_logins VALUES ('race', 0, NULL)"
        )
        t = time.perf_counter()
        with mp.get_context("spawn").Pool(2) as pool:
            done = pool.map(_increment, [(mode, n), (mode, n)])
        seconds = time.perf_counter() - t
        with psycopg.connect(PG_URL) as c:
            (final,) = c.execute("SELECT failures FROM spike_logins WHERE name='race'").fetchone()
        errors = sum(e for _, e in done)
        print(
            f"  {mode:18}: final {final} of {2 * n} tried, {errors} refused with an error, "
            f"{2 * n - errors - final} lost; {seconds:.1f} s"
        )
    pg_exec("DELETE FROM spike_logins WHERE name = 'race'")


def latency(example_db: str) -> None:
    print("\n## 1d. Latency: the same DuckDB SQL on the native file vs on the ATTACHed PG")
    native = duckdb.connect(example_db, read_only=True)
    con = connect()
    t = time.perf_counter()
    attach(con)
    attach_ms = (time.perf_counter() - t) * 1000
    qs = queries()
    same = 0
    for name, sql in qs.items():
        p = params(sql)
        ok = normalise(native.execute(sql, p).fetchall()) == normalise(
            con.execute(sql, p).fetchall()
        )
        same += ok
        if not ok:
            print("  DIFFERENT result:", name)
    print(
        f"  {same}/{len(qs)} queries give the native file's result, unchanged; "
        f"ATTACH took {attach_ms:.0f} ms"
    )
    print(f"  {'query':24} | native ms (floor) | via extension ms | ratio")
    for name in TIMED + ["data_version"]:
        sql = qs[name]
        p = params(sql)
        ms = timed(
            {
                "floor": lambda sql=sql, p=p: native.execute(sql, p).df(),
                "ext": lambda sql=sql, p=p: con.execute(sql, p).df(),
            },
        )
        print(f"  {name:24} | {ms['floor']:.2f} | {ms['ext']:.2f} | {ms['ext'] / ms['floor']:.1f}x")
    before = con.execute(qs["data_version"]).fetchone()
    pg_exec(
        "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, rows_new, "
        "rows_changed, rows_unchanged, undo_data) VALUES (now(), 'spike', 'f.csv', "
        "repeat('a', 64), 'deltagere', 0, 0, 0, '{}')"
    )
    after = con.execute(qs["data_version"]).fetchone()
    print(
        f"  data version seen through the extension after another process's insert: "
        f"{'changed' if after != before else 'UNCHANGED (stale)'}"
    )
    pg_exec("DELETE FROM uploads WHERE uploaded_by = 'spike'")
    con.close()


def ducklake(example_db: str) -> None:
    print("\n## 2. DuckLake with its catalog in PostgreSQL (data files in a local folder)")
    pg_exec("DROP SCHEMA IF EXISTS lake_catalog CASCADE; CREATE SCHEMA lake_catalog")
    shutil.rmtree(LAKE_DATA, ignore_errors=True)
    con = connect(lake=True)
    url = urlparse(PG_URL)
    dsn = f"dbname={url.path.lstrip('/')} host={url.hostname} port={url.port} user={url.username}"
    con.execute(
        f"ATTACH 'ducklake:postgres:{dsn}' AS lake "
        f"(DATA_PATH '{LAKE_DATA}/', METADATA_SCHEMA 'lake_catalog')"
    )
    con.execute("USE lake")
    stmts = [s for _, sql in migrations() for s in statements(sql)]
    result = run_statements(con, stmts)
    ok = sum(o == "ok" for _, o in result)
    print(f"  migrations as shipped: {ok}/{len(result)} statements ok")
    for head, outcome in result:
        if outcome != "ok":
            print(f"    {head:34} {outcome[:100]}")
    probes = {
        "CREATE TABLE with PRIMARY KEY": "CREATE TABLE t_pk (a INTEGER PRIMARY KEY)",
        "CREATE TABLE with UNIQUE": "CREATE TABLE t_u (a INTEGER UNIQUE)",
        "CREATE TABLE with CHECK": "CREATE TABLE t_c (a INTEGER CHECK (a > 0))",
        "CREATE TABLE with NOT NULL": "CREATE TABLE t_nn (a INTEGER NOT NULL, b VARCHAR)",
        "CREATE SEQUENCE": "CREATE SEQUENCE s_probe",
        "duplicate key accepted?": "INSERT INTO t_nn VALUES (1, 'x'), (1, 'y')",
        "ON CONFLICT DO UPDATE": (
            "INSERT INTO t_nn VALUES (1, 'z') ON CONFLICT DO UPDATE SET b = excluded.b"
        ),
        "UPDATE": "UPDATE t_nn SET b = 'w' WHERE a = 1",
    }
    for label, sql in probes.items():
        try:
            con.execute(sql)
            print(f"  {label}: ok")
        except duckdb.Error as exc:
            print(f"  {label}: {first_line(exc)[:100]}")
    print(
        "  rows with key 1 in t_nn:",
        con.execute("SELECT count(*) FROM t_nn WHERE a = 1").fetchone(),
    )
    # Latency: the example data without constraints, read through DuckLake.
    native = duckdb.connect(example_db, read_only=True)
    con.execute("ATTACH ':memory:' AS scratch")
    for (table,) in native.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall():
        frame = native.execute(f"SELECT * FROM {table}").df()  # noqa: F841 - read by name
        con.execute(f"CREATE OR REPLACE TABLE lake.{table} AS SELECT * FROM frame")
    native_view = native.execute(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'enrollment_status'"
    ).fetchone()
    if native_view:
        con.execute(native_view[0].replace("CREATE VIEW", "CREATE OR REPLACE VIEW"))
    qs = queries()
    print(f"  {'query':24} | native ms (floor) | DuckLake ms | ratio")
    for name in TIMED + ["data_version"]:
        sql = qs[name]
        p = params(sql)
        ms = timed(
            {
                "floor": lambda sql=sql, p=p: native.execute(sql, p).df(),
                "lake": lambda sql=sql, p=p: con.execute(sql, p).df(),
            },
            runs=15,
        )
        print(
            f"  {name:24} | {ms['floor']:.2f} | {ms['lake']:.2f} | {ms['lake'] / ms['floor']:.1f}x"
        )
    files = sum(1 for _ in LAKE_DATA.rglob("*.parquet"))
    print(
        f"  data files written to {LAKE_DATA}: {files} parquet files "
        "(a second replica needs the same folder: shared storage)"
    )
    con.close()
    pg_exec("DROP SCHEMA IF EXISTS lake_catalog CASCADE")
    shutil.rmtree(LAKE_DATA, ignore_errors=True)


def main(example_db: str) -> None:
    print(
        f"DuckDB {duckdb.__version__}; extensions loaded from pip packages:",
        connect(lake=True)
        .execute(
            "SELECT list(extension_name || ' ' || extension_version) FROM duckdb_extensions() "
            "WHERE extension_name IN ('postgres_scanner', 'ducklake')"
        )
        .fetchone()[0],
    )
    migrations_through_extension()
    transactions()
    two_writers()
    latency(example_db)
    ducklake(example_db)


if __name__ == "__main__":
    main(sys.argv[1])
