"""The app's pages on a shared PostgreSQL draw what they draw on the DuckDB file."""

from __future__ import annotations

import pytest

from .test_pages import PAGES, app_ran, open_app


def _shown(at) -> dict:
    """What a reader sees of a page's figures: its metrics and the tables' values."""
    return {
        "metrics": {m.label: m.value for m in at.metric},
        "tables": [frame.value.to_dict("list") for frame in at.dataframe],
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_postgresql_shows_the_figures_of_the_duckdb_file(
    monkeypatch, db_path, pg_url, page
):
    on_pg = open_app(monkeypatch, pg_url, page, partnerskab="it-2017", dato="2019-06-01")
    assert not on_pg.exception, [e.message for e in on_pg.exception]
    assert app_ran(on_pg)
    on_file = open_app(monkeypatch, db_path, page, partnerskab="it-2017", dato="2019-06-01")
    assert _shown(on_pg) == _shown(on_file)
    assert _shown(on_pg)["metrics"] or _shown(on_pg)["tables"]


@pytest.mark.parametrize("page", ["pages/om.py", "pages/opdater.py", "pages/partnerskab.py"])
def test_the_other_pages_run_on_postgresql(monkeypatch, pg_url, page):
    at = open_app(monkeypatch, pg_url, page, partnerskab="it-2017")
    assert not at.exception, [e.message for e in at.exception]
    assert app_ran(at) and at.title
