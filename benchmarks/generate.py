"""A deterministic database at N times the example data's scale, built as real data is.

Run from the repository: python benchmarks/generate.py --scale 100 --db PATH [--seed S]

It starts from what ``kl-dash init --no-example`` builds (``bootstrap.init_database``: the
reference data and the three seeded partnerships, without data), adds partnerships with
``programme_store.add`` (definition files made from the seeded ones with new ids, case ids
and dates, and five networks by region) and fills them with ``importer.store`` uploads of CSV
files written in memory: tilmeldinger, deltagere, moeder (the days meetings were held),
fremmoede and kriteriestatus, one upload of each kind per partnership, as a consultant would.
So every check, constraint and the upload log apply.

Scale: partnerships of min(98, max(5, round(49 N))) municipalities each are added until the
rows uploaded (enrollments, participants, held meetings, attendance, assessments) reach N times
the example database's; their invitations go round the ten years from 2016. N = 100 gives
about 90 partnerships x 98 municipalities, N = 1 two of 49. Events after AS_OF are left out
(a meeting after it is planned, not held), so the same scale and seed give the same rows on
any day they are built (upload times aside). It prints each step with its seconds and the rows
per table against the example database.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from kl_dash import bootstrap, db, example_data, importer, labels, programme_store, reference
from kl_dash.programmes import Criterion, Network, Programme, to_toml

AS_OF = date(2026, 9, 1)
FIRST_YEAR = 2016
YEARS = 10
USER = "benchmark"
DATA_TABLES = ("enrollments", "participants", "meetings", "attendance", "criterion_status")
KINDS = ("tilmeldinger", "deltagere", "moeder", "fremmoede", "kriteriestatus")
ASSESS_EVERY = timedelta(days=182)  # a criterion is assessed about twice a year
YEAR = re.compile(r"\b(19|20)\d\d\b")


def municipalities_per_partnership(scale: float) -> int:
    """How many municipalities each partnership has at a scale."""
    return min(98, max(5, round(49 * scale)))


def _shift_day(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _shift_text(text: str | None, years: int) -> str | None:
    if text is None:
        return None
    return YEAR.sub(lambda m: str(int(m[0]) + years), text)


def definition(template: Programme, number: int, year: int) -> str:
    """A new partnership's definition file: the template moved to ``year``, new ids, networks."""
    years = year - template.invitation_date.year
    source = template.sources[0]
    nid = f"bench-{number:03d}-{template.id.split('-')[0]}"
    criteria = template.criteria or tuple(
        Criterion(no, text, _shift_day(template.kickoff, years) + timedelta(days=45), source)
        for no, text in enumerate(example_data.AGREED_CRITERIA, 1)
    )
    new = replace(
        template,
        id=nid,
        name=f"{template.name} ({number})",
        short_name=f"{template.short_name} ({number})",
        case_id=f"SAG-{year}-{90000 + number:05d}",
        invitation_date=_shift_day(template.invitation_date, years),
        interest_deadline=_shift_day(template.interest_deadline, years),
        agreement_deadline=_shift_day(template.agreement_deadline, years),
        kickoff=_shift_day(template.kickoff, years),
        run_text=_shift_text(template.run_text, years),
        price_text=_shift_text(template.price_text, years),
        networks=tuple(
            Network(network_id, name, source)
            for network_id, name, _ in example_data.NETWORK_LAYOUTS[5]
        ),
        meetings=tuple(
            replace(m, planned=_shift_text(m.planned, years)) for m in template.meetings
        ),
        criteria=tuple(
            replace(c, agreed_on=_shift_day(c.agreed_on, years) if c.agreed_on else None)
            for c in criteria
        ),
    )
    return to_toml(new)


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _midweek(day: date) -> date:
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return day


def _csv(header: list[str], rows: list[list]) -> bytes:
    """A file as Excel writes it: ';', UTF-8 with BOM, dates 23-06-2017."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else f"{v:%d-%m-%Y}" if isinstance(v, date) else v for v in row]
        )
    return out.getvalue().encode("utf-8-sig")


def data_files(
    con, p: Programme, municipalities: list[tuple[str, str, str]], count: int, seed: int
) -> dict[str, tuple[list[str], list[list]]]:
    """The five update files (header, rows) for one stored partnership: who, how many, when."""
    rng = random.Random(f"kl-dash benchmark {seed} {p.id}")
    region_network = {
        r: nid for nid, _, regions in example_data.NETWORK_LAYOUTS[5] for r in regions
    }
    kickoff = p.kickoff or p.start_date
    interest_deadline = p.interest_deadline or p.invitation_date + timedelta(days=60)
    agreement_deadline = p.agreement_deadline or interest_deadline + timedelta(days=30)

    enrolled = []  # (code, name, network, joined, withdrawn)
    enrollment_rows = []
    for code, name, region in sorted(rng.sample(municipalities, count)):
        interest = _between(rng, p.invitation_date + timedelta(days=7), interest_deadline)
        if rng.random() < 0.08:  # a late-comer
            interest = _between(rng, interest_deadline, interest_deadline + timedelta(days=21))
        agreement = None
        if p.requires_agreement and rng.random() < 0.86:
            agreement = _between(
                rng,
                interest + timedelta(days=10),
                max(agreement_deadline, interest + timedelta(days=40)),
            )
        withdrawn = None
        if (agreement or not p.requires_agreement) and rng.random() < 0.09:
            withdrawn = _between(
                rng,
                max(agreement or interest, kickoff) + timedelta(days=30),
                p.end_date - timedelta(days=90),
            )
        if interest > AS_OF:
            continue
        agreement = agreement if agreement and agreement <= AS_OF else None
        withdrawn = withdrawn if withdrawn and withdrawn <= AS_OF else None
        network = region_network[region]
        joined = agreement if p.requires_agreement else interest
        enrolled.append((code, name, network, joined, withdrawn))
        enrollment_rows.append([p.id, name, interest, agreement, withdrawn, network])

    def active(e: tuple, day: date) -> bool:
        return e[3] is not None and e[3] <= day and not (e[4] and e[4] <= day)

    signed_up = {}
    for e in enrolled:
        for g in p.groups:
            n = rng.randint(g.min, g.max)
            if rng.random() < 0.06:  # outside the range: a warning, stored all the same
                n = max(g.min - 1, 0) if rng.random() < 0.5 else g.max + 1
            signed_up[e[0], g.id] = n
    participant_rows = [
        [p.id, e[1], g.id, signed_up[e[0], g.id]] for e in enrolled for g in p.groups
    ]

    # Meetings: on a midweek day in their planned period; unplanned ones spread evenly over the
    # run of their group. Held only by AS_OF.
    unplanned: dict[str | None, list] = {}
    for m in p.meetings:
        if not m.planned_from:
            unplanned.setdefault(m.group, []).append(m.id)
    held = {}
    for m in p.meetings:
        if m.planned_from and m.planned_from == m.planned_to:
            day = m.planned_from
        elif m.planned_from:
            first = kickoff if m.planned_from < kickoff < m.planned_to else m.planned_from
            day = _midweek(_between(rng, first, m.planned_to - timedelta(days=7)))
        else:
            lane = unplanned[m.group]
            day = _midweek(
                kickoff + (p.end_date - kickoff) * (lane.index(m.id) + 1) / (len(lane) + 1)
            )
        day = min(day, p.end_date)
        if day <= AS_OF:
            held[m.id] = day
    stored_meetings = importer.export_frame(con, "moeder", p.id)
    meeting_rows = [
        [p.id, r.moede_id, r.titel, r.type, held[r.moede_id]]
        for r in stored_meetings.itertuples()
        if r.moede_id in held
    ]

    reliability = {e[0]: rng.uniform(0.6, 0.98) for e in enrolled}
    attendance_rows = []
    for m in p.meetings:
        if m.id not in held:
            continue
        for e in enrolled:
            if not active(e, held[m.id]) or m.network not in (None, e[2]):
                continue
            expected = (
                signed_up[e[0], m.group]
                if m.group
                else sum(signed_up[e[0], g.id] for g in p.groups)
            )
            if expected == 0:
                continue
            came = 0
            if rng.random() <= reliability[e[0]] + 0.15:
                came = max(1, sum(rng.random() < reliability[e[0]] for _ in range(expected)))
            attendance_rows.append([p.id, m.id, e[1], came])

    first, last = kickoff + timedelta(days=14), p.end_date - timedelta(days=14)
    days = [first + ASSESS_EVERY * k for k in range(int((last - first) / ASSESS_EVERY) + 1)]
    days = [d for d in [*days[:-1], last] if d <= AS_OF] if len(days) > 1 else [first]
    status_rows = []
    for e in enrolled:
        pace = rng.uniform(0.5, 1.3)
        for c in p.criteria:
            difficulty = rng.uniform(0.0, 1.0)
            for k, day in enumerate(days):
                if not active(e, day):
                    continue
                progress = pace * k / max(len(days) - 1, 1) - difficulty * 0.45
                status = (
                    "achieved"
                    if progress > 0.55
                    else "in_progress"
                    if progress > 0
                    else "not_started"
                )
                status_rows.append([p.id, c.no, e[1], day, labels.CRITERION_STATUS[status]])

    return {
        "tilmeldinger": (
            ["partnerskab", "kommune", "interesse", "politisk_aftale", "udtraadt", "netvaerk"],
            enrollment_rows,
        ),
        "deltagere": (["partnerskab", "kommune", "gruppe", "antal"], participant_rows),
        "moeder": (["partnerskab", "moede_id", "titel", "type", "afholdt"], meeting_rows),
        "fremmoede": (["partnerskab", "moede_id", "kommune", "antal"], attendance_rows),
        "kriteriestatus": (["partnerskab", "kriterie", "kommune", "dato", "status"], status_rows),
    }


def example_counts() -> dict[str, int]:
    """Rows per table of the example database (kl-dash init), for comparison."""
    with tempfile.TemporaryDirectory(prefix="kl_dash_example_") as tmp:
        return bootstrap.init_database(Path(tmp) / "example.duckdb").counts


def generate(
    path: Path, scale: float, seed: int = 0, out=sys.stdout
) -> tuple[dict[str, int], dict[str, int]]:
    """Build the database at ``path`` (which must not exist); its rows and the example's.

    Partnerships are added until the data rows reach ``scale`` times the example database's.
    """
    if path.exists():
        raise SystemExit(f"{path} exists already; remove it or choose another path")
    example = example_counts()
    count = municipalities_per_partnership(scale)
    target = round(scale * sum(example[t] for t in DATA_TABLES))
    say = lambda text: print(text, file=out, flush=True)  # noqa: E731
    say(
        f"scale {scale:g}, seed {seed}: partnerships of {count} municipalities until the "
        f"data rows ({', '.join(DATA_TABLES)}) reach {target}"
    )

    start = time.perf_counter()
    bootstrap.init_database(path, example=False)
    say(f"{'init (reference data, seeded partnerships)':<44}{time.perf_counter() - start:8.2f} s")

    con = db.connect(path)
    try:
        municipalities = con.execute(
            "SELECT code, name, region FROM municipalities ORDER BY code"
        ).fetchall()
        templates = reference.seeded_programmes()
        seconds = dict.fromkeys(("add", "files", *KINDS), 0.0)
        rows = dict.fromkeys(KINDS, 0)
        number = 0
        while number == 0 or sum(rows.values()) < target:
            number += 1
            year = FIRST_YEAR + (number - 1) % YEARS  # invitations round the ten years
            start = time.perf_counter()
            text = definition(templates[(number - 1) % len(templates)], number, year)
            upload_id = programme_store.add(con, text, f"bench-{number:03d}.toml", USER)
            (pid,) = con.execute(
                "SELECT programme_id FROM uploads WHERE id = ?", [upload_id]
            ).fetchone()
            seconds["add"] += time.perf_counter() - start
            start = time.perf_counter()
            files = data_files(con, programme_store.load(con, pid), municipalities, count, seed)
            seconds["files"] += time.perf_counter() - start
            for kind in KINDS:
                header, file_rows = files[kind]
                if not file_rows:  # e.g. no meeting held yet
                    continue
                start = time.perf_counter()
                data = _csv(header, file_rows)
                stored = importer.store(con, kind, data, f"{kind}-{pid}.csv", USER)
                seconds[kind] += time.perf_counter() - start
                rows[kind] += stored.counts["new"] + stored.counts["changed"]
            if number % 10 == 0:
                print(f"  {number} partnerships, {sum(rows.values())} rows", file=sys.stderr)
        say(
            f"{'programme_store.add':<44}{seconds['add']:8.2f} s  {number} partnerships, "
            f"{seconds['add'] / number:.2f} s each"
        )
        files_s = seconds["files"]
        partnerships = number
        say(f"{'writing the CSV files in memory':<44}{files_s:8.2f} s")
        for kind in KINDS:
            per = seconds[kind] / partnerships
            say(
                f"{'importer.store ' + kind:<44}{seconds[kind]:8.2f} s  {rows[kind]:>8} rows, "
                f"{per:.2f} s per upload"
            )
        con.execute("CHECKPOINT")
        counts = db.table_counts(con)
    finally:
        con.close()
    return counts, example


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=float, required=True, help="times the example data")
    parser.add_argument("--db", type=Path, required=True, help="the new database file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    counts, example = generate(args.db, args.scale, args.seed)
    total = time.perf_counter() - start
    print(f"\n{'table':<24}{'rows':>10}{'example':>10}{'x':>8}")
    for table in (*DATA_TABLES, "programmes", "uploads", "upload_changes"):
        ratio = f"{counts[table] / example[table]:.1f}" if example.get(table) else ""
        print(f"{table:<24}{counts[table]:>10}{example.get(table, 0):>10}{ratio:>8}")
    print(f"\n{args.db}: {args.db.stat().st_size / 2**20:.1f} MB, built in {total:.1f} s")


if __name__ == "__main__":
    main()
