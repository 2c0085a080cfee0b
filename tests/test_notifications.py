"""Notifications: «Требует внимания» on each home, the reminders job (idempotent, batched, never half-sent),
e-mail preferences and the unsubscribe link."""

import datetime
import re
from smtplib import SMTPException

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core import mail, signing
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import notifications
from mentoring.academic_year import AcademicYear
from mentoring.access import SESSION_KEY as ORGANISATION_KEY
from mentoring.models import Document, MailOptOut, Membership, Notification, Role
from monitoring.models import Survey
from monitoring.surveys import surveys_close_due
from pairs.models import Meeting, Pair
from programs.models import Programme
from roadmap.models import Activity, Recommendation, Roadmap, Stage

from .factories import (
    DepartmentFactory,
    DocumentFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    PlanItemFactory,
    ProgrammeFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
    UserFactory,
)

Kind = Notification.Kind
TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def person_of(user, school, role):
    MembershipFactory(user=user, organisation=school, role=role)
    return user


def with_role(role: str, school, email: str = "") -> object:
    return person_of(UserFactory(email=email), school, role)


def home_texts(client, user) -> list[str]:
    client.force_login(user)
    return [notice.text for notice in client.get("/").context["attention"]]


def activity(school, ends_in_days: int) -> Activity:
    roadmap = Roadmap.objects.create(
        organisation=school,
        title="Дорожная карта",
        year=2026,
        starts_on=TODAY - datetime.timedelta(days=90),
        ends_on=TODAY + datetime.timedelta(days=200),
    )
    stage = Stage.objects.create(roadmap=roadmap, order=1, title="Подготовка условий")
    return Activity.objects.create(
        stage=stage,
        order=1,
        title="Сформировать базу наставников",
        starts_on=TODAY - datetime.timedelta(days=60),
        ends_on=TODAY + datetime.timedelta(days=ends_in_days),
    )


def mentor_pair(school, user, **kwargs) -> Pair:
    pair = PairFactory(programme__school=school, **kwargs)
    pair.mentor.person.user = user
    pair.mentor.person.save()
    return pair


# What waits for each role


def test_the_director_sees_pairs_and_programmes_waiting_for_approval_and_documents_ready(client):
    school = SchoolFactory()
    director = with_role(Role.DIRECTOR, school)
    programme = ProgrammeFactory(school=school, status=Programme.Status.DRAFT, title="Программа «Старт»")
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    document = DocumentFactory(
        school=school, requested_by=director, status=Document.Status.READY, file="a.pdf"
    )
    Document.objects.filter(pk=document.pk).update(rendered_at=timezone.now())

    texts = home_texts(client, director)

    assert "2 пары или группы ждут утверждения приказом." in texts
    assert "Ждёт утверждения программа: Программа «Старт»." in texts
    assert any(t.startswith("Документ сформирован:") for t in texts)


def test_the_director_does_not_see_another_schools_pairs(client):
    school, other = SchoolFactory(), SchoolFactory()
    director = with_role(Role.DIRECTOR, school)
    PairFactory(programme__school=other, status=Pair.Status.PROPOSED)
    ProgrammeFactory(school=other, status=Programme.Status.DRAFT)

    assert home_texts(client, director) == []


def test_the_curator_sees_pairs_at_risk_surveys_with_few_answers_and_activities_due(client):
    school = SchoolFactory()
    curator = with_role(Role.CURATOR, school)
    pair = PairFactory(programme__school=school, started_on=TODAY - datetime.timedelta(days=200))
    MeetingFactory(pair=pair, starts_at=timezone.now() - datetime.timedelta(days=90))
    survey = SurveyFactory(
        questionnaire__school=school, title="Обратная связь", closes_on=TODAY + datetime.timedelta(days=2)
    )
    for _ in range(3):
        InvitationFactory(survey=survey)
    activity(school, ends_in_days=5)
    activity(school, ends_in_days=-3)
    activity(school, ends_in_days=30)

    texts = home_texts(client, curator)

    assert any(t.startswith("Пара под угрозой:") for t in texts)
    assert any("«Обратная связь» заканчивается" in t and "ответили 0 из 3 (0 %)" in t for t in texts)
    assert sum("Подходит срок мероприятие" in t for t in texts) == 1
    assert sum("Просрочено мероприятие" in t for t in texts) == 1


def test_the_sources_of_one_home_read_the_users_memberships_once(db):
    school = SchoolFactory()
    user = with_role(Role.CURATOR, school)
    person_of(user, school, Role.DIRECTOR)
    activity(school, ends_in_days=5)
    Recommendation.objects.create(school=school, year=AcademicYear.current().start_year, text="Текст.")
    memberships = Membership.objects.filter(user=user, organisation=school)

    with CaptureQueriesContext(connection) as queries:
        notices = list(notifications.collected(memberships, TODAY))

    read_alone = [q for q in queries if q["sql"].split(" FROM ")[1].startswith('"mentoring_membership"')]
    assert len(read_alone) == 1
    assert sorted(n.kind for n in notices) == [Kind.ACTIVITY_DUE, Kind.RECOMMENDATION_NEW]


def test_a_home_asks_its_notices_with_the_memberships_its_request_read(client):
    school = SchoolFactory()
    user = with_role(Role.CURATOR, school)
    person_of(user, school, Role.DIRECTOR)
    activity(school, ends_in_days=5)
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    read_alone = [q for q in queries if q["sql"].split(" FROM ")[1].startswith('"mentoring_membership"')]
    assert len(read_alone) == 1
    assert [n.kind for n in response.context["attention"]] == [Kind.ACTIVITY_DUE]


def test_a_home_tells_only_of_the_organisation_the_user_works_in_now(client):
    here, there = SchoolFactory(), SchoolFactory()
    user = with_role(Role.CURATOR, here)
    person_of(user, there, Role.CURATOR)
    activity(there, ends_in_days=5)
    client.force_login(user)
    session = client.session
    session[ORGANISATION_KEY] = here.pk
    session.save()

    assert [n.text for n in client.get("/").context["attention"]] == []
    client.post(reverse("switch_organisation"), {"organisation": there.pk})
    assert [n.kind for n in client.get("/").context["attention"]] == [Kind.ACTIVITY_DUE]


def test_a_survey_most_have_answered_does_not_bother_the_curator(client):
    school = SchoolFactory()
    curator = with_role(Role.CURATOR, school)
    survey = SurveyFactory(questionnaire__school=school, closes_on=TODAY + datetime.timedelta(days=2))
    ResponseFactory(invitation=InvitationFactory(survey=survey))

    assert home_texts(client, curator) == []


def test_the_mentor_sees_a_meeting_tomorrow_a_plan_item_due_and_a_long_silence(client):
    school = SchoolFactory()
    mentor = with_role(Role.MENTOR, school)
    pair = mentor_pair(school, mentor, started_on=TODAY - datetime.timedelta(days=100))
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(TODAY + datetime.timedelta(days=1), datetime.time(15))
    )
    MeetingFactory(pair=pair, status=Meeting.Status.PLANNED, starts_at=tomorrow, topic="Разбор урока")
    PlanItemFactory(pair=pair, activity="Открытый урок", due_on=TODAY + datetime.timedelta(days=2))

    texts = home_texts(client, mentor)

    assert "Завтра в 15:00 встреча «Разбор урока»." in texts
    assert any(t.startswith("Подходит срок пункт плана «Открытый урок»") for t in texts)
    assert any("у пары не отмечено ни одной встречи" in t for t in texts)


@pytest.mark.parametrize("role", [Role.MENTEE, Role.TEACHER, Role.PSYCHOLOGIST, Role.MENTOR])
def test_a_respondent_sees_the_waiting_questionnaire_and_its_closing_date(client, role):
    school = SchoolFactory()
    user = with_role(role, school)
    invitation = InvitationFactory(survey__questionnaire__school=school, survey__title="Анкета наставляемого")
    invitation.person.user = user
    invitation.person.save()

    closes = f"{invitation.survey.closes_on:%d.%m.%Y}"
    assert home_texts(client, user) == [
        f"Ждёт ваших ответов анкета «Анкета наставляемого»: заполните её до {closes}."
    ]


def test_a_home_reads_the_users_own_invitations_once_for_its_surveys_and_its_notice(client):
    school = SchoolFactory()
    user = with_role(Role.MENTOR, school)
    waiting = InvitationFactory(survey__questionnaire__school=school, person__user=user)
    sent = ResponseFactory(
        invitation__survey__questionnaire__school=school, invitation__person=waiting.person
    )
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    read = [q for q in queries if q["sql"].split(" FROM ")[1].startswith('"monitoring_invitation"')]
    assert len(read) == 1
    surveys = response.context["my_surveys"]
    assert (surveys.waiting, surveys.submitted) == ([waiting], [sent.invitation])
    assert [n.url for n in response.context["attention"]] == [reverse("respond", args=[waiting.survey_id])]


def test_a_sent_questionnaire_waits_no_more(client):
    school = SchoolFactory()
    user = with_role(Role.MENTEE, school)
    response = ResponseFactory(invitation__survey__questionnaire__school=school)
    response.invitation.person.user = user
    response.invitation.person.save()

    assert home_texts(client, user) == []


def test_the_coordinator_sees_its_schools_with_overdue_activities(client):
    department = DepartmentFactory()
    school = SchoolFactory(department=department, short_name="СОШ № 7")
    coordinator = with_role(Role.COORDINATOR, department)
    activity(school, ends_in_days=-2)
    activity(SchoolFactory(), ends_in_days=-2)  # another department's school

    assert home_texts(client, coordinator) == ["СОШ № 7: 1 просроченное мероприятие дорожной карты."]


def stage_2_notices(coordinator, today: datetime.date) -> list[str]:
    notices = notifications.collected(coordinator.memberships.all(), today, {Role.COORDINATOR})
    return [n.text for n in notices if n.kind == Kind.SCHOOL_NO_STAGE_2]


def stage_2_answered(school, phase: str, on: datetime.date) -> None:
    programme = ProgrammeFactory(school=school, status=Programme.Status.RUNNING)
    survey = SurveyFactory(
        questionnaire__school=school, programme=programme, phase=phase, opens_on=on, closes_on=on
    )
    ResponseFactory(invitation__survey=survey)


def test_as_the_year_ends_the_coordinator_hears_of_its_schools_without_exit_answers_this_year(db):
    department = DepartmentFactory()
    coordinator = with_role(Role.COORDINATOR, department)
    ProgrammeFactory(school=SchoolFactory(department=department, short_name="СОШ № 1"))
    only_entry = SchoolFactory(department=department, short_name="СОШ № 2")
    stage_2_answered(only_entry, Survey.Phase.ENTRY, datetime.date(2026, 10, 1))
    last_year = SchoolFactory(department=department, short_name="СОШ № 3")
    stage_2_answered(last_year, Survey.Phase.EXIT, datetime.date(2026, 5, 10))
    answered = SchoolFactory(department=department, short_name="СОШ № 4")
    stage_2_answered(answered, Survey.Phase.EXIT, datetime.date(2027, 5, 10))
    draft_only = SchoolFactory(department=department, short_name="СОШ № 5")
    ProgrammeFactory(school=draft_only, status=Programme.Status.DRAFT)
    ProgrammeFactory(school=SchoolFactory())  # another department's

    texts = stage_2_notices(coordinator, datetime.date(2027, 6, 1))

    assert texts == [
        f"СОШ № {n}: нет данных этапа 2 мониторинга (анкет по итогам программы) за 2026/2027 учебный год, "
        "а до его конца меньше 16 недель."
        for n in (1, 2, 3)
    ]


def test_months_before_the_year_ends_no_school_is_told_of_for_stage_2(db):
    department = DepartmentFactory()
    coordinator = with_role(Role.COORDINATOR, department)
    ProgrammeFactory(school=SchoolFactory(department=department))

    assert stage_2_notices(coordinator, datetime.date(2027, 5, 1)) == []
    assert len(stage_2_notices(coordinator, datetime.date(2027, 5, 12))) == 1


def test_a_school_without_stage_2_is_mailed_to_the_coordinator_once_a_year(db):
    department = DepartmentFactory()
    coordinator = with_role(Role.COORDINATOR, department, email="coordinator@uo.ru")
    ProgrammeFactory(school=SchoolFactory(department=department))

    notifications.reminders_send(today=datetime.date(2027, 6, 1))
    notifications.reminders_send(today=datetime.date(2027, 6, 2))

    assert [m.subject.split(" — ")[0] for m in mail.outbox] == ["Нет данных этапа 2 мониторинга"]
    assert Notification.objects.get(user=coordinator).key.endswith(":2026")


def test_a_hidden_notice_leaves_the_home_and_another_users_key_is_refused(client):
    school = SchoolFactory()
    director = with_role(Role.DIRECTOR, school)
    ProgrammeFactory(school=school, status=Programme.Status.DRAFT)
    client.force_login(director)
    key = client.get("/").context["attention"][0].key

    assert client.post("/notifications/hide/", {"key": "programme_to_approve:999999"}).status_code == 404
    client.post("/notifications/hide/", {"key": key})

    assert client.get("/").context["attention"] == []
    assert Notification.objects.get(user=director, key=key).read_at is not None


# The reminders job


@pytest.fixture
def waiting(db):
    """A school whose director (with an address) has a programme and a pair to approve."""
    school = SchoolFactory(full_name="Муниципальное бюджетное общеобразовательное учреждение «СОШ № 5»")
    director = with_role(Role.DIRECTOR, school, email="director@school5.ru")
    programme = ProgrammeFactory(school=school, status=Programme.Status.DRAFT)
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    return director


def test_two_runs_make_one_notification_and_one_letter_per_event(waiting):
    first = notifications.reminders_send()
    second = notifications.reminders_send()

    assert (first.created, second.created) == (2, 0)
    assert Notification.objects.filter(user=waiting).count() == 2
    assert len(mail.outbox) == 2  # one letter per kind
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()


def test_a_new_event_of_the_same_kind_is_a_new_notification(waiting):
    notifications.reminders_send()
    PairFactory(programme=Programme.objects.get(), status=Pair.Status.PROPOSED)

    assert notifications.reminders_send().created == 1
    assert len(mail.outbox) == 3
    assert "2 пары или группы ждут утверждения приказом." in mail.outbox[-1].body


def test_the_letter_is_russian_signed_with_the_school_and_carries_an_unsubscribe_link(waiting):
    notifications.reminders_send()

    letter = next(m for m in mail.outbox if "Пары и группы" in m.subject)
    assert letter.to == ["director@school5.ru"]
    assert letter.subject.startswith("Пары и группы ждут утверждения — ")
    assert "1 пара или группа ждёт утверждения приказом." in letter.body
    assert "«СОШ № 5»" in letter.body
    unsubscribe = re.search(r"Не получать такие напоминания по почте: (\S+)", letter.body)[1]
    assert unsubscribe.startswith(settings.SITE_URL + "/unsubscribe/")
    assert letter.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert "text/html" in letter.alternatives[0].mimetype


def test_the_unsubscribe_link_works_without_login_and_switches_that_kind_off(client, waiting):
    notifications.reminders_send()
    letter = next(m for m in mail.outbox if "Пары и группы" in m.subject)
    path = re.search(r"(/unsubscribe/\S+)", letter.body)[1]

    asked = client.get(path)
    assert "Больше не присылать по почте напоминания «Пары и группы ждут утверждения»?" in asked.text
    assert not MailOptOut.objects.exists()  # a mail scanner opening the link changes nothing
    done = client.post(path)

    assert "больше не будут приходить по почте" in done.text
    assert list(MailOptOut.objects.values_list("user", "kind")) == [(waiting.pk, Kind.PAIRS_TO_APPROVE)]
    PairFactory(programme=Programme.objects.get(), status=Pair.Status.PROPOSED)
    mail.outbox.clear()
    notifications.reminders_send()
    assert mail.outbox == []


def test_a_broken_unsubscribe_link_says_so_and_changes_nothing(client, waiting):
    token = signing.dumps({"user": waiting.pk, "kind": Kind.PAIRS_TO_APPROVE}, salt="another")

    response = client.post(f"/unsubscribe/{token}/")

    assert response.status_code == 404
    assert "Ссылка для отписки повреждена." in response.text
    assert not MailOptOut.objects.exists()


def test_nobody_without_an_address_is_mailed_but_the_notification_is_kept(db):
    school = SchoolFactory()
    director = with_role(Role.DIRECTOR, school)
    ProgrammeFactory(school=school, status=Programme.Status.DRAFT)

    notifications.reminders_send()

    assert mail.outbox == []
    assert Notification.objects.get(user=director).mailed_at is None


def test_a_failed_letter_leaves_its_rows_for_the_retry_and_those_sent_are_not_sent_again(
    waiting, monkeypatch
):
    real_send = notifications.mail_send
    sent = []

    def second_fails(**kwargs):
        if sent:
            raise SMTPException("сервер недоступен")
        real_send(**kwargs)
        sent.append(kwargs["subject"])

    monkeypatch.setattr(notifications, "mail_send", second_fails)
    with pytest.raises(SMTPException):
        notifications.reminders_send()

    assert len(mail.outbox) == 1
    assert Notification.objects.filter(mailed_at__isnull=False).count() == 1
    monkeypatch.setattr(notifications, "mail_send", real_send)
    notifications.reminders_send()
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject != mail.outbox[1].subject


def test_the_job_mails_in_batches_and_stops_at_its_time_limit(db):
    school = SchoolFactory()
    for n in range(5):
        with_role(Role.DIRECTOR, school, email=f"d{n}@school.ru")
    ProgrammeFactory(school=school, status=Programme.Status.DRAFT)

    run = notifications.reminders_send(batch_size=2)
    assert (run.created, run.mailed, run.batches) == (5, 5, 3)

    PairFactory(programme=Programme.objects.get(), status=Pair.Status.PROPOSED)
    late = notifications.reminders_send(batch_size=2, time_limit=-1)
    assert (late.created, late.mailed, late.finished) == (5, 0, False)
    assert notifications.reminders_send(batch_size=2).mailed == 5


def test_the_database_refuses_a_second_row_for_one_event(waiting):
    Notification.objects.create(user=waiting, key="k", kind=Kind.DOCUMENT_READY, text="а", url="/")
    with pytest.raises(IntegrityError):
        Notification.objects.create(user=waiting, key="k", kind=Kind.DOCUMENT_READY, text="б", url="/")


# Preferences


def test_the_preferences_page_turns_kinds_off_and_on(client, waiting):
    client.force_login(waiting)
    page = client.get("/notifications/")
    assert "Письма приходят на адрес" in page.text
    offered = {
        Kind.PAIRS_TO_APPROVE,
        Kind.PROGRAMME_TO_APPROVE,
        Kind.DOCUMENT_READY,
        Kind.QUESTIONNAIRE_WAITING,
        Kind.RECOMMENDATION_NEW,
    }
    assert set(page.context["form"].initial["kinds"]) == offered
    assert {kind for kind, _ in page.context["form"].fields["kinds"].choices} == offered

    client.post("/notifications/", {"kinds": [Kind.PROGRAMME_TO_APPROVE]})

    assert set(MailOptOut.objects.values_list("kind", flat=True)) == offered - {Kind.PROGRAMME_TO_APPROVE}
    notifications.reminders_send()
    assert [m.subject.split(" — ")[0] for m in mail.outbox] == ["Программы ждут утверждения"]
    client.post("/notifications/", {"kinds": list(offered)})
    assert not MailOptOut.objects.exists()


def test_the_audit_trail_records_who_switched_which_letters_off_and_on(client, waiting):
    client.force_login(waiting)

    client.post("/notifications/", {"kinds": [Kind.PROGRAMME_TO_APPROVE]})
    client.post("/notifications/", {"kinds": [Kind.PROGRAMME_TO_APPROVE, Kind.DOCUMENT_READY]})

    entries = LogEntry.objects.get_for_model(MailOptOut)
    switched_off = entries.filter(action=LogEntry.Action.CREATE)
    assert switched_off.count() == 4
    assert set(switched_off.values_list("actor", flat=True)) == {waiting.pk}
    switched_on = entries.get(action=LogEntry.Action.DELETE)
    assert switched_on.changes_dict["kind"][0] == Kind.DOCUMENT_READY


def test_an_unsubscribe_link_is_in_the_audit_trail(client, waiting):
    link = notifications.unsubscribe_url(waiting, Kind.DOCUMENT_READY)

    client.post(link.removeprefix(settings.SITE_URL))

    entry = LogEntry.objects.get_for_model(MailOptOut).get()
    assert entry.action == LogEntry.Action.CREATE and entry.changes_dict["kind"][1] == Kind.DOCUMENT_READY


def test_a_kind_not_offered_is_refused_and_nothing_changes(client, waiting):
    client.force_login(waiting)

    response = client.post("/notifications/", {"kinds": [Kind.MEETING_TOMORROW]})

    assert "Такого напоминания у вас нет: обновите страницу." in response.text
    assert not MailOptOut.objects.exists()


def test_the_preferences_page_tells_a_user_without_an_address_where_to_look(client, db):
    user = with_role(Role.MENTEE, SchoolFactory())
    client.force_login(user)

    assert "не указан адрес электронной почты" in client.get("/notifications/").text


# Scheduled work


def test_surveys_past_their_end_are_closed_once(db):
    past = SurveyFactory(
        opens_on=TODAY - datetime.timedelta(days=20), closes_on=TODAY - datetime.timedelta(days=1)
    )
    running = SurveyFactory()

    assert surveys_close_due(today=TODAY) == 1
    assert surveys_close_due(today=TODAY) == 0
    assert Survey.objects.get(pk=past.pk).closed_at is not None
    assert Survey.objects.get(pk=running.pk).closed_at is None


def test_beat_schedules_the_reminders_the_survey_closing_the_cleanups_and_the_depersonalisation():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks == {
        "mentoring.tasks.reminders_send_task",
        "monitoring.tasks.surveys_close_task",
        "mentoring.tasks.purge_stale_uploads_task",
        "mentoring.tasks.slips_files_remove_task",
        "mentoring.tasks.depersonalise_due_task",
    }


def test_run_scheduled_runs_every_job_once(waiting, capsys):
    call_command("run_scheduled")

    out = capsys.readouterr().out
    assert "reminders_send: {'created': 2, 'mailed': 2, 'finished': True}" in out
    assert "surveys_close: 0" in out and "purge_stale_uploads: 0" in out and "slips_files_remove: 0" in out
    assert len(mail.outbox) == 2
