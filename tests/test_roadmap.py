"""Roadmaps: the seeds' templates, the terms of a year, the activities kept and marked done, the activities
that complete themselves, the pages' access rules, «Мои мероприятия», the PDF and the approval by order."""

import datetime

import pytest
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Role
from monitoring.models import Questionnaire
from pairs.documents import ORDER_PAIRS
from pairs.models import Pair
from programs.documents import ORDER_APPROVAL
from roadmap import services
from roadmap.documents import DEPARTMENT_ROADMAP, ROADMAP
from roadmap.models import Activity, Roadmap, Stage
from roadmap.templates_data import TEMPLATES
from roadmap.timeline import term_label
from tests.documents import pdf_text
from tests.factories import (
    InvitationFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    ResponseFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db
When = Activity.CompletesWhen

SCHOOL, MEDIA_PLAN, MUNICIPAL = (TEMPLATES[code] for code in ("school", "media_plan", "municipal"))


@pytest.fixture
def curator(make_user, school):
    return make_user(Role.CURATOR, school)


@pytest.fixture
def roadmap(school, curator) -> Roadmap:
    return services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2026), by=curator
    )


def activity_titled(roadmap: Roadmap, title: str) -> Activity:
    return Activity.objects.get(stage__roadmap=roadmap, title=title)


def rows(template) -> list:
    return [row for stage in template.stages for row in stage.activities]


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# The templates --------------------------------------------------------------------------------------------


def test_the_school_template_carries_the_seven_stages_of_seed_002_word_for_word():
    assert [stage.title for stage in SCHOOL.stages] == [
        "Подготовка условий для запуска программы наставничества",
        "Формирование базы наставляемых",
        "Формирование базы наставников",
        "Отбор и обучение наставников",
        "Формирование наставнических пар/групп",
        "Организация и осуществление работы наставнических пар/групп",
        "Завершение наставничества",
    ]
    contents = " ".join(row.content for row in rows(SCHOOL))
    assert "Формирование базы данных наставляемых из числа обучающихся 10-18 лет." in contents
    assert "Проведение школьного конкурса «Наставник года»" in contents
    assert "Анкетирование. Форматы анкет обратной связи для промежуточной оценки" in contents
    pairs = next(row for row in rows(SCHOOL) if row.title == "Закрепление наставнических пар/групп")
    assert pairs.responsible == "Директор школы, наставники, кураторы, педагог-психолог"
    assert pairs.completes_when == When.PAIRS_ORDER
    assert {row.completes_when for row in rows(SCHOOL)} - {""} == set(When.values) - {""}


def test_the_media_plan_and_the_municipal_roadmap_carry_their_seeds_rows():
    assert "Популяризировать лучшие практики и примеры наставничества через медиа, участников" in " ".join(
        row.content for row in rows(MEDIA_PLAN)
    )
    assert len(rows(MEDIA_PLAN)) == 7
    municipal = rows(MUNICIPAL)
    assert MUNICIPAL.for_department and municipal[-1].title == "Аналитический отчёт"
    assert municipal[-1].content == (
        "Принятие управленческих решений с направлением адресных рекомендаций ОО по всем моделям."
    )
    assert "Информационное сопровождение мероприятий по наставничеству" in [row.title for row in municipal]
    assert set(TEMPLATES) == {"school", "media_plan", "municipal"}


def test_the_terms_are_shifted_to_the_chosen_academic_year(roadmap):
    first = activity_titled(
        roadmap, "Изучение и систематизация имеющихся материалов по проблеме наставничества"
    )
    last = activity_titled(roadmap, "Мотивация и поощрения наставников")

    assert roadmap.title == (
        "Дорожная карта реализации целевой модели наставничества на 2026/2027 учебный год"
    )
    assert (first.starts_on, first.ends_on, first.by_month) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 30),
        True,
    )
    assert (last.starts_on, last.ends_on) == (datetime.date(2027, 4, 1), datetime.date(2027, 5, 31))


def test_the_municipal_roadmap_runs_over_two_academic_years(school, make_user):
    coordinator = make_user(Role.COORDINATOR, school.department)

    roadmap = services.roadmap_create_from_template(
        organisation=school.department, template=MUNICIPAL, year=AcademicYear.starting(2021), by=coordinator
    )

    report = activity_titled(roadmap, "Аналитический отчёт")
    assert (roadmap.starts_on, roadmap.ends_on) == (datetime.date(2021, 9, 1), datetime.date(2023, 8, 31))
    assert (report.starts_on, report.ends_on) == (datetime.date(2022, 11, 1), datetime.date(2022, 12, 31))


def test_a_template_applied_twice_to_one_year_is_refused_and_creates_nothing(client, school, curator):
    login(client, curator)
    client.post(reverse("roadmap_create"), {"template": "school", "year": 2026})
    activities = Activity.objects.count()

    page = client.post(reverse("roadmap_create"), {"template": "school", "year": 2026}, follow=True)

    assert "Дорожная карта по этому образцу на 2026/2027 учебный год уже есть" in page.text
    assert Roadmap.objects.count() == 1 and Activity.objects.count() == activities


def test_the_coordinator_creates_only_the_departments_roadmap(client, school, make_user, curator):
    login(client, make_user(Role.COORDINATOR, school.department))
    client.post(reverse("roadmap_create"), {"template": "school", "year": 2026})
    assert not Roadmap.objects.exists(), "a school's template is not offered to the department"

    client.post(reverse("roadmap_create"), {"template": "municipal", "year": 2026})

    assert Roadmap.objects.get().organisation == school.department
    login(client, curator)
    client.post(reverse("roadmap_create"), {"template": "municipal", "year": 2026})
    assert Roadmap.objects.count() == 1, "the curator does not create the department's roadmap"


# Activities -----------------------------------------------------------------------------------------------


def edit_data(activity: Activity, **changes) -> dict:
    data = {
        "title": activity.title,
        "content": activity.content,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "by_month": "on",
        "responsible_text": activity.responsible_text,
        "expected_result": activity.expected_result,
    }
    return data | changes


def test_an_activity_ending_before_it_starts_is_refused_and_changes_nothing(client, roadmap, curator):
    activity = roadmap.stages.first().activities.first()
    url = reverse("activity_edit", args=[activity.pk])

    page = login(client, curator).post(
        url, edit_data(activity, title="Другое", starts_on="2026-10-10", ends_on="2026-10-01")
    )

    assert "Мероприятие не может закончиться раньше, чем начнётся" in page.text
    activity.refresh_from_db()
    assert (activity.title, activity.starts_on) == (
        "Изучение и систематизация имеющихся материалов по проблеме наставничества",
        datetime.date(2026, 9, 1),
    )


def test_the_curator_edits_an_activity_and_names_the_responsible_accounts(client, roadmap, curator):
    activity = roadmap.stages.first().activities.first()

    login(client, curator).post(
        reverse("activity_edit", args=[activity.pk]),
        edit_data(
            activity, starts_on="2026-09-07", ends_on="2026-09-25", responsible=[curator.pk], by_month=""
        ),
    )

    activity.refresh_from_db()
    assert (activity.starts_on, activity.by_month) == (datetime.date(2026, 9, 7), False)
    assert list(activity.responsible.all()) == [curator]
    page = client.get(reverse("roadmap_detail", args=[roadmap.pk]))
    assert "07.09.2026 – 25.09.2026" in page.text and "ноябрь 2026 – декабрь 2026" in page.text


def test_an_activity_is_added_to_a_stage_after_its_last_one(client, roadmap, curator):
    stage = roadmap.stages.first()

    login(client, curator).post(
        reverse("activity_add", args=[stage.pk]),
        {"title": "Совещание при директоре", "starts_on": "2026-10-05", "ends_on": "2026-10-05"},
    )

    added = stage.activities.last()
    assert (added.title, added.order, added.ends_on) == (
        "Совещание при директоре",
        5,
        datetime.date(2026, 10, 5),
    )


def test_overdue_is_computed_from_the_day_never_stored(roadmap):
    activity = roadmap.stages.first().activities.first()  # September 2026

    assert activity.is_overdue_on(datetime.date(2026, 10, 1))
    assert not activity.is_overdue_on(datetime.date(2026, 9, 30))
    activity.status, activity.done_on = Activity.Status.DONE, datetime.date(2026, 9, 20)
    assert not activity.is_overdue_on(datetime.date(2026, 10, 1))
    assert "is_overdue" not in {field.name for field in Activity._meta.get_fields()}


def test_the_roadmap_page_marks_overdue_activities_in_red(client, school, curator):
    roadmap = services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2020), by=curator
    )

    page = login(client, curator).get(reverse("roadmap_detail", args=[roadmap.pk]))

    assert '<strong class="text-danger">просрочено</strong>' in page.text
    assert " style=" not in page.text, "the page's content security policy forbids style attributes"
    assert "сентябрь 2020" in page.text


def test_marking_done_needs_evidence(client, roadmap, curator):
    activity = roadmap.stages.first().activities.first()
    url = reverse("activity_done", args=[activity.pk])
    login(client, curator)

    page = client.post(url, {"done_on": "2026-09-20", "link": "", "note": " "})

    assert "Укажите подтверждение выполнения: документ, ссылку или отметку." in page.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED

    client.post(url, {"done_on": "2026-09-20", "note": "Папки подготовлены"})

    activity.refresh_from_db()
    assert (activity.status, activity.evidence_note) == (Activity.Status.DONE, "Папки подготовлены")


def test_marking_done_offers_only_the_schools_own_documents(client, roadmap, curator, other_school):
    foreign = Document.objects.create(
        school=other_school,
        kind=ROADMAP,
        year=2026,
        date=datetime.date(2026, 9, 1),
        title="Чужой",
    )
    activity = roadmap.stages.first().activities.first()

    page = login(client, curator).post(
        reverse("activity_done", args=[activity.pk]), {"done_on": "2026-09-20", "document": foreign.pk}
    )

    assert "Выберите документ из архива этой школы." in page.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED


def test_an_activity_is_set_in_progress(client, roadmap, curator):
    activity = roadmap.stages.first().activities.first()

    login(client, curator).post(reverse("activity_start", args=[activity.pk]))

    activity.refresh_from_db()
    assert activity.status == Activity.Status.IN_PROGRESS


def test_the_timeline_draws_a_bar_per_activity_without_style_attributes(client, school, curator):
    roadmap = services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2020), by=curator
    )

    page = login(client, curator).get(reverse("roadmap_timeline", args=[roadmap.pk]))

    chart = page.text.split('<svg class="timeline-chart"', 1)[1].split("</svg>")[0]
    activities = Activity.objects.filter(stage__roadmap=roadmap).count()
    assert chart.count("<rect") == activities
    assert 'fill="#dc3545"' in chart, "overdue bars are red"
    assert "style=" not in page.text.split("<main", 1)[1]


def test_the_timeline_scales_to_its_column_with_labels_it_keeps_legible(client, school, curator):
    roadmap = services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2020), by=curator
    )

    page = login(client, curator).get(reverse("roadmap_timeline", args=[roadmap.pk])).text

    svg = page.split("<svg", 1)[1].split(">", 1)[0]
    assert 'viewBox="0 0 1000 ' in svg and 'width="100%"' in svg and 'font-size="13"' in svg
    assert 'class="timeline-chart"' in svg  # not «chart», whose max-width drew it at 640 px
    assert 'role="region" aria-label="График по месяцам: сентябрь 2020 – август 2021"' in page
    assert 'tabindex="0"' in page.split('class="timeline-wide', 1)[1].split(">", 1)[0]


def test_a_narrow_screen_gets_each_activity_with_its_whole_title_term_and_bar(client, school, curator):
    roadmap = services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2020), by=curator
    )
    activity = Activity.objects.filter(stage__roadmap=roadmap).order_by("ends_on").last()

    page = login(client, curator).get(reverse("roadmap_timeline", args=[roadmap.pk])).text

    listed = page.split('<div class="timeline-list', 1)[1]
    assert (
        listed.count('<li class="timeline-item">') == Activity.objects.filter(stage__roadmap=roadmap).count()
    )
    assert f"<div>{activity.title}</div>" in listed and term_label(activity) in listed
    assert (
        'viewBox="0 0 12 1"' in listed
        and "," not in listed.split('viewBox="0 0 12 1"', 1)[1].split("</svg>")[0]
    )


# Access ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_the_director_and_the_psychologist_read_but_do_not_write(client, roadmap, make_user, school, role):
    activity = roadmap.stages.first().activities.first()
    login(client, make_user(role, school))

    assert client.get(reverse("roadmap_detail", args=[roadmap.pk])).status_code == 200
    assert client.post(reverse("activity_edit", args=[activity.pk]), edit_data(activity)).status_code == 404
    assert client.post(reverse("activity_start", args=[activity.pk])).status_code == 404
    assert client.post(reverse("roadmap_create"), {"template": "school", "year": 2027}).status_code == 403
    assert Roadmap.objects.count() == 1


def test_the_coordinator_reads_a_schools_roadmap_without_changing_it(client, roadmap, make_user, school):
    activity = roadmap.stages.first().activities.first()
    login(client, make_user(Role.COORDINATOR, school.department))

    page = client.get(reverse("roadmap_detail", args=[roadmap.pk]))
    listing = client.get(reverse("roadmap_list"))

    assert page.status_code == 200 and reverse("activity_edit", args=[activity.pk]) not in page.text
    assert roadmap.title in listing.text and "только чтение" in listing.text
    for url in ("activity_edit", "activity_done", "activity_start"):
        assert client.post(reverse(url, args=[activity.pk]), {"note": "x"}).status_code == 404
    assert client.post(reverse("activity_add", args=[activity.stage_id]), {}).status_code == 404
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED


def test_the_coordinator_writes_the_departments_roadmap(client, school, make_user):
    coordinator = make_user(Role.COORDINATOR, school.department)
    roadmap = services.roadmap_create_from_template(
        organisation=school.department, template=MUNICIPAL, year=AcademicYear.starting(2026), by=coordinator
    )
    activity = roadmap.stages.first().activities.first()

    login(client, coordinator).post(
        reverse("activity_done", args=[activity.pk]), {"done_on": "2026-09-20", "note": "Готово"}
    )

    activity.refresh_from_db()
    assert activity.status == Activity.Status.DONE


@pytest.mark.parametrize(
    "role", [Role.CURATOR, Role.DIRECTOR, Role.PSYCHOLOGIST, Role.COORDINATOR, Role.TEACHER, Role.MENTOR]
)
def test_another_schools_roadmap_is_a_404_for_every_role(client, roadmap, make_user, other_school, role):
    activity = roadmap.stages.first().activities.first()
    login(client, make_user(role, other_school.department if role == Role.COORDINATOR else other_school))

    assert client.get(reverse("roadmap_detail", args=[roadmap.pk])).status_code == 404
    assert client.get(reverse("roadmap_timeline", args=[roadmap.pk])).status_code == 404
    assert client.post(reverse("activity_edit", args=[activity.pk]), edit_data(activity)).status_code == 404
    assert client.post(reverse("activity_add", args=[activity.stage_id]), {}).status_code == 404


def test_the_list_shows_only_the_schools_own_roadmaps(client, roadmap, other_school, make_user, curator):
    other = services.roadmap_create_from_template(
        organisation=other_school,
        template=MEDIA_PLAN,
        year=AcademicYear.starting(2026),
        by=make_user(Role.CURATOR, other_school),
    )

    page = login(client, curator).get(reverse("roadmap_list"))

    assert list(page.context["roadmaps"]) == [roadmap] and other.title not in page.text
    assert "Создать по образцу" in page.text


def test_the_list_page_makes_a_fixed_number_of_queries(client, school, curator, django_assert_num_queries):
    for template in (SCHOOL, MEDIA_PLAN):
        services.roadmap_create_from_template(
            organisation=school, template=template, year=AcademicYear.starting(2026), by=curator
        )
    login(client, curator)
    client.get(reverse("roadmap_list"))

    with django_assert_num_queries(4):
        client.get(reverse("roadmap_list"))


# «Мои мероприятия» ----------------------------------------------------------------------------------------


def test_the_home_page_lists_my_activities_not_done_soonest_first(client, roadmap, curator):
    later = activity_titled(roadmap, "Мотивация и поощрения наставников")
    sooner = activity_titled(roadmap, "Сбор данных о наставляемых")
    done = activity_titled(roadmap, "Отбор наставников и наставляемых")
    for activity in (later, sooner, done):
        activity.responsible.add(curator)
    services.activity_mark_done(activity=done, done_on=datetime.date(2026, 9, 1), note="Сделано")

    page = login(client, curator).get(reverse("home"))

    assert page.context["my_activities"] == [sooner, later]
    assert "Мои мероприятия" in page.text and "ноябрь 2026 – декабрь 2026" in page.text


# Evidence, the PDF and the approval order (documents commit, as requests do) ------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_activity_completes_itself_when_the_pairs_order_is_issued(client_as, school, make_user):
    roadmap = services.roadmap_create_from_template(
        organisation=school,
        template=SCHOOL,
        year=AcademicYear.starting(2026),
        by=make_user(Role.CURATOR, school),
    )
    programme = ProgrammeFactory(school=school)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    director = client_as(Role.DIRECTOR, school)
    director.post(
        reverse("document_new", args=[ORDER_PAIRS]),
        {"date": "2026-11-23", "programme": programme.pk},
    )
    order = Document.objects.get(kind=ORDER_PAIRS)

    page = director.get(reverse("roadmap_detail", args=[roadmap.pk]))

    activity = activity_titled(roadmap, "Закрепление наставнических пар/групп")
    assert (activity.status, activity.evidence_document, activity.done_on) == (
        Activity.Status.DONE,
        order,
        datetime.date(2026, 11, 23),
    )
    assert reverse("document_detail", args=[order.pk]) in page.text


@pytest.mark.django_db(transaction=True)
def test_the_roadmap_pdf_holds_the_seed_table(client_as, school, make_user):
    roadmap = services.roadmap_create_from_template(
        organisation=school,
        template=SCHOOL,
        year=AcademicYear.starting(2026),
        by=make_user(Role.CURATOR, school),
    )
    curator = client_as(Role.CURATOR, school)

    curator.post(reverse("document_new", args=[ROADMAP]), {"date": "2026-11-23", "roadmap": roadmap.pk})

    text = pdf_text(Document.objects.get(kind=ROADMAP))
    assert school.full_name in text and roadmap.title in text
    assert "Формирование базы данных наставляемых из числа обучающихся 10-18 лет." in text
    assert "ноябрь 2026 – декабрь 2026" in text and "Педагог-психолог" in text


@pytest.mark.django_db(transaction=True)
def test_the_roadmap_pdf_is_refused_for_another_schools_roadmap(client_as, school, other_school, make_user):
    foreign = services.roadmap_create_from_template(
        organisation=other_school,
        template=SCHOOL,
        year=AcademicYear.starting(2026),
        by=make_user(Role.CURATOR, other_school),
    )

    page = client_as(Role.CURATOR, school).post(
        reverse("document_new", args=[ROADMAP]), {"date": "2026-11-23", "roadmap": foreign.pk}
    )

    assert "Выберите дорожную карту этой школы." in page.text
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_approval_order_with_a_roadmap_approves_it(client_as, school, make_user):
    roadmap = services.roadmap_create_from_template(
        organisation=school,
        template=SCHOOL,
        year=AcademicYear.starting(2026),
        by=make_user(Role.CURATOR, school),
    )
    programme = ProgrammeFactory(school=school)
    director = client_as(Role.DIRECTOR, school)

    director.post(
        reverse("document_new", args=[ORDER_APPROVAL]),
        {"date": "2026-11-23", "programme": programme.pk, "roadmap": roadmap.pk},
    )

    order = Document.objects.get()
    roadmap.refresh_from_db()
    assert roadmap.approved_by == order
    assert "дорожной карты реализации целевой модели наставничества" in order.title
    text = pdf_text(order)
    declined = roadmap.title.replace("Дорожная карта", "дорожную карту")
    assert f"Утвердить {declined} согласно приложению 3" in text and "«Дорожная карта" not in text
    assert "Приложение 3" in text and "Проведение школьного конкурса «Наставник года»" in text
    page = director.get(reverse("roadmap_detail", args=[roadmap.pk]))
    assert f"Утверждена приказом от 23.11.2026 № {order.number}" in page.text


def monitoring_activity(school, when: str, starts_on: datetime.date):
    roadmap = Roadmap.objects.create(
        organisation=school,
        title="Дорожная карта",
        year=2026,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    stage = Stage.objects.create(roadmap=roadmap, order=1, title="Мониторинг")
    activity = Activity.objects.create(
        stage=stage,
        order=1,
        title="Мониторинг",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=30),
        completes_when=when,
    )
    return roadmap, activity


@pytest.mark.parametrize(
    ("purpose", "when", "phase"),
    [("stage_1", "stage_1_closed", ""), ("stage_2", "stage_2_closed", "exit")],
)
def test_a_monitoring_activity_completes_only_from_a_survey_closed_after_it_began(
    school, purpose, when, phase
):
    from roadmap.models import Activity
    from tests.factories import ProgrammeFactory

    roadmap, activity = monitoring_activity(school, when, datetime.date(2026, 10, 1))
    questionnaire = Questionnaire.objects.get(school=None, code=purpose.replace("_", "-"))
    programme = ProgrammeFactory(school=school)
    # Stage 2 is done when an exit answer compares with the same participant's entry answer.
    participant = PersonFactory(school=school)

    def survey(**fields):
        made = SurveyFactory(questionnaire=questionnaire, school=school, programme=programme, **fields)
        ResponseFactory(invitation=InvitationFactory(survey=made, person=participant))

    early = {"opens_on": datetime.date(2026, 9, 1), "closes_on": datetime.date(2026, 9, 20)}
    survey(phase=phase, **early)
    if phase:
        survey(phase="entry", opens_on=datetime.date(2026, 10, 2), closes_on=datetime.date(2026, 10, 20))

    services.activities_complete_from_evidence(roadmap=roadmap)
    assert Activity.objects.get(pk=activity.pk).status != Activity.Status.DONE

    survey(phase=phase, opens_on=datetime.date(2026, 10, 5), closes_on=datetime.date(2026, 10, 25))
    services.activities_complete_from_evidence(roadmap=roadmap)
    done = Activity.objects.get(pk=activity.pk)
    assert (done.status, done.done_on) == (Activity.Status.DONE, datetime.date(2026, 10, 25))


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_prints_the_municipal_roadmap(client, school, make_user):
    coordinator = make_user(Role.COORDINATOR, school.department)
    roadmap = services.roadmap_create_from_template(
        organisation=school.department, template=MUNICIPAL, year=AcademicYear.starting(2026), by=coordinator
    )
    client = login(client, coordinator)

    page = client.post(
        reverse("document_new", args=[DEPARTMENT_ROADMAP]),
        {"date": "2026-11-23", "roadmap": roadmap.pk},
    )

    document = Document.objects.get()
    assert page.url == reverse("document_detail", args=[document.pk])
    assert (document.school, document.status) == (school.department, Document.Status.READY)
    text = pdf_text(document)
    assert school.department.full_name in text and "Аналитический отчёт" in text


def test_a_school_roadmap_is_not_offered_for_the_municipal_pdf(client, school, make_user):
    coordinator = make_user(Role.COORDINATOR, school.department)
    curator = make_user(Role.CURATOR, school)
    own = services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2026), by=curator
    )

    page = login(client, coordinator).post(
        reverse("document_new", args=[DEPARTMENT_ROADMAP]),
        {"date": "2026-11-23", "roadmap": own.pk},
    )

    assert "Выберите дорожную карту этого управления образования." in page.text
    assert not Document.objects.exists()


def test_the_schools_table_links_to_a_schools_roadmaps_and_the_list_keeps_to_the_department(
    client, school, make_user
):
    coordinator = make_user(Role.COORDINATOR, school.department)
    curator = make_user(Role.CURATOR, school)
    own = services.roadmap_create_from_template(
        organisation=school, template=SCHOOL, year=AcademicYear.starting(2026), by=curator
    )
    foreign_school = ProgrammeFactory().school
    foreign = services.roadmap_create_from_template(
        organisation=foreign_school,
        template=SCHOOL,
        year=AcademicYear.starting(2026),
        by=make_user(Role.CURATOR, foreign_school),
    )
    client = login(client, coordinator)

    table = client.get(reverse("department_schools")).text
    mine = client.get(reverse("roadmap_list"), {"school": school.pk}).context["roadmaps"]
    theirs = client.get(reverse("roadmap_list"), {"school": foreign_school.pk}).context["roadmaps"]

    assert f"{reverse('roadmap_list')}?school={school.pk}" in table
    assert list(mine) == [own] and foreign not in theirs
