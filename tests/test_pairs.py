"""Pairs and groups: the list, a pair's page, approval by the director and the lifecycle of a pair."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.models import MenteeEntry, MentorEntry, Role
from pairs import rules, services
from pairs.models import Meeting, Pair, PairMentee, PairStatusChange
from programs.models import RoleModel

from .factories import (
    DepartmentFactory,
    DocumentFactory,
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PlanItemFactory,
    ProgrammeFactory,
    SchoolFactory,
    SignedMentorConsentFactory,
    TeacherFactory,
)

S = Pair.Status
TODAY = timezone.localdate()


def mentee(school, last_name="Соколова", **kwargs) -> MenteeEntry:
    person = TeacherFactory(school=school, last_name=last_name, first_name="Мария", patronymic="Андреевна")
    return MenteeEntryFactory(person=person, school=school, status=MenteeEntry.Status.PAIRED, **kwargs)


BACKEND = "django.contrib.auth.backends.ModelBackend"


def login(client, person, user):
    """Give the person an account and sign it in."""
    person.user = user
    person.save(update_fields=["user"])
    client.force_login(user, backend=BACKEND)
    return user


def rows(response) -> list[str]:
    """The table rows of a list page, as text."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.split(">", 1)[1])).strip()
        for row in body.split("<tr")[1:]
    ]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# The list


def test_it_lists_a_schools_pairs_with_mentors_mentees_programme_and_progress(curator_client, school):
    pair = PairFactory(programme__school=school)
    PlanItemFactory.create_batch(3, pair=pair)
    PlanItemFactory(pair=pair, done_on=datetime.date(2026, 10, 1))
    MeetingFactory.create_batch(2, pair=pair)
    MeetingFactory(pair=pair, status=Meeting.Status.PLANNED)
    PairFactory(programme__school=SchoolFactory())

    response = curator_client.get("/pairs/")

    assert response.status_code == 200
    [row] = rows(response)
    assert "Орлова Елена Викторовна" in row
    assert "Соколова Мария Викторовна" in row
    assert "Программа наставничества «Учитель – учитель»" in row
    assert "Работает" in row
    assert "с 15.09.2026" in row and "до 30.06.2027" in row
    assert "1 из 4" in row
    assert row.endswith("2")


def test_it_shows_every_mentee_of_a_group_and_calls_it_a_group(curator_client, school):
    PairFactory(programme__school=school, mentees=[mentee(school, "Белова"), mentee(school, "Зайцева")])

    [row] = rows(curator_client.get("/pairs/"))

    assert "Белова Мария Андреевна" in row and "Зайцева Мария Андреевна" in row
    assert "группа" in row


def test_it_filters_the_list_by_programme_status_form_and_a_name(curator_client, school):
    first = PairFactory(programme__school=school, mentees=[mentee(school, "Белова")])
    second = PairFactory(programme__school=school, status=S.PROPOSED, mentees=[mentee(school, "Зайцева")])

    by_programme = rows(curator_client.get("/pairs/", {"programme": first.programme_id}))
    by_status = rows(curator_client.get("/pairs/", {"status": "proposed"}))
    by_name = rows(curator_client.get("/pairs/", {"q": "зайцева мария"}))
    by_form = rows(curator_client.get("/pairs/", {"form": second.programme.form_id}))

    assert len(by_programme) == 1 and "Белова" in by_programme[0]
    assert len(by_status) == 1 and "Зайцева" in by_status[0]
    assert len(by_name) == 1 and "Зайцева" in by_name[0]
    assert len(by_form) == 2


def test_it_finds_a_pair_by_its_mentors_name(curator_client, school):
    PairFactory(programme__school=school, mentor__person__last_name="Гордеева")
    PairFactory(programme__school=school)

    found = rows(curator_client.get("/pairs/", {"q": "Гордеева"}))

    assert len(found) == 1 and "Гордеева" in found[0]


def test_it_offers_only_the_schools_own_programmes_in_the_filter(curator_client, school):
    own = PairFactory(programme__school=school).programme
    foreign = PairFactory(programme__school=SchoolFactory()).programme

    response = curator_client.get("/pairs/")

    choices = list(response.context["filter"].form.fields["programme"].queryset)
    assert choices == [own]
    assert foreign not in choices
    refused = curator_client.get("/pairs/", {"programme": foreign.pk})
    assert "programme" in refused.context["filter"].form.errors


def test_it_exports_what_the_filters_found(curator_client, school):
    PairFactory(programme__school=school, mentees=[mentee(school, "Белова")])
    PairFactory(programme__school=school, status=S.PROPOSED, mentees=[mentee(school, "Зайцева")])

    response = curator_client.get("/pairs/", {"status": "proposed", "format": "csv"})

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Наставник;Наставляемые" in text
    assert "Зайцева Мария Андреевна" in text and "Белова" not in text


def test_it_shows_a_coordinator_the_departments_pairs_read_only_with_the_school(client_as):
    department = DepartmentFactory(named_lists_for_coordinator=True)
    first, second = SchoolFactory(department=department), SchoolFactory(department=department)
    PairFactory(programme__school=first)
    PairFactory(programme__school=second, status=S.PROPOSED)
    PairFactory(programme__school=SchoolFactory())
    client = client_as(Role.COORDINATOR, department)

    response = client.get("/pairs/")

    found = rows(response)
    assert len(found) == 2
    assert any(first.short_name in row for row in found) and any(second.short_name in row for row in found)
    assert 'name="pair"' not in response.content.decode()
    assert set(response.context["filter"].form.fields["school"].queryset) == {first, second}


def test_it_shows_a_mentor_only_its_own_pairs(client, make_user, school):
    own = PairFactory(programme__school=school, mentor__person__last_name="Гордеева")
    PairFactory(programme__school=school)
    login(client, own.mentor.person, make_user(Role.MENTOR, school))

    found = rows(client.get("/pairs/"))

    assert len(found) == 1 and "Гордеева" in found[0]


def test_it_shows_a_mentee_its_own_pair_and_a_teacher_none(client, make_user, school):
    own = PairFactory(programme__school=school)
    PairFactory(programme__school=school)
    login(client, own.members.get().mentee.person, make_user(Role.MENTEE, school))

    assert len(rows(client.get("/pairs/"))) == 1

    client.force_login(make_user(Role.TEACHER, school), backend=BACKEND)
    response = client.get("/pairs/")
    assert "Вы пока не состоите ни в одной наставнической паре" in response.content.decode()


# Session, user, memberships, the programmes and forms of the filters, the page with the count of all its
# rows, its mentees.
LIST_QUERIES = 7


@pytest.mark.parametrize("per_page", [20, 100])
def test_it_runs_a_fixed_number_of_queries_for_the_list(
    client_as, school, django_assert_num_queries, per_page
):
    programme = ProgrammeFactory(school=school)
    for index in range(60):
        mentees = [mentee(school, f"Белова{index}"), mentee(school, f"Зайцева{index}")] if index % 2 else None
        pair = PairFactory(programme=programme, mentees=mentees)
        PlanItemFactory(pair=pair)
        MeetingFactory(pair=pair)
    client = client_as(Role.DIRECTOR, school)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/pairs/", {"per_page": per_page})

    assert len(rows(response)) == min(per_page, 60)


# Approval by the director


ORDER_FORM = "/documents/new/order_pairs/"


def test_the_directors_bulk_action_opens_the_pairs_order_with_the_ticked_pairs(client_as, school):
    proposed = PairFactory(programme__school=school, status=S.PROPOSED)
    without_order = PairFactory(programme__school=school, status=S.APPROVED, started_on=None)
    ordered = PairFactory(programme__school=school, status=S.APPROVED, started_on=None)
    Pair.objects.filter(pk=ordered.pk).update(order=DocumentFactory(school=school))
    client = client_as(Role.DIRECTOR, school)

    listing = client.get("/pairs/").content.decode()
    form = client.get(ORDER_FORM, {"pairs": [proposed.pk, without_order.pk]}).content.decode()

    assert f'<form method="get" action="{ORDER_FORM}">' in listing
    assert "Утвердить выбранные приказом" in listing
    ticked = set(re.findall(r'name="pairs" value="(\d+)"', listing))
    assert ticked == {str(proposed.pk), str(without_order.pk)}, "the ordered pair is not offered again"
    checked = set(re.findall(r'name="pairs" value="(\d+)"[^>]*checked', form))
    assert checked == {str(proposed.pk), str(without_order.pk)}
    assert "утверждена без приказа" in form
    assert Pair.objects.get(pk=proposed.pk).status == S.PROPOSED, "opening the order approves nothing"


def test_a_pair_approved_without_an_order_says_so_in_the_list_and_on_its_page(curator_client, school):
    without_order = PairFactory(programme__school=school, status=S.ACTIVE)
    ordered = PairFactory(programme__school=school, status=S.ACTIVE)
    order = DocumentFactory(school=school, number="7-о", date=datetime.date(2026, 9, 10))
    Pair.objects.filter(pk=ordered.pk).update(order=order)

    listing = curator_client.get("/pairs/").content.decode()
    own_page = curator_client.get(f"/pairs/{without_order.pk}/").content.decode()
    ordered_page = curator_client.get(f"/pairs/{ordered.pk}/").content.decode()

    assert listing.count(">без приказа</span>") == 1
    assert ">без приказа</span>" in own_page
    assert ">без приказа</span>" not in ordered_page and "от 10.09.2026 № 7-о" in ordered_page


def test_only_the_director_sees_the_approval_checkboxes(curator_client, school):
    PairFactory(programme__school=school, status=S.PROPOSED)

    listing = curator_client.get("/pairs/").content.decode()

    assert 'name="pairs"' not in listing and "Утвердить выбранные" not in listing


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR])
def test_no_one_but_the_director_approves_pairs(client_as, school, role):
    pair = PairFactory(programme__school=school, status=S.PROPOSED)

    response = client_as(role, school).post(ORDER_FORM, {"date": "2026-11-23", "pairs": [pair.pk]})

    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.status == S.PROPOSED


# A pair's page


def test_the_pair_page_shows_the_header_the_plan_the_meetings_and_the_history(client_as, school, make_user):
    pair = PairFactory(programme__school=school)
    PlanItemFactory(
        pair=pair,
        activity="Посещение уроков",
        risks="Нехватка времени у наставника",
        due_on=TODAY - datetime.timedelta(days=1),
    )
    PlanItemFactory(
        pair=pair, activity="Открытый урок", done_on=datetime.date(2026, 10, 1), done_note="Провела"
    )
    meeting = MeetingFactory(
        pair=pair, topic="Разбор урока", outcome="Составили план", next_step="Открытый урок"
    )
    meeting.present.set(pair.members.values_list("mentee", flat=True))
    MeetingFactory(
        pair=pair, status=Meeting.Status.PLANNED, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    services.pair_change_status(
        pair=pair, to=S.TERMINATED, by=make_user(Role.CURATOR, school), note="Наставляемая уволилась"
    )

    text = re.sub(r"\s+", " ", client_as(Role.CURATOR, school).get(f"/pairs/{pair.pk}/").content.decode())

    assert "Орлова Елена Викторовна" in text and "Соколова Мария Викторовна" in text
    assert "Программа наставничества «Учитель – учитель»" in text
    assert "Выполнено 1 из 2" in text
    assert "просрочено" in text
    assert "Возможные риски при реализации программы" in text and "Нехватка времени у наставника" in text
    assert "Отметка о выполнении" in text
    assert "Разбор урока" in text and "Составили план" in text
    assert "присутствовали 1 из 1" in text and "запланирована" in text and "проведена" in text
    assert "Работает" in text and "Прекращена" in text and "Наставляемая уволилась" in text


def test_the_pair_page_explains_the_proposal_in_russian_to_those_who_read_the_bases(client_as, school):
    role_model = RoleModel.objects.get(name="«Опытный педагог – молодой специалист»")
    pair = PairFactory(programme__school=school, status=S.PROPOSED, role_model=role_model)
    member = pair.members.get()
    pair.explanation = {
        str(member.mentee_id): {"score": 550, "subjects": 100, "preferences": 150, "role_model": 300}
    }
    pair.save()

    text = client_as(Role.PSYCHOLOGIST, school).get(f"/pairs/{pair.pk}/").content.decode()

    assert "Почему предложена" in text
    assert 'Итого баллов: <span class="fw-semibold">550</span>' in text
    assert "Общие предметы" in text and "Взаимный выбор после групповой встречи" in text
    assert "Ролевая модель «Опытный педагог – молодой специалист»" in text
    assert "preferences" not in text


def test_a_mentor_does_not_see_the_scores_its_mentees_were_matched_by(client, make_user, school):
    pair = PairFactory(programme__school=school)
    pair.explanation = {str(pair.members.get().mentee_id): {"score": 100, "subjects": 100}}
    pair.save()
    login(client, pair.mentor.person, make_user(Role.MENTOR, school))

    text = client.get(f"/pairs/{pair.pk}/").content.decode()

    assert "Почему предложена" not in text and "Общие предметы" not in text


# Session, user, memberships; the pair, its mentees, plan, meetings, who attended them, history; the user's
# powers (curator, director, plan and meetings, reads the bases); the mentees' questionnaires; the
# teacher-mentor's consent and agreement.
DETAIL_QUERIES = 14


@pytest.mark.parametrize("size", [1, 12])
def test_the_pair_page_runs_a_fixed_number_of_queries(
    curator_client, school, django_assert_num_queries, size
):
    mentees = [mentee(school, f"Белова{i}") for i in range(3)]
    pair = PairFactory(programme__school=school, mentees=mentees)
    pair.explanation = {str(entry.pk): {"score": 100, "subjects": 100} for entry in mentees}
    pair.save()
    for _ in range(size):
        PlanItemFactory(pair=pair, done_on=datetime.date(2026, 10, 1))
        meeting = MeetingFactory(pair=pair)
        meeting.present.set(pair.members.values_list("mentee", flat=True)[:2])
        PairStatusChange.objects.create(pair=pair, from_status=S.APPROVED, to_status=S.ACTIVE)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = curator_client.get(f"/pairs/{pair.pk}/")

    assert response.content.decode().count("присутствовали 2 из 3") == size
    assert response.content.decode().count("Общие предметы") == 3


# Status actions on the pair's page


def test_the_director_sees_approve_and_the_curator_sees_start_and_terminate(client_as, school):
    pair = SignedMentorConsentFactory(pair__programme__school=school).pair

    curator_page = client_as(Role.CURATOR, school).get(f"/pairs/{pair.pk}/").content.decode()
    director_page = (
        client_as(Role.DIRECTOR, school)
        .get(f"/pairs/{PairFactory(programme__school=school, status=S.PROPOSED).pk}/")
        .content.decode()
    )

    assert "Начать работу" in curator_page and "Прекратить" in curator_page
    assert "Завершить" not in curator_page and "Утвердить" not in curator_page
    # The director approves through the pairs order, with this pair chosen.
    assert re.search(r'href="/documents/new/order_pairs/\?pairs=\d+">Утвердить приказом<', director_page)
    assert "Начать работу" not in director_page


def test_the_curator_starts_and_completes_a_pair_with_dates(curator_client, school):
    pair = SignedMentorConsentFactory(pair__programme__school=school).pair

    curator_client.post(
        f"/pairs/{pair.pk}/status/", {"to": "active", "active-shown": "approved", "active-on": "2026-10-01"}
    )
    pair.refresh_from_db()
    assert (pair.status, pair.started_on) == (S.ACTIVE, datetime.date(2026, 10, 1))

    response = curator_client.post(
        f"/pairs/{pair.pk}/status/",
        {
            "to": "completed",
            "completed-shown": "active",
            "completed-on": TODAY.isoformat(),
            "completed-note": "Итог",
        },
        follow=True,
    )
    pair.refresh_from_db()
    assert (pair.status, pair.ended_on) == (S.COMPLETED, TODAY)
    assert "Статус пары изменён: «Завершена»." in messages_of(response)
    assert pair.status_changes.last().note == "Итог"


def test_terminating_without_a_reason_shows_the_error_and_changes_nothing(curator_client, school):
    pair = PairFactory(programme__school=school)

    response = curator_client.post(
        f"/pairs/{pair.pk}/status/",
        {
            "to": "terminated",
            "terminated-shown": "active",
            "terminated-on": "2026-11-01",
            "terminated-note": " ",
        },
    )

    assert response.status_code == 200
    assert "Укажите причину прекращения работы пары." in response.content.decode()
    assert 'value="2026-11-01"' in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == S.ACTIVE


def test_a_stale_or_repeated_status_form_gets_a_message_and_changes_nothing(curator_client, school):
    pair = PairFactory(programme__school=school)
    form = {"to": "terminated", "terminated-shown": "active", "terminated-on": "2026-11-01"}
    curator_client.post(f"/pairs/{pair.pk}/status/", {**form, "terminated-note": "Переезд"})

    repeated = curator_client.post(
        f"/pairs/{pair.pk}/status/", {**form, "terminated-note": "Другая"}, follow=True
    )
    stale = curator_client.post(
        f"/pairs/{pair.pk}/status/",
        {"to": "completed", "completed-shown": "active", "completed-on": "2026-11-01"},
        follow=True,
    )

    for response in (repeated, stale):
        assert any(
            "Статус пары уже изменён: сейчас она в статусе «Прекращена»" in m for m in messages_of(response)
        )
    pair.refresh_from_db()
    assert (pair.status, pair.termination_reason) == (S.TERMINATED, "Переезд")
    assert pair.status_changes.count() == 1


def test_a_curator_cannot_approve_and_a_director_cannot_start_a_pair(client_as, school):
    pair = PairFactory(programme__school=school, status=S.PROPOSED, started_on=None)

    as_curator = client_as(Role.CURATOR, school).post(
        f"/pairs/{pair.pk}/status/", {"to": "approved", "approved-shown": "proposed"}
    )
    pair.status = S.APPROVED
    pair.save()
    as_director = client_as(Role.DIRECTOR, school).post(
        f"/pairs/{pair.pk}/status/", {"to": "active", "active-shown": "approved", "active-on": "2026-10-01"}
    )

    # The director approves by the pairs order: the pair's status steps are the curator's alone.
    assert as_curator.status_code == 403 and as_director.status_code == 404
    pair.refresh_from_db()
    assert pair.status == S.APPROVED


def test_a_start_date_in_the_future_is_refused(curator_client, school):
    pair = PairFactory(programme__school=school, status=S.APPROVED, started_on=None)
    tomorrow = TODAY + datetime.timedelta(days=1)

    response = curator_client.post(
        f"/pairs/{pair.pk}/status/",
        {"to": "active", "active-shown": "approved", "active-on": tomorrow.isoformat()},
        follow=True,
    )

    assert "Дата не может быть в будущем." in messages_of(response)
    pair.refresh_from_db()
    assert pair.status == S.APPROVED


# The lifecycle services


def test_a_pair_goes_from_proposed_to_completed_and_every_step_is_recorded(make_user, school):
    curator = make_user(Role.CURATOR, school)
    pair = SignedMentorConsentFactory(pair__programme__school=school, pair__status=S.PROPOSED).pair

    for to in (S.APPROVED, S.ACTIVE, S.COMPLETED):
        pair = services.pair_change_status(pair=pair, to=to, by=curator)

    changes = list(pair.status_changes.values_list("from_status", "to_status", "changed_by"))
    assert changes == [
        (S.PROPOSED, S.APPROVED, curator.pk),
        (S.APPROVED, S.ACTIVE, curator.pk),
        (S.ACTIVE, S.COMPLETED, curator.pk),
    ]
    assert pair.started_on == pair.ended_on == TODAY
    assert MentorEntry.objects.get(pk=pair.mentor_id).status == MentorEntry.Status.ACTIVE


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (S.PROPOSED, S.ACTIVE),
        (S.PROPOSED, S.COMPLETED),
        (S.APPROVED, S.COMPLETED),
        (S.COMPLETED, S.ACTIVE),
        (S.TERMINATED, S.APPROVED),
        (S.ACTIVE, S.APPROVED),
    ],
)
def test_a_pair_never_skips_or_reverses_a_step(make_user, school, status, to):
    pair = PairFactory(programme__school=school, status=status, termination_reason="Причина")

    with pytest.raises(ValidationError, match="перевести её в"):
        services.pair_change_status(pair=pair, to=to, by=make_user(Role.CURATOR, school), note="x")

    pair.refresh_from_db()
    assert pair.status == status


def test_terminating_needs_a_reason(make_user, school):
    pair = PairFactory(programme__school=school)

    with pytest.raises(ValidationError, match="Укажите причину прекращения"):
        services.pair_change_status(pair=pair, to=S.TERMINATED, by=make_user(Role.CURATOR, school), note="  ")


def test_a_start_on_or_after_the_planned_end_is_refused(make_user, school):
    pair = SignedMentorConsentFactory(pair__programme__school=school, pair__ends_on=TODAY).pair

    with pytest.raises(ValidationError, match="раньше окончания работы пары"):
        services.pair_change_status(pair=pair, to=S.ACTIVE, by=make_user(Role.CURATOR, school))


@pytest.mark.parametrize(
    ("to", "mentee_status"),
    [(S.COMPLETED, MenteeEntry.Status.COMPLETED), (S.TERMINATED, MenteeEntry.Status.WAITING)],
)
def test_ending_a_pair_frees_the_mentees_and_the_mentors_place(make_user, school, to, mentee_status):
    mentor = MentorEntryFactory(person=TeacherFactory(school=school), capacity=1)
    pair = PairFactory(programme__school=school, mentor=mentor)
    member = pair.members.get()

    assert rules.mentor_candidates(MentorEntry.objects.filter(pk=mentor.pk))[mentor.pk].capacity_left == 0
    services.pair_change_status(pair=pair, to=to, by=make_user(Role.CURATOR, school), note="Причина")

    member.refresh_from_db()
    assert not member.is_current
    assert MenteeEntry.objects.get(pk=member.mentee_id).status == mentee_status
    assert rules.mentor_candidates(MentorEntry.objects.filter(pk=mentor.pk))[mentor.pk].capacity_left == 1


def test_ending_one_pair_keeps_a_mentee_paired_in_another_programme(make_user, school):
    shared = mentee(school)
    ending = PairFactory(programme__school=school, mentees=[shared])
    PairFactory(programme__school=school, mentees=[shared])

    services.pair_change_status(pair=ending, to=S.COMPLETED, by=make_user(Role.CURATOR, school))

    shared.refresh_from_db()
    assert shared.status == MenteeEntry.Status.PAIRED


def test_ending_a_pair_leaves_a_mentee_who_left_the_base_as_left(make_user, school):
    gone = mentee(school)
    pair = PairFactory(programme__school=school, mentees=[gone])
    MenteeEntry.objects.filter(pk=gone.pk).update(status=MenteeEntry.Status.LEFT)

    services.pair_change_status(pair=pair, to=S.TERMINATED, by=make_user(Role.CURATOR, school), note="Выбыла")

    gone.refresh_from_db()
    assert gone.status == MenteeEntry.Status.LEFT


def test_the_database_refuses_a_mentee_in_two_current_pairs_of_one_programme(school):
    programme = ProgrammeFactory(school=school)
    shared = mentee(school)
    PairFactory(programme=programme, mentees=[shared])

    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(programme=programme, mentees=[shared])


def test_the_database_lets_a_mentee_into_a_new_pair_once_the_old_one_ended(make_user, school):
    programme = ProgrammeFactory(school=school)
    shared = mentee(school)
    old = PairFactory(programme=programme, mentees=[shared])
    services.pair_change_status(pair=old, to=S.TERMINATED, by=make_user(Role.CURATOR, school), note="Замена")

    PairFactory(programme=programme, mentees=[shared])

    assert PairMentee.objects.filter(mentee=shared, programme=programme, is_current=True).count() == 1


def test_the_admin_shows_pairs_meetings_proposals_and_preferences(client, school, admin_user):
    pair = PairFactory(programme__school=school, explanation={"1": {"score": 100}})
    MeetingFactory(pair=pair)
    client.force_login(admin_user)

    change = client.get(f"/admin/pairs/pair/{pair.pk}/change/")

    assert change.status_code == 200
    assert "Соколова Мария Викторовна" in change.content.decode()
    for url in (
        "/admin/pairs/pair/",
        "/admin/pairs/meeting/",
        "/admin/pairs/proposal/",
        "/admin/pairs/preference/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/pairs/pair/add/").status_code == 403


def test_a_mentee_of_a_pair_at_work_is_not_archived(client_as, school):
    pair = PairFactory(programme__school=school)
    entry = pair.members.get().mentee
    client = client_as(Role.CURATOR, school)

    response = client.post(f"/mentees/{entry.pk}/archive/", follow=True)
    person_response = client.post(f"/people/{entry.person_id}/archive/", follow=True)

    entry.refresh_from_db()
    entry.person.refresh_from_db()
    assert entry.archived_at is None and entry.person.archived_at is None
    assert "сначала завершите или прекратите её работу" in response.content.decode()
    assert "сначала завершите или прекратите её работу" in person_response.content.decode()


def test_a_mentor_is_archived_once_its_pairs_have_ended(client_as, school):
    pair = PairFactory(programme__school=school)
    client = client_as(Role.CURATOR, school)
    client.post(f"/mentors/{pair.mentor_id}/archive/")
    pair.mentor.refresh_from_db()
    assert pair.mentor.archived_at is None

    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.COMPLETED)
    client.post(f"/mentors/{pair.mentor_id}/archive/")

    pair.mentor.refresh_from_db()
    assert pair.mentor.archived_at is not None
