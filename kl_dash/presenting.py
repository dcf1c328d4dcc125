"""Query results turned into what a page shows: Danish labels and formatted values."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import labels
from .formatting import format_date, format_number
from .queries import KeyFigures


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    help: str | None = None


def key_figure_cards(figures: KeyFigures, requires_agreement: bool) -> list[Card]:
    """The headline figures as labelled cards, in reading order."""
    agreement = (
        Card("Heraf med politisk aftale", format_number(figures.with_agreement))
        if requires_agreement
        else Card(
            "Heraf med politisk aftale", "–", "Tilmelding er bindende; ingen politisk aftale."
        )
    )
    return [
        Card(
            "Tilmeldte kommuner",
            format_number(figures.enrolled),
            "Kommuner der har tilkendegivet interesse og ikke er udtrådt.",
        ),
        agreement,
        Card("Udtrådt", format_number(figures.withdrawn)),
        Card(
            "Møder afholdt",
            f"{format_number(figures.meetings_held)} af {format_number(figures.meetings_planned)}",
        ),
    ]


def meeting_plan_table(plan: pd.DataFrame) -> pd.DataFrame:
    """The meeting plan with Danish headings, dates as '14. september 2021'."""

    def day(value) -> str:
        return "" if pd.isna(value) else format_date(value)

    return pd.DataFrame(
        {
            "Møde": plan["title"],
            "Type": plan["meeting_type"].map(labels.MEETING_TYPES).str.capitalize(),
            "Gruppe/spor": plan["group_name"],
            "Planlagt": plan["planned_text"].fillna("ikke fastlagt"),
            "Afholdt": plan["held_on"].map(day),
            "Form": plan["form"].map(labels.MEETING_FORMS).fillna(""),
        }
    )
