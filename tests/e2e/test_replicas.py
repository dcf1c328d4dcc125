"""Two app replicas behind nginx on one PostgreSQL, in a real browser.

Started and stopped by the test: the tests' own PostgreSQL (tests/pg.py), two ``streamlit run
app.py`` with the same KL_DASH_DB and cookie secret, and Debian's nginx with
docs/deploy/nginx.conf.example (ports and logs moved to free ones and a temporary folder).
Each browser is pinned to a replica by its route cookie; nginx's access log (upstream=) shows
which replica served each request.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kl_dash import db, users

from ..running import PROJECT_ROOT, Server, free_port

EXAMPLE = PROJECT_ROOT / "docs" / "deploy" / "nginx.conf.example"
EDITOR = ("konsulent", "konsulent-kodeord-1")
PROGRAMME = "it-2017"
CARD = "Kriterier opnået"
WAIT_MS = 90_000


def _nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        reason = "nginx not installed (apt-get install -y nginx)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


class Nginx:
    """nginx in front of ``backends`` with the example configuration, on a free port."""

    def __init__(self, binary: str, backends: list[int]):
        self.folder = Path(tempfile.mkdtemp(prefix="kl_dash_nginx_"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.folder / "access.log"
        site = EXAMPLE.read_text(encoding="utf-8")
        for old, new in (
            ("127.0.0.1:8501", f"127.0.0.1:{backends[0]}"),
            ("127.0.0.1:8502", f"127.0.0.1:{backends[1]}"),
            ("listen 127.0.0.1:8080", f"listen 127.0.0.1:{self.port}"),
            ("/var/log/nginx/kl_dash.access.log", str(self.log)),
        ):
            assert old in site, old
            site = site.replace(old, new)
        (self.folder / "kl_dash.conf").write_text(site)
        temp = ""
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / name).mkdir()
            temp += f"  {name}_temp_path {self.folder / name};\n"
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/error.log;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n{temp}  include {self.folder}/kl_dash.conf;\n}}\n"
        )
        args = [binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")]
        subprocess.run([*args, "-t"], check=True, capture_output=True, timeout=30)
        self.process = subprocess.Popen([*args, "-g", "daemon off;"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not answer")

    def upstreams(self) -> list[tuple[str, str]]:
        """(request, upstream port) of every request logged so far."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        found = [re.search(r'"(\S+ \S+)[^"]*" .*upstream=\S*:(\d+)', line) for line in lines]
        return [(m.group(1), m.group(2)) for m in found if m]

    def route_to(self, port: int) -> str:
        """A route cookie value that nginx sends to the replica on ``port``."""
        for n in range(200):
            value = f"test-route-{n}"
            request = urllib.request.Request(
                f"{self.url}/_stcore/health?{value}", headers={"Cookie": f"kl_dash_route={value}"}
            )
            urllib.request.urlopen(request, timeout=10).close()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # nginx logs a request once it has ended
                served = [up for req, up in self.upstreams() if value in req]
                if served:
                    break
                time.sleep(0.05)
            if served and served[0] == str(port):
                return value
        raise RuntimeError(f"no route found to {port}")

    def stop(self) -> None:
        """Stop nginx and delete its folder."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


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
    editor_a.get_by_role("combobox", name="Hvad vil du opdatere?").click()
    editor_a.get_by_role("option", name="Vurderinger af succeskriterier").click()
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
