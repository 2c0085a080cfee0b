"""Dates proposed for events fall on working days of the Russian production calendar."""

import datetime

import pytest

from mentoring.working_days import working_day_on_or_after


def d(day: str) -> datetime.date:
    return datetime.datetime.strptime(day, "%d.%m.%Y").date()


@pytest.mark.parametrize(
    ("asked", "proposed"),
    [
        ("07.12.2026", "07.12.2026"),  # a Monday is itself
        ("05.12.2026", "07.12.2026"),  # Saturday → Monday
        ("31.12.2026", "11.01.2027"),  # the day off moved to 31 December, the New Year holidays, the weekend
        ("02.01.2027", "11.01.2027"),
        ("07.01.2027", "11.01.2027"),  # Christmas
        ("20.02.2027", "20.02.2027"),  # a Saturday made a working day
        ("22.02.2027", "24.02.2027"),  # its day off, then 23 February
        ("23.02.2027", "24.02.2027"),
        ("08.03.2027", "09.03.2027"),
        ("01.05.2027", "04.05.2027"),  # Saturday, Sunday, the day off moved to 3 May
        ("09.05.2027", "11.05.2027"),  # Sunday, the day off moved to 10 May
        ("12.06.2027", "15.06.2027"),  # Saturday, Sunday, the day off moved to 14 June
        ("04.11.2027", "08.11.2027"),  # 4 November, the day off moved to 5 November, the weekend
    ],
)
def test_the_next_working_day_skips_weekends_and_russian_public_holidays(asked, proposed):
    assert working_day_on_or_after(d(asked)) == d(proposed)
