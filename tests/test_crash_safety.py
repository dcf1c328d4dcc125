"""kill -9 of `kl-dash import` and `kl-dash undo` during a 200,000-row store, many times.

Each time, the database reopened by kl_dash is exactly as it was before the command or
exactly as a finished command leaves it: every table's rows, compared by a fingerprint
(their count and the sum of their hashes), never a mix. The kills come at random moments of
the store (the seed is in the run's figures) after the command has its database open: an
import after its preview line (it then stores), an undo once the file is open.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from kl_dash import bootstrap, db, importer, labels

pytestmark = pytest.mark.slow

CLI = Path(sys.executable).parent / "kl-dash"
ROWS = 200_000
KILLS = 6  # per command and run; each run draws new moments (its seed is in the figures)
VOLATILE = {"uploads": ["uploaded_at", "undone_at"]}  # when, not what: differs run to run


def fingerprint(path: Path) -> dict[str, tuple]:
    """Every table's rows as (count, sum of their hashes), after kl_dash has opened (and
    recovered) the file: the same rows give the same fingerprint in any order, and a row
    changed, added or lost gives another (a sum of 64-bit hashes, unsorted: a fifth of what
    sorting every row as text took, run seven times a test)."""
    con = db.connect(path)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        prints = {}
        for table in tables:
            left_out = f" EXCLUDE ({', '.join(VOLATILE[table])})" if table in VOLATILE else ""
            prints[table] = con.execute(
                f'SELECT count(*), sum(hash(r)::HUGEINT) FROM (SELECT *{left_out} FROM "{table}") r'
            ).fetchone()
        return prints
    finally:
        con.close()


def copy(source: Path, target: Path) -> Path:
    for old in (target, Path(f"{target}.wal")):
        old.unlink(missing_ok=True)
    shutil.copy(source, target)
    return target


def command(*args: str | Path) -> list[str | Path]:
    return [CLI, *args, "--user", "crash-test"]


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """Before the import, after it, after its undo; and a 200,000-row kriteriestatus file."""
    folder = tmp_path_factory.mktemp("crash")
    before = folder / "before.duckdb"
    bootstrap.init_database(before, example=False)
    con = db.connect(before)
    names = [n for (n,) in con.execute("SELECT name FROM municipalities ORDER BY code").fetchall()]
    enrolled = ["partnerskab;kommune;interesse;politisk_aftale"]
    enrolled += [f"it-2017;{name};01-08-2017;28-09-2017" for name in names]
    importer.store(con, "tilmeldinger", "\r\n".join(enrolled).encode(), "t.csv", "crash-test")
    criteria = [
        no
        for (no,) in con.execute(
            "SELECT criterion_no FROM success_criteria WHERE programme_id = 'it-2017' ORDER BY 1"
        ).fetchall()
    ]
    con.execute("CHECKPOINT")
    con.close()

    statuses = list(labels.CRITERION_STATUS.values())
    lines = ["partnerskab;kriterie;kommune;dato;status;note"]
    day = date(2017, 11, 1)
    while len(lines) <= ROWS:  # 8 criteria x 98 municipalities a day, from November 2017
        for name in names:
            for no in criteria:
                n = len(lines)
                note = f"Vurderet på netværksmøde {n}" if n % 10 == 0 else ""
                lines.append(f"it-2017;{no};{name};{day:%d-%m-%Y};{statuses[n % 3]};{note}")
        day += timedelta(days=1)
    csv = folder / "kriteriestatus.csv"
    csv.write_bytes("\r\n".join(lines[: ROWS + 1]).encode("utf-8-sig"))

    imported = copy(before, folder / "imported.duckdb")
    started = time.monotonic()
    run = subprocess.Popen(
        command("import", "kriteriestatus", csv, "--db", imported),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert "200000 nye" in run.stdout.readline()  # the preview; the store starts now
    previewed = time.monotonic()
    assert run.wait(timeout=600) == 0
    store_seconds = time.monotonic() - previewed
    print(f"\nimport: preview after {previewed - started:.1f} s, store {store_seconds:.1f} s")

    undone = copy(imported, folder / "undone.duckdb")
    started = time.monotonic()
    finished = subprocess.run(
        command("undo", "2", "--db", undone), capture_output=True, timeout=600
    )
    assert finished.returncode == 0, finished.stderr
    undo_seconds = time.monotonic() - started
    print(f"undo: {undo_seconds:.1f} s")
    return {
        "folder": folder,
        "csv": csv,
        "before": (before, fingerprint(before)),
        "imported": (imported, fingerprint(imported)),
        "undone": fingerprint(undone),
        "store_seconds": store_seconds,
        "undo_seconds": undo_seconds,
    }


def wait_until_open(process: subprocess.Popen, path: Path) -> None:
    """Return once ``process`` has the database file open (or has ended)."""
    fds = Path(f"/proc/{process.pid}/fd")
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if any(os.readlink(fd) == str(path) for fd in fds.iterdir()):
                return
        except OSError:  # a descriptor closed while read
            pass
        time.sleep(0.005)


def kill_at_random(args, delay: float, start: str, path: Path) -> float | None:
    """Run a command; SIGKILL it ``delay`` seconds after it starts to write.

    ``start``: "line" after its first line of output (the import's preview), "open" once
    it has the database file open (the undo). Returns None when it was killed, else how
    long it ran from that moment to its end.
    """
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if start == "line":
        process.stdout.readline()
    else:
        wait_until_open(process, path)
    started = time.monotonic()
    time.sleep(delay)
    process.kill()  # SIGKILL: no cleanup, no rollback by the process itself
    process.stdout.close()
    code = process.wait(timeout=60)
    return None if code == -9 else time.monotonic() - started


def kill_many(
    name: str, args, start: str, source: Path, target: Path, window: float, before, after, report
):
    """KILLS runs of ``args`` on copies of ``source``, each killed at a random moment.

    The moment is drawn from [0, window]; a run that ends before its kill narrows the
    window to its own length, so that later kills land inside the write on a busy machine.
    """
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    outcomes: Counter = Counter()
    for _ in range(KILLS):
        copy(source, target)
        delay = rng.uniform(0, window)
        ran = kill_at_random(args, delay, start, target)
        outcomes["killed" if ran is None else "ended before its kill"] += 1
        window = window if ran is None else min(window, ran)
        found = fingerprint(target)
        if found == before:
            outcomes["exactly before"] += 1
        elif found == after:
            outcomes["exactly after"] += 1
        else:
            mixed = sorted(t for t in found if found[t] not in (before.get(t), after.get(t)))
            raise AssertionError(
                f"{name} killed {delay:.2f} s in (seed {seed}): neither before nor after, {mixed}"
            )
    report(f"{name}, seed {seed}: {dict(outcomes)}")
    assert outcomes["killed"] > 0


def test_a_killed_import_leaves_the_database_exactly_before_or_after(states, report_figures):
    target = states["folder"] / "trial.duckdb"
    before_path, before = states["before"]
    kill_many(
        "import",
        command("import", "kriteriestatus", states["csv"], "--db", target),
        "line",
        before_path,
        target,
        states["store_seconds"],
        before,
        states["imported"][1],
        report_figures,
    )


def test_a_killed_undo_leaves_the_database_exactly_before_or_after(states, report_figures):
    target = states["folder"] / "trial.duckdb"
    imported_path, imported = states["imported"]
    kill_many(
        "undo",
        command("undo", "2", "--db", target),
        "open",
        imported_path,
        target,
        states["undo_seconds"],
        imported,
        states["undone"],
        report_figures,
    )
