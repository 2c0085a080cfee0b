"""A class teacher's nominations of its pupils for the mentee base (представление ученика в базу
наставляемых), and the curator's decision on them: accepted, the pupil enters the mentee base as any entry
does (the consent rule unchanged); declined, with a reason the teacher sees."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from .declension import initials_in
from .models import MenteeCategory, MenteeEntry, Nomination, Organisation, Person, User
from .services import mentee_entry_create

NO_CLASS = (
    "Вы не указаны классным руководителем ни одного класса. Попросите куратора наставничества указать ваш "
    "класс в вашей карточке участника (раздел «Участники», поле «Классное руководство»)."
)
NOT_A_PUPIL = "Представить в базу наставляемых можно только ученика."
ARCHIVED = "Ученик в архиве: его нельзя представить в базу наставляемых."
OTHER_CLASS = "Ученик не из вашего класса: вы можете представить только учеников {school_class}."
IN_BASE = "Ученик уже в базе наставляемых: представлять его не нужно."
IN_ARCHIVED_ENTRY = (
    "Ученик был в базе наставляемых, его запись перенесена в архив: попросите куратора вернуть её из архива."
)
PENDING = "Ученик уже представлен и ждёт решения куратора."
DECIDED = "Решение по этому представлению уже принято."
NO_DECLINE_REASON = "Укажите причину отказа: педагог увидит её."
ACCEPTED_ENTRY_NOTE = "Представлен классным руководителем ({teacher}) {day:%d.%m.%Y}."


def homeroom_teacher(user: User, school: Organisation) -> Person | None:
    """The user's own card in the school, if it leads a class there (классный руководитель)."""
    return Person.objects.for_school(school).active().filter(user=user, homeroom_grade__isnull=False).first()


def class_pupils(teacher: Person) -> QuerySet[Person]:
    """The active pupils of the class the teacher leads."""
    return (
        Person.objects.for_school(teacher.school_id)
        .active()
        .filter(
            kind=Person.Kind.PUPIL,
            grade=teacher.homeroom_grade,
            class_letter__iexact=teacher.homeroom_letter,
        )
    )


def with_last_nomination(people: QuerySet[Person]) -> QuerySet[Person]:
    """Annotates the status of each person's latest nomination, and its decline reason."""
    latest = Nomination.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-pk")
    return people.annotate(
        nomination_status=Subquery(latest.values("status")[:1]),
        nomination_decline_reason=Subquery(latest.values("decline_reason")[:1]),
    )


def nomination_refusal(teacher: Person | None, person: Person) -> str:
    """Why the teacher may not nominate the pupil now; empty when it may."""
    if teacher is None:
        return NO_CLASS
    if person.kind != Person.Kind.PUPIL:
        return NOT_A_PUPIL
    if person.is_archived:
        return ARCHIVED
    same_class = person.grade == teacher.homeroom_grade and (
        person.class_letter.upper() == teacher.homeroom_letter.upper()
    )
    if person.school_id != teacher.school_id or not same_class:
        return OTHER_CLASS.format(school_class=teacher.homeroom_class)
    entry = MenteeEntry.objects.filter(person=person).first()
    if entry is not None:
        return IN_ARCHIVED_ENTRY if entry.is_archived else IN_BASE
    if Nomination.objects.pending().filter(person=person).exists():
        return PENDING
    return ""


@transaction.atomic
def nomination_create(
    *,
    teacher: Person | None,
    person: Person,
    categories: Iterable[MenteeCategory],
    reason: str,
    comment: str = "",
    by: User,
) -> Nomination:
    """The class teacher puts a pupil of its class forward; anything else is refused with a message."""
    if refusal := nomination_refusal(teacher, person):
        raise ValidationError(refusal)
    nomination = Nomination(
        school_id=person.school_id, person=person, reason=reason, comment=comment.strip(), nominated_by=by
    )
    nomination.full_clean(exclude=["categories"])
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ValidationError(PENDING) from None  # another request nominated the pupil a moment ago
    nomination.categories.set(categories)
    return nomination


def locked_pending(nomination: Nomination) -> Nomination:
    rows = Nomination.objects.select_for_update(of=("self",)).select_related("person", "nominated_by")
    nomination = rows.get(pk=nomination.pk)
    if not nomination.is_pending:
        raise ValidationError(DECIDED)
    return nomination


@transaction.atomic
def nomination_accept(*, nomination: Nomination, by: User) -> MenteeEntry:
    """The pupil enters the mentee base with the nomination's categories and its reason as the request.
    Accepting gives no consent: the entry shows it lacks one, as any entry does."""
    nomination = locked_pending(nomination)
    person = nomination.person
    if person.is_archived:
        raise ValidationError(ARCHIVED)
    if MenteeEntry.objects.filter(person=person).exists():
        raise ValidationError(
            "Ученик уже внесён в базу наставляемых: отклоните представление и укажите это в причине."
        )
    now = timezone.now()
    teacher = initials_in(nomination.nominated_by) if nomination.nominated_by else "учётная запись удалена"
    request = ". ".join(p for p in (nomination.get_reason_display(), nomination.comment) if p)
    entry = mentee_entry_create(
        school=nomination.school,
        person=person,
        entry_data={
            "request": request,
            "reported_by": MenteeEntry.ReportedBy.CLASS_TEACHER,
            "note": ACCEPTED_ENTRY_NOTE.format(
                teacher=teacher, day=timezone.localtime(nomination.created_at)
            ),
        },
        categories=nomination.categories.all(),
    )
    nomination.status, nomination.decided_by, nomination.decided_at = Nomination.Status.ACCEPTED, by, now
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    return entry


@transaction.atomic
def nomination_decline(*, nomination: Nomination, reason: str, by: User) -> Nomination:
    reason = reason.strip()
    if not reason:
        raise ValidationError(NO_DECLINE_REASON)
    nomination = locked_pending(nomination)
    nomination.status, nomination.decline_reason = Nomination.Status.DECLINED, reason
    nomination.decided_by, nomination.decided_at = by, timezone.now()
    nomination.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    return nomination
