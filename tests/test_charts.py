"""The figure builders, on small real DataFrames: what a reader of each chart would notice."""

from __future__ import annotations

import ast
import copy
import json
import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from _plotly_utils.utils import convert_to_base64

from kl_dash import chart_text, charts, palette, plain_figure, presenting, reference
from kl_dash.queries import ExampleFacts

AS_OF = date(2019, 6, 1)
MEETING_NAMES = {  # as presenting.meeting_names names the attendance fixture's meetings
    "ps-1 Opstartskonference": charts.MeetingName(4, "Nr. 4 · 9. januar 2018 · Opstartskonference"),
    "ps-2 Midtvejskonference": charts.MeetingName(
        21,
        "Nr. 21 · 26. februar 2019 (eksempel) · Midtvejskonference i Nyborg Strand · Netværk Syd",
    ),
}
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")


def day(text: str) -> date:
    return date.fromisoformat(text)


def as_date(value) -> date:
    return pd.Timestamp(value).date()


def trace(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


@pytest.fixture(scope="module")
def plan() -> pd.DataFrame:
    rows = [
        # meeting_id, title, group, type, planned_text, from, to, held_on, form
        ("ps-1", "Opstartskonference", None, "conference", "primo 2018", "2018-01-01",
         "2018-04-30", "2018-01-09", "physical"),
        ("ug-1", "Opstartsseminar", "Udviklingsgruppen", "seminar", "1. november 2017",
         "2017-11-01", "2017-11-01", "2017-11-01", None),
        ("ug-2", "Kommunebesøg", "Udviklingsgruppen", "municipality_visit", "medio 2019",
         "2019-05-01", "2019-08-31", None, None),
        ("ms-2", "Netværksmøde", "Medarbejderspor", "workshop", None, None, None,
         "2018-05-10", "virtual"),
        ("ms-3", "Afslutning", "Medarbejderspor", "workshop", None, None, None, None, None),
        ("ps-3", "Afslutningskonference", None, "conference", "ultimo 2019", "2019-09-01",
         "2019-12-31", None, None),
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=[
            "meeting_id", "title", "group_name", "meeting_type", "planned_text",
            "planned_from", "planned_to", "held_on", "form",
        ],
    )  # fmt: skip
    for column in ("planned_from", "planned_to", "held_on"):
        frame[column] = frame[column].map(lambda v: day(v) if isinstance(v, str) else None)
    return frame


@pytest.fixture(scope="module")
def progress() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [day("2017-06-01"), day("2017-07-01"), day("2017-08-15"), day("2018-03-01")],
            "series": ["interest"] * 2 + ["agreement", "withdrawn"],
            "value": [3, 7, 5, 1],
        }
    )


@pytest.fixture(scope="module")
def shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [day("2018-06-01"), day("2019-01-15")],
            "share": [0.25, 0.6],
            "achieved": [3, 12],
            "assessed": [12, 20],
        }
    )


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    frame = pd.DataFrame(reference.municipality_rows())
    frame["latitude"] = frame["latitude"].astype(float)
    frame["longitude"] = frame["longitude"].astype(float)
    status = {"751": "participating", "101": "participating", "461": "awaiting_agreement"}
    status["860"] = "withdrawn"
    frame["status"] = frame["code"].map(status)
    return frame


@pytest.fixture(scope="module")
def attendance() -> pd.DataFrame:
    rows = [
        ("Aarhus", "ps-2 Midtvejskonference", 2, 3, 4),
        ("Aarhus", "ps-1 Opstartskonference", 1, 4, 4),
        ("Ærø", "ps-1 Opstartskonference", 1, 0, 2),
        ("Ærø", "ps-2 Midtvejskonference", 2, None, None),
        ("Vejle", "ps-1 Opstartskonference", 1, 1, 2),
        ("Vejle", "ps-2 Midtvejskonference", 2, 2, 2),
    ]
    return pd.DataFrame(
        rows, columns=["municipality", "meeting", "meeting_order", "attendees", "expected"]
    )


@pytest.fixture(scope="module")
def criteria() -> pd.DataFrame:
    rows = [
        ("Odense", 1, "achieved", "participating"),
        ("Odense", 2, "in_progress", "participating"),
        ("Aalborg", 1, "not_started", "participating"),
        ("Aalborg", 2, None, "participating"),
    ]
    columns = ["municipality", "criterion_no", "status", "enrollment_status"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture(scope="module")
def participants() -> pd.DataFrame:
    rows = [
        ("Aarhus", "Udviklingsgruppen", 6, 3, 5),
        ("Vejle", "Udviklingsgruppen", 3, 3, 5),
        ("Odense", "Udviklingsgruppen", 3, 3, 5),
        ("Aarhus", "Politisk styregruppe", 1, 1, 2),
        ("Skive", "Politisk styregruppe", 0, 1, 2),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "municipality", "group_name", "participants", "min_participants", "max_participants"
        ],
    )  # fmt: skip


@pytest.fixture(scope="module")
def all_figures(
    plan, progress, shares, municipalities, attendance, criteria, participants
) -> dict[str, go.Figure]:
    return figures_of(plan, progress, shares, municipalities, attendance, criteria, participants)


@pytest.fixture
def new_figures(
    plan, progress, shares, municipalities, attendance, criteria, participants
) -> dict[str, go.Figure]:
    return figures_of(plan, progress, shares, municipalities, attendance, criteria, participants)


def figures_of(
    plan, progress, shares, municipalities, attendance, criteria, participants
) -> dict[str, go.Figure]:
    """Every chart builder's figure of the test frames."""
    return {
        "meeting_timeline": charts.meeting_timeline(plan, AS_OF),
        "enrollment_steps": charts.enrollment_steps(progress, AS_OF),
        "share_over_time": charts.share_over_time(shares, AS_OF),
        "denmark_map": charts.denmark_map(municipalities),
        "attendance_heatmap": charts.attendance_heatmap(attendance, MEETING_NAMES),
        "criteria_heatmap": charts.criteria_heatmap(criteria),
        "participants_range": charts.participants_range(participants),
    }


# --- palette ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["ENROLLMENT", "ENROLLMENT_STEPS", "CRITERION", "MEETING", "RANGE"]
)
def test_each_status_in_a_palette_has_its_own_colour_symbol_and_mark(name):
    styles = list(getattr(palette, name).values())
    for attribute in ("colour", "symbol", "label", "mark"):
        values = [getattr(style, attribute) for style in styles]
        assert len(set(values)) == len(values), (name, attribute, values)


def test_palette_labels_are_the_danish_status_words():
    assert [s.label for s in palette.ENROLLMENT.values()] == [
        "Deltager",
        "Afventer politisk aftale",
        "Udtrådt",
        "Ikke tilmeldt",
    ]
    assert [s.label for s in palette.CRITERION.values()] == ["Ikke påbegyndt", "I gang", "Opnået"]
    assert palette.MEETING["not_held"].label == "Ikke afholdt endnu"
    assert palette.RANGE["outside"].label == "Uden for intervallet"


# --- date axes --------------------------------------------------------------------------


def test_date_ticks_are_month_starts_with_danish_names():
    ticks, texts = charts.danish_date_ticks(day("2019-01-15"), day("2019-08-10"))
    assert ticks[0] == day("2019-03-01") and all(t.day == 1 for t in ticks)
    # every other month (at most six), the month above its year
    assert texts == ["mar.<br>2019", "maj<br>2019", "jul.<br>2019"]
    assert not any(ENGLISH_MONTHS.search(t) for t in texts)


@pytest.mark.parametrize(
    ("start", "end"), [("2017-06-01", "2020-01-01"), ("2010-03-03", "2030-12-31")]
)
def test_long_date_ranges_get_at_most_six_ticks(start, end):
    ticks, texts = charts.danish_date_ticks(day(start), day(end))
    assert 2 <= len(ticks) <= 6
    assert all(day(start) <= t <= day(end) for t in ticks)
    assert len(texts) == len(ticks)


def test_every_date_axis_shows_danish_month_names(all_figures):
    for name in ("meeting_timeline", "enrollment_steps", "share_over_time"):
        axis = all_figures[name].layout.xaxis
        assert axis.ticktext, name
        assert not any(ENGLISH_MONTHS.search(t) for t in axis.ticktext), name
    assert "jan.<br>2018" in all_figures["meeting_timeline"].layout.xaxis.ticktext


def test_every_figure_is_the_one_plotly_would_validate_and_draw(all_figures):
    # Every builder writes its figure as plain dicts, unvalidated (kl_dash.plain_figure):
    # Plotly's validation accepts the same dicts and changes nothing that is drawn.
    over_time = pd.DataFrame(
        {
            "day": [day("2018-01-01"), day("2018-06-01"), day("2018-06-01")],
            "group": ["municipality", "municipality", "everyone"],
            "share": [0.25, 0.5, 0.4],
            "achieved": [1, 2, 4],
            "assessed": [4, 4, 10],
        }
    )
    names = {"municipality": "Aarhus", "everyone": "Alle deltagende"}
    figures = all_figures | {
        "comparison_over_time": charts.comparison_over_time(over_time, names, AS_OF)
    }
    for name, fig in figures.items():
        validated = go.Figure(fig.to_dict())
        assert json.loads(pio.to_json(fig)) == json.loads(pio.to_json(validated)), name


def test_a_finished_figure_goes_to_the_browser_as_its_dicts_without_plotly_objects(new_figures):
    # st.plotly_chart asks for to_dict() and writes it with orjson: every value is JSON as it
    # stands (no cleaning walk over the figure), and no trace or layout object is made.
    for name, fig in new_figures.items():
        plain = fig.to_dict()
        assert plain is fig.to_dict(), name  # the same dicts on every draw
        orjson.dumps(plain, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
        pio.to_json(fig, validate=False)
        assert "_layout_obj" not in vars(fig), name
    timeline = new_figures["meeting_timeline"]
    shown = copy.deepcopy(timeline.to_dict())
    assert "FinishedFigure" in repr(timeline) and copy.deepcopy(timeline).to_dict() == shown
    assert timeline.to_dict() == shown  # Plotly's repr and copies leave the kept dicts alone
    assert timeline.layout.height > 0 and "_layout_obj" in vars(timeline)  # asked for: made
    assert timeline.layout.template == pio.templates["plotly_white"]
    timeline.update_layout(height=999)  # changed through the go.Figure: drawn as changed
    assert timeline.to_dict()["layout"]["height"] == 999


def test_a_figure_s_arrays_are_made_typed_as_plotly_makes_them(new_figures):
    # plain_figure.typed_arrays is Plotly's convert_to_base64 without its per-value calls:
    # the same result on every figure the pages draw, and on arrays of every kind Plotly
    # turns into typed arrays (numpy's, pandas', in dicts and in lists of dicts), where it
    # leaves them (directly in a list, under a key it skips) and with numpy's scalars.
    def dumped(plain):
        return orjson.dumps(plain, default=list, option=orjson.OPT_SERIALIZE_NUMPY)

    def both(plain):
        ours, plotlys = copy.deepcopy(plain), copy.deepcopy(plain)
        plain_figure.typed_arrays(ours)
        convert_to_base64(plotlys)
        return dumped(ours), dumped(plotlys)

    for name, fig in new_figures.items():
        plotlys = copy.deepcopy(vars(fig)["_plain"])  # its template too (shared, typed once)
        convert_to_base64(plotlys)
        assert dumped(fig.to_dict()) == dumped(plotlys), name
    arrays = {
        "data": [
            {
                "x": np.array([1, 2, 300]),
                "y": pd.Series([0.5, 1.5]),
                "z": [np.array([1, 2]), {"deep": np.array([70000, 1])}],
                "customdata": (np.array([1.0]), [pd.Index([3, 4])]),
                "text": ["a", "b", np.str_("c")],
                "marker": {"size": np.int64(4), "opacity": np.float64(0.5), "color": None},
                "range": np.array([1, 2]),
                "empty": np.array([], dtype="int64"),
            }
        ],
        "layout": {"xaxis": {"range": [np.array([1])], "tickvals": np.array([1.5, 2.5])}},
    }
    ours, plotlys = both(arrays)
    assert ours == plotlys
    assert b"bdata" in ours  # it did make typed arrays


# --- meeting timeline -------------------------------------------------------------------


def test_held_meetings_are_marked_on_the_day_they_were_held(plan):
    fig = charts.meeting_timeline(plan, AS_OF)
    held = trace(fig, "Afholdt")
    assert held.marker.color == palette.MEETING["held"].colour
    assert sorted(as_date(x) for x in held.x) == [
        day("2017-11-01"),
        day("2018-01-09"),
        day("2018-05-10"),
    ]


def test_meetings_not_yet_held_are_marked_mid_period_and_unplanned_ones_left_out(plan):
    fig = charts.meeting_timeline(plan, AS_OF)
    waiting = trace(fig, "Ikke afholdt endnu")
    assert waiting.marker.symbol == palette.MEETING["not_held"].symbol
    # ms-3 has neither plan nor held date: not drawn.
    assert sorted(as_date(x) for x in waiting.x) == [day("2019-07-01"), day("2019-10-31")]
    assert "Planlagt: ultimo 2019<br>Ikke afholdt endnu" in " ".join(waiting.customdata)


def test_meeting_hover_says_when_planned_and_held_in_danish(plan):
    fig = charts.meeting_timeline(plan, AS_OF)
    hover = " ".join(trace(fig, "Afholdt").customdata)
    assert "Planlagt: primo 2018<br>Afholdt: 9. januar 2018" in hover
    assert "Konference, fysisk" in hover


def test_a_meeting_held_after_the_status_date_counts_as_not_held(plan):
    fig = charts.meeting_timeline(plan, day("2018-01-05"))
    assert [as_date(x) for x in trace(fig, "Afholdt").x] == [day("2017-11-01")]


def test_timeline_rows_are_groups_in_order_of_first_appearance(plan):
    fig = charts.meeting_timeline(plan, AS_OF)
    assert list(fig.layout.yaxis.categoryarray) == [
        "Alle",
        "Udviklingsgruppen",
        "Medarbejderspor",
    ]
    assert [t.name for t in fig.data][:3] == ["Planlagt periode", "Afholdt", "Ikke afholdt endnu"]


def test_every_drawn_meeting_carries_its_number_in_the_plan_beside_its_marker(plan):
    fig = charts.meeting_timeline(plan, AS_OF)
    numbers = [t for t in fig.data if t.name == "Mødenumre"]
    shown = sorted(int(n) for t in numbers for text in t.text for n in text.split(", "))
    assert shown == [1, 2, 3, 4, 6]  # meeting 5 (ms-3) has neither plan nor held date
    assert all(t.showlegend is False and t.hoverinfo == "skip" for t in numbers)
    assert "<b>4. Netværksmøde</b>" in " ".join(trace(fig, "Afholdt").customdata)
    table = presenting.meeting_plan_table(
        plan.assign(network_name=None, status="planned"), ExampleFacts()
    )
    assert list(table["Nr."]) == [1, 2, 3, 4, 5, 6]
    assert list(table["Møde"])[3] == "Netværksmøde"


def test_meetings_close_together_on_a_row_share_one_label_and_labels_do_not_touch():
    rows = [  # one row: two meetings two days apart, one 40 days later, one a year later
        ("a", "A", "2018-05-01"), ("b", "B", "2018-05-03"), ("c", "C", "2018-06-12"),
        ("d", "D", "2019-05-01"),
    ]  # fmt: skip
    plan = pd.DataFrame(
        [
            {"meeting_id": i, "title": t, "group_name": "Spor", "meeting_type": "workshop",
             "planned_text": None, "planned_from": None, "planned_to": None,
             "held_on": day(d), "form": None}
            for i, t, d in rows
        ]
    ).assign(number=[10, 11, 12, 13])  # fmt: skip
    fig = charts.meeting_timeline(plan, AS_OF)
    labels = {text: t.textposition for t in fig.data if t.name == "Mødenumre" for text in t.text}
    # About 0.7 px a day on a phone: "10, 11" is one label; "12" is a bunch of its own, but its
    # label would touch "10, 11" above the row, so it goes below.
    assert labels == {"10, 11": "top center", "12": "bottom center", "13": "top center"}


def test_a_one_day_plan_is_still_a_visible_bar(plan):
    fig = charts.meeting_timeline(plan, AS_OF)
    bars = trace(fig, "Planlagt periode")
    one_day = list(bars.customdata).index(next(c for c in bars.customdata if "Opstartss" in c))
    shown = pd.Timestamp(fig.layout.xaxis.range[1]) - pd.Timestamp(fig.layout.xaxis.range[0])
    assert bars.x[one_day] >= shown.total_seconds() * 1000 / 200
    assert len(bars.x) == 4  # the four meetings with a planned period


def test_status_date_line_is_drawn_at_as_of_with_a_danish_label(all_figures):
    for name in ("meeting_timeline", "enrollment_steps", "share_over_time"):
        fig = all_figures[name]
        [line] = fig.layout.shapes
        assert as_date(line.x0) == as_date(line.x1) == AS_OF, name
        if name != "meeting_timeline":  # its legend says Statusdato (below)
            assert "Status pr. 1. juni 2019" in [a.text for a in fig.layout.annotations], name


def test_the_timelines_status_date_and_numbers_are_explained_in_its_legend_not_over_its_rows(
    all_figures,
):
    fig = all_figures["meeting_timeline"]
    status = trace(fig, charts.AS_OF_ENTRY)  # legend entries wrap on a narrow screen
    assert status.line.dash == "dash" and list(status.x) == [None]
    assert trace(fig, charts.NUMBERS_NOTE).showlegend is not False
    # The group names stand above their rows, left in the plot: no tick labels beside it.
    assert fig.layout.yaxis.showticklabels is False
    assert [a.text for a in fig.layout.annotations] == list(fig.layout.yaxis.categoryarray)


# --- enrollment and criteria over time --------------------------------------------------


def test_enrollment_steps_draw_one_step_line_per_series_in_status_colours(progress):
    fig = charts.enrollment_steps(progress, AS_OF)
    assert [t.name for t in fig.data] == ["Tilkendegivet interesse", "Politisk aftale", "Udtrådt"]
    assert all(t.line.shape == "hv" for t in fig.data)
    interest = trace(fig, "Tilkendegivet interesse")
    assert interest.line.color == palette.ENROLLMENT["awaiting_agreement"].colour
    assert interest.marker.symbol == palette.ENROLLMENT["awaiting_agreement"].symbol
    assert trace(fig, "Udtrådt").line.color == palette.ENROLLMENT["withdrawn"].colour
    assert fig.layout.yaxis.title.text == "Kommuner"


def test_enrollment_counts_are_carried_on_to_the_status_date(progress):
    fig = charts.enrollment_steps(progress, AS_OF)
    interest = trace(fig, "Tilkendegivet interesse")
    assert as_date(interest.x[-1]) == AS_OF and interest.y[-1] == 7


def test_share_axis_runs_from_0_to_100_percent_in_danish(shares):
    fig = charts.share_over_time(shares, AS_OF)
    assert list(fig.layout.yaxis.ticktext) == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert fig.layout.yaxis.range[0] <= 0 and fig.layout.yaxis.range[1] >= 1


def test_share_hover_says_how_many_of_how_many(shares):
    [line] = charts.share_over_time(shares, AS_OF).data
    assert "12 af 20 opnået (60 %)" in line.customdata[-1]
    assert "15. januar 2019" in line.customdata[-1]


# --- map --------------------------------------------------------------------------------


def test_map_shows_every_municipality_with_counts_in_the_legend(municipalities):
    fig = charts.denmark_map(municipalities)
    dots = [t for t in fig.data if t.name != "Danmark"]
    assert sum(len(t.x) for t in dots) == len(municipalities) == 98
    assert sorted(t.name for t in dots) == [
        "Afventer politisk aftale (1)",
        "Deltager (2)",
        "Ikke tilmeldt (94)",
        "Udtrådt (1)",
    ]


def test_map_draws_offline_as_a_plain_scatter_in_status_styles(municipalities):
    fig = charts.denmark_map(municipalities)
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.data[0].name == "Danmark" and fig.data[0].fill == "toself"  # under the dots
    assert fig.data[0].showlegend is False
    withdrawn = trace(fig, "Udtrådt (1)")
    assert withdrawn.marker.symbol == palette.ENROLLMENT["withdrawn"].symbol
    assert "Udtrådt" in withdrawn.customdata[0]
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1.79, abs=0.01)
    assert fig.layout.xaxis.visible is False


def _inside(x: float, y: float, ring) -> bool:
    """Whether a point lies inside a closed ring (even-odd rule)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _km_to_coast(x: float, y: float, rings) -> float:
    """Distance from a point to the nearest outline point, in km (flat at 56° N)."""
    scale = math.cos(math.radians(56))
    return 111.2 * min(math.hypot((x - px) * scale, y - py) for r in rings for px, py in r)


def test_denmark_outline_ships_small_and_loads_as_closed_rings_around_denmark():
    assert (reference.REFERENCE_DIR / "denmark.geojson").stat().st_size < 200_000
    rings = reference.denmark_outline()
    assert len(rings) >= 10  # Jutland, Zealand, Funen, Lolland, Bornholm, ...
    for ring in rings:
        assert ring[0] == ring[-1] and len(ring) >= 4
    longitudes = [x for r in rings for x, _ in r]
    latitudes = [y for r in rings for _, y in r]
    assert 8.0 < min(longitudes) and max(longitudes) < 15.3  # Blåvandshuk .. Bornholm
    assert 54.5 < min(latitudes) and max(latitudes) < 57.8  # Gedser .. Skagen


def test_every_municipality_lies_on_the_outline_s_land_or_within_5_km_of_its_coast():
    rings = reference.denmark_outline()
    away = {}
    for m in reference.municipality_rows():
        x, y = float(m["longitude"]), float(m["latitude"])
        if not any(_inside(x, y, r) for r in rings):
            away[m["name"]] = round(_km_to_coast(x, y, rings), 1)
    assert all(km < 5 for km in away.values()), away
    assert len(away) < 10, away  # most points lie on the land itself
    islands = {"Bornholm": 400, "Ærø": 492, "Samsø": 741, "Læsø": 825, "Fanø": 563}
    assert not set(islands) & {n for n, km in away.items() if km > 2}


# --- contrast (WCAG 2.1: text 4.5:1, marks 3:1) ---------------------------------------------


def _rgb(colour: str) -> tuple[float, ...]:
    """An '#rrggbb' or 'rgb(a)(r, g, b[, a])' colour as drawn on white."""
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    values = [float(v) for v in re.findall(r"[\d.]+", colour)]
    alpha = values[3] if len(values) == 4 else 1.0
    return tuple(alpha * c + (1 - alpha) * 255 for c in values[:3])


def _luminance(colour: str) -> float:
    channels = [c / 255 for c in _rgb(colour)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    darker, lighter = sorted([_luminance(a), _luminance(b)])
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast("#009E73", "#FFFFFF") == pytest.approx(3.42, abs=0.01)  # white ✓ on green
    assert contrast("rgba(0, 0, 0, 0.5)", "#FFFFFF") == pytest.approx(
        contrast("#808080", "#FFFFFF"), abs=0.05
    )


def test_every_text_in_the_charts_has_4_5_to_1_contrast_on_what_it_stands_on(all_figures):
    for name, fig in all_figures.items():
        layout = fig.layout
        text = layout.font.color
        for background in (layout.paper_bgcolor, layout.plot_bgcolor, layout.hoverlabel.bgcolor):
            assert contrast(text, background) >= 4.5, (name, text, background)
        assert contrast(layout.hoverlabel.font.color, layout.hoverlabel.bgcolor) >= 4.5, name
        for axis in (layout.xaxis, layout.yaxis):  # tick labels and titles take the font's
            assert axis.tickfont.color is None and axis.title.font.color is None, name
        for note in layout.annotations:
            assert contrast(note.font.color or text, layout.plot_bgcolor) >= 4.5, name
        for t in fig.data:
            if t.type == "heatmap" and t.texttemplate:  # a number or mark in every cell
                worst = min(contrast(t.textfont.color, c) for _, c in t.colorscale)
                assert worst >= 4.5, (name, t.textfont.color)
            elif t.type == "scatter" and "text" in t.mode:
                assert contrast(t.textfont.color, layout.plot_bgcolor) >= 4.5, name


def _mark_contrast(t, background: str) -> float:
    """How well a trace's marks stand out: its line, or a marker's (bar's) fill or edge."""
    if t.type == "scatter" and "lines" in t.mode:
        return contrast(t.line.color, background)
    edge = [t.marker.line.color] if t.marker.line.width else []
    return max(contrast(c, background) for c in [t.marker.color, *edge])


def test_every_mark_in_the_charts_has_3_to_1_contrast_on_its_background(all_figures):
    for name, fig in all_figures.items():
        backgrounds = [fig.layout.plot_bgcolor]
        if name == "denmark_map":
            land = fig.data[0]
            backgrounds.append(land.fillcolor)  # the dots stand on the land
            assert all(contrast(land.line.color, b) >= 3 for b in backgrounds), "coast"
        for t in fig.data:
            if t.type == "heatmap" or t.name in ("Danmark", "Mødenumre", charts.NUMBERS_NOTE):
                continue  # cells carry marks (above); the land, labels and a key are not marks
            for background in backgrounds:
                assert _mark_contrast(t, background) >= 3, (name, t.name, background)


@pytest.mark.parametrize("name", ["ENROLLMENT", "ENROLLMENT_STEPS", "MEETING", "RANGE"])
def test_every_status_colour_drawn_as_a_mark_has_3_to_1_contrast_on_white(name):
    for code, style in getattr(palette, name).items():
        assert contrast(style.colour, palette.BACKGROUND) >= 3, (name, code, style.colour)


def test_the_criteria_cells_marks_have_4_5_to_1_contrast_on_every_status_colour():
    heat = charts.criteria_heatmap(
        pd.DataFrame(
            [("Odense", 1, "achieved", "participating")],
            columns=["municipality", "criterion_no", "status", "enrollment_status"],
        )
    ).data[0]
    for style in [*palette.CRITERION.values(), palette.NOT_ASSESSED]:
        assert contrast(heat.textfont.color, style.colour) >= 4.5, style.label


# --- heatmaps ---------------------------------------------------------------------------


def test_attendance_cells_show_the_numbers_and_stay_empty_when_not_taking_part(attendance):
    fig = charts.attendance_heatmap(attendance, MEETING_NAMES)
    heat = fig.data[0]
    assert list(heat.y) == ["Vejle", "Ærø", "Aarhus"]  # Danish order: Aa after Æ
    assert [list(row) for row in heat.text] == [["1", "2"], ["0", ""], ["4", "3"]]
    assert heat.z[2][1] == pytest.approx(0.75)
    assert heat.z[1][1] is None
    assert heat.colorbar.title.text == "Andel fremmødt"


def test_attendance_heatmap_grows_with_the_number_of_municipalities(attendance):
    more = pd.concat(
        [attendance, attendance.assign(municipality=attendance["municipality"] + " 2")]
    )
    small = charts.attendance_heatmap(attendance, MEETING_NAMES).layout.height
    grown = charts.attendance_heatmap(more, MEETING_NAMES).layout.height
    assert grown == small + 3 * charts.ROW_HEIGHT


def test_attendance_columns_are_headed_by_the_meetings_number_in_the_plan(attendance):
    fig = charts.attendance_heatmap(attendance, MEETING_NAMES)
    assert list(fig.data[0].x) == ["4", "21"]  # Nr. in the plan's table and on the timeline
    axis = fig.layout.xaxis
    assert axis.type == "category" and axis.title.text == "Møde (nr. i mødeplanen)"
    # Plotly chooses which heads to draw and at what angle (fewer where the columns are
    # narrow), so heads are never set one by one.
    assert axis.tickvals is None and axis.ticktext is None and axis.tickangle is None
    hover = fig.data[0].customdata[2][1]  # Aarhus at the second meeting
    assert "Nr. 21 · 26. februar 2019 (eksempel) · Midtvejskonference i Nyborg Strand" in hover
    assert not fig.layout.annotations
    matrix = presenting.attendance_matrix(attendance, MEETING_NAMES)
    assert list(matrix.columns) == ["Kommune", *(n.full for n in MEETING_NAMES.values())]


def test_criteria_cells_carry_the_status_mark_not_just_a_colour(criteria):
    fig = charts.criteria_heatmap(criteria)
    heat = fig.data[0]
    assert list(heat.y) == ["Odense", "Aalborg"]  # Danish order: Aa last
    assert list(heat.x) == ["1", "2"]
    achieved, in_progress = palette.CRITERION["achieved"], palette.CRITERION["in_progress"]
    assert [list(row) for row in heat.text] == [
        [achieved.mark, in_progress.mark],
        [palette.CRITERION["not_started"].mark, ""],
    ]
    legend = [t.name for t in fig.data[1:]]
    assert legend == ["– Ikke påbegyndt", "… I gang", "✓ Opnået", "Ikke vurderet"]


def test_a_withdrawn_municipality_is_marked_and_listed_after_those_taking_part(criteria):
    withdrawn = criteria.assign(
        enrollment_status=criteria["enrollment_status"].where(
            criteria["municipality"] != "Odense", "withdrawn"
        )
    )
    assert list(charts.criteria_heatmap(withdrawn).data[0].y) == ["Aalborg", "Odense (udtrådt)"]
    assert list(presenting.criteria_matrix(withdrawn)["Kommune"]) == [
        "Aalborg",
        "Odense (udtrådt)",
    ]


# --- participants -----------------------------------------------------------------------


def test_participants_outside_the_range_are_styled_outside(participants):
    fig = charts.participants_range(participants)
    outside = trace(fig, "Uden for intervallet")
    assert outside.marker.color == palette.RANGE["outside"].colour
    assert outside.marker.symbol == palette.RANGE["outside"].symbol
    assert sorted(outside.customdata) == ["Aarhus: 6 (ønsket 3–5)", "Skive: 0 (ønsket 1–2)"]
    assert len(trace(fig, "Inden for intervallet").x) == 3
    assert fig.layout.xaxis.title.text == "Deltagere pr. kommune"


def test_participant_dots_with_the_same_count_do_not_sit_on_top_of_each_other(participants):
    inside = trace(charts.participants_range(participants), "Inden for intervallet")
    threes = [y for x, y in zip(inside.x, inside.y, strict=True) if x == 3]
    assert len(set(threes)) == 2


# --- all figures ------------------------------------------------------------------------


def test_no_figure_shows_english_default_labels(all_figures):
    english = {"variable", "value", "index", "x", "y", "count"}
    for name, fig in all_figures.items():
        layout = fig.layout
        titles = [
            (axis.title.text or "").strip().lower()
            for axis in (layout.xaxis, layout.yaxis)
            if axis.title is not None
        ]
        assert not english & set(titles), (name, titles)
        for t in fig.data:
            assert t.name is None or not t.name.startswith("trace"), name
            if t.showlegend is not False and t.type != "heatmap":
                assert t.name, name


def test_every_figure_uses_the_shared_readable_layout(all_figures):
    for name, fig in all_figures.items():
        assert fig.layout.template == pio.templates["plotly_white"], name
        assert fig.layout.font.size >= 12, name
        assert fig.layout.legend.orientation == "h", name
        assert fig.layout.height, name


@pytest.mark.parametrize("module", [charts, chart_text, palette])
def test_builders_import_neither_streamlit_nor_duckdb(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {name.split(".")[0] for name in imported} & {"streamlit", "duckdb"}
