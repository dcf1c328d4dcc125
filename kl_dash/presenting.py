"""Query results turned into what a page shows: Danish sentences, labels and formatted tables.

Tables returned here are exactly what the page draws, so the downloads offer the same rows and
columns the user sees.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from .charts import MeetingName
from .errors import DataError
from .filters import Choices, Filters
from .formatting import (
    danish_sort_key,
    format_date,
    format_number,
    format_share,
)
from .programmes import Note
from .queries import ExampleFacts, KeyFigures
from .reference import REGIONS


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None


def _day(value: Any) -> str:
    return "" if value is None or pd.isna(value) else format_date(pd.Timestamp(value).date())


def _share(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_share(value)


def _delta(now: float | None, before: float | None, share: bool = False) -> str | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    change = now - before
    if share:
        points = round(change * 100)
        return None if points == 0 else f"{points:+d} procentpoint"
    return None if change == 0 else f"{change:+,.0f}".replace(",", ".")


def _danish_order(names: pd.Index) -> list[str]:
    """Names in Danish alphabetical order (Aabenraa after Ærø)."""
    return sorted(names, key=danish_sort_key)


def table_column(values: list, dtype: Any) -> Any:
    """A table's column of ``values`` as an array of ``dtype``: a frame made of arrays has no
    index to align (made of Series, a table of twenty columns costs three times as much)."""
    if dtype == "object":
        made = np.empty(len(values), dtype=object)
        made[:] = values
        return made
    return pd.array(values, dtype=dtype)


def example_label(text: str, is_example: bool) -> str:
    """'Netværk Syd (eksempel)' for a fact that is example data; else the text as it is."""
    return f"{text} {labels.EXAMPLE_MARK}" if is_example else text


def network_label(name: Any, examples: ExampleFacts) -> str:
    """A network's name, marked when the network is example data; '' for no network."""
    if name is None or pd.isna(name):
        return ""
    return example_label(name, name in examples.networks)


def held_labels(meetings: pd.DataFrame, examples: ExampleFacts) -> list[str]:
    """Each meeting's held date ('' if not held), marked where the date is example data."""
    return [
        example_label(_day(held), mid in examples.held) if _day(held) else ""
        for mid, held in zip(meetings["meeting_id"], meetings["held_on"], strict=True)
    ]


def _month(day: date) -> str:
    from babel.dates import format_date as babel_date

    return babel_date(day, format="MMMM y", locale="da_DK")


def status_sentence(programme: dict[str, Any], as_of: date) -> tuple[str, str]:
    """('success'|'info', sentence) saying whether the programme had started, runs or is over."""
    start, end = programme["start_date"], programme["end_date"]
    start = start.date() if hasattr(start, "date") else start
    end = end.date() if hasattr(end, "date") else end
    if as_of >= end:
        return "success", (
            f"Partnerskabet sluttede i {_month(end)}. Tallene viser status pr. "
            f"{format_date(as_of)}."
        )
    if as_of < start:
        return "info", (
            f"Partnerskabet var endnu ikke startet pr. {format_date(as_of)}; det starter i "
            f"{_month(start)}."
        )
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    gone = (as_of.year - start.year) * 12 + as_of.month - start.month + 1
    return "info", (
        f"Status pr. {format_date(as_of)}: partnerskabet er i gang, måned "
        f"{format_number(gone)} af {format_number(months)}."
    )


def key_figure_cards(now: KeyFigures, before: KeyFigures, requires_agreement: bool) -> list[Card]:
    """The headline figures as labelled cards with the change since the previous period.

    Labels are short so that three cards fit side by side on a 1024 px laptop screen. A
    partnership whose sign-up is binding has no political agreement, and no card for it.
    """
    since = f"siden {format_date(before.as_of)}"
    agreement = [
        Card(
            "Politisk aftale",
            format_number(now.with_agreement),
            _delta(now.with_agreement, before.with_agreement),
            "Tilmeldte kommuner hvis kommunalbestyrelse har tiltrådt den politiske aftale. "
            f"Ændring {since}.",
        )
    ]
    return [
        Card(
            "Kommuner",
            format_number(now.enrolled),
            _delta(now.enrolled, before.enrolled),
            "Tilmeldte kommuner: de har tilkendegivet interesse og er ikke udtrådt. "
            f"Ændring {since}.",
        ),
        *(agreement if requires_agreement else []),
        Card(
            "Udtrådt",
            format_number(now.withdrawn),
            _delta(now.withdrawn, before.withdrawn),
            f"Kommuner der har forladt partnerskabet. Ændring {since}.",
        ),
        Card(
            "Deltagere",
            format_number(now.participants),
            _delta(now.participants, before.participants),
            f"Tilmeldte personer i de deltagende kommuner. Ændring {since}.",
        ),
        Card(
            "Møder afholdt",
            f"{format_number(now.meetings_held)} af {format_number(now.meetings_planned)}",
            _delta(now.meetings_held, before.meetings_held),
            f"Ændring {since}.",
        ),
        Card(
            "Fremmøde",
            _share(now.attendance_rate),
            _delta(now.attendance_rate, before.attendance_rate, share=True),
            "Fremmøde: ved "
            f"{format_number(now.meetings_attended)} af {format_number(now.meetings_expected)} "
            "afholdte møder var den deltagende kommune, mødet var for (dens netværk, grupper "
            f"og spor), repræsenteret. Udtrådte kommuner tæller ikke med. Ændring {since}.",
        ),
        Card(
            "Kriterier opnået",
            _share(now.criteria_share),
            _delta(now.criteria_share, before.criteria_share, share=True),
            f"Succeskriterier opnået: {format_number(now.criteria_reached)} af "
            f"{format_number(now.criteria_assessed)} vurderinger står på opnået (den seneste "
            "vurdering af hvert kriterium i hver deltagende kommune; udtrådte kommuner tæller "
            f"ikke med). Ændring {since}.",
        ),
    ]


def overdue_note(plan: pd.DataFrame) -> str | None:
    """A sentence about meetings whose planned period has passed without being registered."""
    count = int((plan["status"] == "overdue").sum())
    if not count:
        return None
    noun = "møde" if count == 1 else "møder"
    return (
        f"{format_number(count)} {noun} er {labels.MEETING_STATUS['overdue']}: den planlagte "
        "periode er forbi, men mødet er ikke registreret som afholdt (upload møder)."
    )


def unscheduled_note(plan: pd.DataFrame) -> str | None:
    """A sentence about meetings the timeline cannot place (no period, not held yet)."""
    count = int((plan["planned_from"].isna() & plan["held_on"].isna()).sum())
    if not count:
        return None
    return (
        f"{format_number(count)} møder har endnu intet fastlagt tidspunkt og vises ikke på "
        "tidslinjen; de står i mødeplanen under Møder og spor."
    )


def filter_summary(filters: Filters, choices: Choices) -> str:
    """'Region Midtjylland · Ledelsesspor' or '' when nothing is filtered."""
    parts = []
    if filters.region:
        parts.append(f"Region {filters.region}")
    if filters.network_id:
        parts.append(choices.networks.get(filters.network_id, filters.network_id))
    if filters.group_id:
        parts.append(choices.groups.get(filters.group_id, filters.group_id))
    if filters.status:
        parts.append(labels.ENROLLMENT_STATUS[filters.status])
    if filters.municipality_code:
        parts.append(choices.municipalities.get(filters.municipality_code, ""))
    if filters.period_from:
        parts.append(f"møder fra {format_date(filters.period_from)}")
    return " · ".join(parts)


def view_caption(programme: dict[str, Any], filters: Filters, choices: Choices) -> str:
    """'Short name · Region Midtjylland · Ledelsesspor': what a page is showing."""
    return " · ".join(filter(None, [programme["short_name"], filter_summary(filters, choices)]))


def programme_caption(programme: dict[str, Any], notes: tuple[Note, ...]) -> str:
    """Case id, run and price in one line; the price as the invitation words it.

    A run whose end kl_dash has derived (a note interprets it) says so.
    """
    derived = any(n.topic == "run" and n.kind == "interpretation" for n in notes)
    run = programme["run_text"] + (
        " (slutningen er udledt; se Om partnerskabet)" if derived else ""
    )
    return f"{programme['case_id']} · {run} · Pris: »{programme['price_text']}«"


def empty_sentence(filters: Filters, choices: Choices, what: str) -> str:
    """A sentence saying that nothing matches, and why."""
    summary = filter_summary(filters, choices)
    if summary:
        return f"Ingen {what} matcher filtrene ({summary}) pr. {format_date(filters.as_of)}."
    return f"Ingen {what} pr. {format_date(filters.as_of)} i dette partnerskab endnu."


def meeting_plan_table(plan: pd.DataFrame, examples: ExampleFacts) -> pd.DataFrame:
    """The meeting plan with Danish headings, dates as '14. september 2021'.

    A meeting whose planned period has passed unregistered says so under Afholdt; the
    network column is there when some meeting is one network's own. Example networks and
    held dates are marked.
    """
    networks = plan["network_name"].tolist()
    table = {
        "Nr.": range(1, len(plan) + 1),  # the numbers on the timeline (charts)
        "Møde": plan["title"],
        "Type": [labels.MEETING_TYPES[kind].capitalize() for kind in plan["meeting_type"].tolist()],
        "Gruppe/spor": plan["group_name"].fillna(labels.ALL_GROUPS),
        "Netværk": [network_label(n, examples) or labels.ALL_NETWORKS for n in networks],
        "Planlagt": plan["planned_text"].fillna("ikke fastlagt"),
        "Afholdt": [
            labels.MEETING_STATUS["overdue"] if status == "overdue" else held
            for held, status in zip(
                held_labels(plan, examples), plan["status"].tolist(), strict=True
            )
        ],
        "Form": [labels.MEETING_FORMS.get(form, "") for form in plan["form"].tolist()],
    }
    if not any(isinstance(n, str) for n in networks):
        del table["Netværk"]
    return pd.DataFrame(table)


def timeline_order(plan: pd.DataFrame, examples: ExampleFacts) -> pd.DataFrame:
    """The plan with the groups in the programme's own order (meetings for all first).

    held_example says which held dates are example data, for the chart to mark them; number
    is each meeting's place in the plan, as meeting_plan_table numbers it.
    """
    marked = plan.assign(
        held_example=plan["meeting_id"].isin(examples.held), number=range(1, len(plan) + 1)
    )
    return marked.sort_values("group_order", kind="stable")


def next_meetings_table(meetings: pd.DataFrame, examples: ExampleFacts) -> pd.DataFrame:
    """The coming meetings: title, group, when they are planned and, where known, the form."""
    networks = meetings["network_name"].tolist()
    table = {
        "Møde": meetings["title"],
        "Gruppe/spor": meetings["group_name"].fillna(labels.ALL_GROUPS),
        "Netværk": [network_label(n, examples) or labels.ALL_NETWORKS for n in networks],
        "Planlagt": meetings["planned_text"].fillna("ikke fastlagt"),
        "Form": [labels.MEETING_FORMS.get(form, "") for form in meetings["form"].tolist()],
    }
    if not any(isinstance(n, str) for n in networks):
        del table["Netværk"]
    if not any(table["Form"]):
        del table["Form"]
    return pd.DataFrame(table)


def map_table(municipalities: pd.DataFrame) -> pd.DataFrame:
    """The municipalities drawn on the map: name, region, position and status."""
    return pd.DataFrame(
        {
            "Kode": municipalities["code"],
            "Kommune": municipalities["name"],
            "Region": municipalities["region"],
            "Breddegrad": municipalities["latitude"],
            "Længdegrad": municipalities["longitude"],
            "Status": municipalities["status"]
            .map(labels.ENROLLMENT_STATUS)
            .fillna("Ikke tilmeldt"),
        }
    )


def region_table(municipalities: pd.DataFrame) -> pd.DataFrame:
    """Enrolled municipalities per region and status (the map as a table)."""
    regions = municipalities["region"].tolist()
    totals = Counter(regions)
    counts = Counter(zip(regions, municipalities["status"].tolist(), strict=True))
    shown = [r for r in REGIONS if r in totals]
    columns = {  # int64 arrays: a cast of the frame's columns cost more than the counting
        label: np.array([counts[region, status] for region in shown], dtype="int64")
        for status, label in labels.ENROLLMENT_STATUS.items()
    } | {"Kommuner i alt": np.array([totals[region] for region in shown], dtype="int64")}
    return pd.DataFrame({"Region": shown} | columns)


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """Enrollment steps over time, for download."""
    return pd.DataFrame(
        {
            "Dato": progress["day"].map(_day),
            "Trin": progress["series"].map(labels.ENROLLMENT_STEPS),
            "Kommuner i alt": progress["value"],
        }
    )


def shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """Criteria reached over time, for download."""
    return pd.DataFrame(
        {
            "Vurderingsdato": shares["day"].map(_day),
            "Opnået": shares["achieved"],
            "Vurderet": shares["assessed"],
            "Andel opnået": shares["share"].map(_share),
        }
    )


def municipality_table(
    table: pd.DataFrame, group_names: list[str], examples: ExampleFacts
) -> pd.DataFrame:
    """One row per municipality, Danish headings; participants per group as columns."""
    shown = pd.DataFrame(
        {
            "Kommune": table["name"],
            "Region": table["region"],
            "Netværk": [network_label(n, examples) for n in table["network_name"]],
            "Status": table["status"].map(labels.ENROLLMENT_STATUS),
        }
    )
    shown["Fremmøde"] = table["attendance_rate"].map(_share)
    shown["Møder deltaget"] = [
        "" if pd.isna(e) else f"{int(a)} af {int(e)}"
        for a, e in zip(table["meetings_attended"], table["meetings_expected"], strict=True)
    ]
    shown["Succeskriterier opnået"] = [
        f"{int(r)} af {int(t)}" if t else "–"
        for r, t in zip(table["criteria_reached"], table["criteria_total"], strict=True)
    ]
    for name in group_names:  # participants per group or track, after the key columns
        if name in table:
            shown[name] = table[name].astype("Int64")
    return shown


def profile_caption(row: dict[str, Any], examples: ExampleFacts) -> str:
    """'Region Syddanmark · Netværk Syd (eksempel) · Deltager': where a municipality stands."""
    network = network_label(row["network_name"], examples) or "intet netværk"
    return f"Region {row['region']} · {network} · {labels.ENROLLMENT_STATUS[row['status']]}"


def enrollment_steps(row: dict[str, Any], requires_agreement: bool) -> list[tuple[str, str]]:
    """A municipality's steps: (step, date or 'endnu ikke')."""
    steps = [(labels.ENROLLMENT_STEPS["interest"], _day(row["interest_on"]))]
    if requires_agreement:
        steps.append(("Politisk aftale tiltrådt", _day(row["agreement_on"]) or "endnu ikke"))
    if row.get("withdrawn_on") is not None and not pd.isna(row["withdrawn_on"]):
        steps.append((labels.ENROLLMENT_STEPS["withdrawn"], _day(row["withdrawn_on"])))
    return steps


def profile_attendance_table(rows: pd.DataFrame, examples: ExampleFacts) -> pd.DataFrame:
    """The municipality's attendance at each held meeting."""
    return pd.DataFrame(
        {
            "Møde": rows["title"],
            "Gruppe/spor": rows["group_name"].fillna(labels.ALL_GROUPS),
            "Afholdt": held_labels(rows, examples),
            "Fremmødte": rows["attendees"].astype("Int64"),
            "Tilmeldte": rows["expected"].astype("Int64"),
        }
    )


def profile_criteria_table(rows: pd.DataFrame, examples: ExampleFacts) -> pd.DataFrame:
    """Criterion x assessment date with the Danish status word (rows: criteria)."""
    assessed = rows.dropna(subset=["assessed_on"])
    if assessed.empty:
        return pd.DataFrame(columns=["Nr.", "Succeskriterium"])
    cells: dict[tuple[int, str], dict[str, str]] = {}  # per criterion: each day's status word
    for no, text, day, status in zip(
        assessed["criterion_no"].tolist(),
        assessed["text"].tolist(),
        assessed["assessed_on"].tolist(),
        assessed["status"].tolist(),
        strict=True,
    ):
        key = (no, example_label(text, no in examples.criteria))
        cells.setdefault(key, {})[_day(day)] = labels.CRITERION_STATUS.get(status)
    days = dict.fromkeys(day for by_day in cells.values() for day in by_day)
    return pd.DataFrame(
        {
            "Nr.": table_column([no for no, _ in cells], assessed["criterion_no"].dtype),
            "Succeskriterium": table_column([text for _, text in cells], "str"),
        }
        | {day: table_column([cells[key].get(day, "") for key in cells], "str") for day in days}
    )


def comparison_table(rows: pd.DataFrame, examples: ExampleFacts) -> pd.DataFrame:
    """The municipality against its network and all participants."""
    return pd.DataFrame(
        {
            "": [
                labels.COMPARISON_GROUPS[group]
                + (f" ({network_label(network, examples)})" if group == "network" else "")
                for group, network in zip(rows["group"], rows["network_name"], strict=True)
            ],
            "Fremmøde": rows["attendance_rate"].map(_share),
            "Succeskriterier opnået": rows["criteria_share"].map(_share),
        }
    )


def meeting_names(plan: pd.DataFrame, examples: ExampleFacts) -> dict[str, MeetingName]:
    """Each held meeting's number and full name by its attendance key ('ls-2-syd Gensidige ...').

    The number is the meeting's place in ``plan``, as meeting_plan_table numbers it (Nr.). The
    full name: the number, the held date (marked where it is example data), the title, and the
    network for a network's own meeting (marked where the network is example data).
    """
    names = {}
    for number, (mid, title, held, network) in enumerate(
        zip(
            *(plan[c].tolist() for c in ("meeting_id", "title", "held_on", "network_name")),
            strict=True,
        ),
        start=1,
    ):
        if not _day(held):
            continue
        day = format_date(pd.Timestamp(held).date())
        full = [
            f"Nr. {number}",
            example_label(day, mid in examples.held),
            title,
            network_label(network, examples),
        ]
        names[f"{mid} {title}"] = MeetingName(number, " · ".join(filter(None, full)))
    return names


def attendance_matrix(cells: pd.DataFrame, names: dict[str, MeetingName]) -> pd.DataFrame:
    """Municipality x meeting, number attending (empty where not taking part), for download.

    Meetings are headed by their readable names (meeting_names), in the order held.
    """
    municipalities, meetings, attendance, order = (
        cells[c].tolist() for c in ("municipality", "meeting", "attendees", "meeting_order")
    )
    came: dict[str, dict[str, int]] = {}  # per municipality taking part: per meeting, the first
    places: dict[str, int] = {}  # each meeting's place in the order held
    for name, meeting, attendees, place in zip(
        municipalities, meetings, attendance, order, strict=True
    ):
        places.setdefault(meeting, place)
        if attendees is not None and not pd.isna(attendees):
            came.setdefault(name, {}).setdefault(meeting, int(attendees))
    held = sorted(places, key=places.__getitem__)
    rows = _danish_order(came)
    # One integer block and its mask, each column an Int64 array of them (pd.array per column
    # infers and checks every value).
    values = np.zeros((len(rows), len(held)), dtype="int64")
    empty = np.ones((len(rows), len(held)), dtype=bool)
    column = {meeting: j for j, meeting in enumerate(held)}
    for i, name in enumerate(rows):
        for meeting, attendees in came[name].items():
            values[i, column[meeting]], empty[i, column[meeting]] = attendees, False
    table: dict[str, Any] = {"Kommune": rows}
    for j, meeting in enumerate(held):
        table[names[meeting].full if meeting in names else meeting] = pd.arrays.IntegerArray(
            values[:, j].copy(), empty[:, j].copy()
        )
    return pd.DataFrame(table)


def outside_range(people: int, low: int, high: int) -> bool:
    """Whether a municipality's people in a group lie outside the range the group asks for."""
    return people < low or people > high


def participants_table(rows: pd.DataFrame) -> pd.DataFrame:
    """People per municipality and group against the range the group asks for."""
    columns = ("municipality", "group_name", "participants", "min_participants", "max_participants")
    ordered = sorted(
        zip(rows["sort_order"].tolist(), *(rows[c].tolist() for c in columns), strict=True),
        key=lambda row: (row[0], danish_sort_key(row[1])),
    )
    names, groups, counts, lows, highs = (
        [row[k] for row in ordered] for k in range(1, len(columns) + 1)
    )
    return pd.DataFrame(
        {
            "Kommune": names,
            "Gruppe/spor": groups,
            "Deltagere": pd.array(counts, dtype=rows["participants"].dtype),
            "Ønsket": [f"{low}–{high}" for low, high in zip(lows, highs, strict=True)],
            "Uden for intervallet": [
                "ja" if outside_range(count, low, high) else ""
                for count, low, high in zip(counts, lows, highs, strict=True)
            ],
        }
    )


def criteria_texts(criteria: pd.DataFrame) -> list[str]:
    """'1. text' lines, verbatim; criteria agreed later say when, example criteria say so."""
    lines = []
    columns = ["criterion_no", "text", "origin", "agreed_on", "source"]
    # Columns as Python lists: itertuples walks the Arrow-backed text columns value by value.
    for no, text, origin, agreed_on, source in zip(
        *(criteria[c].tolist() for c in columns), strict=True
    ):
        when = [] if origin == "invitation" else [f"aftalt {_day(agreed_on)}"]
        if source == labels.EXAMPLE_SOURCE:
            when.insert(0, labels.EXAMPLE_MARK.strip("()"))
        lines.append(f"{no}. {text}" + (f" ({', '.join(when)})" if when else ""))
    return lines


def criteria_origin(criteria: pd.DataFrame, notes: tuple[Note, ...]) -> str:
    """Where the criteria come from: the programme file's reading of them, if it has one."""
    reading = " ".join(n.text for n in notes if (n.topic, n.kind) == ("criteria", "interpretation"))
    if criteria.empty:
        return reading or (
            "Partnerskabet har ingen succeskriterier endnu. De aftales af deltagerne og kan "
            "tilføjes senere."
        )
    if (criteria["source"] == labels.EXAMPLE_SOURCE).all():
        return (
            "Eksempel: invitationen fastsætter ingen succeskriterier; de aftales i den "
            "politiske aftale. Kriterierne her er opfundne eksempler, så siderne har noget at "
            "vise, ikke aftalte kriterier."
        )
    if reading:
        return reading
    if (criteria["origin"] == "invitation").all():
        return "Kriterierne er fastsat i invitationen og gengivet ordret."
    if (criteria["origin"] == "agreed").all():
        return "Kriterierne er aftalt af deltagerne i partnerskabet."
    return "Kriterierne er dels fastsat i invitationen, dels aftalt af deltagerne senere."


def criteria_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """Municipality x criterion with the Danish status word, for download.

    Withdrawn municipalities come last, marked, as in the heatmap: they count in no share.
    """
    words: dict[str, dict[int, str]] = {}  # per municipality, per criterion: the first status
    withdrawn = set()
    for name, number, status, enrollment in zip(
        *(
            cells[c].tolist()
            for c in ("municipality", "criterion_no", "status", "enrollment_status")
        ),
        strict=True,
    ):
        words.setdefault(name, {}).setdefault(
            number, labels.CRITERION_STATUS.get(status, "ikke vurderet")
        )
        if enrollment == "withdrawn":
            withdrawn.add(name)
    order = sorted(_danish_order(words), key=lambda name: name in withdrawn)
    table = {
        "Kommune": [
            f"{name} {labels.WITHDRAWN_MARK}" if name in withdrawn else name for name in order
        ]
    }
    for number in sorted({n for row in words.values() for n in row}):
        table[f"Kriterium {number}"] = [words[name].get(number) for name in order]
    return pd.DataFrame(table)


def criterion_shares(cells: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: how many of the assessed municipalities taking part have reached it.

    Withdrawn municipalities are left out, as in every key figure (kl_dash.key_figures).
    """
    tally: dict[int, list[int]] = {}  # per criterion: reached, assessed
    for number, status, counted in zip(
        *(cells[c].tolist() for c in ("criterion_no", "status", "counted")), strict=True
    ):
        reached_assessed = tally.setdefault(number, [0, 0])
        if counted and isinstance(status, str):
            reached_assessed[0] += status == "achieved"
            reached_assessed[1] += 1
    numbers = sorted(tally)
    reached = [tally[n][0] for n in numbers]
    assessed = [tally[n][1] for n in numbers]
    return pd.DataFrame(
        {
            "Kriterium": np.array(numbers, dtype=cells["criterion_no"].dtype),
            "Opnået": np.array(reached, dtype="int64"),
            "Vurderede kommuner": np.array(assessed, dtype="int64"),
            "Andel opnået": [
                _share(r / a if a else None) for r, a in zip(reached, assessed, strict=True)
            ],
        }
    )


def definition_plan(p) -> pd.DataFrame:
    """A partnership definition's meeting plan in the columns meeting_plan's table and chart use.

    Nothing in a definition is held yet: every meeting is planned.
    """
    groups = {g.id: g.name for g in p.groups}
    networks = {n.id: n.name for n in p.networks}
    columns = [
        "meeting_id",
        "title",
        "meeting_type",
        "group_name",
        "network_name",
        "planned_text",
        "planned_from",
        "planned_to",
        "held_on",
        "status",
        "form",
    ]
    return pd.DataFrame(
        [
            {
                "meeting_id": m.id,
                "title": m.title,
                "meeting_type": m.type,
                "group_name": groups.get(m.group),
                "network_name": networks.get(m.network),
                "planned_text": m.planned,
                "planned_from": m.planned_from,
                "planned_to": m.planned_to,
                "held_on": None,
                "status": "planned",
                "form": m.form,
            }
            for m in p.meetings
        ],
        columns=columns,
    )


def definition_groups(p) -> pd.DataFrame:
    """A partnership definition's groups and tracks with the people each municipality sends."""
    return pd.DataFrame(
        {
            "Gruppe/spor": [g.name for g in p.groups],
            "Type": [labels.GROUP_KINDS[g.kind] for g in p.groups],
            "Deltagere pr. kommune": [f"{g.min}–{g.max}" for g in p.groups],
            "Beskrivelse": [g.description or "" for g in p.groups],
        }
    )


def definition_facts(p) -> list[tuple[str, str]]:
    """The headline facts of a partnership definition: (label, value)."""
    facts = [
        ("Id", p.id),
        ("Sags-ID", p.case_id),
        ("Løbetid", p.run_text),
        ("Pris", p.price_text),
        ("Invitation", format_date(p.invitation_date)),
    ]
    if p.interest_deadline:
        facts.append(("Frist for interesse", format_date(p.interest_deadline)))
    if p.agreement_deadline:
        facts.append(("Frist for politisk aftale", format_date(p.agreement_deadline)))
    if p.kickoff:
        facts.append(("Opstart", format_date(p.kickoff)))
    return facts


def _heading(default: str, words: list[str]) -> str:
    """'Række', or 'Række/linje' when some of the errors point at lines of a TOML file."""
    return "/".join(dict.fromkeys([default, *words])).capitalize()


def errors_table(errors: list[DataError]) -> pd.DataFrame:
    """One row per problem, for every page: Fil, Række, Kolonne, Værdi, Forventet.

    Rows are numbered as Excel counts them (header = 1); a TOML file's errors point at lines
    and keys, and the headings then say so ("Række/linje", "Kolonne/nøgle").
    """
    return pd.DataFrame(
        {
            "Fil": [e.file for e in errors],
            _heading("række", [e.row_word for e in errors]): pd.array(
                [e.row for e in errors], dtype="Int64"
            ),
            _heading("kolonne", [e.column_word for e in errors if e.column is not None]): [
                e.column or "" for e in errors
            ],
            "Værdi": ["(tom)" if e.value in (None, "") else str(e.value) for e in errors],
            "Forventet": [e.expected for e in errors],
        }
    )


def outside_range_sentence(count: int) -> str:
    """'1 tilmelding ligger ...' / '5 tilmeldinger ligger ...'."""
    noun = "tilmelding" if count == 1 else "tilmeldinger"
    return f"{format_number(count)} {noun} ligger uden for det ønskede antal deltagere:"


def changes_since_note(before_as_of) -> str:
    """The caption that says what the changes under the key figures compare with."""
    return f"Pilene viser ændringen siden {format_date(before_as_of)} (tre måneder før)."
