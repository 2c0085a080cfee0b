"""Generated data: the demo department of `manage.py demo` and the large municipality for benchmarks, each
with its schools' people, bases, programmes, pairs and groups, plans and meetings, and their surveys.

One generator serves both sizes. Rows are written with bulk_create, which sends no signals: generated
rows get no audit trail, and auditlog is disabled around the rest so nothing here logs either.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import F, OuterRef, ProtectedError, RestrictedError, Subquery
from django.utils import timezone
from faker import Faker
from faker.providers.person.ru_RU import Provider as RussianNames

from monitoring.demo import build_surveys
from pairs import rules
from pairs.models import Meeting, Pair, PairMentee, PairStatusChange, PlanItem
from pairs.rules import Candidate
from programs.models import MentoringForm, Programme, ProgrammeRisk, RoleModel
from programs.seed_texts import PROGRAMME_TEMPLATES, ProgrammeTemplate, plan_rows
from roadmap.demo import build_roadmaps

from .academic_year import AcademicYear
from .models import (
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

PASSWORD = "demo"
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Municipality:
    full_name: str
    short_name: str
    town: str  # as written in an address: «г. Энск»
    region: str
    postcode: str  # the first three digits; schools add three more


DEMO = Municipality(
    full_name="Управление образования администрации города Энска",
    short_name="Управление образования г. Энска",
    town="Энск",
    region="Энская область",
    postcode="187",
)
BENCH = Municipality(
    full_name="Управление образования администрации города Верхнеэнска",
    short_name="Управление образования г. Верхнеэнска",
    town="Верхнеэнск",
    region="Энская область",
    postcode="188",
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


@dataclass
class BuiltSchool:
    """A generated school and the people the named accounts are given to."""

    school: Organisation
    director: tuple[str, str, str]
    deputy: Person | None = None  # the curator of mentoring
    psychologist: Person | None = None
    mentor: Person | None = None  # an active teacher mentor with a consent
    mentee: Person | None = None  # a waiting pupil mentee of grades 5-8 with a representative's consent
    teacher: Person | None = None  # a teacher in neither base


@dataclass
class BuiltDepartment:
    department: Organisation
    schools: list[BuiltSchool] = field(default_factory=list)
    coordinator: tuple[str, str, str] = ("", "", "")  # a specialist of the department, not its head


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
        earliest = self.year_start.replace(year=self.year_start.year - age - 1) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange(365))

    def this_year(self, within_days: int) -> datetime.date:
        """A day early in the school year, never in the future."""
        return min(self.today, self.year_start + datetime.timedelta(days=self.rng.randrange(within_days)))

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
            phone=f"+7 (81{self.rng.randint(10, 99)}) 2{self.rng.randint(1, 9)}-00-01",
        )

    def school(self, department: Organisation, number: int) -> tuple[Organisation, tuple[str, str, str]]:
        m = self.municipality
        # Most schools of a town are secondary schools; some are gymnasiums and lyceums.
        kind = {2: "Гимназия", 5: "Лицей"}.get(number % 7)
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
            phone=f"+7 (81{self.rng.randint(10, 99)}) {self.rng.randint(20, 79)}-{number:02d}-{number:02d}",
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
            trained_on=self.year_start - datetime.timedelta(days=self.rng.randrange(30, 400))
            if trained
            else None,
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
            consent.revoked_at = min(
                self.today, consent.date + datetime.timedelta(days=self.rng.randint(10, 60))
            )
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
        Person.objects.bulk_create(
            [p.person for p in pupils] + [t.person for t in teachers], batch_size=BATCH_SIZE
        )

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
        Consent.objects.bulk_create([c for c in consents if c is not None], batch_size=BATCH_SIZE)


def link(m2m, rows: list[tuple[models.Model, list[models.Model]]]) -> None:
    """Bulk-inserts the rows of an M2M's through model: each saved entry with its targets."""
    through = m2m.through
    source, target = m2m.field.m2m_field_name(), m2m.field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{source: entry, target: t}) for entry, targets in rows for t in targets],
        batch_size=BATCH_SIZE,
    )


# Programmes, pairs and groups, their plans and meetings.
#
# Every school runs the programmes of CURRENT_PROGRAMMES, made from the templates of programs.seed_texts; with
# history, each form's programmes of earlier academic years came before them and are completed. A programme
# forms pairs in two intakes a school year (autumn, and January into the places short pairs left), from the
# two bases and by the rules of pairs.rules; the mentors' places and the mentees' earlier pairs are followed
# through time, so that no intake breaks them.

CURRENT_PROGRAMMES = (
    ("teacher_teacher", Programme.Status.RUNNING),
    ("teacher_pupil", Programme.Status.RUNNING),
    # Approved and not yet paired: its candidates wait in both bases for the curator's matching.
    ("pupil_pupil", Programme.Status.APPROVED),
)
FORM_ORDER = [code for code, _ in CURRENT_PROGRAMMES]
MENTOR_TAKE_SHARE = 0.95  # of the fitting mentors, those who fill their places in an intake
GROUP_SHARE = 0.1  # of mentors with several places, those who fill them with one group
COMPLETED_SHARE, TERMINATED_SHARE = 0.15, 0.1  # of an earlier intake of a running programme
SHORT_SHARE = 1.0  # of the completed pairs of an autumn intake, those that worked for one half-year
HISTORY_TERMINATED_SHARE = 0.1  # of the pairs of a completed programme
WEEKLY_SHARE = 0.3  # of pairs, those meeting every week; the others meet every other week
MISSED_SHARE = 0.1  # of regular meetings, those that did not take place (illness, school events)
ABSENT_SHARE = 0.15  # of a group's members, those missing a meeting
# Of a pair's plan items due by the end of its work (all of them, for a completed pair), those marked done.
DONE_SHARES = {Pair.Status.ACTIVE: 0.9, Pair.Status.COMPLETED: 0.95, Pair.Status.TERMINATED: 0.7}
LAGGING_SHARE = 0.2  # of active pairs, those whose mentor has not marked the plan: its due items are overdue
# Of the items due at the end (most run «в течение года»), those marked done already: this share of them
# by the end of the pair's term, and as much of it as the term has passed.
ONGOING_DONE_SHARE = 0.7
FAR = datetime.date.max  # the end of a pair still at work


@dataclass(frozen=True)
class PairsSize:
    history_years: int  # academic years before this one whose programmes have been completed
    # The most pairs a programme forms in a school year, its two intakes together; None: what the bases allow.
    yearly_pairs: int | None


DEMO_PAIRS = PairsSize(history_years=0, yearly_pairs=4)
BENCH_PAIRS = PairsSize(history_years=6, yearly_pairs=None)


@dataclass(frozen=True)
class Actors:
    """The accounts of a school that form, approve and start its pairs; a school without accounts has none."""

    curator: User | None = None
    director: User | None = None


# (topic, outcome, next step) of the regular meetings of each form; «{subject}» is the pair's subject.
REGULAR_MEETINGS = {
    "teacher_teacher": (
        (
            "Взаимопосещение уроков: урок наставника",
            "Наставляемый посетил урок наставника; обсудили структуру урока и приёмы мотивации обучающихся.",
            "Подготовить конспект урока с разобранными приёмами.",
        ),
        (
            "Посещение урока наставляемого и анализ урока",
            "Разобрали цель, задачи и этапы урока: что удалось, какие этапы требуют доработки.",
            "Доработать этап рефлексии; повторное посещение через две недели.",
        ),
        (
            "Ведение школьной документации",
            "Проверили рабочую программу, календарно-тематическое планирование и электронный журнал.",
            "Внести исправления в календарно-тематическое планирование до конца недели.",
        ),
        (
            "Дисциплина на уроке и работа с классом",
            "Обсудили трудные ситуации на уроках, выбрали приёмы удержания внимания класса.",
            "Применить приёмы на уроках и записать наблюдения.",
        ),
        (
            "Подготовка к выступлению на ШМО",
            "Составили план выступления о собственном опыте, подобрали примеры из уроков.",
            "Подготовить презентацию к заседанию ШМО.",
        ),
        (
            "Подготовка к родительскому собранию",
            "Составили план родительского собрания и памятку для родителей.",
            "Провести собрание и обсудить его итоги на следующей встрече.",
        ),
        (
            "Цифровые образовательные ресурсы на уроке",
            "Подобрали материалы библиотеки цифрового образовательного контента к ближайшим темам.",
            "Провести урок с использованием подобранных материалов.",
        ),
        (
            "Самоанализ урока",
            "Наставляемый провёл самоанализ урока по схеме, наставник дал обратную связь.",
            "Провести самоанализ следующего урока самостоятельно.",
        ),
        (
            "Подготовка открытого урока",
            "Выбрали тему и класс, составили технологическую карту урока.",
            "Провести открытый урок и пригласить коллег ШМО.",
        ),
        (
            "Критерии оценивания письменных работ",
            "Сверили критерии оценивания контрольной работы, разобрали спорные случаи.",
            "Проверить работы класса по согласованным критериям.",
        ),
        (
            "Курсы повышения квалификации и вебинары",
            "Подобрали курсы и вебинары по методике преподавания предмета.",
            "Записаться на курсы и рассказать о них на следующей встрече.",
        ),
    ),
    "teacher_pupil": (
        (
            "Разбор ошибок контрольной работы по {subject}",
            "Разобрали типичные ошибки и составили список тем для повторения.",
            "Решить задания по темам из списка.",
        ),
        (
            "Подготовка к олимпиаде по {subject}",
            "Решили задания олимпиады прошлого года, обсудили, с каких заданий начинать.",
            "Решить вариант олимпиады самостоятельно.",
        ),
        (
            "Выбор темы индивидуального проекта",
            "Обсудили интересы наставляемого, выбрали тему и сформулировали цель проекта.",
            "Найти три источника по теме проекта.",
        ),
        (
            "Работа над проектом: план и источники",
            "Составили план проекта и график работы над ним.",
            "Подготовить первую главу проекта.",
        ),
        (
            "Трудные темы по {subject}",
            "Повторили теорию и решили задачи; самостоятельную часть наставляемый выполнил верно.",
            "Выполнить домашнее задание по теме и принести вопросы.",
        ),
        (
            "Организация учебного времени",
            "Составили распорядок дня и план выполнения домашних заданий.",
            "Неделю вести дневник учебного времени.",
        ),
        (
            "Участие в школьном мероприятии",
            "Договорились об участии наставляемого в подготовке школьной акции.",
            "Подготовить своё выступление.",
        ),
        (
            "Профориентация: интересы и будущие профессии",
            "Обсудили профессии, связанные с интересами наставляемого, прошли профориентационный тест.",
            "Посетить день открытых дверей колледжа.",
        ),
        (
            "Итоги четверти",
            "Обсудили оценки за четверть и улучшения по {subject}.",
            "Поставить цели на следующую четверть.",
        ),
        (
            "Отношения в классе",
            "Обсудили конфликт с одноклассниками и способы его решить.",
            "Поговорить с классным руководителем.",
        ),
    ),
    "pupil_pupil": (
        (
            "Помощь с домашним заданием по {subject}",
            "Разобрали задания; наставляемый выполнил их с подсказками наставника.",
            "Выполнить похожие задания самостоятельно.",
        ),
        (
            "Подготовка к контрольной работе по {subject}",
            "Повторили правила и решили тренировочный вариант.",
            "Написать контрольную и обсудить результат.",
        ),
        (
            "Кружки и секции школы",
            "Обсудили, какие кружки интересны наставляемому, сходили на занятие вместе.",
            "Записаться в выбранный кружок.",
        ),
        (
            "Подготовка к классному мероприятию",
            "Придумали, чем наставляемый поможет в подготовке мероприятия.",
            "Подготовить свою часть к мероприятию.",
        ),
        (
            "Совместная работа над проектом",
            "Распределили задачи проекта; наставляемый подготовил свою часть.",
            "Доделать слайды презентации.",
        ),
        (
            "Общение с одноклассниками",
            "Обсудили, как наставляемому включиться в общие дела класса.",
            "Предложить помощь в подготовке классного часа.",
        ),
        (
            "Итоги недели",
            "Наставляемый рассказал об успехах и трудностях недели.",
            "Продолжить работу по плану.",
        ),
    ),
}
# Seed 002, stage 6: the first meetings of every pair, and its last.
OPENING_MEETINGS = (
    (
        Meeting.Kind.ORGANISATIONAL,
        "Организационная встреча: знакомство, ожидания и правила работы",
        "Познакомились, обсудили ожидания наставляемого и правила совместной работы, договорились о времени "
        "встреч.",
        "Пробная рабочая встреча.",
    ),
    (
        Meeting.Kind.TRIAL,
        "Пробная рабочая встреча",
        "Выполнили первое совместное задание; наставляемый рассказал, что даётся трудно.",
        "Составить план работы на встрече-планировании.",
    ),
    (
        Meeting.Kind.PLANNING,
        "Встреча-планирование рабочего процесса",
        "Согласовали план мероприятий персонализированной программы и график встреч.",
        "Регулярные встречи по плану.",
    ),
)
FINAL_MEETING = (
    Meeting.Kind.FINAL,
    "Заключительная встреча: итоги работы",
    "Подвели итоги работы, наставляемый оценил свои результаты, заполнили анкеты удовлетворённости.",
    "",
)
TERMINATION_REASONS = (
    "Наставник на длительном больничном; наставляемому подбирается новый наставник.",
    "По взаимному согласию: не сложилось взаимодействие наставника и наставляемого.",
    "Несовпадение расписания: наставник перешёл во вторую смену.",
)
PUPIL_TERMINATION_REASON = "Родители наставляемого попросили сменить наставника."
APPROVAL_NOTE = "Приказ «Об утверждении наставнических пар/групп»."
DONE_NOTES = (
    "",
    "Выполнено.",
    "Проведено по плану.",
    "Обсудили на встрече, результаты записаны.",
    "Материалы в папке наставника.",
)


def programme_from_template(
    template: ProgrammeTemplate, *, start: datetime.date, **fields
) -> tuple[Programme, list[ProgrammeRisk]]:
    """A programme with the template's wording for the term starting on `start`, and its risks."""
    starts_on, ends_on = template.term(start)
    programme = Programme(
        title=f"{template.title} ({starts_on.year}–{ends_on.year})",
        goal=template.goal,
        tasks="\n".join(template.tasks),
        expected_results="\n".join(template.expected_results),
        starts_on=starts_on,
        ends_on=ends_on,
        style=template.style,
        mode=template.mode,
        **fields,
    )
    risks = [
        ProgrammeRisk(programme=programme, risk=risk, mitigation=mitigation, order=order)
        for order, (risk, mitigation) in enumerate(template.risks, start=1)
    ]
    return programme, risks


# The school holidays, as (month, first day, last day): autumn, the New Year, spring; and the summer.
HOLIDAYS = ((10, 27, 31), (11, 1, 4), (12, 29, 31), (1, 1, 8), (3, 23, 31))


def is_school_day(day: datetime.date) -> bool:
    holiday = any(day.month == month and first <= day.day <= last for month, first, last in HOLIDAYS)
    return day.weekday() < 5 and day.month not in (6, 7, 8) and not holiday


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def school_day_from(day: datetime.date, step: int = 1) -> datetime.date:
    """`day` if it is a school day, else the nearest one after it (step 1) or before it (step -1)."""
    while not is_school_day(day):
        day += days(step)
    return day


@dataclass
class _Intake:
    programme: Programme
    code: str
    year: datetime.date  # the first day of the academic year
    years_ago: int
    winter: bool  # the intake of January, into the places pairs of one half-year left

    @property
    def day(self) -> datetime.date:
        """From when the intake's pairs were formed."""
        return self.year.replace(year=self.year.year + 1, month=1, day=12) if self.winter else self.year


@dataclass(eq=False)
class _Draft:
    """A pair about to be saved, with the rows that hang on it."""

    pair: Pair
    code: str
    mentor: Candidate
    mentees: list[Candidate]
    mentor_user: int | None  # the mentor's account, which records the meetings and marks the plan
    formed: datetime.date
    approved: datetime.date | None = None
    lagging: bool = False  # its mentor has not marked the plan


@dataclass
class _Bases:
    """One school's bases as the rules see them, and how they are taken up over time."""

    mentors: list[Candidate]
    mentees: list[Candidate]
    mentor_forms: dict[int, set[str]]
    mentee_forms: dict[int, set[str]]
    experience: dict[int, int]  # of teachers, by person
    users: dict[int, int]  # account of a person who has one
    requests: dict[int, str]
    consents: dict[int, int]  # the consent in force of a person
    load: dict[int, list[tuple[datetime.date, int]]] = field(default_factory=dict)  # mentor: (end, mentees)
    free_from: dict[int, datetime.date] = field(default_factory=dict)  # mentee: after their last pair ends
    joined: dict[int, set[int]] = field(default_factory=dict)  # mentee: programmes they were in
    formed: Counter = field(default_factory=Counter)  # pairs by (programme, academic year)
    drafts: list[_Draft] = field(default_factory=list)

    @classmethod
    def load_school(cls, school: Organisation, programme: Programme) -> _Bases:
        # Nothing is paired yet, so no mentee is busy in `programme` (nor in any other): the generator follows
        # who is busy when by itself.
        mentors = rules.mentor_candidates(
            MentorEntry.objects.for_school(school).filter(
                status__in=(MentorEntry.Status.TRAINED, MentorEntry.Status.ACTIVE)
            )
        )
        mentees = rules.mentee_candidates(MenteeEntry.objects.for_school(school), programme)
        people = Person.objects.for_school(school).values_list("pk", "experience_years", "user")
        return cls(
            mentors=list(mentors.values()),
            mentees=list(mentees.values()),
            mentor_forms=form_codes(MentorEntry.forms, school),
            mentee_forms=form_codes(MenteeEntry.forms, school),
            experience={pk: years for pk, years, _ in people if years is not None},
            users={pk: user for pk, _, user in people if user is not None},
            requests=dict(MenteeEntry.objects.for_school(school).values_list("pk", "request")),
            consents=dict(Consent.objects.for_school(school).in_force().values_list("person", "pk")),
        )

    def free_places(self, mentor: Candidate, day: datetime.date) -> int:
        taken = sum(count for end, count in self.load.get(mentor.entry_id, ()) if end >= day)
        return mentor.capacity_left - taken

    def was_there(self, candidate: Candidate, years_ago: int, *, mentor: bool) -> bool:
        """Whether the person was at school, and old enough to mentor, `years_ago` academic years ago."""
        if candidate.kind == Person.Kind.PUPIL:
            return candidate.grade - years_ago >= (8 if mentor else 1)
        return self.experience.get(candidate.person_id, 0) >= years_ago


def near(one: Candidate, other: Candidate) -> bool:
    return one.grade is None or other.grade is None or abs(one.grade - other.grade) <= 1


def form_codes(m2m, school: Organisation) -> dict[int, set[str]]:
    """The codes of the forms an M2M gives each entry of the school's base."""
    source, target = m2m.field.m2m_field_name(), m2m.field.m2m_reverse_field_name()
    rows = m2m.through.objects.filter(**{f"{source}__school": school})
    codes: dict[int, set[str]] = {}
    for entry, code in rows.values_list(f"{source}_id", f"{target}__code"):
        codes.setdefault(entry, set()).add(code)
    return codes


class _PairGenerator:
    def __init__(self, size: PairsSize, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.year_start = AcademicYear.containing(self.today).start
        self.forms = {f.code: f for f in MentoringForm.objects.all()}
        self.role_models: dict[str, list[tuple[RoleModel, set[int]]]] = {}
        for role_model in RoleModel.objects.select_related("form").prefetch_related("categories"):
            categories = {c.pk for c in role_model.categories.all()}
            self.role_models.setdefault(role_model.form.code, []).append((role_model, categories))
        self.drafts: list[_Draft] = []
        self.active_mentors: list[int] = []
        self.mentor_updates: list[MentorEntry] = []
        self.mentee_updates: list[MenteeEntry] = []
        self.consent_updates: list[Consent] = []

    def school_day_after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        """A school day `low` to `high` days after `day`, but not after today."""
        later = school_day_from(day + days(self.rng.randint(low, high)))
        return max(day, min(later, self.today))

    def moment(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        return min(at, self.now)

    # Programmes

    def programmes(self, built: BuiltSchool, actors: Actors) -> list[_Intake]:
        """The school's programmes, saved, and their intakes in the order they were formed."""
        school, made = built.school, []
        for code, status in CURRENT_PROGRAMMES:
            template = PROGRAMME_TEMPLATES[code]
            years = math.ceil(template.months / 12)
            # A programme of two years that runs now began last year.
            start = self.year_start.replace(year=self.year_start.year - (template.months - 1) // 12)
            terms = [(start, status)]
            while (start := start.replace(year=start.year - years)).year >= (
                self.year_start.year - self.size.history_years
            ):
                terms.append((start, Programme.Status.COMPLETED))
            for start, status in terms:
                approved_on = start - days(self.rng.randint(3, 10))
                made.append(
                    (
                        code,
                        *programme_from_template(
                            template,
                            start=start,
                            school=school,
                            form=self.forms[code],
                            status=status,
                            curator=actors.curator,
                            approved_by=actors.director,
                            approved_at=self.moment(approved_on, 11),
                        ),
                    )
                )
        Programme.objects.bulk_create([programme for _, programme, _ in made])
        ProgrammeRisk.objects.bulk_create([risk for _, _, risks in made for risk in risks])
        intakes = []
        for code, programme, _ in made:
            if programme.status == Programme.Status.APPROVED:
                continue
            year = programme.starts_on
            while year <= self.year_start and year < programme.ends_on:
                for winter in (False, True):
                    intake = _Intake(programme, code, year, self.year_start.year - year.year, winter)
                    if intake.day <= self.today:
                        intakes.append(intake)
                year = year.replace(year=year.year + 1)
        return sorted(intakes, key=lambda i: (i.day, FORM_ORDER.index(i.code)))

    # Intakes

    def school(self, built: BuiltSchool, actors: Actors) -> None:
        intakes = self.programmes(built, actors)
        if not intakes:
            return
        bases = _Bases.load_school(built.school, intakes[0].programme)
        showcase = (
            built.mentor.mentor_entry.pk if built.mentor else None,
            built.mentee.mentee_entry.pk if built.mentee else None,
        )
        for intake in intakes:
            self.intake(intake, bases, showcase, actors)
        self.settle(bases)
        self.drafts += bases.drafts

    def intake(self, intake: _Intake, bases: _Bases, showcase: tuple, actors: Actors) -> None:
        code, years_ago, day = intake.code, intake.years_ago, intake.day
        programme_id = intake.programme.pk
        mentors = [
            m
            for m in bases.mentors
            if code in bases.mentor_forms.get(m.entry_id, ())
            and bases.was_there(m, years_ago, mentor=True)
            and rules.mentor_problem(code, replace(m, capacity_left=bases.free_places(m, day))) is None
        ]
        mentees = [
            m
            for m in bases.mentees
            if code in bases.mentee_forms.get(m.entry_id, ())
            and bases.was_there(m, years_ago, mentor=False)
            and bases.free_from.get(m.entry_id, datetime.date.min) < day
            and programme_id not in bases.joined.get(m.entry_id, ())
            and rules.mentee_problem(code, m) is None
        ]
        self.rng.shuffle(mentors)
        self.rng.shuffle(mentees)
        # The demo's mentor first, then those with most places; the demo's mentee first.
        mentors.sort(key=lambda m: (m.entry_id != showcase[0], -bases.free_places(m, day)))
        mentees.sort(key=lambda m: m.entry_id != showcase[1])
        limit = None
        if self.size.yearly_pairs is not None:
            limit = self.size.yearly_pairs - bases.formed[(programme_id, intake.year)]
        groups: list[tuple[Candidate, list[Candidate]]] = []
        for mentor in mentors:
            if limit is not None and len(groups) >= limit:
                break
            is_showcase = mentor.entry_id == showcase[0]
            if not is_showcase and self.rng.random() >= MENTOR_TAKE_SHARE:
                continue
            places = bases.free_places(mentor, day)
            fitting = [m for m in mentees if rules.pair_problem(mentor, m) is None]
            if not fitting:
                continue
            # An intake's first mentor with three places takes a group, so that schools show groups too.
            first_group = places >= 3 and not any(len(members) > 1 for _, members in groups)
            if not is_showcase and places > 1 and (first_group or self.rng.random() < GROUP_SHARE):
                # A group learns together: pupils of neighbouring grades.
                first = fitting[0]
                chosen = [first, *[m for m in fitting[1:] if near(m, first)][: places - 1]]
                groups.append((mentor, chosen))
            else:
                chosen = fitting[:places]
                groups += [(mentor, [mentee]) for mentee in chosen]
            for mentee in chosen:
                mentees.remove(mentee)
        if limit is not None:
            del groups[limit:]
        bases.formed[(programme_id, intake.year)] += len(groups)
        # The demo mentee's pair and the groups were formed first: they go on when later pairs end.
        groups.sort(key=lambda g: (showcase[1] not in [m.entry_id for m in g[1]], len(g[1]) == 1))
        formed = sorted(
            self.school_day_after(day, 0 if intake.winter else 14, 30 if intake.winter else 75)
            for _ in range(len(groups))
        )
        statuses = self.statuses(intake, len(groups))
        for (mentor, chosen), on, status in zip(groups, formed, statuses, strict=True):
            draft = self.draft(intake, mentor, chosen, on, status, bases, actors)
            bases.drafts.append(draft)
            end = draft.pair.ended_on or FAR
            bases.load.setdefault(mentor.entry_id, []).append((end, len(chosen)))
            for mentee in chosen:
                bases.free_from[mentee.entry_id] = end
                bases.joined.setdefault(mentee.entry_id, set()).add(programme_id)

    def statuses(self, intake: _Intake, n: int) -> list[str]:
        """How an intake's pairs, in the order they were formed, stand today."""
        S = Pair.Status
        if intake.programme.status == Programme.Status.COMPLETED:
            statuses = [S.COMPLETED] * n
            for i in self.rng.sample(range(n), round(n * HISTORY_TERMINATED_SHARE)):
                statuses[i] = S.TERMINATED
            return statuses
        if intake.years_ago:
            # Some of an earlier intake have reached their goals, a few stopped early; the others go on.
            completed = max(1, round(n * COMPLETED_SHARE)) if n >= 3 else 0
            terminated = max(1, round(n * TERMINATED_SHARE)) if n >= 3 else 0
            return (
                [S.ACTIVE] * (n - completed - terminated)
                + [S.COMPLETED] * completed
                + [S.TERMINATED] * terminated
            )
        # The last formed of this year's intake wait for the director's order, or to begin.
        proposed = max(1, n // 8) if n >= 2 else 0
        approved = n // 10
        return [S.ACTIVE] * (n - proposed - approved) + [S.APPROVED] * approved + [S.PROPOSED] * proposed

    def draft(
        self,
        intake: _Intake,
        mentor: Candidate,
        mentees: list[Candidate],
        formed: datetime.date,
        status: str,
        bases: _Bases,
        actors: Actors,
    ) -> _Draft:
        S, programme = Pair.Status, intake.programme
        if status == S.PROPOSED:
            formed = max(formed, school_day_from(self.today - days(self.rng.randint(1, 6)), -1))
        first = mentees[0]
        role_models = self.role_models[intake.code]
        role_model = next((rm for rm, cats in role_models if cats & first.categories), role_models[0][0])
        pair = Pair(
            school=programme.school,
            programme=programme,
            mentor_id=mentor.entry_id,
            role_model=role_model,
            status=status,
            goal=bases.requests.get(first.entry_id, ""),
            ends_on=programme.ends_on,
            created_by=actors.curator,
        )
        draft = _Draft(pair, intake.code, mentor, mentees, bases.users.get(mentor.person_id), formed)
        if status == S.PROPOSED:
            return draft
        draft.approved = self.school_day_after(formed, 2, 8)
        if status == S.APPROVED:
            return draft
        pair.started_on = self.school_day_after(draft.approved, 1, 6)
        draft.lagging = status == S.ACTIVE and self.rng.random() < LAGGING_SHARE
        # The end of the academic year the intake began in.
        year_end = intake.year.replace(year=intake.year.year + 1, month=5, day=31)
        if status == S.COMPLETED:
            # At the end of the first half-year (short pairs of the autumn), or of a school year of the term.
            half_year = datetime.date(intake.year.year, 12, self.rng.randint(20, 27))
            school_years = [
                datetime.date(year, 5, self.rng.randint(15, 31))
                for year in range(intake.year.year + 1, programme.ends_on.year + 1)
            ]
            # Drawn before today is looked at, so that the draws do not depend on the day the data is built.
            short = not intake.winter and self.rng.random() < SHORT_SHARE
            pick = self.rng.random()
            ended = [day for day in school_years if day < min(self.today, programme.ends_on)]
            pair.ended_on = school_day_from(half_year if short else ended[int(pick * len(ended))], -1)
        elif status == S.TERMINATED:
            end = pair.started_on + days(self.rng.randint(30, 150))
            end = school_day_from(min(end, year_end, self.today - days(1)), -1)
            pair.ended_on = max(end, pair.started_on)
            pupil = first.kind == Person.Kind.PUPIL
            reasons = TERMINATION_REASONS + ((PUPIL_TERMINATION_REASON,) if pupil else ())
            pair.termination_reason = self.rng.choice(reasons)
        return draft

    def settle(self, bases: _Bases) -> None:
        """The bases as the pairs leave them: the mentees' statuses, and every participant included, trained
        and consenting before their first pair was formed; a mentor whose pair began work is active."""
        S = Pair.Status
        first_pair: dict[tuple[str, int], datetime.date] = {}
        mentee_status: dict[int, str] = {}
        people = {}
        for draft in sorted(bases.drafts, key=lambda d: d.formed):
            key = ("mentor", draft.mentor.entry_id)
            first_pair.setdefault(key, draft.formed)
            people[key] = draft.mentor.person_id
            if draft.pair.started_on:
                self.active_mentors.append(draft.mentor.entry_id)
            for mentee in draft.mentees:
                key = ("mentee", mentee.entry_id)
                first_pair.setdefault(key, draft.formed)
                people[key] = mentee.person_id
                status = draft.pair.status
                if status in Pair.CURRENT:
                    mentee_status[mentee.entry_id] = MenteeEntry.Status.PAIRED
                elif mentee_status.get(mentee.entry_id) != MenteeEntry.Status.PAIRED:
                    mentee_status[mentee.entry_id] = (
                        MenteeEntry.Status.COMPLETED if status == S.COMPLETED else MenteeEntry.Status.WAITING
                    )
        for (side, entry), first in first_pair.items():
            included = first - days(self.rng.randint(20, 60))
            if side == "mentor":
                trained = included + days(self.rng.randint(3, 15))
                self.mentor_updates.append(MentorEntry(pk=entry, included_on=included, trained_on=trained))
            else:
                self.mentee_updates.append(
                    MenteeEntry(pk=entry, included_on=included, status=mentee_status[entry])
                )
            consent = bases.consents.get(people[(side, entry)])
            if consent is not None:
                self.consent_updates.append(Consent(pk=consent, date=included - days(self.rng.randint(0, 7))))

    # What a pair's work leaves: history, plan, meetings

    def status_changes(self, draft: _Draft, actors: Actors) -> list[PairStatusChange]:
        S, pair = Pair.Status, draft.pair
        steps = [("", S.PROPOSED, draft.formed, actors.curator, "")]
        if draft.approved:
            steps.append((S.PROPOSED, S.APPROVED, draft.approved, actors.director, APPROVAL_NOTE))
        if pair.started_on:
            steps.append((S.APPROVED, S.ACTIVE, pair.started_on, actors.curator, ""))
        if pair.ended_on:
            steps.append((S.ACTIVE, pair.status, pair.ended_on, actors.curator, pair.termination_reason))
        changes, previous = [], None
        for before, after, on, by, note in steps:
            at = self.moment(on, self.rng.randint(9, 16), self.rng.choice((0, 15, 30, 45)))
            if previous is not None:  # two steps on one day keep their order
                at = min(max(at, previous + datetime.timedelta(minutes=20)), self.now)
            changes.append(
                PairStatusChange(
                    pair_id=pair.pk,
                    from_status=before,
                    to_status=after,
                    changed_by=by,
                    changed_at=at,
                    note=note,
                )
            )
            previous = at
        return changes

    def plan(self, draft: _Draft, marker: int | None) -> list[PlanItem]:
        """The plan of the pair's form, as pair_create makes it, with the marks of the work done."""
        S, pair = Pair.Status, draft.pair
        start = max(pair.programme.starts_on, draft.formed)
        last = pair.ended_on or self.today
        if pair.started_on:
            passed = (last - pair.started_on) / (pair.ends_on - pair.started_on)
        items = []
        for number, row in enumerate(plan_rows(draft.code), start=1):
            due = row.due_on(start, pair.ends_on)
            item = PlanItem(pair_id=pair.pk, number=number, due_on=due, **row.fields())
            if pair.started_on:
                keeps_plan = pair.status == S.ACTIVE and not draft.lagging
                if pair.status == S.COMPLETED or (due is not None and due <= last):
                    share = 0.0 if draft.lagging else DONE_SHARES[pair.status]
                else:
                    share = ONGOING_DONE_SHARE * passed if keeps_plan else 0.0
                if self.rng.random() < share:
                    target = min(due or last, last) - days(self.rng.randint(0, 10))
                    item.done_on = min(max(target, pair.started_on), last)
                    item.done_note = self.rng.choice(DONE_NOTES)
                    item.done_by_id = marker
            items.append(item)
        return items

    def meetings(self, draft: _Draft, recorder: int | None) -> list[tuple[Meeting, list[int]]]:
        """Seed 002's sequence from the first day of work, weekly or every other week, then one or two
        planned ahead; each meeting with the mentees present."""
        S, pair = Pair.Status, draft.pair
        if pair.status == S.PROPOSED:
            return []
        step = 7 if self.rng.random() < WEEKLY_SHARE else 14
        hour, minute = self.rng.choice(((14, 0), (14, 30), (15, 0), (15, 30), (16, 0)))
        subject = self.rng.choice(PUPIL_SUBJECTS)
        regular = REGULAR_MEETINGS[draft.code]
        duration = self.rng.choice((45, 60) if draft.code == "teacher_teacher" else (30, 40, 45))
        members = [m.entry_id for m in draft.mentees]
        online = 0.25 if pair.programme.mode == Programme.Mode.MIXED else 0.05

        def meeting(day, status, kind, topic, outcome="", next_step="") -> tuple[Meeting, list[int]]:
            present = []
            if status == Meeting.Status.HELD:
                present = [m for m in members if len(members) == 1 or self.rng.random() >= ABSENT_SHARE]
                present = present or members[:1]
            return (
                Meeting(
                    school_id=pair.school_id,
                    pair_id=pair.pk,
                    status=status,
                    starts_at=timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(hour, minute))
                    ),
                    kind=kind,
                    format=Meeting.Format.ONLINE if self.rng.random() < online else Meeting.Format.IN_PERSON,
                    topic=topic.format(subject=subject),
                    duration_minutes=duration,
                    outcome=outcome.format(subject=subject),
                    next_step=next_step,
                    created_by_id=recorder,
                ),
                present,
            )

        def nth(n: int) -> tuple[str, str, str, str]:
            if n < len(OPENING_MEETINGS):
                return OPENING_MEETINGS[n]
            return (Meeting.Kind.REGULAR, *self.rng.choice(regular))

        made, held, day = [], 0, pair.started_on
        if day is not None:
            held_until = min(pair.ended_on or self.today, self.today - days(1))
            while (day := school_day_from(day)) <= held_until:
                if held < len(OPENING_MEETINGS) or self.rng.random() >= MISSED_SHARE:
                    made.append(meeting(day, Meeting.Status.HELD, *nth(held)))
                    held += 1
                day += days(step)
            if pair.status == S.COMPLETED:
                while made and timezone.localdate(made[-1][0].starts_at) >= pair.ended_on:
                    made.pop()
                made.append(meeting(pair.ended_on, Meeting.Status.HELD, *FINAL_MEETING))
        if pair.status in (S.APPROVED, S.ACTIVE):
            day = max(day or self.today, self.today + days(1))
            for n in range(self.rng.randint(1, 2)):
                day = school_day_from(day)
                if day > pair.ends_on:
                    break
                kind, topic, *_ = nth(held + n)
                made.append(meeting(day, Meeting.Status.PLANNED, kind, topic))
                day += days(step)
        return made

    # Saving

    def save(self, actors: dict[int, Actors]) -> None:
        Pair.objects.bulk_create([d.pair for d in self.drafts], batch_size=BATCH_SIZE)
        members, changes, items, meetings, present = [], [], [], [], []
        for draft in self.drafts:
            pair, school_actors = draft.pair, actors.get(draft.pair.school_id, Actors())
            members += [
                PairMentee(
                    pair_id=pair.pk,
                    mentee_id=m.entry_id,
                    programme_id=pair.programme_id,
                    is_current=pair.is_current,
                )
                for m in draft.mentees
            ]
            changes += self.status_changes(draft, school_actors)
            curator = school_actors.curator.pk if school_actors.curator else None
            own = draft.mentor_user or curator
            items += self.plan(draft, own)
            for meeting, mentees in self.meetings(draft, own):
                meetings.append(meeting)
                present.append((meeting, mentees))
        PairMentee.objects.bulk_create(members, batch_size=BATCH_SIZE)
        PairStatusChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
        PlanItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
        through = Meeting.present.through
        through.objects.bulk_create(
            [through(meeting_id=m.pk, menteeentry_id=e) for m, mentees in present for e in mentees],
            batch_size=BATCH_SIZE,
        )
        MentorEntry.objects.bulk_update(
            self.mentor_updates, ["included_on", "trained_on"], batch_size=BATCH_SIZE
        )
        MentorEntry.objects.filter(pk__in=set(self.active_mentors)).update(status=MentorEntry.Status.ACTIVE)
        MenteeEntry.objects.bulk_update(self.mentee_updates, ["included_on", "status"], batch_size=BATCH_SIZE)
        Consent.objects.bulk_update(self.consent_updates, ["date"], batch_size=BATCH_SIZE)

    def date_rows(self, schools: list[Organisation]) -> None:
        """Rows written now take the dates of the events they record: a programme its approval, a pair its
        proposal, a meeting held its day."""
        Programme.objects.filter(school__in=schools).update(
            created_at=F("approved_at"), updated_at=F("approved_at")
        )
        proposed = PairStatusChange.objects.filter(pair=OuterRef("pk"), to_status=Pair.Status.PROPOSED)
        Pair.objects.filter(school__in=schools).update(created_at=Subquery(proposed.values("changed_at")[:1]))
        Meeting.objects.filter(school__in=schools, status=Meeting.Status.HELD).update(
            created_at=F("starts_at")
        )


def build_pairs(built: BuiltDepartment, *, size: PairsSize, seed: int, actors: dict[int, Actors]) -> None:
    """Each school's programmes with their pairs and groups, the pairs' plans and meetings."""
    generator = _PairGenerator(size, seed)
    with transaction.atomic(), disable_auditlog():
        for school in built.schools:
            generator.school(school, actors.get(school.school.pk, Actors()))
        generator.save(actors)
        generator.date_rows([school.school for school in built.schools])


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
    """Accounts with the password «demo», named after their person; an existing username is taken over."""
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
    """The demo department of `make run`, its named accounts, its schools' programmes and pairs, and their
    surveys."""
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
        actors = {
            first.school.pk: Actors(curator=by_name["curator"], director=by_name["director"]),
            second.school.pk: Actors(curator=by_name["curator2"]),
        }
        build_pairs(built, size=DEMO_PAIRS, seed=seed, actors=actors)
        curators = {pk: a.curator for pk, a in actors.items() if a.curator}
        build_surveys(built, seed=seed, curators=curators, showcase=first)
        build_roadmaps(
            school=first.school,
            curator=by_name["curator"],
            department=built.department,
            coordinator=by_name["coordinator"],
        )
    return built


def build_municipality(
    *, schools: int, pupils_per_school: int, teachers_per_school: int, seed: int = BENCH_SEED
) -> BuiltDepartment:
    """The large municipality of the benchmarks with years of programmes, pairs and surveys, a coordinator,
    and a curator and a mentor of its first school."""
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
        curator = create_accounts(accounts)[1]
        build_pairs(built, size=BENCH_PAIRS, seed=seed, actors={first.school.pk: Actors(curator=curator)})
        build_surveys(built, seed=seed, curators={first.school.pk: curator})
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
