"""Working days by the Russian production calendar: the dates the product proposes for events (lessons of the
«Школа наставников», the final event) fall on neither a weekend nor a public holiday, and a Saturday the
government made a working day counts as one."""

from __future__ import annotations

import datetime
import functools

import holidays


@functools.cache
def russian_calendar() -> holidays.HolidayBase:
    """One calendar for the process: it fills in each year the first time a date of that year is asked."""
    return holidays.country_holidays("RU")


def working_day_on_or_after(day: datetime.date) -> datetime.date:
    while not russian_calendar().is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def working_day_on_or_before(day: datetime.date) -> datetime.date:
    while not russian_calendar().is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day
