"""Keyboard only, in chromium on the real server: one journey per kind of user.

Every step is a key press (Tab, Enter, Space, arrows, typing); no click. The one exception is
the operating system's file chooser, which a browser test cannot drive: the file is handed to
the focused upload field with Playwright's set_input_files, as the chooser would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ..test_upload_page import enrollment_file
from .conftest import Server

TABS = 120  # more than the tab stops of any page


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """A server on the example database (no users: local mode) and a tilmeldinger file for it."""
    from kl_dash import bootstrap

    folder = tmp_path_factory.mktemp("keyboard")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    data = enrollment_file(path)  # read before the server holds the file
    server = Server(path, folder / "streamlit.log")
    yield server, data
    server.stop()


def focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the focus (as a keyboard user moves through the page)."""
    expect(target).to_be_visible(timeout=60_000)
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if focused(target):
            return
    raise AssertionError(f"Tab never reached {target}")


def idle(page: Page) -> None:
    """Wait until the page has finished running (a rerun redraws what the keys act on)."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)


def choose(page: Page, box: Locator, option: str) -> None:
    """Pick the first option naming ``option`` in a select box: Tab to it, type, Enter.

    A rerun that lands meanwhile closes the list; then it is opened again (three tries).
    """
    idle(page)
    tab_to(page, box)
    wanted = page.get_by_role("option", name=option).first
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # opens the list
        page.keyboard.type(option)
        try:
            expect(wanted).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
            idle(page)
            if not focused(box):
                tab_to(page, box)
    page.keyboard.press("Enter")


def test_a_politician_changes_the_status_date_with_the_keyboard_and_enter(example, page: Page):
    server, _ = example
    page.goto(f"{server.url}/?partnerskab=it-2017")
    expect(page.get_by_text("Tallene viser status pr. 31. december 2019")).to_be_visible(
        timeout=60_000
    )
    idle(page)
    tab_to(page, page.get_by_role("spinbutton", name="day, Status pr. dato"))
    page.keyboard.type("01062018")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]dato=2018-06-01"))
    expect(page.get_by_text("Status pr. 1. juni 2018: partnerskabet er i gang")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_development_group_filters_by_region_and_opens_a_profile(example, page: Page):
    server, _ = example
    page.goto(f"{server.url}/kommuner?partnerskab=it-2017")
    expect(page.get_by_role("heading", name="Kommuner", exact=True)).to_be_visible(timeout=60_000)
    filters = page.get_by_test_id("stSidebar").get_by_text("Filtre", exact=True)
    idle(page)
    tab_to(page, page.get_by_test_id("stSidebar").locator("summary"))
    page.keyboard.press("Enter")  # opens the filters
    choose(page, page.get_by_role("combobox", name="Region"), "Syddanmark")
    expect(page).to_have_url(re.compile(r"[?&]region=Syddanmark"))
    expect(page.get_by_text("Region Syddanmark").first).to_be_visible()
    expect(filters).to_be_visible()
    choose(page, page.get_by_role("combobox", name="Vis profil for"), "Odense")
    expect(page.get_by_role("heading", name="Profil: Odense")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]kommune=Odense"))
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_consultant_uploads_stores_downloads_and_undoes_with_the_keyboard(example, page: Page):
    server, data = example
    page.goto(f"{server.url}/opdater?partnerskab=it-2017")
    name = page.get_by_role("textbox", name="Dit navn")
    tab_to(page, name)
    page.keyboard.type("Karin Konsulent")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Skriv dit navn øverst for at gemme.")).to_have_count(0)

    field = page.get_by_role("region", name="Vælg fil (CSV eller Excel)")
    tab_to(page, field.get_by_role("button", name="Upload", exact=True))  # Enter: the chooser
    field.locator("input[type=file]").set_input_files(
        {"name": "tilmeldinger.csv", "mimeType": "text/csv", "buffer": data}
    )
    save = page.get_by_role("button", name="Gem ændringerne")
    tab_to(page, save)
    page.keyboard.press("Enter")
    stored = page.get_by_text(re.compile(r"Gemt som upload (\d+): 3 nye"))
    expect(stored).to_be_visible(timeout=60_000)
    upload_id = re.search(r"upload (\d+)", stored.inner_text())[1]

    log_csv = page.get_by_role("button", name="⬇ CSV").last  # the upload log's download
    tab_to(page, log_csv)
    with page.expect_download(timeout=60_000) as started:
        page.keyboard.press("Enter")
    assert started.value.suggested_filename.endswith(".csv")

    box = page.get_by_role("combobox", name="Upload der skal fortrydes")
    choose(page, box, f"Upload {upload_id}: tilmeldinger.csv (Karin Konsulent")
    tab_to(page, page.get_by_role("button", name="Fortryd upload"))
    page.keyboard.press("Space")
    expect(page.get_by_text(f"Upload {upload_id} er fortrudt: 3 rækker")).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)
