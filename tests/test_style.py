"""The page-wide style and script app.py puts in every page (kl_dash/ui/style.py)."""

from __future__ import annotations

import re

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
