"""Accounts and roles: hashed passwords, a wait after failed logins, checks in the library."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import argon2
import pytest
from click.testing import CliRunner

from kl_dash import db, importer, programme_store, upload_log, users
from kl_dash.cli import main
from kl_dash.programmes import to_toml
from kl_dash.undo import undo
from kl_dash.users import Actor, LoginRefused, NotAllowed

NOW = datetime(2026, 1, 1, 12, 0)
VIEWER, EDITOR, ADMIN = Actor("lise", "viewer"), Actor("kirsten", "editor"), Actor("ane", "admin")
ROW = "partnerskab;kommune;gruppe;antal\nit-2017;{name};Ledelsesspor;4\n"


def test_passwords_are_stored_only_as_argon2_hashes(con):
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)
    stored = con.execute("SELECT * FROM users").fetchall()
    assert stored[0][2].startswith("$argon2")
    assert "hemmeligt-kodeord" not in repr(stored)
    assert users.authenticate(con, "kirsten", "hemmeligt-kodeord", NOW) == Actor(
        "kirsten", "editor"
    )


def test_wrong_password_is_refused_without_saying_whether_the_name_exists(con):
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)
    with pytest.raises(LoginRefused) as known:
        users.authenticate(con, "kirsten", "forkert-kodeord", NOW)
    with pytest.raises(LoginRefused) as unknown:
        users.authenticate(con, "findes-ikke", "forkert-kodeord", NOW)
    assert str(known.value) == str(unknown.value) == "Forkert brugernavn eller adgangskode."


def test_after_five_wrong_passwords_the_next_try_must_wait(con):
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)
    for _ in range(5):
        with pytest.raises(LoginRefused, match="Forkert"):
            users.authenticate(con, "kirsten", "forkert-kodeord", NOW)
    with pytest.raises(LoginRefused, match="Prøv igen om"):
        users.authenticate(con, "kirsten", "hemmeligt-kodeord", NOW + timedelta(seconds=10))
    later = NOW + timedelta(minutes=2)
    assert users.authenticate(con, "kirsten", "hemmeligt-kodeord", later).role == "editor"


def test_only_admins_manage_users(con):
    with pytest.raises(NotAllowed, match="kræver rollen administrator"):
        users.add_user(con, "x", "viewer", "hemmeligt-kodeord", EDITOR)
    users.add_user(con, "lise", "viewer", "hemmeligt-kodeord", ADMIN)
    with pytest.raises(NotAllowed):
        users.remove_user(con, "lise", EDITOR)
    with pytest.raises(NotAllowed):
        users.set_password(con, "lise", "nyt-hemmeligt-ord", EDITOR)
    users.set_password(con, "lise", "nyt-hemmeligt-ord", VIEWER)  # one's own password
    users.remove_user(con, "lise", ADMIN)
    assert users.list_users(con) == []


def test_a_viewer_cannot_import_an_editor_can(con):
    (name,) = con.execute(
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    data = ROW.format(name=name).encode()
    before = con.execute("SELECT * FROM participants ORDER BY ALL").fetchall()
    with pytest.raises(NotAllowed, match="lise \\(læser\\) må ikke gemme opdateringer"):
        importer.store(con, "deltagere", data, "d.csv", VIEWER)
    assert con.execute("SELECT * FROM participants ORDER BY ALL").fetchall() == before
    stored = importer.store(con, "deltagere", data, "d.csv", EDITOR)
    log = upload_log.entries(con)
    assert log.loc[log["id"] == stored.upload_id, "uploaded_by"].item() == "kirsten"


def test_editors_undo_their_own_uploads_admins_any(con):
    (name,) = con.execute(
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    stored = importer.store(con, "deltagere", ROW.format(name=name).encode(), "d.csv", EDITOR)
    with pytest.raises(NotAllowed, match="kun den, der lavede den"):
        undo(con, stored.upload_id, Actor("bent", "editor"))
    with pytest.raises(NotAllowed):
        undo(con, stored.upload_id, VIEWER)
    assert undo(con, stored.upload_id, ADMIN) == 1


def test_a_viewer_cannot_add_a_partnership(con):
    text = to_toml(programme_store.load(con, "it-2017"))
    with pytest.raises(NotAllowed):
        programme_store.add(con, text.replace('"it-2017"', '"it-2099"'), "x.toml", VIEWER)


def test_user_commands_on_the_command_line(db_path):
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["user", "add", "kirsten", "--role", "editor", "--db", str(db_path)],
        input="hemmeligt-kodeord\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["user", "list", "--db", str(db_path)])
    assert "kirsten  editor" in listed.output and "hemmeligt" not in listed.output
    short = runner.invoke(main, ["user", "passwd", "kirsten", "--db", str(db_path)], input="kort\n")
    assert short.exit_code == 1 and "mindst 10 tegn" in short.stderr
    removed = runner.invoke(main, ["user", "remove", "kirsten", "--db", str(db_path)])
    assert removed.exit_code == 0
    assert "lokal tilstand" in runner.invoke(main, ["user", "list", "--db", str(db_path)]).output


@pytest.mark.parametrize("name", ["lokal", "anonym", "Lokal"])
def test_the_names_shown_for_local_mode_and_anonymous_reading_are_refused_as_accounts(
    db_path, name
):
    refused = CliRunner().invoke(
        main,
        ["user", "add", name, "--role", "editor", "--db", str(db_path)],
        input="hemmeligt-kodeord\n",
    )
    assert refused.exit_code == 1
    assert f'"{name}" kan ikke bruges som brugernavn' in refused.stderr
    con = db.connect(db_path)
    assert users.list_users(con) == []
    con.close()


def test_a_plain_name_is_the_trusted_command_line_acting_as_admin(con):
    assert users.actor_of("ane") == Actor("ane", "admin", "cli")
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", "ane")
    assert users.list_users(con)[0][:2] == ("kirsten", "editor")
    with pytest.raises(ValueError, match="unknown actor mode"):
        Actor("ane", "admin", "lokal")


# --- logins under many users (issue 13) ------------------------------------------------------


def _try_at_once(con, name: str, password: str, tries: int) -> list[str]:
    """Each try on its own cursor of one connection, as the app's sessions do; the answers."""
    start = threading.Barrier(tries)
    answers: list[str] = []

    def attempt() -> None:
        cursor = con.cursor()
        start.wait()
        try:
            users.authenticate(cursor, name, password, NOW)
            answers.append("logget ind")
        except LoginRefused as exc:
            answers.append(str(exc))
        except Exception as exc:  # what must never happen: recorded to fail the test
            answers.append(f"{type(exc).__name__}: {exc}")
        finally:
            cursor.close()

    threads = [threading.Thread(target=attempt) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize("name", ["kirsten", "findes-ikke"])
def test_twenty_wrong_passwords_at_once_count_each_so_the_wait_starts_after_five(con, name):
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)

    answers = _try_at_once(con, name, "forkert-kodeord", 20)

    assert sorted(set(answers)) == [
        "For mange forkerte forsøg. Prøv igen om 31 sekunder.",
        "Forkert brugernavn eller adgangskode.",
    ], answers
    assert answers.count("Forkert brugernavn eller adgangskode.") == users.MAX_FAILURES
    assert con.execute("SELECT failures FROM login_attempts").fetchall() == [(5,)]
    with pytest.raises(LoginRefused, match="Prøv igen om"):
        users.authenticate(con, name, "hemmeligt-kodeord", NOW + timedelta(seconds=10))


def test_a_password_typed_into_the_name_field_is_not_kept(con, reference_con):
    for database in (con, reference_con):
        with pytest.raises(LoginRefused):
            users.authenticate(database, "MitHemmeligeKodeord!", "", NOW)

    kept = [
        database.execute("SELECT * FROM login_attempts").fetchall()
        for database in (con, reference_con)
    ]
    assert "MitHemmeligeKodeord" not in repr(kept)
    assert all(re.fullmatch("[0-9a-f]{64}", rows[0][0]) for rows in kept)
    assert kept[0][0][0] != kept[1][0][0]  # each database hashes under its own secret


def test_an_unknown_name_is_checked_against_a_hash_as_costly_as_a_real_one(con, monkeypatch):
    users.add_user(con, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)
    checked = []

    class RecordingHasher(argon2.PasswordHasher):
        def verify(self, stored: str, password: str) -> bool:
            checked.append(argon2.extract_parameters(stored))
            return super().verify(stored, password)

    monkeypatch.setattr(users, "_HASHER", RecordingHasher())
    answers = []
    for name in ("kirsten", "findes-ikke"):
        with pytest.raises(LoginRefused) as refused:
            users.authenticate(con, name, "forkert-kodeord", NOW)
        answers.append(str(refused.value))

    assert answers[0] == answers[1]
    assert len(checked) == 2 and checked[0] == checked[1]


def test_an_editor_undoes_only_uploads_made_by_the_same_name_acting_the_same_way(con):
    (name,) = con.execute(
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    signed_on = Actor("kirsten@kl.dk", "editor", "sso")
    stored = importer.store(con, "deltagere", ROW.format(name=name).encode(), "d.csv", signed_on)
    account = Actor("kirsten@kl.dk", "editor", "account")  # a local account of the same name

    with pytest.raises(NotAllowed, match="kun den, der lavede den"):
        undo(con, stored.upload_id, account)
    assert con.execute(
        "SELECT uploaded_by, uploaded_mode, undone_at FROM uploads WHERE id = ?",
        [stored.upload_id],
    ).fetchall() == [("kirsten@kl.dk", "sso", None)]
    assert undo(con, stored.upload_id, signed_on) == 1
