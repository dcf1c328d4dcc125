"""The upload log: one record of every write, one refusal and one restore for every kind."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from kl_dash import importer, programme_store, upload_log, upload_view
from kl_dash.errors import KlDashError
from kl_dash.programmes import to_toml
from kl_dash.undo import undo

from .test_importer import csv_file, snapshot

TITLE = "SELECT title FROM meetings WHERE programme_id = 'it-2017' AND meeting_id = 'ps-1'"


def retitle_by_file(con, title: str) -> int:
    """A `moeder` upload that changes it-2017's meeting ps-1's title."""
    data = csv_file("partnerskab;moede_id;titel;type", f"it-2017;ps-1;{title};konference")
    return importer.store(con, "moeder", data, "moeder.csv", "konsulent").upload_id


def retitle_by_definition(con, title: str) -> int:
    """`kl-dash programme update` of it-2017 with meeting ps-1's title changed."""
    text = to_toml(programme_store.load(con, "it-2017"))
    old = con.execute(TITLE).fetchall()[0][0]
    changed = text.replace(f'title = "{old}"', f'title = "{title}"', 1)
    return programme_store.update(con, changed, "it-2017.toml", "konsulent")


@pytest.mark.parametrize(
    "first, second",
    [(retitle_by_file, retitle_by_definition), (retitle_by_definition, retitle_by_file)],
    ids=["file then definition", "definition then file"],
)
def test_undo_is_refused_while_a_later_upload_of_another_kind_changed_the_same_row(
    con, first, second
):
    start = snapshot(con, log=False)
    upload_1 = first(con, "Opstart")
    upload_2 = second(con, "Kickoff")
    changed = snapshot(con)

    with pytest.raises(KlDashError) as refused:
        undo(con, upload_1, "leder")

    assert f"Upload {upload_2} har siden ændret de samme rækker" in str(refused.value)
    assert snapshot(con) == changed  # upload 2's title is kept, and the log unchanged
    assert con.execute(TITLE).fetchall() == [("Kickoff",)]
    undo(con, upload_2, "leder")
    assert con.execute(TITLE).fetchall() == [("Opstart",)]
    undo(con, upload_1, "leder")
    assert snapshot(con, log=False) == start


NEW_MEETING = """[[meetings]]
id = "ps-9"
title = "Ekstra konference"
type = "konference"
planned = "medio 2020"
source = "test"

"""


def with_new_meeting(text: str) -> str:
    """A definition with one more meeting, ps-9, at the end of the plan."""
    return text.replace("[[criteria]]", NEW_MEETING + "[[criteria]]", 1)


def test_undo_of_an_update_puts_back_changed_and_added_rows_exactly(con):
    text = to_toml(programme_store.load(con, "it-2017"))
    start = snapshot(con, log=False)
    changed = re.sub(r'(?m)^short_name = ".*"$', 'short_name = "Digitalt"', with_new_meeting(text))
    upload_id = programme_store.update(con, changed, "it.toml", "konsulent")
    entry = upload_log.entries(con).iloc[0]
    assert (entry.rows_new, entry.rows_changed) == (1, 1)  # the new meeting; the header
    assert programme_store.load(con, "it-2017").short_name == "Digitalt"

    assert undo(con, upload_id, "konsulent") == 2

    assert snapshot(con, log=False) == start


def test_a_part_an_update_removed_comes_back_on_undo(con):
    text = to_toml(programme_store.load(con, "it-2017"))
    adding = programme_store.update(con, with_new_meeting(text), "it.toml", "konsulent")
    added = snapshot(con, log=False)
    removing = programme_store.update(con, text, "it.toml", "konsulent")
    assert "ps-9" not in [m.id for m in programme_store.load(con, "it-2017").meetings]
    ((image,),) = con.execute(
        "SELECT before FROM upload_changes WHERE upload_id = ?", [removing]
    ).fetchall()
    assert json.loads(image)["meeting_id"] == "ps-9"  # the whole row, to insert again

    undo(con, removing, "konsulent")

    assert snapshot(con, log=False) == added
    with pytest.raises(KlDashError, match=f"Upload {removing} er allerede fortrudt"):
        undo(con, removing, "konsulent")
    undo(con, adding, "konsulent")
    assert "ps-9" not in [m.id for m in programme_store.load(con, "it-2017").meetings]


def test_the_log_holds_clean_values_for_undone_and_open_uploads(con):
    header = "partnerskab;kriterie;kommune;dato;status;note"
    first = importer.store(
        con, "kriteriestatus", csv_file(header, "it-2017;1;Frederiksberg;15-11-2017;opnået;"),
        "a.csv", "konsulent",
    ).upload_id  # fmt: skip
    importer.store(
        con, "kriteriestatus", csv_file(header, "it-2017;2;Frederiksberg;15-11-2017;opnået;"),
        "b.csv", "konsulent",
    )  # fmt: skip
    undo(con, first, "leder")

    log = upload_log.entries(con)

    assert log["id"].tolist() == [first + 1, first]
    assert log["undone_at"].iloc[0] is None and log["undone_by"].iloc[0] is None
    assert log["programme_id"].tolist() == ["it-2017", "it-2017"]
    assert isinstance(log["undone_at"].iloc[1], datetime) and log["undone_by"].iloc[1] == "leder"
    assert isinstance(log["uploaded_at"].iloc[0], datetime)
    shown = upload_view.log_table(log, {"it-2017": "IT"})["Fortrudt"].tolist()
    assert shown[0] == "" and shown[1].endswith(" af leder") and "nan" not in shown[1]


def test_a_partnership_upload_of_an_older_version_is_refused_and_nothing_changes(con):
    # Before row-by-row logging a partnership upload kept its old definition as text only.
    con.execute(
        "INSERT INTO uploads (uploaded_at, uploaded_by, file_name, sha256, kind, programme_id, "
        "rows_new, rows_changed, rows_unchanged, undo_data) VALUES (now(), 'kl', 'it.toml', "
        "repeat('a', 64), 'partnerskab', 'it-2017', 1, 0, 0, ?)",
        [json.dumps({"programme": "it-2017", "before": "id = 'it-2017'"})],
    )
    before = snapshot(con)

    with pytest.raises(KlDashError, match="ældre udgave af kl_dash"):
        undo(con, 1, "kl")

    assert snapshot(con) == before


def test_an_upload_logged_by_an_older_version_with_partial_rows_is_undone_exactly(con):
    start = snapshot(con, log=False)
    upload_id = retitle_by_file(con, "Opstart")
    # Older versions kept only the columns an upload could change, not the whole row.
    con.execute(
        "UPDATE upload_changes SET before = json_object('title', before->>'title', "
        "'source', before->>'source', 'held_source', before->>'held_source', "
        "'sort_order', CAST(before->>'sort_order' AS INTEGER)) WHERE upload_id = ?",
        [upload_id],
    )

    undo(con, upload_id, "konsulent")

    assert snapshot(con, log=False) == start
