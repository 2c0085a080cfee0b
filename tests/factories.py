import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from mentoring.models import (
    Consent,
    Document,
    Membership,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    User,
)
from monitoring.models import LOW_MARK, Invitation, Question, Questionnaire, Survey
from pairs.models import Meeting, Pair, PairMentee, PlanItem
from programs.models import MentoringForm, Programme

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
    locality = "г. Энск"


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


def consenting(person: Person) -> Person:
    """The person with a consent: a pupil's given by a parent, an adult's by the person."""
    if person.kind == Person.Kind.PUPIL:
        ConsentFactory(person=person)
    else:
        ConsentFactory(person=person, given_by=Consent.GivenBy.SELF, representative_name="")
    return person


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


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    school = factory.SubFactory(SchoolFactory)
    form = factory.LazyFunction(lambda: MentoringForm.objects.get(code="teacher_teacher"))
    title = "Программа наставничества «Учитель – учитель»"
    goal = "Создание условий для профессионального роста молодого специалиста."
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 6, 30)
    style = Programme.Style.SITUATIONAL
    status = Programme.Status.RUNNING


class PairFactory(factory.django.DjangoModelFactory):
    """A pair of one mentor and one mentee; `mentees` gives a group instead."""

    class Meta:
        model = Pair
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    school = factory.SelfAttribute("programme.school")
    mentor = factory.SubFactory(
        MentorEntryFactory,
        school=factory.SelfAttribute("..school"),
        person__school=factory.SelfAttribute("..school"),
    )
    status = Pair.Status.ACTIVE
    started_on = datetime.date(2026, 9, 15)
    ends_on = datetime.date(2027, 6, 30)

    @factory.post_generation
    def mentees(self, create, extracted, **kwargs):
        entries = (
            extracted
            if extracted is not None
            else [
                MenteeEntryFactory(
                    person=TeacherFactory(
                        school=self.school, last_name="Соколова", first_name="Мария", subjects="Математика"
                    ),
                    school=self.school,
                    status=MenteeEntry.Status.PAIRED,
                )
            ]
        )
        for entry in entries:
            PairMentee.objects.create(
                pair=self,
                mentee=entry,
                programme=self.programme,
                is_current=self.is_current,
                role_model=self.role_model,
            )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pair = factory.SubFactory(PairFactory)
    school = factory.SelfAttribute("pair.school")
    status = Meeting.Status.HELD
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    kind = Meeting.Kind.REGULAR
    topic = "Разбор открытого урока"
    duration_minutes = 45


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    pair = factory.SubFactory(PairFactory)
    number = factory.Sequence(lambda n: n + 1)
    activity = "Посещение и взаимопосещение уроков"
    term = "В течение 1 четверти"
    due_on = datetime.date(2026, 10, 31)


class DocumentFactory(factory.django.DjangoModelFactory):
    """An issued pairs order, its file not rendered."""

    class Meta:
        model = Document

    school = factory.SubFactory(SchoolFactory)
    kind = "order_pairs"
    date = datetime.date(2026, 9, 10)
    year = factory.SelfAttribute("date.year")
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda document: f"{document.sequence}-о")
    title = "О назначении наставников и закреплении наставнических пар (групп)"


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A school's questionnaire; `school=None` makes a built-in one."""

    class Meta:
        model = Questionnaire

    school = factory.SubFactory(SchoolFactory)
    title = "Анкета удовлетворённости участием в программе наставничества"
    purpose = Questionnaire.Purpose.SATISFACTION


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "Насколько вы довольны встречами с наставником?"
    kind = Question.Kind.SCALE
    scale_min = 1
    scale_max = 10
    scale_min_label = "совсем не доволен"
    scale_max_label = "очень доволен"
    measures = Question.Measure.SATISFACTION


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    school = factory.SelfAttribute("questionnaire.school")
    title = "Анкетирование участников программы"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    survey = factory.SubFactory(SurveyFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..survey.school"))


class ResponseFactory(factory.django.DjangoModelFactory):
    """A submitted response; `submitted_at=None` leaves it unsent."""

    class Meta:
        model = "monitoring.Response"

    invitation = factory.SubFactory(InvitationFactory)
    submitted_at = factory.LazyFunction(timezone.now)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "monitoring.Answer"
        skip_postgeneration_save = True

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(
        QuestionFactory, questionnaire=factory.SelfAttribute("..response.invitation.survey.questionnaire")
    )
    number = 7

    @factory.post_generation
    def marked(answer, create: bool, extracted, **kwargs) -> None:
        """The response's flag of a low mark, as `answers_store` keeps it."""
        if create:
            response = answer.response
            response.low_mark = response.answers.filter(LOW_MARK).exists()
            response.save(update_fields=["low_mark"])


class SignedMentorConsentFactory(factory.django.DjangoModelFactory):
    """The written consent of a pair's teacher-mentor (Трудовой кодекс, ст. 351.8), rendered, signed on paper
    and marked signed with its scan: what the law asks before such a pair starts work."""

    class Meta:
        model = Document

    pair = factory.SubFactory(PairFactory, status=Pair.Status.APPROVED, started_on=None)
    school = factory.SelfAttribute("pair.school")
    person = factory.SelfAttribute("pair.mentor.person")
    kind = "mentor_consent"
    date = datetime.date(2026, 9, 1)
    year = factory.SelfAttribute("date.year")
    title = factory.LazyAttribute(
        lambda document: f"Согласие на осуществление наставничества: {document.person.full_name}"
    )
    params = factory.LazyAttribute(lambda document: {"pair": document.pair.pk})
    status = Document.Status.READY
    file = factory.django.FileField(filename="soglasie.pdf", data=b"%PDF-1.4\n")
    file_version = 1
    signed_on = datetime.date(2026, 9, 2)
    signed_scan = factory.django.FileField(filename="soglasie-podpisano.pdf", data=b"%PDF-1.4\n")
