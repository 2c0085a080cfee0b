"""Writes that touch more than one row: each is one transaction, called with keyword arguments only."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .login_codes import person_login_revoke
from .models import (
    PAY_RULE_AND_RATE_TOGETHER,
    Consent,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    User,
)
from .signals import consent_revoked, entry_archiving


class AlreadyInBase(ValidationError):
    """The person is in the base already: another request put it there first."""

    def __init__(self, entry: MentorEntry | MenteeEntry) -> None:
        base = "наставников" if isinstance(entry, MentorEntry) else "наставляемых"
        super().__init__(f"{entry.person.full_name} уже в базе {base}: открыта существующая запись.")
        self.entry = entry


DEPERSONALISED_RESTORE = "Данные участника обезличены: вернуть его из архива нельзя, внесите его заново."
CONSENT_IN_FORCE_MESSAGE = (
    "У участника уже есть действующее согласие. Чтобы внести новое, сначала отзовите действующее."
)


@transaction.atomic
def person_create(*, school: Organisation, person_data: dict[str, Any]) -> Person:
    person = Person(school=school, **person_data)
    person.full_clean()
    person.save()
    return person


def _entry_create(
    model: type[MentorEntry] | type[MenteeEntry],
    *,
    school: Organisation,
    entry_data: dict[str, Any],
    m2m: dict[str, Iterable],
    person: Person | None,
    person_data: dict[str, Any] | None,
) -> MentorEntry | MenteeEntry:
    if person is None:
        if person_data is None:
            raise ValueError("Either person or person_data is required.")
        person = person_create(school=school, person_data=person_data)
    elif person.school_id != school.pk:
        raise ValueError("The person belongs to another school.")
    entry = model(school=school, person=person, **entry_data)
    # The uniqueness of the person in the base is left to the database: a check before the insert could not
    # see a request that puts the same person there at the same moment.
    entry.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        existing = model.objects.filter(person=person).select_related("person").first()
        if existing is None:
            raise
        raise AlreadyInBase(existing) from None
    for name, values in m2m.items():
        getattr(entry, name).set(values)
    return entry


@transaction.atomic
def mentor_entry_create(
    *,
    school: Organisation,
    entry_data: dict[str, Any],
    forms: Iterable = (),
    person: Person | None = None,
    person_data: dict[str, Any] | None = None,
) -> MentorEntry:
    """Puts an existing person of the school, or a new one, into the mentor base."""
    return _entry_create(
        MentorEntry,
        school=school,
        entry_data=entry_data,
        m2m={"forms": forms},
        person=person,
        person_data=person_data,
    )


@transaction.atomic
def mentee_entry_create(
    *,
    school: Organisation,
    entry_data: dict[str, Any],
    categories: Iterable[MenteeCategory] = (),
    forms: Iterable = (),
    person: Person | None = None,
    person_data: dict[str, Any] | None = None,
) -> MenteeEntry:
    """Puts an existing person of the school, or a new one, into the mentee base."""
    return _entry_create(
        MenteeEntry,
        school=school,
        entry_data=entry_data,
        m2m={"categories": categories, "forms": forms},
        person=person,
        person_data=person_data,
    )


def _base_entries(person: Person) -> list[MentorEntry | MenteeEntry]:
    return [*MentorEntry.objects.filter(person=person), *MenteeEntry.objects.filter(person=person)]


def refuse_archiving(entries: Iterable[MentorEntry | MenteeEntry]) -> None:
    """An entry stays in its base while an app still needs it: the first reason given refuses archiving."""
    for entry in entries:
        for _, reason in entry_archiving.send(sender=type(entry), entry=entry):
            if reason:
                raise ValidationError(reason)


@transaction.atomic
def person_archive(*, person: Person) -> None:
    """Archives the person and its entries in the bases with the same moment, so restoring finds them."""
    refuse_archiving(_base_entries(person))
    moment = timezone.now()
    for entry in _base_entries(person):
        if entry.archived_at is None:
            entry.archived_at = moment
            entry.save(update_fields=["archived_at", "updated_at"])
    person.archived_at = moment
    person.save(update_fields=["archived_at", "updated_at"])
    person_login_revoke(person=person)


@transaction.atomic
def person_restore(*, person: Person) -> None:
    """Restores the person and the entries archived together with it; entries archived earlier stay."""
    if person.depersonalised_at is not None:
        raise ValidationError(DEPERSONALISED_RESTORE)
    for entry in _base_entries(person):
        if entry.archived_at is not None and entry.archived_at == person.archived_at:
            entry.archived_at = None
            entry.save(update_fields=["archived_at", "updated_at"])
    person.archived_at = None
    person.save(update_fields=["archived_at", "updated_at"])


@transaction.atomic
def entry_archive(*, entry: MentorEntry | MenteeEntry) -> None:
    refuse_archiving([entry])
    entry.archived_at = timezone.now()
    entry.save(update_fields=["archived_at", "updated_at"])


@transaction.atomic
def entry_restore(*, entry: MentorEntry | MenteeEntry) -> None:
    if entry.person.archived_at is not None:
        raise ValidationError("Участник в архиве: сначала верните из архива его карточку.")
    entry.archived_at = None
    entry.save(update_fields=["archived_at", "updated_at"])


def consent_create(*, person: Person, consent_data: dict[str, Any]) -> Consent:
    """Records a consent; a second one in force is refused with a Russian message, not an IntegrityError."""
    if Consent.objects.in_force().filter(person=person).exists():
        raise ValidationError(CONSENT_IN_FORCE_MESSAGE)
    consent = Consent(school_id=person.school_id, person=person, **consent_data)
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        # Another request recorded a consent between the check and the insert.
        if Consent.objects.in_force().filter(person=person).exists():
            raise ValidationError(CONSENT_IN_FORCE_MESSAGE) from None
        raise
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, note: str, by: User | None = None) -> list[models.Model]:
    """Revocation is dated today and stops the processing of the person's data from now on: the person
    also leaves what the apps have it take part in (the pairs and groups it works in), which is returned."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        raise ValidationError(f"Согласие уже отозвано {consent.revoked_at:%d.%m.%Y}.")
    consent.revoked_at = timezone.localdate()
    consent.revocation_note = note
    consent.save(update_fields=["revoked_at", "revocation_note"])
    responses = consent_revoked.send(sender=Consent, consent=consent, by=by)
    return [left for _, lefts in responses for left in lefts]


@transaction.atomic
def organisation_mentor_terms_update(
    *, school: Organisation, consent_required: bool, pay_rule: str, pay_rate: Decimal | None
) -> Organisation:
    """The school's rules for its teacher-mentors (Трудовой кодекс, ст. 351.8): a rule and its rate are set
    together or not at all."""
    if bool(pay_rule) != (pay_rate is not None):
        raise ValidationError(PAY_RULE_AND_RATE_TOGETHER)
    school = Organisation.objects.select_for_update().get(pk=school.pk)
    school.mentor_consent_required = consent_required
    school.mentor_pay_rule, school.mentor_pay_rate = pay_rule, pay_rate
    school.full_clean(exclude=["department"], validate_unique=False, validate_constraints=False)
    school.save(update_fields=["mentor_consent_required", "mentor_pay_rule", "mentor_pay_rate"])
    return school
