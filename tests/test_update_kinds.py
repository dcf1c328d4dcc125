"""The update kinds as data: each record agrees with the database it writes to."""

from __future__ import annotations

import re

import pytest

from kl_dash.update_kinds import KINDS


def constraint(con, table: str, kind: str) -> list[tuple[list[str], str]]:
    """The columns and text of every constraint of one type on ``table``, from the database."""
    return con.execute(
        "SELECT constraint_column_names, constraint_text FROM duckdb_constraints() "
        "WHERE table_name = ? AND constraint_type = ?",
        [table, kind],
    ).fetchall()


def test_the_kinds_the_upload_log_accepts_are_the_update_kinds_and_partnerships(con):
    (text,) = [text for _, text in constraint(con, "uploads", "CHECK") if "kind IN" in text]
    assert set(re.findall(r"'([a-z]+)'", text)) == set(KINDS) | {"partnerskab"}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_kinds_key_is_its_tables_primary_key(con, name):
    kind = KINDS[name]
    ((columns, _),) = constraint(con, kind.table, "PRIMARY KEY")
    assert tuple(columns) == kind.key


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_kind_names_only_columns_of_its_file_and_its_table(con, name):
    kind = KINDS[name]
    table = {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [kind.table]
    ).fetchall()}  # fmt: skip
    files = {c.name for c in kind.columns}
    targets = [c.target for c in kind.columns if c.target]
    targets += [d.target for d in kind.derived] + [s.target for s in kind.stamps]
    assert set(targets) <= table and len(targets) == len(set(targets))
    assert set(kind.key) <= set(targets)
    assert set(kind.example) == files
    assert {r.column for r in kind.rules} <= files
    assert {d.column for d in kind.derived} | {s.column for s in kind.stamps} <= files | {None}
