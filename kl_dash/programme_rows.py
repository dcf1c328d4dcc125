"""A programme's rows, read once per data version, and the pages' views computed from them.

Issue 12: most of the time of a page's statements (the key figures on two days; Overblik's
plan, enrollments, criteria shares and map; Møder og spor's attendance; Succeskriterier's
status; the Kommuner table; a municipality's profile) was DuckDB binding and planning them,
10-60 ms a filter change, whatever the data. A programme has at most a few thousand rows (98
municipalities, some dozens of meetings, their attendance and assessments), so its rows are
read once per data version (``read``: a handful of plain statements, kept per programme by
ui.frame) and each view is computed from them here in about a millisecond.

The statements in ``queries`` stay the definition, written once in SQL: every function here
gives the same rows, order and dtypes as its statement (``queries.FROM_ROWS`` names them),
which tests/test_programme_rows.py holds on every view of the example data and of generated
benchmark data, on DuckDB and PostgreSQL. SQL's NULL rules are followed where they matter: a
comparison with an empty date is false. Names are ordered by code point, as DuckDB orders
them (and PostgreSQL with the C collation); a PostgreSQL database with a Danish collation
orders the statements' names otherwise, and the presenters sort them the Danish way either way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd

from . import store
from .filters import Filters
from .key_figures import KeyFigures


@dataclass(frozen=True)
class Enrollment:
    code: str
    name: str
    region: str
    network_id: str | None
    network_name: str | None
    interest_on: date
    agreement_on: date | None
    withdrawn_on: date | None


@dataclass(frozen=True, order=True)
class Meeting:
    meeting_id: str
    title: str
    meeting_type: str
    group_id: str | None
    group_name: str | None
    group_order: int
    network_id: str | None
    network_name: str | None
    planned_text: str | None
    planned_from: date | None
    planned_to: date | None
    held_on: date | None
    form: str | None
    sort_order: int


@dataclass(frozen=True)
class ProgrammeRows:
    """What the views below read of one programme (and the 98 municipalities, for the map).

    ``assessments``: (code, criterion_no, assessed_on, status) in date order.
    """

    programme_id: str
    requires_agreement: bool | None  # None: no such programme
    municipalities: tuple[tuple[str, str, str, float, float], ...]  # code order
    enrollments: tuple[Enrollment, ...]
    meetings: tuple[Meeting, ...]
    attendees: dict[tuple[str, str], int]  # (meeting_id, code) -> attendees
    criteria: tuple[tuple[int, str, str], ...]  # the success criteria: no, text, source
    groups: dict[str, tuple[str, int, int, int]]  # id -> name, sort_order, min, max people
    participants: tuple[tuple[str, str, int], ...]  # (code, group_id, participants)
    assessments: tuple[tuple[str, int, date, str], ...]
    notes: dict[tuple[str, int, date], str]  # (code, criterion_no, assessed_on) -> its note


ENROLLMENTS_SQL = """
SELECT e.municipality_code, m.name, m.region, e.network_id, n.name, e.interest_on,
       e.agreement_on, e.withdrawn_on
FROM enrollments AS e
JOIN municipalities AS m ON m.code = e.municipality_code
LEFT JOIN networks AS n ON n.programme_id = e.programme_id AND n.network_id = e.network_id
WHERE e.programme_id = $programme
ORDER BY e.municipality_code
"""
MEETINGS_SQL = """
SELECT mt.meeting_id, mt.title, mt.meeting_type, mt.group_id, g.name,
       coalesce(g.sort_order, 0), mt.network_id, n.name, mt.planned_text, mt.planned_from,
       mt.planned_to, mt.held_on, mt.form, mt.sort_order
FROM meetings AS mt
LEFT JOIN programme_groups AS g
  ON g.programme_id = mt.programme_id AND g.group_id = mt.group_id
LEFT JOIN networks AS n ON n.programme_id = mt.programme_id AND n.network_id = mt.network_id
WHERE mt.programme_id = $programme
"""
ATTENDANCE_SQL = """
SELECT meeting_id, municipality_code, attendees FROM attendance WHERE programme_id = $programme
"""
PARTICIPANTS_SQL = """
SELECT municipality_code, group_id, participants FROM participants
WHERE programme_id = $programme
"""
CRITERIA_SQL = """
SELECT criterion_no, text, source FROM success_criteria WHERE programme_id = $programme
ORDER BY criterion_no
"""
GROUPS_SQL = """
SELECT group_id, name, sort_order, min_participants, max_participants FROM programme_groups
WHERE programme_id = $programme
"""
ASSESSMENTS_SQL = """
SELECT municipality_code, criterion_no, assessed_on, status, note FROM criterion_status
WHERE programme_id = $programme
"""


def read(con: Any, programme_id: str) -> ProgrammeRows:
    """The programme's rows, as the statements in ``queries`` read them, all of one state of
    the data (an upload storing meanwhile is wholly in them or wholly not)."""
    with store.read_snapshot(con):
        return _read(con, programme_id)


def _read(con: Any, programme_id: str) -> ProgrammeRows:

    def rows(sql: str) -> list[tuple]:
        return con.execute(sql, {"programme": programme_id}).fetchall()

    found = rows("SELECT requires_agreement FROM programmes WHERE id = $programme")
    assessed = sorted(rows(ASSESSMENTS_SQL), key=lambda row: (row[2], row[0], row[1]))
    places = "SELECT code, name, region, latitude, longitude FROM municipalities ORDER BY code"
    return ProgrammeRows(
        programme_id=programme_id,
        requires_agreement=bool(found[0][0]) if found else None,
        municipalities=tuple(con.execute(places).fetchall()),
        enrollments=tuple(Enrollment(*row) for row in rows(ENROLLMENTS_SQL)),
        # in one order on either database: ties of the plan's order fall the same way
        meetings=tuple(sorted(Meeting(*row) for row in rows(MEETINGS_SQL))),
        attendees={(meeting, code): n for meeting, code, n in rows(ATTENDANCE_SQL)},
        criteria=tuple(rows(CRITERIA_SQL)),
        groups={group: tuple(rest) for group, *rest in rows(GROUPS_SQL)},
        participants=tuple(rows(PARTICIPANTS_SQL)),
        # in date order (the latest assessment of a pair on a day is the last one read)
        assessments=tuple(row[:4] for row in assessed),
        notes={row[:3]: row[4] for row in assessed if row[4] is not None},
    )


# --- SCOPE's steps, on one day -----------------------------------------------------------------


def _on_or_before(day: date | None, limit: date) -> bool:
    """SQL's ``day <= limit`` in a WHERE or CASE: false when the day is empty."""
    return day is not None and day <= limit


def _status(rows: ProgrammeRows, e: Enrollment, day: date) -> str:
    if _on_or_before(e.withdrawn_on, day):
        return "withdrawn"
    if _on_or_before(e.agreement_on, day) or not rows.requires_agreement:
        return "participating"
    return "awaiting_agreement"


def _scope(rows: ProgrammeRows, f: Filters, day: date) -> list[tuple[Enrollment, str]]:
    """SCOPE's ``scope``: the municipalities the filters select that had shown interest by
    ``day``, each with its status then."""
    if rows.requires_agreement is None:
        return []
    return [
        (e, _status(rows, e, day))
        for e in rows.enrollments
        if e.interest_on <= day
        and (f.region is None or e.region == f.region)
        and (f.network_id is None or e.network_id == f.network_id)
        and (f.municipality_code is None or e.code == f.municipality_code)
    ]


def _in_view(scope: list[tuple[Enrollment, str]], f: Filters) -> list[tuple[Enrollment, str]]:
    return [(e, status) for e, status in scope if f.status is None or status == f.status]


def _meetings_in_view(
    rows: ProgrammeRows, f: Filters, scope: list[tuple[Enrollment, str]]
) -> list[Meeting]:
    """SCOPE's ``meetings_in_view``: the groups' meetings meant for someone in view."""
    everyone = f.region is None and f.network_id is None and f.municipality_code is None
    networks = {e.network_id for e, _ in scope}
    return [
        m
        for m in rows.meetings
        if (f.group_id is None or m.group_id is None or m.group_id == f.group_id)
        and (
            m.network_id is None
            or everyone
            or m.network_id == f.network_id
            or m.network_id in networks
        )
    ]


def _held(meetings: list[Meeting], f: Filters, day: date) -> list[Meeting]:
    """SCOPE's ``held_in_view``."""
    return [
        m
        for m in meetings
        if _on_or_before(m.held_on, day) and (f.period_from is None or m.held_on >= f.period_from)
    ]


def _latest(rows: ProgrammeRows, day: date) -> dict[tuple[str, int], str]:
    """SCOPE's ``latest_assessment``: each (municipality, criterion)'s latest status by ``day``."""
    latest: dict[tuple[str, int], str] = {}
    for code, criterion, assessed_on, status in rows.assessments:  # in date order
        if assessed_on > day:
            break
        latest[(code, criterion)] = status
    return latest


@dataclass(frozen=True)
class MunicipalityFigures:
    """SCOPE's ``municipality_figures``: one municipality in view and its own counts."""

    enrollment: Enrollment
    status: str
    meetings_attended: int
    meetings_expected: int
    criteria_reached: int
    criteria_assessed: int
    participants: int

    @property
    def counted(self) -> bool:
        """Whether it counts in the partnership's figures: it takes part on the day."""
        return self.status == "participating"


def municipality_figures(
    rows: ProgrammeRows, f: Filters, day: date
) -> tuple[list[MunicipalityFigures], list[Meeting], list[Meeting]]:
    """Each municipality in view on ``day`` with its own counts, and the meetings in view and
    those held (SCOPE's steps on that day)."""
    scope = _scope(rows, f, day)
    meetings = _meetings_in_view(rows, f, scope)
    held = _held(meetings, f, day)
    none_sent = {(code, group) for code, group, people in rows.participants if people == 0}
    people = Counter()
    for code, group, count in rows.participants:
        if f.group_id is None or group == f.group_id:
            people[code] += count
    reached, assessed = Counter(), Counter()
    for (code, _), status in _latest(rows, day).items():
        assessed[code] += 1
        reached[code] += status == "achieved"
    figures = []
    for e, status in _in_view(scope, f):
        expected = attended = 0
        for m in held:
            if _expected_at(rows, e, m, none_sent):
                expected += 1
                attended += rows.attendees.get((m.meeting_id, e.code), 0) > 0
        figures.append(
            MunicipalityFigures(
                e, status, attended, expected, reached[e.code], assessed[e.code], people[e.code]
            )
        )
    return figures, meetings, held


def _figures(rows: ProgrammeRows, f: Filters, day: date) -> KeyFigures:
    """KEY_FIGURES_SQL's row for ``day``: ``municipality_figures`` summed over the view."""
    figures, meetings, held = municipality_figures(rows, f, day)
    counted = [m for m in figures if m.counted]
    return KeyFigures(
        day,
        enrolled=sum(m.status != "withdrawn" for m in figures),
        with_agreement=sum(
            m.status != "withdrawn" and _on_or_before(m.enrollment.agreement_on, day)
            for m in figures
        ),
        withdrawn=sum(m.status == "withdrawn" for m in figures),
        participants=sum(m.participants for m in counted),
        meetings_held=len(held),
        meetings_planned=len(meetings),
        meetings_attended=sum(m.meetings_attended for m in counted),
        meetings_expected=sum(m.meetings_expected for m in counted),
        criteria_reached=sum(m.criteria_reached for m in counted),
        criteria_assessed=sum(m.criteria_assessed for m in counted),
    )


def key_figures_with_previous(
    rows: ProgrammeRows, f: Filters, before: date
) -> tuple[KeyFigures, KeyFigures]:
    """queries.key_figures_with_previous: the key figures on the status date and on ``before``."""
    return _figures(rows, f, f.as_of), _figures(rows, f, before)


# --- Overblik's frames ---------------------------------------------------------------------------

# Each frame's columns as queries' parts name them (name, SQL type), for store.typed_frame.
PLAN_COLUMNS = [
    ("meeting_id", "VARCHAR"),
    ("title", "VARCHAR"),
    ("meeting_type", "VARCHAR"),
    ("group_id", "VARCHAR"),
    ("group_name", "VARCHAR"),
    ("group_order", "INTEGER"),
    ("network_id", "VARCHAR"),
    ("network_name", "VARCHAR"),
    ("planned_text", "VARCHAR"),
    ("planned_from", "DATE"),
    ("planned_to", "DATE"),
    ("held_on", "DATE"),
    ("form", "VARCHAR"),
    ("status", "VARCHAR"),
    ("sort_order", "INTEGER"),
]
PROGRESS_COLUMNS = [("day", "DATE"), ("series", "VARCHAR"), ("value", "INTEGER")]
SHARES_COLUMNS = [
    ("day", "DATE"),
    ("share", "DOUBLE PRECISION"),
    ("achieved", "INTEGER"),
    ("assessed", "INTEGER"),
]
PLACES_COLUMNS = [
    ("code", "VARCHAR"),
    ("name", "VARCHAR"),
    ("region", "VARCHAR"),
    ("latitude", "DOUBLE PRECISION"),
    ("longitude", "DOUBLE PRECISION"),
    ("status", "VARCHAR"),
]

_LAST = date.max  # SQL's ORDER BY puts an empty value last


def meeting_plan(rows: ProgrammeRows, f: Filters) -> pd.DataFrame:
    """queries.meeting_plan."""
    scope = _scope(rows, f, f.as_of)
    plan = []
    for m in _meetings_in_view(rows, f, scope):
        held_on = m.held_on if _on_or_before(m.held_on, f.as_of) else None
        if held_on is not None:
            status = "held"
        elif m.planned_to is not None and m.planned_to < f.as_of:
            status = "overdue"
        else:
            status = "planned"
        plan_day = held_on or m.planned_from or m.held_on
        plan.append(
            (
                (plan_day or _LAST, plan_day is None, m.sort_order),
                (
                    m.meeting_id,
                    m.title,
                    m.meeting_type,
                    m.group_id,
                    m.group_name,
                    m.group_order,
                    m.network_id,
                    m.network_name,
                    m.planned_text,
                    m.planned_from,
                    m.planned_to,
                    held_on,
                    m.form,
                    status,
                    m.sort_order,
                ),
            )
        )
    plan.sort(key=lambda item: item[0])
    return store.typed_frame([row for _, row in plan], PLAN_COLUMNS)


def enrollment_progress(rows: ProgrammeRows, f: Filters) -> pd.DataFrame:
    """queries.enrollment_progress: each step's running count by day, up to the status date."""
    per_day: dict[str, Counter] = defaultdict(Counter)
    for e, _ in _scope(rows, f, f.as_of):
        per_day["interest"][e.interest_on] += 1
        if _on_or_before(e.agreement_on, f.as_of):
            per_day["agreement"][e.agreement_on] += 1
        if _on_or_before(e.withdrawn_on, f.as_of):
            per_day["withdrawn"][e.withdrawn_on] += 1
    out = []
    for series in sorted(per_day):
        counts = per_day[series]
        counts[f.as_of] += 0  # the series reaches the status date
        running = 0
        for day in sorted(counts):
            running += counts[day]
            out.append((day, series, running))
    return store.typed_frame(out, PROGRESS_COLUMNS)


def criteria_shares(rows: ProgrammeRows, f: Filters) -> pd.DataFrame:
    """queries.criteria_shares: on each day an assessment was made, the share of the
    participating municipalities' latest assessments that say 'achieved'."""
    scope = _in_view(_scope(rows, f, f.as_of), f)
    taking_part = {e.code for e, status in scope if status == "participating"}
    assessed = [a for a in rows.assessments if a[2] <= f.as_of and a[0] in taking_part]
    return store.typed_frame(_shares_by_day(assessed), SHARES_COLUMNS)


def _shares_by_day(assessments: list[tuple[str, int, date, str]]) -> list[tuple]:
    """criteria_shares' rows of ``assessments`` (in date order): (day, share, achieved, n)."""
    latest: dict[tuple[str, int], str] = {}
    achieved = 0
    out: list[tuple] = []
    for code, criterion, day, status in assessments:
        achieved += (status == "achieved") - (latest.get((code, criterion)) == "achieved")
        latest[(code, criterion)] = status
        if out and out[-1][0] == day:
            out.pop()
        out.append((day, achieved / len(latest), achieved, len(latest)))
    return out


def municipality_map(rows: ProgrammeRows, f: Filters) -> pd.DataFrame:
    """queries.municipality_map: every municipality, with its status when it is in view."""
    status_of = {e.code: status for e, status in _in_view(_scope(rows, f, f.as_of), f)}
    return store.typed_frame(
        [(*place, status_of.get(place[0])) for place in rows.municipalities], PLACES_COLUMNS
    )


# --- Møder og spor's and Succeskriterier's rows --------------------------------------------

ATTENDANCE_COLUMNS = [
    ("municipality", "VARCHAR"),
    ("meeting", "VARCHAR"),
    ("meeting_order", "INTEGER"),
    ("attendees", "INTEGER"),
    ("expected", "DOUBLE PRECISION"),
]


def _expected_at(rows: ProgrammeRows, e: Enrollment, m: Meeting, none_sent: set) -> bool:
    """SCOPE's ``expected_attendance``: whether ``e`` is expected at the held meeting ``m``."""
    start = e.agreement_on
    if start is None and not rows.requires_agreement:
        start = e.interest_on
    return (
        start is not None
        and start <= m.held_on
        and (e.withdrawn_on is None or e.withdrawn_on > m.held_on)
        and (m.network_id is None or m.network_id == e.network_id)
        and (e.code, m.group_id) not in none_sent
    )


def attendance(rows: ProgrammeRows, f: Filters) -> tuple[pd.DataFrame, frozenset[str]]:
    """queries.attendance: ATTENDANCE_CELLS_SQL's cells (none while no meeting is held) and
    the codes of the municipalities in view."""
    scope = _scope(rows, f, f.as_of)
    in_view = sorted(_in_view(scope, f), key=lambda item: item[0].name)
    held = sorted(
        _held(_meetings_in_view(rows, f, scope), f, f.as_of),
        key=lambda m: (m.held_on, m.sort_order, m.meeting_id),
    )
    codes = frozenset(e.code for e, _ in in_view)
    if not held:
        return store.typed_frame([], ATTENDANCE_COLUMNS), codes
    order, ranks = {}, {}
    for m in held:  # dense_rank() OVER (ORDER BY held_on, sort_order)
        ranks.setdefault((m.held_on, m.sort_order), len(ranks) + 1)
        order[m.meeting_id] = ranks[(m.held_on, m.sort_order)]
    people = {(code, group): n for code, group, n in rows.participants}
    none_sent = {pair for pair, n in people.items() if n == 0}
    totals: dict[str, float] = defaultdict(float)
    for (code, _), n in people.items():
        totals[code] += n
    cells = []
    for e, _ in in_view:
        for m in held:
            if _expected_at(rows, e, m, none_sent):
                attendees = rows.attendees.get((m.meeting_id, e.code), 0)
                expected = people.get((e.code, m.group_id), totals.get(e.code))
                expected = None if expected is None else float(expected)
            else:
                attendees = expected = None
            cells.append(
                (e.name, f"{m.meeting_id} {m.title}", order[m.meeting_id], attendees, expected)
            )
    return store.typed_frame(cells, ATTENDANCE_COLUMNS), codes


def criteria_history(rows: ProgrammeRows, f: Filters) -> list[tuple]:
    """CRITERIA_HISTORY_SQL's rows: each municipality in view and criterion with each of its
    assessments by the status date, in date order (one empty row when there is none)."""
    history: dict[tuple[str, int], list[tuple[date, str]]] = defaultdict(list)
    for code, criterion, assessed_on, status in rows.assessments:  # in date order
        if assessed_on > f.as_of:
            break
        history[(code, criterion)].append((assessed_on, status))
    out = []
    in_view = sorted(_in_view(_scope(rows, f, f.as_of), f), key=lambda item: item[0].name)
    for e, enrollment in in_view:
        for criterion, _, _ in rows.criteria:
            for day, status in history.get((e.code, criterion)) or [(None, None)]:
                out.append((e.name, criterion, enrollment, day, status))
    return out


# --- Kommuner's rows ------------------------------------------------------------------------

MUNICIPALITY_ROW_COLUMNS = [
    ("code", "VARCHAR"),
    ("name", "VARCHAR"),
    ("region", "VARCHAR"),
    ("network_name", "VARCHAR"),
    ("status", "VARCHAR"),
    ("counted", "BOOLEAN"),
    ("interest_on", "DATE"),
    ("agreement_on", "DATE"),
    ("withdrawn_on", "DATE"),
    ("attendance_rate", "DOUBLE PRECISION"),
    ("meetings_attended", "INTEGER"),
    ("meetings_expected", "INTEGER"),
    ("criteria_reached", "INTEGER"),
    ("criteria_assessed", "INTEGER"),
    ("criteria_total", "INTEGER"),
    ("group_id", "VARCHAR"),
    ("group_name", "VARCHAR"),
    ("sort_order", "INTEGER"),
    ("participants", "INTEGER"),
    ("min_participants", "INTEGER"),
    ("max_participants", "INTEGER"),
    ("network_id", "VARCHAR"),
]


def municipality_records(rows: ProgrammeRows, f: Filters) -> list[dict[str, Any]]:
    """MUNICIPALITY_TABLE_SQL's rows, each a dict of its columns: each municipality in view
    and its counts on the status date, once per group it signed people up for (in the group
    filtered on), or once with empty group columns; by name, then the group's place."""
    return [dict(zip(_ROW_NAMES, row, strict=True)) for row in _municipality_rows(rows, f)]


_ROW_NAMES = [name for name, _ in MUNICIPALITY_ROW_COLUMNS]


def _municipality_rows(rows: ProgrammeRows, f: Filters) -> list[tuple]:
    signed: dict[str, list[tuple]] = defaultdict(list)
    for code, group, people in rows.participants:
        if group in rows.groups and (f.group_id is None or group == f.group_id):
            name, sort_order, least, most = rows.groups[group]
            signed[code].append((group, name, sort_order, people, least, most))
    out = []
    figures, _, _ = municipality_figures(rows, f, f.as_of)
    for m in sorted(figures, key=lambda m: m.enrollment.name):
        e, expected = m.enrollment, m.meetings_expected
        row = (
            e.code,
            e.name,
            e.region,
            e.network_name,
            m.status,
            m.counted,
            e.interest_on,
            e.agreement_on,
            e.withdrawn_on,
            m.meetings_attended / expected if expected else None,
            m.meetings_attended if expected else None,
            expected or None,
            m.criteria_reached,
            m.criteria_assessed,
            len(rows.criteria),
        )
        groups = sorted(signed.get(e.code, []), key=lambda group: group[2])
        for group in groups or [(None,) * 6]:
            out.append((*row, *group, e.network_id))
    return out


# --- A municipality's profile ----------------------------------------------------------------

# The SQL types of PROFILE_SQL's columns that make frames (queries.municipality_profile).
PROFILE_TYPES = dict(MUNICIPALITY_ROW_COLUMNS) | {
    "day": "DATE",
    "set_name": "VARCHAR",
    "share": "DOUBLE PRECISION",
    "achieved": "INTEGER",
    "assessed": "INTEGER",
    "meeting_id": "VARCHAR",
    "title": "VARCHAR",
    "meeting_group": "VARCHAR",
    "meeting_network": "VARCHAR",
    "held_on": "DATE",
    "attendees": "INTEGER",
    "expected": "INTEGER",
}
_SETS = (("municipality", 1), ("network", 2), ("everyone", 3))


def profile_parts(rows: ProgrammeRows, f: Filters) -> dict[str, list[dict[str, Any]]]:
    """PROFILE_SQL's parts for the municipality ``f`` chooses, compared with everyone taking
    part under the filters' status date, period and group: 'row' (everyone's municipality
    rows), 'compared', 'listed' and 'attended', each row a dict of that part's columns."""
    everyone = replace(f, municipality_code=None, region=None, network_id=None, status=None)
    scope = _scope(rows, everyone, f.as_of)  # with no status filter: in view too
    return {
        "row": municipality_records(rows, everyone),
        "compared": _compared(rows, f, scope),
        "listed": [
            {"listed_no": no, "listed_text": text, "listed_source": source}
            for no, text, source in rows.criteria
        ],
        "attended": _attended(rows, everyone, scope, f.municipality_code),
    }


def _compared_row(kind: str, set_name: str, **values: Any) -> dict[str, Any]:
    """A row of PROFILE_SQL's 'compared' part (its other columns empty)."""
    order = dict(_SETS)[set_name]
    empty = dict.fromkeys(
        ["day", "criterion_no", "criterion_status", "share", "achieved", "assessed"]
    )
    return {"kind": kind, "set_order": order, "set_name": set_name} | empty | values


def _compared(rows: ProgrammeRows, f: Filters, scope: list) -> list[dict[str, Any]]:
    """PROFILE_SQL's 'compared' part: the share reached over time of each set ('day' rows),
    then per criterion the chosen one's latest status and how many of those taking part in
    its network and of everyone reached it ('criterion' rows)."""
    chosen = f.municipality_code
    network_of = {e.code: e.network_id for e in rows.enrollments}
    taking_part = {e.code for e, status in scope if status == "participating"}
    assessed = [a for a in rows.assessments if a[2] <= f.as_of and a[0] in taking_part]
    sets = {
        "municipality": [a for a in assessed if a[0] == chosen],
        "network": [
            a
            for a in assessed
            if network_of.get(chosen) is not None and network_of[a[0]] == network_of[chosen]
        ],
        "everyone": assessed,
    }
    compared = [
        _compared_row("day", name, day=day, share=share, achieved=reached, assessed=n)
        for name, _ in _SETS
        for day, share, reached, n in _shares_by_day(sets[name])
    ]

    latest = _latest(rows, f.as_of)
    compared += [
        _compared_row("criterion", "municipality", criterion_no=criterion, criterion_status=status)
        for (code, criterion), status in sorted(latest.items(), key=lambda item: item[0][1])
        if code == chosen
    ]
    # near: in the chosen one's network, by name as shown (none when it is not in view)
    near_name = next((e.network_name for e, _ in scope if e.code == chosen), None)
    in_view = {e.code: (status, e.network_name) for e, status in scope}
    tally: dict[tuple[int, str, int], list[int]] = {}
    for (code, criterion), status in latest.items():
        if code in in_view:
            enrollment, network_name = in_view[code]
            near = near_name is not None and network_name == near_name
            for name, order in _SETS[1:] if near else _SETS[2:]:
                counts = tally.setdefault((order, name, criterion), [0, 0])
                counts[0] += enrollment == "participating" and status == "achieved"
                counts[1] += enrollment == "participating"
    compared += [
        _compared_row("criterion", name, criterion_no=criterion, achieved=reached, assessed=n)
        for (_, name, criterion), (reached, n) in sorted(tally.items())
    ]
    return compared


def _attended(
    rows: ProgrammeRows, f: Filters, scope: list, chosen: str | None
) -> list[dict[str, Any]]:
    """PROFILE_SQL's 'attended' part: the chosen one's attendance at each held meeting meant
    for it (attendees empty where none is registered), with the people expected there: those
    it signed up for the meeting's group, or for all its groups."""
    people = {(code, group): n for code, group, n in rows.participants}
    none_sent = {pair for pair, n in people.items() if n == 0}
    own = [n for (code, _), n in people.items() if code == chosen]
    everything = sum(own) if own else None
    held = sorted(
        _held(_meetings_in_view(rows, f, scope), f, f.as_of),
        key=lambda m: (m.held_on, m.sort_order),
    )
    return [
        {
            "meeting_id": m.meeting_id,
            "title": m.title,
            "meeting_group": m.group_name,
            "meeting_network": m.network_name,
            "held_on": m.held_on,
            "attendees": rows.attendees.get((m.meeting_id, chosen)),
            "expected": people.get((chosen, m.group_id), everything),
            "meeting_order": m.sort_order,
        }
        for e, _ in scope
        if e.code == chosen
        for m in held
        if _expected_at(rows, e, m, none_sent)
    ]


PROFILE_CRITERIA_COLUMNS = [
    ("criterion_no", "INTEGER"),
    ("text", "VARCHAR"),
    ("assessed_on", "DATE"),
    ("status", "VARCHAR"),
    ("note", "VARCHAR"),
]


def profile_criteria(rows: ProgrammeRows, f: Filters) -> pd.DataFrame:
    """PROFILE_CRITERIA_SQL: the chosen municipality's assessments of each criterion by the
    status date, in date order (a row without one where there is none)."""
    chosen = f.municipality_code
    history: dict[int, list[tuple]] = defaultdict(list)
    for code, criterion, assessed_on, status in rows.assessments:  # in date order
        if assessed_on > f.as_of:
            break
        if code == chosen:
            note = rows.notes.get((code, criterion, assessed_on))
            history[criterion].append((assessed_on, status, note))
    return store.typed_frame(
        [
            (criterion, text, *assessment)
            for criterion, text, _ in rows.criteria
            for assessment in history.get(criterion) or [(None, None, None)]
        ],
        PROFILE_CRITERIA_COLUMNS,
    )
