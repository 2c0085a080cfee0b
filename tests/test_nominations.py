"""The class teacher's part: «Мой класс», nominating a pupil for the mentee base, the curator's queue."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mentoring import nominations
from mentoring.models import Consent, MenteeCategory, MenteeEntry, Nomination, Person, Role
from mentoring.nominations import NO_CLASS

from .factories import (
    AnswerFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    ResponseFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)


@pytest.fixture
def teacher(school):
    """A teacher who leads 7 «Б» of the school, with its account."""
    user = UserFactory()
    MembershipFactory(user=user, organisation=school, role=Role.TEACHER)
    return TeacherFactory(school=school, user=user, homeroom_grade=7, homeroom_letter="Б")


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def pupil(school):
    return PersonFactory(school=school, grade=7, class_letter="Б", last_name="Зайцев", first_name="Пётр")


def category(code: str) -> MenteeCategory:
    return MenteeCategory.objects.get(code=code)


def nominate(client, person, **data):
    form = {"categories": [category("low_results").pk], "reason": "low_motivation", "comment": "Не делает ДЗ"}
    return client.post(reverse("person_nominate", args=[person.pk]), form | data, follow=True)


def nomination_of(person, teacher, **fields) -> Nomination:
    nomination = Nomination.objects.create(
        school=person.school, person=person, reason="low_motivation", nominated_by=teacher.user, **fields
    )
    nomination.categories.set([category("low_results")])
    return nomination


# The teacher nominates.


def test_a_class_teacher_nominates_a_pupil_of_its_class(teacher_client, teacher, pupil):
    response = nominate(teacher_client, pupil)

    nomination = Nomination.objects.get(person=pupil)
    assert nomination.status == Nomination.Status.PENDING
    assert nomination.nominated_by == teacher.user and nomination.school == pupil.school
    assert list(nomination.categories.all()) == [category("low_results")]
    assert (nomination.reason, nomination.comment) == ("low_motivation", "Не делает ДЗ")
    assert response.wsgi_request.path == reverse("my_class")
    assert f"Представление отправлено куратору: {pupil}. Его решение появится здесь." in response.text
    assert "Представление ждёт решения куратора" in response.text


def test_the_nomination_form_offers_the_pupils_categories_and_the_reasons_of_the_file(teacher_client, pupil):
    response = teacher_client.get(reverse("person_nominate", args=[pupil.pk]))

    assert "Проявившие выдающиеся способности" in response.text
    assert "Молодой педагог" not in response.text
    assert "Низкая учебная мотивация" in response.text and "Трудности адаптации в коллективе" in response.text


def test_a_nomination_needs_a_category_and_a_reason(teacher_client, pupil):
    response = nominate(teacher_client, pupil, categories=[], reason="")

    assert "Отметьте хотя бы одну категорию." in response.text
    assert "Выберите причину." in response.text
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"class_letter": "А"}, "Ученик не из вашего класса: вы можете представить только учеников 7 «Б»."),
        ({"grade": 8}, "Ученик не из вашего класса"),
        ({"archived_at": timezone.now()}, "Ученик в архиве: его нельзя представить в базу наставляемых."),
        ({"kind": Person.Kind.TEACHER}, "Представить в базу наставляемых можно только ученика."),
    ],
)
def test_a_pupil_the_teacher_may_not_nominate_is_refused_with_a_message(
    teacher_client, pupil, change, message
):
    Person.objects.filter(pk=pupil.pk).update(**change)

    for response in (
        teacher_client.get(reverse("person_nominate", args=[pupil.pk]), follow=True),
        nominate(teacher_client, pupil),
    ):
        assert message in response.text
    assert not Nomination.objects.exists()


def test_a_pupil_already_in_the_mentee_base_is_not_nominated(teacher_client, pupil):
    entry = MenteeEntryFactory(person=pupil, school=pupil.school)

    assert (
        "Ученик уже в базе наставляемых: представлять его не нужно." in nominate(teacher_client, pupil).text
    )
    MenteeEntry.objects.filter(pk=entry.pk).update(archived_at=timezone.now())
    assert "его запись перенесена в архив" in nominate(teacher_client, pupil).text
    assert not Nomination.objects.exists()


def test_a_pupil_is_nominated_once_until_the_curator_decides(teacher_client, pupil):
    nominate(teacher_client, pupil)

    response = nominate(teacher_client, pupil, comment="Ещё раз")

    assert "Ученик уже представлен и ждёт решения куратора." in response.text
    assert list(Nomination.objects.values_list("comment", flat=True)) == ["Не делает ДЗ"]


def test_a_nomination_made_by_another_request_a_moment_before_is_refused_with_the_message(
    teacher, pupil, monkeypatch
):
    nomination_of(pupil, teacher)
    monkeypatch.setattr(nominations, "nomination_refusal", lambda teacher, person: "")

    with pytest.raises(ValidationError, match="Ученик уже представлен и ждёт решения куратора."):
        nominations.nomination_create(
            teacher=teacher, person=pupil, categories=[], reason="low_motivation", by=teacher.user
        )
    assert Nomination.objects.count() == 1


def test_a_declined_pupil_may_be_nominated_again(teacher_client, teacher, pupil):
    nomination_of(
        pupil,
        teacher,
        status="declined",
        decline_reason="Уже занимается с психологом",
        decided_at=timezone.now(),
    )

    nominate(teacher_client, pupil)

    assert Nomination.objects.filter(person=pupil, status=Nomination.Status.PENDING).count() == 1


def test_the_database_keeps_one_pending_nomination_per_pupil(teacher, pupil):
    nomination_of(pupil, teacher)
    with pytest.raises(IntegrityError):
        nomination_of(pupil, teacher)


def test_the_database_refuses_a_decline_without_a_reason(teacher, pupil):
    with pytest.raises(IntegrityError):
        nomination_of(pupil, teacher, status="declined", decided_at=timezone.now())


def test_a_teacher_without_a_class_is_told_what_to_ask_the_curator_for(client_as, school, pupil):
    client = client_as(Role.TEACHER, school)

    assert NO_CLASS in client.get(reverse("my_class")).text
    assert NO_CLASS in nominate(client, pupil).text
    assert not Nomination.objects.exists()


# «Мой класс».


def test_my_class_shows_each_pupil_with_where_it_stands(teacher_client, teacher, school):
    PersonFactory(school=school, last_name="Аксёнов")  # not in the base
    PersonFactory(school=school, grade=7, class_letter="А", last_name="Чужой")  # another class
    PersonFactory(school=school, last_name="Архивный", archived_at=timezone.now())
    nomination_of(PersonFactory(school=school, last_name="Борисов"), teacher)
    declined = PersonFactory(school=school, last_name="Власов")
    nomination_of(
        declined,
        teacher,
        status="declined",
        decline_reason="Нужна помощь психолога, не наставника",
        decided_at=timezone.now(),
    )
    MenteeEntryFactory(person=PersonFactory(school=school, last_name="Григорьев"), school=school)
    paired = MenteeEntryFactory(
        person=PersonFactory(school=school, last_name="Денисов"),
        school=school,
        status=MenteeEntry.Status.PAIRED,
    )
    PairFactory(school=school, programme__school=school, mentees=[paired])

    response = teacher_client.get(reverse("my_class"))

    states = {pupil.last_name: state.label for pupil, state, _ in response.context["rows"]}
    assert states == {
        "Аксёнов": "Не в базе наставляемых",
        "Борисов": "Представление ждёт решения куратора",
        "Власов": "Представление отклонено",
        "Григорьев": "В базе наставляемых: ожидает наставника",
        "Денисов": "В паре",
    }
    assert "Мой класс: 7 «Б»" in response.text
    assert "Нужна помощь психолога, не наставника" in response.text
    assert response.text.count(">Представить<") == 2  # the one not in the base and the declined one
    # The pair's health, for a mentee without a consent; not why.
    assert "Под угрозой" in response.text and "согласие наставляемого" not in response.text


def test_my_class_shows_the_teacher_no_answers_meetings_or_notes(teacher_client, school):
    entry = MenteeEntryFactory(
        person=PersonFactory(school=school),
        school=school,
        status=MenteeEntry.Status.PAIRED,
        request="Тайный запрос",
        note="Заметка куратора",
    )
    pair = PairFactory(school=school, programme__school=school, mentees=[entry])
    MeetingFactory(pair=pair, topic="Тема личной встречи", outcome="Итог личной встречи")
    invitation = InvitationFactory(
        survey__school=school, survey__questionnaire__school=school, person=entry.person, pair=pair
    )
    AnswerFactory(response=ResponseFactory(invitation=invitation), number=1, text="Секретный ответ")

    text = teacher_client.get(reverse("my_class")).text

    for secret in (
        "Тайный запрос",
        "Заметка куратора",
        "Тема личной встречи",
        "Итог личной встречи",
        "Секретный ответ",
        "анкете",
        pair.mentor.person.last_name,
    ):
        assert secret not in text


def test_my_class_runs_the_same_queries_for_a_small_and_a_large_class(
    teacher_client, teacher, school, django_assert_num_queries
):
    def add_pupils(n: int) -> None:
        for i in range(n):
            person = PersonFactory(school=school, last_name=f"Ученик{i}")
            if i % 3 == 0:
                nomination_of(person, teacher)
            elif i % 3 == 1:
                entry = MenteeEntryFactory(person=person, school=school, status=MenteeEntry.Status.PAIRED)
                PairFactory(school=school, programme__school=school, mentees=[entry])

    add_pupils(3)
    teacher_client.get(reverse("my_class"))
    with django_assert_num_queries(MY_CLASS_QUERIES):
        teacher_client.get(reverse("my_class"))
    add_pupils(9)
    with django_assert_num_queries(MY_CLASS_QUERIES):
        response = teacher_client.get(reverse("my_class"))
    assert len(response.context["rows"]) == 12


# Session, user, memberships, the teacher's card, the pupils, their pairs' links, the pairs with health.
MY_CLASS_QUERIES = 7


# The curator decides.


def test_the_curator_accepts_a_nomination_and_the_pupil_enters_the_mentee_base(
    curator_client, teacher, pupil
):
    nomination = nomination_of(pupil, teacher, comment="Не делает ДЗ")
    nomination.categories.add(category("behaviour"))

    response = curator_client.post(reverse("nomination_accept", args=[nomination.pk]), follow=True)

    entry = MenteeEntry.objects.get(person=pupil)
    assert set(entry.categories.values_list("code", flat=True)) == {"low_results", "behaviour"}
    assert entry.request == "Низкая учебная мотивация. Не делает ДЗ"
    assert entry.reported_by == MenteeEntry.ReportedBy.CLASS_TEACHER
    assert entry.status == MenteeEntry.Status.WAITING
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACCEPTED
    assert nomination.decided_by == response.wsgi_request.user and nomination.decided_at
    assert response.wsgi_request.path == reverse("mentee_detail", args=[entry.pk])
    # Accepting gives no consent: the entry shows that it lacks one.
    assert not Consent.objects.filter(person=pupil).exists()
    assert "Нет согласия" in response.text


def test_a_decided_nomination_is_not_decided_again(curator_client, teacher, pupil):
    nomination = nomination_of(pupil, teacher)
    curator_client.post(reverse("nomination_accept", args=[nomination.pk]))

    for url, data in (
        (reverse("nomination_accept", args=[nomination.pk]), {}),
        (reverse("nomination_decline", args=[nomination.pk]), {"decline_reason": "Передумали"}),
    ):
        response = curator_client.post(url, data, follow=True)
        assert "Решение по этому представлению уже принято." in response.text
    assert Nomination.objects.get().status == Nomination.Status.ACCEPTED
    assert MenteeEntry.objects.count() == 1


def test_accepting_a_pupil_put_into_the_base_meanwhile_is_refused(curator_client, teacher, pupil):
    nomination = nomination_of(pupil, teacher)
    MenteeEntryFactory(person=pupil, school=pupil.school)

    response = curator_client.post(reverse("nomination_accept", args=[nomination.pk]), follow=True)

    assert "Ученик уже внесён в базу наставляемых" in response.text
    assert Nomination.objects.get().status == Nomination.Status.PENDING


def test_accepting_a_pupil_archived_meanwhile_is_refused(curator_client, teacher, pupil):
    nomination = nomination_of(pupil, teacher)
    Person.objects.filter(pk=pupil.pk).update(archived_at=timezone.now())

    response = curator_client.post(reverse("nomination_accept", args=[nomination.pk]), follow=True)

    assert "Ученик в архиве: его нельзя представить в базу наставляемых." in response.text
    assert not MenteeEntry.objects.exists()
    assert Nomination.objects.get().status == Nomination.Status.PENDING


def test_the_curator_declines_with_a_reason_the_teacher_then_sees(curator_client, client, teacher, pupil):
    nomination = nomination_of(pupil, teacher)
    url = reverse("nomination_decline", args=[nomination.pk])

    response = curator_client.post(url, {"decline_reason": "  "})
    assert "Укажите причину отказа: педагог увидит её." in response.text
    assert Nomination.objects.get().status == Nomination.Status.PENDING

    curator_client.post(url, {"decline_reason": "Ученик уже занимается с педагогом-психологом"})
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED
    assert not MenteeEntry.objects.exists()

    client.force_login(teacher.user, backend="django.contrib.auth.backends.ModelBackend")
    assert "Ученик уже занимается с педагогом-психологом" in client.get(reverse("my_class")).text
    home = client.get("/").text
    assert f"Представление отклонено: {pupil}. Причина: Ученик уже занимается с педагогом-психологом" in home


def test_the_curators_queue_lists_pending_nominations_with_the_teacher_class_categories_and_reason(
    curator_client, teacher, pupil, school, django_assert_num_queries
):
    nomination_of(pupil, teacher, comment="Не делает ДЗ")
    nomination_of(PersonFactory(school=school, last_name="Другой"), teacher)
    nomination_of(PersonFactory(school=SchoolFactory()), teacher)  # another school's
    decided = PersonFactory(school=school, last_name="Решённый")
    nomination_of(decided, teacher, status="declined", decline_reason="Нет", decided_at=timezone.now())

    response = curator_client.get(reverse("nomination_list"))

    assert [n.person for n in response.context["pending"]][0] == pupil
    assert len(response.context["pending"]) == 2
    for text in (
        pupil.full_name,
        "7 «Б»",
        str(teacher.user),
        "Демонстрирующие неудовлетворительные",
        "Низкая учебная мотивация",
        "Не делает ДЗ",
    ):
        assert text in response.text
    with django_assert_num_queries(QUEUE_QUERIES):
        curator_client.get(reverse("nomination_list"))


# Session, user, memberships, pending nominations with their categories, the last decisions.
QUEUE_QUERIES = 6


def test_the_curator_is_told_of_new_nominations_and_the_teacher_of_the_decision(
    client_as, client, school, teacher, pupil
):
    nomination_of(pupil, teacher)
    nomination_of(PersonFactory(school=school), teacher)

    curator = client_as(Role.CURATOR, school)
    assert "Новые представления педагогов: 2." in curator.get("/").text
    curator.post(reverse("nomination_accept", args=[Nomination.objects.get(person=pupil).pk]))

    client.force_login(teacher.user, backend="django.contrib.auth.backends.ModelBackend")
    home = client.get("/").text
    assert f"Представление принято: {pupil} — в базе наставляемых." in home
    assert "«Мой класс»" in home


# Access.


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.MENTEE])
def test_only_a_teacher_opens_my_class_and_nominates(client_as, school, pupil, role):
    client = client_as(role, school)

    assert client.get(reverse("my_class")).status_code == 403
    assert nominate(client, pupil).status_code == 403
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_only_the_curator_sees_the_queue_and_decides(client_as, school, teacher, pupil, role):
    nomination = nomination_of(pupil, teacher)
    client = client_as(role, school)

    assert client.get(reverse("nomination_list")).status_code == 403
    assert client.post(reverse("nomination_accept", args=[nomination.pk])).status_code in (403, 404)
    decline = reverse("nomination_decline", args=[nomination.pk])
    assert client.post(decline, {"decline_reason": "Нет"}).status_code in (403, 404)
    assert Nomination.objects.get().status == Nomination.Status.PENDING


def test_another_schools_nomination_and_pupil_are_a_404(curator_client, teacher_client, teacher):
    theirs = PersonFactory(school=SchoolFactory())
    nomination = nomination_of(theirs, teacher)

    assert curator_client.post(reverse("nomination_accept", args=[nomination.pk])).status_code == 404
    assert curator_client.get(reverse("nomination_decline", args=[nomination.pk])).status_code == 404
    assert teacher_client.get(reverse("person_nominate", args=[theirs.pk])).status_code == 404
    assert not MenteeEntry.objects.exists()


def test_the_menu_shows_my_class_to_a_teacher_and_the_queue_to_the_curator(teacher_client, client_as, school):
    teacher_home = teacher_client.get("/").text
    assert reverse("my_class") in teacher_home and reverse("nomination_list") not in teacher_home
    curator_home = client_as(Role.CURATOR, school).get("/").text
    assert reverse("nomination_list") in curator_home and reverse("my_class") not in curator_home


# The curator sets a teacher's class.


def test_the_curator_sets_the_class_a_teacher_leads(curator_client, school):
    teacher = TeacherFactory(school=school)
    data = {"last_name": "Орлова", "first_name": "Елена", "kind": Person.Kind.TEACHER, "homeroom_class": "5а"}

    curator_client.post(reverse("person_edit", args=[teacher.pk]), data)

    teacher.refresh_from_db()
    assert (teacher.homeroom_grade, teacher.homeroom_letter) == (5, "А")
    assert "5 «А»" in curator_client.get(reverse("person_detail", args=[teacher.pk])).text
    pupil = PersonFactory(school=school)
    pupil_data = data | {"kind": Person.Kind.PUPIL, "school_class": "7Б", "last_name": "Зайцев"}
    curator_client.post(reverse("person_edit", args=[pupil.pk]), pupil_data)
    pupil.refresh_from_db()
    assert pupil.homeroom_grade is None and pupil.homeroom_letter == ""


def test_a_wrong_class_of_a_teacher_is_refused_with_a_message(curator_client, school):
    teacher = TeacherFactory(school=school)
    data = {
        "last_name": "Орлова",
        "first_name": "Елена",
        "kind": Person.Kind.TEACHER,
        "homeroom_class": "15Б",
    }

    response = curator_client.post(reverse("person_edit", args=[teacher.pk]), data)

    assert "не класс: укажите номер от 1 до 11" in response.text
    teacher.refresh_from_db()
    assert teacher.homeroom_grade is None
