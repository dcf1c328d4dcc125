"""In a real browser: a viewer's download is not served to anyone once the viewer logs out.

Streamlit serves a download's file at /media/<id> to whoever asks, login or not. kl_dash
builds each file on click, and logging out runs the page twice, which deletes the files.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Playwright, expect

from .conftest import VIEWER, Server, log_in


def log_in_as_viewer(page: Page, server: Server) -> None:
    log_in(page, server, *VIEWER, "?partnerskab=it-2017")
    expect(page.get_by_text("Kriterier opnået", exact=True)).to_be_visible(timeout=60_000)


@pytest.mark.parametrize("label", ["⬇ CSV", "⬇ Excel"])
def test_a_viewers_download_is_not_served_to_anyone_after_logging_out(
    viewer_server, page: Page, playwright: Playwright, label
):
    log_in_as_viewer(page, viewer_server)
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
    with page.expect_download() as download:
        button.click()
    url = download.value.url
    assert "/media/" in url
    assert download.value.path().stat().st_size > 0  # the viewer got the file
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    anonymous = playwright.request.new_context()
    try:
        assert anonymous.get(url).status == 404
    finally:
        anonymous.dispose()
    assert page.request.get(url).status == 404  # nor in the browser that fetched it
