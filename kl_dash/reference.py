"""Reference data that ships with kl_dash: the 98 municipalities and the seeded partnerships."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import duckdb

from .programmes import Programme, load_programme_file, store_programme

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"

# Denmark's five regions in the order Danmarks Statistik lists them. The migration's CHECK on
# municipalities.region and the reference CSV agree with this (tests/test_reference.py).
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")


def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def municipality_rows() -> list[dict[str, str]]:
    """The 98 municipalities: code, name, region, latitude, longitude."""
    return _read_csv("municipalities.csv")


@cache
def denmark_outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Denmark's coast as closed rings of (longitude, latitude), one per island, largest first."""
    with (REFERENCE_DIR / "denmark.geojson").open(encoding="utf-8") as f:
        polygons = json.load(f)["geometry"]["coordinates"]
    return tuple(tuple((x, y) for x, y in polygon[0]) for polygon in polygons)


def alias_rows() -> list[dict[str, str]]:
    """Name variants people write for a municipality: alias, code."""
    return _read_csv("municipality_aliases.csv")


@cache
def seeded_programmes() -> tuple[Programme, ...]:
    """The partnerships defined in kl_dash/programmes/*.toml, ordered by id."""
    return tuple(load_programme_file(p) for p in sorted(PROGRAMMES_DIR.glob("*.toml")))


def store_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Insert municipalities, aliases and the seeded partnerships (caller owns the transaction)."""
    con.executemany(
        "INSERT INTO municipalities VALUES (?, ?, ?, ?, ?)",
        [
            [r["code"], r["name"], r["region"], float(r["latitude"]), float(r["longitude"])]
            for r in municipality_rows()
        ],
    )
    con.executemany(
        "INSERT INTO municipality_aliases VALUES (?, ?)",
        [[r["alias"], r["code"]] for r in alias_rows()],
    )
    for programme in seeded_programmes():
        store_programme(con, programme)
