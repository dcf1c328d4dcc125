"""Danish formats: '23. juni 2017', '1.234,5', '65.000 kr.', '85 %'."""

from __future__ import annotations

from datetime import date

from kl_dash.formatting import (
    danish_sort_key,
    format_date,
    format_money,
    format_number,
    format_share,
    shorten_dates,
)


def test_dates_are_written_the_danish_way():
    assert format_date(date(2017, 6, 23)) == "23. juni 2017"
    assert format_date(date(2021, 9, 14)) == "14. september 2021"


def test_numbers_use_point_for_thousands_and_comma_for_decimals():
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1312) == "1.312"


def test_money_in_kroner():
    assert format_money(65000) == "65.000 kr."


def test_shares_as_percent():
    assert format_share(0.85).replace("\xa0", " ") == "85 %"


def test_names_sort_the_danish_way_with_aa_as_the_last_letter():
    names = ["Aarhus", "Ærø", "Vejle", "Aabenraa", "Odense", "Aalborg", "Assens", "Ølstykke"]
    assert sorted(names, key=danish_sort_key) == [
        "Assens",
        "Odense",
        "Vejle",
        "Ærø",
        "Ølstykke",
        "Aabenraa",
        "Aalborg",
        "Aarhus",
    ]


def test_a_table_shows_long_dates_short_and_leaves_other_text_alone():
    assert shorten_dates("20. september 2021 (eksempel)") == "20. sep. 2021 (eksempel)"
    assert shorten_dates("1. maj 2018 12:30 af Anne") == "1. maj 2018 12:30 af Anne"
    assert shorten_dates("3. marts 2020 → 4. april 2021") == "3. mar. 2020 → 4. apr. 2021"
    assert shorten_dates("primo 2018") == "primo 2018"
    assert shorten_dates(format_date(date(2017, 6, 23))) == "23. jun. 2017"
