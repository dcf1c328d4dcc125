"""How long every page takes after a filter change, as ratios to an empty Streamlit app.

Run from the repository:

    python benchmarks/pages.py [--db PATH] [--quick] [--browser | --only-browser]
                               [--sessions 1,5,10,20]

Without --db it builds the example database (``kl-dash init``) in a temporary folder; with
--db it reads a copy of PATH (e.g. one from benchmarks/generate.py), so the file is never
changed. Every figure is set beside a floor measured in the same run, interleaved with it
(one floor sample, one kl_dash sample, in alternating order), so the load of this shared
machine hits both alike; a ratio is the figure to read, never the milliseconds alone.

In-process (always): every page is opened through app.py with streamlit.testing's AppTest,
on the partnership with the most data, and the status date (the sidebar's "Status pr. dato")
is changed, timing ``AppTest.run()``. A cache miss is a date no run has used yet; a cache hit
is a date this page has shown before. The floor is a one-line app with one date input (its
rerun after the same change). AppTest compiles the scripts anew on every run, where a server
keeps their bytecode; every sample is therefore taken twice, once as AppTest runs and once
with one shared ScriptCache (the server's way), each against the floor taken the same way.

With --browser: the real server (``streamlit run app.py``, as tests/running.py starts it for
the browser tests) and the one-line app served the same way, both on 127.0.0.1, in Debian's
chromium via Playwright: a filter change until the page is drawn and idle, a shared link
opened in a new browser context, cold start, load at 1-20 concurrent sessions with the
servers' CPU seconds per rerun (from /proc/<pid>/stat), and the servers' peak memory
(VmHWM, which is what ru_maxrss reports). Drawn and idle is defined in IDLE_JS below.

With --only-browser: the browser figures alone (no in-process part, no import).

Also (unless --only-browser): the import of 100,000 rows (benchmarks/import_100k.py) against
DuckDB's own CREATE TABLE AS SELECT * FROM read_csv of the same file and against count(*).
"""

from __future__ import annotations

# ruff: noqa: E402  (the imports below sys.path.insert must come after it)
import argparse
import asyncio
import logging
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This repository's kl_dash (not another copy's) and tests/running.py (server and AppTest).
sys.path.insert(0, str(ROOT))

import duckdb
import import_100k
from playwright.async_api import Error as PlaywrightError
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.testing.v1 import app_test as app_test_module

from kl_dash import bootstrap
from kl_dash.reference import REGIONS
from tests import running
from tests.running import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EMPTY_APP = 'import streamlit as st; st.sidebar.date_input("Status pr. dato", key="dato")\n'
EMPTY_SERVED = (
    "import streamlit as st; "
    f'st.query_params["region"] = st.sidebar.selectbox("Region", {["Alle", *REGIONS]!r})\n'
)
GOALS = "goals (issue 12): in-process p95 <= 15x the empty app at example scale, <= 20x at 100x"


@dataclass(frozen=True)
class PageCase:
    """A page as a person opens it: its title here, its script, its URL, extra parameters."""

    title: str
    script: str
    url: str
    profile: bool = False  # with a municipality chosen (kommune=...)


PAGES = (
    PageCase("Overblik", "pages/overblik.py", ""),
    PageCase("Kommuner", "pages/kommuner.py", "kommuner"),
    PageCase("Kommuner, profil", "pages/kommuner.py", "kommuner", profile=True),
    PageCase("Møder og spor", "pages/moeder.py", "moeder"),
    PageCase("Succeskriterier", "pages/succeskriterier.py", "succeskriterier"),
    PageCase("Opdater data", "pages/opdater.py", "opdater"),
)


def p50(values: list[float]) -> float:
    """The median (NaN for no values: every try timed out)."""
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method; the largest value for a handful of samples)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def say(text: str = "") -> None:
    """Print at once (the runs are long)."""
    print(text, flush=True)


# --- The database -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The partnership measured: the one with the most rows, and a municipality in it."""

    programme_id: str
    municipality: str
    first_day: date
    last_day: date
    group_names: dict[str, str]


def choose_subject(path: Path) -> Subject:
    """The partnership with the most attendance and assessments in the database at ``path``."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        (pid,) = con.execute(
            """
            SELECT p.id FROM programmes p
            LEFT JOIN (SELECT programme_id, count(*) AS n FROM attendance GROUP BY 1) a
              ON a.programme_id = p.id
            LEFT JOIN (SELECT programme_id, count(*) AS n FROM criterion_status GROUP BY 1) c
              ON c.programme_id = p.id
            ORDER BY coalesce(a.n, 0) + coalesce(c.n, 0) DESC, p.id LIMIT 1
            """
        ).fetchone()
        (name,) = con.execute(
            "SELECT min(m.name) FROM enrollments e JOIN municipalities m "
            "ON m.code = e.municipality_code WHERE e.programme_id = ?",
            [pid],
        ).fetchone()
        first, last = con.execute(
            "SELECT invitation_date, end_date FROM programmes WHERE id = ?", [pid]
        ).fetchone()
        groups = dict(
            con.execute(
                "SELECT name, group_id FROM programme_groups WHERE programme_id = ? "
                "ORDER BY sort_order",
                [pid],
            ).fetchall()
        )
    finally:
        con.close()
    return Subject(pid, name, first, last, groups)


def describe(path: Path) -> str:
    """Rows of the main tables, for the heading."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("programmes", "enrollments", "attendance", "criterion_status", "uploads")
        }
    finally:
        con.close()
    return ", ".join(f"{n} {t}" for t, n in counts.items())


# --- In-process: AppTest ----------------------------------------------------------------------


class Bytecode:
    """AppTest's ScriptCache: a new one per run (as AppTest does), or one kept (as a server)."""

    def __init__(self) -> None:
        self.kept = ScriptCache()
        self.keep = False

    def __call__(self) -> ScriptCache:
        return self.kept if self.keep else ScriptCache()


BYTECODE = Bytecode()


def quiet_bare_mode_warnings() -> None:
    """Streamlit warns of a missing ScriptRunContext when AppTest sets up a run: not ours."""
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context",):
        logging.getLogger(name).setLevel(logging.ERROR)


def patch_apptest() -> None:
    """Shared bytecode on demand, and pages-folder mode left as a server leaves it.

    The second part is tests/running.py's, as every AppTest test runs: with a pages/ folder
    beside app.py, AppTest would run a page file alone on a rerun.
    """
    app_test_module.ScriptCache = BYTECODE
    local_script_runner.ScriptCache = BYTECODE
    running.leave_pages_folder_mode_like_a_server()


def checked(at: AppTest) -> AppTest:
    """The AppTest, after making sure its run raised nothing."""
    if at.exception:
        raise RuntimeError("; ".join(e.message for e in at.exception))
    return at


def open_page(db_path: Path, case: PageCase, subject: Subject) -> AppTest:
    """The app opened on one page of the subject partnership, as a new session."""
    os.environ["KL_DASH_DB"] = str(db_path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["partnerskab"] = subject.programme_id
    if case.profile:
        at.query_params["kommune"] = subject.municipality
    checked(at.run())
    return checked(at.switch_page(case.script).run())


def as_of_input(at: AppTest):
    """The sidebar's status date (its key carries a generation number)."""
    return next(w for w in at.date_input if w.key and w.key.rsplit("-", 1)[0] == "as_of")


def timed_run(at: AppTest, widget, value) -> float:
    """Seconds of the rerun after setting ``widget`` to ``value``."""
    widget.set_value(value)
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    checked(at)
    return seconds


MODES = ("as AppTest runs", "bytecode kept")


def in_process(db_path: Path, subject: Subject, samples: int, folder: Path) -> list[dict]:
    """Per page and cache state: kl_dash and floor seconds for each mode."""
    patch_apptest()
    quiet_bare_mode_warnings()
    empty_path = folder / "empty_app.py"
    empty_path.write_text(EMPTY_APP)
    empty = AppTest.from_file(str(empty_path), default_timeout=60)
    checked(empty.run())

    # Distinct status dates within the partnership's run, never the default: each is a miss.
    span = (subject.last_day - subject.first_day).days
    needed = len(PAGES) * (samples * len(MODES) + 2)
    offsets = random.Random(12).sample(range(1, span), needed)
    fresh = iter(subject.first_day + timedelta(days=d) for d in offsets)
    floor_days = iter(date(2000, 1, 1) + timedelta(days=d) for d in range(10**6))

    results = []
    for case in PAGES:
        at = open_page(db_path, case, subject)
        for _ in range(2):  # warm up: imports, first queries, the floor's thread start
            timed_run(at, as_of_input(at), next(fresh))
            timed_run(empty, empty.date_input(key="dato"), next(floor_days))
        seen: list[date] = []
        for state in ("miss", "hit"):
            times: dict[tuple[str, str], list[float]] = defaultdict(list)
            for i in range(samples):
                for j, mode in enumerate(MODES):
                    BYTECODE.keep = mode == "bytecode kept"
                    if state == "miss":
                        day = next(fresh)
                        seen.append(day)
                    else:
                        day = seen[(i * len(MODES) + j) % len(seen)]
                    order = ("floor", "kl_dash") if (i + j) % 2 == 0 else ("kl_dash", "floor")
                    for who in order:
                        times[who, mode].append(
                            timed_run(at, as_of_input(at), day)
                            if who == "kl_dash"
                            else timed_run(empty, empty.date_input(key="dato"), next(floor_days))
                        )
            BYTECODE.keep = False
            results.append({"page": case.title, "state": state, "times": dict(times)})
        say(f"  {case.title}: done")
    return results


def print_in_process(results: list[dict], samples: int) -> None:
    """The table of the in-process figures."""
    say(
        f"\nIn-process rerun after a status date change (AppTest.run), {samples} samples per "
        "cell, interleaved with the floor: a one-line app with one date input."
    )
    say(
        "Columns: kl_dash and floor p50/p95 in ms as AppTest runs (it compiles app.py and the "
        "page anew every run), their ratios, then the ratio p95 with the bytecode kept between "
        "runs as a server keeps it (one shared ScriptCache patched into AppTest), and kl_dash's "
        "own p50 ms above the floor (kl_dash p50 - floor p50, bytecode kept)."
    )
    say(GOALS)
    header = (
        f"{'page':<20}{'cache':<6}{'p50':>7}{'p95':>7}{'floor50':>9}{'floor95':>9}"
        f"{'x p50':>7}{'x p95':>7}{'kept x p95':>12}{'own ms':>8}"
    )
    say(header)
    for r in results:
        kl, floor = r["times"]["kl_dash", MODES[0]], r["times"]["floor", MODES[0]]
        kl_kept, floor_kept = r["times"]["kl_dash", MODES[1]], r["times"]["floor", MODES[1]]
        say(
            f"{r['page']:<20}{r['state']:<6}{p50(kl) * 1000:>7.0f}{p95(kl) * 1000:>7.0f}"
            f"{p50(floor) * 1000:>9.1f}{p95(floor) * 1000:>9.1f}"
            f"{p50(kl) / p50(floor):>7.0f}{p95(kl) / p95(floor):>7.0f}"
            f"{p95(kl_kept) / p95(floor_kept):>12.0f}"
            f"{(p50(kl_kept) - p50(floor_kept)) * 1000:>8.0f}"
        )


# --- Import -----------------------------------------------------------------------------------


def time_create_table(folder: Path, csv_path: Path) -> float:
    """DuckDB's own CREATE TABLE AS SELECT * FROM read_csv into a new database file."""
    path = folder / "ctas.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        start = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM {import_100k.READ_CSV}", [str(csv_path)])
        return time.perf_counter() - start
    finally:
        con.close()


def import_figures(folder: Path, rows: int, repeats: int) -> None:
    """Import of ``rows`` kriteriestatus rows (import_100k's file) against DuckDB's floors."""
    folder.mkdir()
    base, names, criteria = import_100k.build_database(folder)
    csv_path = folder / "kriteriestatus.csv"
    import_100k.write_csv(csv_path, names, criteria, rows)
    data = csv_path.read_bytes()
    steps = {
        "DuckDB: SELECT count(*) FROM read_csv": lambda: import_100k.time_duckdb_count(
            csv_path, rows
        ),
        "DuckDB: CREATE TABLE AS SELECT * FROM read_csv": lambda: time_create_table(
            folder, csv_path
        ),
        "importer.store (a fresh database copy each)": lambda: import_100k.time_store(
            base, folder, data, csv_path.name, rows
        ),
        "prepare (preview), then store it (kl-dash import)": lambda: import_100k.time_import(
            base, folder, data, csv_path.name, rows
        ),
    }
    labels = list(steps)
    times: dict[str, list[float]] = defaultdict(list)
    for r in range(repeats):  # interleaved, each repeat in another order
        for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
            times[label].append(steps[label]())
    count, create = p50(times[labels[0]]), p50(times[labels[1]])
    say(
        f"\nImport of {rows:,} kriteriestatus rows ({len(data) / 1e6:.1f} MB, benchmarks/"
        f"import_100k.py's file), median of {repeats}, interleaved. Goal: importer.store "
        "<= 10x CREATE TABLE AS."
    )
    say(f"{'step':<52}{'p50 ms':>8}{'x CTAS':>8}{'x count':>8}")
    for label in labels:
        t = p50(times[label])
        say(f"{label:<52}{t * 1000:>8.0f}{t / create:>8.1f}{t / count:>8.1f}")


# --- Browser: the real server in chromium -----------------------------------------------------

# Drawn and idle: the app is connected and its script is not running (stApp's
# data-test-script-state is "notRunning", and no status widget shows "Running..."), no element
# is stale (data-stale="true" marks what the last run has not redrawn yet), no skeleton stands
# in for an element whose code is still loading, every Plotly chart has drawn its SVG, the
# page's own content is there (``ready``), and, after a filter change, the URL carries the new
# value (proof that the rerun has happened, not only that the old page is still idle). Checked
# on every animation frame.
IDLE_JS = """([param, value, ready]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid^="stStatusWidgetRunning"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (param !== null && new URL(location.href).searchParams.get(param) !== value) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) {
    return false;
  }
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  return document.querySelector(ready) !== null;
}"""
KL_READY = '[data-testid="stMain"] h1'
EMPTY_READY = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'
FIRST_FIGURE = ".js-plotly-plot .main-svg"
WAIT_MS = 180_000  # the longest wait for one page to be drawn: bounds the run
CHANGES_PER_SESSION = 4


@dataclass(frozen=True)
class Change:
    """A filter change in the sidebar: the select box, its options, and their URL values."""

    label: str
    param: str
    options: tuple[tuple[str, str], ...]  # (option shown, value in the URL)


def change_for(case: PageCase, subject: Subject) -> Change:
    """The region filter; on a profile the group filter (a region might leave it out)."""
    if case.profile:
        return Change("Gruppe eller spor", "spor", tuple(subject.group_names.items()))
    return Change("Region", "region", tuple((r, r) for r in REGIONS))


EMPTY_CHANGE = Change("Region", "region", tuple((r, r) for r in REGIONS))


def page_url(server: Server, case: PageCase, subject: Subject, region: str | None) -> str:
    """A shared link to a page of the subject partnership."""
    params = {"partnerskab": subject.programme_id}
    if case.profile:
        params["kommune"] = subject.municipality
    if region:
        params["region"] = region
    return f"{server.url}/{case.url}?{urllib.parse.urlencode(params)}"


async def wait_idle(page, ready: str, param: str | None = None, value: str | None = None):
    """Until the page is drawn and idle (IDLE_JS)."""
    await page.wait_for_function(IDLE_JS, arg=[param, value, ready], timeout=WAIT_MS)


async def timed_change(page, change: Change, k: int, ready: str) -> float:
    """Seconds from choosing option ``k`` until the page is drawn and idle again."""
    shown, value = change.options[k % len(change.options)]
    start = time.perf_counter()
    # Of the elements this run has drawn (during a rerun an old copy may still be there).
    fresh = page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')
    for attempt in range(3):  # a rerun that redraws the box closes its list: open it again
        await fresh.get_by_role("combobox", name=change.label).first.click()
        try:
            await page.get_by_role("option", name=shown, exact=True).click(timeout=10_000)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            await page.keyboard.press("Escape")
    await wait_idle(page, ready, change.param, value)
    return time.perf_counter() - start


async def open_session(browser, url: str, ready: str, change: Change):
    """A new browser context on ``url``, drawn, with the change's select box in view."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url, timeout=WAIT_MS)
    await wait_idle(page, ready)
    await asyncio.sleep(1)  # a page opened by its URL is rerouted through app.py: settled?
    await wait_idle(page, ready)
    box = page.get_by_role("combobox", name=change.label)
    if not await box.is_visible():  # kl_dash keeps its filters in the "Filtre" expander
        await page.locator('[data-testid="stSidebar"] summary', has_text="Filtre").click()
        await box.wait_for(state="visible", timeout=WAIT_MS)
    # In view before the first timed change: a box below the window's edge (the group filter
    # on a profile) is scrolled to by the click itself, and that first click then focused the
    # box without opening its list (a 9-10 s sample: the retry after the option's timeout).
    await box.scroll_into_view_if_needed()
    return context, page


async def timed_open(browser, url: str, ready: str) -> float:
    """Seconds from opening a link in a new browser context until drawn and idle."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(url, timeout=WAIT_MS)
        await wait_idle(page, ready)
        return time.perf_counter() - start
    finally:
        await context.close()


async def timed_cold_start(browser, script: Path, log: Path, db_path, url_path, ready) -> float:
    """Seconds from starting a server process until its first page shows ``ready`` drawn."""
    start = time.perf_counter()
    server = Server(db_path, log, script=script)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"{server.url}/{url_path}", timeout=WAIT_MS)
        await page.wait_for_selector(ready, timeout=WAIT_MS)
        return time.perf_counter() - start
    finally:
        await context.close()
        server.stop()


async def load_round(
    browser, server: Server, url_of, ready: str, change: Change, n: int, shots: Path
) -> tuple[list[float], float, int]:
    """n sessions changing a filter at once: rerun seconds, server CPU s per rerun, timeouts.

    A session that does not open, or whose page is not drawn and idle within WAIT_MS or cannot
    be clicked, stops (a screenshot is kept in ``shots``) and counts as a timeout; its reruns
    until then count.
    """

    async def opening(k: int):
        try:
            return await open_session(browser, url_of(k), ready, change)
        except PlaywrightError:
            return None

    tries = await asyncio.gather(*(opening(k) for k in range(n)))
    opened = [o for o in tries if o is not None]
    cpu = server.cpu_seconds()

    async def session(page, k: int) -> tuple[list[float], int]:
        times = []
        for c in range(CHANGES_PER_SESSION):
            try:
                times.append(await timed_change(page, change, k + c + 1, ready))
            except PlaywrightError:  # a timeout, or the page was not in a state to click
                await page.screenshot(path=shots / f"timeout-{server.port}-{n}-{k}.png")
                return times, 1
        return times, 0

    done = await asyncio.gather(*(session(page, k) for k, (_, page) in enumerate(opened)))
    cpu = server.cpu_seconds() - cpu
    await asyncio.gather(*(context.close() for context, _ in opened))
    flat = [t for ts, _ in done for t in ts]
    failed = sum(f for _, f in done) + n - len(opened)
    return flat, cpu / max(len(flat), 1), failed


def ratio_line(label: str, kl: list[float], floor: list[float], width: int = 44) -> str:
    """One row: kl_dash and floor p50/p95 in seconds and their ratios."""
    return (
        f"{label:<{width}}{p50(kl):>7.2f}{p95(kl):>7.2f}{p50(floor):>8.2f}{p95(floor):>8.2f}"
        f"{p50(kl) / p50(floor):>7.1f}{p95(kl) / p95(floor):>7.1f}"
    )


async def browser_figures(
    db_path: Path, cold_db: Path, subject: Subject, folder: Path, quick: bool, sessions: list[int]
) -> None:
    """Every browser figure, each against the one-line app served the same way."""
    from playwright.async_api import async_playwright

    empty_dir = folder / "served"
    (empty_dir / ".streamlit").mkdir(parents=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", empty_dir / ".streamlit" / "config.toml")
    empty_script = empty_dir / "empty_app.py"
    empty_script.write_text(EMPTY_SERVED)
    log = folder / "servers.log"
    cases = PAGES[:1] if quick else PAGES
    links = 1 if quick else 5
    colds = 1 if quick else 3

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        kl = Server(db_path, log)
        empty = Server(None, log, script=empty_script)
        try:
            say(
                "\nBrowser: chromium on the real server; seconds until drawn and idle (IDLE_JS: "
                "connected, script not running, no stale element, no skeleton, every chart "
                "drawn, the page's heading there, after a change the new value in the URL); "
                "floor: the one-line app with one select box, served the same way, interleaved. "
                "Filter change: region (profile: group); miss = first time this page shows "
                "the value. Shared link: page URL with partnership and region, new context."
            )
            say(f"{'':<44}{'p50':>7}{'p95':>7}{'floor50':>8}{'floor95':>8}{'x p50':>7}{'x p95':>7}")
            _, empty_page = await open_session(browser, empty.url, EMPTY_READY, EMPTY_CHANGE)
            n_empty = 0
            for case in cases:
                change = change_for(case, subject)
                _, kl_page = await open_session(
                    browser, page_url(kl, case, subject, None), KL_READY, change
                )
                results = {"miss": ([], []), "hit": ([], [])}
                for state in ("miss", "hit"):
                    for k in range(2 if quick else len(change.options)):
                        n_empty += 1
                        kl_t, floor_t = results[state]
                        if k % 2:
                            floor_t.append(
                                await timed_change(empty_page, EMPTY_CHANGE, n_empty, EMPTY_READY)
                            )
                            kl_t.append(await timed_change(kl_page, change, k, KL_READY))
                        else:
                            kl_t.append(await timed_change(kl_page, change, k, KL_READY))
                            floor_t.append(
                                await timed_change(empty_page, EMPTY_CHANGE, n_empty, EMPTY_READY)
                            )
                await kl_page.context.close()
                for state, (kl_t, floor_t) in results.items():
                    say(ratio_line(f"{case.title}: filter change, {state}", kl_t, floor_t))
                kl_t, floor_t = [], []
                for k in range(links):
                    region = REGIONS[k % len(REGIONS)]
                    pair = [
                        (kl_t, page_url(kl, case, subject, region), KL_READY),
                        (floor_t, f"{empty.url}/?region={urllib.parse.quote(region)}", EMPTY_READY),
                    ]
                    for target, url, ready in pair if k % 2 == 0 else pair[::-1]:
                        target.append(await timed_open(browser, url, ready))
                say(ratio_line(f"{case.title}: shared link, new context", kl_t, floor_t))

            kl_t, floor_t = [], []
            for k in range(colds):
                pair = [
                    (
                        kl_t,
                        ROOT / "app.py",
                        cold_db,
                        f"?partnerskab={subject.programme_id}",
                        FIRST_FIGURE,
                    ),
                    (floor_t, empty_script, None, "", EMPTY_READY),
                ]
                for target, script, db, url_path, ready in pair if k % 2 == 0 else pair[::-1]:
                    target.append(await timed_cold_start(browser, script, log, db, url_path, ready))
            say(ratio_line("cold start to first figure drawn", kl_t, floor_t))

            say(
                f"\nLoad: n sessions at once on Overblik, each {CHANGES_PER_SESSION} region "
                "changes (mostly cache hits: the sessions share the server's cache); chromium "
                "runs on the same 2 cores. CPU: the server process's user+system seconds per rerun."
            )
            say(
                f"{'sessions':<10}{'p95 s':>7}{'floor':>7}{'x':>6}{'CPU s':>8}{'floor':>8}{'x':>6}"
                "  timeouts (kl_dash/floor)"
            )
            overview = PAGES[0]
            change = change_for(overview, subject)
            for i, n in enumerate(sessions):
                rounds = [
                    (
                        "kl",
                        kl,
                        lambda k: page_url(kl, overview, subject, REGIONS[k % 5]),
                        KL_READY,
                        change,
                    ),
                    (
                        "floor",
                        empty,
                        lambda k: f"{empty.url}/?region={urllib.parse.quote(REGIONS[k % 5])}",
                        EMPTY_READY,
                        EMPTY_CHANGE,
                    ),
                ]
                got = {}
                for who, server, url_of, ready, ch in rounds if i % 2 == 0 else rounds[::-1]:
                    got[who] = await load_round(browser, server, url_of, ready, ch, n, folder)
                (kl_t, kl_cpu, kl_out), (floor_t, floor_cpu, floor_out) = got["kl"], got["floor"]
                say(
                    f"{n:<10}{p95(kl_t):>7.2f}{p95(floor_t):>7.2f}{p95(kl_t) / p95(floor_t):>6.1f}"
                    f"{kl_cpu:>8.3f}{floor_cpu:>8.3f}{kl_cpu / (floor_cpu or float('nan')):>6.1f}"
                    f"{kl_out:>6}/{floor_out}"
                )
            say(
                f"\nPeak memory (VmHWM = ru_maxrss) after all of the above: kl_dash server "
                f"{kl.peak_mb():.0f} MB, the one-line app's server {empty.peak_mb():.0f} MB "
                f"({kl.peak_mb() / empty.peak_mb():.1f}x)"
            )
        finally:
            kl.stop()
            empty.stop()
            await browser.close()


# --- Main -------------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, and whether the work tree differed from it."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no", "--", "app.py", "pages", "kl_dash"],
        capture_output=True,
        text=True,
    )
    dirty = " with uncommitted changes to app.py, pages/ or kl_dash/" if changed.stdout else ""
    return f"commit {head.stdout.strip() or 'unknown'}{dirty}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", type=Path, help="a database to measure (a copy is read)")
    parser.add_argument("--quick", action="store_true", help="2 samples, 1 page in the browser")
    parser.add_argument("--browser", action="store_true", help="also the real server in chromium")
    parser.add_argument(
        "--only-browser", action="store_true", help="the real server in chromium alone"
    )
    parser.add_argument("--sessions", default="1,5,10,20", help="concurrent browser sessions")
    args = parser.parse_args()
    sessions = [int(n) for n in args.sessions.split(",")]
    samples = 2 if args.quick else 15

    with tempfile.TemporaryDirectory(prefix="kl_dash_pages_") as tmp:
        folder = Path(tmp)
        db_path = folder / "kl_dash.duckdb"
        if args.db:
            shutil.copy(args.db, db_path)
            if Path(f"{args.db}.wal").exists():
                shutil.copy(f"{args.db}.wal", f"{db_path}.wal")
            source = str(args.db)
        else:
            bootstrap.init_database(db_path)
            source = "the example database (kl-dash init)"
        browser_db, cold_db = folder / "browser.duckdb", folder / "cold.duckdb"
        browser = args.browser or args.only_browser
        if browser:
            for copy in (browser_db, cold_db):
                shutil.copy(db_path, copy)
        subject = choose_subject(db_path)
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        say(
            f"kl_dash pages benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
            f"load average {load} (1/5/15 min) at the start: a shared, noisy machine"
        )
        say(f"code: {code_version()}")
        say(f"database: {source}: {describe(db_path)}")
        say(
            f"measured: partnership {subject.programme_id} (the most attendance and assessments), "
            f"profile of {subject.municipality}"
        )
        if not args.only_browser:
            results = in_process(db_path, subject, samples, folder)
            print_in_process(results, samples)
            say(
                f"peak memory of this process (ru_maxrss) after the in-process runs: "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
            )
            rows, repeats = (10_000, 1) if args.quick else (100_000, 3)
            import_figures(folder / "import", rows, repeats)
        if browser:
            asyncio.run(browser_figures(browser_db, cold_db, subject, folder, args.quick, sessions))
        say(f"\nload average at the end: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
