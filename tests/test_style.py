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


def test_the_stylesheet_is_only_a_style_so_it_takes_no_room_in_the_page():
    css = (style.HERE / "style.css").read_text(encoding="utf-8")
    assert "<" not in css  # st.html wraps it in one <style>, sent where nothing is drawn
    assert "@media print" in css and ":focus-visible" in css
