"""One style per status, the same in every chart: Okabe-Ito colour, marker symbol and mark.

Colour is never the only cue: every status also has its own marker symbol, and a short mark
for bars and heatmap cells. Keys are the codes stored in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import labels

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common kind of
# colour blindness. Every colour a mark is drawn in has at least 3:1 contrast on white (WCAG
# 1.4.11; tests/test_charts.py): orange is darkened for that, and sky blue and yellow only
# fill bars and cells that also have an outline or a mark.
ORANGE = "#B36B00"  # Okabe-Ito orange #E69F00 darkened to 4.2:1
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"

GREY = "#767676"  # the lightest grey with 4.5:1 on white

# Text, axes and outlines in the charts, on their white background.
TEXT = "#31333F"  # Streamlit's own text colour, 12.5:1
BACKGROUND = "#FFFFFF"
OUTLINE = "#555555"


@dataclass(frozen=True)
class Style:
    """How one status looks: colour, Plotly marker symbol, Danish label, short text mark."""

    colour: str
    symbol: str
    label: str
    mark: str


ENROLLMENT = {
    "participating": Style(BLUISH_GREEN, "circle", labels.ENROLLMENT_STATUS["participating"], "✓"),
    "awaiting_agreement": Style(
        ORANGE, "diamond", labels.ENROLLMENT_STATUS["awaiting_agreement"], "…"
    ),
    "withdrawn": Style(VERMILLION, "x", labels.ENROLLMENT_STATUS["withdrawn"], "×"),
    "not_enrolled": Style(GREY, "circle-open", "Ikke tilmeldt", "–"),
}

# The steps of an enrollment over time, styled as the status each step leads to.
ENROLLMENT_STEPS = {
    step: replace(ENROLLMENT[status], label=labels.ENROLLMENT_STEPS[step])
    for step, status in (
        ("interest", "awaiting_agreement"),
        ("agreement", "participating"),
        ("withdrawn", "withdrawn"),
    )
}

CRITERION = {
    "not_started": Style(
        VERMILLION, "circle-open", labels.CRITERION_STATUS["not_started"].capitalize(), "–"
    ),
    "in_progress": Style(
        YELLOW, "triangle-up", labels.CRITERION_STATUS["in_progress"].capitalize(), "…"
    ),
    "achieved": Style(BLUISH_GREEN, "star", labels.CRITERION_STATUS["achieved"].capitalize(), "✓"),
}

# A criterion nobody has assessed yet for a municipality: grey, and no mark in its cell.
NOT_ASSESSED = Style("#E6E6E6", "square-open", "Ikke vurderet", "")

MEETING = {
    "held": Style(BLUE, "circle", "Afholdt", "✓"),
    "not_held": Style(ORANGE, "circle-open", "Ikke afholdt endnu", "…"),
}

RANGE = {
    "inside": Style(BLUISH_GREEN, "circle", "Inden for intervallet", "✓"),
    "outside": Style(VERMILLION, "x", "Uden for intervallet", "!"),
}
