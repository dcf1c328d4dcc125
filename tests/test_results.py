"""Results kept per data version (kl_dash/ui/results.py): built once, never stale, never changed."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from kl_dash import importer, undo
from kl_dash.ui import frame, results

from .test_pages import PAGES, metrics, open_app, widget
from .test_upload_page import USER, enrollment_file, not_enrolled


def test_a_result_is_made_once_per_data_version_and_a_new_version_drops_the_old():
    store = results.Store(max_entries=2)
    made = []

    def make(value):
        made.append(value)
        return value

    assert store.get((1,), "a", lambda: make("a1")) == "a1"
    assert store.get((1,), "a", lambda: make("again")) == "a1"
    assert store.get((2,), "a", lambda: make("a2")) == "a2"  # an upload: made anew
    assert list(store.items) == ["a"]  # version 1's results are gone
    store.get((2,), "b", lambda: make("b2"))
    store.get((2,), "c", lambda: make("c2"))
    assert list(store.items) == ["b", "c"]  # the least recently used went first
    assert made == ["a1", "a2", "b2", "c2"]
    # A table asked for late, from a page drawn before the upload (its download): made for its
    # version, not kept, and the newer version's results stay.
    assert store.get((1,), "b", lambda: make("b1"), late=True) == "b1"
    assert store.version == (2,) and list(store.items) == ["b", "c"]
    assert store.get((2,), "b", lambda: make("again")) == "b2"


def test_an_upload_and_its_undo_show_at_the_next_rerun_in_cards_and_choices(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017")
    enrolled = int(metrics(at)["Kommuner"])
    choices = widget(at.selectbox, "municipality_code").options
    newcomer = not_enrolled(database)[0]
    at.run()  # a rerun with the same filters: read from what is kept

    con = frame.cursor(str(database))
    try:
        stored = importer.store(
            con, "tilmeldinger", enrollment_file(database), "tilmeldinger.csv", USER
        )
        at.run()
        assert int(metrics(at)["Kommuner"]) == enrolled + 3
        assert len(widget(at.selectbox, "municipality_code").options) == len(choices) + 3
        assert newcomer not in choices

        undo.undo(con, stored.upload_id, USER)
        at.run()
        assert int(metrics(at)["Kommuner"]) == enrolled
        assert widget(at.selectbox, "municipality_code").options == choices
    finally:
        con.close()


@pytest.mark.parametrize("page", PAGES)
def test_drawing_a_page_again_leaves_the_kept_results_as_they_were(monkeypatch, database, page):
    at = open_app(monkeypatch, database, page, partnerskab="it-2017", kommune="Odense")
    store = results.store(str(database))
    kept = {key: pickle.dumps(value) for key, value in store.items.items()}
    assert kept  # the page's figures and tables are kept
    at.run()
    assert not at.exception
    assert {key: pickle.dumps(store.items[key]) for key in kept} == kept


def test_a_kept_figure_is_drawn_as_the_chart_builder_made_it(database):
    from kl_dash import charts, page_content, queries
    from kl_dash.filters import Filters

    con = frame.cursor(str(database))
    try:
        f = Filters("it-2017", date(2018, 6, 1))

        def data(query, *args):
            return query(con, f, *args)

        figure = page_content.criteria_heatmap(data, f)
        fresh = charts.criteria_heatmap(queries.criteria_cells(con, f))
    finally:
        con.close()
    assert figure.to_dict() == fresh.to_dict()
    assert figure.to_dict() is figure.to_dict()  # made once, not copied on every draw


def test_a_query_of_the_programme_alone_is_kept_across_filter_changes(database):
    from kl_dash import db, queries
    from kl_dash.filters import Filters

    snapshot = results.Snapshot(str(database), (1,), results.Store())
    june, july = Filters("it-2017", date(2018, 6, 1)), Filters("it-2017", date(2018, 7, 1))
    facts = frame.queried(snapshot, queries.example_facts, june, ())
    assert frame.queried(snapshot, queries.example_facts, july, ()) is facts
    frame.queried(snapshot, queries.key_figures, june, ())
    frame.queried(snapshot, queries.key_figures, july, ())
    assert len(snapshot.kept.items) == 3  # the key figures once per status date
    # a profile's focus areas: kept per municipality, whatever else changes
    con = db.connect(database)
    first, second = (
        code
        for (code,) in con.execute(
            "SELECT municipality_code FROM enrollment_focus_areas "
            "WHERE programme_id = 'kvalitet-2017' GROUP BY 1 ORDER BY 1 LIMIT 2"
        ).fetchall()
    )
    mine = Filters("kvalitet-2017", date(2018, 6, 1), municipality_code=first)
    areas = frame.queried(snapshot, queries.profile_focus_areas, mine, ())
    assert areas and areas == queries.profile_focus_areas(con, mine)
    for other in (replace(mine, as_of=july.as_of), replace(mine, group_id="x", region="y")):
        assert frame.queried(snapshot, queries.profile_focus_areas, other, ()) is areas
    another = replace(mine, municipality_code=second)
    assert frame.queried(snapshot, queries.profile_focus_areas, another, ()) is not areas
    assert frame.queried(
        snapshot, queries.profile_focus_areas, another, ()
    ) == queries.profile_focus_areas(con, another)
    con.close()


def test_a_query_of_several_frames_keeps_each_as_its_own_query_s_result(database):
    from kl_dash import queries
    from kl_dash.filters import Filters

    snapshot = results.Snapshot(str(database), (1,), results.Store())
    june = Filters("it-2017", date(2018, 6, 1))
    frames = frame.queried(snapshot, queries.overview, june, ())
    # a builder asking for the meeting plan of the same view gets the overview's, unqueried
    assert frame.queried(snapshot, queries.meeting_plan, june, ()) is frames.plan
    assert frame.queried(snapshot, queries.municipality_map, june, ()) is frames.places
    assert len(snapshot.kept.items) == 5  # the overview and its four frames


def test_views_from_the_programme_s_rows_read_them_once_per_programme_and_data_version(database):
    from kl_dash import db, queries
    from kl_dash.filters import Filters

    opened = []

    def connect():  # the app's cursor, counted
        opened.append(1)
        return db.connect(database)

    con = db.connect(database)
    (code,) = con.execute(  # a profile's queries need a municipality
        "SELECT min(municipality_code) FROM enrollments WHERE programme_id = 'it-2017'"
    ).fetchone()
    snapshot = results.Snapshot(str(database), (1,), results.Store())
    june = Filters("it-2017", date(2018, 6, 1), municipality_code=code)
    july = Filters("it-2017", date(2018, 7, 1), municipality_code=code)
    first = {
        query: frame.queried(snapshot, query, june, (), connect=connect)
        for query in queries.FROM_ROWS
    }
    assert len(opened) == 1  # the rows, read once for every view of the partnership
    for query in queries.FROM_ROWS:
        assert frame.queried(snapshot, query, june, (), connect=connect) is first[query]
        frame.queried(snapshot, query, july, (), connect=connect)  # another view: computed
    assert len(opened) == 1
    frame.queried(snapshot, queries.meeting_plan, Filters("kvalitet-2017", june.as_of), (),
                  connect=connect)  # fmt: skip
    assert len(opened) == 2  # another partnership's rows
    newer = results.Snapshot(str(database), (2,), snapshot.kept)  # an upload: read anew
    frame.queried(newer, queries.meeting_plan, june, (), connect=connect)
    assert len(opened) == 3
    # and what they give is what each query gives on its own connection
    assert first[queries.key_figures_with_previous] == queries.key_figures_with_previous(con, june)
    pd.testing.assert_frame_equal(first[queries.meeting_plan], queries.meeting_plan(con, june))
    con.close()


def test_a_query_made_from_kept_results_is_made_once_per_view_as_the_query_makes_it(database):
    from kl_dash import db, queries
    from kl_dash.filters import Filters

    con = db.connect(database)
    snapshot = results.Snapshot(str(database), (1,), results.Store())
    (group,) = con.execute(
        "SELECT min(group_id) FROM programme_groups WHERE programme_id = 'it-2017'"
    ).fetchone()
    for view in (
        Filters("it-2017", date(2018, 6, 1)),
        Filters("it-2017", date(2019, 6, 1), region="Syddanmark", group_id=group),
    ):
        made = frame.queried(snapshot, queries.participants, view, ())
        assert len(made) and frame.queried(snapshot, queries.participants, view, ()) is made
        pd.testing.assert_frame_equal(made, queries.participants(con, view))
    con.close()


def test_a_kept_table_is_prepared_for_drawing_once_and_a_new_table_anew():
    import pandas as pd
    from streamlit import dataframe_util

    from kl_dash.ui import tables

    kept = pd.DataFrame({"Afholdt": ["20. september 2021", "ikke afholdt"], "Nr.": [1, 2]})
    ready = tables.prepared(kept)
    assert tables.prepared(kept) is ready  # the next run of any session reuses it
    assert list(ready.shown["Afholdt"]) == ["20. sep. 2021", "ikke afholdt"]
    # What Streamlit would have sent for the shown table, byte for byte.
    assert dataframe_util.convert_arrow_table_to_arrow_bytes(
        ready.arrow
    ) == dataframe_util.convert_pandas_df_to_arrow_bytes(ready.shown)
    other = kept.assign(Afholdt=["1. januar 2022", "ikke afholdt"])  # a table of another view
    assert list(tables.prepared(other).shown["Afholdt"]) == ["1. jan. 2022", "ikke afholdt"]
