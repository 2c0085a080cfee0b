"""Organisations and roles in the product: the coordinator adds a school and invites its director, the
director and the curator give and take roles, invitations by a signed link that expires and is spent once."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring import accounts
from mentoring.models import Membership, Organisation, Person, Role, RoleInvitation, User

from .factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

STRONG = "Ключ-от-школы-2026"


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def invitation_path(invitation: RoleInvitation) -> str:
    return reverse("invitation_accept", args=[accounts.invitation_token(invitation)])


def new_account(username: str = "smirnov") -> dict:
    return {
        "username": username,
        "last_name": "Смирнов",
        "first_name": "Андрей",
        "patronymic": "Викторович",
        "password1": STRONG,
        "password2": STRONG,
    }


@pytest.fixture
def invitation(school) -> RoleInvitation:
    return RoleInvitation.objects.create(organisation=school, role=Role.DIRECTOR, email="director@example.ru")


# The coordinator adds a school ----------------------------------------------------------------------------


def test_the_coordinator_adds_a_school_to_its_department_and_its_director_gets_a_russian_letter(
    client_as, django_capture_on_commit_callbacks
):
    department = DepartmentFactory()
    client = client_as(Role.COORDINATOR, department)
    data = {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 7»",
        "short_name": "МБОУ «СОШ № 7»",
        "director_name": "Кузнецова Ирина Павловна",
        "director_email": "kuznetsova@example.ru",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("school_create"), data)

    assert response.status_code == 302
    school = Organisation.objects.get(short_name="МБОУ «СОШ № 7»")
    assert school.department == department and school.is_school and school.public_slug is None
    invitation = RoleInvitation.objects.get(organisation=school)
    assert (invitation.role, invitation.email, invitation.accepted_at) == (
        Role.DIRECTOR,
        data["director_email"],
        None,
    )
    (message,) = mail.outbox
    assert message.to == ["kuznetsova@example.ru"]
    assert message.subject == "Приглашение в «Наставничество» — МБОУ «СОШ № 7»"
    assert "роль — директор" in message.body and school.full_name in message.body
    assert accounts.invitation_token(invitation) in message.body
    html = message.alternatives[0][0]
    assert "Принять приглашение" in html and school.full_name in html
    assert "List-Unsubscribe" not in message.extra_headers and "Не получать" not in message.body


@pytest.mark.parametrize(("days", "in_words"), [(7, "7 дней"), (3, "3 дня"), (1, "1 день")])
def test_the_invitation_letter_says_in_words_how_many_days_its_link_works(
    invitation, settings, days, in_words
):
    settings.INVITATION_DAYS = days
    accounts.invitation_mail(invitation.pk)

    (message,) = mail.outbox
    assert f"Ссылка действует {in_words} и только один раз." in message.body
    assert f"Ссылка действует {in_words} и только один раз." in message.alternatives[0][0]


def test_a_school_without_a_name_is_refused_in_russian_and_nothing_is_made(client_as):
    client = client_as(Role.COORDINATOR, DepartmentFactory())
    response = client.post(reverse("school_create"), {"director_email": "не адрес"})

    assert response.status_code == 200
    assert "Укажите полное наименование школы." in response.text
    assert "Проверьте адрес электронной почты." in response.text
    assert not Organisation.objects.schools().exists() and not RoleInvitation.objects.exists()


def test_the_coordinator_invites_a_director_only_to_its_own_schools(client_as, other_school):
    department = DepartmentFactory()
    own = SchoolFactory(department=department)
    client = client_as(Role.COORDINATOR, department)

    client.post(reverse("director_invite"), {"school": other_school.pk, "email": "a@example.ru"})
    assert not RoleInvitation.objects.exists()
    client.post(reverse("director_invite"), {"school": own.pk, "email": "a@example.ru"})
    assert RoleInvitation.objects.get().organisation == own


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.TEACHER])
def test_only_the_coordinator_adds_schools(client_as, school, role):
    assert client_as(role, school).get(reverse("school_create")).status_code == 403


# Following the link ---------------------------------------------------------------------------------------


def test_the_invited_director_creates_an_account_and_works_in_the_school(client, invitation):
    response = client.post(invitation_path(invitation), new_account())

    assert response.status_code == 302 and response.url == reverse("home")
    user = User.objects.get(username="smirnov")
    assert user.email == "director@example.ru" and user.check_password(STRONG)
    assert Membership.objects.filter(
        user=user, organisation=invitation.organisation, role=Role.DIRECTOR
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    assert client.get(reverse("home")).context["request"].organisation == invitation.organisation


def test_a_weak_password_is_refused_by_djangos_validators_and_nothing_is_made(client, invitation):
    response = client.post(
        invitation_path(invitation), {**new_account(), "password1": "12345", "password2": "12345"}
    )

    assert response.status_code == 200
    assert "Введённый пароль слишком короткий" in response.text
    assert not User.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_used_link_says_so_in_russian_and_changes_nothing(client, invitation):
    path = invitation_path(invitation)
    client.post(path, new_account())
    client.logout()

    response = client.post(path, new_account("another"))
    assert response.status_code == 410
    assert "Это приглашение уже принято" in response.text
    assert list(User.objects.values_list("username", flat=True)) == ["smirnov"]
    assert Membership.objects.count() == 1


def test_an_expired_link_says_so_in_russian_and_changes_nothing(client, invitation, settings):
    path = invitation_path(invitation)
    RoleInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.INVITATION_DAYS, minutes=1)
    )

    response = client.post(path, new_account())
    assert response.status_code == 410
    assert "Срок действия приглашения истёк" in response.text
    assert not User.objects.exists() and not Membership.objects.exists()


def test_the_days_an_invitation_lasts_come_from_the_setting(client, invitation, settings):
    path = invitation_path(invitation)
    settings.INVITATION_DAYS = 0

    assert "Срок действия приглашения истёк" in client.get(path).text


def test_a_damaged_link_says_so_in_russian(client, invitation):
    response = client.get(invitation_path(invitation)[:-3] + "xx/")

    assert response.status_code == 410
    assert "Ссылка приглашения неполная или повреждена" in response.text


def test_a_signed_in_person_accepts_and_the_role_joins_its_account(
    client_as, school, invitation, other_school
):
    client = client_as(Role.TEACHER, other_school)
    response = client.post(invitation_path(invitation))

    assert response.status_code == 302
    user = User.objects.get()
    assert set(user.memberships.values_list("organisation", "role")) == {
        (other_school.pk, Role.TEACHER),
        (school.pk, Role.DIRECTOR),
    }


def test_accepting_twice_in_the_service_is_refused(db):
    invitation = RoleInvitation.objects.create(
        organisation=SchoolFactory(), role=Role.TEACHER, email="t@example.ru"
    )
    user = UserFactory()
    accounts.invitation_accept(invitation=invitation, user=user)

    with pytest.raises(ValidationError, match="уже принято"):
        accounts.invitation_accept(invitation=invitation, user=UserFactory())
    assert Membership.objects.count() == 1


# The director and the curator give and take roles ---------------------------------------------------------


def test_the_director_invites_a_curator_from_the_staff_page(
    client_as, school, django_capture_on_commit_callbacks
):
    client = client_as(Role.DIRECTOR, school)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff"), {"email": "curator@example.ru", "role": Role.CURATOR})

    assert response.status_code == 302
    invitation = RoleInvitation.objects.get()
    assert (invitation.organisation, invitation.role) == (school, Role.CURATOR)
    assert "роль — куратор" in mail.outbox[0].body and school.short_name in mail.outbox[0].subject


def test_the_staff_page_lists_the_schools_accounts_and_waiting_invitations(client_as, school, invitation):
    curator = MembershipFactory(organisation=school, role=Role.CURATOR, user__last_name="Юдина").user
    response = client_as(Role.DIRECTOR, school).get(reverse("staff"))

    assert str(curator) in response.text and "director@example.ru" in response.text
    assert "ждёт ответа" in response.text


def test_a_curator_cannot_invite_staff(client_as, school):
    response = client_as(Role.CURATOR, school).post(
        reverse("staff"), {"email": "x@example.ru", "role": Role.CURATOR}
    )
    assert response.status_code == 403
    assert not RoleInvitation.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_a_curator_cannot_give_a_role_above_its_own(school, role):
    with pytest.raises(ValidationError, match="не можете выдавать"):
        accounts.invitation_send(
            organisation=school, role=role, email="x@example.ru", by=UserFactory(), giver_roles={Role.CURATOR}
        )
    assert not RoleInvitation.objects.exists()


def test_a_director_cannot_make_another_director(client_as, school):
    client_as(Role.DIRECTOR, school).post(reverse("staff"), {"email": "x@example.ru", "role": Role.DIRECTOR})
    assert not RoleInvitation.objects.exists()


@pytest.mark.parametrize("role", [Role.MENTOR, Role.TEACHER, Role.PSYCHOLOGIST, Role.COORDINATOR])
def test_only_the_director_and_the_curator_open_the_staff_page(client_as, school, role):
    organisation = school.department if role == Role.COORDINATOR else school
    assert client_as(role, organisation).get(reverse("staff")).status_code == 403


def test_the_director_takes_a_role_away_and_the_account_and_person_stay(client_as, school):
    teacher = MembershipFactory(organisation=school, role=Role.TEACHER)
    person = TeacherFactory(school=school, user=teacher.user)
    response = client_as(Role.DIRECTOR, school).post(reverse("membership_remove", args=[teacher.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=teacher.pk).exists()
    assert User.objects.filter(pk=teacher.user_id).exists() and Person.objects.filter(pk=person.pk).exists()


def test_a_curator_cannot_take_a_teachers_role_away(client_as, school):
    teacher = MembershipFactory(organisation=school, role=Role.TEACHER)
    response = client_as(Role.CURATOR, school).post(
        reverse("membership_remove", args=[teacher.pk]), follow=True
    )

    assert "Вы не можете выдавать и снимать роль «Педагог»." in response.text
    assert Membership.objects.filter(pk=teacher.pk).exists()


def test_a_curator_takes_a_mentees_role_away(client_as, school):
    mentee = MembershipFactory(organisation=school, role=Role.MENTEE)
    client_as(Role.CURATOR, school).post(reverse("membership_remove", args=[mentee.pk]))
    assert not Membership.objects.filter(pk=mentee.pk).exists()


def test_another_schools_role_is_a_404_for_the_director(client_as, school, other_school):
    theirs = MembershipFactory(organisation=other_school, role=Role.TEACHER)
    response = client_as(Role.DIRECTOR, school).post(reverse("membership_remove", args=[theirs.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


# A person of the bases gets an account --------------------------------------------------------------------


def test_the_curator_invites_a_person_with_an_e_mail_as_mentee_and_the_account_becomes_the_persons(
    client_as, client, school, django_capture_on_commit_callbacks
):
    person = PersonFactory(school=school, email="pupil@example.ru")
    curator = client_as(Role.CURATOR, school)
    with django_capture_on_commit_callbacks(execute=True):
        curator.post(reverse("person_account", args=[person.pk]), {"role": Role.MENTEE})
    invitation = RoleInvitation.objects.get()
    assert (invitation.person, invitation.email, invitation.role) == (person, "pupil@example.ru", Role.MENTEE)
    assert person.full_name in mail.outbox[0].body

    client.logout()
    client.post(
        path_of(re.search(r"http\S+/invitation/\S+/", mail.outbox[0].body).group(0)), new_account("pupil")
    )
    person.refresh_from_db()
    assert person.user.username == "pupil"
    assert person.user.memberships.get().role == Role.MENTEE


def test_a_person_without_an_e_mail_is_not_invited(client_as, school):
    person = PersonFactory(school=school, email="")
    response = client_as(Role.CURATOR, school).post(
        reverse("person_account", args=[person.pk]), {"role": Role.MENTOR}, follow=True
    )
    assert "У участника не указана электронная почта" in response.text
    assert not RoleInvitation.objects.exists()


def test_a_person_with_an_account_gets_the_role_at_once(client_as, school):
    person = PersonFactory(school=school, user=UserFactory())
    client_as(Role.CURATOR, school).post(reverse("person_account", args=[person.pk]), {"role": Role.MENTOR})

    assert Membership.objects.filter(user=person.user, organisation=school, role=Role.MENTOR).exists()
    assert not RoleInvitation.objects.exists()


def test_a_person_is_not_made_a_curator_through_its_card(client_as, school):
    person = PersonFactory(school=school, email="pupil@example.ru")
    client_as(Role.DIRECTOR, school).post(reverse("person_account", args=[person.pk]), {"role": Role.CURATOR})
    assert not RoleInvitation.objects.exists()


def test_the_persons_card_offers_the_account_to_the_curator_only(client_as, school):
    person = PersonFactory(school=school, email="pupil@example.ru")
    url = reverse("person_detail", args=[person.pk])

    assert "Пригласить по почте" in client_as(Role.CURATOR, school).get(url).text
    assert "Пригласить по почте" not in client_as(Role.PSYCHOLOGIST, school).get(url).text


# The audit trail ------------------------------------------------------------------------------------------


def test_every_change_of_roles_and_invitations_is_in_the_audit_trail(client_as, client, school):
    director = client_as(Role.DIRECTOR, school)
    director.post(reverse("staff"), {"email": "psy@example.ru", "role": Role.PSYCHOLOGIST})
    invitation = RoleInvitation.objects.get()
    client.logout()
    client.post(invitation_path(invitation), new_account("psy"))
    membership = Membership.objects.get(role=Role.PSYCHOLOGIST)
    client_as(Role.DIRECTOR, school).post(reverse("membership_remove", args=[membership.pk]))

    invitation_log = LogEntry.objects.get_for_object(invitation)
    assert set(invitation_log.values_list("action", flat=True)) == {
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
    }
    assert invitation_log.get(action=LogEntry.Action.CREATE).actor.memberships.get().role == Role.DIRECTOR
    membership_log = LogEntry.objects.filter(
        content_type__model="membership", object_pk=str(membership.pk)
    ).values_list("action", flat=True)
    assert set(membership_log) == {LogEntry.Action.CREATE, LogEntry.Action.DELETE}
