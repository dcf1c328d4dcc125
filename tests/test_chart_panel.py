"""Every chart of the real app has its words and its table (kl_dash/ui/chart_panel.py)."""

from __future__ import annotations

import json
import re

import pytest

from .test_pages import open_app, profile

ENGLISH = re.compile(r"\b(January|February|March|May|June|July|October|December|and|of|the)\b")
PAGES = {
    "pages/overblik.py": ["timeline", "enrollment", "criteria-shares", "map"],
    "pages/moeder.py": ["timeline", "attendance", "participants"],
    "pages/succeskriterier.py": ["criteria", "criteria-shares"],
}


def charts(at) -> list:
    return list(at.get("plotly_chart"))


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_a_danish_alt_text_a_table_switch_and_no_toolbar(
    monkeypatch, database, page
):
    at = open_app(monkeypatch, database, page, partnerskab="it-2017", dato="2019-06-01")
    assert not at.exception, [e.message for e in at.exception]
    drawn = charts(at)
    assert len(drawn) == len(PAGES[page])
    for chart in drawn:
        alt = chart.proto.alt
        assert len(alt) > 40 and alt.endswith("."), alt
        assert not ENGLISH.search(alt), alt
        assert json.loads(chart.proto.config)["displayModeBar"] is False
    switches = [t for t in at.toggle if t.key and t.key.startswith("as-table-")]
    assert [t.key.removeprefix("as-table-") for t in switches] == PAGES[page]
    assert all(t.label == "Vis som tabel" and t.value is False for t in switches)


def test_the_timeline_s_alt_text_says_what_was_held_and_what_comes_next(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017", dato="2019-06-01")
    timeline = charts(at)[0].proto.alt
    assert timeline.startswith("Tidslinje over 31 møder i 5 grupper og spor")
    assert "27 afholdt pr. 1. juni 2019" in timeline and "næste møde: " in timeline


def test_vis_som_tabel_shows_the_timeline_s_meetings_with_their_numbers_instead(
    monkeypatch, database
):
    at = open_app(monkeypatch, database, partnerskab="it-2017", dato="2019-06-01")
    before = len(charts(at))
    tables = len(at.dataframe)
    at.toggle(key="as-table-timeline").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(charts(at)) == before - 1
    assert len(at.dataframe) == tables + 1
    shown = next(d.value for d in at.dataframe if "Nr." in d.value and "Møde" in d.value)
    assert list(shown["Nr."])[:3] == [1, 2, 3]
    assert len(shown) == 39  # every meeting of the plan, also those without a time yet
    at.toggle(key="as-table-timeline").set_value(False).run()
    assert len(charts(at)) == before


def test_the_profile_s_comparison_chart_has_its_words_and_table(monkeypatch, database):
    at, name = profile(monkeypatch, database, "it-2017", dato="2019-06-01")
    [chart] = charts(at)
    assert chart.proto.alt.startswith(f"Andel af succeskriterierne opnået over tid for {name}")
    at.toggle(key="as-table-comparison").set_value(True).run()
    assert not charts(at) and not at.exception
