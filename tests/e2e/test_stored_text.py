"""In a real browser: Markdown in stored names is shown as written, never as an image or link."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect

from ..test_stored_text import MUNICIPALITY, PROGRAMME, store_hostile_names
from .conftest import Server


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, example_db_file):
    """A server on the example database with Markdown in two partnerships' names."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "kl_dash.duckdb"
    shutil.copy(example_db_file, path)
    store_hostile_names(path)
    server = Server(path, folder / "streamlit.log")
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        (f"?partnerskab={PROGRAMME}&netvaerk=oest", "Mødeplan og afholdte møder"),
        (f"kommuner?partnerskab={PROGRAMME}&kommune={MUNICIPALITY}", "Indsatsområder"),
        (f"moeder?partnerskab={PROGRAMME}", "Mødeplan"),
        (f"succeskriterier?partnerskab={PROGRAMME}", "Kriterierne"),
        ("?partnerskab=regional-2024", "Mødeplan og afholdte møder"),
    ],
)
def test_a_reader_sees_markdown_in_names_as_text_and_fetches_nothing(
    hostile_server, page: Page, path, heading
):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{hostile_server.url}/{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("[klik](http:").first).to_be_visible()  # shown as written
    app = page.get_by_test_id("stApp")
    expect(app.locator("img[src*='beacon']")).to_have_count(0)
    expect(app.locator("a[href*='evil.example'], a[href*='127.0.0.1:9']")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert not [url for url in fetched if "127.0.0.1:9/" in url or "evil.example" in url]
