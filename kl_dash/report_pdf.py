"""The status report and the municipality profile as PDF: A4 landscape, tagged (PDF/UA-1).

Typst lays the pages out (kl_dash/report_layouts/*.typ). The content goes in as JSON and the
charts as SVG through Typst's ``sys.inputs``, so no text from the database is ever read as
Typst markup, and nothing is written to disk.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from importlib import resources

import duckdb
import typst

from . import chart_images, report
from .errors import KlDashError
from .filters import Choices, Filters
from .report import Chart, Profile, Section, StatusReport

# The document's font, also given to the charts so that their text matches (first found).
FONT = "Liberation Sans, DejaVu Sans"
# Chart width in CSS px: with the figures' 13 px font this gives about 9 pt text on A4.
CHART_WIDTH = 1100
PROFILE_CHART_WIDTH = 700  # the profile's chart fills half the page's width
# Sections that start on a page of their own (the others follow the one before).
NEW_PAGE = {report.MEETINGS, report.MUNICIPALITIES}
TALL = ("attendance", "criteria")  # heatmaps: as large as the rest of the page allows


def _chart(chart: Chart, width: int = CHART_WIDTH) -> dict:
    ratio = (chart.figure.layout.height or 500) / width  # height per width, as drawn
    return {"key": chart.key, "alt": chart.alt, "tall": chart.key.startswith(TALL), "ratio": ratio}


def _section(section: Section, width: int = CHART_WIDTH) -> dict:
    return {
        "title": section.title,
        "notes": list(section.notes),
        "items": list(section.items),
        "charts": [_chart(c, width) for c in section.charts],
        "table": asdict(section.table) if section.table else None,
        "empty": section.empty,
        "new_page": section.title in NEW_PAGE or any(_chart(c)["tall"] for c in section.charts),
    }


def _charts(sections: list[Section], width: int = CHART_WIDTH) -> dict[str, str]:
    """Every chart of the sections as SVG text, drawn in one chromium session."""
    figures = {c.key: chart_images.with_font(c.figure, FONT) for s in sections for c in s.charts}
    images = chart_images.render(figures, "svg", width)
    return {f"chart:{key}": svg.decode("utf-8") for key, svg in images.items()}


def _compile(layout: str, data: dict, charts: dict[str, str]) -> bytes:
    folder = resources.files("kl_dash") / "report_layouts"
    with resources.as_file(folder) as root:
        try:
            return typst.compile(
                root / layout,
                root=root,
                sys_inputs={"data": json.dumps(data, ensure_ascii=False), **charts},
                pdf_standards=["ua-1"],
            )
        except typst.TypstError as exc:  # a fault in the layout, not in the user's data
            raise KlDashError(f"PDF-rapporten kunne ikke dannes: {exc.message}") from exc


def status_pdf(content: StatusReport) -> bytes:
    """The status report as a tagged A4 landscape PDF."""
    data = {
        "title": content.title,
        "header": f"Statusrapport · {content.programme} · status pr. {content.as_of}",
        "example_mark": report.EXAMPLE_MARK,
        "programme": content.programme,
        "caption": content.caption,
        "as_of": content.as_of,
        "status": content.status,
        "filters": content.filters,
        "cards": [asdict(card) | {"change": report.change(card)} for card in content.cards],
        "changes_note": content.changes_note,
        "sections": [_section(s) for s in content.sections],
        "source": asdict(content.source),
    }
    return _compile("status.typ", data, _charts(list(content.sections)))


def profile_pdf(content: Profile) -> bytes:
    """The municipality profile as one tagged A4 landscape page."""
    data = {
        "title": content.title,
        "header": f"Kommuneprofil · {content.programme} · status pr. {content.as_of}",
        "example_mark": report.EXAMPLE_MARK,
        "municipality": content.municipality,
        "caption": content.caption,
        "programme": content.programme,
        "as_of": content.as_of,
        "filters": content.filters,
        "steps": [list(step) for step in content.steps],
        "focus": list(content.focus),
        "scope": content.scope,
        "cards": [asdict(card) | {"change": report.change(card)} for card in content.cards],
        "figures": asdict(content.figures),
        "chart": _section(content.chart, PROFILE_CHART_WIDTH),
        "criteria": _section(content.criteria),
        "participants": _section(content.participants),
        "attendance": _section(content.attendance),
        "source": asdict(content.source),
    }
    return _compile("profile.typ", data, _charts([content.chart], PROFILE_CHART_WIDTH))


def write_status(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> bytes:
    """The status report of the view as PDF."""
    return status_pdf(report.status_report(con, filters, choices, today))


def write_profile(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> bytes:
    """The chosen municipality's one-page profile as PDF."""
    return profile_pdf(report.municipality_profile(con, filters, choices, today))
