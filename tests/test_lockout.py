"""Login lockout per account and address: wrong passwords lock the account only from the address they came
from, the address as a whole only at a much higher rate; the curator or the director sees a locked account
of the school and unlocks it, in the audit trail; another school's account is not found."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from mentoring.models import Role, User

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db
SCHOOL_ADDRESS = "10.0.0.1"
LOCKED_OUT = "Вход временно заблокирован"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """Every login here checks a password: the test hasher keeps the many attempts quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def account(make_user, school):
    def make(role: str = Role.MENTEE, organisation=None) -> User:
        user = make_user(role, organisation or school)
        user.set_password("demo")
        user.save()
        return user

    return make


def attempt(username: str, password: str, address: str = SCHOOL_ADDRESS, client: Client | None = None):
    return (client or Client()).post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def lock(user: User, address: str = SCHOOL_ADDRESS) -> None:
    for _ in range(5):
        attempt(user.username, "wrong", address)


def test_the_limits_are_five_for_an_account_and_a_hundred_for_an_address(settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 100)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_five_wrong_passwords_at_school_lock_that_account_and_nobody_else(account):
    careless, classmate = account(), account()
    lock(careless)

    assert attempt(careless.username, "demo").status_code == 429
    assert attempt(classmate.username, "demo").status_code == 302


def test_nobody_locks_a_named_account_from_another_address(account):
    victim = account(Role.DIRECTOR)
    lock(victim, address="203.0.113.5")

    assert attempt(victim.username, "demo", address="203.0.113.5").status_code == 429
    assert attempt(victim.username, "demo", address=SCHOOL_ADDRESS).status_code == 302


def test_an_address_is_locked_after_the_higher_limit_whatever_the_accounts(settings, account):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    untouched = account()
    for n in range(11):
        attempt(f"guess{n}", "wrong")
    assert attempt(untouched.username, "demo", client=Client()).status_code == 302

    attempt("guess-last", "wrong")

    response = attempt(untouched.username, "demo")
    assert response.status_code == 429 and LOCKED_OUT in response.text
    assert attempt(untouched.username, "demo", address="10.0.0.2").status_code == 302


def test_the_locked_page_says_whom_to_ask(account):
    careless = account()
    lock(careless)

    page = attempt(careless.username, "demo").text
    assert "попросите куратора или директора школы разблокировать вход" in page


def test_the_staff_page_shows_a_locked_account_in_a_fixed_number_of_queries(
    client_as, account, school, django_assert_num_queries
):
    locked, free = account(), account(Role.TEACHER)
    for _ in range(3):
        lock(account())
    lock(locked)
    client = client_as(Role.CURATOR, school)
    client.get(reverse("staff"))

    with django_assert_num_queries(6):
        page = client.get(reverse("staff")).text

    assert page.count("заблокирован до") == 4 and page.count("открыт<") == 2
    assert reverse("account_unlock", args=[locked.pk]) in page
    assert reverse("account_unlock", args=[free.pk]) not in page


@pytest.mark.parametrize("role", [Role.CURATOR, Role.DIRECTOR])
def test_the_curator_or_the_director_unlocks_an_account_of_the_school(client, account, school, role):
    careless, manager = account(), account(role)
    lock(careless)
    client.force_login(manager)

    page = client.post(reverse("account_unlock", args=[careless.pk]), follow=True).text

    assert f"Вход разблокирован: {careless}. Пароль прежний." in page
    assert not AccessAttempt.objects.filter(username=careless.username).exists()
    assert attempt(careless.username, "demo").status_code == 302
    (entry,) = LogEntry.objects.get_for_object(careless)
    assert entry.actor == manager
    assert entry.changes == {"вход": ["заблокирован", "разблокирован"]}


def test_unlocking_an_account_that_is_not_locked_changes_nothing(client_as, account, school):
    typo = account()
    attempt(typo.username, "wrong")

    page = client_as(Role.CURATOR, school).post(reverse("account_unlock", args=[typo.pk]), follow=True).text

    assert f"Вход не заблокирован: {typo}." in page
    assert AccessAttempt.objects.filter(username=typo.username).count() == 1
    assert not LogEntry.objects.get_for_object(typo).exists()


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR, Role.MENTEE])
def test_other_roles_cannot_unlock(client_as, account, school, role):
    careless = account()
    lock(careless)

    assert client_as(role, school).post(reverse("account_unlock", args=[careless.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username=careless.username).exists()


@pytest.mark.parametrize("role", [Role.CURATOR, Role.DIRECTOR])
def test_another_schools_account_is_not_found(client_as, account, school, other_school, role):
    theirs = account(organisation=other_school)
    lock(theirs)

    response = client_as(role, school).post(reverse("account_unlock", args=[theirs.pk]))

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username=theirs.username).exists()


def test_an_account_of_both_schools_is_unlocked_from_either(client_as, account, school, other_school):
    shared = account()
    MembershipFactory(user=shared, organisation=other_school, role=Role.TEACHER)
    lock(shared)

    response = client_as(Role.DIRECTOR, other_school).post(reverse("account_unlock", args=[shared.pk]))

    assert response.status_code == 302 and not AccessAttempt.objects.exists()
