"""The accessibility statement (Tilgængelighed): every reader reaches it, also before a login."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kl_dash import accessibility_statement, db, users

from .conftest import PROJECT_ROOT

STATEMENT = "pages/tilgaengelighed.py"


def app(monkeypatch, path, **env) -> AppTest:
    monkeypatch.setenv("KL_DASH_DB", str(path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)


def text_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_before_a_login_the_statement_opens_and_shows_no_data(monkeypatch, database):
    con = db.connect(database)
    users.add_user(con, "lise", "viewer", "hemmeligt-kodeord", "test")
    con.close()
    at = app(monkeypatch, database).run()
    assert at.title[0].value == "Log ind"
    at.switch_page(STATEMENT).run()
    assert not at.exception
    assert at.title[0].value == "Tilgængelighedserklæring"
    assert not (at.metric or at.dataframe or at.selectbox or at.get("plotly_chart"))
    text = text_of(at)
    assert "overholder delvist" in text
    assert accessibility_statement.DEFAULT_CONTACT in text
    assert accessibility_statement.COMPLAINTS_URL in text
    assert all(gap in text for gap in accessibility_statement.KNOWN_GAPS)


def test_the_contact_is_the_one_the_installation_sets(monkeypatch, database):
    contact = "Partnerskabssekretariatet, tilgaengelighed@example.dk, telefon 33 70 00 00"
    at = app(monkeypatch, database, KL_DASH_CONTACT=contact).run()
    at.switch_page(STATEMENT).run()
    assert not at.exception
    assert contact in text_of(at)
    assert accessibility_statement.DEFAULT_CONTACT not in text_of(at)
