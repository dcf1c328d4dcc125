"""Each chart in words, on the real example database: the alt text says what the chart shows."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kl_dash import chart_text, charts, comparison_view, presenting, queries
from kl_dash.filters import Filters

ENGLISH = re.compile(r"\b(January|February|March|May|June|July|October|December|and|of)\b")
IT = Filters("it-2017", date(2019, 6, 1))
VIEWS = [
    IT,
    Filters("it-2017", date(2019, 6, 1), region="Midtjylland"),
    Filters("kvalitet-2017", date(2019, 6, 1)),
    Filters("faellesskaber-2021", date(2022, 6, 1)),
    Filters("it-2017", date(2017, 12, 1)),
]


def numbers(text: str) -> list[int]:
    """The whole numbers a sentence says, in order ('1.234' is 1234)."""
    return [int(n.replace(".", "")) for n in re.findall(r"\d+(?:\.\d{3})*", text)]


def trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.programme_id}-{v.as_of}-{v.region}")
def test_the_timeline_text_counts_the_meetings_the_chart_draws(con, view):
    plan = queries.meeting_plan(con, view)
    fig = charts.meeting_timeline(plan, view.as_of)
    held = len(trace(fig, "Afholdt").x) if any(t.name == "Afholdt" for t in fig.data) else 0
    waiting = sum(len(t.x) for t in fig.data if t.name.startswith("Ikke afholdt"))
    text = chart_text.meeting_timeline(plan, view.as_of)
    assert text.startswith(f"Tidslinje over {held + waiting} møder i ")
    assert f"; {held} afholdt pr. " in text
    if waiting:
        assert f", {waiting} endnu ikke" in text and "; næste møde: " in text
    assert not ENGLISH.search(text)


def test_the_timeline_text_names_the_next_meeting_and_the_span_in_danish(con):
    text = chart_text.meeting_timeline(queries.meeting_plan(con, IT), IT.as_of)
    assert text == (
        "Tidslinje over 31 møder i 5 grupper og spor fra september 2017 til december 2019; "
        "27 afholdt pr. 1. juni 2019, 4 endnu ikke; næste møde: Kommunebesøg i netværk "
        "(Udviklingsgruppen), planlagt medio 2019. 8 møder uden fastlagt tidspunkt er ikke "
        "på tidslinjen."
    )


def test_the_timeline_text_says_when_a_meeting_is_past_its_period_unregistered(con):
    plan = queries.meeting_plan(con, IT)
    unregistered = plan.assign(held_on=plan["held_on"].where(plan["meeting_id"] != "ps-1"))
    text = chart_text.meeting_timeline(unregistered, IT.as_of)
    assert "; 26 afholdt pr. 1. juni 2019, 5 endnu ikke (1 af dem ikke registreret som " in text
    assert "næste møde: Kommunebesøg i netværk (Udviklingsgruppen)" in text  # not ps-1


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.programme_id}-{v.as_of}-{v.region}")
def test_the_map_text_gives_the_legend_s_counts(con, view):
    places = queries.municipality_map(con, view)
    legend = [t.name for t in charts.denmark_map(places).data if t.name != "Danmark"]
    text = chart_text.denmark_map(places)
    assert text.startswith("Danmarkskort med 98 kommuner: ")
    for entry in legend:  # 'Deltager (21)' -> '21 deltager'
        label, count = re.fullmatch(r"(.+) \((\d+)\)", entry).groups()
        assert f"{count} {label.lower()}" in text, (entry, text)


def test_the_map_text_says_where_most_municipalities_take_part(con):
    places = queries.municipality_map(con, IT)
    regions = presenting.region_table(places).set_index("Region")["Deltager"]
    text = chart_text.denmark_map(places)
    assert f"Flest deltagende kommuner i Region {regions.idxmax()} ({regions.max()})." in text


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.programme_id}-{v.as_of}-{v.region}")
def test_the_enrollment_text_gives_each_step_s_count_on_the_status_date(con, view):
    progress = queries.enrollment_progress(con, view)
    text = chart_text.enrollment_steps(progress, view.as_of)
    figure = charts.enrollment_steps(progress, view.as_of)
    for line in figure.data:  # each step line ends on the status date with its count
        assert f"{line.name.lower()} {line.y[-1]}" in text, (line.name, text)
    assert "Tilmeldinger over tid fra " in text


def test_the_share_text_says_the_latest_share_as_the_chart_s_last_point(con):
    shares = queries.criteria_shares(con, IT)
    text = chart_text.share_over_time(shares, IT.as_of)
    last = shares.iloc[-1]
    assert f"Senest {last['achieved']} af {last['assessed']} vurderinger opnået" in text
    assert text.endswith("status pr. 1. juni 2019.")
    assert "%" in text and not ENGLISH.search(text)


@pytest.mark.parametrize("view", VIEWS[:4], ids=lambda v: f"{v.programme_id}-{v.region}")
def test_the_attendance_text_counts_the_cells_the_heatmap_fills(con, view):
    cells = queries.attendance_cells(con, view)
    names = presenting.meeting_names(
        queries.meeting_plan(con, view), queries.example_facts(con, view)
    )
    heat = charts.attendance_heatmap(cells, names).data[0]
    filled = [t for row in heat.text for t in row if t != ""]
    came = [t for t in filled if t != "0"]
    text = chart_text.attendance_heatmap(cells)
    assert f"for {len(heat.y)} kommuner ved {len(heat.x)} afholdte møder" in text
    assert f"repræsenteret ved {len(came)} af de {len(filled)} møder" in text


def test_the_attendance_text_names_the_municipality_with_the_lowest_attendance(con):
    cells = queries.attendance_cells(con, IT)
    taking_part = cells.dropna(subset=["attendees"])
    rates = (taking_part["attendees"] > 0).groupby(taking_part["municipality"]).mean()
    text = chart_text.attendance_heatmap(cells)
    assert f"; lavest {rates.idxmin()} (" in text


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.programme_id}-{v.as_of}-{v.region}")
def test_the_criteria_text_counts_every_cell_of_those_taking_part(con, view):
    cells = queries.criteria_cells(con, view)
    text = chart_text.criteria_heatmap(cells)
    counted = cells[cells["enrollment_status"] != "withdrawn"]
    said = re.search(r": (.*?)\.", text).group(1)
    assert sum(numbers(said)) == len(counted)
    assert f"Status på {cells['criterion_no'].nunique()} succeskriterier" in text


def test_the_criteria_text_says_which_criterion_is_reached_most_often(con):
    cells = queries.criteria_cells(con, IT)
    shares = presenting.criterion_shares(cells)
    best = shares[shares["Opnået"] == shares["Opnået"].max()]
    text = chart_text.criteria_heatmap(cells)
    assert f"Oftest opnået: nr. {best['Kriterium'].iloc[0]}" in text
    assert "1 udtrådt kommune vises sidst." in text


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.programme_id}-{v.as_of}-{v.region}")
def test_the_participants_text_counts_those_outside_the_range_as_the_table_does(con, view):
    people = queries.participants(con, view)
    table = presenting.participants_table(people)
    outside = int((table["Uden for intervallet"] == "ja").sum())
    text = chart_text.participants_range(people)
    assert f"{len(table) - outside} af {len(table)} tilmeldinger" in text
    assert (f"{outside} uden for" in text) == bool(outside)


def test_the_comparison_text_gives_each_set_s_latest_share(con):
    view = Filters("it-2017", date(2019, 6, 1), municipality_code="580")
    compared = queries.municipality_profile(con, view).comparison
    names = comparison_view.names(compared, queries.example_facts(con, view))
    text = chart_text.comparison_over_time(compared.over_time, names, view.as_of)
    latest = compared.over_time.sort_values("day").groupby("group").last()
    for group, name in names.items():
        if group in latest.index:
            share = round(latest.at[group, "share"] * 100)
            assert f"{name} {share} %" in text, (name, text)
    assert text.startswith("Andel af succeskriterierne opnået over tid for Aabenraa, ")


def test_meeting_names_number_the_heatmaps_columns_as_the_plans_table_and_mark_example_dates(
    con,
):
    cells = queries.attendance_cells(con, IT)
    examples = queries.example_facts(con, IT)
    plan = queries.meeting_plan(con, IT)
    names = presenting.meeting_names(plan, examples)
    assert set(cells["meeting"]) <= set(names)
    name = names["ls-2-syd Gensidige kommunebesøg i netværk"]
    table = presenting.meeting_plan_table(plan, examples)
    row = table[table["Nr."] == name.number].iloc[0]
    assert (row["Møde"], row["Netværk"]) == (
        "Gensidige kommunebesøg i netværk",
        "Netværk Syd (eksempel)",
    )
    assert name.full == (
        f"Nr. {name.number} · 22. maj 2018 (eksempel) · Gensidige kommunebesøg i netværk · "
        "Netværk Syd (eksempel)"
    )
    assert all(not re.search(r"\b[a-z]{2,3}-\d", n.full) for n in names.values())


def test_the_criteria_text_of_only_withdrawn_municipalities_says_none_take_part(con):
    from dataclasses import replace

    cells = queries.criteria_cells(con, replace(IT, status="withdrawn"))
    assert len(cells) and (cells["enrollment_status"] == "withdrawn").all()
    text = chart_text.criteria_heatmap(cells)
    assert text.startswith(f"Status på {cells['criterion_no'].nunique()} succeskriterier: ")
    assert "ingen deltagende kommuner i udsnittet" in text
    assert text.endswith("1 udtrådt kommune vises sidst.")
