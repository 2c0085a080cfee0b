"""The demo school's mentors' pay and last month's hours approved by its director, so that the demo shows
the timesheet of an approved month beside the month at work. Imported by pairs/demo.py."""

from __future__ import annotations

from decimal import Decimal

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from mentoring.demo import BuiltDepartment, Counts, DemoPart, register
from mentoring.models import MentorPayRule, Organisation

from . import hours, services
from .models import MentorHoursMonth

PAY_RULE = MentorPayRule.PER_HOUR
PAY_RATE = Decimal("300.00")


def build_hours(built: BuiltDepartment, seed: int) -> Counts:
    """Run again, it sets the same rule and keeps the approval it finds."""
    showcase = built.showcase
    if showcase is None or showcase.director_user is None:
        return {}
    school = showcase.school
    last_month = hours.previous_month(timezone.localdate())
    with transaction.atomic(), disable_auditlog():
        Organisation.objects.filter(pk=school.pk).update(mentor_pay_rule=PAY_RULE, mentor_pay_rate=PAY_RATE)
        school.mentor_pay_rule, school.mentor_pay_rate = PAY_RULE, PAY_RATE
        if not MentorHoursMonth.objects.filter(school=school, month=last_month).exists():
            services.hours_month_approve(school=school, month=last_month, by=showcase.director_user)
    return {"утверждённых месяцев часов наставников": 1}


register(DemoPart("hours", build_hours, after=("pairs",)))
