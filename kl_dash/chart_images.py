"""The app's own Plotly figures as images for the reports: SVG or PNG, drawn offline.

Kaleido draws them in Debian's chromium (found on PATH as ``chromium``, or at BROWSER_PATH,
which kaleido reads itself); nothing is downloaded: MathJax is switched off and plotly.js comes
from the installed plotly package. One chromium is started per batch of figures and reused for
all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import plotly.graph_objects as go

from .errors import KlDashError

Format = Literal["svg", "png"]

NO_BROWSER = (
    "Diagrammerne til rapporten kan ikke tegnes: chromium findes ikke på maskinen. "
    "Installér den med: apt-get install chromium"
)


def with_font(figure: go.Figure, family: str) -> go.Figure:
    """A copy of ``figure`` whose text uses ``family`` (the document's own font)."""
    copy = go.Figure(figure)
    copy.update_layout(font_family=family, hoverlabel_font_family=family)
    return copy


async def _render(
    figures: Mapping[str, go.Figure], fmt: Format, width: int, scale: float
) -> dict[str, bytes]:
    import kaleido
    from choreographer.errors import ChromeNotFoundError

    try:
        browser = kaleido.Kaleido(n=1, mathjax=False)
    except ChromeNotFoundError as exc:
        raise KlDashError(NO_BROWSER) from exc
    images = {}
    async with browser:
        for name, figure in figures.items():
            height = figure.layout.height or 500
            images[name] = await browser.calc_fig(
                figure, opts={"format": fmt, "width": width, "height": height, "scale": scale}
            )
    return images


def render(
    figures: Mapping[str, go.Figure], fmt: Format, width: int, scale: float = 1
) -> dict[str, bytes]:
    """Each figure drawn ``width`` px wide at its own height, in one chromium session.

    Kaleido is asynchronous; it runs in a thread of its own, so that a caller whose thread
    already runs an event loop (a notebook, Playwright's sync API) can call this too.
    """
    if not figures:
        return {}
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _render(figures, fmt, width, scale)).result()
