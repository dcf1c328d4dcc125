"""Filters from a shared link: parsed, validated with Danish notices, and written back."""

from __future__ import annotations

from datetime import date

import pytest

from kl_dash import filters
from kl_dash.filters import Filters

TODAY = date(2026, 11, 23)


@pytest.fixture
def choices(con):
    return filters.load_choices(con, "it-2017", TODAY)


def test_a_finished_programme_defaults_to_its_last_day(choices):
    assert choices.default_as_of == date(2019, 12, 31)
    parsed, notices = filters.parse({}, "it-2017", choices)
    assert parsed == Filters("it-2017", date(2019, 12, 31)) and notices == []


def test_the_link_in_the_issue_opens_the_same_view(con, choices):
    (aarhus_enrolled,) = con.execute(
        "SELECT count(*) FROM enrollments WHERE programme_id = 'it-2017' "
        "AND municipality_code = '751'"
    ).fetchone()
    params = {
        "partnerskab": "it-2017",
        "region": "Midtjylland",
        "spor": "ledelsesspor",
        "dato": "2018-06-01",
        "kommune": "Aarhus",
        "status": "deltager",
    }
    parsed, notices = filters.parse(params, "it-2017", choices)
    assert parsed.as_of == date(2018, 6, 1)
    assert parsed.region == "Midtjylland" and parsed.group_id == "ledelsesspor"
    assert parsed.status == "participating"
    if aarhus_enrolled:
        assert parsed.municipality_code == "751" and notices == []
        assert filters.to_params(parsed, choices) == params
    else:
        assert parsed.municipality_code is None
        assert notices == ['Kommunen "Aarhus" findes ikke i partnerskabet; filteret er fjernet.']


def test_names_as_people_write_them_are_understood(con, choices):
    code, name = next(iter(choices.municipalities.items()))
    parsed, notices = filters.parse(
        {"kommune": f"{name.upper()} Kommune", "spor": "Ledelsesspor", "region": "midtjylland"},
        "it-2017",
        choices,
    )
    assert notices == []
    assert (parsed.municipality_code, parsed.group_id, parsed.region) == (
        code,
        "ledelsesspor",
        "Midtjylland",
    )


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"region": "Skåne"}, 'Regionen "Skåne" findes ikke'),
        ({"spor": "kokkespor"}, 'Gruppen eller sporet "kokkespor" findes ikke'),
        ({"netvaerk": "nord-syd"}, 'Netværket "nord-syd" findes ikke'),
        ({"status": "glad"}, 'Status "glad" findes ikke'),
        ({"dato": "31-02-2018"}, 'Datoen "31-02-2018" kan ikke bruges'),
        ({"dato": "2030-01-01"}, 'Datoen "2030-01-01" kan ikke bruges'),
        ({"fra": "2019-06-01", "dato": "2018-06-01"}, "Startdatoen ligger efter status-datoen"),
    ],
)
def test_unknown_values_fall_back_with_a_danish_notice(choices, params, notice):
    parsed, notices = filters.parse(params, "it-2017", choices)
    assert len(notices) == 1 and notices[0].startswith(notice)
    assert parsed.region is None and parsed.group_id is None and parsed.network_id is None
    assert parsed.period_from is None
    assert choices.first_day <= parsed.as_of <= choices.last_day


def test_an_unknown_partnership_falls_back_with_a_notice():
    chosen, notice = filters.choose_programme(["a-1", "b-2"], "c-3")
    assert chosen == "a-1" and "c-3" in notice
    assert filters.choose_programme(["a-1", "b-2"], "b-2") == ("b-2", None)
