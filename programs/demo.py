"""Generated programmes for the demo and the benchmarks, made from the templates of programs.seed_texts.

Every school runs the programmes of CURRENT_PROGRAMMES; with history, each form's programmes of earlier
academic years came before them and are completed. The pairs part (pairs.demo) makes a school's programmes
just before it forms their pairs, from the same random stream, so that one seed gives programmes and pairs
together; programs therefore registers no part of its own.
"""

from __future__ import annotations

import datetime
import math
import random

from django.db.models import F

from mentoring.academic_year import AcademicYear
from mentoring.demo import BuiltSchool, days, moment_on

from .models import MentoringForm, Programme, ProgrammeRisk
from .seed_texts import PROGRAMME_TEMPLATES, ProgrammeTemplate

CURRENT_PROGRAMMES = (
    ("teacher_teacher", Programme.Status.RUNNING),
    ("teacher_pupil", Programme.Status.RUNNING),
    # Approved and not yet paired: its candidates wait in both bases for the curator's matching.
    ("pupil_pupil", Programme.Status.APPROVED),
)


def programme_from_template(
    template: ProgrammeTemplate, *, start: datetime.date, **fields
) -> tuple[Programme, list[ProgrammeRisk]]:
    """A programme with the template's wording for the term starting on `start`, and its risks."""
    starts_on, ends_on = template.term(start)
    programme = Programme(
        title=f"{template.title} ({starts_on.year}–{ends_on.year})",
        goal=template.goal,
        tasks="\n".join(template.tasks),
        expected_results="\n".join(template.expected_results),
        starts_on=starts_on,
        ends_on=ends_on,
        style=template.style,
        mode=template.mode,
        **fields,
    )
    risks = [
        ProgrammeRisk(programme=programme, risk=risk, mitigation=mitigation, order=order)
        for order, (risk, mitigation) in enumerate(template.risks, start=1)
    ]
    return programme, risks


def build_programmes(built: BuiltSchool, *, history_years: int, rng: random.Random) -> list[Programme]:
    """The school's programmes, saved and dated by their approval: this year's of each form, then those of
    the `history_years` academic years before, completed."""
    year_start = AcademicYear.current().start
    forms = {f.code: f for f in MentoringForm.objects.all()}
    made = []
    for code, status in CURRENT_PROGRAMMES:
        template = PROGRAMME_TEMPLATES[code]
        years = math.ceil(template.months / 12)
        # A programme of two years that runs now began last year.
        start = year_start.replace(year=year_start.year - (template.months - 1) // 12)
        terms = [(start, status)]
        while (start := start.replace(year=start.year - years)).year >= year_start.year - history_years:
            terms.append((start, Programme.Status.COMPLETED))
        for start, status in terms:
            approved_on = start - days(rng.randint(3, 10))
            made.append(
                programme_from_template(
                    template,
                    start=start,
                    school=built.school,
                    form=forms[code],
                    status=status,
                    curator=built.curator_user,
                    approved_by=built.director_user,
                    approved_at=moment_on(approved_on, 11),
                )
            )
    programmes = Programme.objects.bulk_create([programme for programme, _ in made])
    ProgrammeRisk.objects.bulk_create([risk for _, risks in made for risk in risks])
    Programme.objects.filter(school=built.school).update(
        created_at=F("approved_at"), updated_at=F("approved_at")
    )
    return programmes
