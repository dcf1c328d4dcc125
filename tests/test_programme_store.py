"""Partnerships as files: seeded ones load exactly, new ones are added, changed and undone."""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

from kl_dash import db, importer, programme_store, upload_log
from kl_dash.cli import main
from kl_dash.errors import InvalidInput, KlDashError
from kl_dash.programmes import load_programme_file, to_toml
from kl_dash.reference import PROGRAMMES_DIR
from kl_dash.undo import undo

from .conftest import PROJECT_ROOT
from .test_db import _dump
from .test_pages import PAGES, app_ran, open_app

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "programmes" / "regional-2024.toml"
SEEDED = sorted(PROGRAMMES_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", SEEDED, ids=[p.stem for p in SEEDED])
def test_seeded_files_load_to_exactly_the_reference_data(reference_con, path):
    assert programme_store.load(reference_con, path.stem) == load_programme_file(path)


@pytest.mark.parametrize("path", SEEDED, ids=[p.stem for p in SEEDED])
def test_export_then_add_on_an_empty_database_gives_the_same_partnership(
    reference_con, tmp_path, path
):
    original = programme_store.load(reference_con, path.stem)
    text = to_toml(original)
    empty = db.connect(tmp_path / "empty.duckdb")
    programme_store.add(empty, text, f"{path.stem}.toml", "test")
    assert programme_store.load(empty, path.stem) == original
    assert to_toml(programme_store.load(empty, path.stem)) == text
    empty.close()


def test_a_new_partnership_of_another_shape_is_added_and_undone(con):
    before = _dump(con)
    upload_id = programme_store.add(con, FIXTURE.read_text(encoding="utf-8"), FIXTURE.name, "t")
    added = programme_store.load(con, "regional-2024")
    assert (len(added.groups), len(added.networks), len(added.meetings), len(added.criteria)) == (
        1,
        3,
        6,
        5,
    )
    log = upload_log.entries(con)
    assert log.loc[log["id"] == upload_id, "kind"].item() == "partnerskab"
    undo(con, upload_id, "t")
    after = _dump(con)
    assert after.pop("uploads") != before.pop("uploads")  # the log keeps the undone upload
    # ... and every row it added: the programmes row, 1 group, 3 networks, 2 focus areas,
    # 6 meetings and 5 criteria
    assert len(after.pop("upload_changes")) == 18 and before.pop("upload_changes") == []
    # add, undo, purge: each write raised the data version
    assert after.pop("data_version") == [(1, before.pop("data_version")[0][1] + 3)]
    assert after == before


def test_adding_twice_or_with_a_used_case_id_is_refused(con):
    text = FIXTURE.read_text(encoding="utf-8")
    programme_store.add(con, text, FIXTURE.name, "t")
    with pytest.raises(KlDashError, match="findes allerede"):
        programme_store.add(con, text, FIXTURE.name, "t")
    other = text.replace('id = "regional-2024"', 'id = "regional-2025"')
    with pytest.raises(KlDashError, match="SAG-2024-99999 bruges allerede"):
        programme_store.add(con, other, "other.toml", "t")


def test_an_update_shows_its_changes_and_can_be_undone(con):
    original = to_toml(programme_store.load(con, "it-2017"))
    changed = original.replace('"Midtvejskonference"', '"Midtvejskonference i Odense"')
    found, refusals = programme_store.changes(con, programme_store.check(changed, "it.toml"))
    assert refusals == []
    assert [c.text for c in found] == [
        "møde ps-2: title 'Midtvejskonference' → 'Midtvejskonference i Odense'"
    ]
    before = _dump(con)
    upload_id = programme_store.update(con, changed, "it.toml", "t")
    assert programme_store.load(con, "it-2017").meetings[1].title == "Midtvejskonference i Odense"
    undo(con, upload_id, "t")
    after = _dump(con)
    after.pop("uploads"), before.pop("uploads")
    ((*_, table, key, image),) = after.pop("upload_changes")  # the one row it changed
    assert (table, key) == ("meetings", '{"programme_id":"it-2017","meeting_id":"ps-2"}')
    assert json.loads(image)["title"] == "Midtvejskonference"
    before.pop("upload_changes")
    assert after.pop("data_version") == [(1, before.pop("data_version")[0][1] + 2)]
    assert after == before


def test_removing_a_meeting_with_attendance_or_a_criterion_with_assessments_is_refused(con):
    original = to_toml(programme_store.load(con, "faellesskaber-2021"))
    without = original.split("[[meetings]]")
    text = "[[meetings]]".join(without[:1] + without[2:])  # drops pm-1
    text = text[: text.index("[[criteria]]")]  # drops all three criteria
    before = _dump(con)
    with pytest.raises(KlDashError) as refused:
        programme_store.update(con, text, "f.toml", "t")
    message = str(refused.value)
    assert "Møde pm-1 kan ikke fjernes" in message and "fremmøderegistreringer" in message
    assert "Succeskriterium 1 kan ikke fjernes" in message and "vurderinger" in message
    assert _dump(con) == before


def test_check_lists_every_problem_with_its_line():
    broken = FIXTURE.read_text(encoding="utf-8").replace(
        'planned = "januar 2025"', 'planned = "jan 2025"'
    )
    broken = broken.replace('kind = "netværk"', 'kind = "klub"')
    with pytest.raises(InvalidInput) as caught:
        programme_store.check(broken, "r.toml")
    messages = [e.message() for e in caught.value.errors]
    assert len(messages) == 2
    line = broken.splitlines().index('planned = "jan 2025"') + 1
    assert any(m.startswith(f'r.toml, linje {line}, nøgle "meetings[3].planned"') for m in messages)


def test_all_pages_run_for_a_partnership_added_without_code(monkeypatch, database):
    con = db.connect(database)
    programme_store.add(con, FIXTURE.read_text(encoding="utf-8"), FIXTURE.name, "t")
    enrollments = (
        "partnerskab;kommune;interesse;politisk_aftale;netvaerk\n"
        "regional-2024;Aalborg;01-03-2024;15-05-2024;Netværk Nordjylland\n"
        "regional-2024;Skive;02-03-2024;;Netværk Midtjylland\n"
    )
    importer.store(con, "tilmeldinger", enrollments.encode(), "t.csv", "t")
    con.close()
    for page in PAGES:
        at = open_app(monkeypatch, database, page, partnerskab="regional-2024")
        assert not at.exception, (page, [e.message for e in at.exception])
        assert app_ran(at)
        assert at.query_params["partnerskab"] == "regional-2024"


def test_programme_commands_check_add_export_on_the_command_line(tmp_path):
    path = tmp_path / "new.duckdb"
    duckdb.connect(str(path)).close()
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", "--db", str(path), "--force", "--no-example"]).exit_code == 0
    )
    checked = runner.invoke(main, ["programme", "check", str(FIXTURE)])
    assert checked.exit_code == 0 and "6 møder, 5 succeskriterier" in checked.output
    added = runner.invoke(main, ["programme", "add", str(FIXTURE), "--db", str(path)])
    assert added.exit_code == 0, added.output
    exported = runner.invoke(main, ["programme", "export", "regional-2024", "--db", str(path)])
    assert exported.exit_code == 0
    assert programme_store.check(exported.output, "x.toml") == load_programme_file(FIXTURE)
    changed = tmp_path / "changed.toml"
    changed.write_text(exported.output.replace('"Afslutning"', '"Afslutningskonference"'))
    refused = runner.invoke(
        main, ["programme", "update", str(changed), "--db", str(path)], input="n\n"
    )
    assert "title 'Afslutning' → 'Afslutningskonference'" in refused.output
    assert refused.exit_code != 0  # answered no: nothing stored
    stored = runner.invoke(main, ["programme", "update", str(changed), "--db", str(path), "--yes"])
    assert stored.exit_code == 0 and "Gemt som upload 2" in stored.output


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("price_dkk = 45000", "price_dkk = 4294967296"),
        ("sources = [", "sources = " + "[" * 2000 + "]" * 2000 + "\nextra = ["),
    ],
)
def test_check_and_add_refuse_huge_numbers_and_deep_nesting_in_danish_storing_nothing(
    db_path, tmp_path, old, new
):
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(FIXTURE.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    con = db.connect(db_path)
    before = _dump(con)
    con.close()
    runner = CliRunner()
    checked = runner.invoke(main, ["programme", "check", str(hostile)])
    added = runner.invoke(main, ["programme", "add", str(hostile), "--db", str(db_path)])
    for result in (checked, added):
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "hostile.toml, linje " in result.output and "forventet" in result.output
    con = db.connect(db_path)
    assert _dump(con) == before
    con.close()
