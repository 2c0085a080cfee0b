"""Who gives whom a role, and the invitations that carry a role by e-mail.

A role is given by a role above it: the coordinator makes a school's director, the director its staff and
participants, the curator its participants. Nobody gives a role above its own, and only in the organisation
it acts in. An invitation's link is the invitation's id signed with the time it was made: it expires after
INVITATION_DAYS and is spent once accepted. Every change is in the audit trail (auditlog on Membership and
RoleInvitation).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .declension import days_in_words
from .lockout import accounts_locked
from .mail import mail_send
from .models import Membership, Organisation, Person, Role, RoleInvitation, User

PARTICIPANT_ROLES = frozenset({Role.MENTOR, Role.MENTEE})
STAFF_ROLES = frozenset({Role.CURATOR, Role.PSYCHOLOGIST, Role.TEACHER})
# The roles each role may give and take away, in its own organisation (the coordinator: in its schools).
ROLES_GIVEN_BY: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({Role.DIRECTOR}),
    Role.DIRECTOR: STAFF_ROLES | PARTICIPANT_ROLES,
    Role.CURATOR: PARTICIPANT_ROLES,
}
STAFF_MANAGERS = frozenset({Role.DIRECTOR, Role.CURATOR})

SIGNER = signing.TimestampSigner(salt="mentoring.RoleInvitation")
BROKEN_LINK = "Ссылка приглашения неполная или повреждена: откройте её из письма целиком."
EXPIRED_LINK = "Срок действия приглашения истёк. Попросите того, кто вас пригласил, отправить новое."
CANCELLED_LINK = "Приглашение отменено. Попросите того, кто вас пригласил, отправить новое."


def roles_given_by(roles: Collection[str]) -> frozenset[str]:
    return frozenset(given for role in roles for given in ROLES_GIVEN_BY.get(role, ()))


def refuse_unless_gives(giver_roles: Collection[str], role: str) -> None:
    if role not in roles_given_by(giver_roles):
        raise ValidationError(f"Вы не можете выдавать и снимать роль «{Role(role).label}».")


# The link -------------------------------------------------------------------------------------------------


def invitation_token(invitation: RoleInvitation) -> str:
    return SIGNER.sign(str(invitation.pk))


def invitation_url(invitation: RoleInvitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])


def invitation_by_token(token: str) -> RoleInvitation:
    """The invitation a link names, still to be accepted; otherwise a ValidationError that says why."""
    try:
        pk = SIGNER.unsign(token, max_age=datetime.timedelta(days=settings.INVITATION_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(EXPIRED_LINK) from None
    except signing.BadSignature:
        raise ValidationError(BROKEN_LINK) from None
    invitation = RoleInvitation.objects.select_related("organisation", "person").filter(pk=pk).first()
    if invitation is None:
        raise ValidationError(CANCELLED_LINK)
    refuse_accepted(invitation)
    if invitation.created_at < oldest_valid():
        raise ValidationError(EXPIRED_LINK)
    return invitation


def oldest_valid() -> datetime.datetime:
    """The time before which an invitation has expired: the link also carries its own, signed."""
    return timezone.now() - datetime.timedelta(days=settings.INVITATION_DAYS)


def refuse_accepted(invitation: RoleInvitation) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError(
            f"Это приглашение уже принято {timezone.localtime(invitation.accepted_at):%d.%m.%Y}. "
            "Войдите со своим именем пользователя и паролем; если вы его забыли, восстановите пароль."
        )


# Giving a role --------------------------------------------------------------------------------------------


def invitation_mail(invitation_id: int) -> None:
    invitation = RoleInvitation.objects.select_related("organisation", "person", "invited_by").get(
        pk=invitation_id
    )
    mail_send(
        to=invitation.email,
        subject="Приглашение в «Наставничество»",
        template="invitation",
        context={
            "invitation": invitation,
            "role": Role(invitation.role).label.lower(),
            "url": invitation_url(invitation),
            "valid_for": days_in_words(settings.INVITATION_DAYS),
        },
        organisation=invitation.organisation,
    )


@transaction.atomic
def invitation_send(
    *,
    organisation: Organisation,
    role: str,
    email: str,
    by: User,
    giver_roles: Collection[str],
    person: Person | None = None,
) -> RoleInvitation:
    """Makes the invitation and mails its link once the transaction commits."""
    refuse_unless_gives(giver_roles, role)
    if Membership.objects.filter(organisation=organisation, role=role, user__email__iexact=email).exists():
        raise ValidationError(f"У владельца адреса {email} уже есть эта роль в «{organisation.short_name}».")
    invitation = RoleInvitation(
        organisation=organisation, role=role, email=email, person=person, invited_by=by
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: invitation_mail(invitation.pk))
    return invitation


@transaction.atomic
def school_create(
    *, department: Organisation, school_data: dict[str, Any], director_email: str, by: User
) -> RoleInvitation:
    """A new school of the department, and the invitation of its director."""
    school = Organisation(kind=Organisation.Kind.SCHOOL, department=department, **school_data)
    school.full_clean()
    school.save()
    return invitation_send(
        organisation=school, role=Role.DIRECTOR, email=director_email, by=by, giver_roles={Role.COORDINATOR}
    )


@transaction.atomic
def participant_account_give(
    *, person: Person, role: str, by: User, giver_roles: Collection[str]
) -> RoleInvitation | None:
    """A person of the bases becomes a mentor or a mentee: a person with an account gets the role at once,
    one without gets an invitation to its e-mail address."""
    if role not in PARTICIPANT_ROLES:
        raise ValidationError("Участнику можно выдать роль наставника или наставляемого.")
    refuse_unless_gives(giver_roles, role)
    if person.is_archived:
        raise ValidationError("Участник в архиве: учётную запись ему выдать нельзя.")
    if person.user_id is not None:
        Membership.objects.get_or_create(user_id=person.user_id, organisation_id=person.school_id, role=role)
        return None
    if not person.email:
        raise ValidationError("У участника не указана электронная почта: внесите её в карточку участника.")
    return invitation_send(
        organisation=person.school,
        role=role,
        email=person.email,
        by=by,
        giver_roles=giver_roles,
        person=person,
    )


# Accepting ------------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_accept(*, invitation: RoleInvitation, user: User) -> Membership:
    """The user takes the invited role; the invitation is spent. Accepting twice (two tabs, two clicks)
    finds it spent the second time."""
    invitation = (
        RoleInvitation.objects.select_for_update(of=("self",)).select_related("person").get(pk=invitation.pk)
    )
    refuse_accepted(invitation)
    person = invitation.person
    if person is not None:
        if person.user_id not in (None, user.pk):
            raise ValidationError("Этот участник уже связан с другой учётной записью.")
        if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
            raise ValidationError("Ваша учётная запись уже связана с другим участником: войдите под другой.")
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    if not user.email:
        user.email = invitation.email
        user.save(update_fields=["email"])
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation_id=invitation.organisation_id, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def account_create(*, invitation: RoleInvitation, account_data: dict[str, Any], password: str) -> User:
    """A new account for the invited person, with the invitation's address, that accepts it at once."""
    refuse_accepted(invitation)
    user = User(email=invitation.email, **account_data)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    invitation_accept(invitation=invitation, user=user)
    return user


# Taking a role away ---------------------------------------------------------------------------------------


@transaction.atomic
def membership_remove(*, membership: Membership, giver_roles: Collection[str]) -> None:
    """The role goes; the account and the person of the bases stay."""
    refuse_unless_gives(giver_roles, membership.role)
    membership.delete()


# Reading --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    user: User
    memberships: list[Membership]
    locked_until: datetime.datetime | None = None


def staff_of(organisation: Organisation) -> list[StaffRow]:
    """The organisation's accounts with their roles there, by name, and whether their login is locked: two
    queries."""
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    locked = accounts_locked(held[0].user.username for held in by_user.values())
    return [StaffRow(held[0].user, held, locked.get(held[0].user.username)) for held in by_user.values()]


def invitations_waiting(organisation: Organisation) -> list[RoleInvitation]:
    """Invitations not accepted yet, newest first, each marked whether its link still works."""
    invitations = list(
        RoleInvitation.objects.filter(organisation=organisation, accepted_at__isnull=True).select_related(
            "person", "invited_by"
        )
    )
    expired_before = oldest_valid()
    for invitation in invitations:
        invitation.expired = invitation.created_at < expired_before
    return invitations
