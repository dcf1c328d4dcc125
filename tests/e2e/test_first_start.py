"""A newcomer's first start: the server creates the database and shows the overview."""

from __future__ import annotations

import shutil

import duckdb
from playwright.sync_api import Page, expect

from .conftest import pick


def test_first_start_creates_the_database_and_shows_the_overview(
    fresh_server, page: Page, tmp_path
):
    page.goto(f"{fresh_server.url}/?partnerskab=it-2017")
    expect(page.get_by_text("Kriterier opnået", exact=True)).to_be_visible(timeout=60_000)
    assert fresh_server.db_path.exists()
    # The server holds DuckDB's lock on the file; read a copy of it.
    copy = tmp_path / "copy.duckdb"
    shutil.copy(fresh_server.db_path, copy)
    con = duckdb.connect(str(copy), read_only=True)
    (enrolled,) = con.execute(
        "SELECT count(*) FROM enrollments WHERE programme_id = 'it-2017' "
        "AND (withdrawn_on IS NULL OR withdrawn_on > current_date)"
    ).fetchone()
    con.close()
    values = page.get_by_test_id("stMetricValue")
    expect(values.first).to_have_text(str(enrolled))
    expect(page.get_by_role("heading", name="Mødeplan og afholdte møder")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()


def test_page_url_opens_through_app_py(fresh_server, page: Page):
    page.goto(f"{fresh_server.url}/overblik?partnerskab=faellesskaber-2021")
    expect(page.get_by_text("Stærke børnefællesskaber i dagtilbud").first).to_be_visible(
        timeout=60_000
    )
    # The sidebar chooser and the example-data notice come from app.py, not from the page.
    expect(page.get_by_text("Eksempeldata", exact=False).first).to_be_visible()
    expect(page.get_by_text("4 af 4")).to_be_visible()


def test_choosing_a_partnership_is_kept_and_written_to_the_url(fresh_server, page: Page):
    page.goto(f"{fresh_server.url}/?partnerskab=it-2017")
    expect(page.get_by_text("Kriterier opnået", exact=True)).to_be_visible(timeout=60_000)
    pick(page, "Partnerskab", "Udvikling af kvalitet i dagtilbud")
    expect(
        page.get_by_role("heading", name="Partnerskab om udvikling af kvalitet i dagtilbud")
    ).to_be_visible()
    expect(page).to_have_url(f"{fresh_server.url}/?partnerskab=kvalitet-2017")


def test_every_page_opens_by_its_own_url_with_charts_and_no_error(fresh_server, page: Page):
    for path, heading in [
        ("moeder", "Møder og spor"),
        ("succeskriterier", "Succeskriterier"),
        ("kommuner", "Kommuner"),
    ]:
        page.goto(f"{fresh_server.url}/{path}?partnerskab=it-2017")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Partnerskab", exact=True)).to_be_visible()  # app.py's sidebar
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()


def test_choosing_any_row_on_kommuner_opens_that_profile(fresh_server, page: Page):
    page.set_viewport_size({"width": 1440, "height": 1400})
    page.goto(f"{fresh_server.url}/kommuner?partnerskab=kvalitet-2017")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=60_000)
    page.wait_for_timeout(1000)  # the grid draws its rows on a canvas
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 * 3 + 17)  # the third row's checkbox
    expect(page.get_by_role("heading", name="Profil:")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "kommune=" in page.url
