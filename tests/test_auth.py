"""Who sees what in the real app: local mode, login, roles, public reading, single sign-on.

Every test taking ``database`` runs on a DuckDB file and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from kl_dash import auth, db, downloads, importer, users
from kl_dash.users import Actor

from .conftest import PROJECT_ROOT

PASSWORD = "hemmeligt-kodeord"


def with_users(path, *accounts: tuple[str, str]) -> None:
    con = db.connect(path)
    for name, role in accounts:
        users.add_user(con, name, role, PASSWORD, "test")
    con.close()


def app(monkeypatch, path, **env) -> AppTest:
    monkeypatch.setenv("KL_DASH_DB", str(path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["partnerskab"] = "it-2017"
    return at


def with_account_made_before_names_were_reserved(path, name: str, role: str) -> None:
    """An account with a name kl-dash user add refuses today (e.g. one made by an old version)."""
    con = db.connect(path)
    con.execute(
        "INSERT INTO users VALUES (?, ?, ?, now())", [name, role, PasswordHasher().hash(PASSWORD)]
    )
    con.close()


def log_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


def shows_no_data(at: AppTest) -> bool:
    return not (at.metric or at.dataframe or at.selectbox or at.get("plotly_chart"))


def test_local_mode_without_users_allows_everything_and_says_so(monkeypatch, database):
    at = app(monkeypatch, database).run()
    assert not at.exception
    assert any("Lokal tilstand" in w.value for w in at.sidebar.warning)
    at.switch_page("pages/opdater.py").run()
    assert not at.exception and at.title[0].value == "Opdater data"


def test_with_users_an_anonymous_visitor_sees_a_login_and_no_data(monkeypatch, database):
    with_users(database, ("kirsten", "editor"))
    at = app(monkeypatch, database).run()
    assert not at.exception
    assert at.title[0].value == "Log ind"
    assert shows_no_data(at)
    for page in ("pages/kommuner.py", "pages/opdater.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_required_login_applies_even_before_the_first_user(monkeypatch, database):
    at = app(monkeypatch, database, KL_DASH_AUTH="required").run()
    assert at.title[0].value == "Log ind" and shows_no_data(at)


def test_a_wrong_password_is_refused_and_a_right_one_opens_the_pages(monkeypatch, database):
    with_users(database, ("lise", "viewer"))
    at = app(monkeypatch, database).run()
    at = log_in(at, "lise", "forkert-kodeord")
    assert any("Forkert brugernavn eller adgangskode" in e.value for e in at.error)
    assert shows_no_data(at)
    at = log_in(at, "lise")
    assert not at.exception
    assert any(m.label == "Kommuner" for m in at.metric)


def test_a_viewer_cannot_reach_the_upload_page_an_editor_can(monkeypatch, database):
    with_users(database, ("lise", "viewer"), ("kirsten", "editor"))
    viewer = log_in(app(monkeypatch, database).run(), "lise")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        viewer.switch_page("pages/opdater.py")
    editor = log_in(app(monkeypatch, database).run(), "kirsten")
    editor.switch_page("pages/opdater.py").run()
    assert not editor.exception and editor.title[0].value == "Opdater data"
    assert any("logget ind som kirsten" in c.value for c in editor.caption)
    assert not editor.text_input  # no name to type: the login says who uploads


def test_an_editor_account_named_lokal_is_not_local_mode_on_the_upload_page(monkeypatch, database):
    with_users(database, ("kirsten", "editor"))
    with_account_made_before_names_were_reserved(database, "lokal", "editor")
    con = db.connect(database)
    (name,) = con.execute(
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    rows = f"partnerskab;kommune;gruppe;antal\nit-2017;{name};Ledelsesspor;4\n".encode()
    stored = importer.store(con, "deltagere", rows, "d.csv", Actor("kirsten", "editor"))
    con.close()
    at = log_in(app(monkeypatch, database).run(), "lokal")
    at.switch_page("pages/opdater.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.text_input  # no name to type: the uploads are recorded as "lokal"
    assert any("logget ind som lokal (redaktør)" in c.value for c in at.caption)
    assert not any("Lokal tilstand" in w.value for w in at.sidebar.warning)
    at.selectbox(key="undo-upload").set_value(stored.upload_id).run()
    next(b for b in at.button if b.label == "Fortryd upload").click().run()
    assert any("kun den, der lavede den" in e.value for e in at.error)
    con = db.connect(database)
    undone = con.execute("SELECT undone_at FROM uploads WHERE id = ?", [stored.upload_id])
    assert undone.fetchall() == [(None,)]
    con.close()


def test_an_account_named_anonym_is_logged_in_and_can_log_out(monkeypatch, database):
    with_account_made_before_names_were_reserved(database, "anonym", "viewer")
    at = log_in(app(monkeypatch, database).run(), "anonym")
    assert not at.exception
    assert any(c.value == "Logget ind som anonym" for c in at.sidebar.caption)
    assert any(m.label == "Kommuner" for m in at.metric)
    next(b for b in at.sidebar.button if b.label == "Log ud").click().run()
    assert at.title[0].value == "Log ind" and shows_no_data(at)


def test_how_someone_acts_is_decided_by_the_session_never_by_the_name(con):
    public = auth.Settings(required=False, public_read=True, oidc=False, roles={})
    assert auth.current_actor(con, public, None, Actor("x", "viewer")) == auth.LOCAL_ACTOR
    users.add_user(con, "kirsten", "editor", PASSWORD, "test")
    named_lokal = Actor(users.LOCAL_NAME, "editor")
    assert auth.current_actor(con, public, None, named_lokal).mode == "account"
    assert auth.current_actor(con, public, None, None).mode == "anonymous"
    closed = auth.Settings(required=False, public_read=False, oidc=False, roles={})
    assert auth.current_actor(con, closed, None, None) is None
    sso = auth.Settings(required=False, public_read=False, oidc=True, roles={"editor": ["@kl.dk"]})
    assert auth.current_actor(con, sso, "krj@kl.dk", None) == Actor("krj@kl.dk", "editor", "sso")
    assert auth.current_actor(con, sso, "x@gmail.com", None) is None


def test_settings_come_from_the_environment_secrets_and_server_address():
    secrets = {"auth": {"client_id": "id"}, "kl_dash": {"roles": {"editor": ["@kl.dk"]}}}
    local = auth.settings({}, "127.0.0.1", {"KL_DASH_PUBLIC_READ": "1"})
    assert local == auth.Settings(required=False, public_read=True, oidc=False, roles={})
    exposed = auth.settings(secrets, "0.0.0.0", {})
    assert exposed.required and exposed.oidc and exposed.roles == {"editor": ["@kl.dk"]}
    assert auth.settings({}, "localhost", {"KL_DASH_AUTH": "required"}).required


def test_public_reading_shows_the_pages_but_never_uploads(monkeypatch, database):
    with_users(database, ("kirsten", "editor"))
    at = app(monkeypatch, database, KL_DASH_PUBLIC_READ="1").run()
    assert not at.exception
    assert any(m.label == "Kommuner" for m in at.metric)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/opdater.py")
    at.switch_page("pages/kommuner.py").run()
    assert not at.exception and at.dataframe


def test_single_sign_on_maps_e_mail_domains_to_roles(monkeypatch, database):
    at = app(monkeypatch, database)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "s",
        "server_metadata_url": "https://login.example/.well-known",
    }
    at.secrets["kl_dash"] = {"roles": {"editor": ["@kl.dk"], "viewer": ["@aarhus.dk"]}}
    at.user = {"is_logged_in": True, "email": "krj@kl.dk"}
    at.run()
    assert not at.exception
    at.switch_page("pages/opdater.py").run()
    assert at.title[0].value == "Opdater data"
    stranger = app(monkeypatch, database)
    stranger.secrets.update(at.secrets)
    stranger.user = {"is_logged_in": True, "email": "x@gmail.com"}
    stranger.run()
    assert stranger.title[0].value == "Log ind" and shows_no_data(stranger)
    assert any("har ikke adgang" in e.value for e in stranger.error)


INJECTIONS = ["'; DROP TABLE enrollments;--", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("note", INJECTIONS)
def test_inputs_that_try_to_be_code_stay_data(con, note):
    (name,) = con.execute(
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' AND agreement_on IS NOT NULL ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    enrolled = con.execute("SELECT count(*) FROM enrollments").fetchall()
    frame = pd.DataFrame(
        [
            {
                "partnerskab": "it-2017",
                "kriterie": 1,
                "kommune": name,
                "dato": "01-01-2019",
                "status": "i gang",
                "note": note,
            }
        ]
    )
    importer.store(con, "kriteriestatus", downloads.to_csv(frame), "k.csv", "test")
    assert con.execute("SELECT count(*) FROM enrollments").fetchall() == enrolled
    assert con.execute("SELECT note FROM criterion_status WHERE note IS NOT NULL").fetchall() == [
        (note,)
    ]
    exported = importer.export_frame(con, "kriteriestatus", "it-2017")
    text = downloads.to_csv(exported).decode("utf-8-sig")
    cells = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)["note"]
    written = [c for c in cells if c]
    assert written == [downloads.neutralise(note)]
    assert not written[0].startswith(("=", "+", "-", "@"))


def test_no_password_is_stored_or_logged_in_clear(db_path):
    with_users(db_path, ("kirsten", "editor"))
    con = db.connect(db_path)
    with pytest.raises(users.LoginRefused):
        users.authenticate(con, "kirsten", "et-forkert-kodeord")
    tables = [t for (t,) in con.execute("SHOW TABLES").fetchall()]
    dump = repr([con.execute(f"SELECT * FROM {t}").fetchall() for t in tables])
    con.close()
    assert PASSWORD not in dump and "et-forkert-kodeord" not in dump


def test_an_app_reachable_from_the_network_never_runs_without_a_login(monkeypatch, database):
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")  # as --server.address 0.0.0.0 does
    try:
        at = app(monkeypatch, database).run()
    finally:
        config.set_option("server.address", before)
    assert at.title[0].value == "Log ind" and shows_no_data(at)
    assert any("ingen brugere" in w.value for w in at.warning)
