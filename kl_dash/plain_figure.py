"""Figures built as plain dicts, then handed to Plotly once without validation.

Building through Plotly's validating API (``go.Scatter(...)``, ``fig.update_layout(...)``)
checks and copies every property on every call: 30-70 ms a figure here, most of a page's
rerun after a filter change. ``PlainFigure`` takes the same calls (``add_trace``,
``update_layout``, ``update_xaxes``/``update_yaxes``, ``add_shape``, ``add_annotation``, and
Plotly's "magic underscore" names such as ``title_text``) into dicts, and ``figure()`` makes
a ``FinishedFigure`` of them: a go.Figure that hands st.plotly_chart the dicts as they are
and makes Plotly's objects only if something else asks for them. The figure's JSON is the
validated one's: tests/test_charts.py compares them.
"""

from __future__ import annotations

import copy
from typing import Any

import plotly.graph_objects as go
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

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

    def figure(self) -> FinishedFigure:
        """The finished figure of these dicts (they must not be changed after)."""
        return FinishedFigure({"data": self.data, "layout": self.layout})


_PLAIN = (str, int, float, bool, type(None))  # never an array (numpy's scalars are not either)
_NESTED = (dict, list, tuple)
# Dicts every figure shares as they are (charts' template, 6 KB of nested lists and dicts), by
# identity: made typed once, when they are made shared, and never walked again.
_SHARED: dict[int, Any] = {}


def shared(plain: dict[str, Any]) -> dict[str, Any]:
    """``plain`` made typed once, to be put in figures as it is (never changed after)."""
    typed_arrays(plain)
    _SHARED[id(plain)] = plain  # held here: its id stays its own
    return plain


def typed_arrays(obj: Any) -> None:
    """Plotly's ``convert_to_base64``, in place, without its per-value calls.

    Plotly's walk calls two functions for every value of every list (a list of 98 names is
    98 calls, each asking numpy whether the name is an array): 1-2 ms a chart, every cache
    miss. This one changes exactly what Plotly's does (a dict's value that is an array, numpy's
    or pandas', becomes a typed array; lists and tuples are walked for dicts in them) and only
    asks that question of values that are neither plain Python nor a dict, list or tuple;
    a dict made ``shared`` is typed already. tests/test_charts.py compares the two on every
    figure the pages draw.
    """
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, _PLAIN) or is_skipped_key(key) or id(value) in _SHARED:
                continue
            if isinstance(value, _NESTED):
                typed_arrays(value)
            elif is_homogeneous_array(value):
                obj[key] = to_typed_array_spec(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            if isinstance(value, _NESTED):
                typed_arrays(value)


class FinishedFigure(go.Figure):
    """A finished figure kept as its plain dicts: Plotly's objects are made only if asked for.

    A go.Figure of the dicts, even unvalidated, builds an object for every trace and property
    (3-4 ms a chart, on every cache miss), and st.plotly_chart only asks it for the dicts back
    (``to_dict``), as Plotly's JSON does. This figure hands over the dicts themselves, with
    numpy arrays made Plotly's typed arrays once, as ``to_dict`` makes them; anything else of
    a go.Figure (``layout``, ``data``, ``write_image``, ...) makes that go.Figure, unvalidated,
    once, and from then on it is that go.Figure (its ``to_dict`` a copy, so a change made
    through it is drawn). A finished figure is shared by every session: nothing may change it.
    """

    def __init__(self, plain: dict[str, Any]) -> None:  # not go.Figure's: no Plotly objects
        self.__dict__["_plain"] = plain
        self.__dict__["_typed"] = False

    def to_dict(self) -> dict[str, Any]:
        """The plain form, the same object on every call: what st.plotly_chart asks for.

        Unlike go.Figure's, not a copy: whoever asks for it must not change it. Once the
        go.Figure is made, go.Figure's (a copy of what it holds now).
        """
        plain = self.__dict__.get("_plain")
        if plain is None:
            return super().to_dict()
        if not self.__dict__["_typed"]:
            typed_arrays(plain)
            self.__dict__["_typed"] = True
        return plain

    def to_plotly_json(self) -> dict[str, Any]:
        """A copy of the plain form, for Plotly's own uses that change it (its repr)."""
        return copy.deepcopy(self.to_dict())

    def __reduce__(self) -> tuple:
        """Copied and pickled as a copy of its plain form."""
        return FinishedFigure, (self.to_plotly_json(),)

    def __getattr__(self, name: str) -> Any:
        """What the go.Figure of the plain form has: it is made (unvalidated) on first use."""
        state = self.__dict__
        if name.startswith("__") or "_plain" not in state:
            raise AttributeError(name)
        state.update(go.Figure(state.pop("_plain"), _validate=False).__dict__)
        return getattr(self, name)
