"""The file on Opdater data, checked once: the check kept with its cursor until stored or dropped.

Checking a file leaves its comparison on the cursor that checked it; storing takes that
comparison (importer.store(prepared=...)) instead of checking the file again. The check is
kept in the session with its cursor, keyed on the file, kind, sheet and data version, so a
rerun with the same file shows it without checking again, and a change of any of them
(an upload by someone else included) checks afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing

import duckdb
import streamlit as st

from kl_dash import importer, queries, upload_view
from kl_dash.errors import InvalidInput
from kl_dash.users import Actor

KEPT = "upload-checked"
GENERATION = "upload-generation"

Cursor = Callable[[], duckdb.DuckDBPyConnection]


def generation() -> int:
    """The uploader's generation: a new one empties it after a file is stored or put away."""
    return st.session_state.get(GENERATION, 0)


def forget() -> None:
    """Drop the file's check and close the cursor that holds its comparison."""
    _, _, checker = st.session_state.pop(KEPT, (None, None, None))
    if checker is not None:
        checker.close()


def done(where: str, level: str, message: str) -> None:
    """Run the page afresh, with the message where the user was (after a file: no file)."""
    st.session_state[f"{where}-message"] = (level, message)
    if where == "upload":
        st.session_state[GENERATION] = generation() + 1
        forget()
    st.rerun()


def show_message(where: str) -> None:
    """The message ``done`` left for this part of the page, once."""
    if message := st.session_state.pop(f"{where}-message", None):
        getattr(st, message[0])(message[1])


def check(
    cursor: Cursor, uploaded, kind: str, data: bytes, sheet: str | None, max_mb: int, status
) -> upload_view.Checked:
    """The file's check: kept from an earlier run when nothing it depends on changed."""
    with closing(cursor()) as con:  # what the file would change depends on the data
        key = (uploaded.file_id, kind, sheet, queries.data_version(con))
    kept_key, checked, checker = st.session_state.get(KEPT, (None, None, None))
    if kept_key != key:
        forget()
        checker = cursor()  # kept open: storing takes the comparison it holds (one check)
        with status:
            checked = upload_view.check(checker, kind, data, uploaded.name, sheet, max_mb)
        st.session_state[KEPT] = (key, checked, checker)
    return checked


def store(
    cursor: Cursor, kind: str, data: bytes, name: str, user: Actor, sheet: str | None
) -> importer.Stored:
    """Store the checked file with the comparison its check left; refused: the errors shown."""
    key, checked, checker = st.session_state[KEPT]
    with closing(checker or cursor()) as con:
        try:
            return importer.store(con, kind, data, name, user, sheet, prepared=checked.prepared)
        except InvalidInput as exc:  # e.g. the data changed since the preview
            st.session_state[KEPT] = (key, upload_view.Checked(None, exc.errors), None)
            st.rerun()
