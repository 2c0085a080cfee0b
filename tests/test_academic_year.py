"""The academic year: from 1 September to 31 August, told by the year it starts or the year it ends."""

import datetime

import pytest

from mentoring.academic_year import AcademicYear


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1)),
        (datetime.date(2026, 12, 31), datetime.date(2026, 9, 1)),
        (datetime.date(2027, 1, 10), datetime.date(2026, 9, 1)),
        (datetime.date(2027, 8, 31), datetime.date(2026, 9, 1)),
    ],
)
def test_the_academic_year_starts_on_the_1st_of_september_before_today(today, start):
    assert AcademicYear.containing(today).start == start


def test_the_year_2026_2027_by_its_start_and_by_its_end():
    year = AcademicYear.starting(2026)
    assert year == AcademicYear.ending(2027) == AcademicYear.starting("2026")
    assert (year.start_year, year.end_year) == (2026, 2027)
    assert (year.label, year.short_label) == ("2026/2027", "2026/27")
    assert year.span == (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
    assert year.following == AcademicYear.starting(2027)


def test_the_months_and_days_of_the_year():
    year = AcademicYear.starting(2026)
    assert [year.month_start(n) for n in (1, 4, 5, 12, 13)] == [
        datetime.date(2026, 9, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
        datetime.date(2027, 8, 1),
        datetime.date(2027, 9, 1),
    ]
    assert year.on(12, 20) == datetime.date(2026, 12, 20)
    assert year.on(3, 2) == datetime.date(2027, 3, 2)


def test_the_years_sort_by_their_start():
    assert sorted([AcademicYear.starting(2027), AcademicYear.starting(2025)]) == [
        AcademicYear.starting(2025),
        AcademicYear.starting(2027),
    ]
