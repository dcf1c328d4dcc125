"""Two app replicas behind nginx on one PostgreSQL, in a real browser.

Started and stopped by the test: the tests' own PostgreSQL (tests/pg.py), two ``streamlit run
app.py`` with the same KL_DASH_DB and cookie secret, and Debian's nginx with
docs/deploy/nginx.conf.example (ports and logs moved to free ones and a temporary folder).
Each browser is pinned to a replica by its route cookie; nginx's access log (upstream=) shows
which replica served each request. The same small load on one and on two replicas
(benchmarks/replicas_load.py) prints the issue's figures in the run's summary.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from benchmarks import replicas_load
from kl_dash import db, users

from ..deploy import Nginx, nginx_binary
from ..running import Server
from .conftest import pick

EDITOR = ("konsulent", "konsulent-kodeord-1")
PROGRAMME = "it-2017"
CARD = "Kriterier opnået"
WAIT_MS = 90_000
LOAD = (4, 2, 120)  # sessions at once, page switches each, seconds a session may take


def _nginx() -> str:
    found = nginx_binary()
    if found is None:
        reason = "nginx not installed (apt-get install -y nginx)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture
def replicas(pg_url, tmp_path):
    """Replicas A and B of the app on one PostgreSQL (public reading, one editor), behind nginx."""
    binary = _nginx()
    con = db.connect(pg_url)
    users.add_user(con, *EDITOR[:1], "editor", EDITOR[1], "test")
    con.close()
    env = {
        "KL_DASH_PUBLIC_READ": "1",
        "STREAMLIT_SERVER_COOKIE_SECRET": "same-on-every-replica",
        # As deployed: no module reloads when a source file changes while the test runs.
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    started = []
    try:
        for name in ("a", "b"):
            started.append(Server(pg_url, tmp_path / f"streamlit-{name}.log", env))
        proxy = Nginx(binary, [server.port for server in started])
        try:
            yield proxy, started[0], started[1]
        finally:
            proxy.stop()
    finally:
        for server in started:
            server.stop()


def _pinned(browser: Browser, proxy: Nginx, server: Server) -> Page:
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    context.add_cookies(
        [{"name": "kl_dash_route", "value": proxy.route_to(server.port), "url": proxy.url}]
    )
    return context.new_page()


def _criteria_file(pg_url: str) -> bytes:
    """Every municipality taking part in it-2017 reaches criterion 1 on 30 June 2019."""
    con = db.connect(pg_url)
    try:
        names = con.execute(
            "SELECT m.name FROM enrollment_status AS e JOIN municipalities AS m "
            "ON m.code = e.municipality_code WHERE e.programme_id = ? AND e.status <> 'withdrawn'",
            [PROGRAMME],
        ).fetchall()
    finally:
        con.close()
    lines = ["partnerskab;kriterie;kommune;dato;status;note"]
    lines += [f"{PROGRAMME};1;{name};30-06-2019;opnået;" for (name,) in names]
    return "\r\n".join(lines).encode("utf-8-sig")


def _drawn(page: Page) -> None:
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for()


def _share(page: Page) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=CARD)
    expect(card).to_have_count(1)
    return card.get_by_test_id("stMetricValue").inner_text()


def _log_in_on_update_page(page: Page, proxy: Nginx) -> None:
    page.goto(f"{proxy.url}/?partnerskab={PROGRAMME}")
    page.get_by_role("link", name="Log ind").click()
    page.get_by_label("Brugernavn").fill(EDITOR[0])
    page.get_by_label("Adgangskode").fill(EDITOR[1])
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("link", name="Opdater data").click()
    expect(page.get_by_role("heading", name="Opdater data", exact=True)).to_be_visible()
    _drawn(page)


def test_an_upload_through_replica_a_is_seen_on_b_and_undone_through_b(
    replicas, browser: Browser, pg_url
):
    proxy, a, b = replicas
    data = _criteria_file(pg_url)
    reader = _pinned(browser, proxy, b)
    reader.goto(f"{proxy.url}/?partnerskab={PROGRAMME}&dato=2019-06-30")
    before = _share(reader)

    editor_a = _pinned(browser, proxy, a)
    _log_in_on_update_page(editor_a, proxy)
    pick(editor_a, "Hvad vil du opdatere?", "Vurderinger af succeskriterier")
    # the chosen kind's form is drawn (a widget change leaves the page "notRunning" until the
    # server answers), so the file goes to it
    expect(editor_a.get_by_text("Kolonner:").filter(has_text="kriterie")).to_be_visible()
    _drawn(editor_a)
    editor_a.locator("input[type=file]").set_input_files(
        files=[{"name": "vurderinger.csv", "mimeType": "text/csv", "buffer": data}]
    )
    editor_a.get_by_role("button", name="Gem ændringerne").click()
    expect(editor_a.get_by_text("Gemt som upload")).to_be_visible()

    reader.reload()  # the reader's next rerun, on the other replica
    card = reader.get_by_test_id("stMetric").filter(has_text=CARD)
    expect(card.get_by_test_id("stMetricValue")).not_to_have_text(before)

    editor_b = _pinned(browser, proxy, b)
    _log_in_on_update_page(editor_b, proxy)
    editor_b.get_by_role("button", name="Fortryd upload").click()
    expect(editor_b.get_by_text("er fortrudt")).to_be_visible()

    reader.reload()
    expect(card.get_by_test_id("stMetricValue")).to_have_text(before)
    for page in (reader, editor_a, editor_b):
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.context.close()
    deadline = time.monotonic() + 30  # nginx logs a WebSocket once it is closed
    while time.monotonic() < deadline:
        served = proxy.upstreams()
        streams = {up for req, up in served if "/_stcore/stream" in req}
        if {str(a.port), str(b.port)} <= streams:
            break
        time.sleep(0.2)
    assert {up for req, up in served if "/_stcore/upload_file" in req} == {str(a.port)}
    assert {str(a.port), str(b.port)} <= streams
    con = db.connect(pg_url)
    try:
        ((uploaded_by, undone_by),) = con.execute(
            "SELECT uploaded_by, undone_by FROM uploads"
        ).fetchall()
    finally:
        con.close()
    assert uploaded_by == undone_by == EDITOR[0]


def test_one_and_two_replicas_under_the_same_load_give_sessions_served_errors_and_rerun_p95(
    pg_url, tmp_path, report_figures
):
    binary = _nginx()
    sessions, reruns, limit = LOAD
    runs: list[replicas_load.Run] = []
    outcome: list[BaseException] = []

    def measure() -> None:  # an event loop of its own, beside pytest-playwright's
        try:
            for count in (1, 2):
                runs.append(
                    replicas_load.run(pg_url, binary, count, sessions, reruns, tmp_path, limit)
                )
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=measure)
    thread.start()
    thread.join()
    report_figures(  # shown in every run's summary, passed or failed; no time is asserted
        f"{sessions} sessions at once, {reruns} page switches each, on one PostgreSQL: "
        + "; ".join(run.summary() for run in runs)
    )
    assert not outcome, outcome
    assert [run.replicas for run in runs] == [1, 2]
    for run in runs:
        assert not [e for e in run.errors if e.startswith(replicas_load.SHOWN)], run.errors
        assert run.moved == 0  # every browser session stayed on the replica it began on
