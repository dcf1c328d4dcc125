"""What the pages draw, finished: figures and tables built from the view's query results.

Each function takes ``data`` (``data(query, *args)`` returns a kl_dash query's result for the
view's filters) and the filters, and returns one finished figure or table. Pages ask for them
through ``view.built(fn)``, which keeps the result per data version and filters for every
session: a rerun with filters shown before does no SQL, no pandas, no Danish formatting and
no Plotly building. A result is shared, never copied: nothing may change it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kl_dash import chart_text, charts, comparison_view, presenting, queries
from kl_dash.filters import Filters
from kl_dash.presenting import Card

Data = Callable[..., Any]


# --- Overblik ---------------------------------------------------------------------------------


def key_figure_cards(data: Data, f: Filters) -> list[Card]:
    """Overblik's cards: the key figures, each with its change since the date before."""
    requires_agreement = data(queries.programme_info)["requires_agreement"]
    now, before = data(queries.key_figures_with_previous)
    return presenting.key_figure_cards(now, before, requires_agreement)


def meeting_timeline(data: Data, f: Filters) -> go.Figure:
    """The meeting plan and the meetings held, per group, up to the status date."""
    plan = presenting.timeline_order(data(queries.meeting_plan), data(queries.example_facts))
    return charts.meeting_timeline(plan, f.as_of)


def meeting_timeline_text(data: Data, f: Filters) -> str:
    """The meeting timeline's alt text."""
    return chart_text.meeting_timeline(data(queries.meeting_plan), f.as_of)


def meeting_plan_table(data: Data, f: Filters) -> pd.DataFrame:
    """The meeting plan as a table (Danish dates, held or not)."""
    return presenting.meeting_plan_table(data(queries.meeting_plan), data(queries.example_facts))


def unscheduled_note(data: Data, f: Filters) -> str | None:
    """The sentence about meetings the timeline cannot place, if any."""
    return presenting.unscheduled_note(data(queries.meeting_plan))


def overdue_note(data: Data, f: Filters) -> str | None:
    """The sentence about meetings overdue on the status date, if any."""
    return presenting.overdue_note(data(queries.meeting_plan))


def next_meetings_table(data: Data, f: Filters) -> pd.DataFrame:
    """The next meetings in the plan (no rows when none is coming)."""
    coming = queries.next_meetings(data(queries.meeting_plan))
    return presenting.next_meetings_table(coming, data(queries.example_facts))


def enrollment_steps(data: Data, f: Filters) -> go.Figure:
    """Enrollments over time."""
    return charts.enrollment_steps(data(queries.enrollment_progress), f.as_of)


def enrollment_steps_text(data: Data, f: Filters) -> str:
    """Enrollments over time: the alt text."""
    return chart_text.enrollment_steps(data(queries.enrollment_progress), f.as_of)


def progress_table(data: Data, f: Filters) -> pd.DataFrame:
    """Enrollments over time as a table."""
    return presenting.progress_table(data(queries.enrollment_progress))


def share_over_time(data: Data, f: Filters) -> go.Figure:
    """The share of criteria reached over time."""
    return charts.share_over_time(data(queries.criteria_shares), f.as_of)


def share_over_time_text(data: Data, f: Filters) -> str:
    """The share of criteria reached over time: the alt text."""
    return chart_text.share_over_time(data(queries.criteria_shares), f.as_of)


def shares_table(data: Data, f: Filters) -> pd.DataFrame:
    """The share of criteria reached over time as a table."""
    return presenting.shares_table(data(queries.criteria_shares))


def denmark_map(data: Data, f: Filters) -> go.Figure:
    """The municipalities on the map of Denmark, by status."""
    return charts.denmark_map(data(queries.municipality_map))


def denmark_map_text(data: Data, f: Filters) -> str:
    """The map's alt text."""
    return chart_text.denmark_map(data(queries.municipality_map))


def map_table(data: Data, f: Filters) -> pd.DataFrame:
    """The map's municipalities as a table."""
    return presenting.map_table(data(queries.municipality_map))


def region_table(data: Data, f: Filters) -> pd.DataFrame:
    """The municipalities per region."""
    return presenting.region_table(data(queries.municipality_map))


# --- Møder og spor ----------------------------------------------------------------------------


def _meeting_names(data: Data) -> dict[str, charts.MeetingName]:
    return presenting.meeting_names(data(queries.meeting_plan), data(queries.example_facts))


def attendance_heatmap(data: Data, f: Filters) -> go.Figure:
    """Attendance per municipality and meeting (columns numbered as in the meeting plan, Nr.)."""
    cells = data(queries.attendance).cells
    return charts.attendance_heatmap(cells, _meeting_names(data))


def attendance_heatmap_text(data: Data, f: Filters) -> str:
    """The attendance heatmap's alt text."""
    return chart_text.attendance_heatmap(data(queries.attendance).cells)


def attendance_matrix(data: Data, f: Filters) -> pd.DataFrame:
    """Attendance per municipality and meeting as a table."""
    return presenting.attendance_matrix(data(queries.attendance).cells, _meeting_names(data))


def participants(data: Data, f: Filters) -> pd.DataFrame:
    """People signed up per municipality in view and group (queries.participants' rows)."""
    return data(queries.participants)


def participants_range(data: Data, f: Filters) -> go.Figure:
    """Participants per group and track against the range wanted."""
    return charts.participants_range(participants(data, f))


def participants_range_text(data: Data, f: Filters) -> str:
    """The participants chart's alt text."""
    return chart_text.participants_range(participants(data, f))


def participants_table(data: Data, f: Filters) -> pd.DataFrame:
    """Participants per group and track as a table."""
    return presenting.participants_table(participants(data, f))


def participants_outside(data: Data, f: Filters) -> pd.DataFrame:
    """The table's rows outside the range wanted (no rows when every one is inside it): the
    table of those rows alone, not the whole table made again and filtered."""
    rows = participants(data, f)
    outside = [
        i
        for i, (people, low, high) in enumerate(
            zip(
                rows["participants"].tolist(),
                rows["min_participants"].tolist(),
                rows["max_participants"].tolist(),
                strict=True,
            )
        )
        if presenting.outside_range(people, low, high)
    ]
    table = presenting.participants_table(rows.iloc[outside])
    return table.drop(columns="Uden for intervallet")


# --- Succeskriterier --------------------------------------------------------------------------


def criteria_heatmap(data: Data, f: Filters) -> go.Figure:
    """Each municipality's status on each criterion."""
    return charts.criteria_heatmap(data(queries.criteria_status).cells)


def criteria_heatmap_text(data: Data, f: Filters) -> str:
    """The criteria heatmap's alt text."""
    return chart_text.criteria_heatmap(data(queries.criteria_status).cells)


def criteria_matrix(data: Data, f: Filters) -> pd.DataFrame:
    """Each municipality's status on each criterion as a table."""
    return presenting.criteria_matrix(data(queries.criteria_status).cells)


def criterion_shares(data: Data, f: Filters) -> pd.DataFrame:
    """The share reached of each criterion."""
    return presenting.criterion_shares(data(queries.criteria_status).cells)


# --- Kommuner ---------------------------------------------------------------------------------


def municipality_rows(data: Data, f: Filters) -> pd.DataFrame:
    """The Kommuner table's rows (queries.municipality_table); on a profile, its own row."""
    if f.municipality_code:
        return data(queries.municipality_profile).table
    return data(queries.municipality_table)


def municipality_table(data: Data, f: Filters, group_names: tuple[str, ...]) -> pd.DataFrame:
    """One row per municipality, as the Kommuner page shows it (a column per group)."""
    return presenting.municipality_table(
        municipality_rows(data, f), list(group_names), data(queries.example_facts)
    )


def _compared(data: Data) -> queries.Comparison:
    return data(queries.municipality_profile).comparison


def comparison_cards(data: Data, f: Filters) -> list[Card]:
    """A profile's cards: the municipality beside its network and everyone."""
    return comparison_view.cards(_compared(data))


def comparison_figures(data: Data, f: Filters) -> pd.DataFrame:
    """A profile's comparison figures as a table."""
    return comparison_view.figures_table(_compared(data), data(queries.example_facts))


def comparison_over_time(data: Data, f: Filters) -> go.Figure:
    """Criteria reached over time by the municipality, its network and everyone."""
    compared = _compared(data)
    names = comparison_view.names(compared, data(queries.example_facts))
    return charts.comparison_over_time(compared.over_time, names, f.as_of)


def comparison_over_time_text(data: Data, f: Filters) -> str:
    """The comparison over time: the alt text."""
    compared = _compared(data)
    names = comparison_view.names(compared, data(queries.example_facts))
    return chart_text.comparison_over_time(compared.over_time, names, f.as_of)


def comparison_over_time_table(data: Data, f: Filters) -> pd.DataFrame:
    """The comparison over time as a table."""
    return comparison_view.over_time_table(_compared(data), data(queries.example_facts))


def comparison_criteria(data: Data, f: Filters) -> pd.DataFrame:
    """Each criterion: the municipality against its network and everyone."""
    return comparison_view.criteria_table(_compared(data), data(queries.example_facts))


def comparison_participants(data: Data, f: Filters) -> pd.DataFrame:
    """Participants per group: the municipality against the range and the others' means."""
    return comparison_view.participants_table(_compared(data), data(queries.example_facts))


def profile_attendance(data: Data, f: Filters) -> pd.DataFrame:
    """The municipality's attendance at each meeting."""
    return presenting.profile_attendance_table(
        data(queries.municipality_profile).attendance, data(queries.example_facts)
    )


def profile_criteria(data: Data, f: Filters) -> pd.DataFrame:
    """The municipality's assessments over time."""
    return presenting.profile_criteria_table(
        data(queries.profile_criteria), data(queries.example_facts)
    )
