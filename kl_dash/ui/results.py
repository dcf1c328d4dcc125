"""Finished results kept per data version: queried, shaped and drawn once, shared by every run.

A rerun with filters seen before (by any session) reads its figures, tables and choices from
here: no SQL, no pandas, no Plotly building, no pickling. Results are kept as the objects
themselves, shared between sessions, so nothing may change a result it was given (pandas'
copy-on-write keeps a derived frame from touching its source; tests check that drawing a
page leaves its results as they were).

Everything is keyed on the data version (``queries.data_version``: one tiny query per run),
so an upload or an undo shows at the next run; a new version drops the results of the old.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
# Figures, tables and choices of one data version, least recently used out first: a view
# (filters) of Overblik keeps about 26, so this holds about 80 views of the busiest page.
MAX_ENTRIES = 2_048


class Store:
    """Results of one database at its newest data version, least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.version: tuple | None = None
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: tuple, key: Hashable, make: Callable[[], T], late: bool = False) -> T:
        """The result kept for ``key`` at ``version``, made (outside the lock) when missing.

        ``late``: asked for after the run that drew it (a download made on click), when the
        data may have changed since; a result of another version than the kept one is then
        made for it alone, and what is kept stays.
        """
        with self.lock:
            if version == self.version and key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            if version != self.version and late:
                return value  # an older view's table, asked for after the data changed
            if version != self.version:  # data changed: the old results are of no more use
                self.version, self.items = version, OrderedDict()
            self.items[key] = value
            while len(self.items) > self.max_entries:
                self.items.popitem(last=False)
        return value


@st.cache_resource(show_spinner=False)
def store(path: str) -> Store:
    """The one store of the database at ``path`` in this process."""
    return Store()


@dataclass(frozen=True)
class Snapshot:
    """The database at ``path`` as of data version ``version``: what a run reads from."""

    path: str
    version: tuple
    kept: Store

    def get(self, key: Hashable, make: Callable[[], T], late: bool = False) -> T:
        """``make()``'s result for ``key``, built once per data version in this process."""
        return self.kept.get(self.version, key, make, late)


def snapshot(path: str, version: tuple) -> Snapshot:
    """The database at ``path`` as of ``version``, with the results kept for it."""
    return Snapshot(path, version, store(path))
