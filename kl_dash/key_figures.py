"""The key figures, each with one meaning wherever it is shown: pages, downloads and reports.

Every figure is counted from the same per-municipality ground (``queries`` step
``municipality_figures``) as it stood on the status date, for the municipalities and groups
the filters select:

- enrolled: municipalities that have shown interest and not withdrawn;
- with_agreement: of those, the ones whose council has approved the political agreement;
- withdrawn: municipalities that have withdrawn; shown apart, and left out of every rate
  and total below;
- counted municipalities: those taking part on the status date (agreement approved, or signed
  up where sign-up is binding, and not withdrawn);
- participants: people the counted municipalities have signed up (in the group filtered on);
- meetings held / planned: the meetings meant for someone in view (see ``meetings_in_view``),
  held by the status date / in the plan;
- attendance rate: of the (counted municipality, held meeting meant for it while it took
  part) pairs, the share where it was represented: meetings_attended / meetings_expected;
- criteria share: of the counted municipalities' latest assessments of each criterion, the
  share that says 'achieved': criteria_reached / criteria_assessed.

A share of nothing is None (shown as "–"), never 0. The comparison of one municipality with
its network and with all participants pools the same counts over each set (``pooled``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to share."""
    return part / whole if whole else None


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures of one programme as it stood on ``as_of``."""

    as_of: date
    enrolled: int
    with_agreement: int
    withdrawn: int
    participants: int
    meetings_held: int
    meetings_planned: int
    meetings_attended: int
    meetings_expected: int
    criteria_reached: int
    criteria_assessed: int

    @property
    def attendance_rate(self) -> float | None:
        """Share of the held meetings meant for a counted municipality that it attended."""
        return share(self.meetings_attended, self.meetings_expected)

    @property
    def criteria_share(self) -> float | None:
        """Share of (municipality, criterion) pairs whose latest assessment is 'achieved'."""
        return share(self.criteria_reached, self.criteria_assessed)


def pooled(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Attendance rate and criteria share of a set of municipality figures' rows.

    Each row is a dict of plain values (a missing count as 0); only the counted rows count,
    as in ``KeyFigures``.
    """
    counted = [r for r in rows if r["counted"]]
    return {
        "attendance_rate": share(
            sum(r["meetings_attended"] for r in counted),
            sum(r["meetings_expected"] for r in counted),
        ),
        "criteria_share": share(
            sum(r["criteria_reached"] for r in counted),
            sum(r["criteria_assessed"] for r in counted),
        ),
    }
