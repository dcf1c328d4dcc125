"""Plotly figures for the steering pages: DataFrame in, Figure out, every visible text Danish.

Builders assume at least one row; pages show a sentence instead of an empty chart. Statuses
are styled by ``palette`` so that a status looks the same in every chart.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from babel.dates import format_date as _babel_format_date

from . import labels, palette, plain_figure, reference
from .formatting import LOCALE, danish_sort_key, format_date, format_number, format_share
from .plain_figure import FinishedFigure, PlainFigure, trace

TEMPLATE = "plotly_white"
# The template as plain dicts, made once (Plotly builds and validates it when first asked for)
# and shared by every figure: a figure's dicts go to the browser as they are.
_TEMPLATE = plain_figure.shared(pio.templates[TEMPLATE].to_plotly_json())
FONT_SIZE = 13
MAX_DATE_TICKS = 6  # month names stay apart on a 1024 px laptop's half page
ROW_HEIGHT = 22  # px per municipality in the heatmaps
# A timeline's plot area on a 390 px phone (the group names stand above the rows, so the plot
# has the chart's whole width); wider screens have more room between the labels.
_TIMELINE_WIDTH_PX = 330
_NUMBER_WIDTH_PX = 7  # one character of a meeting number label at 12 px
_TIMELINE_ROW_PX = 98  # a group's band: its name, numbers above, the marks, numbers below
# Legend entries, short so that two stand side by side on a phone (the legend takes 3 lines
# there, not 5). The dashed line's date is the page's and the report's status date.
NUMBERS_NOTE = "Tal: mødets nr."
AS_OF_ENTRY = "Statusdato"

FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'  # Streamlit's own

_PERIOD_COLOUR = "rgba(86, 180, 233, 0.45)"  # light sky blue, with a BLUE outline (5:1)
_BAND_COLOUR = "#E6E6E6"  # a light fill with a GREY outline
_AS_OF_COLOUR = "#444444"
# CSS text-shadow: white round a label's letters, closing the gaps between them too.
_HALO = ", ".join(
    f"{x}px {y}px 0 #ffffff"
    for x, y in (
        (3, 0),
        (-3, 0),
        (2, 0),
        (-2, 0),
        (0, 2),
        (0, -2),
        (1, 1),
        (-1, -1),
        (1, -1),
        (-1, 1),
    )
)
_LAND_COLOUR = "#F7F7F7"  # every mark keeps 3:1 on it
_COAST_COLOUR = "#8A8A8A"  # 3.5:1 on white and on land
# Light to medium blue: one hue, readable with every common kind of colour blindness, light
# enough for black numbers in every cell (at least 6:1).
_ATTENDANCE_SCALE = [[0.0, "#eff3ff"], [0.5, "#9ecae1"], [1.0, "#4292c6"]]


@dataclass(frozen=True)
class MeetingName:
    """A held meeting by its number in the meeting plan (a column head) and in full."""

    number: int  # its Nr. in the meeting plan's table and on the timeline
    full: str  # 'Nr. 7 · 22. maj 2018 (eksempel) · Gensidige kommunebesøg i netværk · Netværk Syd'


# --- shared helpers ---------------------------------------------------------------------


def _day(value) -> date | None:
    """A date from a date, Timestamp or string; None for None/NaT/NaN."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _text(value) -> str | None:
    """A non-empty string, or None for None/NaN/''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None


def _wrap(text: str, width: int = 24) -> str:
    """A long axis label broken over lines."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def _frame(fig: PlainFigure, height: int, **layout) -> FinishedFigure:
    """The layout every chart shares: white template, readable font, legend on top."""
    fig.layout["template"] = _TEMPLATE  # as it is: shared, never merged into or changed
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE, "color": palette.TEXT, "family": FONT_FAMILY},
        paper_bgcolor=palette.BACKGROUND,
        plot_bgcolor=palette.BACKGROUND,
        separators=",.",
        hoverlabel={
            "font": {"size": FONT_SIZE, "color": palette.TEXT},
            "bgcolor": palette.BACKGROUND,
            "bordercolor": palette.OUTLINE,
        },
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "title_text": "",
        },
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    fig.update_layout(**layout)
    return fig.figure()


def danish_date_ticks(start: date, end: date) -> tuple[list[date], list[str]]:
    """Month-start ticks from start to end (at most 6), the month above its year: 'jan.<br>2018'.

    On two lines a tick is narrow enough that six stand apart on a phone's or a laptop's
    half-page chart, so Plotly never turns them (nor draws the chart twice to make room).
    """
    first = start.year * 12 + start.month - 1 + (start.day > 1)
    last = end.year * 12 + end.month - 1
    if last < first:
        return [start], [format_date(start)]
    for step in (1, 2, 3, 4, 6, 12, 24, 36, 60, 120):
        aligned = first + (-first) % step
        months = list(range(aligned, last + 1, step))
        if len(months) <= MAX_DATE_TICKS:
            break
    ticks = [date(m // 12, m % 12 + 1, 1) for m in months] or [date(first // 12, first % 12 + 1, 1)]
    return ticks, [_babel_format_date(d, "MMM'<br>'y", locale=LOCALE) for d in ticks]


def _date_range(days: list[date]) -> tuple[date, date]:
    """The shown range around some dates, with a little room on each side."""
    low, high = min(days), max(days)
    pad = max(timedelta(days=15), (high - low) * 0.04)
    return low - pad, high + pad


def _date_axis(fig: PlainFigure, start: date, end: date) -> None:
    """Fix the x axis to start..end with Danish month ticks."""
    values, texts = danish_date_ticks(start, end)
    fig.update_xaxes(
        type="date",
        range=[start.isoformat(), end.isoformat()],
        tickvals=[d.isoformat() for d in values],
        ticktext=texts,
        title_text="",
    )


# The room a chart's axis labels take, as Plotly's automargin measures them in chromium with
# Streamlit's font at every width from a phone to a desktop: two-line month ticks take 71 px
# below the plot and up to 18 px past its right edge (36 px past its left); y tick labels
# (names, numbers, with or without an axis title) take 37 px and their own width, 5.4-6.6 px
# per character of the longest line. A chart starts with a little more than that. Automargin
# stays on and still widens a margin whose labels need more, but a chart that has the room is
# drawn once instead of drawn, measured, widened and drawn again: half its drawing time on
# every filter change (issue 12).
_DATE_AXIS_MARGIN = {"r": 20, "t": 40, "b": 73}
_LABEL_PAD_PX = 40
_LABEL_CHAR_PX = 6.8


def _label_margin(labels: Iterable[str]) -> int:
    """The left margin y tick ``labels`` need (lines broken by <br>), a little over."""
    longest = max((len(line) for label in labels for line in label.split("<br>")), default=0)
    return round(_LABEL_PAD_PX + _LABEL_CHAR_PX * longest)


def _date_chart_margin(y_ticks: list[str] | None = None) -> dict[str, int]:
    """The margins a chart with a month axis below and ``y_ticks`` at its left needs."""
    if not y_ticks:  # the first month tick's overhang
        return {"l": 38, **_DATE_AXIS_MARGIN}
    return {"l": _label_margin(y_ticks), **_DATE_AXIS_MARGIN}


def _as_of_rule(fig: PlainFigure, as_of: date) -> None:
    """A dashed vertical line at as_of, the plot area's height."""
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=as_of.isoformat(),
        x1=as_of.isoformat(),
        y0=0,
        y1=1,
        line={"color": _AS_OF_COLOUR, "width": 1.5, "dash": "dash"},
        layer="below",  # under the marks and labels: a label on the status date stays whole
    )


def _as_of_line(fig: PlainFigure, as_of: date, start: date, end: date) -> None:
    """A dashed vertical line at as_of labelled 'Status pr. 1. juni 2019'."""
    _as_of_rule(fig, as_of)
    right_half = as_of > start + (end - start) / 2
    fig.add_annotation(
        xref="x",
        yref="paper",
        x=as_of.isoformat(),
        y=1,
        text=f"Status pr. {format_date(as_of)}",
        showarrow=False,
        xanchor="right" if right_half else "left",
        xshift=-4 if right_half else 4,
        yanchor="top",
        bgcolor="rgba(255, 255, 255, 0.85)",
        font={"size": 12, "color": _AS_OF_COLOUR},
    )


def _legend_entry(fig: PlainFigure, name: str, line: dict | None = None) -> None:
    """A legend entry with nothing drawn in the plot: a line's style, else no symbol."""
    style = {"line": line} if line else {"marker": {"color": "rgba(0, 0, 0, 0)"}}
    fig.add_trace(
        trace(
            "scatter",
            name=name,
            x=[None],
            y=[None],
            mode="lines" if line else "markers",
            **style,
            hoverinfo="skip",
            legendrank=5,
        )
    )


def _integer_step(top: float) -> int:
    """A tick step giving about six whole-number ticks from 0 to top."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return 10 ** math.ceil(math.log10(top / 6))


# --- meeting plan -----------------------------------------------------------------------


class PlanRow(NamedTuple):
    """A meeting of the plan, as the timeline and its text read it."""

    title: str
    group_name: Any
    meeting_type: str
    form: Any
    planned_text: Any
    planned_from: Any
    planned_to: Any
    held_on: Any


def plan_rows(plan: pd.DataFrame) -> list[PlanRow]:
    """The plan's meetings as plain rows: each column read once as a list (itertuples goes
    through pandas' indexing column by column and walks Arrow-backed text value by value)."""
    columns = (plan[c].tolist() for c in PlanRow._fields)
    return [PlanRow(*values) for values in zip(*columns, strict=True)]


def meeting_timeline(plan: pd.DataFrame, as_of: date) -> go.Figure:
    """The meeting plan per group: planned periods as bars, meetings held or not as markers.

    A meeting without a group (for every group and track) is drawn on the row "Alle". A held
    date that is example data (column held_example) is marked so in the hover and legend.
    Each marker carries the meeting's number in the plan (column number, else its place in
    ``plan``), as the meeting plan's table numbers it, so that no name needs a hover.
    """
    names = [_text(name) or labels.ALL_GROUPS for name in plan["group_name"].tolist()]
    groups = list(dict.fromkeys(names))
    numbers = plan["number"].tolist() if "number" in plan else range(1, len(plan) + 1)
    examples = plan["held_example"].tolist() if "held_example" in plan else [False] * len(plan)
    meetings = []
    for group, row, number, example in zip(names, plan_rows(plan), numbers, examples, strict=True):
        start, end, held = _day(row.planned_from), _day(row.planned_to), _day(row.held_on)
        mark = f" {labels.EXAMPLE_MARK}" if example else ""
        start, end = start or end, end or start
        if held is not None and held > as_of:
            held = None
        if start is None and held is None:
            continue
        planned = _text(row.planned_text) or (
            format_date(start) if start is not None else "ikke fastlagt"
        )
        kind = (labels.MEETING_TYPES.get(row.meeting_type) or row.meeting_type).capitalize()
        form = labels.MEETING_FORMS.get(_text(row.form) or "")
        hover = "<br>".join(
            [
                f"<b>{number}. {row.title}</b>",
                group,
                f"{kind}, {form}" if form else kind,
                f"Planlagt: {planned}",
                f"Afholdt: {format_date(held)}{mark}"
                if held is not None
                else palette.MEETING["not_held"].label,
            ]
        )
        meetings.append((group, start, end, held, hover, mark, int(number)))

    days = [as_of] + [d for m in meetings for d in m[1:4] if d is not None]
    low, high = _date_range(days)
    shortest = (high - low) / 150  # a one-day plan still shows as a thin bar

    fig = PlainFigure()
    planned = [m for m in meetings if m[1] is not None]
    if planned:
        bases, lengths = [], []
        for _, start, end, *_ in planned:
            length = max(end - start + timedelta(days=1), shortest)
            middle = start + (end - start) / 2
            bases.append((middle - length / 2 + timedelta(hours=12)).isoformat())
            lengths.append(length.total_seconds() * 1000)
        fig.add_trace(
            trace(
                "bar",
                name="Planlagt periode",
                orientation="h",
                base=bases,
                x=lengths,
                y=[m[0] for m in planned],
                width=0.2,  # clear of the number labels above and below the marks
                marker={
                    "color": _PERIOD_COLOUR,
                    "line": {"width": 1.5, "color": palette.BLUE},
                },
                customdata=[m[4] for m in planned],
                hovertemplate="%{customdata}<extra></extra>",
                legendrank=3,
            )
        )
    for status, rank in (("held", 1), ("not_held", 2)):
        style = palette.MEETING[status]
        if status == "held":
            points = [(m[3], m) for m in meetings if m[3] is not None]
        else:
            points = [(m[1] + (m[2] - m[1]) / 2, m) for m in meetings if m[3] is None]
        if not points:
            continue
        marked = status == "held" and any(m[5] for _, m in points)
        fig.add_trace(
            trace(
                "scatter",
                name=style.label + (f" {labels.EXAMPLE_MARK}" if marked else ""),
                mode="markers",
                x=[d.isoformat() for d, _ in points],
                y=[m[0] for _, m in points],
                marker={
                    "color": style.colour,
                    "symbol": style.symbol,
                    "size": 12,
                    "line": {"width": 2, "color": style.colour},
                },
                customdata=[m[4] for _, m in points],
                hovertemplate="%{customdata}<extra></extra>",
                legendrank=rank,
            )
        )
    low, high = _meeting_numbers(fig, meetings, low, high)
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=groups,
        range=[len(groups) - 0.5, -0.5],
        showticklabels=False,  # the names stand above the rows: the plot has the whole width
        title_text="",
    )
    for i, group in enumerate(groups):
        fig.add_annotation(
            text=_wrap(group, 44),
            xref="paper",
            x=0,
            xanchor="left",
            y=i - 0.5,
            yanchor="top",
            yshift=-2,
            align="left",
            showarrow=False,
            font={"size": FONT_SIZE, "color": palette.TEXT},
        )
    _date_axis(fig, low, high)
    _as_of_rule(fig, as_of)
    _legend_entry(
        fig,
        AS_OF_ENTRY,
        {"color": _AS_OF_COLOUR, "width": 1.5, "dash": "dash"},
    )
    _legend_entry(fig, NUMBERS_NOTE)
    lines = max(_wrap(g, 44).count("<br>") for g in groups)
    band = _TIMELINE_ROW_PX + 16 * lines
    return _frame(
        fig,
        height=160 + band * len(groups),  # legend and date ticks: 1-3 lines each
        margin=_date_chart_margin(),
    )


def _meeting_numbers(
    fig: PlainFigure, meetings: list[tuple], low: date, high: date
) -> tuple[date, date]:
    """The meetings' numbers beside their markers, one label per close-together bunch.

    Spaced for a phone's plot area (_TIMELINE_WIDTH_PX): markers of one row closer than about
    two marker widths share a label ('6, 7, 9'); a label that would touch the one before it on
    its row goes below the row instead of above. Returns low..high widened so that every label
    lies inside the plot area.
    """
    px_per_day = _TIMELINE_WIDTH_PX / max((high - low).days, 1)
    labels_at: list[tuple[str, date, str, str]] = []  # (group, day, text, position)
    first, last = low, high
    for group in dict.fromkeys(m[0] for m in meetings):
        points = sorted(
            (m[3] if m[3] is not None else m[1] + (m[2] - m[1]) / 2, m[6])
            for m in meetings
            if m[0] == group
        )
        bunches: list[list[tuple[date, int]]] = []
        for point in points:
            if bunches and (point[0] - bunches[-1][-1][0]).days * px_per_day < 24:
                bunches[-1].append(point)
            else:
                bunches.append([point])
        last_end, last_position = None, "bottom center"
        for bunch in bunches:
            text = ", ".join(str(n) for _, n in sorted(bunch, key=lambda p: p[1]))
            middle = bunch[0][0] + (bunch[-1][0] - bunch[0][0]) / 2
            half = timedelta(days=(len(text) * _NUMBER_WIDTH_PX / 2 + 4) / px_per_day)
            touches = last_end is not None and middle - half < last_end
            position = (
                ("bottom center" if last_position == "top center" else "top center")
                if touches
                else "top center"
            )
            labels_at.append((group, middle, text, position))
            last_end, last_position = middle + half, position
            first, last = min(first, middle - half), max(last, middle + half)
    for position in ("top center", "bottom center"):
        chosen = [label for label in labels_at if label[3] == position]
        if not chosen:
            continue
        fig.add_trace(
            trace(
                "scatter",
                name="Mødenumre",
                mode="markers+text",
                marker={"size": 12, "color": "rgba(0, 0, 0, 0)"},  # the text clears the bar
                x=[label[1].isoformat() for label in chosen],
                y=[label[0] for label in chosen],
                text=[label[2] for label in chosen],
                textposition=position,
                # A white halo: the status line or a bar's edge under a label stops short of it.
                textfont={"size": 12, "color": palette.TEXT, "shadow": _HALO},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return first, last


# --- enrollment and criteria over time --------------------------------------------------


def enrollment_steps(progress: pd.DataFrame, as_of: date) -> go.Figure:
    """Municipalities per enrollment step over time, one step line per series, to as_of.

    ``series`` holds step codes (labels.ENROLLMENT_STEPS); each is styled by palette.
    """
    fig = PlainFigure()
    days = [as_of]
    top = 1
    steps: dict[str, list[tuple[date, int]]] = {}  # per series in order of appearance
    for series, day, value in zip(
        progress["series"].tolist(),
        progress["day"].tolist(),
        progress["value"].tolist(),
        strict=True,
    ):
        steps.setdefault(series, []).append((_day(day), int(value)))
    for series, points in steps.items():
        points.sort(key=lambda point: point[0])  # a day once per series
        x, y = [day for day, _ in points], [value for _, value in points]
        if x[-1] < as_of:  # a cumulative count holds until the next change: carry it to as_of
            x.append(as_of)
            y.append(y[-1])
        changed = [i == 0 or y[i] != y[i - 1] for i in range(len(y))]
        style = palette.ENROLLMENT_STEPS[series]
        days += x
        top = max(top, *y)
        fig.add_trace(
            trace(
                "scatter",
                name=style.label,
                mode="lines+markers",
                line_shape="hv",
                x=[d.isoformat() for d in x],
                y=y,
                line={"color": style.colour, "width": 2.5, "dash": "solid"},
                marker={
                    "color": style.colour,
                    "symbol": style.symbol,
                    "size": [9 if c else 0 for c in changed],
                },
                customdata=[
                    f"{format_date(d)}: {format_number(v)} kommuner"
                    for d, v in zip(x, y, strict=True)
                ],
                hovertemplate=f"<b>{style.label}</b><br>%{{customdata}}<extra></extra>",
            )
        )
    low, high = _date_range(days)
    _date_axis(fig, low, high)
    ceiling, step = top * 1.15 + 0.5, _integer_step(top)
    fig.update_yaxes(title_text="Kommuner", range=[0, ceiling], tick0=0, dtick=step)
    _as_of_line(fig, as_of, low, high)
    ticks = [str(tick) for tick in range(0, math.floor(ceiling) + 1, step)]
    return _frame(fig, height=380, margin=_date_chart_margin(ticks))


def share_over_time(shares: pd.DataFrame, as_of: date) -> go.Figure:
    """Share of assessed criteria achieved over time, 0-100 %."""
    rows = shares.assign(day=shares["day"].map(_day)).sort_values("day")
    style = palette.CRITERION["achieved"]
    hover = [
        f"<b>{format_date(d)}</b><br>{format_number(a)} af {format_number(n)} opnået "
        f"({format_share(s)})"
        for d, s, a, n in zip(
            rows["day"], rows["share"], rows["achieved"], rows["assessed"], strict=True
        )
    ]
    fig = PlainFigure(
        trace(
            "scatter",
            name="Andel opnået",
            mode="lines+markers",
            x=[d.isoformat() for d in rows["day"]],
            y=[float(s) for s in rows["share"]],
            line={"color": style.colour, "width": 2.5},
            marker={"color": style.colour, "symbol": style.symbol, "size": 10},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    low, high = _date_range([as_of, *rows["day"]])
    _date_axis(fig, low, high)
    ticks = [0, 0.25, 0.5, 0.75, 1]
    texts = [format_share(t) for t in ticks]
    fig.update_yaxes(title_text="Andel opnået", range=[-0.03, 1.12], tickvals=ticks, ticktext=texts)
    _as_of_line(fig, as_of, low, high)
    return _frame(fig, height=360, margin=_date_chart_margin(texts))


# --- map --------------------------------------------------------------------------------


@cache
def _outline() -> tuple[list[float | None], list[float | None]]:
    """Denmark's outline as one line's x and y, islands apart (None between): shared, unchanged."""
    x: list[float | None] = []
    y: list[float | None] = []
    for island in reference.denmark_outline():
        x += [p[0] for p in island] + [None]
        y += [p[1] for p in island] + [None]
    return x, y


def denmark_map(municipalities: pd.DataFrame) -> go.Figure:
    """All municipalities as points on Denmark's outline, enrolled ones styled by status.

    The outline ships with kl_dash (reference.denmark_outline): the map draws offline.
    """
    status = [_text(s) or "not_enrolled" for s in municipalities["status"].tolist()]
    counts = Counter(status)
    places: dict[str, list[list]] = {
        code: [] for code in counts
    }  # longitude, latitude, name, region
    for code, *place in zip(
        status,
        municipalities["longitude"].tolist(),
        municipalities["latitude"].tolist(),
        municipalities["name"].tolist(),
        municipalities["region"].tolist(),
        strict=True,
    ):
        places[code].append(place)
    fig = PlainFigure()
    x, y = _outline()
    fig.add_trace(
        trace(
            "scatter",
            name="Danmark",
            x=x,
            y=y,
            mode="lines",
            fill="toself",
            fillcolor=_LAND_COLOUR,
            line={"color": _COAST_COLOUR, "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    order = ["not_enrolled", *(s for s in palette.ENROLLMENT if s != "not_enrolled")]
    for code in order:
        if code not in places:
            continue
        longitude, latitude, name, region = zip(*places[code], strict=True)
        style = palette.ENROLLMENT[code]
        enrolled = code != "not_enrolled"
        fig.add_trace(
            trace(
                "scatter",
                name=f"{style.label} ({format_number(counts[code])})",
                mode="markers",
                x=np.array(longitude, dtype="float64"),
                y=np.array(latitude, dtype="float64"),
                marker={
                    "color": style.colour,
                    "symbol": style.symbol,
                    "size": 13 if enrolled else 8,
                    "line": {"width": 1 if enrolled else 1.5, "color": palette.BACKGROUND}
                    if enrolled
                    else {"width": 1.5, "color": style.colour},
                },
                customdata=[
                    f"<b>{n}</b><br>{r}<br>{style.label}" for n, r in zip(name, region, strict=True)
                ],
                hovertemplate="%{customdata}<extra></extra>",
                legendrank=order.index(code) if enrolled else len(order),
            )
        )
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "title_text": ""}
    fig.update_xaxes(**hidden, constrain="domain")
    fig.update_yaxes(**hidden, scaleanchor="x", scaleratio=1 / math.cos(math.radians(56)))
    return _frame(fig, height=520)


# --- heatmaps ---------------------------------------------------------------------------


def _heatmap_rows(names: list[str]) -> list[str]:
    """Each municipality of ``names`` once, in Danish alphabetical order, top to bottom."""
    return sorted(dict.fromkeys(names), key=danish_sort_key)


def attendance_heatmap(cells: pd.DataFrame, names: dict[str, MeetingName]) -> go.Figure:
    """Attendance per municipality and meeting: the count in each cell, colour = share.

    ``names`` (presenting.meeting_names) heads each meeting's column with its number in the
    meeting plan, as the plan's table and the timeline number it, and gives its full name for
    the hover. The heads are the x axis's categories, so that Plotly labels every column where
    there is room and every second or third on a narrow screen: heads never lie on top of each
    other. The colour scale lies under the chart, leaving the columns the screen's width.
    """
    # Columns as Python lists: itertuples walks the Arrow-backed text columns value by value.
    municipalities, meetings, attendance, people, order = (
        cells[c].tolist()
        for c in ("municipality", "meeting", "attendees", "expected", "meeting_order")
    )
    rows = _heatmap_rows(municipalities)
    places: dict[str, int] = {}  # each meeting's place in the order held
    for meeting, place in zip(meetings, order, strict=True):
        places.setdefault(meeting, place)
    columns = sorted(places, key=places.__getitem__)
    shown = {c: names[c].full if c in names else c for c in columns}
    r_index = {name: i for i, name in enumerate(rows)}
    c_index = {name: j for j, name in enumerate(columns)}
    z = [[None] * len(columns) for _ in rows]
    text = [[""] * len(columns) for _ in rows]
    hover = [
        [f"<b>{name}</b><br>{shown[meeting]}<br>Deltager ikke i mødet" for meeting in columns]
        for name in rows
    ]
    for municipality, meeting, attendees, expected in zip(
        municipalities, meetings, attendance, people, strict=True
    ):
        if attendees is None or pd.isna(attendees):
            continue
        i, j = r_index[municipality], c_index[meeting]
        attendees = int(attendees)
        expected = None if pd.isna(expected) else int(expected)
        text[i][j] = format_number(attendees)
        line = f"{format_number(attendees)} fremmødt"
        if expected:
            z[i][j] = min(attendees / expected, 1.0)
            line += (
                f" af {format_number(expected)} tilmeldte ({format_share(attendees / expected)})"
            )
        hover[i][j] = f"<b>{municipality}</b><br>{shown[meeting]}<br>{line}"

    plot_height = ROW_HEIGHT * len(rows)
    fig = PlainFigure(
        trace(
            "heatmap",
            z=z,
            x=[str(names[c].number) if c in names else c for c in columns],
            y=rows,
            text=text,
            texttemplate="%{text}",
            textfont={"color": "#000000"},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            hoverongaps=True,
            colorscale=_ATTENDANCE_SCALE,
            zmin=0,
            zmax=1,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": "Andel fremmødt", "side": "top"},
                "orientation": "h",
                "tickvals": [0, 0.5, 1],
                "ticktext": [format_share(v) for v in (0, 0.5, 1)],
                "thickness": 12,
                "lenmode": "pixels",
                "len": 200,
                "x": 0,  # under the plot area's left edge, its "0 %" inside the chart
                "xanchor": "left",
                "yref": "container",
                "y": 0,
                "yanchor": "bottom",
                "ypad": 6,
            },
        )
    )
    fig.update_xaxes(
        side="top",
        type="category",
        title_text="Møde (nr. i mødeplanen)",
        tickfont={"size": 12},
        showgrid=False,
    )
    fig.update_yaxes(autorange="reversed", title_text="", showgrid=False)
    top, bottom = 70, 80
    return _frame(
        fig,
        height=top + bottom + plot_height,
        margin={"l": _label_margin(rows), "r": 14, "t": top, "b": bottom},  # r: a last head
        plot_bgcolor=palette.BACKGROUND,
    )


def criteria_heatmap(cells: pd.DataFrame) -> go.Figure:
    """Each municipality's status on each success criterion, with a mark in every cell.

    Withdrawn municipalities (enrollment_status) come last, marked: they count in no share.
    """
    # Columns as Python lists: itertuples walks the Arrow-backed text columns value by value.
    names, criteria, statuses, enrollments = (
        cells[c].tolist() for c in ("municipality", "criterion_no", "status", "enrollment_status")
    )
    withdrawn = {name for name, e in zip(names, enrollments, strict=True) if e == "withdrawn"}
    rows = sorted(_heatmap_rows(names), key=lambda name: name in withdrawn)
    numbers = sorted({int(n) for n in criteria})
    columns = [str(n) for n in numbers]
    styles = [palette.NOT_ASSESSED, *palette.CRITERION.values()]
    codes = {code: k + 1 for k, code in enumerate(palette.CRITERION)}
    r_index = {name: i for i, name in enumerate(rows)}
    c_index = {n: j for j, n in enumerate(numbers)}
    z = [[0] * len(columns) for _ in rows]
    for name, number, status in zip(names, criteria, statuses, strict=True):
        code = _text(status)
        if code is not None:
            z[r_index[name]][c_index[int(number)]] = codes[code]
    text = [[styles[k].mark for k in line] for line in z]
    hover = [
        [
            f"<b>{name}</b><br>Succeskriterium {column}: {styles[k].label}"
            for column, k in zip(columns, line, strict=True)
        ]
        for name, line in zip(rows, z, strict=True)
    ]
    rows = [f"{name} {labels.WITHDRAWN_MARK}" if name in withdrawn else name for name in rows]
    # One colour band per status: z = 0 (not assessed) .. 3 (achieved).
    scale = []
    for k, style in enumerate(styles):
        scale += [[k / len(styles), style.colour], [(k + 1) / len(styles), style.colour]]

    fig = PlainFigure(
        trace(
            "heatmap",
            z=z,
            x=columns,
            y=rows,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14, "color": "#000000"},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=scale,
            zmin=-0.5,
            zmax=len(styles) - 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    for rank, style in enumerate([*palette.CRITERION.values(), palette.NOT_ASSESSED]):
        fig.add_trace(
            trace(
                "scatter",
                name=f"{style.mark} {style.label}".strip(),
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "symbol": "square",
                    "size": 14,
                    "color": style.colour,
                    "line": {"width": 1, "color": palette.OUTLINE},
                },
                hoverinfo="skip",
                legendrank=rank,
            )
        )
    plot_height = ROW_HEIGHT * len(rows)
    top = 100
    fig.update_xaxes(
        side="top",
        type="category",
        title_text="Succeskriterium",
        showgrid=False,
    )
    fig.update_yaxes(autorange="reversed", title_text="", showgrid=False)
    return _frame(
        fig,
        height=top + 20 + plot_height,
        margin={"l": _label_margin(rows), "r": 10, "t": top, "b": 20},
        legend_y=1 + 58 / plot_height,
        plot_bgcolor=palette.BACKGROUND,
    )


# --- participants -----------------------------------------------------------------------


def participants_range(rows: pd.DataFrame) -> go.Figure:
    """Participants each municipality sends per group, against the range the group asks for."""
    group_names, counts, municipalities, mins, maxes = (
        rows[c].tolist()
        for c in (
            "group_name",
            "participants",
            "municipality",
            "min_participants",
            "max_participants",
        )
    )
    ranges: dict[str, tuple[int, int]] = {}  # each group's range, as its first row gives it
    for group, low, high in zip(group_names, mins, maxes, strict=True):
        ranges.setdefault(group, (int(low), int(high)))
    groups = list(ranges)
    fig = PlainFigure()
    lows = [ranges[g][0] for g in groups]
    highs = [ranges[g][1] for g in groups]
    fig.add_trace(
        trace(
            "bar",
            name="Ønsket interval",
            orientation="h",
            y=list(range(len(groups))),
            base=[low - 0.3 for low in lows],
            x=[high - low + 0.6 for low, high in zip(lows, highs, strict=True)],
            width=0.7,
            marker={"color": _BAND_COLOUR, "line": {"width": 1, "color": palette.GREY}},
            customdata=[
                f"<b>{g}</b><br>Ønsket: {format_number(lo)}–{format_number(hi)} deltagere"
                for g, lo, hi in zip(groups, lows, highs, strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
            legendrank=3,
        )
    )
    points: dict[str, list[tuple[int, float, str]]] = {"inside": [], "outside": []}
    members: dict[str, list[tuple[int, str]]] = {group: [] for group in groups}
    for group, count, name in zip(group_names, counts, municipalities, strict=True):
        members[group].append((int(count), name))
    for i, (group, low, high) in enumerate(zip(groups, lows, highs, strict=True)):
        ordered = sorted(members[group], key=lambda m: (m[0], danish_sort_key(m[1])))
        for count, alike in itertools.groupby(ordered, key=lambda m: m[0]):
            same = [name for _, name in alike]
            spread = min(0.28, 0.04 * (len(same) - 1))
            for k, name in enumerate(same):
                offset = -spread + 2 * spread * k / (len(same) - 1) if len(same) > 1 else 0.0
                where = "inside" if low <= count <= high else "outside"
                hover = (
                    f"{name}: {format_number(count)} "
                    f"(ønsket {format_number(low)}–{format_number(high)})"
                )
                points[where].append((int(count), i + offset, hover))
    for where, rank in (("inside", 1), ("outside", 2)):
        if not points[where]:
            continue
        style = palette.RANGE[where]
        fig.add_trace(
            trace(
                "scatter",
                name=style.label,
                mode="markers",
                x=[p[0] for p in points[where]],
                y=[p[1] for p in points[where]],
                marker={
                    "color": style.colour,
                    "symbol": style.symbol,
                    "size": 10,
                    "opacity": 0.85,
                    "line": {"width": 1, "color": palette.BACKGROUND},
                },
                customdata=[p[2] for p in points[where]],
                hovertemplate="%{customdata}<extra></extra>",
                legendrank=rank,
            )
        )
    top = max([*counts, *highs])
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(
        title_text="Deltagere pr. kommune",
        range=[-0.6, top + 0.8],
        tick0=0,
        dtick=_integer_step(top),
        zeroline=False,
    )
    names = [_wrap(g) for g in groups]
    fig.update_yaxes(
        tickvals=list(range(len(groups))),
        ticktext=names,
        range=[len(groups) - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        title_text="",
    )
    margin = {"l": _label_margin(names), "r": 10, "t": 40, "b": 56}  # b: the x axis's title
    return _frame(fig, height=max(260, 110 + 70 * len(groups)), margin=margin)


# --- the development group's comparison -------------------------------------------------

# How each set of the comparison is drawn: colour, marker, line dash (the municipality
# strongest; colour is never the only cue).
_COMPARISON_STYLES = {
    "municipality": (palette.BLUE, "circle", "solid", 3.5),
    "network": (palette.ORANGE, "diamond", "dash", 2.5),
    "everyone": ("#666666", "square", "dot", 2.5),  # 5.7:1
}


def comparison_over_time(over_time: pd.DataFrame, names: dict[str, str], as_of: date) -> go.Figure:
    """Share of criteria reached over time: the municipality, its network and everyone.

    ``names`` gives each set's legend label ('municipality' -> 'Aabenraa', ...).
    """
    fig = PlainFigure()
    by_group: dict[str, list[tuple]] = {}  # per set: (day, share, achieved, assessed)
    for group, *row in zip(
        *(over_time[c].tolist() for c in ("group", "day", "share", "achieved", "assessed")),
        strict=True,
    ):
        by_group.setdefault(group, []).append((_day(row[0]), *row[1:]))
    for group, (colour, symbol, dash, width) in _COMPARISON_STYLES.items():
        rows = sorted(by_group.get(group, []), key=lambda row: row[0])
        if not rows:
            continue
        hover = [
            f"<b>{names[group]}</b><br>{format_date(d)}: {format_number(a)} af "
            f"{format_number(n)} opnået ({format_share(s)})"
            for d, s, a, n in rows
        ]
        fig.add_trace(
            trace(
                "scatter",
                name=names[group],
                mode="lines+markers",
                x=[d.isoformat() for d, *_ in rows],
                y=[float(s) for _, s, *_ in rows],
                line={"color": colour, "width": width, "dash": dash},
                marker={"color": colour, "symbol": symbol, "size": 9},
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    days = [as_of, *(_day(d) for d in over_time["day"])]
    low, high = _date_range(days)
    _date_axis(fig, low, high)
    ticks = [0, 0.25, 0.5, 0.75, 1]
    texts = [format_share(t) for t in ticks]
    fig.update_yaxes(
        title_text="Succeskriterier opnået", range=[-0.03, 1.12], tickvals=ticks, ticktext=texts
    )
    _as_of_line(fig, as_of, low, high)
    return _frame(fig, height=380, margin=_date_chart_margin(texts))
