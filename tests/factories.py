import datetime

import factory
from django.contrib.auth.hashers import make_password

from mentoring.models import (
    Consent,
    Membership,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    User,
)

# Hashing once keeps the suite fast; every test account's password is «demo».
DEMO_PASSWORD_HASH = make_password("demo")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.DEPARTMENT
    full_name = factory.Sequence(lambda n: f"Управление образования муниципального образования № {n}")
    short_name = factory.Sequence(lambda n: f"Управление образования № {n}")
    director_name = "Петрова Ольга Ивановна"
    director_position = "Начальник управления"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SCHOOL
    department = factory.SubFactory(DepartmentFactory)
    full_name = factory.Sequence(
        lambda n: f"Муниципальное бюджетное общеобразовательное учреждение «Школа № {n}»"
    )
    short_name = factory.Sequence(lambda n: f"МБОУ «Школа № {n}»")
    director_name = "Смирнов Андрей Викторович"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Анна"
    last_name = "Иванова"
    password = DEMO_PASSWORD_HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(SchoolFactory)
    role = "curator"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    school = factory.SubFactory(SchoolFactory)
    last_name = factory.Iterator(["Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов"])
    first_name = factory.Iterator(["Артём", "Максим", "Иван", "Михаил", "Даниил"])
    patronymic = "Сергеевич"
    birth_date = datetime.date(2012, 5, 17)
    kind = Person.Kind.PUPIL
    grade = 7
    class_letter = "Б"


class TeacherFactory(PersonFactory):
    kind = Person.Kind.TEACHER
    last_name = "Орлова"
    first_name = "Елена"
    patronymic = "Викторовна"
    birth_date = datetime.date(1985, 3, 2)
    grade = None
    class_letter = ""
    position = "Учитель математики"
    subjects = "Математика"
    experience_years = 15


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    school = factory.SelfAttribute("person.school")
    given_by = Consent.GivenBy.REPRESENTATIVE
    representative_name = "Иванова Мария Петровна"
    representative_relation = "мать"
    date = datetime.date(2026, 9, 1)


class MentorEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorEntry

    person = factory.SubFactory(TeacherFactory)
    school = factory.SelfAttribute("person.school")
    status = MentorEntry.Status.SELECTED
    competencies = "Подготовка к олимпиадам"
    capacity = 2


class MenteeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenteeEntry

    person = factory.SubFactory(PersonFactory)
    school = factory.SelfAttribute("person.school")
    request = "Подтянуть математику"
    reported_by = MenteeEntry.ReportedBy.CLASS_TEACHER
