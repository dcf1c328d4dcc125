"""The status report button on Overblik, clicked in chromium, downloads the PDF built for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..test_report import pdf_text, require
from .conftest import Server


@pytest.fixture(scope="module")
def example_server(tmp_path_factory):
    """A server on the example database (no users: local mode)."""
    from kl_dash import bootstrap

    folder = tmp_path_factory.mktemp("report")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    server = Server(path, folder / "streamlit.log")
    yield server
    server.stop()


def test_the_status_report_button_downloads_the_pdf_of_the_view(example_server, page: Page):
    page.goto(f"{example_server.url}/?partnerskab=it-2017&dato=2018-06-01&region=Midtjylland")
    button = page.get_by_role("button", name="Statusrapport (PDF)")
    expect(button).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=180_000) as started:
        button.click()
    download = started.value
    assert download.suggested_filename == "statusrapport-it-2017-2018-06-01.pdf"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    require("pdftotext", "poppler-utils")
    text = pdf_text(data)
    assert "1. juni 2018" in text and "Region Midtjylland" in text
    expect(page.get_by_test_id("stException")).to_have_count(0)
