"""The real Streamlit app (app.py) on a real database, driven by AppTest.

A test taking ``database`` runs on a DuckDB file and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kl_dash import db, store
from kl_dash.formatting import format_number

from .conftest import PROJECT_ROOT
from .test_pages import app_ran, widget

APP = str(PROJECT_ROOT / "app.py")


def start(monkeypatch, path, **params) -> AppTest:
    monkeypatch.setenv("KL_DASH_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    """The headline figures this test computes itself (Politisk aftale only where there is one)."""
    shown = {m.label: m.value for m in at.metric}
    keys = ("Kommuner", "Politisk aftale", "Udtrådt", "Møder afholdt")
    return {k: shown[k] for k in keys if k in shown}


def expected_figures(path, programme_id: str) -> dict[str, str]:
    """The headline figures computed here, independently, with plain SQL."""
    con = db.connect(path)  # a DuckDB file or PostgreSQL, as the test's database
    # The default status date: today, or the last day of a programme that is over.
    (today,) = con.execute(
        "SELECT least(current_date, end_date) FROM programmes WHERE id = ?", [programme_id]
    ).fetchone()
    enrolled, agreed, withdrawn = con.execute(
        """
        SELECT count(*) FILTER (WHERE withdrawn_on IS NULL OR withdrawn_on > ?),
               count(*) FILTER (WHERE agreement_on <= ? AND (withdrawn_on IS NULL
                                                            OR withdrawn_on > ?)),
               count(*) FILTER (WHERE withdrawn_on <= ?)
        FROM enrollments WHERE programme_id = ? AND interest_on <= ?
        """,
        [today, today, today, today, programme_id, today],
    ).fetchone()
    held, planned = con.execute(
        "SELECT count(held_on) FILTER (WHERE held_on <= ?), count(*) FROM meetings "
        "WHERE programme_id = ?",
        [today, programme_id],
    ).fetchone()
    (binding,) = con.execute(
        "SELECT NOT requires_agreement FROM programmes WHERE id = ?", [programme_id]
    ).fetchone()
    con.close()
    figures = {
        "Kommuner": format_number(enrolled),
        "Politisk aftale": format_number(agreed),
        "Udtrådt": format_number(withdrawn),
        "Møder afholdt": f"{held} af {planned}",
    }
    if binding:  # no political agreement step, no figure for it
        del figures["Politisk aftale"]
    return figures


def test_first_start_creates_the_database_and_shows_its_figures(monkeypatch, tmp_path):
    # DuckDB only: the app seeds a missing file; a PostgreSQL database is made by kl-dash init.
    path = tmp_path / "data" / "kl_dash.duckdb"
    assert not path.exists()
    at = start(monkeypatch, path, partnerskab="it-2017")
    assert not at.exception
    assert path.exists()
    assert metrics(at) == expected_figures(path, "it-2017")
    assert (
        at.title[0].value == "Partnerskab om morgendagens dagtilbud og folkeskole med fokus på it"
    )


@pytest.mark.parametrize("programme_id", ["it-2017", "kvalitet-2017"])
def test_overview_shows_the_figures_of_the_partnership_in_the_url(
    monkeypatch, database, programme_id
):
    at = start(monkeypatch, database, partnerskab=programme_id)
    assert not at.exception
    assert widget(at.selectbox, "programme_id").value == programme_id
    assert metrics(at) == expected_figures(database, programme_id)
    assert at.query_params["partnerskab"] == programme_id


def test_binding_signup_shows_no_political_agreement_figure(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="faellesskaber-2021")
    assert "Politisk aftale" not in [m.label for m in at.metric]
    assert metrics(at)["Møder afholdt"] == "4 af 4"


def test_the_status_sentence_does_not_repeat_the_period_the_caption_gives(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="it-2017", dato="2018-06-01")
    caption = at.caption[0].value
    (sentence,) = [i.value for i in at.main.info if "Status pr." in i.value]
    assert "ultimo 2017 til ultimo 2019" in caption.replace("\\", "")
    assert "måned 10 af 28" in sentence and "2019" not in sentence


@pytest.mark.parametrize(
    ("programme_id", "said"),
    [
        ("it-2017", "kr. 65.000 ekskl. moms pr. år i to år"),
        ("kvalitet-2017", "110.000 kr. for to år"),
        ("faellesskaber-2021", "55.000 kr. ex moms. pr. kommune"),
    ],
)
def test_the_price_is_shown_as_the_invitation_words_it(monkeypatch, database, programme_id, said):
    at = start(monkeypatch, database, partnerskab=programme_id)
    assert said in at.caption[0].value.replace("\\", "")


def test_a_derived_end_date_says_it_is_derived(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="kvalitet-2017")
    assert "udledt" in at.caption[0].value
    at = start(monkeypatch, database, partnerskab="it-2017")
    assert "udledt" not in at.caption[0].value


def test_the_it_criteria_are_shown_as_the_project_descriptions_proposal(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="it-2017")
    at.switch_page("pages/succeskriterier.py").run()
    origin = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "forslag" in origin and "fastsat i invitationen og" not in origin


def test_choosing_another_partnership_updates_figures_and_url(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="it-2017")
    widget(at.selectbox, "programme_id").select("kvalitet-2017").run()
    assert not at.exception
    assert metrics(at) == expected_figures(database, "kvalitet-2017")
    assert at.query_params["partnerskab"] == "kvalitet-2017"


def test_an_unknown_partnership_in_the_url_gives_a_notice_and_falls_back(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="findes-ikke")
    assert not at.exception
    assert any("findes-ikke" in w.value and "findes ikke" in w.value for w in at.main.warning)
    chosen = widget(at.selectbox, "programme_id").value
    assert metrics(at) == expected_figures(database, chosen)


def test_meeting_plan_lists_periods_as_written_and_held_dates_in_danish(monkeypatch, database):
    at = start(monkeypatch, database, partnerskab="faellesskaber-2021")
    at.switch_page("pages/moeder.py").run()
    plan = at.dataframe[0].value  # short dates on screen; the downloads keep them in full
    assert list(plan["Planlagt"]) == [
        "14. sep. 2021",
        "25. nov. 2021",
        "13. jan. 2022",
        "15. mar. 2022",
    ]
    assert list(plan["Afholdt"]) == [f"{day} (eksempel)" for day in plan["Planlagt"]]
    assert list(plan["Form"]) == ["fysisk", "virtuelt", "virtuelt", "fysisk"]
    at = start(monkeypatch, database, partnerskab="it-2017")
    at.switch_page("pages/moeder.py").run()
    assert "primo 2018" in set(at.dataframe[0].value["Planlagt"])


def test_example_data_notice_is_shown_only_with_example_data(monkeypatch, database):
    at = start(monkeypatch, database)
    assert any("Eksempeldata" in i.value for i in at.sidebar.info)
    con = db.connect(database)
    with store.write_transaction(con):  # as every write of shown data, raising its version
        con.execute("DELETE FROM dataset_info WHERE key = 'example_data'")
    con.close()
    at = start(monkeypatch, database)
    assert not any("Eksempeldata" in i.value for i in at.sidebar.info)


def test_a_broken_database_file_gives_a_danish_error_not_a_traceback(monkeypatch, tmp_path):
    # DuckDB only: about a file that is not a DuckDB database.
    path = tmp_path / "broken.duckdb"
    path.write_text("not a database")
    at = start(monkeypatch, path)
    assert not at.exception
    assert any("kan ikke åbnes som DuckDB-database" in e.value for e in at.error)


@pytest.mark.parametrize(
    "page", sorted(f"pages/{p.name}" for p in (PROJECT_ROOT / "pages").glob("*.py"))
)
def test_every_page_file_runs_inside_app_py(monkeypatch, database, page):
    at = start(monkeypatch, database, partnerskab="it-2017")
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert app_ran(at)  # app.py's sidebar: the partnership chooser ...
    assert any("Lokal tilstand" in w.value for w in at.sidebar.warning)  # ... and its notices
    assert any("Eksempeldata" in i.value for i in at.sidebar.info)
    assert at.title  # and the page itself
