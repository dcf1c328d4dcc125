"""The filters every page shares, defined once: their URL names, choices, parsing and defaults.

Pure functions; kl_dash/ui/sidebar.py draws the widgets and keeps the values in the URL, so a
link sent to a colleague opens the same view:
``?partnerskab=it-2017&region=Syddanmark&kommune=Odense&spor=ledelsesspor&dato=2018-06-01``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import duckdb

from . import labels
from .formatting import danish_sort_key, format_date
from .reference import REGIONS

# URL parameter names (Danish, they are what people see in a shared link).
PROGRAMME = "partnerskab"
AS_OF = "dato"
PERIOD_FROM = "fra"
REGION = "region"
NETWORK = "netvaerk"
GROUP = "spor"
STATUS = "status"
MUNICIPALITY = "kommune"

# Enrollment status as written in the URL.
STATUS_PARAMS = {
    "participating": "deltager",
    "awaiting_agreement": "afventer",
    "withdrawn": "udtraadt",
}


@dataclass(frozen=True)
class Filters:
    """One view of one programme: the status date and which municipalities and groups."""

    programme_id: str
    as_of: date
    period_from: date | None = None
    region: str | None = None
    network_id: str | None = None
    group_id: str | None = None
    status: str | None = None
    municipality_code: str | None = None

    def params(self) -> dict[str, Any]:
        """The values as named SQL parameters ($programme, $as_of, ...)."""
        return {
            "programme": self.programme_id,
            "as_of": self.as_of,
            "period_from": self.period_from,
            "region": self.region,
            "network": self.network_id,
            "group_id": self.group_id,
            "status": self.status,
            "municipality": self.municipality_code,
        }


@dataclass(frozen=True)
class Choices:
    """What can be chosen for one programme, with the Danish name of each choice."""

    programmes: dict[str, str]
    first_day: date
    last_day: date
    default_as_of: date
    networks: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    municipalities: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)


def load_choices(con: duckdb.DuckDBPyConnection, programme_id: str, today: date) -> Choices:
    """The choices for ``programme_id`` (which must exist), read from the database."""
    programmes = dict(
        con.execute(
            "SELECT id, short_name FROM programmes "
            "WHERE id NOT IN (SELECT programme_id FROM removed_programmes) "  # undone partnerships
            "ORDER BY invitation_date DESC, id"
        ).fetchall()
    )
    first, last = con.execute(
        "SELECT invitation_date, end_date FROM programmes WHERE id = ?", [programme_id]
    ).fetchone()
    networks = {
        network_id: f"{name} {labels.EXAMPLE_MARK}" if source == labels.EXAMPLE_SOURCE else name
        for network_id, name, source in con.execute(
            "SELECT network_id, name, source FROM networks WHERE programme_id = ? ORDER BY name",
            [programme_id],
        ).fetchall()
    }
    groups = dict(
        con.execute(
            "SELECT group_id, name FROM programme_groups WHERE programme_id = ? "
            "ORDER BY sort_order",
            [programme_id],
        ).fetchall()
    )
    enrolled = con.execute(
        "SELECT m.code, m.name FROM enrollments e JOIN municipalities m "
        "ON m.code = e.municipality_code WHERE e.programme_id = ?",
        [programme_id],
    ).fetchall()
    municipalities = dict(sorted(enrolled, key=lambda row: danish_sort_key(row[1])))
    aliases = dict(con.execute("SELECT alias, code FROM municipality_aliases").fetchall())
    return Choices(
        programmes=programmes,
        first_day=first,
        last_day=max(last, today),
        default_as_of=min(today, last),
        networks=networks,
        groups=groups,
        municipalities=municipalities,
        aliases=aliases,
    )


def choose_programme(available: list[str], requested: str | None) -> tuple[str, str | None]:
    """The programme to show for a requested id, and a Danish notice when it was unknown."""
    if requested in available:
        return requested, None
    fallback = available[0]
    if requested is None:
        return fallback, None
    return fallback, f'Partnerskabet "{requested}" findes ikke; viser i stedet {fallback}.'


def _match(
    value: str, options: dict[str, str], extra: Mapping[str, str] | None = None
) -> str | None:
    """The option key for a URL value given as key or as Danish name (any case)."""
    if value in options:
        return value
    wanted = " ".join(value.split()).casefold()
    for key, name in options.items():
        if name.casefold() == wanted:
            return key
    for alias, key in (extra or {}).items():
        if alias.casefold() == wanted and key in options:
            return key
    return None


def parse(
    params: Mapping[str, str], programme_id: str, choices: Choices
) -> tuple[Filters, list[str]]:
    """Filters from URL parameters; unknown values fall back, each with a Danish notice."""
    notices: list[str] = []

    def pick(name: str, what: str, lookup: Callable[[str], Any]) -> Any:
        raw = params.get(name)
        if raw in (None, ""):
            return None
        found = lookup(raw)
        if found is None:
            notices.append(f'{what} "{raw}" findes ikke i partnerskabet; filteret er fjernet.')
        return found

    def day(raw: str) -> date | None:
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            return None
        return value if choices.first_day <= value <= choices.last_day else None

    as_of = params.get(AS_OF)
    parsed_as_of = day(as_of) if as_of else None
    if as_of and parsed_as_of is None:
        notices.append(
            f'Datoen "{as_of}" kan ikke bruges; skriv den som 2018-06-01 mellem '
            f"{format_date(choices.first_day)} og {format_date(choices.last_day)}. "
            f"Viser status pr. {format_date(choices.default_as_of)}."
        )
    filters = Filters(
        programme_id=programme_id,
        as_of=parsed_as_of or choices.default_as_of,
        period_from=pick(PERIOD_FROM, "Startdatoen", day),
        region=pick(REGION, "Regionen", lambda v: _match(v, {r: r for r in REGIONS})),
        network_id=pick(NETWORK, "Netværket", lambda v: _match(v, choices.networks)),
        group_id=pick(GROUP, "Gruppen eller sporet", lambda v: _match(v, choices.groups)),
        status=pick(
            STATUS,
            "Status",
            lambda v: _match(v, STATUS_PARAMS) or _match(v, labels.ENROLLMENT_STATUS),
        ),
        municipality_code=pick(
            MUNICIPALITY,
            "Kommunen",
            lambda v: _match(v.removesuffix(" Kommune"), choices.municipalities, choices.aliases),
        ),
    )
    if filters.period_from and filters.period_from > filters.as_of:
        notices.append("Startdatoen ligger efter status-datoen; filteret er fjernet.")
        filters = replace(filters, period_from=None)
    return filters, notices


def to_params(filters: Filters, choices: Choices) -> dict[str, str]:
    """URL parameters for the filters; defaults are left out to keep links short."""
    params = {PROGRAMME: filters.programme_id}
    if filters.as_of != choices.default_as_of:
        params[AS_OF] = filters.as_of.isoformat()
    if filters.period_from:
        params[PERIOD_FROM] = filters.period_from.isoformat()
    if filters.region:
        params[REGION] = filters.region
    if filters.network_id:
        params[NETWORK] = filters.network_id
    if filters.group_id:
        params[GROUP] = filters.group_id
    if filters.status:
        params[STATUS] = STATUS_PARAMS[filters.status]
    if filters.municipality_code:
        params[MUNICIPALITY] = choices.municipalities[filters.municipality_code]
    return params
