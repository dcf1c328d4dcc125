"""Charts in chromium against the real server: a name for a screen reader, no toolbar tab stops,
and the table switch worked with the keyboard alone (issue 14)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server

CHART = "[data-testid=stPlotlyChart]"


@pytest.fixture(scope="module")
def example_server(tmp_path_factory):
    """A server on the example database in local mode."""
    from kl_dash import bootstrap

    folder = tmp_path_factory.mktemp("charts")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    server = Server(path, folder / "streamlit.log")
    yield server
    server.stop()


def open_drawn(page: Page, server: Server, path: str, heading: str) -> None:
    """Open a page of it-2017 on 1 June 2019 and wait until its charts are drawn."""
    page.goto(f"{server.url}/{path}?partnerskab=it-2017&dato=2019-06-01")
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    page.wait_for_function(
        f"[...document.querySelectorAll('{CHART}')].length > 0 && "
        f"[...document.querySelectorAll('{CHART}')]"
        ".every(chart => chart.querySelector('svg.main-svg'))",
        timeout=90_000,
    )


@pytest.mark.parametrize(
    ("path", "heading", "count"),
    [("", "Mødeplan og afholdte møder", 4), ("moeder", "Mødeplan", 3)],
)
def test_every_chart_has_an_accessible_danish_name_and_no_tab_stops(
    example_server, page: Page, path, heading, count
):
    open_drawn(page, example_server, path, heading)
    charts = page.locator(CHART)
    expect(charts).to_have_count(count)
    names = [chart.get_attribute("aria-label") or "" for chart in charts.all()]
    assert all(len(name) > 40 for name in names), names
    assert any(name.startswith("Tidslinje over 31 møder") for name in names), names
    expect(page.locator(f"{CHART} .modebar")).to_have_count(0)  # no English toolbar
    focusable = page.locator(f"{CHART} a[href], {CHART} button, {CHART} [tabindex='0']")
    expect(focusable).to_have_count(0)


def test_vis_som_tabel_is_switched_with_the_keyboard_and_shows_the_numbers(
    example_server, page: Page
):
    open_drawn(page, example_server, "moeder", "Mødeplan")
    charts = 3  # timeline, attendance, participants: all drawn before the switch is pressed
    expect(page.locator(CHART)).to_have_count(charts, timeout=90_000)
    switch = page.get_by_role("switch", name="Vis som tabel").first
    switch.focus()
    page.keyboard.press("Space")
    expect(page.locator(CHART)).to_have_count(charts - 1, timeout=60_000)
    expect(switch).to_be_checked()
    page.keyboard.press("Space")
    expect(page.locator(CHART)).to_have_count(charts, timeout=60_000)
