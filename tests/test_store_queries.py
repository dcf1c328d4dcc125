"""Every dashboard query gives the same answer on PostgreSQL as on the DuckDB file.

The same query text runs on both stores (docs/scaling.md: the subset of SQL both engines
run); the example database is copied into PostgreSQL (conftest.pg_url), and every query of
kl_dash.queries is compared on several views, DataFrames with their dtypes.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from kl_dash import db, filters, queries
from kl_dash.filters import Filters

# Query functions taking (con, filters); those under MUNICIPALITY need a chosen municipality.
EVERY_VIEW = [
    "programme_info",
    "programme_definition",
    "key_figures",
    "key_figures_with_previous",
    "meeting_plan",
    "enrollment_progress",
    "criteria_shares",
    "municipality_map",
    "overview",
    "participants",
    "municipality_table",
    "attendance_cells",
    "attendance",
    "signed_up",
    "criteria",
    "criteria_cells",
    "criteria_status",
    "example_facts",
]
MUNICIPALITY = [
    "profile_criteria",
    "profile_focus_areas",
    "comparison",
    "municipality_profile",
]


@pytest.fixture
def stores(con, pg_url):
    pg = db.connect(pg_url)
    yield con, pg
    pg.close()


def _same(pg_value, duck_value, where: str) -> None:
    if isinstance(duck_value, pd.DataFrame):
        pd.testing.assert_frame_equal(pg_value, duck_value, obj=where)
    elif dataclasses.is_dataclass(duck_value) and any(
        isinstance(getattr(duck_value, f.name), pd.DataFrame)
        for f in dataclasses.fields(duck_value)
    ):
        for field in dataclasses.fields(duck_value):
            _same(getattr(pg_value, field.name), getattr(duck_value, field.name), where)
    else:
        assert pg_value == duck_value, where


def _views(con) -> list[Filters]:
    views = []
    dates = {
        "it-2017": date(2019, 6, 1),
        "faellesskaber-2021": date(2023, 1, 1),
        "kvalitet-2017": date(2018, 9, 1),
    }
    for programme, as_of in dates.items():
        (municipality,) = con.execute(
            "SELECT min(municipality_code) FROM enrollments WHERE programme_id = ?", [programme]
        ).fetchone()
        network = con.execute(
            "SELECT min(network_id) FROM enrollments WHERE programme_id = ?", [programme]
        ).fetchone()[0]
        group = con.execute(
            "SELECT min(group_id) FROM programme_groups WHERE programme_id = ?", [programme]
        ).fetchone()[0]
        views += [
            Filters(programme, as_of),
            Filters(programme, as_of, region="Hovedstaden", status="participating"),
            Filters(programme, as_of, period_from=date(as_of.year - 1, 1, 1), group_id=group),
            Filters(programme, as_of, network_id=network, municipality_code=municipality),
        ]
    return views


def test_every_query_gives_the_same_frame_on_postgresql_as_on_the_duckdb_file(stores):
    duck, pg = stores
    _same(queries.programmes(pg), queries.programmes(duck), "programmes")
    assert queries.has_example_data(pg) == queries.has_example_data(duck)
    for view in _views(duck):
        names = EVERY_VIEW + (MUNICIPALITY if view.municipality_code else [])
        for name in names:
            query = getattr(queries, name)
            _same(query(pg, view), query(duck, view), f"{name} {view}")
        today = view.as_of
        _same(
            filters.load_choices(pg, view.programme_id, today),
            filters.load_choices(duck, view.programme_id, today),
            f"load_choices {view.programme_id}",
        )


def test_overblik_s_frames_in_one_statement_are_those_of_each_query_alone(stores):
    duck, pg = stores
    views = _views(duck) + [
        Filters("it-2017", date(2016, 1, 1)),  # before the invitation: every frame empty
        Filters("it-2017", date(2019, 6, 1), status="withdrawn", group_id="styregruppe"),
    ]
    for con in stores:
        for view in views:
            frames = queries.overview(con, view)
            for query, name in queries.ANSWERS[queries.overview].items():
                alone = query(con, view)
                pd.testing.assert_frame_equal(getattr(frames, name), alone, obj=f"{name} {view}")
