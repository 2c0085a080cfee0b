"""The academic year: from 1 September to 31 August.

A year stored as a number means one end of it, and the code says which: `start_year` (2026 for 2026/2027:
roadmaps, recommendations, reports) or `end_year` (2027 for 2026/2027: the target indicators, whose seed
counts the result of an academic year in the calendar year it ends).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

START_MONTH = 9  # September


@dataclass(frozen=True, order=True)
class AcademicYear:
    start_year: int

    @classmethod
    def starting(cls, start_year: int | str) -> AcademicYear:
        """From a number or its text, as a form or a query string gives it."""
        return cls(int(start_year))

    @classmethod
    def ending(cls, end_year: int) -> AcademicYear:
        return cls(end_year - 1)

    @classmethod
    def containing(cls, day: datetime.date) -> AcademicYear:
        return cls(day.year if day.month >= START_MONTH else day.year - 1)

    @classmethod
    def current(cls) -> AcademicYear:
        return cls.containing(timezone.localdate())

    @property
    def end_year(self) -> int:
        return self.start_year + 1

    @property
    def label(self) -> str:
        """«2026/2027»."""
        return f"{self.start_year}/{self.end_year}"

    @property
    def short_label(self) -> str:
        """«2026/27»."""
        return f"{self.start_year}/{self.end_year % 100:02d}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.start_year, START_MONTH, 1)

    @property
    def end(self) -> datetime.date:
        return self.following.start - datetime.timedelta(days=1)

    @property
    def span(self) -> tuple[datetime.date, datetime.date]:
        """The first and the last day, both included: for a `__range` lookup."""
        return self.start, self.end

    @property
    def following(self) -> AcademicYear:
        return AcademicYear(self.end_year)

    def month_start(self, number: int) -> datetime.date:
        """The first day of the year's month `number`: September is 1, past 12 into the following years."""
        months = START_MONTH - 1 + number - 1
        return datetime.date(self.start_year + months // 12, months % 12 + 1, 1)

    def on(self, month: int, day: int) -> datetime.date:
        """The day of the calendar month `month` within this year: (12, 20) of 2026/2027 is 20.12.2026."""
        return datetime.date(self.start_year + (month < START_MONTH), month, day)
