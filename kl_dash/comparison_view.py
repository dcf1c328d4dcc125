"""What the development group's comparison on a municipality's profile shows.

The page a director prints before a network meeting: the municipality beside its network and
all participants on attendance, participants per group against the range asked for, and each
success criterion, with its place among the others and the criteria over time. Built from
``queries.municipality_profile``; tables are what the page draws and what it offers for
download. No streamlit here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import labels
from .filters import Filters
from .formatting import format_date, format_number, format_share
from .presenting import Card, example_label, network_label, table_column
from .queries import Comparison, ExampleFacts


def _share(part: int, whole: int) -> str:
    """'40 % (4 af 10)', or '–' when nothing is assessed."""
    if not whole:
        return "–"
    return f"{format_share(part / whole)} ({format_number(part)} af {format_number(whole)})"


def _rate(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_share(value)


def _mean(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_number(value, 1)


def _place(rank: Any, of: int) -> str:
    """'nr. 3 af 21', or '–' when the municipality has no value to place."""
    if rank is None or pd.isna(rank):
        return "–"
    return f"nr. {format_number(rank)} af {format_number(of)}"


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Each row of a small frame as a dict of its values (plain Python's, NaN for a gap): a
    few rows read so cost less than through pandas' row and cell access."""
    columns = [frame[name].tolist() for name in frame.columns]
    return [dict(zip(frame.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def _by(frame: pd.DataFrame, key: str) -> dict[Any, dict[str, Any]]:
    """``_rows`` by the value of their ``key`` column."""
    return {row[key]: row for row in _rows(frame)}


def names(c: Comparison, examples: ExampleFacts) -> dict[str, str]:
    """The three sets by name: the municipality, its network (example marked), everyone."""
    found = {"municipality": c.name}
    if c.network_name:
        found["network"] = network_label(c.network_name, examples)
    return found | {"everyone": labels.COMPARISON_GROUPS["everyone"]}


def scope_sentence(c: Comparison, filters: Filters, group_name: str | None) -> str:
    """What the comparison counts: the date, the meetings, the group; withdrawn or not."""
    parts = [f"Status pr. {format_date(filters.as_of)}"]
    if filters.period_from:
        parts.append(f"møder fra {format_date(filters.period_from)}")
    if group_name:
        parts.append(f"kun {group_name}")
    sentence = ", ".join(parts) + (
        ". Netværket og alle deltagere tæller de kommuner, der deltager på datoen (udtrådte "
        "kommuner tæller ikke med); placeringen er blandt dem, bedst først."
    )
    if not c.counted:
        sentence += f" {c.name} deltager ikke på datoen og får derfor ingen placering."
    return sentence


def cards(c: Comparison) -> list[Card]:
    """Attendance and criteria reached: the municipality's own, against everyone, and its place."""
    everyone = _by(c.summary, "group")["everyone"]
    ranks = _by(c.ranks, "measure")
    found = []
    for measure, label, column in (
        ("attendance", "Fremmøde", "attendance_rate"),
        ("criteria", "Kriterier opnået", "criteria_share"),
    ):
        rank = ranks[measure]
        own, theirs = rank["value"], everyone[column]
        delta = None
        if own is not None and not pd.isna(own) and theirs is not None and not pd.isna(theirs):
            points = round((own - theirs) * 100)
            delta = f"{points:+d} procentpoint" if points else "som alle"
        found.append(
            Card(
                label,
                _rate(own),
                delta,
                f"{c.name}: {_rate(own)}; alle deltagere: {_rate(theirs)}. Pilen viser "
                "forskellen til alle deltagere.",
            )
        )
        found.append(
            Card(
                f"Plads, {label.split()[0].lower()}",
                _place(rank["rank"], rank["of"]).removeprefix("nr. "),
                None,
                "Kommunens plads blandt de deltagende kommuner, bedst først; kommuner med "
                "samme tal deler pladsen.",
            )
        )
    return found


def figures_table(c: Comparison, examples: ExampleFacts) -> pd.DataFrame:
    """Attendance and criteria reached: municipality, network, everyone, and its places."""
    by_group = _by(c.summary, "group")
    ranks = _by(c.ranks, "measure")
    shown = names(c, examples)
    rows = []
    for measure, label, column in (
        ("attendance", "Fremmøde", "attendance_rate"),
        ("criteria", "Succeskriterier opnået", "criteria_share"),
    ):
        row = {"": label}
        for group, name in shown.items():
            row[name] = _rate(by_group[group][column]) if group in by_group else "–"
        rank = ranks[measure]
        row["Placering blandt alle"] = _place(rank["rank"], rank["of"])
        if c.network_name:
            row["Placering i netværket"] = _place(rank["network_rank"], rank["network_of"])
        rows.append(row)
    return pd.DataFrame(rows)


def criteria_table(c: Comparison, examples: ExampleFacts) -> pd.DataFrame:
    """Each criterion: the municipality's status beside the share reached in its network and
    of everyone (of those assessed)."""
    rows = _rows(c.criteria)
    table = {
        "Nr.": c.criteria["criterion_no"],
        "Succeskriterium": [
            example_label(row["text"], row["criterion_no"] in examples.criteria) for row in rows
        ],
        c.name: [
            labels.CRITERION_STATUS.get(row["status"], "ikke vurderet")
            if isinstance(row["status"], str)
            else "ikke vurderet"
            for row in rows
        ],
    }
    if c.network_name:
        table[f"Opnået i {network_label(c.network_name, examples)}"] = [
            _share(row["network_reached"], row["network_assessed"]) for row in rows
        ]
    table["Opnået af alle deltagere"] = [
        _share(row["everyone_reached"], row["everyone_assessed"]) for row in rows
    ]
    return pd.DataFrame(table)


def participants_table(c: Comparison, examples: ExampleFacts) -> pd.DataFrame:
    """Each group: the people the municipality signed up against the range, and the means."""
    rows = _rows(c.participants)
    own = [None if pd.isna(row["participants"]) else int(row["participants"]) for row in rows]
    table = {
        "Gruppe/spor": c.participants["group_name"],
        c.name: pd.array(own, dtype="Int64"),
        "Ønsket": [f"{row['min_participants']}–{row['max_participants']}" for row in rows],
        "Uden for intervallet": [
            "ja"
            if people is not None
            and (people < row["min_participants"] or people > row["max_participants"])
            else ""
            for people, row in zip(own, rows, strict=True)
        ],
    }
    if c.network_name:
        table[f"Gns. i {network_label(c.network_name, examples)}"] = [
            _mean(row["network_mean"]) for row in rows
        ]
    table["Gns. alle deltagere"] = [_mean(row["everyone_mean"]) for row in rows]
    return pd.DataFrame(table)


def over_time_table(c: Comparison, examples: ExampleFacts) -> pd.DataFrame:
    """The chart's figures: per assessment date, the share reached by each set, for download."""
    shown = names(c, examples)
    texts: dict[str, dict] = {}  # per set: the text of each day (the first, as a pivot takes it)
    for group, day, achieved, assessed in zip(
        c.over_time["group"].tolist(),
        c.over_time["day"].tolist(),
        c.over_time["achieved"].tolist(),
        c.over_time["assessed"].tolist(),
        strict=True,
    ):
        texts.setdefault(group, {}).setdefault(day, _share(achieved, assessed))
    days = sorted({day for by_day in texts.values() for day in by_day})
    table = {"Vurderingsdato": [format_date(day.date()) for day in days]}
    for group, name in shown.items():  # a set without a day has no column
        if group in texts:
            table[name] = [texts[group].get(day) for day in days]
    kind = "str" if days else "object"  # as pandas' pivot of no days gives it
    return pd.DataFrame({name: table_column(values, kind) for name, values in table.items()})
