"""Surveys: who is asked (by programme, pair, base, class or by hand) and the invitations that follow."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import MenteeEntry, MentorEntry, Organisation, Person, Role, User
from pairs.models import Pair
from programs.models import Programme

from . import audience
from .models import Invitation, Questionnaire, Survey

MENTORS, MENTEES, BOTH = "mentors", "mentees", "both"


@dataclass(frozen=True)
class Chosen:
    """A person picked as a respondent, with the pair and role it was picked through, where known."""

    person: Person
    pair: Pair | None = None
    role: str = ""


@dataclass(frozen=True)
class Invited:
    added: int
    duplicates: int
    left_out: int
    not_for: int  # people the questionnaire is not for: a teacher for a pupils' questionnaire


def pair_people(pairs: Iterable[Pair], side: str) -> list[Chosen]:
    chosen = []
    for pair in pairs:
        if side in (MENTORS, BOTH):
            chosen.append(Chosen(pair.mentor.person, pair, Role.MENTOR))
        if side in (MENTEES, BOTH):
            chosen.extend(Chosen(m.mentee.person, pair, Role.MENTEE) for m in pair.members.all())
    return chosen


def current_pairs(school: Organisation) -> QuerySet[Pair]:
    return (
        Pair.objects.for_school(school)
        .current()
        .select_related("mentor__person")
        .prefetch_related("members__mentee__person")
    )


def chosen_by_programme(programme: Programme, side: str) -> list[Chosen]:
    return pair_people(current_pairs(programme.school).filter(programme=programme), side)


def fits_nobody_of(questionnaire: Questionnaire, programme: Programme) -> bool:
    """Whether the programme's current participants are there and the questionnaire is for none of them."""
    if questionnaire.audience == Questionnaire.Audience.EVERYONE:
        return False
    chosen = chosen_by_programme(programme, BOTH)
    return bool(chosen) and not any(
        audience.may_answer(questionnaire.audience, kind=c.person.kind, role=c.role) for c in chosen
    )


def chosen_by_base(school: Organisation, side: str) -> list[Chosen]:
    chosen = []
    if side in (MENTORS, BOTH):
        entries = MentorEntry.objects.for_school(school).active().select_related("person")
        chosen.extend(Chosen(e.person, role=Role.MENTOR) for e in entries)
    if side in (MENTEES, BOTH):
        entries = MenteeEntry.objects.for_school(school).active().select_related("person")
        chosen.extend(Chosen(e.person, role=Role.MENTEE) for e in entries)
    return chosen


def chosen_by_class(school: Organisation, grade: int, letter: str) -> list[Chosen]:
    people = Person.objects.for_school(school).filter(grade=grade)
    if letter:
        people = people.filter(class_letter__iexact=letter)
    return [Chosen(p) for p in people]


@transaction.atomic
def survey_invite(*, survey: Survey, people: Iterable[Chosen], respondent: str) -> Invited:
    """Invite the survey's school's people who may be asked and whom its questionnaire is for; a parent
    answers only for a pupil."""
    chosen = [c for c in people if c.person.school_id == survey.school_id]
    people_ids = {c.person.pk for c in chosen}
    allowed = set(
        Person.objects.filter(pk__in=people_ids, archived_at__isnull=True)
        .with_consent_flag()
        .filter(has_consent_flag=True)
        .values_list("pk", flat=True)
    )
    taken = set(survey.invitations.values_list("person_id", "respondent"))
    added, duplicates, left_out, not_for = [], 0, set(), set()
    for c in chosen:
        if c.person.pk not in allowed:
            left_out.add(c.person.pk)
            continue
        who = respondent if c.person.kind == Person.Kind.PUPIL else Invitation.Respondent.SELF
        if not audience.fits(survey.questionnaire.audience, kind=c.person.kind, role=c.role, respondent=who):
            not_for.add(c.person.pk)
            continue
        if (c.person.pk, who) in taken:
            duplicates += 1
            continue
        taken.add((c.person.pk, who))
        added.append(Invitation(survey=survey, person=c.person, respondent=who, pair=c.pair, role=c.role))
    Invitation.objects.bulk_create(added)
    return Invited(added=len(added), duplicates=duplicates, left_out=len(left_out), not_for=len(not_for))


@transaction.atomic
def survey_create(
    *, school: Organisation, data: dict[str, Any], people: Iterable[Chosen], respondent: str, by: User
) -> tuple[Survey, Invited]:
    survey = Survey.objects.create(school=school, created_by=by, **data)
    return survey, survey_invite(survey=survey, people=people, respondent=respondent)


@transaction.atomic
def survey_close(*, survey: Survey, today: datetime.date) -> None:
    """Closes the survey now: no answer is taken from this moment, though its last day is today. Paper blanks
    are entered for PAPER_GRACE_DAYS from today, as after any closing day."""
    survey.closes_on, survey.closed_at = today, timezone.now()
    survey.save(update_fields=["closes_on", "closed_at"])


def surveys_close_due(*, today: datetime.date, batch_size: int = 500) -> int:
    """Closes the surveys past their end date that are not closed yet: from now on they take no answer
    (monitoring/responses.py refuses by the date) and count as finished. Returns how many were closed."""
    closed = 0
    while due := list(
        Survey.objects.filter(closes_on__lt=today, closed_at__isnull=True).values_list("pk", flat=True)[
            :batch_size
        ]
    ):
        closed += Survey.objects.filter(pk__in=due, closed_at__isnull=True).update(closed_at=timezone.now())
    return closed


def with_status(surveys: QuerySet[Survey], today: datetime.date) -> QuerySet[Survey]:
    return surveys.annotate(
        status=Case(
            When(Q(closes_on__lt=today) | Q(closed_at__isnull=False), then=Value("завершено")),
            When(opens_on__gt=today, then=Value("не начато")),
            default=Value("идёт"),
            output_field=CharField(),
        )
    )


SUBMITTED = Q(invitations__response__submitted_at__isnull=False)


def with_counts(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.annotate(
        respondents=Count("invitations", distinct=True),
        submitted=Count("invitations", filter=SUBMITTED, distinct=True),
    )


ROLE_LABELS = {Role.MENTOR: "Наставники", Role.MENTEE: "Наставляемые", "": "Без роли в программе"}


def rates_by_role(invitations: QuerySet[Invitation]) -> list[dict]:
    rows = (
        invitations.values("role")
        .annotate(
            invited=Count("pk"),
            submitted=Count("pk", filter=Q(response__submitted_at__isnull=False)),
        )
        .order_by("role")
    )
    return [
        {
            **row,
            "label": ROLE_LABELS.get(row["role"], row["role"]),
            "percent": round(100 * row["submitted"] / row["invited"]),
        }
        for row in rows
    ]


def academic_years(surveys: QuerySet[Survey]) -> list[AcademicYear]:
    """The academic years in which the surveys opened, the latest first."""
    days = surveys.order_by().values_list("opens_on", flat=True).distinct()
    return sorted({AcademicYear.containing(day) for day in days}, reverse=True)
