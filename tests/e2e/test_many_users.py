"""Many users: 20 readers click through every page while a consultant stores and undoes.

One chromium, 20 browser contexts (20 Streamlit sessions, public reading) clicking through
Overblik, Kommuner, Møder og spor and Succeskriterier on the real server (AT_ONCE of them
drawing a page at the same moment, the others reading theirs), while a consultant
logs in, uploads a 20,000-row kriteriestatus file on "Opdater data", stores it, and undoes it.
No page shows an exception or an error, and every Overblik a reader sees shows the share of
criteria reached before the upload or after it, never anything else. The figures (page
loads, errors, page time under load) are printed. Bounded: readers stop when the consultant
is done and the readers have seen the data back as before; the whole run fails after
READ_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from kl_dash import bootstrap, db, importer, users

from ..test_pages import metrics, open_app
from .conftest import CHROMIUM, Server

pytestmark = pytest.mark.slow

READERS = 20
AT_ONCE = 6  # readers drawing a page at the same moment; the others are reading theirs
READ_SECONDS = 600  # the longest run, on a loaded machine: the consultant and the readers
WAIT_MS = 90_000  # one page under load
STEP_MS = 240_000  # the consultant's preview, store or undo of ROWS rows, or a reader's look
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "many-users"
PROGRAMME = "it-2017"
ROWS = 20_000  # the consultant's upload
EDITOR = ("konsulent", "konsulent-kodeord-1")
CARD = "Kriterier opnået"
OVERBLIK = ("Overblik", ("text", CARD))  # (link in the sidebar, what shows once drawn)
PAGES = [  # every page, and Overblik (where the share is read) every other time
    ("Kommuner", ("heading", "Kommuner")),
    OVERBLIK,
    ("Møder og spor", ("heading", "Møder og spor")),
    OVERBLIK,
    ("Succeskriterier", ("heading", "Succeskriterier")),
    OVERBLIK,
]


def assessments(con) -> bytes:
    """Every participating municipality reaches every criterion, day by day up to the end."""
    names = [
        n
        for (n,) in con.execute(
            "SELECT m.name FROM enrollment_status e JOIN municipalities m "
            "ON m.code = e.municipality_code WHERE e.programme_id = ? AND e.status <> 'withdrawn'",
            [PROGRAMME],
        ).fetchall()
    ]
    criteria = [
        no
        for (no,) in con.execute(
            "SELECT criterion_no FROM success_criteria WHERE programme_id = ?", [PROGRAMME]
        ).fetchall()
    ]
    ((end,),) = con.execute("SELECT end_date FROM programmes WHERE id = ?", [PROGRAMME]).fetchall()
    lines = ["partnerskab;kriterie;kommune;dato;status;note"]
    day = end - timedelta(days=ROWS // (len(names) * len(criteria)))
    while len(lines) <= ROWS and day <= end:
        lines += [f"{PROGRAMME};{no};{n};{day:%d-%m-%Y};opnået;" for n in names for no in criteria]
        day += timedelta(days=1)
    return "\r\n".join(lines).encode("utf-8-sig")


@dataclass
class Figures:
    """What the readers saw."""

    first_seconds: list[float] = field(default_factory=list)  # a new session's first page
    page_seconds: list[float] = field(default_factory=list)  # a click to the next page
    errors: list[str] = field(default_factory=list)
    shares: list[tuple[float, str]] = field(default_factory=list)  # (when, value of CARD)
    consultant: dict[str, float] = field(default_factory=dict)
    consultant_failed: str = ""  # the consultant's step that did not finish


async def drawn(page: Page, marker: tuple[str, str]) -> None:
    """Wait until the page shows ``marker`` and its script has finished."""
    kind, name = marker
    if kind == "heading":
        await page.get_by_role("heading", name=name, exact=True).wait_for(timeout=WAIT_MS)
    else:
        await page.get_by_text(name, exact=True).first.wait_for(timeout=WAIT_MS)
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=WAIT_MS
    )


async def errors_on(page: Page) -> list[str]:
    shown = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    return [await e.inner_text() for e in await shown.all()]


async def read_share(page: Page, figures: Figures) -> None:
    """The share of criteria reached, as the Overblik drawn shows it."""
    card = page.get_by_test_id("stMetric").filter(has_text=CARD)
    value = await card.get_by_test_id("stMetricValue").inner_text()
    figures.shares.append((time.monotonic(), value))


async def reader(browser, url: str, figures: Figures, stop: asyncio.Event, turns) -> None:
    """One session: open Overblik, then click through the pages until told to stop.

    ``turns`` lets AT_ONCE readers draw a page at a time (2 cores draw 21 browsers too).
    """
    context = await browser.new_context()
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    try:
        async with turns:
            began = time.monotonic()
            try:
                await page.goto(f"{url}/?partnerskab={PROGRAMME}")
                await drawn(page, OVERBLIK[1])
                figures.first_seconds.append(time.monotonic() - began)
            except Exception as exc:
                figures.errors.append(f"first page: {type(exc).__name__} {exc}"[:300])
                return
        figures.errors += [f"first page: {text[:200]}" for text in await errors_on(page)]
        await read_share(page, figures)
        turn = 0
        while not stop.is_set():
            link, marker = PAGES[turn % len(PAGES)]
            turn += 1
            async with turns:
                began = time.monotonic()
                try:
                    await page.get_by_role("link", name=link).click()
                    await drawn(page, marker)
                except Exception as exc:  # a page not drawn in time counts as an error
                    figures.errors.append(f"{link}: {type(exc).__name__} {exc}"[:300])
                    continue
                figures.page_seconds.append(time.monotonic() - began)
            figures.errors += [f"{link}: {text[:200]}" for text in await errors_on(page)]
            if link == OVERBLIK[0]:
                await read_share(page, figures)
    finally:
        await context.close()


async def consultant(browser, url: str, data: bytes, figures: Figures, seen) -> None:
    """Log in, upload and store the file on Opdater data, wait for readers to see it, undo."""
    context = await browser.new_context()
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    step = "login"
    try:
        await page.goto(f"{url}/?partnerskab={PROGRAMME}")
        await page.get_by_role("link", name="Log ind").click()
        await page.get_by_label("Brugernavn").fill(EDITOR[0])
        await page.get_by_label("Adgangskode").fill(EDITOR[1])
        await page.get_by_role("button", name="Log ind").click()
        await page.get_by_role("link", name="Opdater data").click(timeout=WAIT_MS)
        await drawn(page, ("heading", "Opdater data"))
        await page.get_by_role("combobox", name="Hvad vil du opdatere?").click()
        await page.get_by_role("option", name="Vurderinger af succeskriterier").click()
        # The rerun for the chosen kind has drawn (its columns), so the file goes to its form.
        await page.get_by_text("Kolonner:").filter(has_text="kriterie").wait_for(timeout=WAIT_MS)
        await drawn(page, ("heading", "Opdater data"))
        step = "preview"
        began = time.monotonic()
        chosen = page.get_by_test_id("stFileUploader").get_by_text("vurderinger.csv")
        for attempt in (1, 2):  # a file given to a form that a rerun replaced: given again
            await page.locator("input[type=file]").set_input_files(
                files=[{"name": "vurderinger.csv", "mimeType": "text/csv", "buffer": data}]
            )
            try:
                await chosen.wait_for(timeout=WAIT_MS)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        save = page.get_by_role("button", name="Gem ændringerne")
        await save.wait_for(timeout=STEP_MS)
        figures.consultant["preview_s"] = time.monotonic() - began
        step = "store"
        began = time.monotonic()
        await save.click()
        await page.get_by_text("Gemt som upload").wait_for(timeout=STEP_MS)
        figures.consultant["store_s"] = time.monotonic() - began
        figures.consultant["stored_at"] = time.monotonic()
        step = "a reader sees the stored data"
        await asyncio.wait_for(seen["after"].wait(), timeout=STEP_MS / 1000)
        step = "undo"
        began = time.monotonic()
        await page.get_by_role("button", name="Fortryd upload").click()
        await page.get_by_text("er fortrudt").wait_for(timeout=STEP_MS)
        figures.consultant["undo_s"] = time.monotonic() - began
        figures.consultant["undone_at"] = time.monotonic()
        figures.errors += [f"Opdater data: {text[:200]}" for text in await errors_on(page)]
    except Exception:
        # What the consultant's page showed when a step did not finish (the run's artefacts)
        figures.consultant_failed = step
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"consultant-{step.replace(' ', '-')}.png"
        with contextlib.suppress(Exception):
            await page.screenshot(path=shot, full_page=True, timeout=30_000)
            alerts = page.locator("[data-testid='stAlert'], [data-testid='stException']")
            figures.errors += [
                f"Opdater data ({step}): {t[:300]}" for t in await alerts.all_inner_texts()
            ]
        raise
    finally:
        await context.close()


async def many_users(url: str, data: bytes, before: str, after: str, figures: Figures) -> None:
    stop = asyncio.Event()
    seen = {"after": asyncio.Event(), "before again": asyncio.Event()}

    async def watch() -> None:  # which state the readers have seen, as they see it
        while not stop.is_set():
            values = [v for _, v in figures.shares]
            if after in values:
                seen["after"].set()
            undone = figures.consultant.get("undone_at")
            if undone and any(t > undone and v == before for t, v in figures.shares):
                seen["before again"].set()
            await asyncio.sleep(0.2)

    async def consultant_then_readers() -> None:
        await consultant(browser, url, data, figures, seen)
        await seen["before again"].wait()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        turns = asyncio.Semaphore(AT_ONCE)
        readers = [
            asyncio.create_task(reader(browser, url, figures, stop, turns)) for _ in range(READERS)
        ]
        watcher = asyncio.create_task(watch())
        try:
            await asyncio.wait_for(consultant_then_readers(), timeout=READ_SECONDS)
        finally:
            stop.set()
            await asyncio.gather(*readers, watcher, return_exceptions=True)
            await browser.close()


@pytest.fixture
def busy_server(tmp_path, monkeypatch):
    """A server with public reading and one editor; the file and the share before and after."""
    path = tmp_path / "kl_dash.duckdb"
    bootstrap.init_database(path)
    con = db.connect(path)
    users.add_user(con, EDITOR[0], "editor", EDITOR[1], "test")
    data = assessments(con)
    con.close()
    before, after = tmp_path / "before.duckdb", tmp_path / "after.duckdb"
    shutil.copy(path, before)  # AppTest keeps the file it opens; the server needs its own
    shutil.copy(path, after)
    con = db.connect(after)
    importer.store(con, "kriteriestatus", data, "vurderinger.csv", "test")
    con.close()
    shares = {}
    for name, copy in (("before", before), ("after", after)):
        monkeypatch.setenv("KL_DASH_PUBLIC_READ", "1")
        shares[name] = metrics(open_app(monkeypatch, copy, partnerskab=PROGRAMME))[CARD]
    assert shares["before"] != shares["after"], shares
    server = Server(path, tmp_path / "streamlit.log", {"KL_DASH_PUBLIC_READ": "1"})
    yield server, data, shares
    server.stop()


def test_twenty_readers_see_no_error_and_never_a_mix_while_a_consultant_stores_and_undoes(
    busy_server, report_figures
):
    server, data, shares = busy_server
    figures = Figures()
    outcome: list[BaseException] = []

    def run() -> None:  # an event loop of its own, beside pytest-playwright's
        try:
            asyncio.run(many_users(server.url, data, shares["before"], shares["after"], figures))
        except BaseException as exc:
            outcome.append(exc)

    began = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()

    def spread(values: list[float]) -> str:
        values = sorted(values) or [float("nan")]
        p95 = values[int(0.95 * (len(values) - 1))]
        return f"p50 {statistics.median(values):.1f} s, p95 {p95:.1f} s, max {values[-1]:.1f} s"

    values = [v for _, v in figures.shares]
    report_figures(  # shown in every run's summary, passed or failed
        f"{READERS} readers ({AT_ONCE} drawing at once), {time.monotonic() - began:.0f} s: "
        f"{len(figures.first_seconds) + len(figures.page_seconds)} pages drawn, "
        f"{len(figures.errors)} errors; "
        f"a click to the next page {spread(figures.page_seconds)}; "
        f"a new session's first page {spread(figures.first_seconds)}; "
        f"Overblik read {len(values)} times: {values.count(shares['before'])} before "
        f"({shares['before']}), {values.count(shares['after'])} after ({shares['after']}); "
        "consultant: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in figures.consultant.items() if k.endswith("_s"))
        + ", ".join(
            [""]
            + [
                f"{k} at {v - began:.0f} s"
                for k, v in figures.consultant.items()
                if k.endswith("_at")
            ]
        )
        + (
            f"; did not finish: {figures.consultant_failed} (screenshot in {SHOTS})"
            if figures.consultant_failed
            else ""
        )
    )
    assert not outcome, (outcome, figures.errors[:10])
    assert not figures.errors, figures.errors[:10]
    assert set(values) <= {shares["before"], shares["after"]}, sorted(set(values))
    assert shares["after"] in values and shares["before"] in values
