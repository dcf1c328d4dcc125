"""Every page at 1440, 1024, 768 and 390 px in chromium: screenshots, tables, overflow.

The screenshots go to artifacts/screenshots/ (not committed; CI keeps them as artefacts; the
path is printed) to be looked at before a change to the screens is called done. Checked here:
at 1024 px every table shows its important columns without sideways scrolling (a table's
important columns are those kl_dash/ui/tables.py draws first, else all its columns), and at
390 px nothing on any page reaches past the screen's edge (a table scrolls inside itself: the
two-dimensional layout WCAG 1.4.10 allows for data tables). Inside the charts, labels that
must not overlap or be cut are checked in test_charts_in_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kl_dash.ui import tables

from ..conftest import PROJECT_ROOT
from ..test_upload_page import enrollment_file
from .conftest import Server
from .test_keyboard import tab_to

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", PROJECT_ROOT / "artifacts" / "screenshots"))
PAGES = {
    "overblik": "?partnerskab=it-2017",
    "kommuner": "kommuner?partnerskab=it-2017",
    "kommuneprofil": "kommuner?partnerskab=it-2017&kommune=Odense",
    "moeder": "moeder?partnerskab=it-2017",
    "succeskriterier": "succeskriterier?partnerskab=it-2017",
    "om": "om?partnerskab=it-2017",
    "opdater": "opdater?partnerskab=it-2017",
    "partnerskab": "partnerskab?partnerskab=it-2017",
}
SELECTION_COLUMN = 40  # the checkbox column of the Kommuner table (its rows can be chosen)

# Each grid: its headings in order, and how wide its content and its window are.
GRIDS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(grid => {
  const scroller = grid.querySelector(".dvn-scroller");
  return {
    headings: [...grid.querySelectorAll("th")].map(th => th.textContent.trim()),
    content: scroller ? scroller.scrollWidth : 0,
    window: scroller ? scroller.clientWidth : 0,
  };
})"""

# Elements that reach past the right edge of the screen, unless an ancestor clips or scrolls
# them (a table's own scrolling, a chart's canvas).
OVERFLOWING = """() => {
  const edge = window.innerWidth + 1;
  const clipped = (element) => {
    for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") {
        return a.getBoundingClientRect().right <= edge;
      }
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((e) => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.right > edge && !clipped(e);
    })
    .map((e) => `${e.tagName} ${e.dataset.testid || ""} ${e.textContent.slice(0, 40)}`)
    .concat(document.documentElement.scrollWidth > edge ? ["the page scrolls sideways"] : []);
}"""


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """A server on the example database with one upload stored and undone (the log's columns)."""
    from kl_dash import bootstrap, db, importer
    from kl_dash.undo import undo

    folder = tmp_path_factory.mktemp("screens")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    data = enrollment_file(path)
    con = db.connect(path)
    stored = importer.store(con, "tilmeldinger", data, "tilmeldinger.csv", "Anne Konsulent")
    undo(con, stored.upload_id, "Anne Konsulent")
    con.close()
    server = Server(path, folder / "streamlit.log")
    yield server
    server.stop()


def tables_drawn(page: Page) -> None:
    """Wait until every table has put its headings in the page."""
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stDataFrame]')]"
        ".every(grid => grid.querySelector('th'))",
        timeout=60_000,
    )


def open_page(page: Page, server: Server, path: str) -> None:
    """Open a page and wait until it has run to its end."""
    page.goto(f"{server.url}/{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=60_000)
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    tables_drawn(page)


def screenshot(page: Page, name: str, width: int) -> Path:
    """The whole page (Streamlit scrolls its main area, so the window is made as tall)."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(height, 800), 8000)})
    target = SHOTS / f"{name}-{width}.png"
    page.screenshot(path=target, animations="disabled")
    page.set_viewport_size({"width": width, "height": 800})
    return target


def important(headings: list[str]) -> list[str] | None:
    """A wide table's important columns (those tables.py draws first); None: all columns.

    Only the headings of the columns in the table's window are in the page.
    """
    for first, named in [
        *((f, 0) for f in (tables.MUNICIPALITIES, tables.MEETINGS, tables.ATTENDANCE)),
        (tables.UPLOADS, 0),
        (tables.CRITERIA, 1),  # and one column the page names
        (tables.FIGURES, 2),  # and two
        (tables.PEOPLE, 1),
    ]:
        labels = [tables.COLUMNS[c].get("label", c) for c in first]
        if headings[: len(labels)] == labels and len(headings) >= len(labels) + named:
            return headings[: len(labels) + named]
    return None


def fits(grid: dict) -> bool:
    """The grid's important columns fit its window."""
    wanted = important(grid["headings"])
    if wanted is None:
        return grid["content"] <= grid["window"] + 1
    by_label = {settings.get("label", c): settings for c, settings in tables.COLUMNS.items()}
    needed = sum(by_label.get(c, {}).get("width", tables.WIDTH) for c in wanted)
    selectable = wanted[0] == tables.MUNICIPALITIES[0]
    return needed + SELECTION_COLUMN * selectable <= grid["window"]


@pytest.mark.parametrize("width", [1440, 1024, 768, 390])
def test_every_page_fits_the_screen(example, page: Page, width: int):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 800})
    problems = []
    for name, path in PAGES.items():
        open_page(page, example, path)
        if width == 1024:
            tables_drawn(page)  # again: a rerun may have drawn a table afresh
            grids = page.evaluate(GRIDS)
            assert grids or name in ("om", "partnerskab"), f"{name}: no table drawn"
            problems += [(name, g) for g in grids if not fits(g)]
        if width == 390:
            problems += [(name, e) for e in page.evaluate(OVERFLOWING)]
        screenshot(page, name, width)
    print(f"\nscreenshots at {width} px: {SHOTS}")
    assert not problems, problems


def test_a_phones_closed_sidebar_takes_no_tab_stops_and_opened_fits_the_screen(example, page: Page):
    page.set_viewport_size({"width": 390, "height": 800})
    open_page(page, example, PAGES["overblik"])
    page.keyboard.press("Tab")  # "Skip to main content"
    page.keyboard.press("Tab")  # not into the closed sidebar, which nobody sees
    expect(page.get_by_role("button", name="Expand sidebar")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Partnerskab")).to_be_in_viewport()
    expect(page.get_by_role("link", name="Overblik")).to_be_focused()  # into the sidebar
    tab_to(page, page.get_by_test_id("stSidebar").locator("summary"))
    page.keyboard.press("Enter")  # opens the filters
    expect(page.get_by_role("combobox", name="Region")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "overblik-sidepanel-390.png", animations="disabled")
    assert not page.evaluate(OVERFLOWING)
