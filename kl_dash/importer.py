"""Consultant updates: read -> validate -> diff -> store, in one transaction with its log entry.

Five kinds of update (``update_kinds.KINDS``), each a table with a natural key, all run
through the same pipeline: no step here knows any one kind. A file is read into a
temporary table (``reading``), every value is parsed and checked in DuckDB SQL (so 100,000
rows take about as long as reading them), all problems are collected at once, and the rows
are compared with what is stored: new, changed (old -> new) or unchanged. Storing upserts the
new and changed rows and records them in the upload log (``upload_log``) with the rows as
they were before, so that ``undo`` can put them back exactly.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from . import config, labels, queries, upload_log
from .errors import DataError, InvalidInput, KlDashError
from .formatting import format_date, format_number
from .periods import parse_period
from .reading import RawFile, header_key, read_upload
from .store import dialect, staged, write_transaction
from .update_kinds import KINDS, Column, Kind
from .users import Actor, require

MAX_BYTES = config.max_upload_bytes()  # read once at import: a process has one limit
PREVIEW_ROWS = 1000


DATE_EXPECTED = "en dato som 23-06-2017, 23.06.2017, 23/6/2017 eller 2017-06-23"
EXPECTED = {
    "programme": "et partnerskab: id (it-2017), sags-id (SAG-2016-06580) eller navn",
    "municipality": "en kommune: navn, kode eller en kendt navnevariant",
    "enrolled": "en kommune der er tilmeldt partnerskabet (upload tilmeldinger først)",
    "date": DATE_EXPECTED,
    "count": "et helt tal på 0 eller mere, f.eks. 4 eller 1.234 (ikke 2,5 eller 4.0)",
    "network": "et netværk i partnerskabet (id eller navn)",
    "group": "en gruppe eller et spor i partnerskabet (id eller navn)",
    "group_or_all": 'en gruppe eller et spor i partnerskabet, eller tom/"alle"',
    "meeting_id": "et møde-id med bogstaver, tal og - _ . (f.eks. ps-1)",
    "meeting": "et møde-id der findes i partnerskabet (upload møder først)",
    "text": "en tekst",
    "meeting_type": labels.allowed(labels.MEETING_TYPES),
    "form": labels.allowed(labels.MEETING_FORMS),
    "criterion_status": labels.allowed(labels.CRITERION_STATUS),
    "criterion": "et succeskriteriums nummer eller ordrette tekst",
    "period": 'en dato eller periode, f.eks. "primo 2018" eller 14-09-2021',
}

# Value types written as Danish words, and the codes they stand for.
WORDS = {
    "meeting_type": labels.MEETING_TYPES,
    "form": labels.MEETING_FORMS,
    "criterion_status": labels.CRITERION_STATUS,
}

# SQL expressions that parse one raw text value ``v`` (a column of upload_raw) into the
# stored value; NULL where it cannot be parsed. Lookups join tables built in _prepare_sql.
_PARSE = {
    "date": "kl_date({v})",
    # A whole number as people write it: "4", or "1.234" with a point between each group of
    # three digits. "2.5" and "4.0" are no counts (the point is no thousands separator there).
    "count": "CASE WHEN regexp_full_match(trim({v}), '[0-9]+|[0-9]{{1,3}}([.][0-9]{{3}})+') "
    "THEN try_cast(replace(trim({v}), '.', '') AS INTEGER) END",
    "text": "kl_unneutralise({v})",
    "meeting_id": "CASE WHEN regexp_full_match({v}, '[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*') "
    "THEN {v} END",
    "period": "kl_period_text({v})",
}


# A date must lie within its partnership's plausible window: from the year before the
# invitation to a few years after the end (a typo like 0001 or 9999 is refused, not stored).
YEARS_BEFORE = 1
YEARS_AFTER = 3
# Value types that are dates, and the SQL giving the date of a parsed value ``v``.
_DATED = {"date": "{v}", "period": "kl_period_from({v})"}


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP MACRO kl_norm(s) AS trim(regexp_replace(regexp_replace("
        "replace(replace(replace(lower(trim(s)), 'æ', 'ae'), 'ø', 'oe'), 'å', 'aa'), "
        "'[-\\s]+', ' ', 'g'), ' (regions)?kommune$', ''))"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO kl_date(s) AS CASE WHEN regexp_full_match(trim(s), "
        "'[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}') "
        "THEN CAST(coalesce(try_strptime(trim(s), '%d-%m-%Y'), try_strptime(trim(s), '%d.%m.%Y'), "
        "try_strptime(trim(s), '%d/%m/%Y'), try_strptime(trim(s), '%Y-%m-%d')) AS DATE) END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO kl_unneutralise(s) AS CASE WHEN "
        "regexp_matches(s, '^''+[=+\\-@\\t\\r]') THEN substr(s, 2) ELSE s END"
    )
    for name, function in (("kl_period_from", _period_from), ("kl_period_to", _period_to)):
        try:
            con.create_function(name, function, ["VARCHAR"], "DATE", null_handling="special")
        except (duckdb.CatalogException, duckdb.NotImplementedException):
            continue  # registered by an earlier upload on this connection
    con.execute(
        "CREATE OR REPLACE TEMP MACRO kl_period_text(s) AS "
        "CASE WHEN kl_period_from(s) IS NOT NULL THEN s END"
    )


def _period(text: str | None, part: int) -> date | None:
    if text is None:
        return None
    day = None
    for pattern in ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), pattern).date()
            break
        except ValueError:
            continue
    try:
        found = (day, day) if day else parse_period(text)
    except ValueError:  # PeriodError, or a date Python cannot represent
        return None
    return found[part] if 1900 <= found[0].year <= 2200 else None


def _period_from(text: str | None) -> date | None:
    return _period(text, 0)


def _period_to(text: str | None) -> date | None:
    return _period(text, 1)


def _programme_lookup(con: duckdb.DuckDBPyConnection) -> None:
    """lk_programme: each current partnership by the ways people write it."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_programme AS
        WITH current AS (
            SELECT * FROM programmes
            WHERE id NOT IN (SELECT programme_id FROM removed_programmes)
        )
        SELECT DISTINCT key, id FROM (
            SELECT lower(id) AS key, id FROM current
            UNION ALL SELECT lower(case_id), id FROM current
            UNION ALL SELECT lower(name), id FROM current
            UNION ALL SELECT lower(short_name), id FROM current
        )
        """
    )


def _partnerships(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    data: bytes,
    file_name: str,
    sheet: str | None,
    max_bytes: int,
) -> list[str]:
    """The partnerships a file's rows name (what a check of it reads rows of); [] when none.

    Used on PostgreSQL to copy only those partnerships' rows for the check (store.staged);
    a file that cannot be read names none, and its check then says why.
    """
    if len(data) > max_bytes:
        return []
    try:
        raw = read_upload(con, data, file_name, sheet)
    except KlDashError:
        return []
    found, _, _ = _map_headers(KINDS[kind_name], raw)
    if "partnerskab" not in found:
        return []
    _programme_lookup(con)
    rows = con.execute(
        f"SELECT DISTINCT k.id FROM upload_raw AS u JOIN lk_programme AS k "
        f"ON k.key = lower(nullif(trim(u.c{found['partnerskab']}), ''))"
    ).fetchall()
    return [programme for (programme,) in rows]


def _lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary lookup tables from the reference data, keyed as people write values."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_municipality AS
        SELECT DISTINCT key, code FROM (
            SELECT kl_norm(name) AS key, code FROM municipalities
            UNION ALL SELECT code, code FROM municipalities
            UNION ALL SELECT kl_norm(alias), code FROM municipality_aliases
        )
        """
    )
    _programme_lookup(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_part AS
        SELECT DISTINCT * FROM (
            SELECT 'group' AS part, programme_id, lower(group_id) AS key, group_id AS id
            FROM programme_groups
            UNION ALL SELECT 'group', programme_id, lower(name), group_id FROM programme_groups
            UNION ALL SELECT 'network', programme_id, lower(network_id), network_id FROM networks
            UNION ALL SELECT 'network', programme_id, lower(name), network_id FROM networks
            UNION ALL SELECT 'meeting', programme_id, lower(meeting_id), meeting_id FROM meetings
            UNION ALL SELECT 'criterion', programme_id, CAST(criterion_no AS VARCHAR),
                             CAST(criterion_no AS VARCHAR) FROM success_criteria
            UNION ALL SELECT 'criterion', programme_id, lower(trim(text, ' .')),
                             CAST(criterion_no AS VARCHAR) FROM success_criteria
        )
        """
    )
    rows = [(kind, word, code) for kind, table in WORDS.items() for code, word in table.items()]
    con.execute("CREATE OR REPLACE TEMP TABLE lk_word (kind VARCHAR, word VARCHAR, code VARCHAR)")
    con.executemany("INSERT INTO lk_word VALUES (?, ?, ?)", rows)


def _map_headers(
    kind: Kind, raw: RawFile
) -> tuple[dict[str, int], list[DataError], list[DataError]]:
    wanted = {header_key(c.name): c for c in kind.columns}
    found: dict[str, int] = {}
    errors, warnings = [], []
    for index, header in enumerate(raw.headers):
        column = wanted.get(header_key(header))
        if column is None:
            warnings.append(
                DataError(
                    raw.file_name,
                    1,
                    header,
                    header,
                    "kun kolonnerne "
                    + ", ".join(c.name for c in kind.columns)
                    + "; kolonnen ignoreres",
                )
            )
        elif column.name in found:
            errors.append(
                DataError(raw.file_name, 1, header, header, f"kolonnen {column.name} kun én gang")
            )
        else:
            found[column.name] = index
    for column in kind.columns:
        if column.required and column.name not in found:
            errors.append(
                DataError(
                    raw.file_name,
                    1,
                    column.name,
                    None,
                    f"en kolonne med overskriften {column.name}",
                )
            )
    return found, errors, warnings


def _stage_sql(kind: Kind, found: dict[str, int]) -> str:
    """SQL creating upload_parsed: raw text (r_<col>) and parsed value (p_<col>) per column.

    A value looked up or parsed by a function is worked out once per distinct text of its
    column (step ``v_<col>``) and joined back to the rows: a large file repeats few names and
    dates, and the lookups' normalising and the date patterns cost more than the join.
    """
    raw = {
        c.name: f"nullif(trim(c{found[c.name]}), '')" if c.name in found else "NULL::VARCHAR"
        for c in kind.columns
    }
    select, steps, joins = ["u.rownum"], [], []
    for c in kind.columns:
        v = f"r_{c.name}"
        select.append(f"u.{v}")
        lookup = ""  # how the distinct texts d.raw are looked up (a join), if they are
        if c.kind == "programme":
            parsed, lookup = "j.id", "lk_programme AS j ON j.key = lower(d.raw)"
        elif c.kind in ("municipality", "enrolled"):
            parsed, lookup = "j.code", "lk_municipality AS j ON j.key = kl_norm(d.raw)"
        elif c.kind in WORDS:
            parsed = "j.code"
            lookup = f"lk_word AS j ON j.kind = '{c.kind}' AND j.word = lower(d.raw)"
        elif c.kind in _PARSE and c.kind != "text":
            parsed = _PARSE[c.kind].format(v="d.raw")
        else:
            if c.kind == "text":  # mostly unlike each other: parsed where they stand
                value = _PARSE["text"].format(v=f"u.{v}")
            else:  # looked up per programme in a second step (group, network, meeting, ...)
                value = "NULL::INTEGER" if c.kind == "criterion" else "NULL::VARCHAR"
            select.append(f"{value} AS p_{c.name}")
            continue
        steps.append(
            f"v_{c.name} AS (SELECT d.raw, {parsed} AS parsed "
            f"FROM (SELECT DISTINCT {v} AS raw FROM u) AS d"
            + (f" LEFT JOIN {lookup})" if lookup else ")")
        )
        joins.append(f"LEFT JOIN v_{c.name} ON v_{c.name}.raw = u.{v}")
        select.append(f"v_{c.name}.parsed AS p_{c.name}")
    raw_select = ", ".join(f"{expr} AS r_{name}" for name, expr in raw.items())
    with_steps = ", ".join([f"u AS (SELECT rownum, {raw_select} FROM upload_raw)", *steps])
    return (
        f"CREATE OR REPLACE TEMP TABLE upload_parsed AS WITH {with_steps} "
        f"SELECT {', '.join(select)} FROM u {' '.join(joins)}"
    )


# Second step: values that depend on the row's programme, looked up by equality in lk_part.
_PART_OF = {
    "group": "group",
    "group_or_all": "group",
    "network": "network",
    "meeting": "meeting",
    "meeting_id": "meeting",
    "criterion": "criterion",
}


def _per_programme_sql(column: Column) -> str:
    part = _PART_OF[column.kind]
    key = (
        f"lower(trim(u.r_{column.name}, ' .'))"
        if part == "criterion"
        else (f"lower(u.r_{column.name})")
    )
    value = "CAST(k.id AS INTEGER)" if part == "criterion" else "k.id"
    guard = f"AND u.p_{column.name} IS NOT NULL" if column.kind == "meeting_id" else ""
    return (
        f"UPDATE upload_parsed AS u SET p_{column.name} = {value} FROM lk_part AS k "
        f"WHERE k.part = '{part}' AND k.programme_id = u.p_partnerskab AND k.key = {key} {guard}"
    )


@dataclass
class Prepared:
    """A file read and checked: what it holds, its problems, and what storing would change."""

    kind: Kind
    raw: RawFile
    sha256: str
    errors: list[DataError]
    warnings: list[DataError]
    present: tuple[str, ...] = ()
    new: pd.DataFrame = field(default_factory=pd.DataFrame)
    changed: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    more_errors: bool = False  # the file has more problems than the LIMITS.errors_kept listed
    check_id: str = ""  # names the comparison prepare left on its connection (upload_checked)
    version: tuple = ()  # the data version it was compared with

    @property
    def ok(self) -> bool:
        return not self.errors


def _suggest(value: str, names: list[str]) -> str:
    close = difflib.get_close_matches(value.removesuffix(" Kommune"), names, n=1, cutoff=0.6)
    return f" (mente du {close[0]}?)" if close else ""


def _values_sql(kind: Kind, present: set[str]) -> str:
    """SQL creating upload_values: each row's values as they would be stored (v_<column>).

    A column in the file gives its parsed value; a column left out gives the stored value
    (NULL for a new row), as storing keeps it.
    """
    on = " AND ".join(f"t.{c.target} = u.p_{c.name}" for c in kind.columns if c.target in kind.key)
    values = ", ".join(
        f"{f'u.p_{c.name}' if c.name in present else f't.{c.target}'} AS v_{c.name}"
        for c in kind.columns
        if c.target
    )
    return (
        f"CREATE OR REPLACE TEMP TABLE upload_values AS SELECT u.*, {values} "
        f"FROM upload_parsed AS u LEFT JOIN {kind.table} AS t ON {on}"
    )


def _errors(
    con, kind: Kind, raw: RawFile, present: set[str]
) -> tuple[list[DataError], list[DataError]]:
    errors, warnings = [], []
    file = raw.file_name
    names = [n for (n,) in con.execute("SELECT name FROM municipalities").fetchall()]

    # Each query keeps at most one more problem than is listed: the first ones by row of all
    # queries together are then among them, and memory stays bounded for any file.
    limit = config.LIMITS.errors_kept + 1

    def add(sql: str, column: str, expected: str, target: list = errors) -> None:
        for row, value in con.execute(f"{sql} LIMIT {limit}").fetchall():
            target.append(DataError(file, row, column, value, expected))

    for c in kind.columns:
        expected = EXPECTED[c.kind]
        if c.required:
            add(
                f"SELECT rownum, NULL FROM upload_parsed WHERE r_{c.name} IS NULL ORDER BY 1",
                c.name,
                f"en værdi ({expected})",
            )
        bad = (
            f"SELECT rownum, r_{c.name} FROM upload_parsed WHERE r_{c.name} IS NOT NULL "
            f"AND p_{c.name} IS NULL"
        )
        if c.kind == "group_or_all":
            bad += f" AND lower(r_{c.name}) NOT IN ('alle', 'alle grupper')"
        if c.kind in ("municipality", "enrolled"):
            for row, value in con.execute(f"{bad} ORDER BY 1 LIMIT {limit}").fetchall():
                errors.append(
                    DataError(
                        file, row, c.name, value, EXPECTED["municipality"] + _suggest(value, names)
                    )
                )
        else:
            add(bad + " ORDER BY 1", c.name, expected)
        if c.kind == "enrolled":
            add(
                f"""SELECT u.rownum, u.r_{c.name} FROM upload_parsed u
                    LEFT JOIN enrollments e ON e.programme_id = u.p_partnerskab
                     AND e.municipality_code = u.p_{c.name}
                    WHERE u.p_{c.name} IS NOT NULL AND u.p_partnerskab IS NOT NULL
                      AND e.municipality_code IS NULL ORDER BY 1""",
                c.name,
                expected,
            )
        if c.kind in _DATED:
            day = _DATED[c.kind].format(v=f"u.p_{c.name}")
            found = con.execute(
                f"""SELECT u.rownum, u.r_{c.name}, w.first_day, w.last_day
                    FROM upload_parsed AS u JOIN (
                        SELECT id, make_date(year(invitation_date) - $before, 1, 1) AS first_day,
                               make_date(year(end_date) + $after, 12, 31) AS last_day
                        FROM programmes) AS w ON w.id = u.p_partnerskab
                    WHERE {day} NOT BETWEEN w.first_day AND w.last_day
                    ORDER BY 1 LIMIT {limit}""",
                {"before": YEARS_BEFORE, "after": YEARS_AFTER},
            ).fetchall()
            for row, value, first_day, last_day in found:
                errors.append(
                    DataError(
                        file,
                        row,
                        c.name,
                        value,
                        f"en dato mellem {format_date(first_day)} og {format_date(last_day)} "
                        f"(fra året før invitationen til {YEARS_AFTER} år efter "
                        "partnerskabets afslutning)",
                    )
                )
    if kind.rules:
        con.execute(_values_sql(kind, present))
    for rule in kind.rules:
        add(
            f"SELECT u.rownum, coalesce(u.r_{rule.column}, CAST(u.v_{rule.column} AS VARCHAR)) "
            f"FROM upload_values AS u WHERE {rule.where} ORDER BY 1",
            rule.column,
            rule.expected,
            warnings if rule.warning else errors,
        )
    keys = [f"p_{kind.columns[[c.target for c in kind.columns].index(k)].name}" for k in kind.key]
    key_columns = ", ".join(c.name for c in kind.columns if f"p_{c.name}" in keys)
    # Keys found more than once, grouped (a hash, no sort of every row), then their later rows.
    written = ", ".join(f"u.{k.replace('p_', 'r_')}" for k in keys)  # as the file has them
    repeated = con.execute(
        f"""WITH twice AS (
                SELECT {", ".join(keys)}, min(rownum) AS first_row
                FROM upload_parsed WHERE {" AND ".join(f"{k} IS NOT NULL" for k in keys)}
                GROUP BY ALL HAVING count(*) > 1
            )
            SELECT u.rownum, concat_ws(' / ', {written}), t.first_row
            FROM upload_parsed AS u JOIN twice AS t USING ({", ".join(keys)})
            WHERE u.rownum > t.first_row ORDER BY 1 LIMIT {limit}"""
    ).fetchall()
    for row, value, first_row in repeated:
        errors.append(
            DataError(
                file,
                row,
                key_columns,
                value,
                f"en nøgle der ikke allerede står i en tidligere række i filen (den står også "
                f"i række {first_row})",
            )
        )
    errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return errors, warnings


def _target_sql(kind: Kind) -> str:
    """The parsed rows as the target table's columns (with any derived columns)."""
    cols = [f"p_{c.name} AS {c.target}" for c in kind.columns if c.target]
    cols += [f"{d.sql} AS {d.target}" for d in kind.derived]
    return f"SELECT rownum, {', '.join(cols)} FROM upload_parsed"


def _shown(kind: Kind, values: list[str], old: bool = False) -> str:
    """Columns of the preview: the file's row number, key and values (and old values)."""
    cols = ["rownum", *kind.key, *values]
    if old:
        cols += [f"old_{v}" for v in values]
    return ", ".join(cols)


def _value_columns(kind: Kind, present: set[str] | tuple[str, ...]) -> list[str]:
    """The table columns a file sets: those of its columns that are in the file.

    A column left out of the file keeps what is stored (or stays empty on a new row).
    """
    cols = [
        c.target
        for c in kind.columns
        if c.target and c.target not in kind.key and c.name in present
    ]
    return cols + [d.target for d in kind.derived if d.column in present]


def prepare(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    data: bytes,
    file_name: str,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    preview: int = PREVIEW_ROWS,
) -> Prepared:
    """Read and check a whole file and compare it with the database; store nothing.

    ``new`` and ``changed`` hold the first ``preview`` rows of each; ``counts`` all of them.
    """
    if dialect(con) == "postgres":  # checked on a DuckDB copy (kl_dash.store.staged)
        return staged(
            con, lambda copy: prepare(copy, kind_name, data, file_name, sheet, max_bytes, preview),
            write=False,
            programmes=lambda copy: _partnerships(copy, kind_name, data, file_name, sheet,
                                                  max_bytes),
        )  # fmt: skip
    kind = KINDS[kind_name]
    mb = max_bytes / 2**20
    if len(data) > max_bytes:
        raise InvalidInput(
            [
                DataError(
                    file_name,
                    None,
                    None,
                    f"{len(data):,} bytes".replace(",", "."),
                    f"en fil på højst {format_number(mb, 0 if mb.is_integer() else 1)} MB",
                )
            ]
        )
    con.execute("DROP TABLE IF EXISTS upload_checked")  # what follows replaces its tables
    raw = read_upload(con, data, file_name, sheet)
    sha = hashlib.sha256(data).hexdigest()
    found, errors, warnings = _map_headers(kind, raw)
    if errors:
        return Prepared(kind, raw, sha, errors, warnings)
    _macros(con)
    _lookups(con)
    con.execute(_stage_sql(kind, found))
    for c in kind.columns:
        if c.kind in _PART_OF:  # a meeting id in another case is the same meeting
            con.execute(_per_programme_sql(c))
    row_errors, row_warnings = _errors(con, kind, raw, set(found))
    errors += raw.problems + row_errors
    errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    warnings += row_warnings
    kept = config.LIMITS.errors_kept
    prepared = Prepared(
        kind,
        raw,
        sha,
        errors[:kept],
        warnings[:kept],
        tuple(found),
        more_errors=len(errors) > kept,
    )
    if errors:
        return prepared
    values = _value_columns(kind, prepared.present)
    on = " AND ".join(f"t.{k} = n.{k}" for k in kind.key)
    same = " AND ".join(f"t.{v} IS NOT DISTINCT FROM n.{v}" for v in values)
    con.execute(f"CREATE OR REPLACE TEMP TABLE upload_rows AS {_target_sql(kind)}")
    compared = f"""
        SELECT n.*, t.{kind.key[0]} IS NOT NULL AS exists_before,
               coalesce({same}, false) AS same,
               {", ".join(f"t.{v} AS old_{v}" for v in values)}
        FROM upload_rows AS n LEFT JOIN {kind.table} AS t ON {on}
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE upload_diff AS {compared}")
    new, changed, unchanged = con.execute(
        "SELECT count(*) FILTER (WHERE NOT exists_before), "
        "count(*) FILTER (WHERE exists_before AND NOT same), "
        "count(*) FILTER (WHERE exists_before AND same) FROM upload_diff"
    ).fetchall()[0]
    prepared.counts = {"new": new, "changed": changed, "unchanged": unchanged}
    prepared.check_id = _check_id(kind_name, data, sheet)
    prepared.version = queries.data_version(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE upload_checked AS SELECT $id AS id", {"id": prepared.check_id}
    )
    if preview:
        prepared.new = con.execute(
            f"SELECT {_shown(kind, values)} FROM upload_diff WHERE NOT exists_before "
            "ORDER BY rownum LIMIT $n",
            {"n": preview},
        ).df()
        prepared.changed = con.execute(
            f"SELECT {_shown(kind, values, old=True)} FROM upload_diff "
            "WHERE exists_before AND NOT same ORDER BY rownum LIMIT $n",
            {"n": preview},
        ).df()
    return prepared


def _check_id(kind_name: str, data: bytes, sheet: str | None) -> str:
    """Names one file's check: its kind, sheet and bytes."""
    return hashlib.sha256(f"{kind_name}\0{sheet or ''}\0".encode() + data).hexdigest()


def _still_prepared(
    con: duckdb.DuckDBPyConnection, prepared: Prepared | None, check_id: str, version: tuple
) -> bool:
    """True when ``prepared`` checked this file, last on ``con``, at data version ``version``."""
    if prepared is None or not prepared.ok or prepared.check_id != check_id:
        return False
    try:
        (last,) = con.execute("SELECT id FROM upload_checked").fetchone()
    except duckdb.CatalogException:  # prepared on another connection
        return False
    return last == prepared.check_id and prepared.version == version


@dataclass(frozen=True)
class Stored:
    upload_id: int | None
    counts: dict[str, int]


def store(
    con: duckdb.DuckDBPyConnection,
    kind_name: str,
    data: bytes,
    file_name: str,
    user: Actor | str,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    prepared: Prepared | None = None,
) -> Stored:
    """Check the file (or take ``prepared``) and store it in one transaction, logged in ``uploads``.

    ``prepared``: this file's ``prepare`` on the same connection; its checks and comparison are
    stored as they are when it was the last file prepared there and nothing has been stored
    since, and are done again otherwise. Raises InvalidInput (nothing stored) when the file has
    errors. A file that changes nothing stores nothing and is not logged.
    """
    user = require(user, "editor", "gemme opdateringer")
    if dialect(con) == "postgres":  # checked and logged on a DuckDB copy, written back
        return staged(
            con, lambda copy: store(copy, kind_name, data, file_name, user, sheet, max_bytes),
            programmes=lambda copy: _partnerships(copy, kind_name, data, file_name, sheet,
                                                  max_bytes),
        )  # fmt: skip
    check_id = _check_id(kind_name, data, sheet)

    def checked(prepared: Prepared | None, version: tuple) -> Prepared:
        if not _still_prepared(con, prepared, check_id, version):
            prepared = prepare(con, kind_name, data, file_name, sheet, max_bytes, preview=0)
        if not prepared.ok:
            raise InvalidInput(prepared.errors, prepared.more_errors)
        return prepared

    prepared = checked(prepared, queries.data_version(con))
    if not prepared.counts["new"] and not prepared.counts["changed"]:
        return Stored(None, prepared.counts)
    try:
        with write_transaction(con):
            # A write stored since the check (before this transaction raised the version):
            # check again on the data this transaction reads, which no other writer changes.
            (raised,) = queries.data_version(con)
            prepared = checked(prepared, (raised - 1,))
            if not prepared.counts["new"] and not prepared.counts["changed"]:
                return Stored(None, prepared.counts)
            upload_id = _write(con, prepared, file_name, user)
    except duckdb.ConstraintException as exc:
        raise KlDashError(
            f"{file_name} kunne ikke gemmes, fordi databasen afviste en række (en regel, som "
            "kontrollen ikke kender). Intet er gemt. Databasens besked: "
            + str(exc).split("\n", 1)[0]
        ) from exc
    return Stored(upload_id, prepared.counts)


def _write(con: duckdb.DuckDBPyConnection, prepared: Prepared, file_name: str, user: Actor) -> int:
    """Log the prepared file's new and changed rows and write them (caller's transaction)."""
    kind, counts = prepared.kind, prepared.counts
    values = _value_columns(kind, prepared.present)
    columns = list(kind.key) + values
    (programme_id,) = con.execute("SELECT min(p_partnerskab) FROM upload_parsed").fetchall()[0]
    on = " AND ".join(f"t.{k} = d.{k}" for k in kind.key)
    # Stamps on changed rows only where the file has their column (others keep what is stored).
    stamps_changed = [stamp for stamp in kind.stamps if stamp.column in prepared.present]
    upload_id = upload_log.record(
        con,
        user=user,
        file_name=file_name,
        sha256=prepared.sha256,
        kind=kind.name,
        programme_id=programme_id,
        counts=(counts["new"], counts["changed"], counts["unchanged"]),
        undo_data={"table": kind.table, "key": list(kind.key)},
    )
    upload_log.record_rows(
        con,
        upload_id,
        kind.table,
        f"SELECT rownum AS row_number, {', '.join(kind.key)} FROM upload_diff WHERE NOT same",
    )
    # Changed rows are updated in place and new rows inserted: DuckDB refuses an upsert on a
    # table that other tables reference (meetings, enrollments).
    con.execute(
        f"""
        UPDATE {kind.table} AS t
        SET {", ".join(f"{v} = d.{v}" for v in values)}, source = $source
        {"".join(f", {stamp.target} = {stamp.sql}" for stamp in stamps_changed)}
        FROM upload_diff AS d
        WHERE d.exists_before AND NOT d.same AND {on}
        """,
        {"source": f"upload:{upload_id}"},
    )
    con.execute(
        f"""
        INSERT INTO {kind.table} ({", ".join(columns)}, source
            {"".join(f", {stamp.target}" for stamp in kind.stamps)})
        SELECT {", ".join(columns)}, $source
            {"".join(f", {stamp.sql}" for stamp in kind.stamps)}
        FROM upload_diff AS d WHERE NOT exists_before ORDER BY rownum
        """,
        {"source": f"upload:{upload_id}"},
    )
    return upload_id


# --- Export in the format import reads -------------------------------------------------------


def _values(words: dict[str, str]) -> str:
    """A VALUES list of our own fixed vocabulary (constants, never user input)."""
    return ", ".join(f"('{code}', '{word}')" for code, word in words.items())


def export_frame(
    con: duckdb.DuckDBPyConnection, kind_name: str, programme_id: str | None = None
) -> pd.DataFrame:
    """The stored rows of one kind, with the columns and words that import reads."""
    sql = KINDS[kind_name].export_sql.format_map(
        {kind: _values(words) for kind, words in WORDS.items()}
    )
    frame = con.execute(sql, {"programme": programme_id}).df()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = [None if pd.isna(v) else v.date() for v in frame[column]]
    return frame


EXAMPLE_MARK = "EKSEMPEL - slet denne række"


def template(kind_name: str) -> pd.DataFrame:
    """A template for one kind: its columns and one example row.

    The example row names no real partnership, so that a template uploaded unchanged is
    refused instead of storing made-up data.
    """
    kind = KINDS[kind_name]
    example = kind.example | {"partnerskab": EXAMPLE_MARK}
    return pd.DataFrame([example], columns=[c.name for c in kind.columns])
