import pytest
from django.core.exceptions import ValidationError

from mentoring.models import Organisation, Person, Role, parse_school_class

from .factories import DepartmentFactory, PersonFactory, SchoolFactory


def test_it_shows_a_curator_the_people_of_its_own_school_only(make_user, school, other_school):
    own = PersonFactory(school=school)
    PersonFactory(school=other_school)
    curator = make_user(Role.CURATOR, school)

    assert list(Person.objects.visible_to(curator)) == [own]
    assert list(Person.objects.editable_by(curator)) == [own]


def test_it_lets_a_coordinator_read_every_school_of_its_department_and_write_none(make_user, db):
    department = DepartmentFactory()
    first, second = SchoolFactory(department=department), SchoolFactory(department=department)
    foreign = PersonFactory(school=SchoolFactory())
    people = [PersonFactory(school=first), PersonFactory(school=second)]
    coordinator = make_user(Role.COORDINATOR, department)

    assert set(Person.objects.visible_to(coordinator)) == set(people)
    assert foreign not in Person.objects.visible_to(coordinator)
    assert not Person.objects.editable_by(coordinator).exists()


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER])
def test_it_hides_the_bases_from_roles_that_do_not_keep_them(make_user, school, role):
    PersonFactory(school=school)
    user = make_user(role, school)

    assert not Person.objects.visible_to(user).exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_it_lets_the_director_and_psychologist_read_but_not_write_the_bases(make_user, school, role):
    PersonFactory(school=school)
    user = make_user(role, school)

    assert Person.objects.visible_to(user).count() == 1
    assert not Person.objects.editable_by(user).exists()


def test_it_gives_an_anonymous_visitor_nothing(db, school):
    from django.contrib.auth.models import AnonymousUser

    PersonFactory(school=school)
    assert not Organisation.objects.readable_by(AnonymousUser()).exists()
    assert not Person.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7Б", (7, "Б")), ("7 «б»", (7, "Б")), ("11-А", (11, "А")), ("5", (5, "")), (' 10 "В" ', (10, "В"))],
)
def test_it_reads_a_class_as_schools_write_it(text, expected):
    assert parse_school_class(text) == expected


@pytest.mark.parametrize("text", ["", "12А", "0Б", "седьмой", "7БВ", "7Z"])
def test_it_refuses_a_class_that_is_no_class(text):
    with pytest.raises(ValidationError):
        parse_school_class(text)
