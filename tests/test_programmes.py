"""Programme definition files: the seeded ones load, broken ones are refused with every error."""

from __future__ import annotations

import pytest

from kl_dash.errors import InvalidInput
from kl_dash.programmes import parse_programme, to_toml
from kl_dash.reference import PROGRAMMES_DIR

IT_2017 = (PROGRAMMES_DIR / "it-2017.toml").read_text(encoding="utf-8")


def test_the_seeded_it_partnership_loads():
    programme = parse_programme(IT_2017, "it-2017.toml")
    assert programme.run_text == "ultimo 2017 til ultimo 2019"
    assert [g.name for g in programme.groups][2:] == [
        "Ledelsesspor",
        "Medarbejderspor",
        "Kommunikationsspor (samarbejde med forældre)",
    ]
    assert len(programme.meetings) == 23 and len(programme.criteria) == 8


def errors_of(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_programme(text, "ny.toml")
    return [e.message() for e in caught.value.errors]


def test_every_problem_in_a_file_is_reported_at_once_with_its_key_path():
    broken = (
        IT_2017.replace('planned = "primo 2018"', 'planned = "primo 218"')
        .replace('kind = "spor"', 'kind = "sport"', 1)
        .replace("min = 3\nmax = 5", "min = 5\nmax = 3", 1)
        .replace('group = "ledelsesspor"', 'group = "ledelse"', 1)
        .replace("price_dkk = 130000", "price_dkk = -1")
    )
    messages = errors_of(broken)
    assert len(messages) == 5
    line = broken.splitlines().index('planned = "primo 218"') + 1
    where = f'ny.toml, linje {line}, nøgle "meetings[1].planned": "primo 218"'
    assert any(m.startswith(where) for m in messages)
    assert any('nøgle "groups[3].kind": "sport"' in m and '"spor"' in m for m in messages)
    assert any('nøgle "groups[3].max": "3"' in m for m in messages)
    assert any('nøgle "meetings[9].group": "ledelse"' in m for m in messages)
    assert any('nøgle "price_dkk": "-1"' in m for m in messages)
    assert all(m.startswith("ny.toml, ") for m in messages)


def test_duplicate_ids_and_unknown_keys_are_refused():
    broken = IT_2017.replace('id = "ps-2"', 'id = "ps-1"').replace(
        'case_id = "SAG-2016-06580"', 'case_id = "SAG-2016-06580"\nsags_id = "x"'
    )
    messages = errors_of(broken)
    assert any('"meetings[2].id": "ps-1"' in m for m in messages)
    assert any('"sags_id"' in m for m in messages)


def test_a_file_that_is_not_toml_names_the_line():
    messages = errors_of('id = "x"\nname = \n')
    assert len(messages) == 1 and "linje 2" in messages[0] and "gyldig TOML" in messages[0]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("price_dkk = 130000", "price_dkk = 2147483648", "price_dkk"),
        ("min = 3\nmax = 5", "min = 3\nmax = 99999999999999999999", "groups[3].max"),
        ("no = 1\n", "no = 9223372036854775807\n", "criteria[1].no"),
    ],
)
def test_a_number_beyond_what_the_database_holds_is_refused_by_line_key_and_value(old, new, key):
    broken = IT_2017.replace(old, new, 1)
    value = new.rsplit("= ", 1)[1].strip()
    lines = broken.splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith(new.splitlines()[-1]))
    [message] = errors_of(broken)
    assert message.startswith(f'ny.toml, linje {line}, nøgle "{key}": "{value}"')
    assert message.endswith("2.147.483.647")


@pytest.mark.parametrize("opening", ["[", "{ a = "])
def test_arrays_or_tables_nested_too_deep_are_refused_naming_line_and_key(opening):
    closing = "]" if opening == "[" else "}"
    deep = f"{IT_2017}\nextra = {opening * 5000}1{closing * 5000}\n"
    [message] = errors_of(deep)
    line = len(IT_2017.splitlines()) + 2
    assert message.startswith(f'ny.toml, linje {line}, nøgle "extra": "{opening * 3}')
    assert "højst 10 niveauer" in message


def test_brackets_inside_strings_and_comments_are_no_nesting():
    lines = IT_2017.splitlines()
    purpose = next(i for i, line in enumerate(lines) if line.startswith("purpose = "))
    lines[purpose] = "purpose = '''[[[[[[[[[[[[[[[[[[[[[[\n{{{{{{{{{{{{{{{'''  # [[[[[[[[[[[[[[[[[["
    text = "\n".join(lines).replace('price_text = "', 'price_text = "\\"[[[[[[[[[[[[[[[[[ ', 1)
    programme = parse_programme(text, "ny.toml")
    assert programme.purpose.startswith("[[[[") and programme.price_text.startswith('"[[[[')


KVALITET_2017 = (PROGRAMMES_DIR / "kvalitet-2017.toml").read_text(encoding="utf-8")
NETWORKS = """
[[networks]]
id = "vest"
name = "Netværk Vest"
source = "aftale"

[[networks]]
id = "oest"
name = "Netværk Øst"
source = "aftale"
"""


def test_a_meeting_every_network_holds_stays_one_while_the_file_names_no_networks():
    programme = parse_programme(KVALITET_2017, "kvalitet-2017.toml")
    theme_days = [m for m in programme.meetings if m.type == "theme_day"]
    assert [m.id for m in theme_days] == ["tm-1", "tm-2", "tm-3", "tm-4", "tm-5"]
    assert all(m.each_network and m.network is None for m in theme_days)


def test_a_meeting_every_network_holds_becomes_one_per_network_in_its_place():
    programme = parse_programme(KVALITET_2017 + NETWORKS, "kvalitet-2017.toml")
    ids = [m.id for m in programme.meetings]
    assert ids[:5] == ["sem-1", "tm-1-oest", "tm-1-vest", "tm-2-oest", "tm-2-vest"]
    assert len(ids) == 3 + 2 * 6
    split = [m for m in programme.meetings if m.id.startswith("tm-1-")]
    assert [(m.network, m.each_network, m.title) for m in split] == [
        ("oest", False, "Heldagstemamøde 1"),
        ("vest", False, "Heldagstemamøde 1"),
    ]
    assert all(m.network is None for m in programme.meetings if m.type == "seminar")


@pytest.mark.parametrize("networks", ["", NETWORKS])
def test_a_written_definition_reads_back_as_the_same_partnership(networks):
    programme = parse_programme(KVALITET_2017 + networks, "kvalitet-2017.toml")
    assert parse_programme(to_toml(programme), "kvalitet-2017.toml") == programme


def test_a_meetings_network_must_be_one_of_the_files_networks():
    one_network = KVALITET_2017.replace(
        'id = "sem-2"\n', 'id = "sem-2"\nnetwork = "vest"\n'
    ).replace('id = "tm-1"\n', 'id = "tm-1"\nnetwork = "syd"\n')
    messages = errors_of(one_network + NETWORKS)
    assert len(messages) == 2
    assert any('"meetings[2].network": "syd"' in m and "oest, vest" in m for m in messages)
    assert any('"meetings[2].each_network"' in m for m in messages)  # both keys given
    [message] = errors_of(KVALITET_2017.replace('id = "sem-2"\n', 'id = "sem-2"\nnetwork = "x"\n'))
    assert '"meetings[4].network": "x"' in message and "ingen [[networks]]" in message


def test_a_split_meeting_whose_id_is_taken_is_refused_at_the_planned_meeting():
    taken = KVALITET_2017.replace('id = "sem-3"', 'id = "tm-5-vest"')
    messages = errors_of(taken + NETWORKS)
    assert any('"meetings[9].id": "tm-5-vest"' in m for m in messages)
