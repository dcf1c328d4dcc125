"""Accessibility in chromium against the real server (issue 14).

axe-core (axe-playwright-python) with the WCAG 2.0 and 2.1 A and AA rules finds nothing on
every page, reached through the sidebar's navigation as a reader goes, on a municipality's
profile, on the upload page with errors and with a preview, and in the login mode; every page
says it is Danish. Printing Overblik gives A4 pages of the content only, charts inside them.
No rule is switched off: what Streamlit draws that axe would flag is fixed by the theme
(.streamlit/config.toml) or kl_dash/ui/style.css.
"""

from __future__ import annotations

import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from ..test_report import pdf_text, require
from .conftest import Server, pick

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
A4_CONTENT_PX = 703  # 210 mm less style.css's 12 mm margins, at 96 px per inch
AXE = Axe()


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    """A server on the example database in local mode, and a participants row it would change."""
    from kl_dash import bootstrap, db

    folder = tmp_path_factory.mktemp("accessibility")
    path = folder / "kl_dash.duckdb"
    bootstrap.init_database(path)
    con = db.connect(path)
    name, count = con.execute(
        "SELECT m.name, p.participants FROM participants p "
        "JOIN municipalities m ON m.code = p.municipality_code "
        "WHERE p.programme_id = 'it-2017' AND p.group_id = 'ledelsesspor' ORDER BY 1 LIMIT 1"
    ).fetchone()
    con.close()
    server = Server(path, folder / "streamlit.log")
    server.municipality = name
    server.participants_file = (
        f"partnerskab;kommune;gruppe;antal\nit-2017;{name};Ledelsesspor;{5 if count == 4 else 4}\n"
    ).encode()
    yield server
    server.stop()


def drawn(page: Page, heading: str, charts: bool = False) -> None:
    """Wait until the page under ``heading`` has run to its end and drawn its charts."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
    if charts:  # a run can end in a rerun before its charts: wait for the one that draws them
        expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=60_000
    )  # the page's run has ended: everything it draws is there
    expect(page.locator("[data-stale='true']")).to_have_count(0)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        ".every(chart => chart.querySelector('svg.main-svg'))",
        timeout=60_000,
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)


def problems(page: Page) -> str:
    """What axe-core's WCAG 2.1 A and AA rules and the page's language say is wrong ('' if none)."""
    found = []
    lang = page.evaluate("document.documentElement.lang")
    if lang != "da":
        found.append(f'<html lang="{lang}">, not "da"')
    results = AXE.run(page, options={**WCAG_21_AA, "resultTypes": ["violations"]})
    if results.violations_count:
        found.append(results.generate_report())
    return "\n".join(found)


def test_every_page_reached_through_the_navigation_is_danish_and_passes_axe(
    local_server, page: Page
):
    page.goto(f"{local_server.url}/?partnerskab=it-2017")
    title = "Partnerskab om morgendagens dagtilbud og folkeskole med fokus på it"
    pages = [  # (link, heading, has charts)
        ("Overblik", title, True),
        ("Kommuner", "Kommuner", False),
        ("Møder og spor", "Møder og spor", True),
        ("Succeskriterier", "Succeskriterier", True),
        ("Om partnerskabet", "Om partnerskabet", False),
        ("Opdater data", "Opdater data", False),
        ("Nyt partnerskab", "Nyt partnerskab", False),
        ("Tilgængelighed", "Tilgængelighedserklæring", False),
        ("Overblik", title, True),  # and back: the language holds after every page change
    ]
    found = {}
    drawn(page, title, charts=True)
    for link, heading, charts in pages:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
        drawn(page, heading, charts)
        if problem := problems(page):
            found[link] = problem
    assert not found, "\n\n".join(f"{link}:\n{problem}" for link, problem in found.items())


def test_a_municipality_profile_passes_axe(local_server, page: Page):
    name = local_server.municipality
    page.goto(f"{local_server.url}/kommuner?partnerskab=it-2017&kommune={name}")
    drawn(page, f"Profil: {name}", charts=True)
    assert not problems(page)


def choose_participants_and_upload(page: Page, server: Server, data: bytes) -> None:
    page.goto(f"{server.url}/opdater?partnerskab=it-2017")
    drawn(page, "Opdater data")
    pick(page, "Hvad vil du opdatere?", "Deltagere pr. gruppe og spor")
    # the chosen kind's form is drawn (a widget change leaves the page "notRunning" until the
    # server answers), so the file goes to it
    expect(page.get_by_text("Kolonner:").filter(has_text="gruppe, antal")).to_be_visible()
    drawn(page, "Opdater data")
    upload = page.get_by_test_id("stFileUploaderDropzoneInput")
    upload.set_input_files(
        files=[{"name": "deltagere.csv", "mimeType": "text/csv", "buffer": data}]
    )


def test_the_upload_page_with_every_error_listed_passes_axe(local_server, page: Page):
    data = b"partnerskab;kommune;gruppe;antal\nit-2017;Atlantis;Ledelsesspor;-4\n"
    choose_participants_and_upload(page, local_server, data)
    expect(page.get_by_test_id("stTable")).to_be_visible(timeout=60_000)  # the problems
    drawn(page, "Opdater data")
    assert not problems(page)


def test_the_upload_page_with_a_preview_passes_axe(local_server, page: Page):
    choose_participants_and_upload(page, local_server, local_server.participants_file)
    name = page.get_by_role("textbox", name="Dit navn")
    name.fill("Tove Tilgængelig")
    name.press("Enter")
    expect(page.get_by_role("button", name="Gem ændringerne")).to_be_enabled(timeout=60_000)
    drawn(page, "Opdater data")
    assert not problems(page)


def test_the_login_mode_and_its_statement_pass_axe(viewer_server, page: Page):
    page.goto(f"{viewer_server.url}/")
    drawn(page, "Log ind")
    assert not problems(page)
    page.get_by_role("link", name="Tilgængelighed", exact=True).click()
    drawn(page, "Tilgængelighedserklæring")
    assert not problems(page)


def test_the_statement_as_a_fresh_servers_first_request_runs_through_app_py(
    tmp_path_factory, page: Page
):
    folder = tmp_path_factory.mktemp("untouched")  # no request yet: pages-folder mode
    server = Server(folder / "kl_dash.duckdb", folder / "streamlit.log")
    try:
        page.goto(f"{server.url}/tilgaengelighed")
        drawn(page, "Tilgængelighedserklæring")
        expect(page.get_by_role("combobox", name="Partnerskab")).to_be_visible()  # app.py ran
        assert page.evaluate("document.documentElement.lang") == "da"
    finally:
        server.stop()


FOCUS_RING = """() => {
    const focused = document.activeElement;
    if (focused === document.body) return null;
    // A table's cell (its grid's hidden cell for screen readers): the ring is the table's.
    const table = focused.closest('[data-testid="stDataFrame"]');
    const start = table && focused.matches('[data-testid^="glide-cell"]') ? table : focused;
    for (let e = start, up = 0; e && up < 6; e = e.parentElement, up++) {
        const style = getComputedStyle(e);
        if (style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2) return "";
    }
    return focused.outerHTML.slice(0, 200);
}"""


def test_every_control_reached_with_tab_on_overblik_shows_a_focus_ring(local_server, page: Page):
    page.goto(f"{local_server.url}/?partnerskab=it-2017")
    drawn(page, "Partnerskab om morgendagens dagtilbud og folkeskole med fokus på it", True)
    without_ring, reached = [], 0
    for _ in range(150):  # Overblik has about 55 tab stops; past the last, focus starts over
        page.keyboard.press("Tab")
        found = page.evaluate(FOCUS_RING)
        if found is None:  # on the page itself: the round is complete
            break
        reached += 1
        if found:
            without_ring.append(found)
    assert reached > 30, reached
    assert not without_ring, "\n".join(without_ring)


def test_overblik_prints_on_a4_without_sidebar_or_buttons_and_with_charts_inside(
    local_server, page: Page
):
    page.goto(f"{local_server.url}/?partnerskab=it-2017")
    title = "Partnerskab om morgendagens dagtilbud og folkeskole med fokus på it"
    drawn(page, title, charts=True)
    page.emulate_media(media="print")
    # The page as printed on A4: laid out at its width and measured in the same step, before
    # Streamlit's own scripts can redraw the charts for the new width (as printing does).
    printed = page.evaluate(
        """width => {
            document.documentElement.style.width = width + "px";
            const shown = sel => [...document.querySelectorAll(sel)]
                .filter(e => e.getClientRects().length).length;
            const charts = [...document.querySelectorAll(".stPlotlyChart svg.main-svg")]
                .map(svg => svg.getBoundingClientRect())
                .map(box => [Math.round(box.left), Math.round(box.right)]);
            const result = {
                sidebar: shown("[data-testid=stSidebar]"),
                header: shown("[data-testid=stHeader]"),
                buttons: shown("button"),
                charts,
            };
            document.documentElement.style.width = "";
            return result;
        }""",
        A4_CONTENT_PX,
    )
    assert printed["sidebar"] == printed["header"] == printed["buttons"] == 0, printed
    assert printed["charts"], "no chart was drawn"
    assert all(0 <= left and right <= A4_CONTENT_PX for left, right in printed["charts"]), printed

    pdf = page.pdf(format="A4", print_background=True)
    require("pdftotext", "poppler-utils")
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "(A4)" in info, info
    text = pdf_text(pdf)
    assert "Mødeplan og afholdte møder" in text and "Kommunerne på kortet" in text
    for left_out in ("Statusrapport (PDF)", "Status pr. dato", "Lokal tilstand", "Vis som tabel"):
        assert left_out not in text, left_out
