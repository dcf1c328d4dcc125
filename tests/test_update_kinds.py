"""The update kinds as data: each record agrees with the database it writes to."""

from __future__ import annotations

import re

import pandas as pd
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


def _store(con, kind: str, lines: list[str]) -> None:
    from kl_dash import importer

    data = "\r\n".join(lines).encode("utf-8")
    importer.store(con, kind, data, f"{kind}.csv", "konsulent")


def test_a_meeting_is_given_to_a_network_by_name_or_id_and_exported_by_name(con):
    from kl_dash import importer

    header = "partnerskab;moede_id;titel;type;gruppe;netvaerk;planlagt"
    _store(
        con,
        "moeder",
        [
            header,
            "kvalitet-2017;ekstra-1;Ekstra temadag;temadag;Kommunalt netværk;Netværk Syd;2019",
            "kvalitet-2017;ekstra-2;Ekstra temadag;temadag;Kommunalt netværk;oest;2019",
            "kvalitet-2017;ekstra-3;Fælles temadag;temadag;alle;;2019",
        ],
    )
    stored = con.execute(
        "SELECT meeting_id, network_id FROM meetings WHERE meeting_id LIKE 'ekstra-%' ORDER BY 1"
    ).fetchall()
    assert stored == [("ekstra-1", "syd"), ("ekstra-2", "oest"), ("ekstra-3", None)]
    exported = importer.export_frame(con, "moeder", "kvalitet-2017").set_index("moede_id")
    assert list(exported.loc[["ekstra-1", "ekstra-2"], "netvaerk"]) == [
        "Netværk Syd",
        "Netværk Øst",
    ]
    assert exported.loc["tm-1-syd", "netvaerk"] == "Netværk Syd"
    assert pd.isna(exported.loc["ekstra-3", "netvaerk"])


def test_a_network_the_partnership_does_not_have_is_an_error_naming_it(con):
    from kl_dash import importer

    data = (
        "partnerskab;moede_id;titel;type;netvaerk\r\n"
        "kvalitet-2017;ekstra-1;Ekstra temadag;temadag;Netværk Vest\r\n"
    ).encode()
    prepared = importer.prepare(con, "moeder", data, "moeder.csv")
    [error] = prepared.errors
    assert (error.row, error.column, error.value) == (2, "netvaerk", "Netværk Vest")


def test_attendance_at_another_networks_meeting_is_a_warning_and_not_counted(con):
    from kl_dash import importer

    name, network = con.execute(
        "SELECT m.name, e.network_id FROM enrollment_status e JOIN municipalities m "
        "ON m.code = e.municipality_code WHERE programme_id = 'kvalitet-2017' "
        "AND network_id <> 'syd' AND status = 'participating' ORDER BY 1 LIMIT 1"
    ).fetchone()
    data = f"partnerskab;moede_id;kommune;antal\r\nkvalitet-2017;tm-2-syd;{name};2\r\n".encode()
    prepared = importer.prepare(con, "fremmoede", data, "fremmoede.csv")
    assert prepared.ok
    [warning] = prepared.warnings
    assert (warning.row, warning.column) == (2, "kommune") and "netværk" in warning.expected
