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


def open_drawn(page: Page, server: Server, path: str, heading: str, charts: int = 0) -> None:
    """Open a page of it-2017 on 1 June 2019 and wait until its charts (at least ``charts``)
    are drawn."""
    page.goto(f"{server.url}/{path}?partnerskab=it-2017&dato=2019-06-01")
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    if charts:  # a slow machine: the last chart may come after the status widget has gone
        expect(page.locator(CHART)).to_have_count(charts, timeout=90_000)
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


# Each text Plotly drew in a chart, by kind, with its box on the screen; and the chart's box.
CHART_TEXTS = """(chart) => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return { text: e.textContent.trim(), left: r.left, right: r.right, top: r.top,
             bottom: r.bottom };
  };
  const drawn = (selector) => [...chart.querySelectorAll(selector)]
    .filter((e) => e.textContent.trim() && e.getBoundingClientRect().width > 0)
    .map(box);
  return {
    chart: box(chart),
    heads: drawn(".xtick text"),
    numbers: drawn(".scatterlayer .textpoint text"),
    notes: drawn(".annotation-text"),
    legend: drawn(".legendtext"),
  };
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes share more than a pixel each way."""
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    ]


def outside(boxes: list[dict], chart: dict) -> list[str]:
    """Texts reaching past the chart's box (Plotly's drawing is cut there)."""
    return [
        b["text"]
        for b in boxes
        if b["left"] < chart["left"] - 1
        or b["right"] > chart["right"] + 1
        or b["top"] < chart["top"] - 1
        or b["bottom"] > chart["bottom"] + 1
    ]


def chart_texts(page: Page, name: str) -> dict:
    """The texts of the chart whose accessible name starts with ``name``."""
    chart = page.locator(f"{CHART}[aria-label^='{name}']")
    expect(chart).to_have_count(1)
    return chart.evaluate(CHART_TEXTS)


@pytest.mark.parametrize("width", [390, 768])
def test_the_meeting_charts_labels_neither_overlap_nor_are_cut_on_a_phone_or_tablet(
    example_server, page: Page, width
):
    page.set_viewport_size({"width": width, "height": 900})
    open_drawn(page, example_server, "moeder", "Mødeplan")

    heatmap = chart_texts(page, "Fremmøde pr. kommune og møde")
    assert len(heatmap["heads"]) >= 5, heatmap["heads"]  # the meetings' numbers head columns
    assert not overlapping(heatmap["heads"]), overlapping(heatmap["heads"])
    texts = heatmap["heads"] + heatmap["notes"] + heatmap["legend"]
    assert not outside(texts, heatmap["chart"])

    timeline = chart_texts(page, "Tidslinje over")
    labels = timeline["numbers"] + timeline["notes"]  # meeting numbers, notes in the plot
    assert len(timeline["numbers"]) >= 5, labels
    assert not overlapping(labels), overlapping(labels)
    texts = labels + timeline["legend"] + timeline["heads"]
    assert not outside(texts, timeline["chart"]), outside(texts, timeline["chart"])
    assert not overlapping(timeline["legend"]), overlapping(timeline["legend"])


# Each drawn chart's margins as it started with them (the figure's) and as Plotly drew it.
CHART_MARGINS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((plot) => {
  const set = plot.layout.margin || {}, drawn = plot._fullLayout._size;
  return { name: plot.closest('[data-testid=stPlotlyChart]').getAttribute('aria-label'),
           set: [set.l, set.r, set.b], drawn: [drawn.l, drawn.r, drawn.b] };
})"""


@pytest.mark.parametrize(
    ("path", "heading", "count", "width"),
    [  # count: the charts with axes (Overblik has its map besides)
        ("", "Mødeplan og afholdte møder", 3, 390),
        ("", "Mødeplan og afholdte møder", 3, 1280),
        ("moeder", "Mødeplan", 3, 390),
        ("moeder", "Mødeplan", 3, 1280),
        ("succeskriterier", "Succeskriterier", 2, 1024),
    ],
)
def test_charts_have_room_for_their_labels_and_are_drawn_once(
    example_server, page: Page, path, heading, count, width
):
    """On a phone, a laptop and a desktop every chart with axis labels (all but the map) starts
    with the margins its labels need: Plotly's automargin leaves them as they are instead of
    widening them and drawing the chart a second time (issue 12), and no label is cut."""
    page.set_viewport_size({"width": width, "height": 900})
    open_drawn(page, example_server, path, heading, count + (path == ""))
    charts = [c for c in page.evaluate(CHART_MARGINS) if not c["name"].startswith("Danmarkskort")]
    assert len(charts) == count, charts
    widened = [(c["name"][:40], c["set"], c["drawn"]) for c in charts if c["drawn"] != c["set"]]
    assert not widened, widened
    for chart in charts:
        texts = chart_texts(page, chart["name"][:30])
        assert not outside(texts["heads"], texts["chart"]), outside(texts["heads"], texts["chart"])
