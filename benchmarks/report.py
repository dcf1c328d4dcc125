"""How long the status report of the example partnership takes, as PDF and as PowerPoint.

Run from the repository: python benchmarks/report.py [--partnerskab ID] [--repeats N]

A fresh example database (bootstrap.init_database) in a temporary folder; the partnership at
its default status date. Each figure is the best of N runs (time.perf_counter), printed in
seconds and as a ratio to a floor measured in the same run, so that runs on a busy machine
still compare:

- floors: Typst compiling one empty A4 page; python-pptx writing a deck of one empty slide;
  kaleido starting chromium and drawing one empty figure (what every report with charts pays);
- the parts: the report's content (queries, presenting, chart builders), the charts drawn as
  SVG in one chromium session, Typst laying out the pages;
- the files: the PDF, the PowerPoint deck, and one municipality's one-page profile (one chart).

It checks that each file was made (a PDF, a deck with slides), never how fast.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import typst
from pptx import Presentation

from kl_dash import bootstrap, chart_images, db, filters, report, report_pdf, report_pptx


def best(repeats: int, work: Callable[[], object]) -> tuple[float, object]:
    """The shortest of ``repeats`` runs of ``work``, and what the last run returned."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def empty_page() -> bytes:
    return typst.compile(
        b'#set page(paper: "a4", flipped: true)\n#set document(title: "x")\n'
        b'#set text(lang: "da")\nSide',
        pdf_standards=["ua-1"],
    )


def empty_deck() -> bytes:
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def empty_chart() -> dict[str, bytes]:
    return chart_images.render({"empty": go.Figure()}, "svg", 600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerskab", default="it-2017")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repeats = args.repeats
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kl_dash.duckdb"
        bootstrap.init_database(path)
        con = db.connect(path)
        try:
            today = date.today()
            choices = filters.load_choices(con, args.partnerskab, today)
            view, _ = filters.parse({}, args.partnerskab, choices)
            first = next(iter(choices.municipalities))
            one, _ = filters.parse({filters.MUNICIPALITY: first}, args.partnerskab, choices)

            typst_floor, _ = best(repeats, empty_page)
            pptx_floor, _ = best(repeats, empty_deck)
            chart_floor, _ = best(repeats, empty_chart)

            content_time, content = best(
                repeats, lambda: report.status_report(con, view, choices, today)
            )
            figures = {c.key: c.figure for s in content.sections for c in s.charts}
            charts_time, _ = best(
                repeats, lambda: chart_images.render(figures, "svg", report_pdf.CHART_WIDTH)
            )
            pdf_time, pdf = best(
                repeats, lambda: report_pdf.write_status(con, view, choices, today)
            )
            pptx_time, deck = best(
                repeats, lambda: report_pptx.write_status(con, view, choices, today)
            )
            profile_time, profile = best(
                repeats, lambda: report_pdf.write_profile(con, one, choices, today)
            )
        finally:
            con.close()

    assert pdf.startswith(b"%PDF") and len(pdf) > len(empty_page()) * 5
    assert profile.startswith(b"%PDF")
    slides = len(Presentation(io.BytesIO(deck)).slides)
    assert slides > 5

    print(f"Status report of {args.partnerskab} pr. {view.as_of}, best of {repeats} runs")
    print(f"({len(figures)} charts, PDF {len(pdf) // 1024} KB, deck of {slides} slides)\n")
    rows = [
        ("floor: Typst, one empty A4 page", typst_floor, None),
        ("floor: python-pptx, one empty slide", pptx_floor, None),
        ("floor: kaleido, chromium + one empty chart", chart_floor, None),
        ("content (queries, presenting, charts built)", content_time, None),
        (f"charts drawn as SVG ({len(figures)})", charts_time, ("kaleido", chart_floor)),
        ("status report as PDF", pdf_time, ("kaleido + Typst", chart_floor + typst_floor)),
        ("status report as PowerPoint", pptx_time, ("kaleido + pptx", chart_floor + pptx_floor)),
        (
            "municipality profile as PDF",
            profile_time,
            ("kaleido + Typst", chart_floor + typst_floor),
        ),
    ]
    for name, seconds, floor in rows:
        ratio = f"{seconds / floor[1]:7.1f} x the {floor[0]} floor" if floor else ""
        print(f"{name:<46} {seconds:7.2f} s {ratio}")


if __name__ == "__main__":
    main()
