"""Figures built as plain dicts, then handed to Plotly once without validation.

Building through Plotly's validating API (``go.Scatter(...)``, ``fig.update_layout(...)``)
checks and copies every property on every call: 30-70 ms a figure here, most of a page's
rerun after a filter change. ``PlainFigure`` takes the same calls (``add_trace``,
``update_layout``, ``update_xaxes``/``update_yaxes``, ``add_shape``, ``add_annotation``, and
Plotly's "magic underscore" names such as ``title_text``) into dicts, and ``figure()`` makes
a ``go.Figure`` of them without validating (1-6 ms). The figure's JSON is the validated
one's: tests/test_charts.py compares them.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# Property names of the traces and layouts charts build that have an underscore of their own.
_WHOLE = frozenset({"paper_bgcolor", "plot_bgcolor", "error_x", "error_y"})


def _expand(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with Plotly's magic underscores spelled out: title_text -> title.text."""
    result: dict[str, Any] = {}
    for key, value in props.items():
        *path, last = [key] if key in _WHOLE else key.split("_")
        into = result
        for part in path:
            into = into.setdefault(part, {})
        _merge(into, {last: _expand(value) if isinstance(value, dict) else value})
    return result


def _merge(into: dict[str, Any], props: dict[str, Any]) -> None:
    """Update ``into`` with ``props`` as Plotly's update does: nested dicts merged, not replaced."""
    for key, value in props.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A trace of type ``kind`` ('scatter', 'bar', 'heatmap') as a dict."""
    return {"type": kind, **_expand(props)}


class PlainFigure:
    """A figure's traces and layout as dicts, taking the calls charts make on a go.Figure."""

    def __init__(self, *traces: dict[str, Any]) -> None:
        self.data: list[dict[str, Any]] = list(traces)
        self.layout: dict[str, Any] = {}

    def add_trace(self, trace: dict[str, Any]) -> None:
        """Add a trace made by ``trace``."""
        self.data.append(trace)

    def update_layout(self, **props: Any) -> None:
        """Merge ``props`` into the layout."""
        _merge(self.layout, _expand(props))

    def update_xaxes(self, **props: Any) -> None:
        """Merge ``props`` into the x axis (charts have one)."""
        _merge(self.layout.setdefault("xaxis", {}), _expand(props))

    def update_yaxes(self, **props: Any) -> None:
        """Merge ``props`` into the y axis (charts have one)."""
        _merge(self.layout.setdefault("yaxis", {}), _expand(props))

    def add_shape(self, **props: Any) -> None:
        """Add a shape to the layout."""
        self.layout.setdefault("shapes", []).append(_expand(props))

    def add_annotation(self, **props: Any) -> None:
        """Add an annotation to the layout."""
        self.layout.setdefault("annotations", []).append(_expand(props))

    def figure(self) -> go.Figure:
        """The go.Figure of these dicts, made without Plotly's validation."""
        return go.Figure({"data": self.data, "layout": self.layout}, _validate=False)
