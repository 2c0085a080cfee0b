"""Choosing people by filter, not one box per person (issue 17): a large base is matched by classes,
categories and who waits, the page and its post stay small however many people the school holds, and a
filter never reaches another school's people."""

import datetime
import re

import lxml.html
import pytest
from django.http import QueryDict
from django.urls import reverse

from mentoring.models import Consent, MenteeCategory, MenteeEntry, Person, Role
from monitoring.survey_forms import MAX_CHOSEN, RespondentsForm
from pairs.matching_forms import LIST_LIMIT
from pairs.models import Proposal
from programs.models import MentoringForm

from .factories import (
    ConsentFactory,
    MentorEntryFactory,
    PairFactory,
    ProgrammeFactory,
    SurveyFactory,
    TeacherFactory,
)


def programme_of(school, code: str = "teacher_pupil"):
    return ProgrammeFactory(school=school, form=MentoringForm.objects.get(code=code))


def teacher_mentor(school, *, last_name: str = "Орлова", capacity: int = 3):
    entry = MentorEntryFactory(person=TeacherFactory(school=school, last_name=last_name), capacity=capacity)
    ConsentFactory(person=entry.person, given_by=Consent.GivenBy.SELF, representative_name="")
    return entry


def pupils(school, count: int, *, grade: int = 7, letter: str = "Б", last_name: str = "Ученикова"):
    """`count` pupils with consents in the mentee base at four statements: the base of a large school."""
    people = Person.objects.bulk_create(
        Person(
            school=school,
            kind=Person.Kind.PUPIL,
            last_name=f"{last_name}{n}",
            first_name="Анна",
            patronymic="Сергеевна",
            birth_date=datetime.date(2012, 5, 17),
            grade=grade,
            class_letter=letter,
        )
        for n in range(count)
    )
    Consent.objects.bulk_create(
        Consent(
            person=person,
            school=school,
            given_by=Consent.GivenBy.REPRESENTATIVE,
            representative_name="Иванова Мария Петровна",
            representative_relation="мать",
            date=datetime.date(2026, 9, 1),
        )
        for person in people
    )
    return MenteeEntry.objects.bulk_create(
        MenteeEntry(
            school=school,
            person=person,
            request="Подтянуть математику",
            reported_by=MenteeEntry.ReportedBy.CLASS_TEACHER,
        )
        for person in people
    )


def matching_form(page: str) -> lxml.html.FormElement:
    document = lxml.html.fromstring(page)
    return next(form for form in document.forms if form.method == "POST" and "subjects" in form.fields)


def as_posted(page: str) -> dict[str, list[str]]:
    """What the browser sends from the matching page's form as rendered: its ticked boxes and fields."""
    posted: dict[str, list[str]] = {}
    for name, value in matching_form(page).form_values():
        posted.setdefault(name, []).append(value)
    return posted


def found(client, programme, *, expect: int | None = 200, **query):
    """The count and names the page swaps in when one side's filter changes."""
    response = client.get(
        reverse("matching_start", args=[programme.pk]), {"side": "mentee", **query}, HTTP_HX_REQUEST="true"
    )
    if expect is None:
        return response
    assert response.status_code == expect
    return response.content.decode()


@pytest.mark.django_db
def test_the_matching_page_of_a_school_with_1100_candidates_posts_back_and_proposes_for_all_of_them(
    curator_client, school
):
    programme = programme_of(school)
    teacher_mentor(school)
    pupils(school, 1_100)
    url = reverse("matching_start", args=[programme.pk])

    posted = as_posted(curator_client.get(url).content.decode())
    response = curator_client.post(url, posted)

    assert sum(len(values) for values in posted.values()) < 100
    assert response.status_code == 302
    proposal = Proposal.objects.get(programme=programme)
    assert proposal.mentees.count() == 1_100
    assert proposal.pairs.count() == 3  # the mentor's three places


@pytest.mark.django_db
def test_the_matching_page_weighs_the_same_for_150_candidates_and_for_1500(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)
    url = reverse("matching_start", args=[programme.pk])
    pupils(school, 150)
    few = curator_client.get(url).content.decode()

    pupils(school, 1_350, last_name="Новикова")
    many = curator_client.get(url).content.decode()

    assert "Найдено: 1500" in many and "Новикова" not in many
    assert abs(len(many) - len(few)) < 100
    boxes = matching_form(many).xpath(".//input[@type='checkbox']")
    assert len(boxes) <= 11 + MenteeCategory.objects.count() + LIST_LIMIT  # the filters and one listed side


@pytest.mark.django_db
def test_a_few_found_are_listed_each_with_its_box_and_an_unticked_one_is_left_out(curator_client, school):
    programme = programme_of(school)
    mentor = teacher_mentor(school)
    kept, dropped = pupils(school, 2)
    url = reverse("matching_start", args=[programme.pk])
    posted = as_posted(curator_client.get(url).content.decode())
    assert set(posted["mentees"]) == {str(kept.pk), str(dropped.pk)}

    curator_client.post(url, posted | {"mentees": [str(kept.pk)]})

    proposal = Proposal.objects.get(programme=programme)
    assert list(proposal.mentees.values_list("pk", flat=True)) == [kept.pk]
    assert list(proposal.mentors.values_list("pk", flat=True)) == [mentor.pk]


@pytest.mark.django_db
def test_the_count_follows_the_classes_the_categories_and_whom_to_include(curator_client, school):
    programme = programme_of(school)
    mentor = teacher_mentor(school)
    seventh_b = pupils(school, 120, grade=7, letter="Б")
    pupils(school, 130, grade=8, letter="А", last_name="Восьмая")
    pupils(school, 7, grade=8, letter="В", last_name="Вэшка")
    low = MenteeCategory.objects.get(code="low_results")
    for entry in seventh_b[:5]:
        entry.categories.add(low)
    elsewhere = seventh_b[10]
    PairFactory(programme=programme_of(school), mentor=mentor, mentees=[elsewhere])

    assert "Найдено: 257" in found(curator_client, programme)
    assert "Найдено: 120" in found(curator_client, programme, **{"mentee-grade": 7})
    assert "Найдено: 127" in found(
        curator_client, programme, **{"mentee-grade": 7, "mentee-school_class": "8В"}
    )
    assert "Найдено: 137" in found(curator_client, programme, **{"mentee-school_class": "8 «А», 8в"})
    assert "Найдено: 5" in found(curator_client, programme, **{"mentee-category": low.pk})
    # Those who wait go to the run; the one paired in another programme only when asked for.
    waiting = found(curator_client, programme, **{"mentee-grade": 7})
    assert "в подбор войдут: 119" in waiting and "Уже в паре другой программы — 1" in waiting
    also = found(curator_client, programme, **{"mentee-grade": 7, "mentee-scope": "elsewhere"})
    assert "в подбор войдут: 120" in also


@pytest.mark.django_db
def test_the_run_takes_exactly_whom_the_filter_found(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school, capacity=10)
    pupils(school, 150, grade=7)
    eighth = pupils(school, 60, grade=8, last_name="Восьмая")
    url = reverse("matching_start", args=[programme.pk])
    posted = as_posted(curator_client.get(url, {"mentee-grade": 8}).content.decode())

    curator_client.post(url, posted)

    proposal = Proposal.objects.get(programme=programme)
    assert set(proposal.mentees.values_list("pk", flat=True)) == {entry.pk for entry in eighth}


@pytest.mark.django_db
def test_show_applies_the_filter_proposes_nothing_and_ticks_the_new_list(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)
    pupils(school, 3, grade=7)
    eighth = pupils(school, 2, grade=8, last_name="Восьмая")
    url = reverse("matching_start", args=[programme.pk])
    posted = as_posted(curator_client.get(url).content.decode())

    response = curator_client.post(url, posted | {"mentee-grade": ["8"], "show": "1"})

    assert response.status_code == 200 and not Proposal.objects.exists()
    assert set(as_posted(response.content.decode())["mentees"]) == {str(entry.pk) for entry in eighth}


@pytest.mark.django_db
def test_a_wrong_class_in_the_filter_is_said_in_russian_and_proposes_nothing(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)
    pupils(school, 3)
    url = reverse("matching_start", args=[programme.pk])
    posted = as_posted(curator_client.get(url).content.decode())

    response = curator_client.post(url, posted | {"mentee-school_class": "7Б, 15"})

    assert response.status_code == 200
    assert "«15» — не класс" in response.content.decode()
    assert (
        "В отборе наставляемых ошибка: исправьте её, она указана у поля отбора." in response.content.decode()
    )
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_a_filter_never_finds_another_schools_people(curator_client, school, other_school):
    programme = programme_of(school)
    teacher_mentor(school)
    pupils(school, 2, grade=7, last_name="Своя")
    theirs = pupils(other_school, 130, grade=7, last_name="Чужая")
    low = MenteeCategory.objects.get(code="low_results")
    theirs[0].categories.add(low)
    teacher_mentor(other_school, last_name="Чужова")

    assert "Найдено: 0" in found(curator_client, programme, **{"mentee-q": "Чужая"})
    assert "Найдено: 0" in found(curator_client, programme, **{"mentee-category": low.pk})
    assert "Найдено: 2" in found(curator_client, programme, **{"mentee-grade": 7})
    url = reverse("matching_start", args=[programme.pk])
    posted = as_posted(curator_client.get(url, {"mentee-grade": 7}).content.decode())
    # Ticks of another school's pupils are refused, not quietly added.
    response = curator_client.post(url, posted | {"mentees": [str(theirs[1].pk)]})
    assert "Отмеченного наставляемого нет в базе этой школы." in response.content.decode()
    curator_client.post(url, {key: value for key, value in posted.items() if key != "mentee-listed"})
    proposal = Proposal.objects.get(programme=programme)
    assert not proposal.mentees.filter(school=other_school).exists()
    assert not proposal.mentors.filter(school=other_school).exists()


@pytest.mark.django_db
def test_the_count_runs_the_same_queries_for_few_candidates_and_for_many(
    curator_client, school, django_assert_num_queries
):
    programme = programme_of(school)
    teacher_mentor(school)
    pupils(school, 3)
    with django_assert_num_queries(11) as few:
        found(curator_client, programme, **{"mentee-grade": 7})
    pupils(school, 300, last_name="Новая")

    with django_assert_num_queries(len(few.captured_queries)):
        found(curator_client, programme, **{"mentee-grade": 7})


# The survey's chooser «вручную» and the forms that add a person to a base: a search, not a list of everyone.


def people(school, count: int, *, last_name: str = "Ученикова") -> list[Person]:
    return Person.objects.bulk_create(
        Person(school=school, kind=Person.Kind.PUPIL, last_name=f"{last_name}{n}", first_name="Анна", grade=7)
        for n in range(count)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/surveys/new/", "/surveys/{survey}/", "/mentors/new/", "/mentees/new/"])
def test_the_forms_choosing_a_person_weigh_the_same_for_20_people_and_for_1000(curator_client, school, url):
    url = url.format(survey=SurveyFactory(school=school).pk)
    people(school, 20)
    few = curator_client.get(url).content.decode()

    people(school, 980, last_name="Новикова")
    many = curator_client.get(url).content.decode()

    assert "Новикова" not in many and "Ученикова1" not in many
    assert abs(len(many) - len(few)) < 100


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/surveys/people/", "/mentors/new/people/", "/mentees/new/people/"])
def test_the_search_for_a_person_finds_only_the_schools_own(curator_client, school, other_school, url):
    ours = people(school, 12, last_name="Соколова")
    people(other_school, 3, last_name="Соколова")

    page = curator_client.get(url, {"q": "соколова"}).content.decode()

    assert len(set(re.findall(r"Соколова\d+", page))) == 10  # the first ten, not the whole school
    assert f'value="{ours[0].pk}"' in page or f"pick={ours[0].pk}" in page
    assert "Соколова" not in curator_client.get(url, {"q": "Чужая"}).content.decode()


@pytest.mark.django_db
def test_adding_a_person_by_hand_to_a_survey_adds_only_one_of_the_school(
    curator_client, school, other_school
):
    ours, theirs = people(school, 1)[0], people(other_school, 1, last_name="Чужая")[0]

    chosen = curator_client.get("/surveys/people/", {"pick": ours.pk})

    assert f'name="who-people" value="{ours.pk}"' in chosen.content.decode()
    assert curator_client.get("/surveys/people/", {"pick": theirs.pk}).status_code == 404
    assert curator_client.get("/surveys/people/", {"pick": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_base_search_leaves_out_those_already_in_the_base(curator_client, school):
    free, taken = people(school, 2, last_name="Соколова")
    MenteeEntry.objects.create(school=school, person=taken, reported_by=MenteeEntry.ReportedBy.CLASS_TEACHER)

    page = curator_client.get("/mentees/new/people/", {"q": "Соколова"}).content.decode()

    assert f'value="{free.pk}"' in page and f'value="{taken.pk}"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in Role.values if role != Role.CURATOR])
@pytest.mark.parametrize(
    "url",
    ["/surveys/people/?q=Соколова", "/mentees/new/people/?q=Соколова", "/mentors/new/people/?q=Соколова"],
)
def test_only_the_curator_searches_the_people_to_add(client_as, school, role, url):
    people(school, 2, last_name="Соколова")

    response = client_as(role, school).get(url)

    assert response.status_code in (403, 404) and "Соколова" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in Role.values if role != Role.CURATOR])
def test_only_the_curator_counts_the_candidates_of_a_matching_filter(client_as, school, role):
    programme = programme_of(school)
    pupils(school, 2)

    response = found(client_as(role, school), programme, expect=None)

    assert response.status_code in (403, 404) and "Найдено" not in response.content.decode()


@pytest.mark.django_db
def test_the_mentors_are_filtered_by_who_they_are(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)
    staff = teacher_mentor(school, last_name="Соцпедагогова")
    Person.objects.filter(pk=staff.person_id).update(kind=Person.Kind.STAFF)

    response = curator_client.get(reverse("matching_start", args=[programme.pk]), {"mentor-kind": "staff"})

    mentors = response.context["lists"][0]
    assert [row.pk for row in mentors.rows] == [staff.pk]
    assert "Найдено: 1" in response.content.decode()


@pytest.mark.django_db
def test_more_people_by_hand_than_a_survey_takes_are_refused_with_a_hint(school):
    chosen = people(school, MAX_CHOSEN + 1)
    data = QueryDict(mutable=True)
    data.update({"who-chooser": "hand"})
    data.setlist("who-people", [str(person.pk) for person in chosen])

    form = RespondentsForm(data, school=school, prefix="who")

    assert not form.is_valid()
    assert form.errors["people"] == [
        f"Вручную добавляется не больше {MAX_CHOSEN} участников: выберите класс или базу."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/surveys/people/", "/mentees/new/people/"])
def test_the_search_runs_the_same_queries_for_a_small_school_and_a_large_one(
    curator_client, school, url, django_assert_num_queries
):
    people(school, 12, last_name="Соколова")
    curator_client.get(url, {"q": "Соколова"})  # the session and the user, once
    with django_assert_num_queries(4) as few:
        curator_client.get(url, {"q": "Соколова"})
    people(school, 1_000, last_name="Соколова")

    with django_assert_num_queries(len(few.captured_queries)):
        curator_client.get(url, {"q": "Соколова"})
