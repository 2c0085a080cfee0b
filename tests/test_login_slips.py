"""Login slips: accounts and one-time codes for people without e-mail, printed; a first login by code."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring import documents, login_codes, login_slips
from mentoring.login_slips import LOGIN_SLIPS
from mentoring.models import Document, LoginCode, Membership, Role, User
from mentoring.services import person_archive
from tests.documents import pdf_text
from tests.factories import MenteeEntryFactory, MentorEntryFactory, PairFactory, PersonFactory

pytestmark = pytest.mark.django_db
NEW = reverse("document_new", args=[LOGIN_SLIPS])
CODE_LOGIN = reverse("code_login")
CODE_PASSWORD = reverse("code_password")
PASSWORD = "Solnce-nad-rekoy-7"
SLIP = re.compile(r"Логин: (\S+) Одноразовый код: ([A-Z0-9]{5}-[A-Z0-9]{5})")


@pytest.fixture(autouse=True)
def renders_at_once(monkeypatch):
    """The render the request enqueues on commit runs at once: the test's transaction never commits."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def pupil(school, last_name="Иванова", first_name="Мария", grade=5, letter="А", **kwargs):
    person = PersonFactory(
        school=school, last_name=last_name, first_name=first_name, grade=grade, class_letter=letter, **kwargs
    )
    MenteeEntryFactory(person=person, school=school)
    return person


def issue(client, **data) -> Document:
    response = client.post(
        NEW, {"date": timezone.localdate().isoformat(), "base": "mentees", "days": 14, **data}
    )
    assert response.status_code == 302, response.context["form"].errors
    return Document.objects.filter(kind=LOGIN_SLIPS).latest("pk")


def slips(document: Document) -> dict[str, str]:
    """Login → code, as printed."""
    return dict(SLIP.findall(pdf_text(document)))


def enter_code(client, username: str, code: str, address: str = "10.0.0.1"):
    return client.post(CODE_LOGIN, {"username": username, "code": code}, REMOTE_ADDR=address)


def set_password(client, password: str = PASSWORD):
    return client.post(CODE_PASSWORD, {"new_password1": password, "new_password2": password})


def password_login(username: str) -> str | None:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    return signed_in_as(client)


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


def test_issuing_slips_for_a_class_gives_each_pupil_an_account_with_its_base_role_and_a_login_from_the_name(
    curator_client, school
):
    maria = pupil(school)
    pupil(school, "Петров", "Олег", grade=6, letter="Б")
    mentor = MentorEntryFactory(person=pupil(school, "Соколова", "Ёлка", grade=5, letter="А")).person

    document = issue(curator_client, school_class="5А")

    maria.refresh_from_db()
    mentor.refresh_from_db()
    assert maria.user.username == "ivanova.m.5a"
    assert mentor.user.username == "sokolova.e.5a"
    assert set(slips(document)) == {"ivanova.m.5a", "sokolova.e.5a"}
    assert set(Membership.objects.filter(user=maria.user).values_list("role", "organisation")) == {
        (Role.MENTEE, school.pk)
    }
    assert set(Membership.objects.filter(user=mentor.user).values_list("role", flat=True)) == {
        Role.MENTOR,
        Role.MENTEE,
    }
    assert not maria.user.has_usable_password()


def test_a_login_taken_already_gets_a_number(curator_client, school):
    pupil(school)
    pupil(school, first_name="Марина")

    document = issue(curator_client, school_class="5А")

    assert set(slips(document)) == {"ivanova.m.5a", "ivanova.m.5a2"}


def test_only_the_hash_of_a_code_is_kept_and_the_document_row_holds_no_code(curator_client, school):
    maria = pupil(school)

    document = issue(curator_client, school_class="5А")

    code = slips(document)["ivanova.m.5a"]
    stored = LoginCode.objects.get(user__person=maria)
    assert code.replace("-", "") not in stored.code_hash
    assert login_codes.HASHER.verify(code.replace("-", ""), stored.code_hash)
    assert document.params == {"people": [maria.pk], "days": 14}
    assert code not in str(Document.objects.filter(pk=document.pk).values().get())


def test_the_code_is_valid_for_the_days_chosen(curator_client, school):
    maria = pupil(school)

    document = issue(curator_client, school_class="5А", days=3)

    valid_until = timezone.localdate() + datetime.timedelta(days=3)
    assert LoginCode.objects.get(user__person=maria).valid_until == valid_until
    assert f"по {valid_until:%d.%m.%Y} включительно" in pdf_text(document)


def test_the_slips_name_login_code_and_address_and_nothing_else_personal(curator_client, school):
    maria = pupil(school, patronymic="Петровна", phone="+7 900 123-45-67", email="maria@example.org")
    maria.mentee_entry.request = "Подтянуть физику"
    maria.mentee_entry.save()

    text = pdf_text(issue(curator_client, school_class="5А"))

    code = re.search(r"[A-Z0-9]{5}-[A-Z0-9]{5}", text).group(0)
    assert "Иванова Мария Петровна" in text
    assert f"Логин: ivanova.m.5a Одноразовый код: {code}" in text
    assert f"{settings.SITE_URL}/accounts/code/" in text.replace(" ", "")
    for personal in ("17.05.2012", "2012", "+7 900", "maria@example.org", "физику", "согласи"):
        assert personal not in text


def test_a_new_slip_voids_the_code_given_before_and_a_person_with_an_account_keeps_its_login(
    curator_client, school
):
    maria = pupil(school)
    first = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]

    second = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]

    assert User.objects.filter(person=maria).count() == 1
    assert first != second
    response = enter_code(Client(), "ivanova.m.5a", first)
    assert login_codes.REPLACED in response.text
    assert "_auth_user_id" not in response.wsgi_request.session


def test_making_the_file_again_gives_everyone_a_new_code(curator_client, school):
    pupil(school)
    document = issue(curator_client, school_class="5А")
    first = slips(document)["ivanova.m.5a"]

    documents.document_regenerate(document=document)

    assert slips(document)["ivanova.m.5a"] != first
    assert LoginCode.objects.live().count() == 1


def removed(document: Document, days_later: int) -> str:
    """Runs the scheduled job `days_later` days on; says why the document's file went, or "" if kept."""
    login_slips.slips_files_remove(today=timezone.localdate() + datetime.timedelta(days=days_later))
    document.refresh_from_db()
    return document.file_removed


def test_once_its_codes_have_expired_the_slips_file_is_deleted_and_its_page_says_so(curator_client, school):
    pupil(school)
    document = issue(curator_client, school_class="5А", days=3)
    name, storage = document.file.name, document.file.storage

    assert removed(document, days_later=3) == ""
    assert removed(document, days_later=4) == Document.FileRemoved.CODES_EXPIRED

    assert not storage.exists(name) and not document.file
    assert document.status == Document.Status.READY
    page = curator_client.get(reverse("document_detail", args=[document.pk]))
    assert "Файл удалён: срок действия кодов истёк." in page.text
    assert "Скачать PDF" not in page.text
    assert curator_client.get(reverse("document_file", args=[document.pk])).status_code == 404


def test_once_every_code_of_the_file_is_used_the_file_is_deleted(curator_client, school):
    pupil(school)
    pupil(school, last_name="Петрова", first_name="Анна")
    document = issue(curator_client, school_class="5А")
    codes = slips(document)

    for number, login in enumerate(("ivanova.m.5a", "petrova.a.5a")):
        assert removed(document, days_later=0) == ""
        pupil_client = Client()
        enter_code(pupil_client, login, codes[login], address=f"10.0.0.{number + 1}")
        set_password(pupil_client)

    assert removed(document, days_later=0) == Document.FileRemoved.CODES_USED
    page = curator_client.get(reverse("document_detail", args=[document.pk]))
    assert "Файл удалён: все коды из него использованы или заменены новыми." in page.text


def test_new_slips_for_the_same_people_leave_the_old_file_with_no_code_and_it_is_deleted(
    curator_client, school
):
    pupil(school)
    old = issue(curator_client, school_class="5А")
    new = issue(curator_client, school_class="5А")

    assert removed(old, days_later=0) == Document.FileRemoved.CODES_USED
    assert removed(new, days_later=0) == ""


def test_making_a_deleted_file_again_gives_new_codes_in_a_new_file(curator_client, school):
    pupil(school)
    document = issue(curator_client, school_class="5А", days=1)
    removed(document, days_later=2)

    documents.document_regenerate(document=document)

    document.refresh_from_db()
    assert document.file and document.file_removed == Document.FileRemoved.KEPT
    assert "ivanova.m.5a" in slips(document)


def test_the_first_login_with_a_code_asks_for_a_password_and_signs_in_only_then(
    client, curator_client, school
):
    client = Client()  # the pupil's browser; the curator's is another
    pupil(school)
    code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]

    response = enter_code(client, "Ivanova.M.5a", code.lower())

    assert response["Location"] == CODE_PASSWORD
    assert signed_in_as(client) is None
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    weak = set_password(client, "12345")
    assert weak.status_code == 200 and "Пароль не сохранён" in weak.text
    assert LoginCode.objects.get().used_at is None

    response = set_password(client)

    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == "ivanova.m.5a"
    assert LoginCode.objects.get().used_at is not None
    assert password_login("ivanova.m.5a") == "ivanova.m.5a"


def test_the_login_page_asks_for_the_login_by_the_word_printed_on_the_slip(client):
    page = client.get(reverse("login")).text

    assert re.search(r'for="id_username"[^>]*>\s*Логин \(имя пользователя\)', page)


def test_a_used_code_is_refused_with_a_clear_message(curator_client, school):
    client = Client()  # the pupil's browser; the curator's is another
    pupil(school)
    code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]
    enter_code(client, "ivanova.m.5a", code)
    set_password(client)

    other = Client()
    response = enter_code(other, "ivanova.m.5a", code)

    assert login_codes.USED in response.text
    assert other.get(CODE_PASSWORD)["Location"] == CODE_LOGIN


def test_an_expired_code_is_refused_with_a_clear_message_and_changes_nothing(curator_client, school):
    client = Client()  # the pupil's browser; the curator's is another
    pupil(school)
    code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]
    LoginCode.objects.update(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    response = enter_code(client, "ivanova.m.5a", code)

    assert login_codes.EXPIRED in response.text
    assert LoginCode.objects.get().used_at is None
    assert signed_in_as(client) is None


def test_a_code_that_expires_between_the_two_steps_sets_no_password(curator_client, school):
    client = Client()  # the pupil's browser; the curator's is another
    pupil(school)
    code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]
    enter_code(client, "ivanova.m.5a", code)
    LoginCode.objects.update(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    response = set_password(client)

    assert response["Location"] == CODE_LOGIN
    assert not User.objects.get(username="ivanova.m.5a").has_usable_password()
    assert signed_in_as(client) is None


def test_archiving_a_person_takes_its_login_at_once(curator_client, school):
    client = Client()  # the pupil's browser; the curator's is another
    maria = pupil(school)
    code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]
    enter_code(client, "ivanova.m.5a", code)
    set_password(client)
    pupil_client = client
    pupil(school, first_name="Марина")
    new_code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]

    person_archive(person=maria)

    maria.refresh_from_db()
    assert not maria.user.is_active
    assert not LoginCode.objects.live().filter(user=maria.user).exists()
    assert pupil_client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert password_login("ivanova.m.5a") is None
    assert login_codes.WRONG in enter_code(Client(), "ivanova.m.5a", new_code).text


def test_archiving_a_teacher_who_is_also_a_curator_keeps_its_staff_login(school, make_user):
    user = make_user(Role.CURATOR, school)
    mentor = MentorEntryFactory(person__school=school, person__user=user, school=school).person
    Membership.objects.create(user=user, organisation=school, role=Role.MENTOR)

    person_archive(person=mentor)

    user.refresh_from_db()
    assert user.is_active
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {Role.CURATOR}


def test_slips_are_issued_only_for_the_curators_own_school(curator_client, school, other_school):
    pupil(school)
    theirs = pupil(other_school, "Смирнова", "Анна")

    document = issue(curator_client, school_class="5А")
    Document.objects.filter(pk=document.pk).update(params={"people": [theirs.pk], "days": 14})
    documents.document_regenerate(document=document)

    theirs.refresh_from_db()
    assert theirs.user is None
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED


def test_no_code_is_printed_for_a_staff_account(curator_client, school):
    curator = User.objects.get(memberships__role=Role.CURATOR)
    pupil(school, "Юдина", "Оксана", user=curator)
    pupil(school)

    document = issue(curator_client, school_class="5А")

    assert set(slips(document)) == {"ivanova.m.5a"}
    assert not LoginCode.objects.filter(user=curator).exists()


def test_a_programme_chooses_the_mentees_of_its_pairs(curator_client, school):
    pair = PairFactory(programme__school=school)
    in_pair = pair.members.get().mentee.person
    pupil(school, grade=in_pair.grade, letter=in_pair.class_letter)

    document = issue(curator_client, programme=pair.programme.pk)

    assert len(slips(document)) == 1
    in_pair.refresh_from_db()
    assert in_pair.user.username in slips(document)


def test_nobody_to_issue_for_is_a_clear_message_and_makes_nothing(curator_client, school):
    pupil(school)

    response = curator_client.post(
        NEW, {"date": timezone.localdate().isoformat(), "base": "mentees", "days": 14, "school_class": "9В"}
    )

    assert response.status_code == 200
    assert "Под эти условия не подходит ни один участник" in response.text
    assert not Document.objects.exists() and not User.objects.filter(person__isnull=False).exists()


@pytest.mark.parametrize("days", [0, 91])
def test_codes_valid_for_no_days_or_too_many_are_refused(curator_client, school, days):
    pupil(school)

    response = curator_client.post(
        NEW, {"date": timezone.localdate().isoformat(), "base": "mentees", "days": days}
    )

    assert response.status_code == 200
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER, Role.PSYCHOLOGIST])
def test_only_the_curator_and_the_director_issue_slips(client_as, school, role):
    pupil(school)

    response = client_as(role, school).post(
        NEW, {"date": timezone.localdate().isoformat(), "base": "mentees"}
    )

    assert response.status_code == 403
    assert not User.objects.filter(person__isnull=False).exists()


def test_codes_are_limited_like_passwords(curator_client, school):
    pupil(school)
    code = slips(issue(curator_client, school_class="5А"))["ivanova.m.5a"]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        enter_code(client, "ivanova.m.5a", "AAAAA-BBBBB")

    response = enter_code(client, "ivanova.m.5a", code)

    assert response.status_code == 429
    assert "login_code" not in client.session
    assert LoginCode.objects.get().used_at is None
    assert code.replace("-", "") not in str(list(AccessAttempt.objects.values()))


def test_the_base_lists_lead_to_the_login_slips_of_the_class_they_show(curator_client):
    page = curator_client.get("/mentees/", {"school_class": "7Б"}).content.decode()
    assert "/documents/new/login_slips/?base=mentees&amp;school_class=7%D0%91" in page
    assert "/documents/new/login_slips/?base=mentors" in curator_client.get("/mentors/").content.decode()
