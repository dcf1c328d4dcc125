"""A page's own URL as the very first request to a fresh server still runs through app.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server


@pytest.fixture(scope="module")
def untouched_server(tmp_path_factory):
    """A fresh server that has had no request yet (so it is still in pages-folder mode)."""
    folder = tmp_path_factory.mktemp("untouched")
    server = Server(folder / "kl_dash.duckdb", folder / "streamlit.log")
    yield server
    server.stop()


def test_a_shared_link_to_a_page_opens_that_page_with_its_filters(untouched_server, page: Page):
    page.goto(f"{untouched_server.url}/kommuner?partnerskab=kvalitet-2017&region=Syddanmark")
    expect(page.get_by_role("heading", name="Kommuner", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Partnerskab")).to_be_visible()  # app.py ran
    expect(
        page.get_by_text("Udvikling af kvalitet i dagtilbud · Region Syddanmark")
    ).to_be_visible()
    expect(page).to_have_url(
        f"{untouched_server.url}/kommuner?partnerskab=kvalitet-2017&region=Syddanmark"
    )
