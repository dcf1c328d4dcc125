"""The status report (PDF, PowerPoint) and the municipality profile, read back as a reader would.

The files are built by the real code on a copy of the example database: charts drawn by kaleido
in Debian's chromium, the PDF read with poppler (pdftotext, pdfinfo), the deck with python-pptx.
Without chromium or poppler these tests are skipped on a workstation and fail in CI.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Emu
from streamlit.runtime.media_file_manager import MediaFileManager

from kl_dash import chart_images, db, filters, report, report_pdf, report_pptx
from kl_dash.cli import main

from .test_pages import metrics, open_app

AS_OF = date(2018, 6, 1)
PROGRAMME = "it-2017"
NAME = "Partnerskab om morgendagens dagtilbud og folkeskole med fokus på it"


def require(tool: str, package: str) -> None:
    """Skip without ``tool`` on a workstation; in CI (CI set) its absence is a failure."""
    if shutil.which(tool):
        return
    message = f"{tool} is not installed (apt-get install -y {package})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def tools() -> None:
    require("chromium", "chromium")
    require("pdftotext", "poppler-utils")


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, "-", "-"], input=pdf, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.decode("utf-8")


def pdf_info(pdf: bytes, *options: str) -> str:
    run = subprocess.run(["pdfinfo", *options, "-"], input=pdf, capture_output=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.decode("utf-8")


def page_count(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", pdf_info(pdf), re.M).group(1))


def enrolled(path: Path, programme: str, as_of: date, region: str | None = None) -> list[str]:
    """The municipalities that had signed up by ``as_of``, from plain SQL."""
    con = duckdb.connect(str(path))  # same configuration as the app's connection
    try:
        rows = con.execute(
            "SELECT m.name FROM enrollments e "
            "JOIN municipalities m ON m.code = e.municipality_code "
            "WHERE e.programme_id = ? AND e.interest_on <= ? AND (? IS NULL OR m.region = ?)",
            [programme, as_of, region, region],
        ).fetchall()
    finally:
        con.close()
    return sorted(name for (name,) in rows)


def view(con, programme: str, **params: str):
    choices = filters.load_choices(con, programme, date.today())
    chosen, notices = filters.parse(params, programme, choices)
    assert not notices
    return chosen, choices


@pytest.fixture(scope="module")
def example(tmp_path_factory, example_db_file) -> Path:
    """A copy of the example database for this module's reports."""
    path = tmp_path_factory.mktemp("report") / "kl_dash.duckdb"
    shutil.copy(example_db_file, path)
    return path


@pytest.fixture(scope="module")
def status_pdf(example) -> bytes:
    require("chromium", "chromium")
    con = db.connect(example)
    try:
        chosen, choices = view(con, PROGRAMME, dato=AS_OF.isoformat())
        return report_pdf.write_status(con, chosen, choices, date.today())
    finally:
        con.close()


@pytest.fixture(scope="module")
def status_deck(example) -> Presentation:
    require("chromium", "chromium")
    con = db.connect(example)
    try:
        chosen, choices = view(con, PROGRAMME, dato=AS_OF.isoformat())
        data = report_pptx.write_status(con, chosen, choices, date.today())
    finally:
        con.close()
    return Presentation(io.BytesIO(data))


def slide_title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def slide_tables(slide) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for shape in slide.shapes
        if shape.has_table
    ]


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


# --- PDF -------------------------------------------------------------------------------------


def test_the_pdf_names_the_partnership_the_danish_status_date_and_every_enrolled_municipality(
    status_pdf, example
):
    text = pdf_text(status_pdf)
    assert "STATUSRAPPORT" in text
    assert NAME in text
    assert "SAG-2016-06580" in text
    assert "1. juni 2018" in text
    assert "Filtre" in text and report.NO_FILTERS in text
    names = enrolled(example, PROGRAMME, AS_OF)
    assert len(names) > 20
    assert [n for n in names if n not in text] == []
    for heading in ("Nøgletal", "Mødeplan og afholdte møder", "De næste møder", "Kommunerne"):
        assert heading in text
    assert "Fremmøde pr. kommune og møde" in text
    assert "Om data" in text


def test_the_pdf_is_tagged_danish_titled_a4_landscape_and_says_side_n_af_m(status_pdf):
    info = pdf_info(status_pdf)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    title = re.search(r"^Title:\s+(.+)$", info, re.M).group(1)
    short = "Morgendagens dagtilbud og folkeskole med fokus på it"
    assert title == f"Statusrapport: {short} pr. 1. juni 2018"
    assert "841.89 x 595.276 pts (A4)" in info  # landscape: wider than high
    meta = pdf_info(status_pdf, "-meta")
    assert re.search(r"<dc:language><rdf:Bag><rdf:li>da(-DK)?</rdf:li>", meta)
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta
    pages = page_count(status_pdf)
    assert pages >= 4
    for page in (1, pages):
        assert f"Side {page} af {pages}" in pdf_text(status_pdf, page)


def test_a_table_that_runs_over_a_page_repeats_its_heading(status_pdf):
    pages = page_count(status_pdf)
    with_heading = [p for p in range(1, pages + 1) if "Møder deltaget" in pdf_text(status_pdf, p)]
    assert len(with_heading) >= 2
    last = pdf_text(status_pdf, with_heading[-1])
    assert "Kommune" in last and "Region" in last and "Netværk" in last


def test_the_pdf_marks_example_data_on_every_page(status_pdf):
    mark = report.EXAMPLE_MARK.upper()
    for page in range(1, page_count(status_pdf) + 1):
        assert mark in pdf_text(status_pdf, page)


def test_the_pdf_holds_no_english_or_missing_values(status_pdf):
    text = pdf_text(status_pdf)
    for word in ("None", "nan", "NaT", "Page ", "Table", "Figure", " of "):
        assert word not in text, word


def test_the_charts_are_vector_graphics_but_the_heatmaps_cells(status_pdf):
    listing = subprocess.run(["pdfimages", "-list", "-"], input=status_pdf, capture_output=True)
    assert listing.returncode == 0, listing.stderr
    pages = {int(line.split()[0]) for line in listing.stdout.decode().splitlines()[2:]}
    heatmaps = {
        p
        for p in range(1, page_count(status_pdf) + 1)
        if re.search(r"Fremmøde pr\. kommune og møde|Succeskriterier pr\.", pdf_text(status_pdf, p))
    }
    assert pages <= heatmaps  # Plotly draws a heatmap's cells as one picture; all else is vector
    assert "jul.\n2018" in pdf_text(status_pdf, 2)  # the timeline's axis is text, not a picture


# --- PowerPoint ------------------------------------------------------------------------------


def test_the_deck_is_16_9_with_titled_slides_and_native_tables(status_deck, example):
    assert status_deck.slide_width / status_deck.slide_height == pytest.approx(16 / 9, abs=0.01)
    titles = [slide_title(s) for s in status_deck.slides]
    assert titles[0] == NAME
    for wanted in ("Nøgletal", "Mødeplan og afholdte møder", "De næste møder", "Om data"):
        assert wanted in titles
    assert any(t.startswith("Fremmøde pr. kommune og møde") for t in titles)
    assert any(t.startswith("Kommunerne") for t in titles)
    rows = [
        row
        for slide in status_deck.slides
        if slide_title(slide).startswith("Kommunerne")
        for table in slide_tables(slide)
        for row in table
    ]
    assert rows[0][:4] == ["Kommune", "Region", "Netværk", "Status"]
    shown = sorted(row[0] for row in rows if row[0] != "Kommune")
    assert shown == enrolled(example, PROGRAMME, AS_OF)
    pictures = [shape for s in status_deck.slides for shape in s.shapes if shape.shape_type == 13]
    assert pictures and all(shape._element.nvPicPr.cNvPr.get("descr") for shape in pictures)


def test_every_slide_stays_on_the_slide_and_says_the_date_filters_and_example_mark(status_deck):
    total = len(status_deck.slides)
    for number, slide in enumerate(status_deck.slides, start=1):
        text = slide_text(slide)
        assert "Status pr. 1. juni 2018" in text
        assert f"Filtre: {report.NO_FILTERS}" in text
        assert report.EXAMPLE_MARK.upper() in text
        assert f"Dias {number} af {total}" in text
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= status_deck.slide_width + Emu(1000), shape.name
            assert shape.top + shape.height <= status_deck.slide_height, shape.name


def test_the_key_figures_in_the_report_are_the_ones_overblik_shows(
    monkeypatch, database, status_deck, status_pdf
):
    at = open_app(monkeypatch, database, partnerskab=PROGRAMME, dato=AS_OF.isoformat())
    shown = metrics(at)
    assert len(shown) == 7
    slide = next(s for s in status_deck.slides if slide_title(s).startswith("Nøgletal"))
    table = slide_tables(slide)[0]
    assert table[0][:2] == ["Nøgletal", "Status"]
    assert {row[0]: row[1] for row in table[1:]} == shown
    first_page = "".join(pdf_text(status_pdf, 1).split())  # pdftotext may drop "0 %"'s space
    for label, value in shown.items():
        assert "".join(label.split()) in first_page and "".join(value.split()) in first_page


# --- filters, profile, command line, app ------------------------------------------------------


def test_the_filters_narrow_what_the_report_contains(tmp_path, example):
    out = tmp_path / "midtjylland.pdf"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--partnerskab",
            PROGRAMME,
            "--dato",
            AS_OF.isoformat(),
            "--region",
            "Midtjylland",
            "--db",
            str(example),
            "--format",
            "pdf",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    text = pdf_text(out.read_bytes())
    assert "Region Midtjylland" in text
    inside = enrolled(example, PROGRAMME, AS_OF, "Midtjylland")
    outside = sorted(set(enrolled(example, PROGRAMME, AS_OF)) - set(inside))
    assert inside and outside
    assert [n for n in inside if n not in text] == []
    assert [n for n in outside if re.search(rf"\b{n}\b", text)] == []


def test_the_command_writes_a_deck_and_refuses_an_unknown_filter_writing_nothing(tmp_path, example):
    deck = tmp_path / "status.pptx"
    ok = CliRunner().invoke(
        main,
        ["report", "--partnerskab", "kvalitet-2017", "--db", str(example)]
        + ["--netvaerk", "syd", "--format", "pptx", "--out", str(deck)],
    )
    assert ok.exit_code == 0, ok.output
    slides = Presentation(str(deck)).slides
    assert "Filtre: Netværk Syd" in slide_text(slides[0])
    bad = tmp_path / "bad.pdf"
    refused = CliRunner().invoke(
        main,
        ["report", "--partnerskab", PROGRAMME, "--db", str(example)]
        + ["--region", "Atlantis", "--format", "pdf", "--out", str(bad)],
    )
    assert refused.exit_code == 1
    assert "Atlantis" in refused.output and "ikke skrevet" in refused.output
    assert not bad.exists()
    wrong_suffix = CliRunner().invoke(
        main,
        ["report", "--partnerskab", PROGRAMME, "--db", str(example)]
        + ["--format", "pdf", "--out", str(tmp_path / "status.pptx")],
    )
    assert wrong_suffix.exit_code != 0 and ".pdf" in wrong_suffix.output


def test_with_a_municipality_the_pdf_is_its_profile_on_one_page(tmp_path, example):
    out = tmp_path / "herning.pdf"
    result = CliRunner().invoke(
        main,
        ["report", "--partnerskab", PROGRAMME, "--kommune", "Herning", "--db", str(example)]
        + ["--format", "pdf", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    for wanted in ("KOMMUNEPROFIL", "Herning", NAME, "Tilmelding", "Fremmøde ved hvert møde"):
        assert wanted in text
    assert "Side 1 af 1" in text
    assert re.search(r"^Tagged:\s+yes$", pdf_info(pdf), re.M)


def test_a_view_with_nothing_in_it_still_gives_a_report_that_says_so(example):
    con = db.connect(example)
    try:
        chosen, choices = view(con, "faellesskaber-2021", dato="2021-06-20")
        pdf = report_pdf.write_status(con, chosen, choices, date.today())
    finally:
        con.close()
    text = pdf_text(pdf)
    assert "Ingen" in text and "20. juni 2021" in text


@pytest.fixture
def deferred(monkeypatch):
    """Streamlit's media file managers, to run a download button's file callable as a click."""
    managers: list[MediaFileManager] = []
    original = MediaFileManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        managers.append(self)

    monkeypatch.setattr(MediaFileManager, "__init__", init)

    def click(file_id: str) -> bytes:
        manager = managers[-1]
        url = manager.execute_deferred(file_id)
        return manager._storage.get_file(url.rsplit("/", 1)[-1].split(".")[0]).content

    return click


def test_overblik_offers_the_report_as_pdf_and_powerpoint_built_on_click(
    monkeypatch, database, deferred
):
    at = open_app(monkeypatch, database, partnerskab=PROGRAMME, dato=AS_OF.isoformat())
    assert not at.exception
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    pdf, deck = buttons["⬇ Statusrapport (PDF)"], buttons["⬇ Statusrapport (PowerPoint)"]
    assert pdf.deferred_file_id and deck.deferred_file_id  # nothing is built before a click
    data = deferred(pdf.deferred_file_id)
    assert data.startswith(b"%PDF")
    assert "1. juni 2018" in pdf_text(data)


def test_a_municipality_profile_offers_its_one_page_pdf(monkeypatch, database, deferred):
    at = open_app(
        monkeypatch, database, "pages/kommuner.py", partnerskab=PROGRAMME, kommune="Herning"
    )
    assert not at.exception
    button = next(b.proto for b in at.get("download_button") if b.proto.label == "⬇ Profil (PDF)")
    data = deferred(button.deferred_file_id)
    assert page_count(data) == 1
    text = "".join(pdf_text(data).split())  # pdftotext may drop the space in "83 %"
    assert "Herning" in text and "Sammenlignetmednetværketogalledeltagere" in text
    shown = metrics(at)  # the comparison's cards on the profile
    assert len(shown) == 4
    for label, value in shown.items():
        assert "".join(label.split()) in text and "".join(value.split()) in text


def test_a_heatmap_split_over_pages_keeps_every_municipality_also_those_who_withdrew():
    # The criteria heatmap marks a withdrawn municipality's row "(udtrådt)"; cut into parts of
    # at most report.HEATMAP_ROWS rows, every municipality is in exactly one part, marked.
    import pandas as pd

    from kl_dash import charts

    names = [f"Kommune {n:02d}" for n in range(1, 31)]
    cells = pd.DataFrame(
        {
            "municipality": names,
            "criterion_no": [1] * len(names),
            "status": ["achieved"] * len(names),
            "enrollment_status": ["withdrawn" if n == "Kommune 05" else "participating"
                                  for n in names],
        }
    )  # fmt: skip
    parts = report._heatmaps(cells, charts.criteria_heatmap, "criteria", "Succeskriterier.")
    assert len(parts) == 2
    rows = [row for part in parts for row in part.figure.data[0].y]
    assert sorted(rows) == sorted([*(n for n in names if n != "Kommune 05"),
                                   "Kommune 05 (udtrådt)"])  # fmt: skip


def test_charts_are_drawn_for_a_caller_whose_thread_already_runs_an_event_loop():
    async def inside_a_loop():  # as under Playwright's sync API or in a notebook
        return chart_images.render({"empty": go.Figure()}, "svg", 300)

    with ThreadPoolExecutor(max_workers=1) as thread:  # a thread of our own with its loop
        images = thread.submit(asyncio.run, inside_a_loop()).result()
    assert images["empty"].startswith(b"<svg")
