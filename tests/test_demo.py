import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from mentoring import demo
from mentoring.management.commands.build_municipality import Command as BuildMunicipality
from mentoring.models import (
    Consent,
    Membership,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    Role,
    User,
)
from programs.models import MentoringForm, RoleModel

DEMO_ACCOUNTS = {
    "coordinator": Role.COORDINATOR,
    "director": Role.DIRECTOR,
    "curator": Role.CURATOR,
    "mentor": Role.MENTOR,
    "mentee": Role.MENTEE,
    "teacher": Role.TEACHER,
    "psychologist": Role.PSYCHOLOGIST,
    "curator2": Role.CURATOR,
}


@pytest.fixture
def demo_department(db) -> Organisation:
    call_command("demo", stdout=io.StringIO())
    return demo.find_department(demo.DEMO)


def counts() -> dict[str, int]:
    models = (Organisation, Person, Consent, MentorEntry, MenteeEntry, User, Membership)
    return {model.__name__: model.objects.count() for model in models} | {
        "mentee forms": MenteeEntry.forms.through.objects.count(),
        "mentee categories": MenteeEntry.categories.through.objects.count(),
        "mentor forms": MentorEntry.forms.through.objects.count(),
    }


def test_the_reference_data_is_in_the_database_after_migrate(db):
    assert set(MentoringForm.objects.values_list("code", flat=True)) == {
        "pupil_pupil",
        "teacher_teacher",
        "teacher_pupil",
        "student_pupil",
        "employer_pupil",
    }
    role_models = dict(MentoringForm.objects.annotate(n=Count("role_models")).values_list("code", "n"))
    assert role_models == {
        "pupil_pupil": 4,
        "teacher_teacher": 3,
        "teacher_pupil": 4,
        "student_pupil": 1,
        "employer_pupil": 1,
    }
    assert RoleModel.objects.filter(name="«Опытный педагог – молодой специалист»").exists()
    assert MenteeCategory.objects.count() == 10
    assert MenteeCategory.objects.filter(code="young_teacher").exists()


def test_the_demo_has_schools_with_pupils_and_teachers(demo_department):
    schools = Organisation.objects.schools().filter(department=demo_department)
    assert schools.count() >= 2
    for school in schools:
        assert school.full_name.startswith("Муниципальное")
        assert school.director_name and school.address
        people = Person.objects.filter(school=school)
        assert people.filter(kind=Person.Kind.PUPIL).count() >= 300
        assert people.filter(kind=Person.Kind.TEACHER).count() >= 40
        assert set(people.exclude(grade=None).values_list("grade", flat=True)) == set(range(1, 12))


def test_a_pupils_age_fits_the_grade(demo_department):
    september = demo.academic_year_start(timezone.localdate())
    for pupil in Person.objects.filter(school__department=demo_department, kind=Person.Kind.PUPIL)[:500]:
        assert pupil.age_on(september) == pupil.grade + 6


def test_the_demo_fills_both_bases_partly_and_some_mentees_lack_a_consent(demo_department):
    school = demo_department.schools.order_by("pk").first()
    consent = Exists(Consent.objects.in_force().filter(person=OuterRef("person")))
    mentees = MenteeEntry.objects.for_school(school)
    pupils = Person.objects.filter(school=school, kind=Person.Kind.PUPIL).count()

    assert 0 < mentees.count() < pupils
    assert mentees.filter(consent).exists()
    assert mentees.exclude(consent).exists()
    assert Consent.objects.filter(school=school, revoked_at__isnull=False).exists()
    assert mentees.filter(categories__code="young_teacher", forms__code="teacher_teacher").exists()
    mentors = MentorEntry.objects.for_school(school)
    assert mentors.filter(person__kind=Person.Kind.PUPIL, person__grade__gte=8).exists()
    assert not mentors.filter(person__kind=Person.Kind.PUPIL, person__grade__lt=8).exists()
    assert set(mentors.values_list("status", flat=True)) >= {"candidate", "selected", "trained", "active"}
    assert not Consent.objects.filter(
        school=school, given_by="representative", person__kind="teacher"
    ).exists()


def test_every_demo_account_logs_in_with_demo_and_has_its_role(demo_department, client):
    first, second = demo_department.schools.order_by("pk")[:2]
    for username, role in DEMO_ACCOUNTS.items():
        response = client.post("/accounts/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        assert response["Location"] == "/", username
        client.logout()
        user = User.objects.get(username=username)
        assert user.last_name and user.first_name and user.patronymic
        expected = {"coordinator": demo_department, "curator2": second}.get(username, first)
        assert list(user.memberships.values_list("organisation", "role")) == [(expected.pk, role)]


def test_the_demo_accounts_are_linked_to_fitting_people(demo_department):
    mentor = Person.objects.get(user__username="mentor")
    assert mentor.kind == Person.Kind.TEACHER
    assert mentor.mentor_entry.status == MentorEntry.Status.ACTIVE
    assert mentor.active_consent() is not None
    mentee = Person.objects.get(user__username="mentee")
    assert mentee.kind == Person.Kind.PUPIL
    assert mentee.mentee_entry.status == MenteeEntry.Status.WAITING
    assert mentee.active_consent().given_by == Consent.GivenBy.REPRESENTATIVE
    assert Person.objects.get(user__username="teacher").kind == Person.Kind.TEACHER
    assert Person.objects.get(user__username="psychologist").position == "Педагог-психолог"


def test_running_the_demo_twice_duplicates_nothing(demo_department, capsys):
    before = counts()

    call_command("demo")

    assert "Демо-данные уже загружены." in capsys.readouterr().out
    assert counts() == before


def test_the_demo_reset_rebuilds_it_without_duplicates(demo_department):
    before = counts()

    call_command("demo", "--reset", stdout=io.StringIO())

    assert counts() == before
    assert not Organisation.objects.filter(pk=demo_department.pk).exists()


def test_the_municipality_command_builds_the_requested_size_with_both_bases(db, client, capsys):
    call_command("build_municipality", "--schools", "2", "--pupils", "50", "--teachers", "10")

    assert "Построено за" in capsys.readouterr().out
    department = demo.find_department(demo.BENCH)
    assert department.full_name != demo.DEMO.full_name
    people = Person.objects.filter(school__department=department)
    assert department.schools.count() == 2
    assert people.filter(kind=Person.Kind.PUPIL).count() == 100
    assert people.filter(kind=Person.Kind.TEACHER).count() == 20
    assert MentorEntry.objects.filter(school__department=department).exists()
    assert MenteeEntry.objects.filter(school__department=department).exists()
    assert Consent.objects.filter(school__department=department).exists()
    for username in ("bench_curator", "bench_coordinator"):
        assert client.post("/accounts/login/", {"username": username, "password": "demo"}).status_code == 302
        client.logout()


def test_the_municipality_command_is_idempotent_and_coexists_with_the_demo(demo_department, capsys):
    call_command("build_municipality", "--schools", "1", "--pupils", "20", "--teachers", "5")
    before = counts()

    call_command("build_municipality", "--schools", "1", "--pupils", "20", "--teachers", "5")
    assert "уже построен" in capsys.readouterr().out
    assert counts() == before

    call_command("build_municipality", "--schools", "1", "--pupils", "20", "--teachers", "5", "--reset")
    assert counts() == before
    assert demo.find_department(demo.DEMO) == demo_department


def test_the_municipality_defaults_are_fifteen_schools_of_a_thousand_pupils_and_a_hundred_teachers():
    options = BuildMunicipality().create_parser("manage.py", "build_municipality").parse_args([])

    assert (options.schools, options.pupils, options.teachers) == (15, 1000, 100)
