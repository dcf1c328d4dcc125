"""Option 3: kl_dash's SQL on PostgreSQL through psycopg, unchanged and transpiled by sqlglot.

Builds the PG schema `public` (hand-edited migrations) with the example data, which the other
spike scripts then use. Prints what runs unchanged, what sqlglot fixes, and query latency
against the native DuckDB file in the same run.

    PYTHONPATH=. venv/bin/python benchmarks/spike_postgres/psycopg_dialect.py EXAMPLE.duckdb
"""

from __future__ import annotations

import sys
import time

import duckdb
import pandas as pd
import psycopg
import sqlglot
from common import (
    PG_URL,
    TIMED,
    copy_to_pg,
    migrations,
    normalise,
    params,
    pg_ddl,
    pyformat,
    queries,
    statements,
    timed,
)
from portable import REWRITES, portable

# Statements from kl_dash/importer.py, users.py and db.py that use DuckDB-only features.
PROBES = {
    "temp macro (importer._macros)": "CREATE OR REPLACE TEMP MACRO kl_up(s) AS upper(s)",
    "CREATE OR REPLACE TEMP TABLE": "CREATE OR REPLACE TEMP TABLE probe_t AS SELECT 1 AS a",
    "regexp_full_match": "SELECT regexp_full_match('123', '[0-9]{3}')",
    "regexp_matches": "SELECT regexp_matches('''=x', '^''+[=+\\-@]')",
    "try_strptime": "SELECT CAST(try_strptime('23-06-2017', '%d-%m-%Y') AS DATE)",
    "try_cast": "SELECT try_cast('x' AS INTEGER)",
    "to_json(struct_pack)": "SELECT to_json(struct_pack(a := 1, b := 'x'))",
    "json_extract_string": """SELECT json_extract_string('{"a": "1"}', '$.a')""",
    "unnest(json_keys)": """SELECT DISTINCT unnest(json_keys(CAST('{"a": 1}' AS JSON)))""",
    "list literal + list_value": "SELECT [1, 2, 3] AS l, list_value(1, 2) AS m",
    "arg_max": "SELECT arg_max(v, k) FROM (VALUES (1, 'a'), (2, 'b')) AS t(k, v)",
    "GROUP BY ALL": "SELECT k, count(*) FROM (VALUES (1), (1)) AS t(k) GROUP BY ALL",
    "ORDER BY ALL": "SELECT k FROM (VALUES (2), (1)) AS t(k) ORDER BY ALL",
    "count(*) FILTER": "SELECT count(*) FILTER (WHERE k > 1) FROM (VALUES (1), (2)) AS t(k)",
    "integer / integer": "SELECT 1 / 2 AS half",
    "trim(s, chars)": "SELECT trim('. x .', ' .')",
    "concat_ws": "SELECT concat_ws(' / ', 'a', 'b')",
    "date - date": "SELECT DATE '2019-06-01' - DATE '2019-01-01'",
    "ON CONFLICT DO UPDATE (no target, users.authenticate)": (
        "INSERT INTO spike_logins VALUES ('probe', 1, NULL) ON CONFLICT DO UPDATE SET "
        "failures = excluded.failures, locked_until = excluded.locked_until"
    ),
    "ON CONFLICT (name) DO UPDATE ... RETURNING": (
        "INSERT INTO spike_logins VALUES ('probe', 1, NULL) ON CONFLICT (name) DO UPDATE "
        "SET failures = spike_logins.failures + 1 RETURNING failures"
    ),
    "INTERVAL 1 SECOND (users.authenticate)": (
        "SELECT TIMESTAMP '2026-01-01' + INTERVAL 1 SECOND * 30"
    ),
    "INTERVAL '1 second'": "SELECT TIMESTAMP '2026-01-01' + INTERVAL '1 second' * 30",
    "DELETE ... RETURNING": "DELETE FROM spike_logins WHERE name = 'probe' RETURNING name",
    "UPDATE t AS a SET .. FROM": (
        "UPDATE enrollments AS t SET source = t.source FROM programmes AS p "
        "WHERE p.id = t.programme_id AND false"
    ),
    "DELETE FROM t AS a USING": (
        "DELETE FROM enrollments AS t USING programmes AS p WHERE p.id = t.programme_id AND false"
    ),
    "information_schema (schema 'main')": (
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'"
    ),
    "VARCHAR::VARCHAR cast syntax": "SELECT NULL::VARCHAR, CAST(1 AS VARCHAR)",
    "read_csv (reading.py)": "SELECT * FROM read_csv('/dev/null')",
}


def transpile(sql: str) -> str:
    return ";\n".join(sqlglot.transpile(sql, read="duckdb", write="postgres"))


def first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0][:110]


def run_ddl(pg, schema: str, sql_list: list[str]) -> list[tuple[str, str]]:
    """Run each statement in ``schema`` on its own savepoint; (statement head, outcome)."""
    out = []
    with pg.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        cur.execute(f"SET search_path = {schema}")
        for stmt in sql_list:
            head = " ".join(stmt.split("\n")[-1 if stmt.startswith("--") else 0].split()[:3])
            head = next(
                (
                    " ".join(line.split()[:3])
                    for line in stmt.splitlines()
                    if line.strip() and not line.startswith("--")
                ),
                head,
            )
            try:
                with pg.transaction():
                    cur.execute(stmt)
                out.append((head, "ok"))
            except psycopg.Error as exc:
                out.append((head, first_line(exc)))
    pg.commit()
    return out


def constraint_counts(pg, schema: str) -> dict[str, int]:
    rows = pg.execute(
        "SELECT contype, count(*) FROM pg_constraint c JOIN pg_namespace n "
        "ON n.oid = c.connamespace WHERE n.nspname = %s GROUP BY contype",
        [schema],
    ).fetchall()
    names = {"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK"}
    return {names.get(k, k): v for k, v in sorted(rows)}


def duck_constraint_counts(duck) -> dict[str, int]:
    rows = duck.execute(
        "SELECT constraint_type, count(*) FROM duckdb_constraints() "
        "WHERE constraint_type <> 'NOT NULL' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return dict(rows)


def main(example_db: str) -> None:
    duck = duckdb.connect(example_db, read_only=True)
    pg = psycopg.connect(PG_URL)
    print(
        f"DuckDB {duckdb.__version__}, psycopg {psycopg.__version__}, sqlglot "
        f"{sqlglot.__version__}, {pg.execute('SHOW server_version').fetchone()[0]}\n"
    )

    all_ddl = [s for _, sql in migrations() for s in statements(sql)]
    print("## 1. Every kl_dash migration on PostgreSQL")
    raw = run_ddl(pg, "raw_mig", all_ddl)
    t = time.perf_counter()
    glot_stmts = [transpile(s) for s in all_ddl]
    glot_ms = (time.perf_counter() - t) * 1000
    glot = run_ddl(pg, "glot_mig", glot_stmts)
    edited = [pg_ddl(s)[0] for s in all_ddl]
    edits = sum(pg_ddl(s)[1] for s in all_ddl)
    hand = run_ddl(pg, "public", edited)
    print(f"{'statement':40} | unchanged | sqlglot | hand-edited")
    for (head, a), (_, b), (_, c) in zip(raw, glot, hand, strict=True):
        print(f"{head[:40]:40} | {a[:60]} | {b[:60]} | {c}")
    ok = lambda r: sum(o == "ok" for _, o in r)  # noqa: E731
    print(
        f"\nstatements ok: unchanged {ok(raw)}/{len(raw)}, sqlglot {ok(glot)}/{len(glot)} "
        f"(transpiled in {glot_ms:.0f} ms), hand-edited {ok(hand)}/{len(hand)} "
        f"({edits} textual edits)"
    )
    print("constraints in DuckDB:", duck_constraint_counts(duck))
    print("constraints in PG (hand-edited):", constraint_counts(pg, "public"))
    print("constraints in PG (sqlglot):   ", constraint_counts(pg, "glot_mig"))
    sample = transpile(
        "CREATE TABLE x (code VARCHAR PRIMARY KEY CHECK (regexp_full_match(code, '[0-9]{3}')), "
        "lat DOUBLE)"
    )
    print("sqlglot sample:", sample)

    print("\n## 2. Constraints enforced on PG (errors psycopg raises)")
    checks = {
        "CHECK (code pattern)": "INSERT INTO municipalities VALUES ('12', 'X', 'Sjælland', 55, 10)",
        "PRIMARY KEY": "INSERT INTO municipalities SELECT * FROM municipalities LIMIT 1",
        "UNIQUE (name)": "INSERT INTO municipalities SELECT '999', name, region, latitude, "
        "longitude FROM municipalities LIMIT 1",
        "FOREIGN KEY": "INSERT INTO municipality_aliases VALUES ('nowhere', '998')",
        "FK on delete of referenced row": "DELETE FROM programmes",
    }
    n = copy_to_pg(duck, pg)
    print(f"(copied {n} example rows into PG)")
    for label, sql in checks.items():
        try:
            with pg.transaction():
                pg.execute(sql)
            print(f"  {label}: NOT refused")
        except psycopg.Error as exc:
            print(f"  {label}: {type(exc).__name__} ({exc.sqlstate}) - {first_line(exc)[:70]}")
    # DuckDB refuses updating an indexed column of a referenced row; PG allows it.
    try:
        with pg.transaction():
            pg.execute("UPDATE enrollments SET network_id = network_id WHERE false OR true")
            pg.execute("UPDATE meetings SET held_on = held_on")
        print("  UPDATE of referenced enrollments/meetings rows: allowed on PG")
    except psycopg.Error as exc:
        print("  UPDATE of referenced rows:", first_line(exc))
    pg.commit()

    print("\n## 3. Dashboard queries (kl_dash.queries) on PG")
    pg.autocommit = True
    qs = queries()
    t = time.perf_counter()
    glotted = {name: transpile(sql) for name, sql in qs.items()}
    q_ms = (time.perf_counter() - t) * 1000
    ported = {name: portable(sql)[0] for name, sql in qs.items()}
    edits = sum(portable(sql)[1] for sql in qs.values())
    # (label, SQL for PG, cursor class); sqlglot already writes %(name)s placeholders.
    variants = [
        ("unchanged", lambda n: pyformat(qs[n]), psycopg.Cursor),
        ("unchanged client-bind", lambda n: pyformat(qs[n]), psycopg.ClientCursor),
        ("sqlglot", lambda n: glotted[n], psycopg.Cursor),
        ("portable", lambda n: pyformat(ported[n]), psycopg.Cursor),
        ("portable client-bind", lambda n: pyformat(ported[n]), psycopg.ClientCursor),
    ]
    results = {}
    for name, sql in qs.items():
        p = params(sql)
        expected = normalise(duck.execute(sql, p).fetchall())
        row = []
        try:
            same = normalise(duck.execute(ported[name], p).fetchall()) == expected
            row.append("same" if same else "DIFFERENT")
        except duckdb.Error as exc:
            row.append(first_line(exc)[:60])
        for _, text, cursor in variants:
            try:
                with psycopg.connect(PG_URL, autocommit=True, cursor_factory=cursor) as c:
                    got = normalise(c.execute(text(name), p).fetchall())
                row.append("same" if got == expected else "DIFFERENT")
            except psycopg.Error as exc:
                row.append(first_line(exc)[:60])
        results[name] = row
    print("Each cell: 'same' = DuckDB's own result on the example data; else the first error.")
    print(f"{'query':24} | portable on DuckDB | " + " | ".join(f"PG {v[0]}" for v in variants))
    for name, row in results.items():
        print(f"{name:24} | " + " | ".join(row))
    print(
        f"sqlglot transpiled {len(qs)} queries in {q_ms:.0f} ms "
        f"({q_ms / len(qs):.1f} ms each; done once per process)"
    )
    count = lambda i: sum(r[i] == "same" for r in results.values())  # noqa: E731
    print(
        f"queries giving DuckDB's result on PG: unchanged {count(1)}/{len(qs)}, "
        f"client-bind {count(2)}/{len(qs)}, sqlglot {count(3)}/{len(qs)}, "
        f"portable {count(4)}/{len(qs)}, portable client-bind {count(5)}/{len(qs)} "
        f"({edits} edits: {len(REWRITES)} rewrites + optional-filter casts; "
        f"portable text on DuckDB: {count(0)}/{len(qs)} same)"
    )
    from kl_dash.queries import SCOPE

    in_source = portable(SCOPE)[1] + sum(portable(q.replace(SCOPE, ""))[1] for q in qs.values())
    print(f"edits in kl_dash/queries.py itself (SCOPE is shared by most queries): {in_source}")
    left = sorted({w for g in glotted.values() for w in ("ARG_MAX", "GROUP BY ALL") if w in g})
    print("DuckDB-only syntax sqlglot leaves in its PostgreSQL output:", ", ".join(left))

    print("\n## 4. DuckDB-only constructs (from importer.py, users.py, db.py)")
    print(f"{'construct':52} | unchanged on PG | sqlglot -> PG")
    for label, sql in PROBES.items():
        row = []
        for variant in ("raw", "glot"):
            try:
                text = sql if variant == "raw" else transpile(sql)
            except sqlglot.errors.SqlglotError as exc:
                row.append("sqlglot: " + first_line(exc)[:50])
                continue
            try:
                with pg.transaction():
                    cur = pg.execute(text.replace("%", "%%"))
                    val = cur.fetchall() if cur.description else "ok"
                    pg.execute("DELETE FROM spike_logins WHERE name = 'probe'")
                    raise _Rollback(val)
            except _Rollback as done:
                row.append(f"ok {str(done.args[0])[:40]}")
            except psycopg.Error as exc:
                row.append(first_line(exc)[:60])
        print(f"{label:52} | {row[0]} | {row[1]}")
    print(
        "  Python UDF (con.create_function, importer kl_period_from/to): no PostgreSQL "
        "equivalent short of PL/Python on the server"
    )

    print("\n## 5. Latency: native DuckDB file vs PG through psycopg (same process, same run)")
    print("median of 30 interleaved runs after 3 warm-ups, to a DataFrame")
    print(f"{'query':24} | DuckDB ms (floor) | DuckDB portable | PG portable | PG / floor")
    with psycopg.connect(PG_URL, autocommit=True) as c:
        for name in TIMED + ["data_version"]:
            sql, text = qs[name], ported[name]
            p = params(sql)
            pg_sql = pyformat(text)
            ms = timed(
                {
                    "floor": lambda sql=sql, p=p: duck.execute(sql, p).df(),
                    "duck_portable": lambda text=text, p=p: duck.execute(text, p).df(),
                    "pg": lambda q=pg_sql, p=p: pd.DataFrame(c.execute(q, p).fetchall()),
                }
            )
            print(
                f"{name:24} | {ms['floor']:.2f} | {ms['duck_portable']:.2f} | {ms['pg']:.2f} | "
                f"{ms['pg'] / ms['floor']:.2f}x"
            )
    pg.close()


class _Rollback(Exception):
    pass


if __name__ == "__main__":
    main(sys.argv[1])
