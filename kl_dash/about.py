"""What the "Om partnerskabet" page shows: a partnership's definition, section by section.

Every line says what it is: the seed's own words (a quote, naming its seed), kl_dash's reading
of a seed (an interpretation), a fact the file gives as a value (a date, a number), or example
data that is in the database but in no file. Lines carry Markdown ready to draw: stored text
is escaped with ``formatting.literal``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby

import pandas as pd

from . import labels
from .formatting import format_date, format_money, format_number, literal
from .programmes import Programme

KINDS = {
    "fact": "Fra filen",
    "quote": "Citat",
    "interpretation": "Fortolkning",
    "example": "Eksempeldata",
}

LEGEND = (
    "Siden viser, hvad partnerskabets fil indeholder. **Citat** er invitationens egne ord, "
    "ordret; **fortolkning** er kl_dash's læsning af dem, hvor invitationen ikke siger det "
    "direkte; **eksempeldata** er opfundet til eksempeldatabasen og står ikke i filen. Hver "
    "linje nævner den kilde, den kommer fra."
)


@dataclass(frozen=True)
class Line:
    """One statement about the partnership: its text, what kind it is, and where it is from."""

    text: str
    kind: str  # a key of KINDS
    source: str
    number: str = ""  # a criterion's number, put before the quote marks: 1. »...«

    @property
    def markdown(self) -> str:
        """The line as Markdown: a quote as a block quote, an interpretation marked so."""
        text = literal(self.text)
        if self.kind == "quote":
            return f"> {literal(self.number)}»{text}«"
        if self.kind == "interpretation":
            return f"*Fortolkning:* {text}"
        return text

    @property
    def caption(self) -> str:
        """'Citat · seeds/002_....txt': what the line is and where it comes from."""
        return literal(f"{KINDS[self.kind]} · {self.source}")


@dataclass(frozen=True)
class Section:
    """A heading, its lines and, for groups and focus areas, a table."""

    title: str
    lines: tuple[Line, ...] = ()
    table: pd.DataFrame | None = None

    def blocks(self) -> list[tuple[str, str]]:
        """(Markdown, caption) per run of lines of one kind from one source, in order.

        Facts in a run share a paragraph (one per line), quotes each keep their own; the run
        is named once, under it.
        """
        found: list[tuple[str, str]] = []
        for _, run in groupby(self.lines, key=lambda line: (line.kind, line.source)):
            run = list(run)
            joiner = "  \n" if run[0].kind in ("fact", "example") else "\n\n"
            found.append((joiner.join(line.markdown for line in run), run[0].caption))
        return found


def _sources(p: Programme) -> str:
    return ", ".join(p.sources)


def _notes(p: Programme, topic: str, skip_kind: str | None = None) -> list[Line]:
    return [
        Line(n.text, n.kind, n.source) for n in p.notes if n.topic == topic and n.kind != skip_kind
    ]


def _is_example(source: str) -> bool:
    return source == labels.EXAMPLE_SOURCE


def _example(text: str) -> Line:
    return Line(f"{text} {labels.EXAMPLE_MARK}", "example", "ikke i filen")


def caption(p: Programme) -> str:
    """'Partnerskab om ... · SAG-2016-06580 · kilder: seeds/...': whose file this is."""
    return f"{p.name} · {p.case_id} · kilder: {_sources(p)}"


def _purpose(p: Programme) -> Section:
    lines = [Line(p.purpose, "quote", _sources(p))] if p.purpose else []
    return Section("Formål", tuple(lines + _notes(p, "purpose")))


def _deadlines(p: Programme) -> Section:
    facts = [f"Invitation: {format_date(p.invitation_date)}"]
    if p.interest_deadline:
        facts.append(f"Frist for tilkendegivelse af interesse: {format_date(p.interest_deadline)}")
    if p.agreement_deadline:
        facts.append(f"Frist for politisk aftale: {format_date(p.agreement_deadline)}")
    if not p.requires_agreement:
        facts.append("Politisk aftale: ingen – tilmeldingen er bindende")
    if p.kickoff:
        facts.append(f"Opstart: {format_date(p.kickoff)}")
    facts.append(f"Løbetid: {p.run_text}")
    lines = [Line(text, "fact", _sources(p)) for text in facts]
    return Section("Frister og løbetid", tuple(lines + _notes(p, "deadlines") + _notes(p, "run")))


def _price(p: Programme) -> Section:
    lines = [Line(p.price_text, "quote", _sources(p))]
    if p.price_per_year_dkk:
        lines.append(Line(f"Pr. år: {format_money(p.price_per_year_dkk)}", "fact", _sources(p)))
    lines.append(Line(f"I alt pr. kommune: {format_money(p.price_dkk)}", "fact", _sources(p)))
    return Section("Pris", tuple(lines + _notes(p, "price")))


def groups_table(p: Programme) -> pd.DataFrame:
    """Groups and tracks with the people each municipality sends, quoted, with their seeds."""
    return pd.DataFrame(
        {
            "Gruppe/spor": [g.name for g in p.groups],
            "Type": [labels.GROUP_KINDS[g.kind] for g in p.groups],
            "Deltagere pr. kommune": [f"{g.min}–{g.max}" for g in p.groups],
            "Beskrivelse (citat)": [g.description or "" for g in p.groups],
            "Kilde": [g.source for g in p.groups],
        }
    )


def _networks(p: Programme) -> Section:
    lines = [Line(p.networks_note, "quote", _sources(p))] if p.networks_note else []
    lines += _notes(p, "networks")
    for n in p.networks:
        lines.append(_example(n.name) if _is_example(n.source) else Line(n.name, "fact", n.source))
    if not lines:
        lines = [Line("Partnerskabets fil nævner ingen netværk.", "fact", _sources(p))]
    return Section("Netværk", tuple(lines))


def _focus_areas(p: Programme) -> Section:
    chosen = p.focus_selection == "chosen"
    how = (
        "Hver kommune vælger sine indsatsområder; listen er partnerskabets."
        if chosen
        else "Partnerskabet fastlægger indsatsområderne; alle kommuner arbejder med dem."
    )
    table = pd.DataFrame(
        {
            "Indsatsområde": [f.name for f in p.focus_areas],
            "Kilde": [f.source for f in p.focus_areas],
        }
    )
    lines = [Line(how, "fact", _sources(p)), *_notes(p, "focus_areas")]
    return Section("Indsatsområder", tuple(lines), table if len(table) else None)


def _meetings(p: Programme) -> Section:
    # A meeting every network holds on its own is stored once per network ("tm-1-syd").
    own = {m.id.removesuffix(f"-{m.network}"): m for m in p.meetings if m.network}
    common = [m for m in p.meetings if not m.network]
    kinds = Counter(m.type for m in [*common, *own.values()])
    counted = ", ".join(
        f"{format_number(n)} {(labels.MEETING_TYPES if n == 1 else labels.MEETING_TYPES_PLURAL)[t]}"
        for t, n in kinds.items()
    )
    text = f"{format_number(len(common) + len(own))} møder i planen ({counted})"
    if own:
        text += f"; {format_number(len(own))} af dem holder hvert netværk for sig"
    lines = [
        Line(f"{text}. Hele planen står under Møder og spor.", "fact", _sources(p)),
        *_notes(p, "meetings"),
    ]
    return Section("Mødeplan", tuple(lines))


def _criteria(p: Programme) -> Section:
    lines = _notes(p, "criteria")
    stated = [c for c in p.criteria if not _is_example(c.source)]
    if stated and not any(line.kind == "interpretation" for line in lines):
        agreed = [c for c in stated if c.agreed_on]
        origin = (
            "Kriterierne er aftalt af deltagerne og gengivet ordret."
            if len(agreed) == len(stated)
            else "Kriterierne er fastsat i invitationen og gengivet ordret."
            if not agreed
            else "Kriterierne er dels fastsat i invitationen, dels aftalt af deltagerne senere."
        )
        lines.insert(0, Line(origin, "fact", _sources(p)))
    for c in p.criteria:
        lines.append(
            _example(f"{c.no}. {c.text}")
            if _is_example(c.source)
            else Line(c.text, "quote", c.source, number=f"{c.no}. ")
        )
    if not p.criteria:
        lines.append(Line("Partnerskabets fil har ingen succeskriterier.", "fact", _sources(p)))
    return Section("Succeskriterier", tuple(lines))


def sections(p: Programme) -> list[Section]:
    """The page's sections, in the order a reader asks: why, when, what it costs, who, what."""
    return [
        _purpose(p),
        _deadlines(p),
        _price(p),
        Section("Organisering", tuple(_notes(p, "organisation")), groups_table(p)),
        _networks(p),
        _focus_areas(p),
        _meetings(p),
        _criteria(p),
        Section("Kilder", tuple(Line(s, "fact", "partnerskabets fil") for s in p.sources)),
    ]


def as_table(found: list[Section]) -> pd.DataFrame:
    """Every line of every section as one table, for download: section, kind, text, source."""
    return pd.DataFrame(
        [
            {
                "Afsnit": s.title,
                "Type": KINDS[line.kind],
                "Tekst": line.number + line.text,
                "Kilde": line.source,
            }
            for s in found
            for line in s.lines
        ],
        columns=["Afsnit", "Type", "Tekst", "Kilde"],
    )
