"""Every download is built when clicked: no file waits at Streamlit's /media before a click.

Streamlit serves a download's file at /media/<id> to whoever asks, with no login; a file
given to st.download_button as data is stored there on every run that draws the button.
"""

from __future__ import annotations

import pytest

from . import test_pages
from .test_pages import open_app

media_files = test_pages.media_files  # the fixture building a download as a click does

PAGES = [
    ("pages/overblik.py", {"partnerskab": "it-2017"}),
    ("pages/kommuner.py", {"partnerskab": "it-2017", "kommune": "Odense"}),
    ("pages/moeder.py", {"partnerskab": "it-2017"}),
    ("pages/succeskriterier.py", {"partnerskab": "it-2017"}),
    ("pages/om.py", {"partnerskab": "it-2017"}),
    ("pages/opdater.py", {}),
    ("pages/partnerskab.py", {}),
]


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_no_download_is_stored_before_it_is_clicked(monkeypatch, database, page, params):
    at = open_app(monkeypatch, database, page, **params)
    assert not at.exception, [e.message for e in at.exception]
    buttons = [b.proto for b in at.get("download_button")]
    assert buttons
    stored = [b.label for b in buttons if b.url or not b.deferred_file_id]
    assert not stored, stored


def test_a_click_builds_exactly_the_table_shown(monkeypatch, database, media_files):
    at = open_app(monkeypatch, database, "pages/moeder.py", partnerskab="it-2017")
    button = next(b.proto for b in at.get("download_button") if "Mødeplan" in b.help)
    csv = media_files(button).decode("utf-8-sig")
    assert csv.splitlines()[0].split(";") == list(at.dataframe[0].value.columns)


def test_a_chart_s_table_is_made_when_switched_on_or_downloaded_not_for_the_first_view(
    monkeypatch, database, media_files
):
    from kl_dash import page_content, queries
    from kl_dash.ui import results

    at = open_app(monkeypatch, database, "pages/overblik.py", partnerskab="it-2017")
    assert not at.exception, [e.message for e in at.exception]
    kept = results.store(str(database)).items

    def made(fn) -> bool:
        return any(key[0] is fn for key in kept)

    assert made(page_content.meeting_timeline) and made(queries.enrollment_progress)
    assert not made(page_content.meeting_plan_table) and not made(page_content.progress_table)

    button = next(b.proto for b in at.get("download_button") if "Tilmeldinger" in b.help)
    csv = media_files(button).decode("utf-8-sig")  # the click makes the table
    assert csv.splitlines()[0].split(";") == ["Dato", "Trin", "Kommuner i alt"]
    assert made(page_content.progress_table)

    at.toggle(key="as-table-timeline").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    assert made(page_content.meeting_plan_table)
    assert "Møde" in at.dataframe[0].value.columns  # the meeting plan instead of its chart
