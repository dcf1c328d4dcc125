"""Stored text is shown as text on every page: Markdown in a name is never rendered.

A partnership, criterion, focus-area, network, group or municipality name, a meeting title
or a file name may hold Markdown; a reader's page must show it as written, never as an
image (a tracking beacon) or a link (phishing). Every string a page sends to an element
that renders Markdown (bodies, labels, help texts) is checked; tables and charts show
their cells as text anyway.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from kl_dash import db, programme_store
from kl_dash.formatting import literal
from kl_dash.programmes import to_toml

from .conftest import STORES, _on_store
from .test_pages import app_ran, open_app
from .test_programme_store import FIXTURE

HOSTILE = "![x](http://127.0.0.1:9/beacon.png) [klik](http://evil.example)"
RENDERED = re.compile(r"(?<!\\)\[|http://")  # a bracket not escaped is a link; an address too
PROGRAMME = "faellesskaber-2021"
KEYS = ("name", "short_name", "price_text")
MUNICIPALITY = "159"  # enrolled in network "oest", with focus areas chosen


def markdown_strings(at) -> list[str]:
    """Every string of this run that Streamlit renders as Markdown: bodies, labels, help."""
    found = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        if proto.DESCRIPTOR.name in ("Text", "Code"):  # shown as plain text
            continue
        if proto.DESCRIPTOR.name == "Html":  # the app's own page script and style, no Markdown
            assert HOSTILE not in proto.body  # and never stored text
            continue
        for field in ("body", "label", "help"):
            if field in proto.DESCRIPTOR.fields_by_name and isinstance(
                value := getattr(proto, field), str
            ):
                found.append(value)
    return found


def assert_shown_as_text(at, hostile: str = HOSTILE) -> None:
    """The page ran, shows the hostile text escaped, and renders no Markdown from it."""
    assert not at.exception, [e.message for e in at.exception]
    strings = markdown_strings(at)
    rendered = [s for s in strings if RENDERED.search(s)]
    assert not rendered, rendered
    assert any(literal(hostile) in s for s in strings), strings


def with_hostile_names(definition: str, keys: tuple[str, ...] = KEYS) -> str:
    """A partnership file with Markdown in every name, title and text it holds."""
    data = tomllib.loads(definition)
    for key in keys:
        data[key] = f"{HOSTILE} {key}"
    for table, key in [
        ("groups", "name"),
        ("networks", "name"),
        ("focus_areas", "name"),
        ("meetings", "title"),
        ("criteria", "text"),
    ]:
        for item in data[table]:
            item[key] = f"{HOSTILE} {item.get('id', item.get('no'))}"
    return tomli_w.dumps(data)


def store_hostile_names(path) -> None:
    """Markdown in every stored name of one partnership, and a new one with it everywhere.

    Stored the way names are stored: a partnership file, through the store. An update
    cannot change a case id, so the new partnership brings one with Markdown.
    """
    con = db.connect(path)
    definition = to_toml(programme_store.load(con, PROGRAMME))
    programme_store.update(con, with_hostile_names(definition), "hostile.toml", "test")
    added = with_hostile_names(FIXTURE.read_text(encoding="utf-8"), (*KEYS, "case_id"))
    programme_store.add(con, added, "added.toml", "test")
    con.close()


@pytest.fixture(scope="session")
def hostile_db_file(tmp_path_factory, example_db_file) -> Path:
    """The example database file with the hostile names stored, once; copied per test."""
    path = tmp_path_factory.mktemp("hostile") / "kl_dash.duckdb"
    shutil.copy(example_db_file, path)
    store_hostile_names(path)
    return path


@pytest.fixture(scope="session")
def hostile_pg_template(pg_server, pg_template) -> str:
    """The example database on PostgreSQL with the hostile names stored through it, once."""
    pg_server.admin(f"CREATE DATABASE kl_hostile TEMPLATE {pg_template}")
    store_hostile_names(pg_server.url("kl_hostile"))
    return "kl_hostile"


@pytest.fixture(params=STORES)
def hostile_db(request, monkeypatch):
    """The example database with Markdown in the names of two partnerships, on each store."""
    yield from _on_store(request, monkeypatch, "hostile_db_file", "hostile_pg_template")


@given(st.text())
def test_literal_text_loses_nothing_but_line_breaks(text):
    shown = literal(text).replace("\u2060", "")
    assert re.sub(r"\\(.)", r"\1", shown) == " ".join(text.splitlines()).replace("\u2060", "")


@pytest.mark.parametrize(
    ("programme", "params"),
    [(PROGRAMME, {"kommune": MUNICIPALITY, "netvaerk": "oest"}), ("regional-2024", {})],
)
@pytest.mark.parametrize(
    "page",
    [
        "pages/overblik.py",
        "pages/kommuner.py",
        "pages/moeder.py",
        "pages/succeskriterier.py",
        "pages/om.py",
    ],
)
def test_markdown_in_stored_names_is_shown_as_text_on_every_reading_page(
    monkeypatch, hostile_db, page, programme, params
):
    at = open_app(monkeypatch, hostile_db, page, partnerskab=programme, **params)
    assert app_ran(at)
    assert_shown_as_text(at)


def test_the_municipality_profile_names_its_network_and_focus_areas_as_text(
    monkeypatch, hostile_db
):
    at = open_app(
        monkeypatch, hostile_db, "pages/kommuner.py", partnerskab=PROGRAMME, kommune=MUNICIPALITY
    )
    strings = markdown_strings(at)
    assert_shown_as_text(at)
    assert any(literal(f"{HOSTILE} oest") in s for s in strings)  # its network
    assert any(literal(f"{HOSTILE} foraeldresamarbejde") in s for s in strings)  # a focus area


def test_markdown_in_the_criteria_is_shown_as_text_one_criterion_a_line(monkeypatch, hostile_db):
    at = open_app(monkeypatch, hostile_db, "pages/succeskriterier.py", partnerskab=PROGRAMME)
    assert_shown_as_text(at)
    criteria = next(m.value for m in at.markdown if literal(f"{HOSTILE} 1") in m.value)
    assert criteria.count("\n\n") == 2  # three criteria, each its own paragraph


def test_markdown_in_a_url_parameter_is_shown_as_text_in_its_notice(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017", region=HOSTILE)
    assert any("findes ikke" in w.value for w in at.warning)
    assert_shown_as_text(at)


def test_a_partnership_file_with_markdown_is_previewed_as_text(monkeypatch, hostile_db):
    con = db.connect(hostile_db)
    stored = to_toml(programme_store.load(con, PROGRAMME))
    con.close()
    changed = stored.replace(f'"{HOSTILE} name"', f'"{HOSTILE} new name"')
    at = open_app(monkeypatch, hostile_db, "pages/partnerskab.py", partnerskab=PROGRAMME)
    at.file_uploader(key="programme-0").set_value(
        (f"{HOSTILE}.toml", changed.encode(), "application/toml")
    )
    at.run()
    assert_shown_as_text(at)
    strings = markdown_strings(at)
    assert literal(f"{HOSTILE} new name") in at.header[0].value
    assert any(literal(f"{HOSTILE} name") in s and "→" in s for s in strings)  # the change


def test_a_file_name_with_markdown_is_shown_as_text_when_stored_and_in_the_log(
    monkeypatch, hostile_db
):
    from .test_upload_page import button, enrollment_file, upload

    at = open_app(monkeypatch, hostile_db, "pages/opdater.py")
    at.text_input(key="upload-user").input("Anne").run()
    at.selectbox(key="upload-kind").set_value("tilmeldinger").run()
    upload(at, enrollment_file(hostile_db), name=f"{HOSTILE}.csv")
    assert_shown_as_text(at)  # the status line names the file
    button(at, "Gem ændringerne").click().run()
    assert any("Gemt som upload" in s.value for s in at.success)
    assert_shown_as_text(at)
