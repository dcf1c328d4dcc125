"""How long an upload of 100,000 rows takes, against DuckDB reading the same CSV file.

Run from the repository: python benchmarks/import_100k.py [--profile]

A fresh database (reference data only) gets all 98 municipalities enrolled in it-2017 through
an upload, then a 100,000-row kriteriestatus CSV (';', UTF-8 with BOM, dates 23-06-2017) is
written with unique keys: the 8 criteria x 98 municipalities x 128 dates. Three figures, each
the best of three runs: (a) DuckDB's own read_csv counting the rows, (b) importer.prepare
(read, check, compare) and (c) importer.store (on a fresh copy of the database every time).
The goal is that (b) and (c) take at most twice as long as (a). For scale it also times two
things any importer must do at least: DuckDB loading the file into a table, and one plain
INSERT ... SELECT FROM read_csv into criterion_status. --profile adds the time of every SQL
statement prepare and store run, slowest first. --postgres URL (an empty PostgreSQL database)
also times (b) and (c) there: the base database is copied into it, and each store is undone.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from kl_dash import bootstrap, db, importer, labels
from kl_dash.undo import undo

PROGRAMME = "it-2017"
KIND = "kriteriestatus"
ROWS = 100_000
REPEATS = 3
GOAL = 2.0
READ_CSV = "read_csv(?, delim = ';', header = true, all_varchar = true)"


def build_database(folder: Path) -> tuple[Path, list[str], list[int]]:
    """A database with every municipality enrolled in the programme; its names and criteria."""
    path = folder / "base.duckdb"
    bootstrap.init_database(path, example=False)
    con = db.connect(path)
    try:
        names = [
            n for (n,) in con.execute("SELECT name FROM municipalities ORDER BY code").fetchall()
        ]
        lines = ["partnerskab;kommune;interesse;politisk_aftale"]
        lines += [f"{PROGRAMME};{name};01-08-2017;28-09-2017" for name in names]
        data = "\r\n".join(lines).encode("cp1252")
        importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "benchmark")
        criteria = [
            no
            for (no,) in con.execute(
                "SELECT criterion_no FROM success_criteria WHERE programme_id = ? ORDER BY 1",
                [PROGRAMME],
            ).fetchall()
        ]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path, names, criteria


def write_csv(path: Path, names: list[str], criteria: list[int], rows: int = ROWS) -> int:
    """``rows`` assessments with unique keys, as Excel writes them; returns how many dates."""
    statuses = list(labels.CRITERION_STATUS.values())
    lines = ["partnerskab;kriterie;kommune;dato;status;note"]
    day, dates = date(2017, 11, 1), 0
    while len(lines) <= rows:
        dates += 1
        for name in names:
            for no in criteria:
                n = len(lines)
                note = f"Vurderet på netværksmøde {n}" if n % 10 == 0 else ""
                lines.append(f"{PROGRAMME};{no};{name};{day:%d-%m-%Y};{statuses[n % 3]};{note}")
        day += timedelta(days=7)
    path.write_bytes("\r\n".join(lines[: rows + 1]).encode("utf-8-sig"))
    return dates


def best(run: Callable[[], float]) -> float:
    """The shortest of REPEATS runs of ``run()``, which returns the seconds it measured."""
    return min(run() for _ in range(REPEATS))


def fresh_copy(base: Path, folder: Path, name: str) -> duckdb.DuckDBPyConnection:
    """A connection to a new copy of the base database."""
    copy = folder / name
    copy.unlink(missing_ok=True)
    Path(f"{copy}.wal").unlink(missing_ok=True)
    shutil.copy(base, copy)
    return db.connect(copy)


def time_duckdb_count(csv_path: Path, rows: int = ROWS) -> float:
    """(a) DuckDB counting the rows of the file (which has ``rows``)."""
    con = duckdb.connect()
    start = time.perf_counter()
    (counted,) = con.execute(f"SELECT count(*) FROM {READ_CSV}", [str(csv_path)]).fetchall()[0]
    seconds = time.perf_counter() - start
    con.close()
    assert counted == rows, counted
    return seconds


def time_duckdb_load(csv_path: Path) -> float:
    """DuckDB loading every value of the file into a temporary table."""
    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE t AS SELECT * FROM {READ_CSV}", [str(csv_path)])
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def time_plain_insert(base: Path, folder: Path, csv_path: Path) -> float:
    """One INSERT ... SELECT FROM read_csv into criterion_status: no checks, diff or log."""
    words = ", ".join(f"('{code}', '{word}')" for code, word in labels.CRITERION_STATUS.items())
    con = fresh_copy(base, folder, "plain.duckdb")
    try:
        start = time.perf_counter()
        con.execute(
            f"""
            INSERT INTO criterion_status
            SELECT r.partnerskab, CAST(r.kriterie AS INTEGER), m.code,
                   CAST(strptime(r.dato, '%d-%m-%Y') AS DATE), w.code, nullif(r.note, ''),
                   'benchmark'
            FROM read_csv(?, delim = ';', header = true, all_varchar = true,
                          names = ['partnerskab', 'kriterie', 'kommune', 'dato', 'status',
                                   'note']) AS r
            JOIN municipalities AS m ON m.name = r.kommune
            JOIN (VALUES {words}) AS w(code, word) ON w.word = r.status
            """,
            [str(csv_path)],
        )
        seconds = time.perf_counter() - start
        (rows,) = con.execute("SELECT count(*) FROM criterion_status").fetchall()[0]
        assert rows == ROWS, rows
    finally:
        con.close()
    return seconds


def time_prepare(con: duckdb.DuckDBPyConnection, data: bytes, name: str) -> float:
    """(b) importer.prepare on a connection where it has run before."""
    start = time.perf_counter()
    prepared = importer.prepare(con, KIND, data, name)
    seconds = time.perf_counter() - start
    assert prepared.ok and prepared.counts["new"] == ROWS, prepared.errors[:3]
    return seconds


def time_store(base: Path, folder: Path, data: bytes, name: str, rows: int = ROWS) -> float:
    """(c) importer.store of a file of ``rows`` new rows on a fresh copy of the database."""
    con = fresh_copy(base, folder, "store.duckdb")
    try:
        start = time.perf_counter()
        stored = importer.store(con, KIND, data, name, "benchmark")
        seconds = time.perf_counter() - start
        assert stored.counts["new"] == rows, stored.counts
    finally:
        con.close()
    return seconds


def time_import(base: Path, folder: Path, data: bytes, name: str, rows: int = ROWS) -> float:
    """The whole import as ``kl-dash import`` makes it: prepare (the preview), then store it.

    On a fresh copy of the database; store takes the comparison prepare left (one check).
    """
    con = fresh_copy(base, folder, "import.duckdb")
    try:
        start = time.perf_counter()
        prepared = importer.prepare(con, KIND, data, name)
        stored = importer.store(con, KIND, data, name, "benchmark", prepared=prepared)
        seconds = time.perf_counter() - start
        assert stored.counts["new"] == rows, stored.counts
    finally:
        con.close()
    return seconds


class TimedConnection:
    """A connection that adds up the seconds spent in each SQL statement (for --profile)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seconds: dict[str, float]):
        self._con = con
        self._seconds = seconds

    def execute(self, sql, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            label = " ".join(str(sql).split())[:90]
            self._seconds[label] += time.perf_counter() - start

    def __getattr__(self, name):
        return getattr(self._con, name)


def profile(
    step: str, base: Path, folder: Path, data: bytes, name: str
) -> tuple[float, dict[str, float]]:
    """One prepare or store on a fresh copy, with the seconds of each SQL statement."""
    con = fresh_copy(base, folder, f"profile_{step}.duckdb")
    seconds: dict[str, float] = defaultdict(float)
    timed = TimedConnection(con, seconds)
    try:
        start = time.perf_counter()
        if step == "prepare":
            importer.prepare(timed, KIND, data, name)
        else:
            importer.store(timed, KIND, data, name, "benchmark")
        return time.perf_counter() - start, seconds
    finally:
        con.close()


def time_postgres(base: Path, url: str, data: bytes, name: str) -> list[tuple[str, float]]:
    """(b) and (c) on PostgreSQL, the base database copied into the empty database ``url``.

    Each store is undone after it is timed (the undo timed too), so each starts from the base.
    """
    bootstrap.copy_to_postgres(base, url)
    con = db.connect(url)
    undone: list[float] = []

    def store_then_undo() -> float:
        start = time.perf_counter()
        stored = importer.store(con, KIND, data, name, "benchmark")
        seconds = time.perf_counter() - start
        assert stored.counts["new"] == ROWS, stored.counts
        start = time.perf_counter()
        undo(con, stored.upload_id, "benchmark")
        undone.append(time.perf_counter() - start)
        return seconds

    try:
        prepare_s = best(lambda: time_prepare(con, data, name))
        store_s = best(store_then_undo)
    finally:
        con.close()
    return [
        ("(b) importer.prepare on PostgreSQL", prepare_s),
        ("(c) importer.store on PostgreSQL", store_s),
        ("    for scale: its undo on PostgreSQL", min(undone)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--profile", action="store_true", help="time every SQL statement")
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kl_dash_bench_") as tmp:
        folder = Path(tmp)
        base, names, criteria = build_database(folder)
        csv_path = folder / f"{KIND}_100k.csv"
        dates = write_csv(csv_path, names, criteria)
        data = csv_path.read_bytes()

        read_s = best(lambda: time_duckdb_count(csv_path))
        load_s = best(lambda: time_duckdb_load(csv_path))
        insert_s = best(lambda: time_plain_insert(base, folder, csv_path))
        con = fresh_copy(base, folder, "prepare.duckdb")
        try:
            prepare_s = best(lambda: time_prepare(con, data, csv_path.name))
        finally:
            con.close()
        store_s = best(lambda: time_store(base, folder, data, csv_path.name))
        on_postgres = (
            time_postgres(base, args.postgres, data, csv_path.name) if args.postgres else []
        )

        print(
            f"{ROWS:,} {KIND} rows ({len(data) / 1e6:.1f} MB): {len(criteria)} criteria x "
            f"{len(names)} municipalities x {dates} dates; best of {REPEATS}; "
            f"DuckDB {duckdb.__version__}".replace(",", ".")
        )
        print(f"{'step':<52}{'seconds':>8}{'x (a)':>8}   goal")
        for label, seconds, goal in (
            ("(a) DuckDB read_csv, count(*)", read_s, ""),
            ("    for scale: read_csv into a table", load_s, ""),
            ("    for scale: plain INSERT ... FROM read_csv", insert_s, ""),
            ("(b) importer.prepare", prepare_s, f"at most {GOAL:g}x"),
            ("(c) importer.store (fresh copy each time)", store_s, f"at most {GOAL:g}x"),
            *((label, seconds, "") for label, seconds in on_postgres),
        ):
            print(f"{label:<52}{seconds:>8.3f}{seconds / read_s:>8.1f}   {goal}".rstrip())

        if args.profile:
            for step in ("prepare", "store"):
                total, seconds = profile(step, base, folder, data, csv_path.name)
                print(f"\n{step} (fresh copy): {total:.3f} s; slowest SQL statements")
                for sql, s in sorted(seconds.items(), key=lambda kv: -kv[1])[:10]:
                    print(f"{s:>8.3f}  {sql}")
                print(f"{total - sum(seconds.values()):>8.3f}  (Python, and fetching results)")


if __name__ == "__main__":
    main()
