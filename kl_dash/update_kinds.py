"""The five kinds of consultant update, as data: one ``Kind`` record per kind.

A kind names the table it fills and its natural key (the table's primary key), the columns of
its file (header, value type, required, target column), the rules that look across a row, the
table columns derived from the file's values or stamped by the store, the example row of its
template and the SQL that exports the stored rows in the format import reads. The importer
(``importer.py``) runs the same read -> validate -> diff -> store pipeline for every kind and
knows nothing of any one kind; adding a kind is adding a record here (and to the CHECK of
``uploads.kind`` in a migration, which a test compares with ``KINDS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of an update file: its header, value type, whether required, its target."""

    name: str
    kind: str  # the value type: how a text is parsed, looked up and explained (importer.EXPECTED)
    required: bool = True
    target: str | None = None  # column in the table (None: used for lookup only)


@dataclass(frozen=True)
class Rule:
    """A check across the values of one row; a row where ``where`` holds is a problem.

    ``where`` is SQL over the row as it would be stored: ``u.v_<column>`` is the value of a
    file column, taken from the file when the column is there and as stored when the file
    leaves it out. The problem is reported in ``column``.
    """

    column: str
    where: str
    expected: str
    warning: bool = False  # a warning does not stop the file


@dataclass(frozen=True)
class Derived:
    """A table column computed from a file column's parsed value ``p_<column>``."""

    target: str
    sql: str
    column: str  # set only when this file column is in the file


@dataclass(frozen=True)
class Stamp:
    """A table column the store sets itself (``$source`` names the upload, ``d`` is the row).

    Set on new rows; on changed rows too when ``column`` (a file column) is in the file.
    """

    target: str
    sql: str
    column: str | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of update: everything the pipeline, the page and the templates need."""

    name: str  # as in the command line and uploads.kind
    title: str  # Danish, as the page names it
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the table's primary key, as target columns
    example: dict[str, str]  # the template's example row
    export_sql: str  # the stored rows with the file's columns; $programme (NULL = all)
    rules: tuple[Rule, ...] = ()
    derived: tuple[Derived, ...] = ()
    stamps: tuple[Stamp, ...] = ()


KINDS = {
    "tilmeldinger": Kind(
        name="tilmeldinger",
        title="Tilmeldinger",
        table="enrollments",
        columns=(
            Column("partnerskab", "programme", target="programme_id"),
            Column("kommune", "municipality", target="municipality_code"),
            Column("interesse", "date", target="interest_on"),
            Column("politisk_aftale", "date", False, "agreement_on"),
            Column("udtraadt", "date", False, "withdrawn_on"),
            Column("netvaerk", "network", False, "network_id"),
        ),
        key=("programme_id", "municipality_code"),
        example={
            "partnerskab": "it-2017",
            "kommune": "Aarhus",
            "interesse": "23-08-2017",
            "politisk_aftale": "28-09-2017",
            "udtraadt": "",
            "netvaerk": "",
        },
        rules=(
            Rule(
                "politisk_aftale",
                "u.v_politisk_aftale < u.v_interesse",
                "en dato for politisk aftale på eller efter interesse-datoen",
            ),
            Rule(
                "udtraadt",
                "u.v_udtraadt < u.v_interesse",
                "en dato for udtrædelse på eller efter interesse-datoen",
            ),
            Rule(
                "udtraadt",
                "u.v_udtraadt < u.v_politisk_aftale",
                "en udtrædelse på eller efter den politiske aftale",
            ),
        ),
        export_sql="""
            SELECT e.programme_id AS partnerskab, m.name AS kommune, e.interest_on AS interesse,
                   e.agreement_on AS politisk_aftale, e.withdrawn_on AS udtraadt,
                   n.name AS netvaerk
            FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code
            LEFT JOIN networks n USING (programme_id, network_id)
            WHERE $programme IS NULL OR e.programme_id = $programme
            ORDER BY 1, 2""",
    ),
    "deltagere": Kind(
        name="deltagere",
        title="Deltagere pr. gruppe og spor",
        table="participants",
        columns=(
            Column("partnerskab", "programme", target="programme_id"),
            Column("kommune", "enrolled", target="municipality_code"),
            Column("gruppe", "group", target="group_id"),
            Column("antal", "count", target="participants"),
        ),
        key=("programme_id", "municipality_code", "group_id"),
        example={
            "partnerskab": "it-2017",
            "kommune": "Aarhus",
            "gruppe": "Ledelsesspor",
            "antal": "4",
        },
        rules=(
            Rule(
                "antal",
                "EXISTS (SELECT 1 FROM programme_groups g WHERE g.programme_id = u.v_partnerskab "
                "AND g.group_id = u.v_gruppe "
                "AND u.v_antal NOT BETWEEN g.min_participants AND g.max_participants)",
                "et antal inden for gruppens interval (gemmes alligevel)",
                warning=True,
            ),
        ),
        export_sql="""
            SELECT p.programme_id AS partnerskab, m.name AS kommune, g.name AS gruppe,
                   p.participants AS antal
            FROM participants p JOIN municipalities m ON m.code = p.municipality_code
            JOIN programme_groups g USING (programme_id, group_id)
            WHERE $programme IS NULL OR p.programme_id = $programme
            ORDER BY 1, 2, g.sort_order""",
    ),
    "moeder": Kind(
        name="moeder",
        title="Møder",
        table="meetings",
        columns=(
            Column("partnerskab", "programme", target="programme_id"),
            Column("moede_id", "meeting_id", target="meeting_id"),
            Column("titel", "text", target="title"),
            Column("type", "meeting_type", target="meeting_type"),
            Column("gruppe", "group_or_all", False, "group_id"),
            Column("netvaerk", "network", False, "network_id"),
            Column("planlagt", "period", False, "planned_text"),
            Column("afholdt", "date", False, "held_on"),
            Column("form", "form", False, "form"),
            Column("vaert", "municipality", False, "host_code"),
        ),
        key=("programme_id", "meeting_id"),
        example={
            "partnerskab": "it-2017",
            "moede_id": "ps-1",
            "titel": "Opstartskonference",
            "type": "konference",
            "gruppe": "Politisk styregruppe",
            "netvaerk": "",
            "planlagt": "primo 2018",
            "afholdt": "16-01-2018",
            "form": "fysisk",
            "vaert": "",
        },
        derived=(
            Derived("planned_from", "kl_period_from(p_planlagt)", "planlagt"),
            Derived("planned_to", "kl_period_to(p_planlagt)", "planlagt"),
        ),
        stamps=(
            # A new meeting goes at the end of its programme's plan, in the file's order.
            Stamp(
                "sort_order",
                "(SELECT coalesce(max(m.sort_order), 0) FROM meetings m "
                "WHERE m.programme_id = d.programme_id) "
                "+ CAST(row_number() OVER (ORDER BY d.rownum) AS INTEGER)",
            ),
            # Who says a meeting was held: the upload that set its date.
            Stamp("held_source", "CASE WHEN d.held_on IS NOT NULL THEN $source END", "afholdt"),
        ),
        export_sql="""
            SELECT t.programme_id AS partnerskab, t.meeting_id AS moede_id, t.title AS titel,
                   w.word AS type, coalesce(g.name, 'alle') AS gruppe, n.name AS netvaerk,
                   t.planned_text AS planlagt, t.held_on AS afholdt, f.word AS form,
                   h.name AS vaert
            FROM meetings t
            LEFT JOIN programme_groups g USING (programme_id, group_id)
            LEFT JOIN networks n
              ON n.programme_id = t.programme_id AND n.network_id = t.network_id
            JOIN (SELECT * FROM (VALUES {meeting_type}) AS v(code, word)) w
              ON w.code = t.meeting_type
            LEFT JOIN (SELECT * FROM (VALUES {form}) AS v(code, word)) f ON f.code = t.form
            LEFT JOIN municipalities h ON h.code = t.host_code
            WHERE $programme IS NULL OR t.programme_id = $programme
            ORDER BY 1, t.sort_order""",
    ),
    "fremmoede": Kind(
        name="fremmoede",
        title="Fremmøde",
        table="attendance",
        columns=(
            Column("partnerskab", "programme", target="programme_id"),
            Column("moede_id", "meeting", target="meeting_id"),
            Column("kommune", "enrolled", target="municipality_code"),
            Column("antal", "count", target="attendees"),
        ),
        key=("programme_id", "meeting_id", "municipality_code"),
        example={"partnerskab": "it-2017", "moede_id": "ps-1", "kommune": "Aarhus", "antal": "2"},
        rules=(
            Rule(
                "kommune",
                "EXISTS (SELECT 1 FROM meetings m JOIN enrollments e USING (programme_id) "
                "WHERE m.programme_id = u.v_partnerskab AND m.meeting_id = u.v_moede_id "
                "AND e.municipality_code = u.v_kommune AND m.network_id IS NOT NULL "
                "AND m.network_id IS DISTINCT FROM e.network_id)",
                "en kommune i mødets netværk (gemmes alligevel, men tæller ikke med i fremmødet)",
                warning=True,
            ),
        ),
        export_sql="""
            SELECT a.programme_id AS partnerskab, a.meeting_id AS moede_id, m.name AS kommune,
                   a.attendees AS antal
            FROM attendance a JOIN municipalities m ON m.code = a.municipality_code
            JOIN meetings t USING (programme_id, meeting_id)
            WHERE $programme IS NULL OR a.programme_id = $programme
            ORDER BY 1, t.sort_order, 3""",
    ),
    "kriteriestatus": Kind(
        name="kriteriestatus",
        title="Vurderinger af succeskriterier",
        table="criterion_status",
        columns=(
            Column("partnerskab", "programme", target="programme_id"),
            Column("kriterie", "criterion", target="criterion_no"),
            Column("kommune", "enrolled", target="municipality_code"),
            Column("dato", "date", target="assessed_on"),
            Column("status", "criterion_status", target="status"),
            Column("note", "text", False, "note"),
        ),
        key=("programme_id", "criterion_no", "municipality_code", "assessed_on"),
        example={
            "partnerskab": "it-2017",
            "kriterie": "1",
            "kommune": "Aarhus",
            "dato": "15-12-2018",
            "status": "i gang",
            "note": "Strategien er vedtaget i udvalget",
        },
        export_sql="""
            SELECT c.programme_id AS partnerskab, c.criterion_no AS kriterie,
                   m.name AS kommune, c.assessed_on AS dato, w.word AS status, c.note
            FROM criterion_status c JOIN municipalities m ON m.code = c.municipality_code
            JOIN (SELECT * FROM (VALUES {criterion_status}) AS v(code, word)) w
              ON w.code = c.status
            WHERE $programme IS NULL OR c.programme_id = $programme
            ORDER BY 1, 2, 3, 4""",
    ),
}
