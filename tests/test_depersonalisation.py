"""Depersonalisation after a revoked consent or a pupil's leaving (152-ФЗ, ст. 21): 30 days later, unless
another basis holds; what is cleared, what keeps counting, the act, the director's page and the daily run."""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mentoring import depersonalisation
from mentoring.models import AccessRecord, DataAccess, Document, MenteeCategory, MenteeEntry, Person, Role
from mentoring.tasks import depersonalise_due_task
from monitoring.models import Answer, Question
from pairs.models import Meeting

from .documents import pdf_text
from .factories import (
    AnswerFactory,
    ConsentFactory,
    MeetingFactory,
    MembershipFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    ResponseFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
REVOKED_ON = datetime.date(2026, 10, 1)
DUE_ON = datetime.date(2026, 10, 31)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def director(school):
    user = UserFactory(first_name="Ольга", last_name="Юдина")
    MembershipFactory(user=user, organisation=school, role=Role.DIRECTOR)
    return user


def revoked(person: Person, on: datetime.date = REVOKED_ON) -> Person:
    ConsentFactory(
        person=person,
        school=person.school,
        revoked_at=on,
        scan=SimpleUploadedFile("soglasie.pdf", b"%PDF-1.4 scan"),
    )
    return person


@pytest.fixture
def pupil(school) -> Person:
    person = PersonFactory(
        school=school,
        last_name="Белоусова",
        first_name="Анна",
        phone="+7 900 000-00-00",
        email="a@example.org",
    )
    entry = MenteeEntryFactory(person=person, school=school, note="Сложная ситуация в семье Белоусовых")
    entry.categories.set(MenteeCategory.objects.all()[:2])
    return revoked(person)


def run(school, by, day: datetime.date) -> Document | None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)):
        return depersonalisation.school_depersonalise(school=school, by=by, today=day)


def test_a_revoked_pupil_is_due_30_days_after_the_revocation_and_not_before(school, pupil):
    (candidate,) = depersonalisation.candidates(school)

    assert (candidate.basis, candidate.due_on) == (depersonalisation.REVOKED, DUE_ON)
    assert depersonalisation.due(school, DUE_ON - datetime.timedelta(days=1)) == []
    assert [c.person for c in depersonalisation.due(school, DUE_ON)] == [pupil]


def test_depersonalisation_clears_the_name_birth_date_class_contacts_scan_and_categories(
    school, pupil, director, media, django_capture_on_commit_callbacks
):
    scan = pupil.consents.get().scan.name

    with django_capture_on_commit_callbacks(execute=True):
        run(school, director, DUE_ON)

    pupil.refresh_from_db()
    entry = MenteeEntry.objects.get(person=pupil)
    assert pupil.full_name == f"Участник № {pupil.pk}"
    assert (pupil.birth_date, pupil.class_letter, pupil.phone, pupil.email) == (None, "", "", "")
    assert pupil.is_depersonalised and pupil.is_archived and pupil.grade == 7
    assert (entry.note, entry.request, list(entry.categories.all())) == ("", "", [])
    assert pupil.consents.get().scan.name == "" and not (media / scan).exists()
    assert pupil.consents.get().revoked_at == REVOKED_ON


def test_the_audit_trail_keeps_who_and_when_but_not_the_old_names(school, pupil, director):
    pupil.first_name = "Анастасия"
    pupil.save()
    entries_before = LogEntry.objects.get_for_object(pupil).count()

    run(school, director, DUE_ON)

    entries = LogEntry.objects.get_for_object(pupil)
    assert entries.count() == entries_before
    assert all(not e.changes and "Белоусова" not in e.object_repr for e in entries)


def test_monitoring_numbers_keep_counting_and_open_answers_are_blanked(school, pupil, director):
    response = ResponseFactory(invitation__person=pupil, invitation__survey__school=school)
    number = AnswerFactory(response=response, number=8)
    text = AnswerFactory(
        response=response, number=None, text="Меня зовут Аня Белоусова", question__kind="open"
    )

    run(school, director, DUE_ON)

    assert Answer.objects.get(pk=number.pk).number == 8
    assert Answer.objects.get(pk=text.pk).text == ""
    assert Question.objects.filter(answers__response__invitation__person=pupil).count() == 2


def test_meeting_notes_of_the_pupils_pair_are_blanked_and_the_meeting_stays(school, pupil, director):
    pair = PairFactory(school=school, programme__school=school, mentees=[pupil.mentee_entry])
    meeting = MeetingFactory(pair=pair, outcome="Аня рассказала о ссоре с отцом", next_step="Позвонить маме")

    run(school, director, DUE_ON)

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.outcome, meeting.next_step, meeting.duration_minutes) == ("", "", 45)


def test_the_pupils_account_is_switched_off_without_its_names(school, pupil, director):
    account = UserFactory(first_name="Анна", last_name="Белоусова", email="anna@example.org")
    MembershipFactory(user=account, organisation=school, role=Role.MENTEE)
    Person.objects.filter(pk=pupil.pk).update(user=account)

    run(school, director, DUE_ON)

    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert (account.first_name, account.last_name, account.email) == ("", "", "")
    assert not account.memberships.exists()


def test_running_twice_makes_one_act_and_one_log_record_per_person(school, pupil, director):
    first = run(school, director, DUE_ON)
    second = run(school, director, DUE_ON + datetime.timedelta(days=1))

    assert first is not None and second is None
    assert Document.objects.filter(kind=depersonalisation.ACT_KIND).count() == 1
    records = AccessRecord.objects.filter(action=DataAccess.DEPERSONALISATION)
    assert [(r.person, r.user) for r in records] == [(pupil, director)]


def test_a_new_consent_in_force_keeps_the_data(school, pupil, director):
    ConsentFactory(person=pupil, school=school, date=datetime.date(2026, 10, 10))

    assert run(school, director, DUE_ON) is None
    pupil.refresh_from_db()
    assert pupil.last_name == "Белоусова" and not pupil.is_depersonalised


def test_a_teacher_who_revoked_the_mentoring_consent_is_kept_as_an_employee(school, director):
    teacher = revoked(TeacherFactory(school=school))

    (candidate,) = depersonalisation.candidates(school)

    assert candidate.person == teacher and "трудовому договору" in candidate.kept_because
    assert run(school, director, DUE_ON) is None


def test_a_pupil_who_left_with_the_year_is_due_30_days_later_unless_back(school, director):
    left = PersonFactory(school=school, archived_at=timezone.now(), left_school_on=datetime.date(2027, 6, 30))
    back = PersonFactory(school=school, left_school_on=datetime.date(2027, 6, 30))  # restored: not archived

    (candidate,) = depersonalisation.candidates(school)

    assert (candidate.person, candidate.basis) == (left, depersonalisation.LEFT)
    assert candidate.due_on == datetime.date(2027, 7, 30)
    run(school, director, datetime.date(2027, 7, 30))
    back.refresh_from_db()
    assert not back.is_depersonalised


def test_a_pupil_archived_as_left_from_the_base_is_due(school, director):
    person = PersonFactory(school=school, archived_at=timezone.now())
    MenteeEntryFactory(person=person, school=school, status=MenteeEntry.Status.LEFT)

    (candidate,) = depersonalisation.candidates(school)

    assert candidate.basis == depersonalisation.LEFT


def test_a_depersonalised_record_refuses_every_change(school, pupil, director, curator_client):
    run(school, director, DUE_ON)

    edit = curator_client.post(
        reverse("person_edit", args=[pupil.pk]), {"last_name": "Белоусова"}, follow=True
    )
    consent = curator_client.get(reverse("consent_create", args=[pupil.pk]), follow=True)
    restore = curator_client.post(reverse("person_archive", args=[pupil.pk]), {"restore": "1"}, follow=True)

    for page in (edit, consent, restore):
        assert "Данные участника обезличены" in page.content.decode()
    pupil.refresh_from_db()
    assert pupil.last_name == f"Участник № {pupil.pk}" and pupil.is_archived


def test_a_depersonalised_card_says_a_representative_consented_without_naming_anyone(
    school, pupil, director, curator_client
):
    run(school, director, DUE_ON)

    card = curator_client.get(reverse("person_detail", args=[pupil.pk])).content.decode()

    assert "дано законным представителем" in card
    assert "дал(а)" not in card and "обезличено" not in card


def test_depersonalised_people_are_left_out_of_the_lists_and_exports(school, pupil, director, curator_client):
    kept = PersonFactory(school=school, last_name="Кузнецов")
    run(school, director, DUE_ON)

    people = curator_client.get(reverse("person_list"), {"archived": "all"})
    export = curator_client.get(reverse("person_list"), {"format": "csv"})
    mentees = curator_client.get(reverse("mentee_list"), {"format": "csv"})

    assert [p.pk for p in people.context["page_obj"]] == [kept.pk]
    assert "Участник №" not in export.content.decode("utf-8-sig") + mentees.content.decode("utf-8-sig")


def test_the_director_sees_who_is_due_and_when_and_depersonalises_now(school, pupil, director, client):
    later = revoked(PersonFactory(school=school, last_name="Петров"), on=datetime.date(2026, 10, 20))
    client.force_login(director)

    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        page = client.get(reverse("depersonalisation"))
        done = client.post(reverse("depersonalisation_run"), follow=True)

    assert [c.person for c in page.context["due"]] == [pupil]
    assert [c.person for c in page.context["waiting"]] == [later]
    assert "19.11.2026" in page.content.decode() and "Обезличить сейчас" in page.content.decode()
    assert done.context["document"].kind == depersonalisation.ACT_KIND
    later.refresh_from_db()
    assert not later.is_depersonalised


def test_the_directors_page_runs_a_fixed_number_of_queries(
    school, director, client, django_assert_num_queries
):
    for n in range(5):
        revoked(PersonFactory(school=school), on=REVOKED_ON + datetime.timedelta(days=n))
    client.force_login(director)
    client.get(reverse("depersonalisation"))

    with django_assert_num_queries(5):
        client.get(reverse("depersonalisation"))


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST, Role.TEACHER])
def test_only_the_director_depersonalises(school, pupil, client_as, role):
    client = client_as(role, school)

    assert client.get(reverse("depersonalisation")).status_code == 403
    assert client.post(reverse("depersonalisation_run")).status_code == 403
    pupil.refresh_from_db()
    assert not pupil.is_depersonalised


def test_another_schools_director_does_not_touch_this_schools_people(school, other_school, pupil, client_as):
    client = client_as(Role.DIRECTOR, other_school)

    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        page = client.get(reverse("depersonalisation"))
        client.post(reverse("depersonalisation_run"))

    assert page.context["due"] == []
    pupil.refresh_from_db()
    assert not pupil.is_depersonalised


def test_the_daily_task_depersonalises_who_is_due_in_every_school(school, other_school, pupil, director):
    other = revoked(PersonFactory(school=other_school))
    MembershipFactory(organisation=other_school, role=Role.CURATOR)

    with time_machine.travel(datetime.datetime(2026, 11, 2, 3, 50, tzinfo=datetime.UTC)):
        assert depersonalise_due_task.delay().get() == 2
        assert depersonalise_due_task.delay().get() == 0

    assert Person.objects.filter(pk__in=[pupil.pk, other.pk], depersonalised_at__isnull=False).count() == 2
    entry = settings.CELERY_BEAT_SCHEDULE["depersonalise_due"]
    assert entry["task"] == "mentoring.tasks.depersonalise_due_task"


def test_the_act_names_record_numbers_bases_and_signers_but_not_the_names(
    school, pupil, director, django_capture_on_commit_callbacks
):
    MembershipFactory(user=UserFactory(first_name="Инна", last_name="Кравцова"), organisation=school)
    with django_capture_on_commit_callbacks(execute=True):
        act = run(school, director, DUE_ON)

    text = pdf_text(act)
    assert "АКТ об уничтожении персональных данных" in text
    assert str(pupil.pk) in text and "отзыв согласия" in text
    assert "часть 5 статьи 21" in text and "Путём обезличивания" in text
    assert "фамилия, имя, отчество" in text and "И. Кравцова" in text
    assert "Белоусова" not in text and "Анна" not in text


def test_the_act_cannot_be_asked_for_when_nobody_is_due(school, director, client):
    client.force_login(director)

    page = client.post(
        reverse("document_new", args=[depersonalisation.ACT_KIND]), {"date": timezone.localdate().isoformat()}
    )

    assert "Обезличивать некого" in page.content.decode()
    assert not Document.objects.exists()


def test_revoking_a_consent_says_when_the_data_will_be_depersonalised(school, curator_client):
    consent = ConsentFactory(person=PersonFactory(school=school), school=school)

    page = curator_client.post(
        reverse("consent_revoke", args=[consent.pk]), {"note": "заявление"}, follow=True
    )

    assert "будут обезличены через 30 дней" in page.content.decode()


def test_the_curator_cannot_run_it_through_the_documents_page(school, pupil, curator_client):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        page = curator_client.post(
            reverse("document_new", args=[depersonalisation.ACT_KIND]), {"date": "2026-11-02"}
        )

    assert "директор школы" in page.content.decode()
    pupil.refresh_from_db()
    assert not pupil.is_depersonalised and not Document.objects.exists()


def test_the_director_can_ask_for_the_act_on_the_documents_page_which_depersonalises(
    school, pupil, director, client
):
    client.force_login(director)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        client.post(reverse("document_new", args=[depersonalisation.ACT_KIND]), {"date": "2026-11-02"})

    pupil.refresh_from_db()
    act = Document.objects.get(kind=depersonalisation.ACT_KIND)
    assert pupil.is_depersonalised and [row["record"] for row in act.params["people"]] == [pupil.pk]


def test_no_history_entry_keeps_the_pupils_name_or_e_mail(school, pupil, director):
    account = UserFactory(first_name="Анна", last_name="Белоусова", email="belousova@example.org")
    MembershipFactory(user=account, organisation=school, role=Role.MENTEE)
    Person.objects.filter(pk=pupil.pk).update(user=account)
    pupil.mentee_entry.note = "Белоусова часто пропускает"
    pupil.mentee_entry.save()

    run(school, director, DUE_ON)

    history = str(
        list(LogEntry.objects.values_list("object_repr", "changes", "changes_text", "serialized_data"))
    )
    assert "Белоусова" not in history and "belousova@" not in history
