"""Generated data: the demo department of `manage.py demo` and the large municipality for benchmarks, each
with its schools' people, bases and consents, and the accounts that act in them.

One generator serves both sizes. Rows are written with bulk_create, which sends no signals: generated
rows get no audit trail, and auditlog is disabled around the rest so nothing here logs either.

What the apps built on the core own (programmes, pairs and groups with their plans and meetings, surveys,
roadmaps) each app generates in its own `demo.py`, which registers a DemoPart; the driver finds them the way
the admin finds `admin.py`, and builds them in order on the department built here. The core imports none
of them.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from faker import Faker
from faker.providers.person.ru_RU import Provider as RussianNames

# A domain rule: an entry of either base records the forms of mentoring it is for.
from programs.models import MentoringForm

from .academic_year import AcademicYear
from .access_log import access_record
from .models import (
    Consent,
    DataAccess,
    Membership,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Nomination,
    Organisation,
    Person,
    Role,
    User,
)

PASSWORD = "demo"
MAIL_DOMAIN = "example.org"
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Municipality:
    full_name: str
    short_name: str
    town: str  # as written in an address: «г. Энск»
    region: str
    postcode: str  # the first three digits; schools add three more
    code: str  # the town in Latin letters: the schools' public pages are /s/ensk-sosh-1/…


DEMO = Municipality(
    full_name="Управление образования администрации города Энска",
    short_name="Управление образования г. Энска",
    town="Энск",
    region="Энская область",
    postcode="187",
    code="ensk",
)
BENCH = Municipality(
    full_name="Управление образования администрации города Верхнеэнска",
    short_name="Управление образования г. Верхнеэнска",
    town="Верхнеэнск",
    region="Энская область",
    postcode="188",
    code="verkhneensk",
)
DEMO_SIZE = {"schools": 3, "pupils_per_school": 360, "teachers_per_school": 45}
BENCH_SIZE = {"schools": 15, "pupils_per_school": 1000, "teachers_per_school": 100}
DEMO_SEED, BENCH_SEED = 2026, 15


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Faker's ru_RU first names are drawn uniformly from long lists full of rare old names (Автоном, Аггей),
# which would make the demo look fake; first names and patronymics therefore come from these lists of
# common ones, and only surnames (male and female forms side by side) come from Faker.
CHILD_NAMES_MALE = words(
    "Артём Александр Максим Михаил Иван Даниил Дмитрий Кирилл Матвей Андрей Егор Никита Илья Алексей "
    "Тимофей Роман Марк Сергей Владимир Ярослав Фёдор Лев Глеб Степан Тимур Арсений Денис Богдан Павел "
    "Георгий"
)
CHILD_NAMES_FEMALE = words(
    "Анастасия Мария Анна Виктория Полина София Дарья Алиса Елизавета Екатерина Ксения Варвара Ева "
    "Александра Вероника Арина Валерия Милана Кира Ульяна Василиса Алёна Таисия Злата Юлия Маргарита "
    "Диана Есения Вера Агата"
)
ADULT_NAMES_FEMALE = words(
    "Елена Ольга Наталья Татьяна Ирина Светлана Анна Юлия Марина Екатерина Людмила Галина Надежда Оксана "
    "Мария Валентина Лариса Любовь Вера Нина Евгения Анастасия Дарья Ксения Алёна Виктория Маргарита Жанна "
    "Инна Кристина"
)
# A man's name and the patronymics it gives his son and his daughter.
PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Антон": ("Антонович", "Антоновна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Валерий": ("Валерьевич", "Валерьевна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Виталий": ("Витальевич", "Витальевна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Иван": ("Иванович", "Ивановна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"),
    "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"),
    "Максим": ("Максимович", "Максимовна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"),
    "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Роман": ("Романович", "Романовна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Станислав": ("Станиславович", "Станиславовна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
}
ADULT_NAMES_MALE = tuple(PATRONYMICS)
FEMALE_SURNAME = dict(zip(RussianNames.last_names_male, RussianNames.last_names_female, strict=True))
STREETS = words(
    "Ленина Советская Школьная Мира Гагарина Молодёжная Садовая Пушкина Комсомольская Октябрьская "
    "Первомайская Строителей Набережная Лесная Юбилейная"
)
LETTERS = "АБВ"

# The first posts of every school, so that each has a curator and a psychologist to give accounts to.
DEPUTY, PSYCHOLOGIST, SOCIAL_PEDAGOGUE = range(3)
FIXED_POSTS = (
    ("Заместитель директора по учебно-воспитательной работе", "Математика"),
    ("Педагог-психолог", ""),
    ("Социальный педагог", ""),
    ("Заместитель директора по воспитательной работе", "История, обществознание"),
)
# (position, subjects, weight)
TEACHER_POSTS = (
    ("Учитель начальных классов", "Начальные классы", 20),
    ("Учитель русского языка и литературы", "Русский язык, литература", 12),
    ("Учитель математики", "Математика", 10),
    ("Учитель английского языка", "Английский язык", 8),
    ("Учитель истории и обществознания", "История, обществознание", 6),
    ("Учитель физической культуры", "Физическая культура", 5),
    ("Учитель физики", "Физика", 3),
    ("Учитель химии", "Химия", 3),
    ("Учитель биологии", "Биология", 3),
    ("Учитель географии", "География", 3),
    ("Учитель информатики", "Информатика", 3),
    ("Учитель труда (технологии)", "Труд (технология)", 3),
    ("Учитель музыки", "Музыка", 2),
    ("Учитель изобразительного искусства", "Изобразительное искусство", 2),
    ("Педагог дополнительного образования", "Робототехника", 2),
    ("Учитель немецкого языка", "Немецкий язык", 1),
    ("Преподаватель-организатор ОБЗР", "Основы безопасности и защиты Родины", 1),
    ("Учитель-логопед", "", 1),
)
PUPIL_SUBJECTS = (
    "математике",
    "русскому языку",
    "английскому языку",
    "физике",
    "химии",
    "биологии",
    "истории",
    "информатике",
)
TEACHER_COMPETENCIES = (
    "Подготовка к олимпиадам",
    "Проектная и исследовательская деятельность",
    "Подготовка к ОГЭ и ЕГЭ",
    "Работа с детьми с ОВЗ",
    "Классное руководство",
    "Цифровые образовательные ресурсы",
    "Методика преподавания предмета",
    "Организация внеурочной деятельности",
    "Профилактика правонарушений",
    "Работа с родителями",
    "Формирование функциональной грамотности",
)
TEACHER_ACHIEVEMENTS = (
    "Победитель муниципального конкурса «Учитель года»",
    "Почётная грамота управления образования",
    "Подготовил призёров регионального этапа всероссийской олимпиады школьников",
    "Руководитель школьного методического объединения",
    "Эксперт предметной комиссии ОГЭ",
    "Автор методических разработок уроков",
)
PUPIL_COMPETENCIES = (
    "Отличная успеваемость по {subject}",
    "Призёр муниципального этапа олимпиады по {subject}",
    "Член совета обучающихся",
    "Волонтёр школьного отряда",
    "Организатор школьных мероприятий",
    "Помогает одноклассникам готовиться к контрольным по {subject}",
)
INTERESTS = words(
    "туризм шахматы театр краеведение робототехника волонтёрство чтение футбол баскетбол музыка "
    "фотография программирование рисование танцы"
)
# A mentee category of a pupil: weight, requests, who usually reports it, forms that fit it.
PUPIL_CATEGORIES = {
    "low_results": (
        30,
        (
            "Подтянуть знания по {subject}: неудовлетворительные оценки за четверть",
            "Пробелы в знаниях по {subject}, трудности с домашними заданиями",
        ),
        ("class_teacher", "parents"),
        ("pupil_pupil", "teacher_pupil"),
    ),
    "high_ability": (
        15,
        ("Подготовка к олимпиаде по {subject}", "Нужен руководитель исследовательского проекта по {subject}"),
        ("class_teacher", "parents"),
        ("teacher_pupil",),
    ),
    "not_included": (
        12,
        ("Не участвует в жизни класса, нужна помощь во включении в коллектив",),
        ("psychologist", "class_teacher"),
        ("pupil_pupil",),
    ),
    "behaviour": (
        10,
        ("Конфликты с одноклассниками, нарушения дисциплины на уроках",),
        ("class_teacher", "social_pedagogue"),
        ("teacher_pupil",),
    ),
    "newcomer": (
        10,
        ("Перешёл из другой школы, нужна адаптация в классе",),
        ("class_teacher", "parents"),
        ("pupil_pupil",),
    ),
    "hardship": (
        8,
        ("Поддержка в трудной жизненной ситуации, мотивация к учёбе",),
        ("social_pedagogue",),
        ("teacher_pupil",),
    ),
    "disability": (
        8,
        ("Сопровождение по рекомендации ПМПК, помощь в освоении адаптированной программы",),
        ("psychologist",),
        ("teacher_pupil",),
    ),
    "prevention_register": (
        7,
        (
            "Состоит на внутришкольном учёте: индивидуальная профилактическая работа",
            "Пропуски уроков без уважительной причины",
        ),
        ("social_pedagogue",),
        ("teacher_pupil",),
    ),
}
MENTOR_STATUSES = (
    (MentorEntry.Status.CANDIDATE, 15),
    (MentorEntry.Status.SELECTED, 20),
    (MentorEntry.Status.TRAINED, 20),
    (MentorEntry.Status.ACTIVE, 42),
    (MentorEntry.Status.LEFT, 3),
)
QUALIFICATIONS = (
    (Person.Category.HIGHEST, 35),
    (Person.Category.FIRST, 35),
    (Person.Category.CONFORMITY, 15),
    (Person.Category.NONE, 15),
)
# Shares of the people.
PUPIL_MENTOR_SHARE = 0.12  # of pupils of grades 8-11
PUPIL_MENTEE_SHARE = 0.15
TEACHER_MENTOR_SHARE = 0.33  # of teachers who are neither young nor on a fixed post
YOUNG_TEACHER_SHARE = 0.1
PUPIL_CONSENT_SHARE = 0.78  # then revoked 4%, missing the rest
PUPIL_REVOKED_SHARE = 0.04
TEACHER_CONSENT_SHARE = 0.97


def full_name(last: str, first: str, patronymic: str) -> str:
    return f"{last} {first} {patronymic}"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def moment_on(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """`day` at `hour`:`minute` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# What a part of the apps built, by a label of the summary: «пар и групп: 92».
Counts = dict[str, int]


@dataclass
class BuiltSchool:
    """A generated school, the people the named accounts are given to, and the accounts that act in its
    generated history (form, approve and start its pairs, run its surveys); a school without them has none."""

    school: Organisation
    director: tuple[str, str, str]
    deputy: Person | None = None  # the curator of mentoring
    psychologist: Person | None = None
    mentor: Person | None = None  # an active teacher mentor with a consent
    mentee: Person | None = None  # a waiting pupil mentee of grades 5-8 with a representative's consent
    teacher: Person | None = None  # a teacher in neither base
    curator_user: User | None = None
    director_user: User | None = None


@dataclass
class BuiltDepartment:
    department: Organisation
    schools: list[BuiltSchool] = field(default_factory=list)
    coordinator: tuple[str, str, str] = ("", "", "")  # a specialist of the department, not its head
    coordinator_user: User | None = None
    # The demo's school of the named accounts, whose mentor and mentee are shown this year's work; None in
    # the benchmarks' municipality, which has years of history instead.
    showcase: BuiltSchool | None = None
    counts: Counts = field(default_factory=dict)


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    organisation: Organisation
    person: Person | None = None
    name: tuple[str, str, str] | None = None  # (last, first, patronymic) of an account without a person


@dataclass
class _Row:
    """An entry of a base before it is saved, with what its M2M fields will hold."""

    entry: MentorEntry | MenteeEntry
    forms: list[MentoringForm]
    categories: list[MenteeCategory] = field(default_factory=list)


@dataclass(eq=False)  # compared by identity: `in` a list of them
class _Pupil:
    person: Person
    surnames: tuple[str, str]  # the family's surname, male and female
    father: str


@dataclass(eq=False)
class _Teacher:
    person: Person
    young: bool
    fixed: bool  # holds one of FIXED_POSTS


class _Generator:
    def __init__(self, municipality: Municipality, seed: int) -> None:
        self.municipality = municipality
        self.rng = random.Random(seed)
        self.fake = Faker("ru_RU")
        self.fake.seed_instance(seed)
        self.today = timezone.localdate()
        self.year_start = AcademicYear.containing(self.today).start
        self.forms = {f.code: f for f in MentoringForm.objects.all()}
        self.categories = {c.code: c for c in MenteeCategory.objects.all()}
        if len(self.forms) < 5 or len(self.categories) < 10:
            raise RuntimeError(
                "Нет справочников форм наставничества и категорий: выполните manage.py migrate."
            )

    # Names and dates

    def surnames(self) -> tuple[str, str]:
        male = self.fake.last_name_male()
        return male, FEMALE_SURNAME[male]

    def patronymic(self, female: bool) -> str:
        return PATRONYMICS[self.rng.choice(ADULT_NAMES_MALE)][female]

    def adult(self, female: bool) -> tuple[str, str, str]:
        surname = self.surnames()[female]
        first = self.rng.choice(ADULT_NAMES_FEMALE if female else ADULT_NAMES_MALE)
        return surname, first, self.patronymic(female)

    def birth_date(self, age: int) -> datetime.date:
        """A birth date that makes the person `age` years old on the first day of the school year."""
        earliest = self.year_start.replace(year=self.year_start.year - age - 1) + days(1)
        return earliest + days(self.rng.randrange(365))

    def this_year(self, within_days: int) -> datetime.date:
        """A day early in the school year, never in the future."""
        return min(self.today, self.year_start + days(self.rng.randrange(within_days)))

    def phone(self) -> str:
        r = self.rng.randint
        return f"+7 9{r(10, 99)} {r(100, 999)}-{r(10, 99)}-{r(10, 99)}"

    def weighted(self, choices: Sequence[tuple]):
        return self.rng.choices([c[0] for c in choices], weights=[c[-1] for c in choices])[0]

    # Organisations

    def department(self) -> Organisation:
        m = self.municipality
        return Organisation.objects.create(
            kind=Organisation.Kind.DEPARTMENT,
            full_name=m.full_name,
            short_name=m.short_name,
            director_name=full_name(*self.adult(female=True)),
            director_position="Начальник управления образования",
            address=f"{m.postcode}000, {m.region}, г. {m.town}, ул. Советская, д. 1",
            locality=f"г. {m.town}",
            phone=f"+7 (81{self.rng.randint(10, 99)}) 2{self.rng.randint(1, 9)}-00-01",
        )

    def school(self, department: Organisation, number: int) -> tuple[Organisation, tuple[str, str, str]]:
        m = self.municipality
        # Most schools of a town are secondary schools; some are gymnasiums and lyceums.
        kind = {2: "Гимназия", 5: "Лицей"}.get(number % 7)
        slug = {"Гимназия": "gimnaziya", "Лицей": "licej"}.get(kind, "sosh")
        if kind:
            full = f"Муниципальное автономное общеобразовательное учреждение «{kind} № {number}»"
            short = f"МАОУ «{kind} № {number}»"
        else:
            full = (
                "Муниципальное бюджетное общеобразовательное учреждение "
                f"«Средняя общеобразовательная школа № {number}»"
            )
            short = f"МБОУ СОШ № {number}"
        director = self.adult(female=self.rng.random() < 0.6)
        school = Organisation(
            kind=Organisation.Kind.SCHOOL,
            department=department,
            full_name=full,
            short_name=short,
            director_name=full_name(*director),
            director_position="Директор",
            address=(
                f"{m.postcode}{self.rng.randint(1, 99):03d}, {m.region}, г. {m.town}, "
                f"ул. {self.rng.choice(STREETS)}, д. {self.rng.randint(1, 120)}"
            ),
            locality=f"г. {m.town}",
            phone=f"+7 (81{self.rng.randint(10, 99)}) {self.rng.randint(20, 79)}-{number:02d}-{number:02d}",
            email=f"school{number}@edu.example.ru",
            public_slug=f"{m.code}-{slug}-{number}",
        )
        return school, director

    # People

    def pupils(self, school: Organisation, count: int) -> list[_Pupil]:
        pupils = []
        for grade in range(1, 12):
            in_grade = count // 11 + (1 if grade <= count % 11 else 0)
            letters = LETTERS[: min(len(LETTERS), max(1, math.ceil(in_grade / 30)))]
            for i in range(in_grade):
                female = self.rng.random() < 0.5
                surnames = self.surnames()
                father = self.rng.choice(ADULT_NAMES_MALE)
                person = Person(
                    school=school,
                    kind=Person.Kind.PUPIL,
                    last_name=surnames[female],
                    first_name=self.rng.choice(CHILD_NAMES_FEMALE if female else CHILD_NAMES_MALE),
                    patronymic=PATRONYMICS[father][female],
                    birth_date=self.birth_date(6 + grade),
                    grade=grade,
                    class_letter=letters[i * len(letters) // in_grade],
                )
                pupils.append(_Pupil(person, surnames, father))
        return pupils

    def teachers(self, school: Organisation, count: int) -> list[_Teacher]:
        posts = [p[:2] for p in TEACHER_POSTS]
        weights = [p[2] for p in TEACHER_POSTS]
        teachers = []
        for i in range(count):
            fixed = i < len(FIXED_POSTS)
            position, subjects = FIXED_POSTS[i] if fixed else self.rng.choices(posts, weights)[0]
            young = not fixed and self.rng.random() < YOUNG_TEACHER_SHARE
            if young:
                age, experience = self.rng.randint(22, 30), self.rng.randint(0, 2)
            else:
                # The deputies, the psychologist and the social pedagogue are experienced staff.
                age = self.rng.randint(32 if fixed else 25, 64)
                experience = self.rng.randint(8 if fixed else 3, age - 22)
            last, first, patronymic = self.adult(female=self.rng.random() < 0.8)
            person = Person(
                school=school,
                kind=Person.Kind.TEACHER,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                birth_date=self.birth_date(age),
                position=position,
                subjects=subjects,
                experience_years=experience,
                qualification_category=Person.Category.NONE
                if experience < 2
                else self.weighted(QUALIFICATIONS),
                phone=self.phone(),
            )
            teachers.append(_Teacher(person, young, fixed))
        return teachers

    # The bases

    def mentor_status(self, showcase: bool) -> str:
        return MentorEntry.Status.ACTIVE if showcase else self.weighted(MENTOR_STATUSES)

    def mentor_entry(self, person: Person, showcase: bool = False) -> _Row:
        status = self.mentor_status(showcase)
        trained = status in (MentorEntry.Status.TRAINED, MentorEntry.Status.ACTIVE)
        if person.kind == Person.Kind.TEACHER:
            forms = ["teacher_pupil"]
            if person.experience_years >= 5 and self.rng.random() < 0.6:
                forms.append("teacher_teacher")
            competencies = "; ".join(self.rng.sample(TEACHER_COMPETENCIES, self.rng.randint(2, 3)))
            achievements = "; ".join(self.rng.sample(TEACHER_ACHIEVEMENTS, self.rng.randint(0, 2)))
            subjects, capacity = person.subjects, 3 if showcase else self.rng.randint(1, 3)
        else:
            forms = ["pupil_pupil"]
            subject = self.rng.choice(PUPIL_SUBJECTS)
            competencies = "; ".join(
                c.format(subject=subject) for c in self.rng.sample(PUPIL_COMPETENCIES, self.rng.randint(1, 2))
            )
            achievements, subjects, capacity = "", "", self.rng.randint(1, 3)
        entry = MentorEntry(
            school=person.school,
            person=person,
            status=status,
            competencies=competencies,
            achievements=achievements,
            subjects=subjects,
            interests=", ".join(self.rng.sample(INTERESTS, self.rng.randint(1, 3))).capitalize(),
            capacity=capacity,
            trained_on=self.year_start - days(self.rng.randrange(30, 400)) if trained else None,
            included_on=self.this_year(60),
        )
        return _Row(entry, [self.forms[code] for code in forms])

    def pupil_mentee_entry(self, person: Person, showcase: bool = False) -> _Row:
        # The demo's mentee account works with the demo's teacher mentor.
        codes = [
            c
            for c in PUPIL_CATEGORIES
            if (c != "prevention_register" or person.grade >= 5)
            and (not showcase or "teacher_pupil" in PUPIL_CATEGORIES[c][3])
        ]
        weights = [PUPIL_CATEGORIES[c][0] for c in codes]
        categories = list(
            dict.fromkeys(self.rng.choices(codes, weights, k=1 if self.rng.random() < 0.75 else 2))
        )
        _, requests, reporters, forms = PUPIL_CATEGORIES[categories[0]]
        forms = ["teacher_pupil"] if showcase else [self.rng.choice(forms)]
        if person.grade >= 9 and self.rng.random() < 0.25:
            forms.append(self.rng.choice(("student_pupil", "employer_pupil")))  # career guidance
        left = not showcase and self.rng.random() < 0.05
        entry = MenteeEntry(
            school=person.school,
            person=person,
            status=MenteeEntry.Status.LEFT if left else MenteeEntry.Status.WAITING,
            request=self.rng.choice(requests).format(subject=self.rng.choice(PUPIL_SUBJECTS)),
            reported_by=self.rng.choice(reporters),
            interests=", ".join(self.rng.sample(INTERESTS, self.rng.randint(1, 2))).capitalize(),
            note="Переведён в другую школу" if left else "",
            included_on=self.this_year(60),
        )
        return _Row(entry, [self.forms[c] for c in forms], [self.categories[c] for c in categories])

    def teacher_mentee_entry(self, teacher: _Teacher) -> _Row:
        if teacher.young:
            categories = ["young_teacher"] + (["newcomer"] if self.rng.random() < 0.3 else [])
            request = "Методика проведения урока, ведение документации, дисциплина в классе"
        else:
            categories = ["low_results_teacher"]
            request = "Повышение образовательных результатов обучающихся, самоанализ урока"
        entry = MenteeEntry(
            school=teacher.person.school,
            person=teacher.person,
            request=request,
            reported_by=MenteeEntry.ReportedBy.ADMINISTRATION,
            included_on=self.this_year(30),
        )
        return _Row(entry, [self.forms["teacher_teacher"]], [self.categories[c] for c in categories])

    def representative_consent(self, pupil: _Pupil, showcase: bool) -> Consent | None:
        roll = 0.0 if showcase else self.rng.random()
        if roll >= PUPIL_CONSENT_SHARE + PUPIL_REVOKED_SHARE:
            return None
        male_surname, female_surname = pupil.surnames
        if self.rng.random() < 0.7:
            name = full_name(female_surname, self.rng.choice(ADULT_NAMES_FEMALE), self.patronymic(True))
            relation = "мать"
        else:
            name, relation = full_name(male_surname, pupil.father, self.patronymic(False)), "отец"
        consent = Consent(
            school=pupil.person.school,
            person=pupil.person,
            given_by=Consent.GivenBy.REPRESENTATIVE,
            representative_name=name,
            representative_relation=relation,
            date=self.this_year(40),
        )
        if roll >= PUPIL_CONSENT_SHARE:
            consent.revoked_at = min(self.today, consent.date + days(self.rng.randint(10, 60)))
            consent.revocation_note = "Заявление родителя (законного представителя) об отзыве согласия"
        return consent

    def own_consent(self, person: Person, showcase: bool) -> Consent | None:
        if not showcase and self.rng.random() >= TEACHER_CONSENT_SHARE:
            return None
        return Consent(
            school=person.school, person=person, given_by=Consent.GivenBy.SELF, date=self.this_year(40)
        )

    def fill_school(self, built: BuiltSchool, pupil_count: int, teacher_count: int) -> None:
        school = built.school
        pupils = self.pupils(school, pupil_count)
        teachers = self.teachers(school, teacher_count)

        pupil_mentors = [p for p in pupils if p.person.grade >= 8 and self.rng.random() < PUPIL_MENTOR_SHARE]
        pupil_mentees = [
            p for p in pupils if p not in pupil_mentors and self.rng.random() < PUPIL_MENTEE_SHARE
        ]
        regular = [t for t in teachers if not t.fixed and not t.young]
        teacher_mentors = [t for t in regular if self.rng.random() < TEACHER_MENTOR_SHARE]
        teacher_mentees = [t for t in teachers if t.young and self.rng.random() < 0.85] + [
            t for t in regular if t not in teacher_mentors and self.rng.random() < 0.04
        ]
        # The first teacher mentor and a pupil mentee of grades 5-8 are shown to the demo's accounts:
        # they are always active or waiting, and have a consent in force.
        showcase_mentee = next((p for p in pupil_mentees if 5 <= p.person.grade <= 8), None)
        built.deputy = teachers[DEPUTY].person if teacher_count > DEPUTY else None
        built.psychologist = teachers[PSYCHOLOGIST].person if teacher_count > PSYCHOLOGIST else None
        built.mentor = teacher_mentors[0].person if teacher_mentors else None
        built.mentee = showcase_mentee.person if showcase_mentee else None
        built.teacher = next(
            (t.person for t in regular if t not in teacher_mentors and t not in teacher_mentees), None
        )
        homerooms(pupils, regular, built.teacher, built.mentee)
        Person.objects.bulk_create(
            [p.person for p in pupils] + [t.person for t in teachers], batch_size=BATCH_SIZE
        )

        mentor_rows = [self.mentor_entry(t.person, showcase=i == 0) for i, t in enumerate(teacher_mentors)]
        mentor_rows += [self.mentor_entry(p.person) for p in pupil_mentors]
        mentee_rows = [
            self.pupil_mentee_entry(p.person, showcase=p is showcase_mentee) for p in pupil_mentees
        ]
        mentee_rows += [self.teacher_mentee_entry(t) for t in teacher_mentees]
        MentorEntry.objects.bulk_create([row.entry for row in mentor_rows], batch_size=BATCH_SIZE)
        MenteeEntry.objects.bulk_create([row.entry for row in mentee_rows], batch_size=BATCH_SIZE)
        link(MentorEntry.forms, [(row.entry, row.forms) for row in mentor_rows])
        link(MenteeEntry.forms, [(row.entry, row.forms) for row in mentee_rows])
        link(MenteeEntry.categories, [(row.entry, row.categories) for row in mentee_rows])

        consents = [
            self.representative_consent(p, p is showcase_mentee) for p in pupil_mentors + pupil_mentees
        ]
        consents += [self.own_consent(t.person, i == 0) for i, t in enumerate(teacher_mentors)]
        consents += [self.own_consent(t.person, False) for t in teacher_mentees]
        if built.teacher is not None:  # the demo's teacher answers questionnaires, as a class teacher
            consents.append(
                Consent(
                    school=school, person=built.teacher, given_by=Consent.GivenBy.SELF, date=self.year_start
                )
            )
        Consent.objects.bulk_create([c for c in consents if c is not None], batch_size=BATCH_SIZE)


def homerooms(
    pupils: list[_Pupil], regular: list[_Teacher], teacher: Person | None, mentee: Person | None
) -> None:
    """Every class gets a class teacher (классный руководитель) of the regular teachers, as many as there
    are; the demo's teacher leads the class of the demo's mentee."""
    classes = sorted({(p.person.grade, p.person.class_letter) for p in pupils})
    if teacher is not None and mentee is not None:
        classes.remove((mentee.grade, mentee.class_letter))
        teacher.homeroom_grade, teacher.homeroom_letter = mentee.grade, mentee.class_letter
    others = [t.person for t in regular if t.person is not teacher]
    for person, (grade, letter) in zip(others, classes, strict=False):
        person.homeroom_grade, person.homeroom_letter = grade, letter


def link(m2m, rows: list[tuple[models.Model, list[models.Model]]]) -> None:
    """Bulk-inserts the rows of an M2M's through model: each saved entry with its targets."""
    through = m2m.through
    source, target = m2m.field.m2m_field_name(), m2m.field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{source: entry, target: t}) for entry, targets in rows for t in targets],
        batch_size=BATCH_SIZE,
    )


def entry_codes(m2m, school: Organisation) -> dict[int, list[str]]:
    """The codes of what an M2M of a base gives each entry of the school: forms or categories."""
    source, target = m2m.field.m2m_field_name(), m2m.field.m2m_reverse_field_name()
    codes: dict[int, list[str]] = defaultdict(list)
    rows = m2m.through.objects.filter(**{f"{source}__school": school})
    for entry, code in rows.values_list(f"{source}_id", f"{target}__code"):
        codes[entry].append(code)
    return codes


# The apps' parts


@dataclass(frozen=True)
class DemoPart:
    """An app's share of the generated data: `build` adds it to the department built by the core, from the
    seed, after the parts named in `after`, and reports its counts."""

    name: str
    build: Callable[[BuiltDepartment, int], Counts]
    after: tuple[str, ...] = ()


PARTS: dict[str, DemoPart] = {}


def register(part: DemoPart) -> None:
    PARTS[part.name] = part


def demo_parts() -> list[DemoPart]:
    """The parts of the installed apps' `demo.py`, each after those it runs after."""
    autodiscover_modules("demo")
    unknown = {name for part in PARTS.values() for name in part.after} - PARTS.keys()
    if unknown:
        raise ImproperlyConfigured(f"Demo parts run after parts nobody registers: {sorted(unknown)}.")
    ordered: list[DemoPart] = []
    pending = sorted(PARTS.values(), key=lambda part: part.name)
    while pending:
        done = {part.name for part in ordered}
        ready = [part for part in pending if done.issuperset(part.after)]
        if not ready:
            raise ImproperlyConfigured(f"Demo parts run after each other: {[p.name for p in pending]}.")
        ordered += ready
        pending = [part for part in pending if part not in ready]
    return ordered


def build_parts(built: BuiltDepartment, seed: int) -> None:
    for part in demo_parts():
        built.counts |= part.build(built, seed)


def find_department(municipality: Municipality) -> Organisation | None:
    return Organisation.objects.filter(
        kind=Organisation.Kind.DEPARTMENT, full_name=municipality.full_name
    ).first()


def build_department(
    municipality: Municipality, *, schools: int, pupils_per_school: int, teachers_per_school: int, seed: int
) -> BuiltDepartment:
    """A department with its schools, pupils and teachers, both bases partly filled, and consents."""
    generator = _Generator(municipality, seed)
    with transaction.atomic(), disable_auditlog():
        department = generator.department()
        built = [BuiltSchool(*generator.school(department, number)) for number in range(1, schools + 1)]
        Organisation.objects.bulk_create([b.school for b in built])
        for school in built:
            generator.fill_school(school, pupils_per_school, teachers_per_school)
    return BuiltDepartment(department, built, coordinator=generator.adult(female=True))


def create_accounts(accounts: Sequence[Account]) -> list[User]:
    """Accounts with the password «demo», named after their person, with an address at a domain reserved for
    examples (RFC 2606), so that the reminders print real letters and reach no one; an existing username is
    taken over."""
    password = make_password(PASSWORD)
    users = []
    with transaction.atomic(), disable_auditlog():
        for account in accounts:
            person = account.person
            last, first, patronymic = (
                (person.last_name, person.first_name, person.patronymic) if person else account.name
            )
            user, _ = User.objects.update_or_create(
                username=account.username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "patronymic": patronymic,
                    "password": password,
                    "email": f"{account.username}@{MAIL_DOMAIN}",
                    "is_active": True,
                },
            )
            Membership.objects.get_or_create(user=user, organisation=account.organisation, role=account.role)
            if person is not None:
                Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
                Person.objects.filter(pk=person.pk).update(user=user)
                person.user = user
            users.append(user)
    return users


def load_demo(seed: int = DEMO_SEED) -> BuiltDepartment:
    """The demo department of `make run` with its named accounts, and the apps' parts built on it."""
    with transaction.atomic():
        built = build_department(DEMO, seed=seed, **DEMO_SIZE)
        first, second = built.schools[0], built.schools[1]
        users = create_accounts(
            [
                Account("coordinator", Role.COORDINATOR, built.department, name=built.coordinator),
                Account("director", Role.DIRECTOR, first.school, name=first.director),
                Account("curator", Role.CURATOR, first.school, person=first.deputy),
                Account("mentor", Role.MENTOR, first.school, person=first.mentor),
                Account("mentee", Role.MENTEE, first.school, person=first.mentee),
                Account("teacher", Role.TEACHER, first.school, person=first.teacher),
                Account("psychologist", Role.PSYCHOLOGIST, first.school, person=first.psychologist),
                Account("curator2", Role.CURATOR, second.school, person=second.deputy),
            ]
        )
        by_name = {user.username: user for user in users}
        built.coordinator_user = by_name["coordinator"]
        first.curator_user, first.director_user = by_name["curator"], by_name["director"]
        second.curator_user = by_name["curator2"]
        built.showcase = first
        demo_nominations(first, teacher=by_name["teacher"], curator=by_name["curator"])
        build_parts(built, seed)
        demo_access_log(first, curator=by_name["curator"], psychologist=by_name["psychologist"])
    return built


def demo_access_log(built: BuiltSchool, *, curator: User, psychologist: User) -> None:
    """The director's access log is not empty: the curator opened the mentee's card, the psychologist
    exported the mentee base."""
    school = built.school
    access_record(
        user=curator, school=school, action=DataAccess.CARD, person=built.mentee, what="Карточка участника"
    )
    access_record(
        user=psychologist,
        school=school,
        action=DataAccess.LIST_EXPORT,
        what="База наставляемых (XLSX)",
        rows=MenteeEntry.objects.for_school(school).active().count(),
    )


# The reason a class teacher gives for a pupil of each category of the demo's mentee.
REASON_OF_CATEGORY = {"low_results": "low_results", "high_ability": "gifted", "behaviour": "behaviour"}
PENDING_COMMENT = (
    "Во второй четверти снизилась успеваемость по математике и русскому языку, не выполняет домашние "
    "задания. Родители готовы дать согласие на участие в программе наставничества."
)


def demo_nominations(built: BuiltSchool, *, teacher: User, curator: User) -> None:
    """The demo's teacher leads the class of the demo's mentee: it put the mentee forward, and the curator
    accepted; another pupil of the class, in neither base, waits for the curator's decision."""
    mentee = built.mentee
    if mentee is None or built.teacher is None:
        return
    with disable_auditlog():
        nominations_create(built.school, mentee, teacher=teacher, curator=curator)


def nominations_create(school: Organisation, mentee: Person, *, teacher: User, curator: User) -> None:
    entry = MenteeEntry.objects.get(person=mentee)
    categories = list(entry.categories.all())
    first = categories[0].code if categories else ""
    nominated_on = entry.included_on - days(3)
    accepted = Nomination.objects.create(
        school=school,
        person=mentee,
        reason=REASON_OF_CATEGORY.get(first, "low_motivation"),
        comment=entry.request,
        nominated_by=teacher,
        status=Nomination.Status.ACCEPTED,
        decided_by=curator,
        decided_at=moment_on(entry.included_on, 12),
    )
    accepted.categories.set(categories)
    MenteeEntry.objects.filter(pk=entry.pk).update(reported_by=MenteeEntry.ReportedBy.CLASS_TEACHER)
    classmate = (
        Person.objects.filter(school=school, grade=mentee.grade, class_letter=mentee.class_letter)
        .filter(kind=Person.Kind.PUPIL, mentor_entry__isnull=True, mentee_entry__isnull=True)
        .order_by("last_name", "pk")
        .first()
    )
    Nomination.objects.filter(pk=accepted.pk).update(created_at=moment_on(nominated_on, 15))
    if classmate is None:
        return
    pending = Nomination.objects.create(
        school=school,
        person=classmate,
        reason="low_motivation",
        comment=PENDING_COMMENT,
        nominated_by=teacher,
    )
    pending.categories.set(MenteeCategory.objects.filter(code="low_results"))
    Nomination.objects.filter(pk=pending.pk).update(created_at=timezone.now() - days(2))


def build_municipality(
    *, schools: int, pupils_per_school: int, teachers_per_school: int, seed: int = BENCH_SEED
) -> BuiltDepartment:
    """The large municipality of the benchmarks with a coordinator, a curator and a mentor of its first
    school, and the apps' parts built on it: years of programmes, pairs and surveys."""
    with transaction.atomic():
        built = build_department(
            BENCH,
            schools=schools,
            pupils_per_school=pupils_per_school,
            teachers_per_school=teachers_per_school,
            seed=seed,
        )
        first = built.schools[0]
        accounts = [
            Account("bench_coordinator", Role.COORDINATOR, built.department, name=built.coordinator),
            Account("bench_curator", Role.CURATOR, first.school, person=first.deputy),
        ]
        if first.mentor:  # a school of a handful of teachers may have no mentor
            accounts.append(Account("bench_mentor", Role.MENTOR, first.school, person=first.mentor))
        built.coordinator_user, first.curator_user = create_accounts(accounts)[:2]
        build_parts(built, seed)
    return built


def delete_department(department: Organisation) -> None:
    """Deletes a department, its schools, everything they own, and the accounts that work only there."""
    organisations = [department.pk, *department.schools.values_list("pk", flat=True)]
    elsewhere = Membership.objects.exclude(organisation__in=organisations).values("user")
    users = list(
        User.objects.filter(memberships__organisation__in=organisations)
        .exclude(pk__in=elsewhere)
        .values_list("pk", flat=True)
        .distinct()
    )
    # Other apps add their own school-owned models and PROTECT between them decides the order of deletion;
    # a model still referenced is retried after the others until nothing refers to the organisations.
    pending = [
        model._base_manager.filter(**{f"{f.name}__in": organisations})
        for model in apps.get_models()
        if model is not Organisation
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Organisation
    ]
    with transaction.atomic(), disable_auditlog():
        while pending:
            blocked = []
            for queryset in pending:
                try:
                    with transaction.atomic():
                        queryset.delete()
                except (ProtectedError, RestrictedError) as error:
                    blocked.append(queryset)
                    last_error = error
            if len(blocked) == len(pending):
                raise last_error
            pending = blocked
        Organisation.objects.filter(pk__in=organisations, kind=Organisation.Kind.SCHOOL).delete()
        Organisation.objects.filter(pk=department.pk).delete()
        User.objects.filter(pk__in=users).delete()
