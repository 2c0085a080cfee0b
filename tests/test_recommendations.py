"""The department's recommendations reach their school: the director and the curator read them on their home
and on the school's monitoring pages, hear of a new one, and take it «к исполнению» with a note; the
coordinator sees which school has done so, by whom and when."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Membership, Notification, Role
from mentoring.notifications import collected, notifications_create
from roadmap.department import recommendation_save
from roadmap.models import Acknowledgement, Recommendation

from .factories import DepartmentFactory, SchoolFactory, UserFactory

YEAR = AcademicYear.current().start_year
TEXT = "Вовлечь в наставничество молодых педагогов со стажем до 3 лет."


@pytest.fixture
def department(db):
    return DepartmentFactory()


@pytest.fixture
def school(department):
    return SchoolFactory(department=department, short_name="МБОУ «Гимназия № 5»")


@pytest.fixture
def recommendation(school):
    return Recommendation.objects.create(school=school, year=YEAR, text=TEXT)


def acknowledged(client, recommendation, note="Назначим наставников до 01.10.") -> object:
    return client.post(
        reverse("recommendation_detail", args=[recommendation.pk]), {"note": note}, follow=True
    )


def test_the_director_sees_the_recommendation_on_the_home_page_and_takes_it_for_execution(
    client_as, school, recommendation
):
    director = client_as(Role.DIRECTOR, school)

    home = director.get(reverse("home"))
    assert TEXT in home.text and "Ждёт отметки школы" in home.text
    assert reverse("recommendation_detail", args=[recommendation.pk]) in home.text

    page = acknowledged(director, recommendation)

    assert "Рекомендации приняты к исполнению." in page.text
    mark = Acknowledgement.objects.get()
    assert (mark.recommendation, mark.school, mark.by) == (recommendation, school, page.wsgi_request.user)
    assert mark.note == "Назначим наставников до 01.10."
    home = director.get(reverse("home"))
    assert "Принято к исполнению" in home.text and "Назначим наставников до 01.10." in home.text


def test_the_curator_takes_the_recommendation_for_execution_too(client_as, school, recommendation):
    curator = client_as(Role.CURATOR, school)

    acknowledged(curator, recommendation, note="")

    assert Acknowledgement.objects.get().note == ""


@pytest.mark.parametrize("stage", ["stage1_school", "stage2_school"])
@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST])
def test_the_schools_monitoring_pages_show_its_recommendations(
    client_as, school, recommendation, stage, role
):
    page = client_as(role, school).get(reverse(stage))

    assert TEXT in page.text and "Рекомендации управления образования" in page.text


def test_recommendations_of_two_years_ago_are_no_longer_shown(client_as, school):
    Recommendation.objects.create(school=school, year=YEAR - 2, text="Старые рекомендации.")

    home = client_as(Role.DIRECTOR, school).get(reverse("home"))

    assert "Старые рекомендации." not in home.text


def test_the_coordinator_sees_which_school_took_the_recommendation_by_whom_and_when(
    client_as, department, school, recommendation
):
    quiet = SchoolFactory(department=department, short_name="МБОУ «СОШ № 9»")
    Recommendation.objects.create(school=quiet, year=YEAR, text="Провести «Школу наставников».")
    director = UserFactory(last_name="Юдина", first_name="Ольга", patronymic="Сергеевна")
    Acknowledgement.objects.create(recommendation=recommendation, school=school, by=director, note="Сделаем.")
    coordinator = client_as(Role.COORDINATOR, department)

    page = coordinator.get(reverse("department_schools"))

    assert page.text.count("Принято к исполнению") == 1 and "Юдина Ольга Сергеевна" in page.text
    assert "Сделаем." in page.text and page.text.count("Ждёт отметки школы") == 1
    assert "приняты к исполнению" in coordinator.get(reverse("home")).text
    detail = coordinator.get(reverse("recommendation_detail", args=[recommendation.pk]))
    assert (
        detail.status_code == 200
        and "Юдина Ольга Сергеевна" in detail.text
        and 'name="note"' not in detail.text
    )


def test_a_second_mark_is_refused_and_changes_nothing(client_as, school, recommendation):
    acknowledged(client_as(Role.DIRECTOR, school), recommendation, note="Первая отметка.")

    page = acknowledged(client_as(Role.CURATOR, school), recommendation, note="Вторая отметка.")

    assert "Рекомендации уже приняты к исполнению" in page.text
    assert Acknowledgement.objects.get().note == "Первая отметка."


def test_a_too_long_note_is_refused_in_russian_and_nothing_is_marked(client_as, school, recommendation):
    page = acknowledged(client_as(Role.DIRECTOR, school), recommendation, note="я" * 2001)

    assert "Примечание длиннее 2000 знаков" in page.text
    assert not Acknowledgement.objects.exists()


def test_a_new_text_takes_the_mark_away_and_the_same_text_keeps_it(department, school, recommendation):
    coordinator = UserFactory()
    Acknowledgement.objects.create(recommendation=recommendation, school=school, by=UserFactory())

    recommendation_save(department=department, school=school, year=YEAR, text=f" {TEXT} ", by=coordinator)
    assert Acknowledgement.objects.exists()

    recommendation_save(department=department, school=school, year=YEAR, text="Новый текст.", by=coordinator)
    assert not Acknowledgement.objects.exists()
    assert Recommendation.objects.get().text == "Новый текст."


def test_the_mark_is_in_the_audit_trail_with_who_made_it(client_as, school, recommendation):
    director = client_as(Role.DIRECTOR, school)

    acknowledged(director, recommendation)

    entry = LogEntry.objects.get_for_model(Acknowledgement).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor.memberships.get().role == Role.DIRECTOR


# The notice


def attention(client) -> list[str]:
    return [notice.text for notice in client.get(reverse("home")).context["attention"]]


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_the_director_and_the_curator_hear_of_a_new_recommendation_until_it_is_taken(
    client_as, school, recommendation, role
):
    client = client_as(role, school)
    notice = (
        f"Управление образования направило школе рекомендации на {AcademicYear.current().label} учебный год"
    )

    assert any(text.startswith(notice) for text in attention(client))
    acknowledged(client, recommendation)
    assert not any(text.startswith(notice) for text in attention(client))


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR])
def test_others_of_the_school_get_no_notice(make_user, school, recommendation, role):
    make_user(role, school)

    assert not [
        n for n in collected(Membership.objects.all(), AcademicYear.current().start) if "рекоменд" in n.text
    ]


def test_a_new_text_is_a_new_notice_by_mail(department, school, recommendation, make_user):
    make_user(Role.DIRECTOR, school)
    today = AcademicYear.current().start

    assert notifications_create(notices=collected(Membership.objects.all(), today), batch_size=50) == 1
    assert notifications_create(notices=collected(Membership.objects.all(), today), batch_size=50) == 0
    recommendation_save(
        department=department, school=school, year=YEAR, text="Новый текст.", by=UserFactory()
    )
    assert notifications_create(notices=collected(Membership.objects.all(), today), batch_size=50) == 1
    assert Notification.objects.filter(kind=Notification.Kind.RECOMMENDATION_NEW).count() == 2


# Access


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_participants_and_teachers_of_the_school_neither_read_nor_mark(
    client_as, school, recommendation, role
):
    client = client_as(role, school)
    url = reverse("recommendation_detail", args=[recommendation.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"note": "Да"}).status_code == 403
    assert TEXT not in client.get(reverse("home")).text
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.COORDINATOR])
def test_the_psychologist_and_the_coordinator_read_but_do_not_mark(
    client_as, department, school, recommendation, role
):
    client = client_as(role, department if role == Role.COORDINATOR else school)
    url = reverse("recommendation_detail", args=[recommendation.pk])

    page = client.get(url)
    assert page.status_code == 200 and TEXT in page.text and 'name="note"' not in page.text
    assert client.post(url, {"note": "Да"}).status_code == 403
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.COORDINATOR])
def test_another_schools_recommendation_is_not_found(client_as, recommendation, role):
    elsewhere = SchoolFactory()
    client = client_as(role, elsewhere.department if role == Role.COORDINATOR else elsewhere)
    url = reverse("recommendation_detail", args=[recommendation.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Да"}).status_code == 404
    assert TEXT not in client.get(reverse("home")).text
    assert not Acknowledgement.objects.exists()
