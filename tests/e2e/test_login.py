"""In a real browser: with users configured, an anonymous visitor sees no data on any URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kl_dash import bootstrap, db, users

from .conftest import Server

PAGES = ["kommuner", "", "moeder", "succeskriterier", "opdater", "partnerskab"]


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    """A fresh server on a database with one editor account; no request made yet."""
    folder = tmp_path_factory.mktemp("guarded")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    con = db.connect(path)
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", "test")
    con.close()
    server = Server(path, folder / "streamlit.log")
    yield server
    server.stop()


def test_an_anonymous_visitor_sees_only_the_login_on_every_page_url(guarded_server, page: Page):
    for path in PAGES:  # the first request of all is a page's own URL
        page.goto(f"{guarded_server.url}/{path}?partnerskab=it-2017")
        expect(page.get_by_role("heading", name="Log ind")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
        expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
        expect(page.get_by_role("combobox", name="Partnerskab")).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)


def test_after_logging_in_the_editor_sees_the_pages(guarded_server, page: Page):
    page.goto(f"{guarded_server.url}/")
    page.get_by_label("Brugernavn").fill("kirsten")
    page.get_by_label("Adgangskode").fill("hemmeligt-kodeord")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("Kriterier opnået", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name="Opdater data")).to_be_visible()
    guarded_server.log.flush()
    log = (guarded_server.db_path.parent / "streamlit.log").read_text(encoding="utf-8")
    assert "hemmeligt-kodeord" not in log
