"""Where a page's rerun after a filter change spends its time: py-spy samples, summarised.

Run from the repository:

    python benchmarks/profile_page.py [--db PATH] [--page pages/overblik.py] [--runs 20]

It runs itself under ``py-spy record`` (the dev extra installs it; py-spy samples every thread,
where cProfile would see only the main thread and AppTest runs the script in another). The
profiled process opens the page through app.py with AppTest, as benchmarks/pages.py does, and
changes the status date ``--runs`` times, each to a date not shown before: cache misses.
Only samples taken inside a script run (a frame of app.py on the stack) count, and none taken
while importing a module. Printed, as shares of those samples:

- by what our code was calling: the package of the frame below the deepest frame of kl_dash,
  pages/ or app.py ("own code" when that frame is the leaf: Python in kl_dash, or a call into
  a C extension such as DuckDB's execute and fetch, which have no Python frames);
- by the leaf frame's package (where the CPU was, whoever called it);
- for "own code", the function of kl_dash at the leaf;
- the most expensive functions of kl_dash, pages/ and app.py, inclusive of what they call.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("kl_dash/", "pages/", "app.py")
PAGE_FILES = {p.name for p in (ROOT / "pages").glob("*.py")}  # py-spy names them by file alone
RATE = 200  # samples per second


def frames(stack: str) -> list[tuple[str, str]]:
    """(function, file) of each frame of a py-spy raw stack, outermost first."""
    result = []
    for frame in stack.split(";"):
        name, _, where = frame.rpartition(" (")
        path = where.rsplit(":", 1)[0]
        for prefix in (f"{ROOT}/", "site-packages/"):
            if prefix in path:
                path = path.split(prefix, 1)[1]
        if path in PAGE_FILES:
            path = f"pages/{path}"
        result.append((name, path))
    return result


def package(path: str) -> str:
    """The top-level package of a frame's file ('python' for the standard library)."""
    if path.startswith(OURS):
        return path.split("/")[0] if "/" in path else path
    top = path.split("/")[0]
    if top.endswith(".py") or top.startswith("<"):
        return "python"
    return top


def summarise(raw: Path, top: int = 20) -> str:
    """The three tables of a py-spy raw profile."""
    callee: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own_leaf: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        fs = frames(stack)
        paths = [p for _, p in fs]
        if "app.py" not in paths or any(n == "_find_and_load" for n, _ in fs):
            continue
        n = int(count)
        total += n
        ours = [i for i, p in enumerate(paths) if p.startswith(OURS)]
        deepest = ours[-1]
        callee[package(paths[deepest + 1]) if deepest + 1 < len(fs) else "own code"] += n
        if deepest + 1 == len(fs):
            own_leaf[f"{paths[-1]}:{fs[-1][0]}"] += n
        leaf[package(paths[-1])] += n
        for name in {f"{p}:{fn}" for fn, p in fs if p.startswith(OURS)}:
            inclusive[name] += n
    if not total:
        return "no samples inside a script run"
    lines = [f"{total} samples inside script runs ({total / RATE:.1f} s at {RATE}/s)"]
    for title, counter in (
        ("what our code was calling (package below its deepest frame)", callee),
        ("where the CPU was (package of the leaf frame)", leaf),
    ):
        lines.append(f"\n{title}")
        lines += [f"{n / total:>6.0%}  {name}" for name, n in counter.most_common(12)]
    lines.append("\nown code: the function at the leaf (its Python, or the C call it is in)")
    lines += [f"{n / total:>6.0%}  {name}" for name, n in own_leaf.most_common(8)]
    lines.append("\nkl_dash, pages/ and app.py functions, inclusive")
    lines += [f"{n / total:>6.0%}  {name}" for name, n in inclusive.most_common(top)]
    return "\n".join(lines)


def child(db_path: Path, page: str, runs: int) -> None:
    """The profiled process: open the page, then ``runs`` cache-miss reruns."""
    import pages as bench  # benchmarks/pages.py: the same AppTest set-up

    bench.patch_apptest()
    bench.quiet_bare_mode_warnings()
    bench.BYTECODE.keep = True  # as a server: the bytecode is kept between runs
    subject = bench.choose_subject(db_path)
    case = next(c for c in bench.PAGES if c.script == page and not c.profile)
    at = bench.open_page(db_path, case, subject)
    span = (subject.last_day - subject.first_day).days
    for offset in random.Random(7).sample(range(1, span), runs):
        bench.timed_run(at, bench.as_of_input(at), subject.first_day + timedelta(days=offset))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", type=Path, help="a database to profile on (a copy is read)")
    parser.add_argument("--page", default="pages/overblik.py")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.page, args.runs)
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    with tempfile.TemporaryDirectory(prefix="kl_dash_profile_") as tmp:
        db_path = Path(tmp) / "kl_dash.duckdb"
        if args.db:
            shutil.copy(args.db, db_path)
        else:
            from kl_dash import bootstrap

            bootstrap.init_database(db_path)
        raw = Path(tmp) / "profile.txt"
        subprocess.run(
            [py_spy, "record", "--rate", str(RATE), "--format", "raw", "--output", str(raw)]
            + ["--", sys.executable, __file__, "--child", "--db", str(db_path)]
            + ["--page", args.page, "--runs", str(args.runs)],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "benchmarks")},
        )
        print(f"\n{args.page}, {args.runs} cache-miss reruns, on {args.db or 'example data'}")
        print(summarise(raw))


if __name__ == "__main__":
    main()
