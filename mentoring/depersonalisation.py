"""Depersonalisation of a participant's data when the school may no longer process it (152-ФЗ, ст. 21).

When it is due, 30 days after the basis ended (RETENTION_DAYS):
- the consent was revoked and no consent is in force again (ст. 21 ч. 5);
- a pupil left the school: the closing of the year set `left_school_on`, or the curator archived the pupil
  with the status «Выбыл» in a base (ст. 21 ч. 7, the purpose of the processing is reached). A pupil who came
  back (restored from the archive) is not due.
Employees (teachers, other staff) are never depersonalised here: the school processes their data under the
labour contract (ст. 6 ч. 1 п. 5; Трудовой кодекс, ст. 86–88), and a revoked consent to the mentoring only
ends their part in the programme, which consent_revoke already does. The preview lists them as kept, with
that basis.

What is cleared for a depersonalised person (the rows stay, so that counted figures stay counted):
- the person: surname, name and patronymic become «Участник № <номер записи>»; birth date, class letter,
  position, subjects, place of study or work, phone and e-mail are cleared (the grade stays: the monitoring's
  figures are grouped by it, and a grade alone names nobody);
- consents: the scans are deleted from the storage, the representative's name and relation and the note of
  the revocation are blanked (the dates stay: they are the proof of the basis);
- the entries in the bases: interests, notes, competencies, achievements, subjects, the request and the
  mentee categories; nominations by class teachers: comment, decline reason and categories;
- the login: the account is switched off, its names, e-mail and password cleared, its memberships and codes
  removed, its pending invitations deleted;
- documents made about the person alone (certificates, a subject's answer): their files are deleted;
- the apps' free text (person_depersonalising): meeting outcomes and next steps, plan marks' comments,
  pairs' goals and termination reasons, status notes, the person's open answers in questionnaires — numbers
  and chosen options of answers stay and keep counting in stage 1 and 2;
- django-auditlog entries of these objects are kept (who changed a record, when) with their `changes`,
  `changes_text`, `serialized_data` and `object_repr` blanked: they held the old names.
Each person gets an access-log record (DEPERSONALISATION); each run in a school makes one «Акт об
уничтожении персональных данных». Running again finds nobody due and makes nothing: idempotent.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from .access_log import access_record
from .documents import DocumentForm, DocumentSpec, Draft, documents_request, register
from .login_codes import person_login_revoke
from .models import (
    Consent,
    DataAccess,
    Document,
    Membership,
    MenteeEntry,
    MentorEntry,
    Nomination,
    Organisation,
    Person,
    Role,
    RoleInvitation,
    User,
)
from .reference import reference
from .search import search_key
from .signals import person_depersonalising

log = logging.getLogger(__name__)

RETENTION_DAYS = 30
ACT_KIND = "depersonalisation_act"
REVOKED = "revoked"
LEFT = "left"
BASIS_LABELS = {
    REVOKED: "отзыв согласия на обработку персональных данных (ч. 5 ст. 21 152-ФЗ)",
    LEFT: "выбытие из школы: цель обработки достигнута (ч. 7 ст. 21 152-ФЗ)",
}
EMPLOYEE_KINDS = (Person.Kind.TEACHER, Person.Kind.STAFF)
EMPLOYEE_BASIS = "работник школы: данные обрабатываются по трудовому договору (п. 5 ч. 1 ст. 6 152-ФЗ)"
# Categories of data the core clears for everyone; the apps add theirs (person_depersonalising).
CORE_CATEGORIES = [
    "фамилия, имя, отчество",
    "дата рождения",
    "буква класса",
    "контактные данные (телефон, электронная почта)",
    "должность, предметы, место учёбы или работы",
    "сканы согласий, ФИО и степень родства законных представителей",
    "интересы, компетенции, достижения, запрос и примечания в базах наставников и наставляемых",
    "категории наставляемых",
    "представления классных руководителей",
    "учётная запись для входа",
    "документы, составленные в отношении участника",
    "история изменений записей",
]
DEPERSONALISED_REFUSAL = (
    "Данные участника обезличены: запись хранится только для учёта итогов мониторинга, изменять её нельзя."
)


@dataclass(frozen=True)
class Candidate:
    """A person whose basis for processing ended, when the data is due, and why it is (or is not) erased."""

    person: Person
    basis: str  # REVOKED or LEFT
    since: datetime.date
    kept_because: str = ""

    @property
    def due_on(self) -> datetime.date:
        return self.since + datetime.timedelta(days=RETENTION_DAYS)

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]

    def is_due(self, today: datetime.date) -> bool:
        return not self.kept_because and self.due_on <= today


def candidates(school: Organisation) -> list[Candidate]:
    """Everyone of the school whose basis ended and who is not depersonalised yet, the soonest due first."""
    left_entry = Q(mentor_entry__status=MentorEntry.Status.LEFT) | Q(
        mentee_entry__status=MenteeEntry.Status.LEFT
    )
    people = (
        Person.objects.for_school(school)
        .filter(depersonalised_at__isnull=True)
        .annotate(
            revoked_on=Max("consents__revoked_at"),
            in_force=models.Exists(
                Consent.objects.filter(person=models.OuterRef("pk"), revoked_at__isnull=True)
            ),
            left_in_base=models.Exists(Person.objects.filter(left_entry, pk=models.OuterRef("pk"))),
        )
        .filter(
            Q(revoked_on__isnull=False, in_force=False)
            | Q(archived_at__isnull=False, left_school_on__isnull=False)
            | Q(archived_at__isnull=False, left_in_base=True)
        )
        .order_by("pk")
    )
    found = []
    for person in people:
        left_on = person.left_school_on or (person.archived_at and timezone.localdate(person.archived_at))
        if person.archived_at and (person.left_school_on or person.left_in_base):
            basis, since = LEFT, left_on
        else:
            basis, since = REVOKED, person.revoked_on
        kept = EMPLOYEE_BASIS if person.kind in EMPLOYEE_KINDS else ""
        found.append(Candidate(person=person, basis=basis, since=since, kept_because=kept))
    return sorted(found, key=lambda c: (bool(c.kept_because), c.due_on, c.person.pk))


def due(school: Organisation, today: datetime.date) -> list[Candidate]:
    return [c for c in candidates(school) if c.is_due(today)]


def acts(school: Organisation):
    return Document.objects.for_school(school).filter(kind=ACT_KIND).order_by("-date", "-pk")


def log_entries_scrub(objects: Iterable[models.Model]) -> None:
    """Keep who changed a record and when, but not what it held: the old values named the person."""
    by_type: dict[ContentType, list[int]] = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj), []).append(obj.pk)
    for content_type, ids in by_type.items():
        LogEntry.objects.filter(content_type=content_type, object_id__in=ids).update(
            changes=None,
            changes_text="",
            serialized_data=None,
            object_repr="обезличено",
            additional_data=None,
        )


def _account_close(person: Person) -> None:
    if person.user_id is None:
        return
    memberships = list(Membership.objects.filter(user_id=person.user_id))  # their history names the account
    person_login_revoke(person=person)
    Membership.objects.filter(user_id=person.user_id).delete()
    user = User.objects.get(pk=person.user_id)
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        username=f"obezlichen-{person.pk}",
        first_name="",
        last_name="",
        patronymic="",
        email="",
        is_active=False,
        password=user.password,
    )
    log_entries_scrub([user, *memberships])


@transaction.atomic
def person_depersonalise(*, person: Person, by: User, basis: str) -> list[str] | None:
    """Clears the person's data (the module's docstring lists what); returns the categories of data the apps
    cleared besides the core's, or None for a person already depersonalised, who is left as it is."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_depersonalised:
        return None
    now = timezone.now()
    consents = list(person.consents.all())
    scans = [(c.scan.storage, c.scan.name) for c in consents if c.scan]
    Consent.objects.filter(person=person).update(scan="", representative_relation="", revocation_note="")
    Consent.objects.filter(person=person).exclude(representative_name="").update(
        representative_name="обезличено"
    )
    entries = [*MentorEntry.objects.filter(person=person), *MenteeEntry.objects.filter(person=person)]
    MentorEntry.objects.filter(person=person).update(
        interests="", note="", competencies="", achievements="", subjects="", archived_at=now
    )
    MenteeEntry.objects.filter(person=person).update(interests="", note="", request="", archived_at=now)
    for entry in MenteeEntry.objects.filter(person=person):
        entry.categories.clear()
    nominations = list(Nomination.objects.filter(person=person))
    Nomination.objects.filter(person=person).update(comment="", decline_reason="")
    for nomination in nominations:
        nomination.categories.clear()
    RoleInvitation.objects.filter(person=person, accepted_at__isnull=True).delete()
    _account_close(person)
    documents = Document.objects.filter(person=person)
    files = [(f.storage, f.name) for d in documents for f in (d.file, d.signed_scan) if f]
    documents.update(
        file="", signed_scan="", title=f"Документ в отношении участника № {person.pk} (файл удалён)"
    )
    last_name = f"Участник № {person.pk}"
    Person.objects.filter(pk=person.pk).update(
        last_name=last_name,
        first_name="",
        patronymic="",
        search_name=search_key(last_name),
        birth_date=None,
        class_letter="",
        homeroom_letter="",
        position="",
        subjects="",
        organisation_name="",
        phone="",
        email="",
        archived_at=person.archived_at or now,
        depersonalised_at=now,
    )
    person.refresh_from_db()
    categories = [c for _, found in person_depersonalising.send(sender=Person, person=person) for c in found]
    log_entries_scrub([person, *consents, *entries, *nominations, *Document.objects.filter(person=person)])
    access_record(
        user=by, school=person.school, action=DataAccess.DEPERSONALISATION, person=person, what=basis
    )
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in scans + files])
    return categories


def act_row(candidate: Candidate) -> dict:
    """How the act names a person: by the record's number, kind and grade, never by the name — the act must
    not re-create the data it says was destroyed, and the record number finds the row in the system."""
    person = candidate.person
    return {
        "record": person.pk,
        "kind": person.get_kind_display(),
        "grade": person.grade,
        "basis": candidate.basis,
        "since": candidate.since.isoformat(),
    }


def act_draft(found: list[Candidate], today: datetime.date) -> Draft:
    return Draft(
        title=f"Акт об уничтожении персональных данных от {today:%d.%m.%Y}",
        params={"people": [act_row(c) for c in found], "categories": list(CORE_CATEGORIES)},
    )


NOBODY_DUE = "Обезличивать некого: ни у кого из участников срок хранения персональных данных не истёк."


def act_issue(document: Document) -> None:
    """Depersonalises the people the act lists, in the transaction that makes it; people another run has
    depersonalised meanwhile leave the act, and an act left with nobody is not made at all."""
    rows, categories = [], document.params["categories"]
    for row in document.params["people"]:
        person = Person.objects.get(pk=row["record"], school=document.school)
        cleared = person_depersonalise(
            person=person, by=document.requested_by, basis=BASIS_LABELS[row["basis"]]
        )
        if cleared is None:
            continue
        rows.append(row)
        categories += [category for category in cleared if category not in categories]
    if not rows:
        raise ValidationError(NOBODY_DUE)
    document.params = {"people": rows, "categories": categories}
    document.save(update_fields=["params"])


def school_depersonalise(*, school: Organisation, by: User, today: datetime.date) -> Document | None:
    """Depersonalises everyone of the school who is due, with the act; None when nobody is due."""
    found = due(school, today)
    if not found:
        return None
    try:
        return documents_request(
            school=school, kind=ACT_KIND, drafts=[act_draft(found, today)], date=today, by=by
        )[0]
    except ValidationError:
        return None  # another run took them all meanwhile


def signer(school: Organisation) -> User | None:
    """Who a scheduled run acts as: the school's director, who signs the act, or else its curator."""
    for role in (Role.DIRECTOR, Role.CURATOR):
        membership = Membership.objects.filter(organisation=school, role=role).order_by("pk").first()
        if membership is not None:
            return membership.user
    return None


def depersonalise_due_everywhere(today: datetime.date) -> int:
    """The daily run: every school with someone due; returns the number of acts made."""
    made = 0
    for school in Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).order_by("pk"):
        if not due(school, today):
            continue
        by = signer(school)
        if by is None:
            log.warning(
                "В школе %s некому подписать акт об обезличивании: нет директора и куратора.", school.pk
            )
            continue
        made += school_depersonalise(school=school, by=by, today=today) is not None
    return made


# The act of destruction -----------------------------------------------------------------------------------


class ActForm(DocumentForm):
    """Asking for the act runs the depersonalisation of everyone due today, as the director's page does."""

    def clean(self):
        cleaned = super().clean()
        if not Membership.objects.filter(
            user=self.user, organisation=self.school, role=Role.DIRECTOR
        ).exists():
            raise ValidationError("Обезличивает данные и подписывает акт об их уничтожении директор школы.")
        if cleaned.get("date") and cleaned["date"] != timezone.localdate():
            raise ValidationError("Акт датируется днём уничтожения данных: укажите сегодняшнюю дату.")
        self.found = due(self.school, timezone.localdate())
        if not self.found:
            raise ValidationError(NOBODY_DUE)
        return cleaned

    def drafts(self) -> list[Draft]:
        return [act_draft(self.found, self.cleaned_data["date"])]


def act_context(document: Document) -> dict:
    texts = reference("depersonalisation_act")["акт"]
    curator = (
        Membership.objects.filter(organisation=document.school, role=Role.CURATOR).order_by("pk").first()
    )
    people = document.params.get("people", [])
    bases = sorted({row["basis"] for row in people})
    rows = [
        {**row, "since": datetime.date.fromisoformat(row["since"]), "basis_text": BASIS_SHORT[row["basis"]]}
        for row in people
    ]
    return {
        "texts": texts,
        "rows": rows,
        "categories": document.params.get("categories", []),
        "bases": [texts["основания"][basis] for basis in bases],
        "curator": curator.user if curator else None,
    }


BASIS_SHORT = {REVOKED: "отзыв согласия", LEFT: "выбытие из школы"}

register(
    DocumentSpec(
        kind=ACT_KIND,
        label="Акт об уничтожении персональных данных",
        form=ActForm,
        template="documents/pdf/depersonalisation_act.html",
        context=act_context,
        issue=act_issue,
        description="Составляется при каждом обезличивании: чьи (по номерам записей), какие, когда и как "
        "уничтожены персональные данные, на каком основании; подписывают директор и куратор.",
    )
)
