"""The page-wide style and script app.py puts in every page (kl_dash/ui/style.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kl_dash.ui import style


def test_the_page_script_survives_streamlits_html_sanitizer():
    # DOMPurify drops a <script> whose text holds "<" before a letter, "/" or "!" (it looks
    # like markup), and the page would silently stay lang="en".
    script = (style.HERE / "page.js").read_text(encoding="utf-8")
    assert not re.search(r"<[/\w!]", script)
    assert 'document.documentElement.lang = "da"' in script


def test_the_stylesheet_and_script_go_in_one_element_that_takes_no_room_in_the_page():
    css = (style.HERE / "style.css").read_text(encoding="utf-8")
    assert "<" not in css  # nothing that could close its <style> early
    assert "@media print" in css and ":focus-visible" in css
    page = style._page_html()
    # One st.html a run, hidden by its own style through its marker.
    assert '<div id="kl-page-script"></div>' in page and f"<style>{css}</style>" in page
    assert ".stElementContainer:has(#kl-page-script)" in css
    assert page.count("<script>") == 1 and page.endswith("</script>")


def test_the_page_script_names_streamlits_chart_code_and_the_pages_that_draw_charts():
    # page.js loads Streamlit's chart code as a page with charts opens (issue 12): the file it
    # names must be the installed Streamlit's, and the pages it does this on those with charts.
    chunk = style.plotly_chunk()
    assert chunk is not None and chunk.startswith("PlotlyChart.")
    page = style._page_html()
    assert f'window.klPlotlyChunk = "{chunk}";' in page
    root = Path(__file__).resolve().parent.parent
    with_charts = {
        "" if path.stem == "overblik" else path.stem
        for path in (root / "pages").glob("*.py")
        if re.search(r"chart_panel\.show|st\.plotly_chart", path.read_text(encoding="utf-8"))
    }
    assert with_charts == set(style.CHART_PAGES)
    assert "window.klChartPages = " + json.dumps(style.CHART_PAGES) in page
