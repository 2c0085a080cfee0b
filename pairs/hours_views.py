"""The mentors' hours and pay: the school's month for the director and the curator, with the accountant's
XLSX and the director's approval; the mentor's own months."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mentoring.academic_year import AcademicYear
from mentoring.access import allow, reading_school, writing_school
from mentoring.access_log import access_record
from mentoring.imports.export import file_download
from mentoring.models import DataAccess, Role

from . import hours, services
from .hours_xlsx import timesheet_xlsx

HOURS_READERS = frozenset({Role.DIRECTOR, Role.CURATOR})
DIRECTOR = frozenset({Role.DIRECTOR})
FIRST_YEAR = 2000
NO_SUCH_MONTH = "Такого месяца в табеле нет: выберите месяц учебного года, который уже начался."


def month_or_404(year: int, month: int) -> datetime.date:
    """A month that has begun, named in the address; anything else is not a page."""
    today = timezone.localdate()
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= today.year:
        raise Http404(NO_SUCH_MONTH)
    day = datetime.date(year, month, 1)
    if day > today:
        raise Http404(NO_SUCH_MONTH)
    return day


def month_url(name: str, month: datetime.date) -> str:
    return reverse(name, args=[month.year, month.month])


@allow(Role.DIRECTOR, Role.CURATOR)
def hours_index(request: HttpRequest) -> HttpResponse:
    """The month to approve first: the last one that has ended."""
    reading_school(request, HOURS_READERS)
    return redirect(month_url("hours_month", hours.previous_month(timezone.localdate())))


@allow(Role.DIRECTOR, Role.CURATOR)
@never_cache
def hours_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    school = reading_school(request, HOURS_READERS)
    day = month_or_404(year, month)
    sheet, approval = hours.month_sheet(school, day)
    academic_year = AcademicYear.containing(day)
    following = academic_year.following.start
    context = {
        "section": "hours",
        "sheet": sheet,
        "approval": approval,
        "month": day,
        "academic_year": academic_year,
        "months": hours.months_of(academic_year),
        "previous_year": academic_year.start - datetime.timedelta(days=1),
        "next_year": following if following <= timezone.localdate() else None,
        "has_ended": hours.next_month(day) <= timezone.localdate(),
        "is_director": Role.DIRECTOR in request.roles,
    }
    return render(request, "pairs/hours_month.html", context)


@allow(Role.DIRECTOR, Role.CURATOR)
@never_cache
def hours_month_xlsx(request: HttpRequest, year: int, month: int) -> HttpResponse:
    school = reading_school(request, HOURS_READERS)
    day = month_or_404(year, month)
    sheet, approval = hours.month_sheet(school, day)
    access_record(
        user=request.user,
        school=school,
        action=DataAccess.LIST_EXPORT,
        what=f"{sheet.title} (XLSX)",
        rows=len(sheet.lines),
    )
    return file_download(timesheet_xlsx(sheet, approval), "xlsx", f"tabel-nastavnikov-{day:%Y-%m}")


@allow(Role.DIRECTOR)
@require_POST
def hours_month_approve(request: HttpRequest, year: int, month: int) -> HttpResponse:
    school = writing_school(request, DIRECTOR)
    day = month_or_404(year, month)
    try:
        services.hours_month_approve(school=school, month=day, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"Часы за {hours.month_label(day)} утверждены. Проведённые встречи этого месяца больше не "
            "меняются, пока вы не отмените утверждение.",
        )
    return redirect(month_url("hours_month", day))


@allow(Role.DIRECTOR)
@require_POST
def hours_month_withdraw(request: HttpRequest, year: int, month: int) -> HttpResponse:
    school = writing_school(request, DIRECTOR)
    day = month_or_404(year, month)
    try:
        services.hours_month_withdraw(school=school, month=day)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"Утверждение часов за {hours.month_label(day)} отменено: встречи месяца снова можно исправить.",
        )
    return redirect(month_url("hours_month", day))


@allow(Role.MENTOR)
@never_cache
def my_hours(request: HttpRequest) -> HttpResponse:
    year = AcademicYear.current()
    rows = hours.own_hours(request.user, year)
    context = {
        "section": "my_hours",
        "rows": rows,
        "academic_year": year,
        "this_month": timezone.localdate().replace(day=1),
        "several_schools": len({row.school for row in rows}) > 1,
    }
    return render(request, "pairs/my_hours.html", context)


# Included from pairs/urls.py.
urlpatterns = [
    path("hours/", hours_index, name="hours_index"),
    path("hours/<int:year>/<int:month>/", hours_month, name="hours_month"),
    path("hours/<int:year>/<int:month>/xlsx/", hours_month_xlsx, name="hours_month_xlsx"),
    path("hours/<int:year>/<int:month>/approve/", hours_month_approve, name="hours_month_approve"),
    path("hours/<int:year>/<int:month>/withdraw/", hours_month_withdraw, name="hours_month_withdraw"),
    path("my-hours/", my_hours, name="my_hours"),
]
