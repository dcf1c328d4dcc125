"""Dates and periods as the programme descriptions write them."""

from __future__ import annotations

from datetime import date

import pytest

from kl_dash.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("primo 2018", date(2018, 1, 1), date(2018, 4, 30)),
        ("medio 2019", date(2019, 5, 1), date(2019, 8, 31)),
        ("ultimo 2019", date(2019, 9, 1), date(2019, 12, 31)),
        ("Ultimo  2017", date(2017, 9, 1), date(2017, 12, 31)),
        ("foråret 2018", date(2018, 3, 1), date(2018, 5, 31)),
        ("efteråret 2017", date(2017, 9, 1), date(2017, 11, 30)),
        ("første halvår 2022", date(2022, 1, 1), date(2022, 6, 30)),
        ("andet halvår 2021", date(2021, 7, 1), date(2021, 12, 31)),
        ("februar 2020", date(2020, 2, 1), date(2020, 2, 29)),
        ("2018", date(2018, 1, 1), date(2018, 12, 31)),
        ("14. september 2021", date(2021, 9, 14), date(2021, 9, 14)),
        ("2022-03-15", date(2022, 3, 15), date(2022, 3, 15)),
    ],
)
def test_written_periods_become_date_ranges(text, first, last):
    assert parse_period(text) == (first, last)


@pytest.mark.parametrize("text", ["primo", "snart", "31. februar 2021", "2021-02-30", "medio 19"])
def test_unreadable_periods_say_what_was_expected(text):
    with pytest.raises(PeriodError, match="primo 2018"):
        parse_period(text)
