"""Programmes: made from the seeds, edited as drafts, approved by the director, run and completed by the
curator; read by the school's readers and the department's coordinator, hidden from everyone else."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import Role
from pairs.models import Pair
from programs import services
from programs.models import MentoringForm, Programme, ProgrammeRisk
from programs.seed_texts import PROGRAMME_TEMPLATES

from .factories import (
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

S = Programme.Status
READERS = [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST]
OUTSIDERS = [Role.MENTOR, Role.MENTEE, Role.TEACHER]


def text(response) -> str:
    return response.text.replace("&laquo;", "«").replace("&raquo;", "»").replace("&quot;", '"')


def as_post(form) -> dict:
    """What a browser sends back for a form it was given unchanged."""
    data = {}
    for field in form:
        value = field.field.prepare_value(field.value())
        if value is None or value is False:
            continue
        data[field.html_name] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


def page_as_post(response) -> dict:
    risks = response.context["risks"]
    data = as_post(response.context["form"]) | as_post(risks.management_form)
    for row in risks:
        data |= as_post(row)
    return data


def programme_form(curator, **changes) -> dict:
    """A filled form of a new programme «учитель – учитель» with one risk."""
    return {
        "form": MentoringForm.objects.get(code="teacher_teacher").pk,
        "title": "Программа наставничества «Учитель – учитель»",
        "goal": "Адаптация молодых педагогов.",
        "tasks": "Обеспечить адаптацию.\nПривить интерес к профессии.",
        "expected_results": "Молодые педагоги остаются в школе.",
        "starts_on": "2026-09-01",
        "ends_on": "2027-06-30",
        "curator": curator.pk,
        "style": "situational",
        "mode": "mixed",
        "attention_after_days": "30",
        "threat_after_days": "60",
        "consent_warning_days": "30",
        "risks-TOTAL_FORMS": "2",
        "risks-INITIAL_FORMS": "0",
        "risks-0-risk": "Высокая нагрузка на наставников.",
        "risks-0-mitigation": "Стимулирование наставников.",
        "risks-1-risk": "",
        "risks-1-mitigation": "",
    } | changes


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def snapshot() -> tuple:
    return (
        list(Programme.objects.values_list("pk", "title", "status", "approved_by", "ends_on").order_by("pk")),
        list(ProgrammeRisk.objects.values_list("pk", "programme", "risk", "mitigation").order_by("pk")),
    )


# Creating from the seeds.


def test_the_curator_first_chooses_the_form_and_sees_which_forms_have_a_sample_and_whose(curator_client):
    response = curator_client.get("/programmes/new/")

    page = text(response)
    assert page.count("Заполнить по образцу") == 3
    assert page.count("Заполнить самостоятельно") == 2
    assert PROGRAMME_TEMPLATES["teacher_pupil"].source in page
    assert "?form=pupil_pupil&amp;sample=1" in response.text


@pytest.mark.parametrize("code", ["teacher_pupil", "pupil_pupil", "teacher_teacher"])
def test_a_programme_made_from_a_sample_carries_the_seeds_text_its_risks_and_its_term(
    curator_client, school, code
):
    template = PROGRAMME_TEMPLATES[code]
    page = curator_client.get("/programmes/new/", {"form": code, "sample": "1"})
    assert template.source in text(page)

    response = curator_client.post(f"/programmes/new/?form={code}&sample=1", page_as_post(page), follow=True)

    programme = Programme.objects.get()
    starts_on, ends_on = template.term(AcademicYear.current().start)
    assert (programme.school, programme.form.code, programme.status) == (school, code, S.DRAFT)
    assert (programme.title, programme.goal) == (template.title, template.goal)
    assert tuple(programme.task_lines) == template.tasks
    assert tuple(programme.result_lines) == template.expected_results
    assert (programme.style, programme.mode) == (template.style, template.mode)
    assert (programme.starts_on, programme.ends_on) == (starts_on, ends_on)
    assert starts_on.day == 1 and starts_on.month == 9
    assert [(r.risk, r.mitigation) for r in programme.risks.all()] == list(template.risks)
    assert programme.curator == response.wsgi_request.user
    assert "Программа сохранена как черновик." in text(response)


def test_without_the_sample_the_form_is_empty_but_for_the_form_and_the_curator(curator_client):
    response = curator_client.get("/programmes/new/", {"form": "teacher_pupil"})

    form = response.context["form"]
    assert form["title"].value() is None and form["goal"].value() is None
    assert form["form"].value() == MentoringForm.objects.get(code="teacher_pupil").pk
    assert len(response.context["risks"].forms) == 2
    assert "Заполнить по образцу" in response.text


def test_a_form_without_a_seed_has_no_sample_even_when_asked_for_one(curator_client):
    response = curator_client.get("/programmes/new/", {"form": "employer_pupil", "sample": "1"})

    assert response.context["template"] is None
    assert response.context["form"]["title"].value() is None
    assert "Заполнить по образцу" not in response.text


def test_the_curator_field_offers_only_the_curators_of_the_school(client_as, make_user, school, other_school):
    colleague = make_user(Role.CURATOR, school)
    make_user(Role.DIRECTOR, school)
    make_user(Role.CURATOR, other_school)
    client = client_as(Role.CURATOR, school)

    curators = client.get("/programmes/new/", {"form": "teacher_teacher"}).context["form"].fields["curator"]

    assert set(curators.queryset) == {colleague, client.get("/programmes/").wsgi_request.user}


def test_a_curator_of_another_school_is_refused_and_nothing_is_saved(curator_client, make_user, other_school):
    stranger = make_user(Role.CURATOR, other_school)

    response = curator_client.post("/programmes/new/?form=teacher_teacher", programme_form(stranger))

    assert "Выберите куратора этой школы." in response.text
    assert not Programme.objects.exists()


def test_an_end_before_the_start_is_refused_next_to_the_field_keeping_what_was_typed(curator_client):
    curator = curator_client.get("/programmes/").wsgi_request.user

    response = curator_client.post(
        "/programmes/new/?form=teacher_teacher", programme_form(curator, ends_on="2026-08-31")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["Окончание реализации должно быть позже её начала."]
    assert "Высокая нагрузка на наставников." in response.text
    assert 'value="Программа наставничества' in response.text.replace("&laquo;", "«")
    assert snapshot() == ([], [])


def test_a_risk_row_with_only_the_ways_to_minimise_it_is_refused_and_nothing_is_saved(curator_client):
    curator = curator_client.get("/programmes/").wsgi_request.user
    data = programme_form(curator, **{"risks-1-mitigation": "Поддержка психолога."})

    response = curator_client.post("/programmes/new/?form=teacher_teacher", data)

    assert "Укажите риск или очистите строку." in response.text
    assert snapshot() == ([], [])


def test_empty_and_deleted_risk_rows_are_not_saved(curator_client):
    curator = curator_client.get("/programmes/").wsgi_request.user
    data = programme_form(
        curator,
        **{
            "risks-TOTAL_FORMS": "3",
            "risks-2-risk": "Формализм.",
            "risks-2-mitigation": "Только что отменили.",
            "risks-2-DELETE": "on",
        },
    )

    curator_client.post("/programmes/new/?form=teacher_teacher", data)

    assert list(ProgrammeRisk.objects.values_list("risk", "order")) == [
        ("Высокая нагрузка на наставников.", 1)
    ]


def test_a_status_sent_with_the_new_programme_is_ignored_it_is_always_a_draft(curator_client):
    curator = curator_client.get("/programmes/").wsgi_request.user

    curator_client.post("/programmes/new/?form=teacher_teacher", programme_form(curator, status="running"))

    assert Programme.objects.get().status == S.DRAFT


# Editing a draft.


def test_the_curator_edits_a_draft_and_its_risks(curator_client, school):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)
    for order, risk in enumerate(["Удаляемый риск.", "Стираемый риск.", "Оставленный риск."], start=1):
        ProgrammeRisk.objects.create(programme=programme, risk=risk, mitigation="Меры.", order=order)
    curator = curator_client.get("/programmes/").wsgi_request.user
    page = curator_client.get(f"/programmes/{programme.pk}/edit/")
    data = page_as_post(page) | {
        "title": "Новое название",
        "curator": curator.pk,
        "risks-0-DELETE": "on",
        "risks-1-risk": "",
        "risks-1-mitigation": "",
        "risks-3-risk": "Новый риск.",
    }

    response = curator_client.post(f"/programmes/{programme.pk}/edit/", data, follow=True)

    programme.refresh_from_db()
    assert (programme.title, programme.curator) == ("Новое название", curator)
    kept = [("Оставленный риск.", 1), ("Новый риск.", 2)]
    assert list(programme.risks.values_list("risk", "order")) == kept
    assert "Изменения сохранены." in text(response)


def test_the_form_of_a_programme_that_already_has_pairs_cannot_be_changed(curator_client, school):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    page = curator_client.get(f"/programmes/{programme.pk}/edit/")
    assert "форму наставничества не сменить" in page.text
    other_form = MentoringForm.objects.get(code="pupil_pupil")

    curator_client.post(f"/programmes/{programme.pk}/edit/", page_as_post(page) | {"form": other_form.pk})

    assert Programme.objects.get().form.code == "teacher_teacher"


@pytest.mark.parametrize("status", [S.APPROVED, S.RUNNING, S.COMPLETED])
def test_only_a_draft_is_editable_the_others_send_back_with_a_russian_message(curator_client, school, status):
    programme = ProgrammeFactory(school=school, status=status, title="Прежнее")

    response = curator_client.post(f"/programmes/{programme.pk}/edit/", {"title": "Другое"}, follow=True)

    assert response.redirect_chain[-1][0] == f"/programmes/{programme.pk}/"
    assert "Изменять можно только черновик программы" in text(response)
    programme.refresh_from_db()
    assert programme.title == "Прежнее"


def test_a_draft_approved_while_it_was_being_edited_is_not_changed(school, make_user):
    programme = ProgrammeFactory(school=school, status=S.DRAFT, title="Прежнее")
    Programme.objects.filter(pk=programme.pk).update(status=S.APPROVED)

    with pytest.raises(ValidationError, match="Изменять можно только черновик"):
        services.programme_update(programme=programme, data={"title": "Другое"}, risks=[("Риск.", "")])

    assert Programme.objects.get().title == "Прежнее" and not ProgrammeRisk.objects.exists()


# The lifecycle.


def post_status(client, programme: Programme, to: str, seen: str | None = None):
    data = {"to": to, "seen": seen or programme.status}
    return client.post(f"/programmes/{programme.pk}/status/", data, follow=True)


def test_the_director_approves_a_draft_and_the_card_says_who_and_when(client_as, school):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)
    director = client_as(Role.DIRECTOR, school)

    response = post_status(director, programme, S.APPROVED)

    programme.refresh_from_db()
    user = response.wsgi_request.user
    assert (programme.status, programme.approved_by) == (S.APPROVED, user)
    assert programme.approved_at is not None
    assert "Программа утверждена." in text(response)
    assert f"{user}, {timezone.localtime(programme.approved_at):%d.%m.%Y %H:%M}" in text(response)


def test_the_director_returns_an_approved_programme_to_draft(client_as, make_user, school):
    programme = ProgrammeFactory(
        school=school,
        status=S.APPROVED,
        approved_by=make_user(Role.DIRECTOR, school),
        approved_at=timezone.now(),
    )

    response = post_status(client_as(Role.DIRECTOR, school), programme, S.DRAFT)

    programme.refresh_from_db()
    assert (programme.status, programme.approved_by, programme.approved_at) == (S.DRAFT, None, None)
    assert "возвращена на доработку" in text(response)


def test_the_curator_launches_an_approved_programme_then_completes_it(curator_client, school):
    programme = ProgrammeFactory(school=school, status=S.APPROVED)

    post_status(curator_client, programme, S.RUNNING)
    programme.refresh_from_db()
    assert programme.status == S.RUNNING
    response = post_status(curator_client, programme, S.COMPLETED)

    programme.refresh_from_db()
    assert programme.status == S.COMPLETED
    assert "Программа завершена." in text(response)


@pytest.mark.parametrize(
    ("role", "status", "to"),
    [
        (Role.CURATOR, S.DRAFT, S.APPROVED),
        (Role.CURATOR, S.APPROVED, S.DRAFT),
        (Role.DIRECTOR, S.APPROVED, S.RUNNING),
        (Role.DIRECTOR, S.RUNNING, S.COMPLETED),
    ],
)
def test_each_step_is_taken_only_by_its_role(client_as, school, role, status, to):
    programme = ProgrammeFactory(school=school, status=status)

    response = client_as(role, school).post(f"/programmes/{programme.pk}/status/", {"to": to, "seen": status})

    assert response.status_code == 403
    assert Programme.objects.get().status == status


@pytest.mark.parametrize(
    ("status", "to"), [(S.DRAFT, S.RUNNING), (S.RUNNING, S.DRAFT), (S.COMPLETED, S.RUNNING)]
)
def test_a_step_the_lifecycle_does_not_have_is_refused(curator_client, school, status, to):
    programme = ProgrammeFactory(school=school, status=status)

    response = post_status(curator_client, programme, to)

    assert "нельзя перевести" in text(response)
    assert Programme.objects.get().status == status


def test_a_stale_page_changes_nothing_and_says_someone_else_changed_the_status(client_as, school):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)
    director = client_as(Role.DIRECTOR, school)
    post_status(director, programme, S.APPROVED)

    # The same page, still showing the draft, sends «утвердить» again.
    response = post_status(director, programme, S.APPROVED, seen=S.DRAFT)

    assert "Статус программы уже изменил кто-то другой: сейчас она — «Утверждена директором»." in text(
        response
    )
    assert Programme.objects.get().status == S.APPROVED


def test_a_stale_return_to_draft_does_not_undo_a_launch(client_as, school):
    programme = ProgrammeFactory(school=school, status=S.APPROVED)
    post_status(client_as(Role.CURATOR, school), programme, S.RUNNING)

    response = post_status(client_as(Role.DIRECTOR, school), programme, S.DRAFT, seen=S.APPROVED)

    assert "уже изменил кто-то другой" in text(response)
    assert Programme.objects.get().status == S.RUNNING


def test_a_programme_with_current_pairs_is_not_completed_and_the_message_counts_them(curator_client, school):
    programme = ProgrammeFactory(school=school, status=S.RUNNING)
    PairFactory(programme=programme, status=Pair.Status.ACTIVE)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    PairFactory(programme=programme, status=Pair.Status.COMPLETED)
    PairFactory(programme=programme, status=Pair.Status.TERMINATED, termination_reason="Переезд")

    response = post_status(curator_client, programme, S.COMPLETED)

    assert "Программу нельзя завершить: в ней ещё 2 пары в работе" in text(response)
    assert Programme.objects.get().status == S.RUNNING


@pytest.mark.parametrize(("count", "word"), [(1, "пара"), (2, "пары"), (5, "пар"), (11, "пар"), (21, "пара")])
def test_pairs_are_counted_in_russian(count, word):
    assert services.pairs_word(count) == word


def test_a_garbled_status_request_changes_nothing(curator_client, school):
    programme = ProgrammeFactory(school=school, status=S.APPROVED)

    response = post_status(curator_client, programme, "launched")

    assert "Не удалось понять, что сделать с программой." in text(response)
    assert Programme.objects.get().status == S.APPROVED


def test_the_status_is_changed_only_by_post(curator_client, school):
    programme = ProgrammeFactory(school=school, status=S.APPROVED)

    response = curator_client.get(
        f"/programmes/{programme.pk}/status/", {"to": S.RUNNING, "seen": S.APPROVED}
    )

    assert response.status_code == 405
    assert Programme.objects.get().status == S.APPROVED


# The card.


def test_the_card_shows_the_programme_as_seed_000_does(curator_client, school):
    template = PROGRAMME_TEMPLATES["teacher_pupil"]
    page = curator_client.get("/programmes/new/", {"form": "teacher_pupil", "sample": "1"})
    curator_client.post("/programmes/new/?form=teacher_pupil&sample=1", page_as_post(page))
    programme = Programme.objects.get()
    PairFactory(programme=programme, status=Pair.Status.ACTIVE)
    PairFactory(programme=programme, status=Pair.Status.ACTIVE)

    page = text(curator_client.get(f"/programmes/{programme.pk}/"))

    for heading in (
        "Цель",
        "Задачи",
        "Ожидаемые результаты",
        "Риски и пути их минимизации",
        "Срок реализации",
    ):
        assert heading in page
    assert f"<li>{template.tasks[1]}</li>" in page
    assert template.risks[1][0] in page
    assert "Саморегулируемое наставничество" in page and "Очный" in page
    assert f"{programme.starts_on:%d.%m.%Y} – {programme.ends_on:%d.%m.%Y}" in page
    assert 'Работает: <span class="fw-semibold">2</span>' in page
    assert "Черновик" in page


def test_the_curator_sees_the_edit_button_of_a_draft_and_the_director_the_approval(client_as, school):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)

    curator_page = client_as(Role.CURATOR, school).get(f"/programmes/{programme.pk}/").text
    director_page = client_as(Role.DIRECTOR, school).get(f"/programmes/{programme.pk}/").text

    assert "Изменить" in curator_page and "Утвердить программу" not in curator_page
    assert "Утвердить программу" in director_page and "Изменить</a>" not in director_page


def test_the_links_to_the_pairs_appear_once_their_pages_exist(curator_client, school):
    running = ProgrammeFactory(school=school, status=S.RUNNING)
    completed = ProgrammeFactory(school=school, status=S.COMPLETED)

    page = curator_client.get(f"/programmes/{running.pk}/").text
    done_page = curator_client.get(f"/programmes/{completed.pk}/").text

    matching_url, pairs_url = url_or_none("matching_start", running.pk), url_or_none("pair_list")
    assert ("Подобрать пары" in page) == bool(matching_url)
    assert "Подобрать пары" not in done_page
    if pairs_url:
        assert f'href="{pairs_url}?programme={running.pk}"' in page
    else:
        assert "Пары и группы программы" not in page


# Who may do what.


@pytest.mark.parametrize("role", READERS)
def test_the_schools_readers_read_the_list_and_the_card(client_as, school, role):
    programme = ProgrammeFactory(school=school)
    client = client_as(role, school)

    assert list(client.get("/programmes/").context["page_obj"]) == [programme]
    assert client.get(f"/programmes/{programme.pk}/").status_code == 200


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.COORDINATOR])
def test_readers_who_only_read_get_no_buttons_and_cannot_change_anything(client_as, school, role):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)
    client = client_as(role, school if role != Role.COORDINATOR else school.department)

    page = client.get(f"/programmes/{programme.pk}/").text

    assert 'method="post"' not in page.split("<main", 1)[1] and "Изменить" not in page
    assert client.get("/programmes/new/").status_code == 403
    assert client.get(f"/programmes/{programme.pk}/edit/").status_code == 404
    assert (
        client.post(f"/programmes/{programme.pk}/status/", {"to": S.APPROVED, "seen": S.DRAFT}).status_code
        == 404
    )
    assert Programme.objects.get().status == S.DRAFT


def test_the_coordinator_reads_every_school_of_the_department_with_a_school_column(client_as, school):
    sibling = SchoolFactory(department=school.department)
    ours = [ProgrammeFactory(school=school), ProgrammeFactory(school=sibling)]
    ProgrammeFactory()  # a school of another department
    client = client_as(Role.COORDINATOR, school.department)

    response = client.get("/programmes/")

    assert set(response.context["page_obj"]) == set(ours)
    assert "Школа" in [column.label for column in response.context["columns"]]
    assert sibling.short_name in text(response)
    assert "Создать программу" not in response.text
    assert list(client.get("/programmes/", {"school": sibling.pk}).context["page_obj"]) == [ours[1]]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_mentors_mentees_and_teachers_get_no_programme_pages(client_as, school, role):
    programme = ProgrammeFactory(school=school, status=S.DRAFT)
    client = client_as(role, school)

    assert client.get("/programmes/").status_code == 403
    assert client.get("/programmes/new/").status_code == 403
    for url in (f"/programmes/{programme.pk}/", f"/programmes/{programme.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/programmes/{programme.pk}/status/", {"to": S.APPROVED, "seen": S.DRAFT}).status_code
        == 404
    )
    assert Programme.objects.get().status == S.DRAFT


@pytest.mark.parametrize("role", [*READERS, *OUTSIDERS, Role.COORDINATOR])
def test_another_schools_programme_is_a_404_for_every_role(client_as, school, other_school, role):
    programme = ProgrammeFactory(school=other_school, status=S.DRAFT, title="Чужая")
    client = client_as(role, school if role != Role.COORDINATOR else school.department)
    before = snapshot()

    for url in (f"/programmes/{programme.pk}/", f"/programmes/{programme.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/programmes/{programme.pk}/edit/", {"title": "Моя"}).status_code == 404
    for to in (S.APPROVED, S.RUNNING):
        response = client.post(f"/programmes/{programme.pk}/status/", {"to": to, "seen": S.DRAFT})
        assert response.status_code == 404
    if role in READERS or role == Role.COORDINATOR:
        assert "Чужая" not in client.get("/programmes/").text
    assert snapshot() == before


def test_a_new_programme_always_goes_to_the_curators_own_school(curator_client, school, other_school):
    curator = curator_client.get("/programmes/").wsgi_request.user

    curator_client.post(
        "/programmes/new/?form=teacher_teacher", programme_form(curator, school=other_school.pk)
    )

    assert Programme.objects.get().school == school


# The card of its mentors and mentees.


def participant(client, pair: Pair, *, as_mentor: bool = False):
    """A client logged in as the pair's mentor, or as a new mentee of the pair, with that role there."""
    user = UserFactory()
    if as_mentor:
        pair.mentor.person.user = user
        pair.mentor.person.save()
    else:
        person = PersonFactory(school=pair.school, user=user)
        pair.members.create(mentee=MenteeEntryFactory(person=person), programme=pair.programme)
    role = Role.MENTOR if as_mentor else Role.MENTEE
    user.memberships.create(organisation=pair.school, role=role)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def running(school):
    """A running programme with its curator and a pair at work."""
    curator = UserFactory(
        last_name="Юдина", first_name="Оксана", patronymic="Сергеевна", email="yudina@school.ru"
    )
    TeacherFactory(school=school, user=curator, position="Заместитель директора", phone="+7 917 559-70-54")
    programme = ProgrammeFactory(
        school=school,
        curator=curator,
        tasks="Повысить мотивацию к учёбе.\nРаскрыть потенциал.",
        expected_results="Рост успеваемости.",
    )
    return PairFactory(programme=programme, role_model=programme.form.role_models.first())


@pytest.mark.parametrize("as_mentor", [True, False], ids=["mentor", "mentee"])
def test_the_mentor_and_the_mentee_read_their_programmes_card_without_the_schools_business(
    client, running, as_mentor
):
    programme = running.programme
    PairFactory(programme=programme, mentor__person__last_name="Чужакова")
    ProgrammeRisk.objects.create(programme=programme, risk="Выгорание наставников")

    response = participant(client, running, as_mentor=as_mentor).get(f"/programmes/{programme.pk}/")

    page = text(response)
    assert response.status_code == 200
    assert response.templates[0].name == "programs/programme_card.html"
    assert programme.title in page and programme.form.name in page
    assert running.role_model.name in page
    assert f"{programme.starts_on:%d.%m.%Y} – {programme.ends_on:%d.%m.%Y}" in page
    assert programme.goal in page and "<li>Раскрыть потенциал.</li>" in page and "Рост успеваемости." in page
    assert "Юдина Оксана Сергеевна, заместитель директора" in page
    assert "+7 917 559-70-54" in page and "yudina@school.ru" in page
    main = page.split("<main", 1)[1]
    assert "Чужакова" not in main and "Выгорание наставников" not in main  # other pairs, the risks
    assert 'method="post"' not in main and f"/programmes/{programme.pk}/" not in main  # no edit, no matching
    assert (
        f"?programme={programme.pk}" not in main and "/monitoring/" not in main and "/documents/" not in main
    )


def test_a_mentee_of_another_pair_of_the_same_programme_reads_the_card_too(client, running):
    other = PairFactory(programme=running.programme)

    assert participant(client, other).get(f"/programmes/{running.programme_id}/").status_code == 200


def test_the_pair_pages_link_to_the_programme_opens_the_card_for_its_mentee(client, running):
    client = participant(client, running)
    link = f'href="/programmes/{running.programme_id}/"'

    assert link in client.get(f"/pairs/{running.pk}/").text
    assert client.get(f"/programmes/{running.programme_id}/").status_code == 200


def test_a_participant_reads_the_card_while_it_works_in_another_school(client, running, other_school):
    client = participant(client, running, as_mentor=True)
    user = running.mentor.person.user
    user.memberships.create(organisation=other_school, role=Role.CURATOR)
    session = client.session
    session["organisation_id"] = other_school.pk
    session.save()

    response = client.get(f"/programmes/{running.programme_id}/")

    assert response.wsgi_request.organisation == other_school
    assert response.status_code == 200 and "programs/programme_card.html" in [
        t.name for t in response.templates
    ]


def test_a_mentee_of_another_programme_gets_a_404(client, running):
    elsewhere = PairFactory(programme=ProgrammeFactory(school=running.school))

    assert participant(client, elsewhere).get(f"/programmes/{running.programme_id}/").status_code == 404


def test_a_participant_of_another_schools_programme_gets_a_404(client, running, other_school):
    theirs = PairFactory(programme=ProgrammeFactory(school=other_school))

    client = participant(client, running, as_mentor=True)

    assert client.get(f"/programmes/{theirs.programme_id}/").status_code == 404
    assert client.get(f"/programmes/{running.programme_id}/").status_code == 200


def test_the_mentor_of_a_pair_still_only_proposed_gets_a_404(client, running):
    running.status = Pair.Status.PROPOSED
    running.save()

    assert (
        participant(client, running, as_mentor=True).get(f"/programmes/{running.programme_id}/").status_code
        == 404
    )


# The list.


def test_the_list_filters_by_status_and_form_and_finds_a_word_of_the_title_in_any_case(
    curator_client, school
):
    teachers = ProgrammeFactory(school=school, status=S.APPROVED, title="Молодой специалист в школе")
    pupils = ProgrammeFactory(
        school=school,
        status=S.DRAFT,
        title="Ученик – ученику",
        form=MentoringForm.objects.get(code="pupil_pupil"),
    )

    def found(**params):
        return list(curator_client.get("/programmes/", params).context["page_obj"])

    assert found(status=S.DRAFT) == [pupils]
    assert found(form=teachers.form.pk) == [teachers]
    assert found(q="МОЛОДОЙ") == [teachers] and found(q="ученику") == [pupils]
    assert found(q="молодой ученик") == []
    assert found(o="status") == [pupils, teachers] and found(o="-status") == [teachers, pupils]


def test_the_list_shows_the_term_the_status_the_curator_and_the_current_pairs(curator_client, school):
    programme = ProgrammeFactory(
        school=school, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 6, 30)
    )
    PairFactory(programme=programme, status=Pair.Status.ACTIVE)
    PairFactory(programme=programme, status=Pair.Status.APPROVED)
    PairFactory(programme=programme, status=Pair.Status.COMPLETED)

    response = curator_client.get("/programmes/")

    assert "01.09.2026 – 30.06.2027" in response.text
    assert "Реализуется" in response.text and "не назначен" in response.text
    assert response.context["page_obj"][0].current_pairs == 2


def test_an_empty_list_tells_the_curator_to_create_a_programme_from_a_sample(client_as, school):
    assert "Программ пока нет — " in text(client_as(Role.CURATOR, school).get("/programmes/"))
    assert "создайте программу по образцу" in text(client_as(Role.CURATOR, school).get("/programmes/"))
    assert "Программы наставничества составляет куратор" in text(
        client_as(Role.DIRECTOR, school).get("/programmes/")
    )


def test_the_list_runs_the_same_queries_for_two_programmes_as_for_twenty(
    client_as, school, make_user, django_assert_max_num_queries
):
    client = client_as(Role.CURATOR, school)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/programmes/").status_code == 200
        return len(captured)

    for _ in range(2):
        PairFactory(programme=ProgrammeFactory(school=school, curator=make_user(Role.CURATOR, school)))
    few = queries()
    for _ in range(18):
        PairFactory(programme=ProgrammeFactory(school=school, curator=make_user(Role.CURATOR, school)))

    assert queries() == few
    with django_assert_max_num_queries(9):
        client.get("/programmes/")
