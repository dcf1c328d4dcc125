"""Each chart in words: a Danish text alternative saying what it shows and its main finding.

Every builder takes the same data as its chart builder in ``charts`` (at least one row, as
there), so a screen reader hears what a sighted reader sees. The texts are pages' ``alt``
texts and the report's.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
from babel.dates import format_date as _babel_format_date

from . import charts, labels, palette
from .formatting import LOCALE, format_date, format_number, format_share


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _month(day: date) -> str:
    """'november 2017'."""
    return _babel_format_date(day, "MMMM y", locale=LOCALE)


def _count(n: int, one: str, many: str) -> str:
    """'1 møde', '12 møder'."""
    return f"{format_number(n)} {one if n == 1 else many}"


def _listing(parts: list[str]) -> str:
    """'a, b og c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def meeting_timeline(plan: pd.DataFrame, as_of: date) -> str:
    """'Tidslinje over 31 møder i 5 grupper og spor fra september 2017 til december 2019; ...'.

    Says how many are held by as_of, how many are past their period unregistered, the next
    meeting, and how many the timeline leaves out (no period and not held).
    """
    held, waiting, days, groups, left_out = 0, [], [], set(), 0
    for row in charts.plan_rows(plan):
        start, end, on = _day(row.planned_from), _day(row.planned_to), _day(row.held_on)
        on = on if on is not None and on <= as_of else None
        if start is None and end is None and on is None:
            left_out += 1  # not drawn: no period and not held
            continue
        groups.add(row.group_name if isinstance(row.group_name, str) else labels.ALL_GROUPS)
        days += [d for d in (start, end, on) if d is not None]
        if on is not None:
            held += 1
        else:
            waiting.append((start or end, end or start, row))
    drawn = held + len(waiting)
    if not drawn:
        return "Tidslinje over mødeplanen: ingen møder har et fastlagt tidspunkt endnu."
    text = (
        f"Tidslinje over {_count(drawn, 'møde', 'møder')} i "
        f"{_count(len(groups), 'gruppe', 'grupper og spor')} fra {_month(min(days))} til "
        f"{_month(max(days))}; {format_number(held)} afholdt pr. {format_date(as_of)}"
    )
    if waiting:
        text += f", {format_number(len(waiting))} endnu ikke"
    late = [w for w in waiting if w[1] < as_of]
    if late:
        text += (
            f" ({format_number(len(late))} af dem ikke registreret som afholdt, skønt den "
            "planlagte periode er forbi)"
        )
    coming = [w for w in waiting if w[1] >= as_of]
    if coming:
        first, _, row = min(coming, key=lambda w: (w[0], str(w[2].title)))
        group = row.group_name if isinstance(row.group_name, str) else "alle grupper"
        when = row.planned_text if isinstance(row.planned_text, str) else format_date(first)
        text += f"; næste møde: {row.title} ({group}), planlagt {when}"
    if left_out:
        text += (
            f". {_count(left_out, 'møde', 'møder')} uden fastlagt tidspunkt er ikke på tidslinjen"
        )
    return text + "."


def enrollment_steps(progress: pd.DataFrame, as_of: date) -> str:
    """'Tilmeldinger over tid fra juni 2017 til 1. juni 2019. Pr. 1. juni 2019: ...'."""
    days, latest = [], {}  # latest: each series' value on its last day
    for series, day, value in zip(
        progress["series"].tolist(),
        [_day(day) for day in progress["day"].tolist()],
        progress["value"].tolist(),
        strict=True,
    ):
        days.append(day)
        if series not in latest or day > latest[series][0]:
            latest[series] = (day, value)
    counts = [
        f"{palette.ENROLLMENT_STEPS[step].label.lower()} {format_number(int(latest[step][1]))}"
        for step in labels.ENROLLMENT_STEPS
        if step in latest
    ]
    return (
        f"Tilmeldinger over tid fra {_month(min(days))} til {format_date(as_of)}, antal "
        f"kommuner i alt pr. trin. Pr. {format_date(as_of)}: {_listing(counts)}."
    )


def share_over_time(shares: pd.DataFrame, as_of: date) -> str:
    """'Andel af succeskriterierne opnået ved 6 vurderinger fra ... : fra 10 % til 45 % ...'."""
    rows = shares.assign(day=shares["day"].map(_day)).sort_values("day")
    first, last = rows.iloc[0], rows.iloc[-1]
    text = (
        f"Andel af succeskriterierne opnået over tid, "
        f"{_count(len(rows), 'vurderingsdato', 'vurderingsdatoer')} fra "
        f"{format_date(first['day'])} til {format_date(last['day'])}"
    )
    if len(rows) > 1:
        text += f": fra {format_share(first['share'])} til {format_share(last['share'])}"
    return (
        f"{text}. Senest {format_number(int(last['achieved']))} af "
        f"{format_number(int(last['assessed']))} vurderinger opnået "
        f"({format_share(last['share'])}); status pr. {format_date(as_of)}."
    )


def denmark_map(municipalities: pd.DataFrame) -> str:
    """'Danmarkskort med de 98 kommuner: 25 deltager, ...; flest deltagende i Region ...'."""
    status = [
        s if isinstance(s, str) else "not_enrolled" for s in municipalities["status"].tolist()
    ]
    counts = Counter(status)
    parts = [
        f"{format_number(counts[code])} {style.label.lower()}"
        for code, style in palette.ENROLLMENT.items()
        if counts[code]
    ]
    text = (
        f"Danmarkskort med {_count(len(municipalities), 'kommune', 'kommuner')}: {_listing(parts)}"
    )
    regions = Counter(  # in order of appearance: a tie goes to the first, as value_counts
        region
        for region, s in zip(municipalities["region"].tolist(), status, strict=True)
        if s == "participating"
    )
    if not regions:
        return text + "."
    region, most = regions.most_common(1)[0]
    return f"{text}. Flest deltagende kommuner i Region {region} ({format_number(most)})."


def attendance_heatmap(cells: pd.DataFrame) -> str:
    """'Fremmøde pr. kommune og møde for 25 kommuner ved 27 afholdte møder: ... (93 %); ...'."""
    municipalities, meetings, attendance = (
        cells[c].tolist() for c in ("municipality", "meeting", "attendees")
    )
    came: dict[str, list[int]] = {}  # per municipality expected: meetings attended, expected
    for name, attendees in zip(municipalities, attendance, strict=True):
        if attendees is not None and not pd.isna(attendees):
            tally = came.setdefault(name, [0, 0])
            tally[0] += attendees > 0
            tally[1] += 1
    text = (
        f"Fremmøde pr. kommune og møde for "
        f"{_count(len(set(municipalities)), 'kommune', 'kommuner')} ved "
        f"{_count(len(set(meetings)), 'afholdt møde', 'afholdte møder')}"
    )
    if not came:
        return text + "."
    attended = sum(t[0] for t in came.values())
    expected = sum(t[1] for t in came.values())
    text += (
        f": kommunerne var repræsenteret ved {format_number(attended)} af de "
        f"{format_number(expected)} møder, de var forventet til "
        f"({format_share(attended / expected)})"
    )
    shares = {name: t[0] / t[1] for name, t in came.items()}
    low = min(shares.values())
    if low == 1:
        return text + "."
    names = sorted(name for name, share in shares.items() if share == low)
    return (
        f"{text}; lavest {_listing(names[:3])}{' m.fl.' if len(names) > 3 else ''} "
        f"({format_share(low)})."
    )


def criteria_heatmap(cells: pd.DataFrame) -> str:
    """'Status på 8 succeskriterier i 25 kommuner: 54 opnået, ...; oftest opnået: nr. 3 (...)'."""
    counts: Counter[str] = Counter()
    reached: Counter[int] = Counter()  # per criterion: municipalities that have reached it
    criteria, counted, withdrawn = set(), set(), set()
    for name, number, status, enrollment in zip(
        *(
            cells[c].tolist()
            for c in ("municipality", "criterion_no", "status", "enrollment_status")
        ),
        strict=True,
    ):
        criteria.add(number)
        if enrollment == "withdrawn":
            withdrawn.add(name)
            continue
        counted.add(name)
        code = status if isinstance(status, str) else "not_assessed"
        counts[code] += 1
        if code == "achieved":
            reached[number] += 1
    styles = {**palette.CRITERION, "not_assessed": palette.NOT_ASSESSED}
    parts = [
        f"{format_number(counts[code])} {style.label.lower()}"
        for code, style in reversed(styles.items())
        if counts[code] and code != "not_assessed"
    ]
    if counts["not_assessed"]:
        parts.append(f"{format_number(counts['not_assessed'])} ikke vurderet")
    criteria_text = _count(len(criteria), "succeskriterium", "succeskriterier")
    if counted:
        text = (
            f"Status på {criteria_text} i {_count(len(counted), 'kommune', 'kommuner')}"
            f": {_listing(parts)}"
        )
    else:  # only withdrawn municipalities in view
        text = f"Status på {criteria_text}: ingen deltagende kommuner i udsnittet"
    if reached:
        most = max(reached.values())
        numbers = _listing([f"nr. {int(n)}" for n in sorted(reached) if reached[n] == most])
        text += f". Oftest opnået: {numbers} ({_count(most, 'kommune', 'kommuner')})"
    if withdrawn:
        text += f". {_count(len(withdrawn), 'udtrådt kommune', 'udtrådte kommuner')} vises sidst"
    return text + "."


def participants_range(rows: pd.DataFrame) -> str:
    """'Deltagere pr. kommune i 5 grupper og spor: ... 5 uden for: Ledelsesspor 2 og ...'."""
    group_names = rows["group_name"].tolist()
    per_group: Counter[str] = Counter()  # outside the range, in the groups' order
    for group, count, low, high in zip(
        group_names,
        *(rows[c].tolist() for c in ("participants", "min_participants", "max_participants")),
        strict=True,
    ):
        if count < low or count > high:
            per_group[group] += 1
    outside = sum(per_group.values())
    text = (
        f"Deltagere pr. kommune i {_count(len(set(group_names)), 'gruppe', 'grupper og spor')} "
        f"mod det ønskede antal: {format_number(len(group_names) - outside)} af "
        f"{format_number(len(group_names))} tilmeldinger ligger inden for intervallet"
    )
    if not outside:
        return text + "."
    where = [f"{group} {format_number(n)}" for group, n in per_group.items()]
    return f"{text}, {format_number(outside)} uden for: {_listing(where)}."


def comparison_over_time(over_time: pd.DataFrame, names: dict[str, str], as_of: date) -> str:
    """'Andel af succeskriterier opnået over tid for Aabenraa, ...; senest: Aabenraa 50 %, ...'."""
    days = [_day(day) for day in over_time["day"].tolist()]
    latest: dict[str, tuple[date, float]] = {}  # per set: its latest day and share
    shares = over_time["share"].tolist()
    for group, day, share in zip(over_time["group"].tolist(), days, shares, strict=True):
        if group not in latest or day > latest[group][0]:
            latest[group] = (day, share)
    shown = [g for g in names if g in latest]
    parts = [f"{names[g]} {format_share(latest[g][1])}" for g in shown]
    return (
        f"Andel af succeskriterierne opnået over tid for {_listing([names[g] for g in shown])}, "
        f"fra {format_date(min(days))} til {format_date(as_of)}. Senest: {_listing(parts)}."
    )
