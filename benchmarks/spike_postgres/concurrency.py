"""Option 3, concurrency: uploads, undos and the login counter from two processes on one PG.

A simulated upload does what importer.store does to the rows it changes: read the rows as they
are (the "before" kept for undo), log the upload and its changes, write the new values (here:
before + 1). A simulated undo restores the latest upload's "before" values. Invariant checked
at the end: every row equals its start value + the number of uploads not undone, and no two
live uploads recorded the same "before" for a row. Needs the PG schema psycopg_dialect.py
builds.

    PYTHONPATH=. venv/bin/python benchmarks/spike_postgres/concurrency.py
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import time
from datetime import datetime, timedelta

import psycopg
from common import PG_URL
from psycopg import errors

ROWS = 20  # participants rows every upload changes
UPLOADS = 40  # per process
RETRIES = 3
MODES = ("naive", "serializable", "version-lock")


def _keys(con) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT municipality_code, group_id FROM participants WHERE programme_id = 'it-2017' "
        "ORDER BY 1, 2 LIMIT %s",
        [ROWS],
    ).fetchall()


def _before(con, keys) -> list[int]:
    values = dict(
        ((m, g), v)
        for m, g, v in con.execute(
            "SELECT municipality_code, group_id, participants FROM participants "
            "WHERE programme_id = 'it-2017' AND (municipality_code, group_id) "
            "IN (SELECT * FROM unnest(%s::text[], %s::text[]))",
            [[k[0] for k in keys], [k[1] for k in keys]],
        ).fetchall()
    )
    return [values[k] for k in keys]


def _begin(con, mode: str) -> None:
    con.execute("BEGIN ISOLATION LEVEL SERIALIZABLE" if mode == "serializable" else "BEGIN")
    if mode == "version-lock":  # one row every store/undo updates first: the cache key too
        con.execute("UPDATE spike_data_version SET n = n + 1")


def upload(con, mode: str, who: str, keys) -> None:
    before = _before(con, keys) if mode == "naive" else None  # importer.prepare runs first
    time.sleep(random.uniform(0, 0.004))  # the Python work between reading and storing
    _begin(con, mode)
    if before is None:
        before = _before(con, keys)
    (upload_id,) = con.execute(
        "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, programme_id, "
        "rows_new, rows_changed, rows_unchanged, undo_data) VALUES (now(), %s, 'spike.csv', "
        "repeat('a', 64), 'deltagere', 'it-2017', 0, %s, 0, %s) RETURNING id",
        [who, len(keys), json.dumps({"table": "participants"})],
    ).fetchone()
    ms, gs = [k[0] for k in keys], [k[1] for k in keys]
    con.execute(
        "INSERT INTO upload_changes SELECT %s, n - 1, 'participants', "
        "json_build_object('m', m, 'g', g), json_build_object('participants', b) "
        "FROM unnest(%s::text[], %s::text[], %s::int[]) WITH ORDINALITY AS x(m, g, b, n)",
        [upload_id, ms, gs, before],
    )
    con.execute(
        "UPDATE participants AS t SET participants = x.b + 1, source = %s "
        "FROM unnest(%s::text[], %s::text[], %s::int[]) AS x(m, g, b) "
        "WHERE t.programme_id = 'it-2017' AND t.municipality_code = x.m AND t.group_id = x.g",
        [f"upload:{upload_id}", ms, gs, before],
    )
    con.execute("COMMIT")


def undo_latest(con, mode: str, who: str) -> None:
    def latest():
        return con.execute(
            "SELECT id FROM uploads WHERE undone_at IS NULL AND uploaded_by LIKE 'spike%' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()

    found = latest() if mode == "naive" else None  # importer.undo checks before BEGIN
    time.sleep(random.uniform(0, 0.004))
    _begin(con, mode)
    if mode != "naive":
        found = latest()
    if found is None:
        con.execute("ROLLBACK")
        return
    con.execute(
        "UPDATE participants AS t SET participants = (c.before ->> 'participants')::int "
        "FROM upload_changes AS c WHERE c.upload_id = %s AND t.programme_id = 'it-2017' "
        "AND t.municipality_code = c.row_key ->> 'm' AND t.group_id = c.row_key ->> 'g'",
        [found[0]],
    )
    con.execute(
        "UPDATE uploads SET undone_at = now(), undone_by = %s WHERE id = %s", [who, found[0]]
    )
    con.execute("COMMIT")


def worker(args) -> dict[str, int]:
    mode, role, seed = args
    random.seed(seed)
    con = psycopg.connect(PG_URL, autocommit=True)
    keys = _keys(con)
    counts = {"done": 0, "retries": 0, "refused": 0}
    started = time.perf_counter()
    for _ in range(UPLOADS):
        for attempt in range(RETRIES):
            try:
                if role == "undo" and random.random() < 0.5:
                    undo_latest(con, mode, "spike-" + role)
                else:
                    upload(con, mode, "spike-" + role, keys)
                counts["done"] += 1
                break
            except (errors.SerializationFailure, errors.DeadlockDetected):
                con.execute("ROLLBACK")
                if attempt == RETRIES - 1:
                    counts["refused"] += 1  # the app shows a Danish "try again" message
                else:
                    counts["retries"] += 1
    counts["seconds"] = time.perf_counter() - started
    con.close()
    return counts


def reset(con, start: dict) -> None:
    con.execute(
        "DELETE FROM upload_changes WHERE upload_id IN "
        "(SELECT id FROM uploads WHERE uploaded_by LIKE 'spike%')"
    )
    con.execute("DELETE FROM uploads WHERE uploaded_by LIKE 'spike%'")
    with con.cursor() as cur:
        cur.executemany(
            "UPDATE participants SET participants = %s WHERE programme_id = 'it-2017' "
            "AND municipality_code = %s AND group_id = %s",
            [(v, m, g) for (m, g), v in start.items()],
        )
    con.execute("CREATE TABLE IF NOT EXISTS spike_data_version (n BIGINT NOT NULL)")
    con.execute("DELETE FROM spike_data_version")
    con.execute("INSERT INTO spike_data_version VALUES (0)")


def check(con, start: dict) -> tuple[int, int, int]:
    """(uploads live, rows off the invariant, duplicated 'before' values among live uploads)."""
    (live,) = con.execute(
        "SELECT count(*) FROM uploads WHERE uploaded_by LIKE 'spike%' AND undone_at IS NULL"
    ).fetchone()
    now = dict(
        ((m, g), v)
        for m, g, v in con.execute(
            "SELECT municipality_code, group_id, participants FROM participants "
            "WHERE programme_id = 'it-2017'"
        ).fetchall()
    )
    off = sum(now[k] != v + live for k, v in start.items())
    (dups,) = con.execute(
        "SELECT count(*) - count(DISTINCT (c.row_key::text, c.before::text)) "
        "FROM upload_changes c JOIN uploads u ON u.id = c.upload_id "
        "WHERE u.uploaded_by LIKE 'spike%' AND u.undone_at IS NULL"
    ).fetchone()
    return live, off, dups


def uploads_and_undos() -> None:
    con = psycopg.connect(PG_URL, autocommit=True)
    start = {
        (m, g): v
        for m, g, v in con.execute(
            "SELECT municipality_code, group_id, participants FROM participants "
            "WHERE programme_id = 'it-2017' ORDER BY 1, 2 LIMIT %s",
            [ROWS],
        ).fetchall()
    }
    print(f"## 4a. Two processes, {UPLOADS} operations each on the same {ROWS} rows")
    print(
        "scenario           | mode          | done | retries | refused | rows off | dup before"
        " | seconds | ms/op"
    )
    for scenario, roles in (("upload + upload", ("a", "b")), ("upload + undo", ("a", "undo"))):
        for mode in MODES:
            reset(con, start)
            with mp.get_context("spawn").Pool(2) as pool:
                results = pool.map(worker, [(mode, r, i) for i, r in enumerate(roles)])
            seconds = max(r["seconds"] for r in results)  # the slower worker, start excluded
            done = sum(r["done"] for r in results)
            _, off, dups = check(con, start)
            print(
                f"{scenario:18} | {mode:13} | {done:4} | "
                f"{sum(r['retries'] for r in results):7} | "
                f"{sum(r['refused'] for r in results):7} | {off:8} | {dups:10} | "
                f"{seconds:7.2f} | {1000 * seconds / max(done, 1):5.1f}"
            )
    reset(con, start)
    con.execute("DROP TABLE spike_data_version")
    con.close()


def _login_worker(args) -> int:
    atomic, n = args
    con = psycopg.connect(PG_URL, autocommit=True)
    for _ in range(n):
        now = datetime.now()
        if atomic:
            con.execute(
                "INSERT INTO spike_logins VALUES ('spike-race', 1, NULL) ON CONFLICT (name) "
                "DO UPDATE SET failures = spike_logins.failures + 1, locked_until = CASE "
                "WHEN spike_logins.failures + 1 >= 5 THEN %s + interval '30 seconds' * "
                "power(2, least(spike_logins.failures + 1 - 5, 10)) END "
                "RETURNING failures, locked_until",
                [now],
            ).fetchone()
        else:  # users.authenticate before commit 63c3229: read, add one in Python, upsert
            rows = con.execute(
                "SELECT failures FROM spike_logins WHERE name = 'spike-race'"
            ).fetchall()
            failures = (rows[0][0] if rows else 0) + 1
            lock = (
                now + timedelta(seconds=30) * 2 ** min(failures - 5, 10) if failures >= 5 else None
            )
            con.execute(
                "INSERT INTO spike_logins VALUES ('spike-race', %s, %s) ON CONFLICT (name) "
                "DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
                [failures, lock],
            )
    con.close()
    return n


def login_counter(n: int = 300) -> None:
    print(f"\n## 4b. Failed logins for one name from two processes, {n} each")
    con = psycopg.connect(PG_URL, autocommit=True)
    for atomic in (False, True):
        con.execute("DELETE FROM spike_logins WHERE name = 'spike-race'")
        t = time.perf_counter()
        with mp.get_context("spawn").Pool(2) as pool:
            pool.map(_login_worker, [(atomic, n), (atomic, n)])
        seconds = time.perf_counter() - t
        (count,) = con.execute(
            "SELECT failures FROM spike_logins WHERE name = 'spike-race'"
        ).fetchone()
        label = "one atomic upsert (+1 in SQL)" if atomic else "read, +1 in Python, upsert"
        print(f"  {label:30}: counted {count} of {2 * n} ({2 * n - count} lost), {seconds:.1f} s")
    con.execute("DELETE FROM spike_logins WHERE name = 'spike-race'")
    con.close()


def data_version() -> None:
    print("\n## 4c. The data version a replica reads on each rerun")
    a = psycopg.connect(PG_URL, autocommit=True)
    b = psycopg.connect(PG_URL, autocommit=True)
    sql = "SELECT count(*), max(id), count(undone_at), max(undone_at) FROM uploads"
    before = b.execute(sql).fetchone()
    tx = psycopg.connect(PG_URL)
    tx.execute(
        "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, rows_new, "
        "rows_changed, rows_unchanged, undo_data) VALUES (now(), 'spike-v', 'f.csv', "
        "repeat('a', 64), 'deltagere', 0, 0, 0, '{}')"
    )
    during = b.execute(sql).fetchone()
    tx.commit()
    after = b.execute(sql).fetchone()
    print(
        f"  queries.data_version on replica B: uncommitted upload on A "
        f"{'changes it (WRONG)' if during != before else 'leaves it'}; after commit it "
        f"{'changes' if after != before else 'DOES NOT change'}"
    )
    t = time.perf_counter()
    for _ in range(200):
        b.execute(sql).fetchone()
    print(f"  cost per rerun: {(time.perf_counter() - t) * 5:.2f} ms (200 reads over loopback)")
    a.execute("DELETE FROM uploads WHERE uploaded_by = 'spike-v'")
    for c in (a, b, tx):
        c.close()


if __name__ == "__main__":
    uploads_and_undos()
    login_counter()
    data_version()
