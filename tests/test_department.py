"""The coordinator's «Школы» page (the schools side by side, links into each school), recommendations, the
department's analytic report, and who may see and write what."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Organisation, Role
from monitoring.documents import STAGE_1_REPORT
from monitoring.models import Survey
from pairs.documents import ORDER_PAIRS
from pairs.models import Pair
from roadmap import department as department_data
from roadmap import indicators
from roadmap.department_documents import DEPARTMENT_REPORT
from roadmap.models import Acknowledgement, Activity, Recommendation, Roadmap, Stage
from roadmap.templatetags.schools_table import counted_links
from tests.documents import pdf_pages, pdf_text

from .factories import (
    AnswerFactory,
    ConsentFactory,
    DepartmentFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
    UserFactory,
)


@pytest.fixture
def department(db):
    return DepartmentFactory(full_name="Департамент по образованию Мэрии г. Кызыла")


@pytest.fixture
def school(department):
    return SchoolFactory(department=department, short_name="МБОУ «Гимназия № 5»")


@pytest.fixture
def quiet_school(department):
    return SchoolFactory(department=department, short_name="МБОУ «СОШ № 9»")


@pytest.fixture
def coordinator(client_as, department):
    return client_as(Role.COORDINATOR, department)


def overdue_activity(school) -> Activity:
    today = timezone.localdate()
    roadmap = Roadmap.objects.create(
        organisation=school,
        title="Дорожная карта",
        year=2026,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=200),
    )
    stage = Stage.objects.create(roadmap=roadmap, order=1, title="Подготовка условий")
    return Activity.objects.create(
        stage=stage,
        order=1,
        title="Сформировать базу наставников",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
    )


@pytest.fixture
def busy(school):
    """Two pairs (one working, one proposed), a waiting mentee without consent, a meeting of this month and
    one of last month, a survey with two respondents of whom one answered, an overdue activity."""
    programme = ProgrammeFactory(school=school)
    working = PairFactory(programme=programme, status=Pair.Status.ACTIVE)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    ConsentFactory(person=working.mentor.person)
    ConsentFactory(person=working.members.get().mentee.person)
    MenteeEntryFactory(school=school, person__school=school)
    MeetingFactory(pair=working)
    MeetingFactory(pair=working, starts_at=timezone.now() - datetime.timedelta(days=40))
    survey = SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    ResponseFactory(invitation=InvitationFactory(survey=survey))
    InvitationFactory(survey=survey)
    overdue_activity(school)
    return programme


def test_the_schools_table_counts_each_school_side_by_side(department, school, quiet_school, busy):
    SchoolFactory()  # another department's school

    table = department_data.schools_table(department)

    rows = {row.school: row for row in table.rows}
    assert list(rows) == [school, quiet_school]
    row = rows[school]
    assert row.programmes == [(busy.form_id, busy.form.name, 1)]
    assert (row.mentors, row.mentors_without_consent) == (2, 1)
    assert (row.mentees, row.mentees_without_consent) == (3, 2)
    assert (row.pairs, row.meetings) == ({"active": 1, "proposed": 1}, 1)
    assert (row.surveys, row.invited, row.answered, row.response_rate) == (1, 2, 1, 50)
    assert row.overdue == 1
    empty = rows[quiet_school]
    assert (empty.mentors, empty.meetings, empty.response_rate, empty.overdue) == (0, 0, None, 0)


@pytest.mark.django_db
def test_a_department_without_schools_has_an_empty_schools_table_and_a_home(client):
    department = DepartmentFactory()
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organisation=department, role=Role.COORDINATOR)
    client.force_login(coordinator)

    assert department_data.schools_table(department).rows == []
    assert client.get("/").status_code == 200


def test_stage_2_change_counts_the_participants_improved(department, school):
    programme = ProgrammeFactory(school=school)
    questionnaire = QuestionnaireFactory(school=school)
    question = QuestionFactory(questionnaire=questionnaire)
    entry = SurveyFactory(questionnaire=questionnaire, programme=programme, phase=Survey.Phase.ENTRY)
    exit_ = SurveyFactory(questionnaire=questionnaire, programme=programme, phase=Survey.Phase.EXIT)
    for before, after in ((3, 7), (5, 4), (6, 9)):
        person = PersonFactory(school=school)
        AnswerFactory(
            response=ResponseFactory(invitation__survey=entry, invitation__person=person),
            question=question,
            number=before,
        )
        AnswerFactory(
            response=ResponseFactory(invitation__survey=exit_, invitation__person=person),
            question=question,
            number=after,
        )

    row = department_data.schools_table(department).rows[0]

    assert (row.compared, row.improved, row.improved_share) == (3, 2, 67)


def test_the_page_links_each_figure_into_the_schools_read_only_pages(coordinator, school, busy):
    response = coordinator.get(reverse("department_schools"))

    assert response.status_code == 200
    pk = school.pk
    links = [
        f"{reverse('programme_list')}?school={pk}&amp;form={busy.form_id}",
        f"{reverse('mentor_list')}?school={pk}&amp;consent=missing",
        f"{reverse('mentee_list')}?school={pk}",
        f"{reverse('pair_list')}?school={pk}&amp;status=proposed",
    ]
    assert all(f'href="{link}"' in response.text for link in links)
    for link in links:
        page = coordinator.get(link.replace("&amp;", "&"))
        assert page.status_code == 200, link


def test_a_cell_of_links_puts_one_under_another_and_escapes_the_labels():
    cell = counted_links("/programmes/", 7, "form", [(1, "Форма «А» & <Б>", 2), (3, "Учитель — ученик", 0)])

    assert cell == (
        '<a href="/programmes/?school=7&amp;form=1">Форма «А» &amp; &lt;Б&gt;: 2</a><br>'
        '<a href="/programmes/?school=7&amp;form=3">Учитель — ученик: 0</a>'
    )


def test_the_pages_links_filter_to_that_school(coordinator, department, school, quiet_school, busy):
    department.named_lists_for_coordinator = True
    department.save()
    pairs = coordinator.get(f"{reverse('pair_list')}?school={school.pk}&status=proposed")

    assert [p.status for p in pairs.context["page_obj"]] == [Pair.Status.PROPOSED]
    none = coordinator.get(f"{reverse('mentor_list')}?school={quiet_school.pk}")
    assert len(none.context["page_obj"]) == 0


def make_school_with_data(department, n: int):
    school = SchoolFactory(department=department)
    programme = ProgrammeFactory(school=school)
    pair = PairFactory(programme=programme)
    MeetingFactory(pair=pair)
    overdue_activity(school)
    SurveyFactory(questionnaire=QuestionnaireFactory(school=school))
    recommendation = Recommendation.objects.create(
        school=school, year=AcademicYear.current().start_year, text=f"Школе {n}"
    )
    Acknowledgement.objects.create(recommendation=recommendation, school=school, by=UserFactory())
    return school


def test_the_page_costs_the_same_queries_for_one_and_three_schools(
    coordinator, department, django_assert_num_queries
):
    make_school_with_data(department, 1)
    with django_assert_num_queries(14):
        coordinator.get(reverse("department_schools"))
    make_school_with_data(department, 2)
    make_school_with_data(department, 3)
    with django_assert_num_queries(14):
        response = coordinator.get(reverse("department_schools"))
    assert len(response.context["table"].rows) == 3


# Recommendations


def test_the_coordinator_writes_a_recommendation_to_a_school_for_the_year(coordinator, school):
    url = reverse("recommendation_write", args=[school.pk, 2026])

    response = coordinator.post(url, {f"s{school.pk}-text": "Вовлечь молодых педагогов."}, follow=True)

    assert "Рекомендации школе «МБОУ «Гимназия № 5»» сохранены." in response.text
    assert Recommendation.objects.get(school=school, year=2026).text == "Вовлечь молодых педагогов."
    coordinator.post(url, {f"s{school.pk}-text": "Провести «Школу наставников»."})
    assert Recommendation.objects.get().text == "Провести «Школу наставников»."


def test_an_empty_recommendation_is_refused_and_changes_nothing(coordinator, school):
    Recommendation.objects.create(school=school, year=2026, text="Было")

    response = coordinator.post(
        reverse("recommendation_write", args=[school.pk, 2026]), {f"s{school.pk}-text": "  "}, follow=True
    )

    assert "Напишите текст рекомендаций." in response.text
    assert Recommendation.objects.get().text == "Было"


# Access


@pytest.mark.parametrize(
    "role", [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.MENTEE, Role.TEACHER]
)
def test_a_schools_staff_never_see_the_department_pages(client_as, school, role):
    client = client_as(role, school)

    assert client.get(reverse("department_schools")).status_code == 403
    url = reverse("recommendation_write", args=[school.pk, 2026])
    assert client.post(url, {f"s{school.pk}-text": "Текст"}).status_code == 403
    assert not Recommendation.objects.exists()


def test_another_departments_coordinator_sees_only_its_own_schools(client_as, school, busy):
    other = DepartmentFactory()
    own = SchoolFactory(department=other)
    stranger = client_as(Role.COORDINATOR, other)

    page = stranger.get(reverse("department_schools"))

    assert [row.school for row in page.context["table"].rows] == [own]
    assert school.short_name not in page.text
    url = reverse("recommendation_write", args=[school.pk, 2026])
    assert stranger.post(url, {f"s{school.pk}-text": "Текст"}).status_code == 404
    assert not Recommendation.objects.exists()


def test_the_menu_and_the_home_lead_the_coordinator_to_its_pages(coordinator, school):
    home = coordinator.get(reverse("home"))

    assert f'href="{reverse("department_schools")}"' in home.text
    assert f'href="{reverse("indicator_list")}"' in home.text


def test_the_menu_hides_the_department_pages_from_a_curator(curator_client):
    home = curator_client.get(reverse("home"))

    assert reverse("department_schools") not in home.text and reverse("indicator_list") not in home.text


# The department's analytic report


@pytest.mark.django_db(transaction=True)
def test_the_department_report_renders_indicators_schools_and_recommendations(client_as):
    department = DepartmentFactory(full_name="Департамент по образованию Мэрии г. Кызыла")
    school = SchoolFactory(department=department, short_name="МБОУ «Гимназия № 5»")
    PairFactory(programme=ProgrammeFactory(school=school))
    indicators.indicators_fill_from_seed(department=department)
    year = AcademicYear.current().start_year
    Recommendation.objects.create(school=school, year=year, text="Развивать форму «ученик – ученик».")
    coordinator = client_as(Role.COORDINATOR, department)

    page = coordinator.post(
        reverse("document_new", args=[DEPARTMENT_REPORT]), {"date": "2026-11-23", "year": year}
    )

    document = Document.objects.get()
    assert page.status_code == 302 and page.url == reverse("document_detail", args=[document.pk])
    assert (document.school, document.status) == (department, Document.Status.READY)
    text = pdf_text(document)
    assert "Департамент по образованию Мэрии г. Кызыла" in text
    assert "МБОУ «Гимназия № 5»" in text
    assert "являющихся наставниками над молодыми педагогами до 35 лет" in text
    assert "Развивать форму «ученик – ученик»." in text
    assert "Нет данных" in text or "План выполнен" in text or "Ниже плана" in text
    assert any(width > height for width, height in pdf_pages(document)), "wide tables are landscape"
    assert coordinator.get(reverse("document_file", args=[document.pk])).status_code == 200
    assert coordinator.get(reverse("document_list")).status_code == 200


def test_the_coordinator_asks_for_no_school_document(coordinator, school):
    for kind in (ORDER_PAIRS, STAGE_1_REPORT):
        assert coordinator.get(reverse("document_new", args=[kind])).status_code == 403


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_a_school_never_asks_for_the_department_report(client_as, school, role):
    client = client_as(role, school)
    url = reverse("document_new", args=[DEPARTMENT_REPORT])

    assert client.get(url).status_code == 403
    assert client.post(url, {"date": "2026-11-23", "year": 2026}).status_code == 403
    assert not Document.objects.exists()


def test_a_school_never_reads_the_department_report(client_as, department, school):
    report = Document.objects.create(
        school=department,
        kind=DEPARTMENT_REPORT,
        year=2026,
        date=datetime.date(2026, 11, 23),
        title="Отчёт",
    )
    director = client_as(Role.DIRECTOR, school)

    assert director.get(reverse("document_detail", args=[report.pk])).status_code == 404
    stranger = client_as(Role.COORDINATOR, DepartmentFactory())
    assert stranger.get(reverse("document_detail", args=[report.pk])).status_code == 404


@pytest.fixture
def kept_figures(settings, department):
    settings.DEPARTMENT_FIGURES_SECONDS = 300
    yield
    cache.delete(department_data.schools_table_key(department, AcademicYear.current()))


# Session, user, memberships, the schools, the recommendations.
# The figures come from the cache.
COORDINATOR_PAGE_KEPT_QUERIES = 5


def test_the_figures_are_counted_once_in_five_minutes_for_every_coordinator_and_the_page_says_when(
    kept_figures, coordinator, department, school, busy, django_assert_num_queries
):
    counted = timezone.localtime()
    with time_machine.travel(counted, tick=False) as traveller:
        first = coordinator.get(reverse("department_schools"))
        MentorEntryFactory(school=school, person__school=school)

        with django_assert_num_queries(COORDINATOR_PAGE_KEPT_QUERIES):
            second = coordinator.get(reverse("department_schools"))
        traveller.shift(datetime.timedelta(seconds=301))
        third = coordinator.get(reverse("department_schools"))

    note = f"Цифры на {counted:%H:%M}, следующий пересчёт в {counted + datetime.timedelta(minutes=5):%H:%M}."
    assert note in first.text
    mentors = [
        next(r for r in page.context["table"].rows if r.school == school).mentors
        for page in (first, second, third)
    ]
    assert mentors == [2, 2, 3]


def test_figures_counted_at_a_later_moment_than_now_are_counted_again(
    kept_figures, coordinator, school, busy
):
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        coordinator.get(reverse("department_schools"))
    MentorEntryFactory(school=school, person__school=school)

    page = coordinator.get(reverse("department_schools"))

    assert next(r for r in page.context["table"].rows if r.school == school).mentors == 3


def test_a_recommendation_shows_at_once_while_the_figures_are_kept(kept_figures, coordinator, school, busy):
    coordinator.get(reverse("department_schools"))
    url = reverse("recommendation_write", args=[school.pk, AcademicYear.current().start_year])

    coordinator.post(url, {f"s{school.pk}-text": "Провести семинар для наставников."})

    row = next(
        r for r in coordinator.get(reverse("department_schools")).context["table"].rows if r.school == school
    )
    assert row.recommendation.text == "Провести семинар для наставников."


def test_a_school_added_or_renamed_shows_at_once_while_the_figures_are_kept(
    kept_figures, coordinator, department, school, busy
):
    coordinator.get(reverse("department_schools"))
    added = SchoolFactory(department=department, short_name="МБОУ СОШ № 9")
    Organisation.objects.filter(pk=school.pk).update(short_name="МБОУ «Гимназия № 5 им. А. С. Пушкина»")

    table = coordinator.get(reverse("department_schools")).context["table"]

    names = [row.school.short_name for row in table.rows]
    assert "МБОУ СОШ № 9" in names and "МБОУ «Гимназия № 5 им. А. С. Пушкина»" in names
    assert next(row for row in table.rows if row.school == added).mentors == 0
