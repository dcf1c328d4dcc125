"""The status report's content for one view, as plain data: texts, tables and figures.

Everything comes from the functions the pages call: the figures from kl_dash.queries, the
sentences, cards and tables from kl_dash.presenting, the charts from kl_dash.charts. So a
report says what Overblik, Møder og spor, Succeskriterier and Kommuner show for the same
partnership, status date and filters. report_pdf and report_pptx lay it out; this module
decides what is in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import partial

import duckdb
import pandas as pd
import plotly.graph_objects as go

from . import (
    __version__,
    chart_text,
    charts,
    comparison_view,
    labels,
    presenting,
    queries,
    upload_log,
)
from .errors import KlDashError
from .filters import Choices, Filters
from .formatting import format_date, format_number
from .presenting import Card

# Municipalities per heatmap: a longer list is drawn as several heatmaps, one per page or
# slide, so that every name stays readable.
HEATMAP_ROWS = 25

NO_FILTERS = "ingen (alle tilmeldte kommuner)"
MEETINGS = "Mødeplan og afholdte møder"
MUNICIPALITIES = "Kommunerne"
EXAMPLE_MARK = "Eksempeldata – ikke virkelige tal"


@dataclass(frozen=True)
class Chart:
    """One of the app's figures with the text that stands in for it (PDF/UA alt text)."""

    key: str
    alt: str
    figure: go.Figure


@dataclass(frozen=True)
class Table:
    """A table as shown on a page: Danish headings, every cell as text."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Section:
    """A heading with what stands under it; ``empty`` is said when there is nothing to show."""

    title: str
    notes: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    table: Table | None = None
    empty: str | None = None


@dataclass(frozen=True)
class Source:
    """Where the data comes from, and whether it is generated example data."""

    example_data: bool
    lines: tuple[str, ...]
    made: str
    example_notice: str | None = None


@dataclass(frozen=True)
class StatusReport:
    """The status report of one partnership as of a status date, narrowed by the filters."""

    title: str
    programme: str
    caption: str
    as_of: str
    status: str
    filters: str
    cards: tuple[Card, ...]
    changes_note: str
    sections: tuple[Section, ...]
    source: Source


@dataclass(frozen=True)
class Profile:
    """One municipality's take-home page: as the Kommuner page shows its profile, on one page.

    The development group's comparison with its network and all participants (``scope``,
    ``cards``, ``figures``, ``chart``, ``criteria``, ``participants``) and its attendance.
    """

    title: str
    municipality: str
    caption: str
    programme: str
    as_of: str
    filters: str
    steps: tuple[tuple[str, str], ...]
    focus: tuple[str, ...]
    scope: str
    cards: tuple[Card, ...]
    figures: Table
    chart: Section
    criteria: Section
    participants: Section
    attendance: Section
    source: Source


def table(frame: pd.DataFrame) -> Table:
    """A shown DataFrame as text cells: whole numbers the Danish way, missing values empty."""

    def text(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, int | float) and float(value).is_integer():
            return format_number(value)
        return str(value)

    return Table(
        columns=[str(c) for c in frame.columns],
        rows=[[text(v) for v in row] for row in frame.itertuples(index=False)],
    )


def change(card: Card) -> str:
    """A card's change with the arrow Overblik's cards show: '▲ +3', '▼ -1 procentpoint'."""
    if not card.delta:
        return ""
    if card.delta.startswith(("-", "−")):
        return "▼ " + card.delta
    return ("▲ " if card.delta.startswith("+") else "") + card.delta


def filters_in_words(filters: Filters, choices: Choices) -> str:
    """The filters as the pages say them, or that there are none."""
    return presenting.filter_summary(filters, choices) or NO_FILTERS


def source(con: duckdb.DuckDBPyConnection, programme: dict, today: date) -> Source:
    """The plan's source files, the partnership's latest upload, and the example-data mark."""
    example = queries.has_example_data(con)
    lines = [
        "Partnerskabets plan, møder og succeskriterier: KL's beskrivelse af partnerskabet "
        f"(kilde: {programme['sources']})."
    ]
    log = upload_log.entries(con)
    own = log[(log["programme_id"] == programme["id"]) & log["undone_at"].isna()]
    if own.empty:
        lines.append("Der er ikke indlæst opdateringer af partnerskabets data i appen endnu.")
    else:
        last = own.iloc[0]
        lines.append(
            f"Seneste opdatering af data: {format_date(last['uploaded_at'].date())} "
            f"({last['file_name']}, indlæst af {last['uploaded_by']})."
        )
    notice = labels.EXAMPLE_NOTICE if example else None
    made = f"Dannet {format_date(today)} med kl-dash {__version__}."
    return Source(example, tuple(lines + ([notice] if notice else [])), made, notice)


def even_parts(items: list, size: int) -> list[list]:
    """``items`` cut into parts of at most ``size``, as even as can be (25 by 12: 9, 9, 7)."""
    parts = max(1, math.ceil(len(items) / size))
    step = math.ceil(len(items) / parts) if items else 1
    return [items[i : i + step] for i in range(0, len(items), step)] or [[]]


def _heatmaps(cells: pd.DataFrame, build, key: str, alt: str) -> tuple[Chart, ...]:
    """The heatmap ``build`` draws, split by municipality in the chart's own row order."""
    whole = build(cells)
    mark = f" {labels.WITHDRAWN_MARK}"  # the criteria heatmap's rows of those who withdrew
    names = [str(name).removesuffix(mark) for name in whole.data[0].y]
    parts = even_parts(names, HEATMAP_ROWS)
    if len(parts) == 1:
        return (Chart(key, alt, whole),)
    found = []
    for number, part in enumerate(parts, start=1):
        figure = build(cells[cells["municipality"].isin(part)])
        text = f"{alt} Del {number} af {len(parts)}: {part[0]} til {part[-1]}."
        found.append(Chart(f"{key}-{number}", text, figure))
    return tuple(found)


def _meeting_section(con, filters: Filters, choices: Choices, examples) -> Section:
    title = MEETINGS
    plan = queries.meeting_plan(con, filters)
    if plan.empty:
        return Section(title, empty=presenting.empty_sentence(filters, choices, "møder"))
    alt = chart_text.meeting_timeline(plan, filters.as_of)  # the page's alt text
    figure = charts.meeting_timeline(presenting.timeline_order(plan, examples), filters.as_of)
    notes = tuple(filter(None, [presenting.unscheduled_note(plan)]))
    # The numbers on the timeline and over the attendance heatmap's columns, named.
    key = presenting.meeting_plan_table(plan, examples)[["Nr.", "Møde", "Gruppe/spor", "Afholdt"]]
    return Section(title, notes=notes, charts=(Chart("timeline", alt, figure),), table=table(key))


def _next_section(con, filters: Filters, examples) -> Section:
    title = "De næste møder"
    coming = queries.next_meetings(queries.meeting_plan(con, filters))
    if coming.empty:
        return Section(title, empty="Alle planlagte møder er afholdt.")
    return Section(title, table=table(presenting.next_meetings_table(coming, examples)))


def _attendance_section(con, filters: Filters, choices: Choices) -> Section:
    title = "Fremmøde pr. kommune og møde"
    cells = queries.attendance_cells(con, filters)
    if cells.empty or cells["attendees"].isna().all():
        what = "afholdte møder med fremmøde"
        return Section(title, empty=presenting.empty_sentence(filters, choices, what))
    note = (  # as Møder og spor says it
        "Tallet er antal fremmødte; farven er andelen af kommunens tilmeldte. Tom celle: "
        "mødet var ikke for kommunen (et andet netværks møde, eller en gruppe kommunen ikke "
        "har tilmeldt nogen til), eller kommunen deltog ikke i partnerskabet på mødedagen. "
        "Kolonnerne er møderne med deres nr. i mødeplanen."
    )
    alt = chart_text.attendance_heatmap(cells)
    names = presenting.meeting_names(
        queries.meeting_plan(con, filters), queries.example_facts(con, filters)
    )
    found = _heatmaps(cells, partial(charts.attendance_heatmap, names=names), "attendance", alt)
    return Section(title, notes=(note,), charts=found)


def _criteria_section(con, filters: Filters, choices: Choices) -> Section:
    title = f"Succeskriterier pr. {format_date(filters.as_of)}"
    criteria = queries.criteria(con, filters)
    if criteria.empty:
        return Section(
            title,
            empty="Partnerskabet har ingen succeskriterier endnu. De aftales af deltagerne og "
            "kan tilføjes senere.",
        )
    items = tuple(presenting.criteria_texts(criteria))
    definition = queries.programme_definition(con, filters)
    notes = (presenting.criteria_origin(criteria, definition.notes),)
    cells = queries.criteria_cells(con, filters)
    if cells.empty:
        empty = presenting.empty_sentence(filters, choices, "deltagende kommuner")
        return Section(title, notes=notes, items=items, empty=empty)
    alt = chart_text.criteria_heatmap(cells)
    found = _heatmaps(cells, charts.criteria_heatmap, "criteria", alt)
    return Section(title, notes=notes, items=items, charts=found)


def _municipality_section(con, filters: Filters, choices: Choices, examples) -> Section:
    title = MUNICIPALITIES
    rows = queries.municipality_table(con, filters)
    if rows.empty:
        return Section(title, empty=presenting.empty_sentence(filters, choices, "kommuner"))
    shown = presenting.municipality_table(rows, list(choices.groups.values()), examples)
    note = "Én række pr. kommune. Kolonnerne efter succeskriterierne er deltagere pr. gruppe/spor."
    return Section(title, notes=(note,), table=table(shown))


def status_report(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> StatusReport:
    """The status report's content for the view: Overblik's figures and the pages' tables."""
    programme = queries.programme_info(con, filters)
    now, before = queries.key_figures_with_previous(con, filters)
    cards = presenting.key_figure_cards(now, before, programme["requires_agreement"])
    _, status = presenting.status_sentence(programme, filters.as_of)
    examples = queries.example_facts(con, filters)
    as_of = format_date(filters.as_of)
    return StatusReport(
        title=f"Statusrapport: {programme['short_name']} pr. {as_of}",
        programme=programme["name"],
        caption=presenting.programme_caption(
            programme, queries.programme_definition(con, filters).notes
        ),
        as_of=as_of,
        status=status,
        filters=filters_in_words(filters, choices),
        cards=tuple(cards),
        changes_note=presenting.changes_since_note(before.as_of),
        sections=(
            _meeting_section(con, filters, choices, examples),
            _next_section(con, filters, examples),
            _attendance_section(con, filters, choices),
            _criteria_section(con, filters, choices),
            _municipality_section(con, filters, choices, examples),
        ),
        source=source(con, programme, today),
    )


def municipality_profile(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> Profile:
    """The chosen municipality's profile, as the Kommuner page shows it (one page)."""
    programme = queries.programme_info(con, filters)
    profile = queries.municipality_profile(con, filters)
    if profile.table.empty:
        name = choices.municipalities.get(filters.municipality_code, filters.municipality_code)
        raise KlDashError(
            f"{name} er ikke tilmeldt {programme['short_name']} pr. {format_date(filters.as_of)}, "
            "eller filtrene udelukker kommunen."
        )
    row = profile.table.iloc[0].to_dict()
    examples = queries.example_facts(con, filters)
    compared = profile.comparison
    over_time = "Succeskriterier opnået over tid"
    if compared.over_time.empty:
        what = "vurderinger af succeskriterier"
        chart = Section(over_time, empty=presenting.empty_sentence(filters, choices, what))
    else:
        names = comparison_view.names(compared, examples)
        alt = chart_text.comparison_over_time(compared.over_time, names, filters.as_of)
        figure = charts.comparison_over_time(compared.over_time, names, filters.as_of)
        chart = Section(over_time, charts=(Chart("comparison", alt, figure),))
    criteria = comparison_view.criteria_table(compared, examples)
    attendance = profile.attendance
    group_name = choices.groups.get(filters.group_id) if filters.group_id else None
    as_of = format_date(filters.as_of)
    return Profile(
        title=f"Kommuneprofil: {row['name']} i {programme['short_name']} pr. {as_of}",
        municipality=row["name"],
        caption=presenting.profile_caption(row, examples),
        programme=programme["name"],
        as_of=as_of,
        filters=filters_in_words(filters, choices),
        steps=tuple(presenting.enrollment_steps(row, programme["requires_agreement"])),
        focus=tuple(queries.profile_focus_areas(con, filters)),
        scope=comparison_view.scope_sentence(compared, filters, group_name),
        cards=tuple(comparison_view.cards(compared)),
        figures=table(comparison_view.figures_table(compared, examples)),
        chart=chart,
        criteria=(
            Section("Hvert succeskriterium", empty="Partnerskabet har ingen succeskriterier endnu.")
            if criteria.empty
            else Section("Hvert succeskriterium", table=table(criteria))
        ),
        participants=Section(
            "Deltagere pr. gruppe og spor mod det ønskede antal",
            table=table(comparison_view.participants_table(compared, examples)),
        ),
        attendance=(
            Section(
                "Fremmøde ved hvert møde",
                empty=presenting.empty_sentence(filters, choices, "afholdte møder"),
            )
            if attendance.empty
            else Section(
                "Fremmøde ved hvert møde",
                table=table(presenting.profile_attendance_table(attendance, examples)),
            )
        ),
        source=source(con, programme, today),
    )
