"""The "Nyt partnerskab" page: a definition file checked, previewed and added or changed."""

from __future__ import annotations

from kl_dash import db, programme_store
from kl_dash.programmes import to_toml

from .test_pages import app_ran, open_app, widget
from .test_programme_store import FIXTURE

PAGE = "pages/partnerskab.py"


def upload(at, name: str, text: str):
    at.file_uploader(key="programme-0").set_value((name, text.encode(), "application/toml"))
    return at.run()


def test_a_new_partnership_is_previewed_then_added(monkeypatch, database):
    at = open_app(monkeypatch, database, PAGE)
    assert not at.exception and app_ran(at)
    at.text_input(key="upload-user").set_value("Kirsten").run()
    at = upload(at, FIXTURE.name, FIXTURE.read_text(encoding="utf-8"))
    assert not at.exception, [e.message for e in at.exception]
    assert at.header[0].value == "Testpartnerskab om regionale netværk for sundhedsplejen"
    plan = at.dataframe[0].value
    assert len(plan) == 6 and "ultimo 2024" in set(plan["Planlagt"])
    con = db.connect(database)
    assert not programme_store.exists(con, "regional-2024")
    con.close()
    next(b for b in at.button if b.label == "Tilføj partnerskabet").click().run()
    assert not at.exception
    assert any("er gemt som upload" in s.value for s in at.success)
    con = db.connect(database)
    assert programme_store.exists(con, "regional-2024")
    con.close()
    at.switch_page("pages/overblik.py").run()
    assert not at.exception
    assert "Regionale netværk (test)" in widget(at.selectbox, "programme_id").options


def test_a_broken_file_lists_every_problem_and_stores_nothing(monkeypatch, database):
    at = open_app(monkeypatch, database, PAGE)
    broken = FIXTURE.read_text(encoding="utf-8").replace('"januar 2025"', '"jan 2025"')
    broken = broken.replace("price_dkk = 45000", "price_dkk = -5")
    at = upload(at, "broken.toml", broken)
    assert not at.exception
    assert any("2 fejl i broken.toml" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert set(problems["Kolonne/nøgle"]) == {"meetings[3].planned", "price_dkk"}


def test_a_change_that_would_lose_data_is_refused(monkeypatch, database):
    con = db.connect(database)
    text = to_toml(programme_store.load(con, "faellesskaber-2021"))
    con.close()
    text = text[: text.index("[[criteria]]")]  # drops the criteria, which have assessments
    at = open_app(monkeypatch, database, PAGE)
    at.text_input(key="upload-user").set_value("Kirsten").run()
    at = upload(at, "faellesskaber-2021.toml", text)
    assert not at.exception
    assert any("kan ikke fjernes" in e.value for e in at.error)
    assert not any(b.label in ("Gem ændringerne", "Tilføj partnerskabet") for b in at.button)
