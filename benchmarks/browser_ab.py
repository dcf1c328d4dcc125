"""Before and after in one run, in the browser: two trees' servers and the floor, alternated.

Run from the repository (this tree is "new"; BASE is another work tree, e.g. made with
``git worktree add --detach /tmp/base main``):

    python benchmarks/browser_ab.py BASE [--db PATH] [--rounds 4] [--parts change,link,cold]
        [--page "Kommuner, profil"]

Each tree's app.py is served with that tree first on PYTHONPATH, on its own copy of the
database (without --db: the example database, ``kl-dash init``), beside the one-line app of
benchmarks/pages.py; every sample of the three is taken in turn, the order reversed every other
round, so the machine's load hits all alike. The figures are pages.py's browser figures for
one page, Overblik unless ``--page`` names another of pages.py's PAGES (its IDLE_JS, its
filter changes, its shared link, its cold start), each as the median seconds and the ratio
to the floor's median in the same run:

- change: a region change until drawn and idle; every region once (misses), then hits;
- link: the page with a region opened in a new browser context (rounds samples);
- cold: a fresh server process on its own database copy until the first figure is drawn.
"""

from __future__ import annotations

# ruff: noqa: E402  (the imports below sys.path.insert must come after it)
import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from playwright.async_api import async_playwright

import pages as bench
from kl_dash import bootstrap
from tests.running import Server

WHO = ("base", "new", "floor")


def summary(label: str, times: dict[str, list[float]]) -> str:
    """One line: the medians of base, new and floor, and base's and new's ratio to the floor."""
    med = {k: statistics.median(v) for k, v in times.items()}
    return (
        f"{label:<22}"
        + "".join(f"{k} {med[k]:6.2f} s  " for k in WHO)
        + f"ratio base {med['base'] / med['floor']:.1f}x, new {med['new'] / med['floor']:.1f}x"
    )


def in_turn(r: int) -> list[str]:
    """Who is measured in which order in round ``r``."""
    return list(WHO) if r % 2 == 0 else list(WHO)[::-1]


async def measure(
    trees: dict[str, Path], source: Path, folder: Path, rounds: int, parts: set, page: str
):
    """Every figure asked for, of the page titled ``page`` (pages.py's PAGES), printed as it
    is done."""
    subject = bench.choose_subject(source)
    log = folder / "servers.log"
    served = folder / "served"
    (served / ".streamlit").mkdir(parents=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", served / ".streamlit" / "config.toml")
    empty_script = served / "empty_app.py"
    empty_script.write_text(bench.EMPTY_SERVED)
    copies = iter(range(10**6))

    def serve(who: str) -> Server:
        if who == "floor":
            return Server(None, log, script=empty_script)
        db = folder / f"{who}-{next(copies)}.duckdb"
        shutil.copy(source, db)
        env = {"PYTHONPATH": str(trees[who])}
        return Server(db, log, env=env, script=trees[who] / "app.py")

    case = next(case for case in bench.PAGES if case.title == page)
    change = bench.change_for(case, subject)
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=bench.CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        if parts & {"change", "link"}:
            servers = {who: serve(who) for who in WHO}
            try:
                url = {
                    "base": lambda region: bench.page_url(servers["base"], case, subject, region),
                    "new": lambda region: bench.page_url(servers["new"], case, subject, region),
                    "floor": lambda region: (
                        f"{servers['floor'].url}/"
                        + (f"?region={urllib.parse.quote(region)}" if region else "")
                    ),
                }
                if "change" in parts:
                    pages = {}
                    for who in WHO:
                        ready, ch = (
                            (bench.EMPTY_READY, bench.EMPTY_CHANGE)
                            if who == "floor"
                            else (bench.KL_READY, change)
                        )
                        _, pages[who] = await bench.open_session(browser, url[who](None), ready, ch)
                    for state, n in (("miss", len(change.options)), ("hit", 2 * rounds)):
                        times = {who: [] for who in WHO}
                        for r in range(n):
                            for who in in_turn(r):
                                if who == "floor":
                                    k = len(times["floor"]) + (0 if state == "miss" else 1)
                                    t = await bench.timed_change(
                                        pages[who], bench.EMPTY_CHANGE, k, bench.EMPTY_READY
                                    )
                                else:
                                    t = await bench.timed_change(
                                        pages[who], change, r, bench.KL_READY
                                    )
                                times[who].append(t)
                        bench.say(summary(f"filter change, {state}", times))
                if "link" in parts:
                    times = {who: [] for who in WHO}
                    for r in range(rounds):
                        region = bench.REGIONS[r % len(bench.REGIONS)]
                        for who in in_turn(r):
                            ready = bench.EMPTY_READY if who == "floor" else bench.KL_READY
                            times[who].append(
                                await bench.timed_open(browser, url[who](region), ready)
                            )
                    bench.say(summary("shared link", times))
            finally:
                for server in servers.values():
                    server.stop()
        if "cold" in parts:
            times = {who: [] for who in WHO}
            for r in range(rounds):
                for who in in_turn(r):
                    start = time.perf_counter()
                    server = serve(who)
                    context = await browser.new_context()
                    try:
                        page = await context.new_page()
                        if who == "floor":
                            await page.goto(server.url, timeout=bench.WAIT_MS)
                            await page.wait_for_selector(bench.EMPTY_READY, timeout=bench.WAIT_MS)
                        else:
                            target = f"{server.url}/?partnerskab={subject.programme_id}"
                            await page.goto(target, timeout=bench.WAIT_MS)
                            await page.wait_for_selector(bench.FIRST_FIGURE, timeout=bench.WAIT_MS)
                        times[who].append(time.perf_counter() - start)
                    finally:
                        await context.close()
                        server.stop()
            bench.say(summary("cold start", times))
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base", type=Path, help="the other work tree (before)")
    parser.add_argument("--db", type=Path, help="a database to measure (copies are read)")
    parser.add_argument("--rounds", type=int, default=4, help="samples of each figure")
    parser.add_argument("--parts", default="change,link,cold", help="which figures")
    parser.add_argument(
        "--page",
        default=bench.PAGES[0].title,
        choices=[case.title for case in bench.PAGES],
        help="the page measured (a profile's filter change is its group)",
    )
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "new": ROOT}
    with tempfile.TemporaryDirectory(prefix="kl_dash_ab_") as tmp:
        folder = Path(tmp)
        source = folder / "source.duckdb"
        if args.db:
            shutil.copy(args.db, source)
        else:
            bootstrap.init_database(source)
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        bench.say(f"base {trees['base']} against new {ROOT}: {bench.code_version()}")
        bench.say(f"load average at the start {load}")
        parts = set(args.parts.split(","))
        asyncio.run(measure(trees, source, folder, args.rounds, parts, args.page))
        bench.say(f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
