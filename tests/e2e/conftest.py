"""Browser tests: the real server (streamlit run app.py) in Debian's chromium via Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..running import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Charts, metrics and select boxes are drawn by code the browser loads on first use; on a busy
# machine that takes longer than Playwright's default 5 seconds. A wait, not a timed assert:
# each check passes as soon as the element is there.
expect.set_options(timeout=30_000)


def pytest_collection_modifyitems(config, items):
    """Without chromium, skip the browser tests on a workstation, fail them in CI."""
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="chromium not installed (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A server started on a database file that does not exist yet (a first start)."""
    folder = tmp_path_factory.mktemp("server")
    server = Server(folder / "data" / "kl_dash.duckdb", folder / "streamlit.log")
    yield server
    server.stop()


VIEWER = ("vera", "vera-kodeord-123")  # the viewer account of viewer_server


@pytest.fixture(scope="module")
def viewer_server(tmp_path_factory):
    """A server on the example database with one viewer account (VIEWER)."""
    from kl_dash import bootstrap, db, users

    folder = tmp_path_factory.mktemp("viewer")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    con = db.connect(path)
    users.add_user(con, VIEWER[0], "viewer", VIEWER[1], "test")
    con.close()
    server = Server(path, folder / "streamlit.log")
    yield server
    server.stop()


def log_in(page, server: Server, name: str, password: str, path: str = "") -> None:
    """Log in on the login page at ``path`` and wait for the page asked for."""
    page.goto(f"{server.url}/{path}")
    page.get_by_label("Brugernavn").fill(name)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible(timeout=60_000)


def pick(page, box: str, option: str) -> None:
    """Open the select box named ``box`` with a click and click ``option`` in its list.

    A rerun that lands between the two clicks closes the list; then it is opened again (three
    tries), as a person would.
    """
    wanted = page.get_by_role("option", name=option)
    for _ in range(3):
        page.get_by_role("combobox", name=box).click()
        try:
            expect(wanted).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    wanted.click()
