"""Closing a school year: what it changes, what it refuses, how it is undone, and who may do it."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring import school_year
from mentoring.academic_year import AcademicYear
from mentoring.documents import document_html
from mentoring.models import Document, MenteeCategory, MenteeEntry, MentorEntry, Role, YearClosing
from mentoring.year_summary import NO_CLOSED_YEAR, YearSummaryForm
from pairs.models import Pair, PairStatusChange
from programs.models import MentoringForm, Programme
from roadmap.models import Roadmap

from .factories import (
    DocumentFactory,
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
)

MOSCOW = ZoneInfo("Europe/Moscow")
YEAR = AcademicYear(2026)


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW), tick=True
    )


@pytest.fixture
def june():
    with on(datetime.date(2027, 6, 20)):
        yield


@pytest.fixture
def curator(make_user, school):
    return make_user(Role.CURATOR, school)


def close(school, by=None, keep=(), year=YEAR) -> YearClosing:
    return school_year.year_close(school=school, year=year, by=by, keep_in_school=frozenset(keep))


def reloaded(obj):
    obj.refresh_from_db()
    return obj


# What the closing changes -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pupils_move_up_a_grade_keeping_their_letter(june, school):
    pupil = PersonFactory(school=school, grade=7, class_letter="Б")
    close(school)
    assert reloaded(pupil).school_class == "8 «Б»"
    assert pupil.archived_at is None


@pytest.mark.django_db
def test_eleventh_and_ninth_graders_leave_and_their_base_entries_are_archived(june, school):
    graduate = PersonFactory(school=school, grade=11, class_letter="А")
    ninth = PersonFactory(school=school, grade=9, class_letter="В")
    mentee = MenteeEntryFactory(person=ninth, school=school)
    mentor = MentorEntryFactory(person=graduate, school=school)
    close(school)
    for person in (graduate, ninth):
        reloaded(person)
        assert person.archived_at is not None
        assert person.left_school_on == datetime.date(2027, 6, 20)
        assert person.grade in (9, 11)  # they leave in the class they finished
    assert reloaded(mentee).status == MenteeEntry.Status.LEFT and mentee.archived_at is not None
    assert reloaded(mentor).status == MentorEntry.Status.LEFT and mentor.archived_at is not None


@pytest.mark.django_db
def test_a_ninth_grader_the_curator_keeps_goes_on_to_the_tenth_grade(june, school):
    kept = PersonFactory(school=school, grade=9, class_letter="А")
    close(school, keep=[kept.pk])
    assert reloaded(kept).school_class == "10 «А»"
    assert kept.archived_at is None


@pytest.mark.django_db
def test_only_a_ninth_grader_of_the_school_may_be_kept(june, school, other_school):
    eighth = PersonFactory(school=school, grade=8)
    elsewhere = PersonFactory(school=other_school, grade=9)
    for wrong in (eighth, elsewhere):
        with pytest.raises(ValidationError, match="только ученикам 9 класса этой школы"):
            close(school, keep=[wrong.pk])
    assert reloaded(eighth).grade == 8
    assert not YearClosing.objects.exists()


@pytest.mark.django_db
def test_a_class_teacher_moves_up_with_the_class_and_loses_a_leaving_class(june, school):
    moving = TeacherFactory(school=school, homeroom_grade=5, homeroom_letter="А")
    leaving = TeacherFactory(school=school, homeroom_grade=11, homeroom_letter="Б")
    ninth = TeacherFactory(school=school, homeroom_grade=9, homeroom_letter="В")
    close(school)
    assert reloaded(moving).homeroom_class == "6 «А»"
    assert reloaded(leaving).homeroom_class == ""
    assert reloaded(ninth).homeroom_class == ""


@pytest.mark.django_db
def test_teachers_experience_grows_by_a_year(june, school):
    teacher = TeacherFactory(school=school, experience_years=4)
    close(school)
    assert reloaded(teacher).experience_years == 5


@pytest.mark.django_db
def test_a_young_teacher_with_three_years_of_experience_is_no_longer_a_young_specialist(june, school):
    young = MenteeCategory.objects.get(code="young_teacher")
    newcomer = MenteeCategory.objects.get(code="newcomer")
    grown = MenteeEntryFactory(
        person=TeacherFactory(school=school, experience_years=2, birth_date=datetime.date(1998, 1, 1))
    )
    still = MenteeEntryFactory(
        person=TeacherFactory(school=school, experience_years=0, birth_date=datetime.date(2001, 1, 1))
    )
    grown.categories.add(young, newcomer)
    still.categories.add(young)
    preview = school_year.year_preview(school=school)
    categories = next(step for step in preview.steps if step.title == "Категории наставляемых")
    assert categories.details == [f"{grown.person.full_name}: снятие категории «{young.name}»"]
    close(school)
    assert set(grown.categories.values_list("code", flat=True)) == {"newcomer"}
    assert set(still.categories.values_list("code", flat=True)) == {"young_teacher"}


@pytest.mark.django_db
def test_a_leaver_keeps_no_mentee_category(june, school):
    entry = MenteeEntryFactory(person=PersonFactory(school=school, grade=11))
    entry.categories.add(MenteeCategory.objects.get(code="high_ability"))
    close(school)
    assert not entry.categories.exists()


@pytest.mark.django_db
def test_pairs_of_an_ending_programme_complete_with_their_plan_completion(june, school):
    pair = PairFactory(programme__school=school)
    PlanItemFactory(pair=pair, done_on=datetime.date(2026, 10, 1))
    PlanItemFactory(pair=pair)
    close(school)
    reloaded(pair)
    assert pair.status == Pair.Status.COMPLETED
    assert pair.ended_on == datetime.date(2027, 6, 20)
    assert reloaded(pair.programme).status == Programme.Status.COMPLETED
    change = PairStatusChange.objects.filter(pair=pair).last()
    assert change.to_status == Pair.Status.COMPLETED
    assert "План выполнен: 1 из 2 пунктов" in change.note
    mentee = pair.members.get().mentee
    assert reloaded(mentee).status == MenteeEntry.Status.COMPLETED
    assert not pair.members.filter(is_current=True).exists()


@pytest.mark.django_db
def test_pairs_of_a_two_year_programme_continue_into_the_new_year_and_are_counted(june, school):
    two_years = ProgrammeFactory(
        school=school,
        form=MentoringForm.objects.get(code="teacher_pupil"),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2028, 8, 31),
    )
    pair = PairFactory(programme=two_years, ends_on=datetime.date(2028, 8, 31))
    preview = school_year.year_preview(school=school)
    pairs = dict(next(step for step in preview.steps if step.title == "Пары и группы").figures)
    assert pairs["Пары и группы: продолжение работы в новом году"] == 1
    close(school)
    assert reloaded(pair).status == Pair.Status.ACTIVE and pair.ended_on is None
    assert reloaded(two_years).status == Programme.Status.RUNNING


@pytest.mark.django_db
def test_a_pair_whose_only_mentee_leaves_the_school_ends_though_its_programme_goes_on(june, school):
    programme = ProgrammeFactory(school=school, ends_on=datetime.date(2028, 6, 30))
    graduate = MenteeEntryFactory(
        person=PersonFactory(school=school, grade=11), status=MenteeEntry.Status.PAIRED
    )
    pair = PairFactory(programme=programme, mentees=[graduate])
    close(school)
    assert reloaded(pair).status == Pair.Status.COMPLETED
    assert reloaded(graduate).status == MenteeEntry.Status.LEFT


@pytest.mark.django_db
def test_the_new_years_roadmap_is_made_from_the_template(june, school):
    preview = school_year.year_preview(school=school)
    roadmap_step = next(step for step in preview.steps if step.title == "Дорожная карта нового года")
    assert "Будет создана" in roadmap_step.details[0]
    closing = close(school)
    roadmap = Roadmap.objects.get(organisation=school, year=2027)
    assert roadmap.stages.exists()
    summary = next(step for step in closing.summary["steps"] if step["title"] == "Дорожная карта нового года")
    assert summary["link"] == [roadmap.title, reverse("roadmap_detail", args=[roadmap.pk])]


@pytest.mark.django_db
def test_the_printed_summary_names_no_mentee(june, school):
    entry = MenteeEntryFactory(person=PersonFactory(school=school, grade=11, last_name="Незабудкина"))
    entry.categories.add(MenteeCategory.objects.get(code="disability"))
    closing = close(school)
    assert "Незабудкина" in str(closing.summary)
    assert "Незабудкина" not in document_html(school_year.summary_document(closing))


@pytest.mark.django_db
def test_the_summary_is_stored_and_printed(june, school, curator, django_capture_on_commit_callbacks):
    PersonFactory(school=school, grade=3)
    with django_capture_on_commit_callbacks(execute=True):
        closing = close(school, by=curator)
    people = next(step for step in closing.summary["steps"] if step["title"] == "Ученики и педагоги")
    assert ["Ученики: перевод в следующий класс", 1] in people["figures"]
    document = school_year.summary_document(closing)
    assert document.title == "Итоги 2026/2027 учебного года по программе наставничества"
    assert reloaded(document).status == Document.Status.READY
    stored = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        school_year.year_closing_revert(closing=closing, by=curator)
    assert not document.file.storage.exists(stored)


@pytest.mark.django_db
def test_the_closing_is_in_the_audit_trail(june, school, curator):
    closing = close(school, by=curator)
    assert LogEntry.objects.get_for_object(closing).filter(action=LogEntry.Action.CREATE).exists()


@pytest.mark.django_db
def test_closing_a_large_school_takes_as_many_queries_as_a_small_one(june):
    def queries(pupils: int) -> int:
        school = SchoolFactory()
        for grade in range(1, 12):
            for _ in range(pupils):
                PersonFactory(school=school, grade=grade)
        PairFactory(programme__school=school)
        with CaptureQueriesContext(connection) as captured:
            close(school)
        return len(captured)

    assert queries(1) == queries(3)


# What it refuses ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_year_is_not_closed_before_its_lessons_are_over(school):
    pupil = PersonFactory(school=school, grade=7)
    with on(datetime.date(2027, 5, 31)):
        with pytest.raises(ValidationError, match="можно с 01.06.2027"):
            close(school)
        assert school_year.year_preview(school=school).refusal.startswith("Завершить 2026/2027")
    assert reloaded(pupil).grade == 7


@pytest.mark.django_db
def test_a_late_closing_in_september_closes_the_year_just_ended(school):
    PersonFactory(school=school, grade=7)
    with on(datetime.date(2027, 9, 10)):
        assert school_year.year_to_close(school) == YEAR
        close(school)
        assert school_year.year_to_close(school) == AcademicYear(2027)


@pytest.mark.django_db
def test_a_year_is_not_closed_twice(june, school):
    pupil = PersonFactory(school=school, grade=7)
    close(school)
    with pytest.raises(ValidationError, match="уже завершён"):
        close(school)
    assert reloaded(pupil).grade == 8


@pytest.mark.django_db
def test_a_year_is_not_closed_while_a_document_of_the_school_renders(june, school):
    pupil = PersonFactory(school=school, grade=7)
    DocumentFactory(school=school, status=Document.Status.RENDERING)
    with pytest.raises(ValidationError, match="Сейчас формируется документ"):
        close(school)
    assert reloaded(pupil).grade == 7


@pytest.mark.django_db
def test_a_year_is_not_closed_while_an_import_of_the_school_runs(june, school):
    pupil = PersonFactory(school=school, grade=7)
    locked = mock.Mock(side_effect=DatabaseError("could not obtain lock on row"))
    with (
        mock.patch.object(school_year.Organisation.objects, "select_for_update", locked),
        pytest.raises(ValidationError, match="загружается список участников"),
    ):
        close(school)
    assert reloaded(pupil).grade == 7


# Undoing it ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_undo_puts_everything_back(june, school, curator):
    pupil = PersonFactory(school=school, grade=7)
    graduate = MenteeEntryFactory(person=PersonFactory(school=school, grade=11))
    graduate.categories.add(MenteeCategory.objects.get(code="high_ability"))
    teacher = TeacherFactory(school=school, homeroom_grade=11, homeroom_letter="А", experience_years=2)
    pair = PairFactory(programme__school=school)
    closing = close(school, by=curator)
    school_year.year_closing_revert(closing=closing, by=curator)
    assert reloaded(pupil).grade == 7
    assert reloaded(graduate).archived_at is None and graduate.status == MenteeEntry.Status.WAITING
    assert graduate.person.__class__.objects.get(pk=graduate.person_id).archived_at is None
    assert list(graduate.categories.values_list("code", flat=True)) == ["high_ability"]
    assert reloaded(teacher).homeroom_class == "11 «А»" and teacher.experience_years == 2
    assert reloaded(pair).status == Pair.Status.ACTIVE and pair.ended_on is None
    assert pair.members.get().is_current
    assert reloaded(pair.programme).status == Programme.Status.RUNNING
    assert not Roadmap.objects.filter(organisation=school).exists()
    assert not Document.objects.filter(school=school, kind="year_summary").exists()
    assert reloaded(closing).reverted_by == curator
    assert LogEntry.objects.get_for_object(closing).filter(action=LogEntry.Action.UPDATE).exists()
    close(school, by=curator)  # and the year may be closed again


@pytest.mark.django_db
def test_undo_is_refused_after_a_change_in_the_new_year_saying_what_changed(school, curator):
    pupil = PersonFactory(school=school, grade=7)
    with on(datetime.date(2027, 6, 20)):
        closing = close(school, by=curator)
    with on(datetime.date(2027, 9, 2)):
        reloaded(pupil).phone = "+7 900 000-00-00"
        pupil.save()
        with pytest.raises(
            ValidationError, match=f"02.09.2027 в 10:00 изменены данные участника «{pupil.full_name}»"
        ):
            school_year.year_closing_revert(closing=closing, by=curator)
    assert reloaded(pupil).grade == 8
    assert reloaded(closing).reverted_at is None


@pytest.mark.django_db
def test_undo_is_refused_after_a_meeting_of_the_new_year(school, curator):
    programme = ProgrammeFactory(school=school, ends_on=datetime.date(2028, 6, 30))
    pair = PairFactory(programme=programme)
    with on(datetime.date(2027, 6, 20)):
        closing = close(school, by=curator)
    with on(datetime.date(2027, 9, 5)):
        MeetingFactory(pair=pair)
        with pytest.raises(ValidationError, match="внесена встреча"):
            school_year.year_closing_revert(closing=closing, by=curator)


@pytest.mark.django_db
def test_undo_is_refused_twice(june, school, curator):
    closing = close(school, by=curator)
    school_year.year_closing_revert(closing=closing, by=curator)
    with pytest.raises(ValidationError, match="уже отменено"):
        school_year.year_closing_revert(closing=closing, by=curator)


# The pages and who may use them -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_curator_previews_closes_and_undoes_the_year(june, client_as, school):
    kept = PersonFactory(school=school, grade=9)
    client = client_as(Role.CURATOR, school)
    page = client.get(reverse("year_closing"))
    assert "Завершить 2026/2027 учебный год" in page.text and kept.full_name in page.text
    response = client.post(reverse("year_closing"), {"keep_in_school": [kept.pk], "close": ""})
    closing = YearClosing.objects.get(school=school)
    assert response.url == reverse("year_closing_detail", args=[closing.pk])
    assert reloaded(kept).grade == 10
    summary = client.get(response.url)
    assert "Итоги 2026/2027 учебного года" in summary.text and "Отменить завершение года" in summary.text
    client.post(reverse("year_closing_revert", args=[closing.pk]))
    assert reloaded(kept).grade == 9


@pytest.mark.django_db
def test_the_page_says_when_the_closing_opens_before_june(client_as, school):
    with on(datetime.date(2026, 12, 5)):
        page = client_as(Role.CURATOR, school).get(reverse("year_closing"))
    assert "можно с 01.06.2027" in page.text
    assert 'name="close"' not in page.text


@pytest.mark.django_db
def test_a_refused_closing_shows_its_reason_and_changes_nothing(client_as, school):
    pupil = PersonFactory(school=school, grade=7)
    with on(datetime.date(2027, 3, 1)):
        page = client_as(Role.CURATOR, school).post(reverse("year_closing"), {"close": ""})
    assert page.status_code == 200 and "можно с 01.06.2027" in page.text
    assert reloaded(pupil).grade == 7


@pytest.mark.django_db
def test_the_director_sees_the_closing_but_does_not_close(june, client_as, school):
    client = client_as(Role.DIRECTOR, school)
    assert client.get(reverse("year_closing")).status_code == 200
    assert client.post(reverse("year_closing"), {"close": ""}).status_code == 403
    assert not YearClosing.objects.exists()


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER, Role.PSYCHOLOGIST])
@pytest.mark.django_db
def test_other_roles_do_not_reach_the_closing(june, client_as, school, role):
    assert client_as(role, school).get(reverse("year_closing")).status_code == 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.django_db
def test_another_schools_closing_is_not_found(june, client_as, school, other_school, role):
    closing = close(other_school)
    client = client_as(role, school)
    assert client.get(reverse("year_closing_detail", args=[closing.pk])).status_code == 404
    assert client.post(reverse("year_closing_revert", args=[closing.pk])).status_code == 404
    assert reloaded(closing).reverted_at is None


@pytest.mark.django_db
def test_the_home_page_shows_the_curator_the_year_card(client_as, school):
    with on(datetime.date(2026, 12, 5)):
        page = client_as(Role.CURATOR, school).get(reverse("home"))
    assert "Учебный год 2026/2027" in page.text
    assert "можно будет с 01.06.2027" in page.text


@pytest.mark.django_db
def test_the_preview_page_takes_as_many_queries_for_a_large_school(june, client_as):
    def queries(pupils: int) -> int:
        school = SchoolFactory()
        for grade in range(1, 12):
            for _ in range(pupils):
                PersonFactory(school=school, grade=grade)
        PairFactory(programme__school=school)
        client = client_as(Role.CURATOR, school)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("year_closing")).status_code == 200
        return len(captured)

    assert queries(1) == queries(3)


@pytest.mark.django_db
def test_the_summary_of_a_year_not_closed_is_not_asked_for(school, make_user):
    form = YearSummaryForm({"date": "2026-12-05"}, school=school, user=make_user(Role.CURATOR, school))
    assert form.errors["closing"] == [NO_CLOSED_YEAR]


@pytest.mark.django_db
def test_a_leavers_page_says_when_it_left(june, client_as, school):
    graduate = PersonFactory(school=school, grade=11)
    close(school)
    page = client_as(Role.CURATOR, school).get(reverse("person_detail", args=[graduate.pk]))
    assert "Выбытие из школы" in page.text and "20.06.2027, после 11 класса" in page.text
