"""The partnerships as the seeds write them: verbatim where the seed is quoted, and nothing else.

The seeds are the programme descriptions in docs/seeds/ (the same files as shared/seeds/).
Texts the app shows as the seed's own words must be found in the seed they name, after the
seed's line-break hyphenation is undone; a database made with ``--no-example`` must hold
exactly what the programme files say, and no example fact.
"""

from __future__ import annotations

import pytest

from kl_dash import programmes
from kl_dash.reference import seeded_programmes

from .test_reference import seed_text

PROGRAMMES = {p.id: p for p in seeded_programmes()}


def in_seeds(text: str, sources: tuple[str, ...] | list[str]) -> bool:
    """True when ``text`` is written, word for word, in one of the seed files (bold aside)."""
    wanted = " ".join(text.split())
    return any(wanted in seed_text(source).replace("**", "") for source in sources)


# What the seeds say, stated here independently of the programme files.
@pytest.mark.parametrize(
    ("programme_id", "price", "purpose_start"),
    [
        (
            "it-2017",
            "kr. 65.000 ekskl. moms pr. år i to år",
            "Formålet med partnerskabet er at løfte i fællesskab",
        ),
        (
            "kvalitet-2017",
            "110.000 kr. for to år",
            "Formålet med partnerskabet er at understøtte den kommunale proces",
        ),
        (
            "faellesskaber-2021",
            "55.000 kr. ex moms. pr. kommune",
            "Partnerskabet har til formål at understøtte kommunernes arbejde",
        ),
    ],
)
def test_price_and_purpose_are_the_seeds_own_words(programme_id, price, purpose_start):
    p = PROGRAMMES[programme_id]
    assert price in p.price_text
    assert p.purpose.startswith(purpose_start)
    assert in_seeds(p.price_text, p.sources), p.price_text
    assert in_seeds(p.purpose, p.sources), p.purpose


@pytest.mark.parametrize("programme_id", sorted(PROGRAMMES))
def test_every_quoted_text_of_a_programme_file_is_in_the_seed_it_names(programme_id):
    p = PROGRAMMES[programme_id]
    if p.networks_note:
        assert in_seeds(p.networks_note, p.sources), p.networks_note
    for criterion in p.criteria:
        assert in_seeds(criterion.text, [criterion.source]), criterion.text
    for group in p.groups:
        assert group.description and in_seeds(group.description, [group.source]), group.name
    for focus in p.focus_areas:  # names as list items: the seed's words, capitalised
        assert focus.name.casefold() in seed_text(focus.source).casefold(), focus.name
    for note in p.notes:
        assert note.source in p.sources, note
        if note.kind == "quote":
            assert in_seeds(note.text, [note.source]), note.text


def notes(programme_id: str, topic: str, kind: str) -> str:
    """The notes of one topic and kind in a programme file, as one text."""
    return " ".join(
        n.text for n in PROGRAMMES[programme_id].notes if (n.topic, n.kind) == (topic, kind)
    )


def test_the_eight_it_criteria_are_the_project_descriptions_proposal():
    p = PROGRAMMES["it-2017"]
    assert len(p.criteria) == 8
    assert {c.source for c in p.criteria} == {"seeds/001_570c3318b3e491fb.txt"}
    assert "blot en overordnet ramme" in notes("it-2017", "criteria", "quote")
    assert "forslag" in notes("it-2017", "criteria", "interpretation")


def test_the_it_price_is_per_year_and_without_vat_as_written():
    p = PROGRAMMES["it-2017"]
    assert (p.price_per_year_dkk, p.price_dkk) == (65000, 130000)
    assert "ekskl. moms pr. år i to år" in p.price_text


def test_the_quality_partnerships_end_is_said_to_be_derived_from_two_years():
    p = PROGRAMMES["kvalitet-2017"]
    assert p.run_text == "september 2017 til august 2019"
    assert "toårigt" in notes("kvalitet-2017", "run", "interpretation")
    assert "slutdato" in notes("kvalitet-2017", "run", "interpretation")


def test_the_quality_partnerships_follow_up_group_meets_twice_a_year():
    quoted = notes("kvalitet-2017", "organisation", "quote")
    assert "følgegruppe" in quoted and "mødes to gange årligt" in quoted


def test_the_quality_partnership_fixes_no_criteria_and_names_no_networks():
    p = PROGRAMMES["kvalitet-2017"]
    assert p.criteria == () and p.networks == ()
    assert "ingen succeskriterier" in notes("kvalitet-2017", "criteria", "interpretation")


def _stored(con, table: str, programme_id: str) -> list[dict]:
    key = "id" if table == "programmes" else "programme_id"
    result = con.execute(f"SELECT * FROM {table} WHERE {key} = ?", [programme_id])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def test_a_database_without_example_data_holds_exactly_the_seed_facts(reference_con):
    for p in seeded_programmes():
        expected = {"programmes": [programmes.header_row(p)]} | programmes.part_rows(p)
        for table, rows in expected.items():
            stored = _stored(reference_con, table, p.id)
            columns = set(rows[0]) if rows else set()
            assert [{c: r[c] for c in columns} for r in stored] == rows, (p.id, table)
            for row in stored:  # what the files do not say is not there either
                extra = {c: v for c, v in row.items() if c not in columns}
                assert not any(v not in (None, False) for v in extra.values()), (table, extra)
    for table in (
        "networks",
        "enrollments",
        "enrollment_focus_areas",
        "participants",
        "attendance",
        "criterion_status",
        "dataset_info",
    ):
        assert reference_con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    assert reference_con.execute(
        "SELECT count(*) FROM meetings WHERE held_on IS NOT NULL OR held_source IS NOT NULL"
    ).fetchone() == (0,)
    assert reference_con.execute(
        "SELECT count(*) FROM success_criteria WHERE programme_id = 'kvalitet-2017'"
    ).fetchone() == (0,)
