"""How long a write takes on PostgreSQL (kl_dash.store.staged) against the same on the DuckDB file.

Run from the repository:
    python benchmarks/staged_writes.py --db PATH --postgres URL [--repeats N]

PATH is a kl_dash DuckDB file and URL a PostgreSQL database holding the same rows
(``kl-dash copy-to-postgres URL --db PATH``); both are written to and put back (each store is
undone). For the partnership with the most enrollments it times, on each store in turn
(interleaved, so the machine's load hits both alike): an upload's preview
(``importer.prepare`` of a deltagere file setting every enrolled municipality's first group),
its store, its undo, and a partnership update (a meeting renamed) and its undo. It prints the
median seconds of each, and PostgreSQL's time as a multiple of the DuckDB file's (the floor
measured in the same run), with the load average. It asserts no times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from kl_dash import db, importer, programme_store, queries
from kl_dash.programmes import to_toml
from kl_dash.undo import undo

USER = "benchmark"


def busiest(con) -> str:
    """The partnership with the most enrollments."""
    return con.execute(
        "SELECT programme_id FROM enrollments GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]


def participants_file(con, programme: str, people: int) -> bytes:
    """A deltagere file setting every enrolled municipality's first group to ``people``."""
    rows = con.execute(
        "SELECT m.name, g.name FROM enrollments AS e "
        "JOIN municipalities AS m ON m.code = e.municipality_code "
        "JOIN programme_groups AS g ON g.programme_id = e.programme_id "
        "WHERE e.programme_id = ? AND g.sort_order = "
        "(SELECT min(sort_order) FROM programme_groups WHERE programme_id = ?) ORDER BY 1",
        [programme, programme],
    ).fetchall()
    lines = ["partnerskab;kommune;gruppe;antal"]
    lines += [f"{programme};{municipality};{group};{people}" for municipality, group in rows]
    return ("\n".join(lines) + "\n").encode()


def renamed(con, programme: str, round_: int) -> str:
    """The partnership's definition with its first meeting's title changed."""
    p = programme_store.load(con, programme)
    first = p.meetings[0].title
    return to_toml(p).replace(f'"{first}"', f'"{first} ({round_})"', 1)


def one_round(con, programme: str, round_: int, seconds: dict[str, list[float]]) -> int:
    """Each step once on ``con``; returns the rows the upload stored."""

    def timed(step: str, run):
        start = time.perf_counter()
        result = run()
        seconds[step].append(time.perf_counter() - start)
        return result

    data = participants_file(con, programme, 20 + round_)
    timed("preview (prepare)", lambda: importer.prepare(con, "deltagere", data, "deltagere.csv"))
    stored = timed(
        "upload (store)", lambda: importer.store(con, "deltagere", data, "deltagere.csv", USER)
    )
    timed("undo of the upload", lambda: undo(con, stored.upload_id, USER))
    text = renamed(con, programme, round_)
    changed = timed("partnership update", lambda: programme_store.update(con, text, "p.toml", USER))
    timed("undo of the update", lambda: undo(con, changed, USER))
    return stored.counts["new"] + stored.counts["changed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, type=Path, help="a kl_dash DuckDB file")
    parser.add_argument("--postgres", required=True, help="a PostgreSQL copy of it (URL)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kl_dash_staged_") as tmp:
        path = Path(tmp) / "floor.duckdb"
        shutil.copy(args.db, path)  # the file given is left as it is
        stores = {"duckdb": db.connect(path), "postgres": db.connect(args.postgres)}
        programme = busiest(stores["duckdb"])
        seconds = {name: defaultdict(list) for name in stores}
        rows = 0
        try:
            for round_ in range(args.repeats):
                for name, con in stores.items():
                    rows = one_round(con, programme, round_, seconds[name])
            versions = {name: queries.data_version(con) for name, con in stores.items()}
        finally:
            for con in stores.values():
                con.close()

    counts = db.table_counts(db.open_file(args.db, read_only=True))
    print(
        f"{programme}: {rows} rows uploaded; the database holds {counts['criterion_status']} "
        f"assessments, {counts['attendance']} attendance rows, {counts['upload_changes']} "
        f"logged row changes; median of {args.repeats}; load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print(f"data versions at the end: {versions}")
    print(f"{'step':<24}{'DuckDB file s':>14}{'PostgreSQL s':>14}{'x file':>8}")
    for step in seconds["duckdb"]:
        floor = statistics.median(seconds["duckdb"][step])
        pg = statistics.median(seconds["postgres"][step])
        print(f"{step:<24}{floor:>14.3f}{pg:>14.3f}{pg / floor:>8.1f}")


if __name__ == "__main__":
    main()
