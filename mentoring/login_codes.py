"""Accounts for people without e-mail: a login made from the name and a one-time code printed on a slip.

The code lets its person in once, to set a password; only its hash is kept. A new code voids the one before,
and an archived person loses its login at once.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import LoginCode, Membership, MenteeEntry, MentorEntry, Organisation, Person, Role, User

# Printed and typed by children: no 0/O, 1/I/l; upper case only, any case is accepted when typed.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# Roles a code may open: a participant's. A staff account (a curator, a director) is never opened by a code
# that its colleague printed.
CODE_ROLES = frozenset({Role.MENTOR, Role.MENTEE})

TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip

USED = "Этот код уже использован. Войдите со своим паролем или попросите у куратора новый лист входа."
EXPIRED = "Срок действия этого кода истёк. Попросите у куратора новый лист входа."
REPLACED = "Этот код больше не действует: вам выдан новый. Возьмите у куратора последний лист входа."
WRONG = "Неверный логин или код. Проверьте, как они написаны на листе входа."
STAFF_ACCOUNT = "Код входа выдаётся только участникам-наставникам и наставляемым."


class LoginCodeHasher(PBKDF2PasswordHasher):
    """A code is random (about 50 bits), expires in days and is tried online only under the login limits, so
    it needs far fewer rounds than a password a person makes up: a class's slips render in seconds."""

    algorithm = "pbkdf2_sha256_login_code"
    iterations = 60_000


HASHER = LoginCodeHasher()


def code_normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def code_printed(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def latin(text: str) -> str:
    return "".join(ch for ch in text.lower().translate(TRANSLIT) if ch.isascii() and ch.isalnum())


def login_from_name(person: Person) -> str:
    """«Иванова Мария, 5 «А»» → «ivanova.m.5a»; a grown-up gets the initials of its name and patronymic.
    A login taken already gets a number: «ivanova.m.5a2»."""
    parts = [latin(person.last_name) or "user", latin(person.first_name)[:1]]
    if person.grade:
        parts.append(f"{person.grade}{latin(person.class_letter)}")
    else:
        parts.append(latin(person.patronymic)[:1])
    base = ".".join(part for part in parts if part)
    login, number = base, 1
    while User.objects.filter(username__iexact=login).exists():
        number += 1
        login = f"{base}{number}"
    return login


def participant_roles(person: Person) -> set[str]:
    """The roles the person's place in the bases gives it: a mentor, a mentee, or both."""
    roles = set()
    if MentorEntry.objects.filter(person=person, archived_at__isnull=True).exists():
        roles.add(Role.MENTOR)
    if MenteeEntry.objects.filter(person=person, archived_at__isnull=True).exists():
        roles.add(Role.MENTEE)
    return roles


def opened_by_codes() -> Q:
    """People whose account, if any, holds no role but a participant's: a code may be printed for them."""
    staff = Membership.objects.exclude(role__in=CODE_ROLES).values("user")
    return Q(user__isnull=True) | ~Q(user__in=staff)


@transaction.atomic
def person_account_ensure(*, person: Person) -> User:
    """The person's account, made if it has none (no usable password: the slip's code opens it the first
    time), with the participant's roles of its bases in its school."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.archived_at is not None:
        raise ValidationError(f"{person.full_name} — в архиве: учётная запись не выдаётся.")
    user = person.user
    if user is None:
        user = User(
            username=login_from_name(person),
            last_name=person.last_name,
            first_name=person.first_name,
            patronymic=person.patronymic,
        )
        user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    elif not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    for role in participant_roles(person):
        Membership.objects.get_or_create(user=user, organisation_id=person.school_id, role=role)
    return user


@transaction.atomic
def login_code_issue(
    *, user: User, school: Organisation, valid_until: datetime.date, by: User | None = None
) -> str:
    """A new code for the account, which voids any code given before; returns the code in clear, the only
    time it exists so."""
    if Membership.objects.filter(user=user).exclude(role__in=CODE_ROLES).exists():
        raise ValidationError(STAFF_ACCOUNT)
    User.objects.select_for_update().filter(pk=user.pk).first()
    LoginCode.objects.live().filter(user=user).update(voided_at=timezone.now())
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    LoginCode.objects.create(
        user=user,
        school=school,
        code_hash=HASHER.encode(code, HASHER.salt()),
        valid_until=valid_until,
        issued_by=by,
    )
    return code


def login_codes_void(*, user: User) -> int:
    return LoginCode.objects.live().filter(user=user).update(voided_at=timezone.now())


def person_login_revoke(*, person: Person) -> None:
    """An archived person loses its participant's roles in the school and its codes at once; an account left
    with no role anywhere is switched off. A teacher who also works as a curator keeps that login."""
    user = User.objects.filter(person__pk=person.pk).first()  # the account as it is now, not as read before
    if user is None:
        return
    login_codes_void(user=user)
    memberships = Membership.objects.filter(user=user)
    for membership in memberships.filter(organisation_id=person.school_id, role__in=CODE_ROLES):
        membership.delete()  # one by one, so that the audit trail records each
    if not memberships.exists():
        User.objects.filter(pk=user.pk).update(is_active=False)


def login_code_find(username: str, code: str) -> LoginCode | None:
    """The account's code that matches, whatever its state: the caller tells a live one from a spent one."""
    code = code_normalised(code)
    if not code or not username:
        return None
    codes = LoginCode.objects.filter(user__username__iexact=username.strip(), user__is_active=True)
    return next((c for c in codes.select_related("user") if HASHER.verify(code, c.code_hash)), None)


def login_code_refusal(login_code: LoginCode | None) -> str | None:
    """Why the code does not let its person in, or None when it does."""
    if login_code is None:
        return WRONG
    if login_code.used_at is not None:
        return USED
    if login_code.voided_at is not None:
        return REPLACED
    if login_code.expired:
        return EXPIRED
    return None


@transaction.atomic
def login_code_redeem(*, code_id: int, password: str) -> User:
    """Spends the code on the password the person chose; a code spent or voided meanwhile changes nothing."""
    login_code = LoginCode.objects.select_for_update().select_related("user").get(pk=code_id)
    if refusal := login_code_refusal(login_code):
        raise ValidationError(refusal)
    if not login_code.user.is_active:
        raise ValidationError(WRONG)
    login_code.used_at = timezone.now()
    login_code.save(update_fields=["used_at"])
    user = login_code.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


class LoginCodeBackend:
    """Authenticates a login and a slip's code, so that django-axes counts failed codes as it counts
    failed passwords. The account it returns carries the code: the person sets a password before it is
    logged in."""

    def authenticate(self, request, username: str | None = None, code: str | None = None, **kwargs):
        if username is None or code is None:
            return None
        login_code = login_code_find(username, code)
        if login_code_refusal(login_code) is not None:
            return None
        user = login_code.user
        user.login_code = login_code
        return user

    def get_user(self, user_id: int) -> User | None:
        return None  # a code never keeps anyone logged in: the password set with it does
