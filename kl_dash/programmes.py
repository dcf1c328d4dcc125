"""Programme definitions: one TOML file per partnership, parsed, checked, written and stored.

The format is documented in docs/programme-format.md; ``parse_programme`` reads it and
``to_toml`` writes it, here and nowhere else. Parsing collects every problem in a
file before it gives up, each with its key path (e.g. ``meetings[3].planned``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import tomli_w

from . import labels
from .config import LIMITS
from .errors import DataError, InvalidInput
from .periods import PeriodError, parse_period

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MEETING_ID = re.compile(r"[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*")
INTEGER_MAX = 2**31 - 1  # the largest value of DuckDB's INTEGER, the type of every count
WHOLE_NUMBER = "et helt tal fra {} til 2.147.483.647"


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    kind: str
    min: int
    max: int
    description: str | None
    source: str


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class FocusArea:
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class Meeting:
    id: str
    title: str
    type: str
    group: str | None
    planned: str | None
    planned_from: date | None
    planned_to: date | None
    form: str | None
    source: str
    network: str | None = None  # the network whose meeting it is; None: for every network
    each_network: bool = False  # held by each network on its own, none named yet


@dataclass(frozen=True)
class Criterion:
    no: int
    text: str
    agreed_on: date | None
    source: str


@dataclass(frozen=True)
class Note:
    """A sentence of the file about one topic: the seed quoted, or kl_dash's reading of it."""

    topic: str
    kind: str
    text: str
    source: str


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    short_name: str
    case_id: str
    purpose: str | None
    invitation_date: date
    interest_deadline: date | None
    agreement_deadline: date | None
    requires_agreement: bool
    kickoff: date | None
    run_text: str
    start_date: date
    end_date: date
    price_dkk: int
    price_per_year_dkk: int | None
    price_text: str
    focus_selection: str
    networks_note: str | None
    sources: tuple[str, ...]
    groups: tuple[Group, ...] = field(default=())
    networks: tuple[Network, ...] = field(default=())
    focus_areas: tuple[FocusArea, ...] = field(default=())
    meetings: tuple[Meeting, ...] = field(default=())
    criteria: tuple[Criterion, ...] = field(default=())
    notes: tuple[Note, ...] = field(default=())


_TOP_KEYS = {
    "id",
    "name",
    "short_name",
    "case_id",
    "purpose",
    "invitation_date",
    "interest_deadline",
    "agreement_deadline",
    "requires_agreement",
    "kickoff",
    "run_from",
    "run_to",
    "price_dkk",
    "price_per_year_dkk",
    "price_text",
    "focus_selection",
    "networks_note",
    "sources",
    "groups",
    "networks",
    "focus_areas",
    "meetings",
    "criteria",
    "notes",
}
_ITEM_KEYS = {
    "groups": {"id", "name", "kind", "min", "max", "description", "source"},
    "networks": {"id", "name", "source"},
    "focus_areas": {"id", "name", "source"},
    "meetings": {
        "id",
        "title",
        "type",
        "group",
        "network",
        "each_network",
        "planned",
        "form",
        "source",
    },
    "criteria": {"no", "text", "agreed_on", "source"},
    "notes": {"topic", "kind", "text", "source"},
}


class _Reader:
    """Reads typed values from a TOML table, collecting a DataError for each problem."""

    def __init__(self, file: str):
        self.file = file
        self.errors: list[DataError] = []

    def error(self, path: str, value: object, expected: str) -> None:
        self.errors.append(DataError(self.file, None, path, value, expected, "nøgle", "linje"))

    def text(self, table: dict, key: str, path: str, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, value, "en tekst (ikke tom)")
            return None
        return value.strip()

    def slug(self, table: dict, key: str, path: str, pattern: re.Pattern = SLUG) -> str | None:
        value = self.text(table, key, path)
        if value is not None and not pattern.fullmatch(value):
            self.error(path, value, "små bogstaver a-z, tal og bindestreg, f.eks. it-2017")
            return None
        return value

    def day(self, table: dict, key: str, path: str, required: bool = False) -> date | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if type(value) is not date:
            self.error(path, value, "en dato skrevet som 2017-06-23 (uden anførselstegn)")
            return None
        return value

    def integer(self, table: dict, key: str, path: str, required: bool = True) -> int | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if type(value) is not int or not 0 <= value <= INTEGER_MAX:
            self.error(path, value, WHOLE_NUMBER.format(0))
            return None
        return value

    def word(self, table: dict, key: str, path: str, words: dict[str, str]) -> str | None:
        value = table.get(key)
        code = labels.code_for(words, value) if isinstance(value, str) else None
        if code is None:
            self.error(path, value, labels.allowed(words))
        return code

    def period(self, table: dict, key: str, path: str) -> tuple[str, date, date] | None:
        value = table.get(key)
        if type(value) is date:
            from .formatting import format_date

            return format_date(value), value, value
        if not isinstance(value, str):
            self.error(path, value, 'en dato eller periode, f.eks. "primo 2018"')
            return None
        try:
            start, end = parse_period(value)
        except PeriodError as exc:
            self.error(path, value, str(exc).split("forventet ", 1)[-1])
            return None
        return value.strip(), start, end

    def items(self, data: dict, key: str) -> list[tuple[str, dict]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(key, None, f"en liste af [[{key}]]-tabeller")
            return []
        out = []
        for i, item in enumerate(value, start=1):
            path = f"{key}[{i}]"
            for extra in sorted(set(item) - _ITEM_KEYS[key]):
                self.error(
                    f"{path}.{extra}",
                    item[extra],
                    "kun nøglerne " + ", ".join(sorted(_ITEM_KEYS[key])),
                )
            out.append((path, item))
        return out

    def unique(self, key: str, values: list[tuple[str, object]]) -> None:
        seen: set[object] = set()
        for path, value in values:
            if value is not None and value in seen:
                self.error(path, value, f"en værdi der ikke allerede er brugt i {key}")
            seen.add(value)


def parse_programme(text: str, file: str) -> Programme:
    """Parse and check a programme definition; raise InvalidInput listing every problem."""
    if too_deep := _nested_too_deep(text, file):
        raise InvalidInput([too_deep])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found[1]) if found else None
        raise InvalidInput(
            [DataError(file, line, None, None, f"gyldig TOML ({exc})", row_word="linje")]
        ) from exc
    r = _Reader(file)
    for extra in sorted(set(data) - _TOP_KEYS):
        r.error(extra, data[extra], "kun nøglerne " + ", ".join(sorted(_TOP_KEYS)))

    pid = r.slug(data, "id", "id")
    invitation = r.day(data, "invitation_date", "invitation_date", required=True)
    interest = r.day(data, "interest_deadline", "interest_deadline")
    agreement = r.day(data, "agreement_deadline", "agreement_deadline")
    requires_agreement = data.get("requires_agreement")
    if not isinstance(requires_agreement, bool):
        r.error("requires_agreement", requires_agreement, "true eller false")
    run_from = r.period(data, "run_from", "run_from")
    run_to = r.period(data, "run_to", "run_to")
    if invitation and interest and interest < invitation:
        r.error("interest_deadline", interest, "en dato på eller efter invitation_date")
    if interest and agreement and agreement < interest:
        r.error("agreement_deadline", agreement, "en dato på eller efter interest_deadline")
    if agreement and requires_agreement is False:
        r.error("agreement_deadline", agreement, "ingen frist, når requires_agreement = false")
    if run_from and run_to and run_to[2] <= run_from[1]:
        r.error("run_to", run_to[0], f"en periode der slutter efter run_from ({run_from[0]})")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        r.error("sources", sources, 'en liste af kilder, f.eks. ["seeds/000_....txt"]')
        sources = []

    groups = []
    for path, item in r.items(data, "groups"):
        gid = r.slug(item, "id", f"{path}.id")
        low, high = r.integer(item, "min", f"{path}.min"), r.integer(item, "max", f"{path}.max")
        if low is not None and high is not None and (high < low or high < 1):
            r.error(f"{path}.max", high, f"et tal på mindst 1 og mindst min ({low})")
        groups.append(
            Group(
                gid,
                r.text(item, "name", f"{path}.name"),
                r.word(item, "kind", f"{path}.kind", labels.GROUP_KINDS),
                low,
                high,
                r.text(item, "description", f"{path}.description", required=False),
                r.text(item, "source", f"{path}.source"),
            )
        )
    if not groups:
        r.error("groups", None, "mindst én [[groups]]-tabel (gruppe, spor eller netværk)")
    r.unique("groups", [(f"groups[{i}].id", g.id) for i, g in enumerate(groups, 1)])
    group_ids = {g.id for g in groups}

    networks = [
        Network(
            r.slug(item, "id", f"{path}.id"),
            r.text(item, "name", f"{path}.name"),
            r.text(item, "source", f"{path}.source"),
        )
        for path, item in r.items(data, "networks")
    ]
    r.unique("networks", [(f"networks[{i}].id", n.id) for i, n in enumerate(networks, 1)])
    network_ids = sorted(n.id for n in networks if n.id)

    focus = [
        FocusArea(
            r.slug(item, "id", f"{path}.id"),
            r.text(item, "name", f"{path}.name"),
            r.text(item, "source", f"{path}.source"),
        )
        for path, item in r.items(data, "focus_areas")
    ]
    r.unique("focus_areas", [(f"focus_areas[{i}].id", f.id) for i, f in enumerate(focus, 1)])

    meetings, meeting_paths = [], []
    for path, item in r.items(data, "meetings"):
        group = item.get("group")
        if group is not None and group not in group_ids:
            r.error(
                f"{path}.group",
                group,
                "id på en af partnerskabets grupper: " + ", ".join(sorted(group_ids)),
            )
        network = item.get("network")
        if network is not None and network not in network_ids:
            r.error(
                f"{path}.network",
                network,
                "id på et af partnerskabets netværk: " + ", ".join(network_ids)
                if network_ids
                else "id på et af partnerskabets netværk (filen har ingen [[networks]])",
            )
        each_network = item.get("each_network", False)
        if not isinstance(each_network, bool):
            r.error(f"{path}.each_network", each_network, "true eller false")
        elif each_network and network is not None:
            r.error(f"{path}.each_network", each_network, "ikke både network og each_network")
        planned = r.period(item, "planned", f"{path}.planned") if "planned" in item else None
        form = (
            r.word(item, "form", f"{path}.form", labels.MEETING_FORMS) if "form" in item else None
        )
        meetings.append(
            Meeting(
                r.slug(item, "id", f"{path}.id", MEETING_ID),
                r.text(item, "title", f"{path}.title"),
                r.word(item, "type", f"{path}.type", labels.MEETING_TYPES),
                group,
                planned[0] if planned else None,
                planned[1] if planned else None,
                planned[2] if planned else None,
                form,
                r.text(item, "source", f"{path}.source"),
                network,
                each_network is True,
            )
        )
        meeting_paths.append(f"{path}.id")
    ids = [
        (path, split.id if m.id else None)
        for path, m in zip(meeting_paths, meetings, strict=True)
        for split in split_by_network([m], network_ids)
    ]
    r.unique("meetings", ids)
    meetings = split_by_network(meetings, network_ids)

    criteria = []
    for path, item in r.items(data, "criteria"):
        no = item.get("no")
        if type(no) is not int or not 1 <= no <= INTEGER_MAX:
            r.error(f"{path}.no", no, WHOLE_NUMBER.format(1))
        criteria.append(
            Criterion(
                no,
                r.text(item, "text", f"{path}.text"),
                r.day(item, "agreed_on", f"{path}.agreed_on"),
                r.text(item, "source", f"{path}.source"),
            )
        )
    r.unique("criteria", [(f"criteria[{i}].no", c.no) for i, c in enumerate(criteria, 1)])

    notes = [
        Note(
            r.word(item, "topic", f"{path}.topic", labels.NOTE_TOPICS),
            r.word(item, "kind", f"{path}.kind", labels.NOTE_KINDS),
            r.text(item, "text", f"{path}.text"),
            r.text(item, "source", f"{path}.source"),
        )
        for path, item in r.items(data, "notes")
    ]

    selection = r.word(data, "focus_selection", "focus_selection", labels.FOCUS_SELECTION)
    programme = dict(
        name=r.text(data, "name", "name"),
        short_name=r.text(data, "short_name", "short_name"),
        case_id=r.text(data, "case_id", "case_id"),
        purpose=r.text(data, "purpose", "purpose", required=False),
        kickoff=r.day(data, "kickoff", "kickoff"),
        price_dkk=r.integer(data, "price_dkk", "price_dkk"),
        price_per_year_dkk=r.integer(
            data, "price_per_year_dkk", "price_per_year_dkk", required=False
        ),
        price_text=r.text(data, "price_text", "price_text"),
        networks_note=r.text(data, "networks_note", "networks_note", required=False),
    )
    if r.errors:
        raise InvalidInput([replace(e, row=_line_of(text, e.column)) for e in r.errors])
    return Programme(
        id=pid,
        invitation_date=invitation,
        interest_deadline=interest,
        agreement_deadline=agreement,
        requires_agreement=requires_agreement,
        run_text=f"{run_from[0]} til {run_to[0]}",
        start_date=run_from[1],
        end_date=run_to[2],
        focus_selection=selection,
        sources=tuple(sources),
        groups=tuple(groups),
        networks=tuple(sorted(networks, key=lambda n: n.id)),
        focus_areas=tuple(focus),
        meetings=tuple(meetings),
        criteria=tuple(criteria),
        notes=tuple(notes),
        **programme,
    )


def _nested_too_deep(text: str, file: str) -> DataError | None:
    """The line where lists and inline tables nest deeper than LIMITS.nesting, if any.

    tomllib parses nesting by recursion and fails with RecursionError a few hundred levels
    down; a partnership file uses two. Brackets inside strings and comments do not count.
    """
    depth, line, opened_at, i = 0, 1, 0, 0
    while i < len(text):
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":  # a comment runs to the end of its line
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        elif char in "\"'":
            end = _string_end(text, i)
            if end is None:
                return None  # an unterminated string: tomllib names its line
            line += text.count("\n", i, end)
            i = end
            continue
        elif char in "[{":
            depth += 1
            if depth == 1:
                opened_at = i
            if depth > LIMITS.nesting:
                start = text.rfind("\n", 0, opened_at) + 1
                key, _, value = text[start:opened_at].rpartition("=")
                value = (value + text[opened_at : i + 1]).strip()
                expected = f"højst {LIMITS.nesting} niveauer af lister og tabeller inde i hinanden"
                return DataError(
                    file, line, key.strip() or None, value[:40], expected, "nøgle", "linje"
                )
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


def _string_end(text: str, start: int) -> int | None:
    """The index just after the TOML string that opens at ``start``; None if it never ends."""
    quote = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
    at = start + len(quote)
    while (found := text.find(quote, at)) >= 0:
        escapes = len(text[at:found]) - len(text[at:found].rstrip("\\"))
        if quote[0] == '"' and escapes % 2:  # an escaped quote in a basic string
            at = found + 1
            continue
        end = found + len(quote)
        while len(quote) == 3 and text[end : end + 1] == quote[0] and end < found + 5:
            end += 1  # up to two quotes may end a multi-line string's content
        return end
    return None


def network_meeting_id(meeting_id: str, network_id: str) -> str:
    """The id of one network's own meeting split from a meeting every network holds."""
    return f"{meeting_id}-{network_id}"


def split_by_network(meetings: list[Meeting], network_ids: list[str]) -> list[Meeting]:
    """The plan with each meeting every network holds as one meeting per network, in place.

    Meeting ``tm-1`` becomes ``tm-1-syd`` (network ``syd``) and so on, in network id order.
    Without networks the plan is returned as it is: such a meeting stays one, for everyone.
    """
    if not network_ids:
        return list(meetings)
    return [
        replace(m, id=network_meeting_id(m.id, network), network=network, each_network=False)
        if m.each_network
        else m
        for m in meetings
        for network in (network_ids if m.each_network else [None])
    ]


_ITEM_PATH = re.compile(r"([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?")


def _line_of(text: str, path: str | None) -> int | None:
    """The line of a key path such as ``meetings[3].planned`` in a TOML text, if found."""
    if not path:
        return None
    lines = text.splitlines()
    table_start, key = 0, path
    if m := _ITEM_PATH.fullmatch(path):
        table, number, key = m[1], int(m[2]), m[3]
        headers = [i for i, line in enumerate(lines) if line.strip() == f"[[{table}]]"]
        if len(headers) < number:
            return None
        table_start = headers[number - 1]
        if key is None:
            return table_start + 1
    for i in range(table_start, len(lines)):
        stripped = lines[i].strip()
        if i > table_start and stripped.startswith("["):
            break
        if re.match(rf"{re.escape(key)}\s*=", stripped):
            return i + 1
    return table_start + 1 if table_start else None


def to_toml(p: Programme) -> str:
    """The partnership as a definition file in the documented format."""
    run_from, _, run_to = p.run_text.partition(" til ")
    data: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "short_name": p.short_name,
        "case_id": p.case_id,
        "purpose": p.purpose,
        "invitation_date": p.invitation_date,
        "interest_deadline": p.interest_deadline,
        "agreement_deadline": p.agreement_deadline,
        "requires_agreement": p.requires_agreement,
        "kickoff": p.kickoff,
        "run_from": run_from,
        "run_to": run_to,
        "price_dkk": p.price_dkk,
        "price_per_year_dkk": p.price_per_year_dkk,
        "price_text": p.price_text,
        "focus_selection": labels.FOCUS_SELECTION[p.focus_selection],
        "networks_note": p.networks_note,
        "sources": list(p.sources),
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "kind": labels.GROUP_KINDS[g.kind],
                "min": g.min,
                "max": g.max,
                "description": g.description,
                "source": g.source,
            }
            for g in p.groups
        ],
        "networks": [{"id": n.id, "name": n.name, "source": n.source} for n in p.networks],
        "focus_areas": [{"id": f.id, "name": f.name, "source": f.source} for f in p.focus_areas],
        "meetings": [
            {
                "id": m.id,
                "title": m.title,
                "type": labels.MEETING_TYPES[m.type],
                "group": m.group,
                "network": m.network,
                "each_network": m.each_network or None,
                "planned": m.planned,
                "form": labels.MEETING_FORMS.get(m.form),
                "source": m.source,
            }
            for m in p.meetings
        ],
        "criteria": [
            {"no": c.no, "text": c.text, "agreed_on": c.agreed_on, "source": c.source}
            for c in p.criteria
        ],
        "notes": [
            {
                "topic": labels.NOTE_TOPICS[n.topic],
                "kind": labels.NOTE_KINDS[n.kind],
                "text": n.text,
                "source": n.source,
            }
            for n in p.notes
        ],
    }

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    body = tomli_w.dumps({k: v for k, v in clean(data).items() if v != []})
    return (
        f"# Partnership definition: {p.name}\n"
        "# Format: docs/programme-format.md in kl_dash. Written by kl-dash programme export.\n\n"
        + body
    )


def load_programme_file(path: Path) -> Programme:
    """Parse and check the programme definition in ``path``."""
    return parse_programme(path.read_text(encoding="utf-8"), path.name)


# Each part of a programme as rows of its table: (table, key columns, rows).
PARTS = (
    ("programme_groups", ("group_id",)),
    ("networks", ("network_id",)),
    ("focus_areas", ("focus_id",)),
    ("meetings", ("meeting_id",)),
    ("success_criteria", ("criterion_no",)),
    ("programme_notes", ("note_no",)),
)


def header_row(p: Programme) -> dict[str, Any]:
    """The programmes row of a programme."""
    return {
        "id": p.id,
        "name": p.name,
        "short_name": p.short_name,
        "case_id": p.case_id,
        "purpose": p.purpose,
        "invitation_date": p.invitation_date,
        "interest_deadline": p.interest_deadline,
        "agreement_deadline": p.agreement_deadline,
        "requires_agreement": p.requires_agreement,
        "kickoff_date": p.kickoff,
        "run_text": p.run_text,
        "start_date": p.start_date,
        "end_date": p.end_date,
        "price_dkk": p.price_dkk,
        "price_per_year_dkk": p.price_per_year_dkk,
        "price_text": p.price_text,
        "focus_selection": p.focus_selection,
        "networks_note": p.networks_note,
        "sources": "; ".join(p.sources),
    }


def part_rows(p: Programme) -> dict[str, list[dict[str, Any]]]:
    """The rows of each part table for a programme (the plan only; never held dates)."""
    return {
        "programme_groups": [
            {
                "programme_id": p.id,
                "group_id": g.id,
                "name": g.name,
                "kind": g.kind,
                "min_participants": g.min,
                "max_participants": g.max,
                "sort_order": i,
                "description": g.description,
                "source": g.source,
            }
            for i, g in enumerate(p.groups, 1)
        ],
        "networks": [
            {"programme_id": p.id, "network_id": n.id, "name": n.name, "source": n.source}
            for n in p.networks
        ],
        "focus_areas": [
            {
                "programme_id": p.id,
                "focus_id": f.id,
                "name": f.name,
                "sort_order": i,
                "source": f.source,
            }
            for i, f in enumerate(p.focus_areas, 1)
        ],
        "meetings": [
            {
                "programme_id": p.id,
                "meeting_id": m.id,
                "title": m.title,
                "meeting_type": m.type,
                "group_id": m.group,
                "network_id": m.network,
                "each_network": m.each_network,
                "planned_text": m.planned,
                "planned_from": m.planned_from,
                "planned_to": m.planned_to,
                "form": m.form,
                "sort_order": i,
                "source": m.source,
            }
            for i, m in enumerate(p.meetings, 1)
        ],
        "success_criteria": [
            {
                "programme_id": p.id,
                "criterion_no": c.no,
                "text": c.text,
                "origin": "agreed" if c.agreed_on else "invitation",
                "agreed_on": c.agreed_on,
                "source": c.source,
            }
            for c in p.criteria
        ],
        "programme_notes": [
            {
                "programme_id": p.id,
                "note_no": i,
                "topic": n.topic,
                "kind": n.kind,
                "text": n.text,
                "source": n.source,
            }
            for i, n in enumerate(p.notes, 1)
        ],
    }


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        columns = list(rows[0])
        con.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [[row[c] for c in columns] for row in rows],
        )


def store_programme(con: duckdb.DuckDBPyConnection, p: Programme) -> None:
    """Insert a programme and everything it is made of (the caller owns the transaction)."""
    _insert_rows(con, "programmes", [header_row(p)])
    for table, rows in part_rows(p).items():
        _insert_rows(con, table, rows)
