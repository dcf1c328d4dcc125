"""The "Opdater data" page on a real example database, driven by AppTest.

Every test taking ``database`` runs on a DuckDB file and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import io

import pandas as pd

from kl_dash import downloads, importer, upload_view

from . import test_pages
from .test_pages import app_ran, metrics, open_app, sql

media_files = test_pages.media_files  # the fixture reading the files offered for download

PAGE = "pages/opdater.py"
USER = "Anne Konsulent"
HEADER = "partnerskab;kommune;interesse;politisk_aftale;udtraadt;netvaerk"


def not_enrolled(path, programme: str = "it-2017") -> list[str]:
    """Three names for municipalities not yet in the partnership, as people write them."""
    wanted = ["Københavns Kommune", "Høje Taastrup"]
    aliases = sql(
        path,
        "SELECT alias FROM municipality_aliases WHERE alias IN (?, ?) AND code NOT IN "
        "(SELECT municipality_code FROM enrollments WHERE programme_id = ?) ORDER BY alias",
        [*wanted, programme],
    )
    assert sorted(a for (a,) in aliases) == sorted(wanted), "example data changed"
    ((third,),) = sql(
        path,
        "SELECT name FROM municipalities WHERE (name LIKE '%æ%' OR name LIKE '%ø%' OR "
        "name LIKE '%å%') AND code NOT IN "
        "(SELECT municipality_code FROM enrollments WHERE programme_id = ?) "
        "AND code NOT IN (SELECT code FROM municipality_aliases WHERE alias IN (?, ?)) "
        "ORDER BY name LIMIT 1",
        [programme, *wanted],
    )
    return [*wanted, third]


def enrollment_file(path, rows: list[str] | None = None) -> bytes:
    """A ;-separated Windows-1252 CSV as Danish Excel saves it, the partnership by case id."""
    ((case_id,),) = sql(path, "SELECT case_id FROM programmes WHERE id = 'it-2017'")
    if rows is None:
        first, second, third = not_enrolled(path)
        rows = [
            f"{case_id};{first};23-08-2017;28.09.2017;;Netværk Øst",
            f"{case_id};{second};1/9/2017;;;",
            f"{case_id};{third};2017-09-15;;;",
        ]
    return "\r\n".join([HEADER, *rows, ""]).encode("cp1252")


def start(monkeypatch, path, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = open_app(monkeypatch, path, PAGE, partnerskab="it-2017")
    at.text_input(key="upload-user").input(USER).run()
    return at


def upload(at, data: bytes, name: str = "tilmeldinger.csv", mime: str = "text/csv"):
    uploader = next(u for u in at.file_uploader if u.key.startswith("upload-file-"))
    return uploader.set_value((name, data, mime)).run()


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def has_button(at, label: str) -> bool:
    return any(b.label == label for b in at.button)


def enrollments(path) -> list[tuple]:
    return sql(path, "SELECT * FROM enrollments ORDER BY programme_id, municipality_code")


def test_page_runs_through_app_py_with_templates_and_an_empty_log(monkeypatch, database):
    at = open_app(monkeypatch, database, PAGE)
    assert not at.exception, [e.message for e in at.exception]
    assert app_ran(at)
    assert at.title[0].value == "Opdater data"
    assert {b.proto.label for b in at.get("download_button")} == {"⬇ CSV", "⬇ Excel"}
    assert any("Der er ikke gemt nogen uploads" in i.value for i in at.info)
    assert at.selectbox(key="upload-kind").options == [k.title for k in importer.KINDS.values()]


def test_windows_1252_file_is_previewed_then_stored_and_shown_everywhere(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017")
    enrolled_before = int(metrics(at)["Kommuner"])
    at.switch_page(PAGE).run()
    at.text_input(key="upload-user").input(USER).run()
    at.selectbox(key="upload-kind").set_value("tilmeldinger").run()
    ((count_before,),) = sql(database, "SELECT count(*) FROM enrollments")

    upload(at, enrollment_file(database))
    assert not at.exception, [e.message for e in at.exception]
    assert "Windows-1252" in at.status[0].label and "3 rækker" in at.status[0].label
    shown = metrics(at)
    assert (shown["Nye rækker"], shown["Ændrede rækker"], shown["Uændrede rækker"]) == (
        "3",
        "0",
        "0",
    )
    preview = at.dataframe[0].value
    assert list(preview["Række"]) == [2, 3, 4]
    assert list(preview["Kommune"])[:2] == ["København", "Høje-Taastrup"]
    assert preview["Politisk aftale"].iloc[0] == "28. sep. 2017"  # short in a table
    assert sql(database, "SELECT count(*) FROM enrollments") == [(count_before,)]
    assert button(at, "Gem ændringerne").disabled is False

    button(at, "Gem ændringerne").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value.startswith("Gemt som upload 1: 3 nye")
    assert not has_button(at, "Gem ændringerne") and "Nye rækker" not in metrics(at)
    stored = sql(
        database,
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE e.programme_id = 'it-2017' AND e.source = 'upload:1' ORDER BY 1",
    )
    assert [n for (n,) in stored] == sorted(["København", "Høje-Taastrup", preview["Kommune"][2]])
    assert sql(database, "SELECT id, uploaded_by, file_name FROM uploads") == [
        (1, USER, "tilmeldinger.csv")
    ]
    log = at.dataframe[0].value
    assert list(log["Upload"]) == [1] and list(log["Af"]) == [USER]

    at.switch_page("pages/overblik.py").run()
    assert not at.exception
    assert int(metrics(at)["Kommuner"]) == enrolled_before + 3
    at.switch_page(PAGE).run()
    assert at.text_input(key="upload-user").value == USER  # the name is kept across pages


def test_the_name_is_needed_before_storing(monkeypatch, database):
    at = open_app(monkeypatch, database, PAGE, partnerskab="it-2017")
    upload(at, enrollment_file(database))
    assert button(at, "Gem ændringerne").disabled
    assert any("Skriv dit navn" in c.value for c in at.caption)
    at.text_input(key="upload-user").input(USER).run()
    assert not button(at, "Gem ændringerne").disabled


def test_every_error_in_a_file_is_listed_at_once_and_nothing_is_stored(
    monkeypatch, database, media_files
):
    before = enrollments(database)
    first, second, third = not_enrolled(database)
    rows = [
        f"it-2017;{first};23-08-2017;;;",
        f"it-2017;{second};31-02-2017;;;",
        "it-2017;Københavnn;01-09-2017;;;",
        f"it-2017;{third};;;;",
    ]
    at = start(monkeypatch, database)
    upload(at, enrollment_file(database, rows), "fejl.csv")
    assert not at.exception
    assert at.error[0].value == "3 fejl – intet er gemt. Ret filen og prøv igen."
    shown = at.table[0].value
    assert list(shown.columns) == ["Fil", "Række", "Kolonne", "Værdi", "Forventet"]
    assert list(shown["Række"]) == ["3", "4", "5"]  # as Excel counts: the header is row 1
    assert not has_button(at, "Gem ændringerne")
    assert enrollments(database) == before and sql(database, "SELECT count(*) FROM uploads") == [
        (0,)
    ]

    buttons = {b.proto.label: b.proto for b in at.get("download_button") if "Fejl" in b.proto.help}
    table = pd.read_csv(io.BytesIO(media_files(buttons["⬇ CSV"])), sep=";", dtype=str)
    assert list(table["Række"]) == ["3", "4", "5"]
    assert list(table["Kolonne"]) == ["interesse", "kommune", "interesse"]
    assert list(table["Værdi"]) == ["31-02-2017", "Københavnn", "(tom)"]
    assert "mente du København?" in table["Forventet"][1]


def test_a_file_with_many_errors_lists_them_all_in_a_scrollable_table(monkeypatch, database):
    rows = [f"it-2017;Ukendt {n};01-09-2017;;;" for n in range(180)]
    at = start(monkeypatch, database)
    upload(at, enrollment_file(database, rows), "mange.csv")
    assert not at.exception
    assert at.error[0].value.startswith("180 fejl")  # every unknown name, none left out
    shown = at.dataframe[0].value
    assert len(shown) == 180 and list(shown["Række"][:3]) == [2, 3, 4]
    assert sql(database, "SELECT count(*) FROM uploads") == [(0,)]


def test_a_file_with_more_errors_than_the_limit_shows_the_first_thousand_and_says_so(
    monkeypatch, database
):
    rows = [f"it-2017;Ukendt {n};01-09-2017;;;" for n in range(1500)]
    at = start(monkeypatch, database)
    upload(at, enrollment_file(database, rows), "mange.csv")
    assert not at.exception
    assert at.error[0].value.startswith("Mere end 1.000 fejl; de første 1.000 vises")
    shown = at.dataframe[0].value
    assert len(shown) == 1000 and list(shown["Række"][-1:]) == [1001]
    assert sql(database, "SELECT count(*) FROM uploads") == [(0,)]


def test_the_same_file_twice_changes_nothing_the_second_time(monkeypatch, database):
    data = enrollment_file(database)
    at = start(monkeypatch, database)
    upload(at, data)
    button(at, "Gem ændringerne").click().run()
    upload(at, data)
    assert not at.exception
    assert any(i.value == "Filen ændrer ingenting – alt er allerede gemt." for i in at.info)
    assert not has_button(at, "Gem ændringerne")
    assert sql(database, "SELECT count(*) FROM uploads") == [(1,)]


def test_cancel_drops_the_file_and_stores_nothing(monkeypatch, database):
    at = start(monkeypatch, database)
    upload(at, enrollment_file(database))
    button(at, "Annullér").click().run()
    assert not at.exception
    assert not has_button(at, "Gem ændringerne") and "Nye rækker" not in metrics(at)
    assert sql(database, "SELECT count(*) FROM uploads") == [(0,)]


def test_undo_from_the_log_restores_the_previous_rows(monkeypatch, database):
    before = enrollments(database)
    ((name, agreed),) = sql(
        database,
        "SELECT m.name, e.agreement_on FROM enrollments e JOIN municipalities m "
        "ON m.code = e.municipality_code WHERE programme_id = 'it-2017' "
        "AND agreement_on IS NOT NULL ORDER BY m.name LIMIT 1",
    )
    changed = f"it-2017;{name};01-06-2017;{agreed:%d-%m-%Y};15-12-2018;"
    first = not_enrolled(database)[0]
    at = start(monkeypatch, database)
    upload(at, enrollment_file(database, [changed, f"it-2017;{first};01-09-2017;;;"]))
    shown = metrics(at)
    assert (shown["Nye rækker"], shown["Ændrede rækker"]) == ("1", "1")
    change = at.dataframe[1].value
    assert change["Udtrådt"][0] == "(tom) → 15. dec. 2018"
    button(at, "Gem ændringerne").click().run()
    assert enrollments(database) != before

    assert at.selectbox(key="undo-upload").value == 1
    button(at, "Fortryd upload").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value == "Upload 1 er fortrudt: 2 rækker er sat tilbage, som de var før."
    assert enrollments(database) == before
    assert sql(database, "SELECT undone_by FROM uploads") == [(USER,)]
    assert not has_button(at, "Fortryd upload")
    assert at.dataframe[0].value["Fortrudt"][0].endswith(f"af {USER}")


def test_undo_is_refused_while_a_later_upload_changed_the_same_rows(monkeypatch, database):
    first = not_enrolled(database)[0]
    at = start(monkeypatch, database)
    upload(at, enrollment_file(database, [f"it-2017;{first};01-09-2017;;;"]))
    button(at, "Gem ændringerne").click().run()
    upload(at, enrollment_file(database, [f"it-2017;{first};01-09-2017;01-10-2017;;"]))
    button(at, "Gem ændringerne").click().run()
    after_both = enrollments(database)
    at.selectbox(key="undo-upload").set_value(1).run()
    button(at, "Fortryd upload").click().run()
    assert not at.exception
    assert "Upload 2 har siden ændret de samme rækker" in at.error[0].value
    assert enrollments(database) == after_both


def test_an_excel_file_is_read_from_the_sheet_named(monkeypatch, database):
    frame = importer.template("tilmeldinger").assign(partnerskab="it-2017")
    (enrolled,) = sql(
        database,
        "SELECT count(*) FROM enrollments WHERE programme_id = 'it-2017' AND municipality_code "
        "= (SELECT code FROM municipalities WHERE name = ?)",
        [frame["kommune"][0]],
    )[0]
    assert enrolled == 0
    at = start(monkeypatch, database)
    xlsx = downloads.to_xlsx(frame, sheet_name="Tilmeldinger")
    upload(at, xlsx, "tilmeldinger.xlsx", "application/vnd.ms-excel")
    assert "Excel" in at.status[0].label and metrics(at)["Nye rækker"] == "1"
    at.text_input(key="upload-sheet").input("Ark2").run()
    assert "et af arkene Tilmeldinger" in at.table[0].value["Forventet"][0]
    assert not has_button(at, "Gem ændringerne")


def test_a_file_over_the_configured_limit_is_refused(monkeypatch, database):
    at = start(monkeypatch, database, KL_DASH_MAX_UPLOAD_MB="1")
    assert "Højst 1 MB" in at.file_uploader[0].help
    upload(at, enrollment_file(database) + b"\r\n" * (1024 * 1024))
    assert not at.exception
    assert at.error[0].value.startswith("1 fejl")
    assert at.table[0].value["Forventet"][0] == "en fil på højst 1 MB"


def test_problem_values_are_shown_as_written_not_as_markdown():
    table = pd.DataFrame({"Værdi": ["*fed* $1 :smile:"], "Række": pd.array([None], dtype="Int64")})
    assert upload_view.markdown_cells(table).values.tolist() == [[r"\*fed\* \$1 \:smile\:", ""]]


def test_a_template_uploaded_unchanged_is_refused_not_stored(monkeypatch, database):
    before = enrollments(database)
    at = start(monkeypatch, database)
    upload(at, downloads.to_csv(importer.template("tilmeldinger")), "skabelon.csv")
    assert not at.exception
    assert any("intet er gemt" in e.value for e in at.error)
    assert enrollments(database) == before


def test_the_preview_names_networks_as_the_pages_do_not_by_id(monkeypatch, database):
    at = start(monkeypatch, database)
    at.selectbox(key="upload-kind").set_value("tilmeldinger").run()
    first, second, _ = not_enrolled(database)
    ((case_id,),) = sql(database, "SELECT case_id FROM programmes WHERE id = 'it-2017'")
    rows = [f"{case_id};{first};23-08-2017;;;oest", f"{case_id};{second};1/9/2017;;;"]
    upload(at, enrollment_file(database, rows))
    assert not at.exception, [e.message for e in at.exception]
    ((name,),) = sql(database, "SELECT name FROM networks WHERE programme_id = 'it-2017' "
                     "AND network_id = 'oest'")  # fmt: skip
    assert list(at.dataframe[0].value["Netværk"]) == [f"{name} (eksempel)", ""]
