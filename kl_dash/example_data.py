"""Deterministic example data ("eksempeldata") so that every page has something to show.

Every row written here has source = 'eksempeldata'. The same reference data always gives the
same example data: each programme draws from its own ``random.Random`` seeded with its id.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import takewhile

import duckdb
import pandas as pd

from .labels import EXAMPLE_SOURCE
from .programmes import network_meeting_id

# Networks by geography, for programmes that organise municipalities in networks.
# Keys: number of networks; values: network id, name and the regions it covers.
NETWORK_LAYOUTS = {
    2: [
        ("vest", "Netværk Vest", {"Nordjylland", "Midtjylland", "Syddanmark"}),
        ("oest", "Netværk Øst", {"Sjælland", "Hovedstaden"}),
    ],
    3: [
        ("nord-midt", "Netværk Nord og Midt", {"Nordjylland", "Midtjylland"}),
        ("syd", "Netværk Syd", {"Syddanmark"}),
        ("oest", "Netværk Øst", {"Sjælland", "Hovedstaden"}),
    ],
    5: [
        ("nord", "Netværk Nord", {"Nordjylland"}),
        ("midt", "Netværk Midt", {"Midtjylland"}),
        ("syd", "Netværk Syd", {"Syddanmark"}),
        ("sjaelland", "Netværk Sjælland", {"Sjælland"}),
        ("hovedstaden", "Netværk Hovedstaden", {"Hovedstaden"}),
    ],
}

# Criteria used when a programme fixed none in advance ("agreed later by the participants").
AGREED_CRITERIA = (
    "Kommunalbestyrelsen har drøftet partnerskabets mål og prioriteret dem politisk",
    "Kommunen har omsat partnerskabets mål til konkrete, lokalt forankrede handlinger",
    "Kommunen følger op på indsatsen med mål, dokumentation og data",
)

ASSESSMENTS = 4  # criterion assessments per municipality over the run


def _weekday(day: date) -> date:
    """A Tuesday-Thursday near ``day``, outside the Christmas and July holidays."""
    if day.month == 12 and day.day >= 18:
        day = date(day.year, 12, 12)
    elif day.month == 1 and day.day <= 6:
        day = date(day.year, 1, 7)
    elif day.month == 7:
        day = date(day.year, 8, 5)
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return day


def _between(rng: random.Random, first: date, last: date) -> date:
    span = max((last - first).days, 0)
    return first + timedelta(days=rng.randint(0, span))


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows)  # noqa: F841 (read by DuckDB below)
    columns = ", ".join(rows[0])
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame")


def _split_meetings(con: duckdb.DuckDBPyConnection, pid: str, networks: list[str]) -> dict:
    """Split each planned meeting every network holds into one per network, in plan order.

    Returns {new meeting id: the planned meeting's id}.
    """
    result = con.execute("SELECT * FROM meetings WHERE programme_id = ? ORDER BY sort_order", [pid])
    names = [d[0] for d in result.description]
    plan, split = [], {}
    for row in (dict(zip(names, values, strict=True)) for values in result.fetchall()):
        if not row["each_network"]:
            plan.append(row)
            continue
        for network in networks:
            new_id = network_meeting_id(row["meeting_id"], network)
            plan.append(row | {"meeting_id": new_id, "network_id": network, "each_network": False})
            split[new_id] = row["meeting_id"]
    con.execute("DELETE FROM meetings WHERE programme_id = ? AND each_network", [pid])
    _insert(con, "meetings", [row for row in plan if row["meeting_id"] in split])
    con.executemany(
        "UPDATE meetings SET sort_order = ? WHERE programme_id = ? AND meeting_id = ?",
        [[i, pid, row["meeting_id"]] for i, row in enumerate(plan, 1)],
    )
    return split


def generate(con: duckdb.DuckDBPyConnection) -> None:
    """Add example data for every programme in the database (caller owns the transaction)."""
    municipalities = con.execute("SELECT code, region FROM municipalities ORDER BY code").fetchall()
    for (programme_id,) in con.execute("SELECT id FROM programmes ORDER BY id").fetchall():
        _programme(con, programme_id, municipalities)
    con.execute(
        "INSERT INTO dataset_info VALUES ('example_data', ?)",
        ["Tilmeldinger, deltagere, fremmøde og vurderinger er genererede eksempeldata."],
    )


def _programme(con, pid: str, municipalities: list[tuple[str, str]]) -> None:
    rng = random.Random(f"kl-dash example data {pid}")
    (
        invitation,
        interest_deadline,
        agreement_deadline,
        requires_agreement,
        kickoff,
        start,
        end,
        selection,
    ) = con.execute(
        """
        SELECT invitation_date, interest_deadline, agreement_deadline, requires_agreement,
               coalesce(kickoff_date, start_date), start_date, end_date, focus_selection
        FROM programmes WHERE id = ?
        """,
        [pid],
    ).fetchone()
    groups = con.execute(
        "SELECT group_id, kind, min_participants, max_participants FROM programme_groups "
        "WHERE programme_id = ? ORDER BY sort_order",
        [pid],
    ).fetchall()
    interest_deadline = interest_deadline or invitation + timedelta(days=60)
    agreement_deadline = agreement_deadline or interest_deadline + timedelta(days=30)

    # Enrollments: who showed interest, who got a political agreement, who withdrew.
    chosen = sorted(rng.sample(municipalities, rng.randint(14, 42)))
    uses_networks = any(kind == "network" for _, kind, _, _ in groups) or len(chosen) > 24
    layout = NETWORK_LAYOUTS[2 if len(chosen) <= 16 else 3 if len(chosen) <= 32 else 5]
    networks, split = {}, {}
    if uses_networks:
        present = {region for _, region in chosen}
        layout = [n for n in layout if n[2] & present]
        _insert(
            con,
            "networks",
            [
                {"programme_id": pid, "network_id": nid, "name": name, "source": EXAMPLE_SOURCE}
                for nid, name, _ in layout
            ],
        )
        networks = {region: nid for nid, _, regions in layout for region in regions}
        split = _split_meetings(con, pid, sorted(nid for nid, _, _ in layout))

    enrollments = []
    for code, region in chosen:
        interest = _between(rng, invitation + timedelta(days=7), interest_deadline)
        if rng.random() < 0.08:  # a late-comer
            interest = _between(rng, interest_deadline, interest_deadline + timedelta(days=21))
        agreement = None
        if requires_agreement and rng.random() < 0.86:
            agreement = _between(
                rng,
                interest + timedelta(days=10),
                max(agreement_deadline, interest + timedelta(days=40)),
            )
        withdrawn = None
        if (agreement or not requires_agreement) and rng.random() < 0.09:
            withdrawn = _between(
                rng,
                max(agreement or interest, kickoff) + timedelta(days=30),
                end - timedelta(days=90),
            )
        enrollments.append(
            {
                "programme_id": pid,
                "municipality_code": code,
                "interest_on": interest,
                "agreement_on": agreement,
                "withdrawn_on": withdrawn,
                "network_id": networks.get(region),
                "source": EXAMPLE_SOURCE,
            }
        )
    _insert(con, "enrollments", enrollments)

    def active(e: dict, day: date) -> bool:
        joined = e["agreement_on"] if requires_agreement else e["interest_on"]
        return (
            joined is not None
            and joined <= day
            and not (e["withdrawn_on"] and e["withdrawn_on"] <= day)
        )

    # Focus areas chosen per municipality.
    if selection == "chosen":
        focus_ids = [
            f
            for (f,) in con.execute(
                "SELECT focus_id FROM focus_areas WHERE programme_id = ? ORDER BY sort_order", [pid]
            ).fetchall()
        ]
        _insert(
            con,
            "enrollment_focus_areas",
            [
                {
                    "programme_id": pid,
                    "municipality_code": e["municipality_code"],
                    "focus_id": f,
                    "source": EXAMPLE_SOURCE,
                }
                for e in enrollments
                if focus_ids
                for f in sorted(rng.sample(focus_ids, min(len(focus_ids), rng.randint(1, 3))))
            ],
        )

    # Participants per group: mostly within the range the programme asks for, a few outside.
    signed_up = {}
    for e in enrollments:
        for gid, _, low, high in groups:
            n = rng.randint(low, high)
            if rng.random() < 0.06:
                n = max(low - 1, 0) if rng.random() < 0.5 else high + 1
            signed_up[e["municipality_code"], gid] = n
    _insert(
        con,
        "participants",
        [
            {
                "programme_id": pid,
                "municipality_code": code,
                "group_id": gid,
                "participants": n,
                "source": EXAMPLE_SOURCE,
            }
            for (code, gid), n in signed_up.items()
        ],
    )

    # Meetings held: on a midweek day within the planned period; unplanned meetings spread
    # evenly between their group's neighbouring meetings. The networks' own meetings split
    # from one planned meeting (a slot) are each held on a day of their own near each other.
    meetings = con.execute(
        "SELECT meeting_id, group_id, planned_from, planned_to, network_id FROM meetings "
        "WHERE programme_id = ? ORDER BY sort_order",
        [pid],
    ).fetchall()
    held = {}
    lanes: dict[str | None, dict[str, list]] = {}
    for m in meetings:
        lanes.setdefault(m[1], {}).setdefault(split.get(m[0], m[0]), []).append(m)
    for lane in (list(slots.values()) for slots in lanes.values()):
        previous = kickoff
        for i, slot in enumerate(lane):
            _, _, planned_from, planned_to, _ = slot[0]
            if planned_from == planned_to and planned_from:
                days = [planned_from] * len(slot)
            elif planned_from:  # a period: not before the kick-off when the period allows
                first = kickoff if planned_from < kickoff < planned_to else planned_from
                days = [
                    _weekday(_between(rng, first, planned_to - timedelta(days=3))) for _ in slot
                ]
            else:
                anchor = next((s[0][2] for s in lane[i + 1 :] if s[0][2]), None)
                following = anchor or end - timedelta(days=21)
                later = list(takewhile(lambda s: not s[0][2], lane[i + 1 :]))
                step = (following - previous) / (len(later) + (2 if anchor else 1))
                days = [
                    _weekday(previous + step + timedelta(days=rng.randint(-10, 10))) for _ in slot
                ]
            for m, day in zip(slot, days, strict=True):
                held[m[0]] = min(day, end)
            previous = min(min(days), end)
    for mid, day in held.items():
        con.execute(
            "UPDATE meetings SET held_on = ?, held_source = ? WHERE programme_id = ? "
            "AND meeting_id = ?",
            [day, EXAMPLE_SOURCE, pid, mid],
        )

    # Attendance at each held meeting by the municipalities taking part on that day.
    reliability = {e["municipality_code"]: rng.uniform(0.6, 0.98) for e in enrollments}
    attendance = []
    for mid, group, _, _, network in meetings:
        for e in enrollments:
            code = e["municipality_code"]
            if not active(e, held[mid]) or network not in (None, e["network_id"]):
                continue
            expected = (
                signed_up[code, group] if group else sum(signed_up[code, g[0]] for g in groups)
            )
            if expected == 0:  # signed no one up for the group: not expected there
                continue
            if rng.random() > reliability[code] + 0.15:
                came = 0
            else:
                came = max(1, sum(rng.random() < reliability[code] for _ in range(expected)))
            attendance.append(
                {
                    "programme_id": pid,
                    "meeting_id": mid,
                    "municipality_code": code,
                    "attendees": came,
                    "source": EXAMPLE_SOURCE,
                }
            )
    _insert(con, "attendance", attendance)

    # Success criteria: agreed ones when the programme fixed none, then assessments over time.
    criteria = [
        n
        for (n,) in con.execute(
            "SELECT criterion_no FROM success_criteria WHERE programme_id = ? ORDER BY 1", [pid]
        ).fetchall()
    ]
    if not criteria:
        agreed_on = _weekday(kickoff + timedelta(days=45))
        _insert(
            con,
            "success_criteria",
            [
                {
                    "programme_id": pid,
                    "criterion_no": no,
                    "text": text,
                    "origin": "agreed",
                    "agreed_on": agreed_on,
                    "source": EXAMPLE_SOURCE,
                }
                for no, text in enumerate(AGREED_CRITERIA, 1)
            ],
        )
        criteria = list(range(1, len(AGREED_CRITERIA) + 1))
    first = kickoff + timedelta(days=14)
    step = (end - timedelta(days=14) - first) / (ASSESSMENTS - 1)
    dates = [first + step * k for k in range(ASSESSMENTS)]
    statuses = []
    for e in enrollments:
        pace = rng.uniform(0.5, 1.3)
        for no in criteria:
            difficulty = rng.uniform(0.0, 1.0)
            for k, day in enumerate(dates):
                if not active(e, day):
                    continue
                progress = pace * k / (ASSESSMENTS - 1) - difficulty * 0.45
                status = (
                    "achieved"
                    if progress > 0.55
                    else "in_progress"
                    if progress > 0.0
                    else "not_started"
                )
                statuses.append(
                    {
                        "programme_id": pid,
                        "criterion_no": no,
                        "municipality_code": e["municipality_code"],
                        "assessed_on": day,
                        "status": status,
                        "note": None,
                        "source": EXAMPLE_SOURCE,
                    }
                )
    _insert(con, "criterion_status", statuses)
