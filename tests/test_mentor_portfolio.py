"""The mentor's portfolio for attestation: its figures against the data, the empty parts in words, and who may
make and take it."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, MenteeEntry, Person, Register, Role
from monitoring import portfolio
from monitoring.documents import MENTOR_PORTFOLIO, portfolio_context
from monitoring.models import Invitation, Question, Questionnaire, Survey
from pairs.documents import BEST_PAIR, CERTIFICATE, ORDER_ENCOURAGEMENT
from pairs.models import Meeting, Pair, PairStatusChange
from tests.documents import pdf_text
from tests.factories import (
    AnswerFactory,
    DocumentFactory,
    InvitationFactory,
    MeetingFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
    ProgrammeFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SurveyFactory,
    TeacherFactory,
    UserFactory,
)

# Renders are enqueued on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)
Measure = Question.Measure


def pupil(school, last_name: str) -> MenteeEntry:
    person = PersonFactory(school=school, last_name=last_name, first_name="Пётр", grade=7, class_letter="Б")
    return MenteeEntryFactory(person=person, school=school, status=MenteeEntry.Status.PAIRED)


def mentor_of(school, last_name: str):
    person = TeacherFactory(
        school=school,
        last_name=last_name,
        first_name="Ирина",
        patronymic="Павловна",
        position="Учитель математики",
        subjects="Математика, алгебра",
        experience_years=15,
        qualification_category=Person.Category.HIGHEST,
    )
    return MentorEntryFactory(person=person, school=school, trained_on=datetime.date(2026, 5, 20))


def answered(survey: Survey, entry: MenteeEntry, pair: Pair, values: dict, **invitation) -> None:
    invitation = InvitationFactory(
        survey=survey, person=entry.person, pair=pair, role=Role.MENTEE, **invitation
    )
    response = ResponseFactory(invitation=invitation)
    for question, value in values.items():
        AnswerFactory(response=response, question=question, number=value)


@pytest.fixture
def programme(school):
    return ProgrammeFactory(school=school, title="Программа наставничества «Учитель – ученик» 2026")


@pytest.fixture
def mentor(school):
    return mentor_of(school, "Белова")


@pytest.fixture
def work(school, programme, mentor):
    """A group that completed its work and a pair at work, with meetings, plans and stage 2 answers.

    The group (Андреев, Борисов): held meetings of 45 and 90 minutes, one planned and one marked held in the
    future (neither counts); 3 of 4 plan items done; engagement 2 → 4 (Андреев), 3 → 3 (Борисов).
    The pair (Соколова): one held meeting of 60 minutes, no plan, an entry answer only.
    """
    andreev, borisov = pupil(school, "Андреев"), pupil(school, "Борисов")
    group = PairFactory(
        programme=programme,
        mentor=mentor,
        mentees=[andreev, borisov],
        status=Pair.Status.COMPLETED,
        ended_on=datetime.date(2026, 11, 20),
    )
    PairStatusChange.objects.create(
        pair=group,
        from_status=Pair.Status.ACTIVE,
        to_status=Pair.Status.COMPLETED,
        note="Оба подтянули алгебру",
    )
    pair = PairFactory(programme=programme, mentor=mentor)
    PairFactory(
        programme=programme, mentor=mentor, status=Pair.Status.PROPOSED, mentees=[pupil(school, "Жуков")]
    )
    MeetingFactory(pair=group, duration_minutes=45)
    MeetingFactory(pair=group, duration_minutes=90)
    MeetingFactory(pair=group, duration_minutes=120, status=Meeting.Status.PLANNED)
    MeetingFactory(pair=group, duration_minutes=300, starts_at=timezone.now() + datetime.timedelta(days=2))
    MeetingFactory(pair=pair, duration_minutes=60)
    for done in (True, True, True, False):
        PlanItemFactory(pair=group, done_on=datetime.date(2026, 10, 1) if done else None)
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.STAGE_2)
    engagement = QuestionFactory(questionnaire=questionnaire, scale_max=5, measures=Measure.ENGAGEMENT)
    entry, exit = (
        SurveyFactory(questionnaire=questionnaire, programme=programme, phase=phase)
        for phase in (Survey.Phase.ENTRY, Survey.Phase.EXIT)
    )
    answered(entry, andreev, group, {engagement: 2})
    answered(exit, andreev, group, {engagement: 4})
    answered(entry, borisov, group, {engagement: 3})
    answered(exit, borisov, group, {engagement: 3})
    answered(entry, pair.members.get().mentee, pair, {engagement: 1})
    return {"group": group, "pair": pair}


def order(client: Client, mentor, **data):
    return client.post(reverse("mentor_portfolio", args=[mentor.pk]), {"portfolio-year": "", **data})


def logged_in_as(person: Person, school) -> Client:
    person.user = UserFactory()
    person.save()
    person.user.memberships.create(organisation=school, role=Role.MENTOR)
    client = Client()
    client.force_login(person.user)
    return client


def portfolio_of(mentor) -> Document:
    return Document.objects.get(kind=MENTOR_PORTFOLIO, person=mentor.person)


# The content


def test_the_portfolio_tells_the_mentor_its_pairs_and_their_figures(client_as, school, mentor, work):
    page = order(client_as(Role.DIRECTOR, school), mentor)

    document = portfolio_of(mentor)
    assert page.url == reverse("document_detail", args=[document.pk])
    assert document.status == Document.Status.READY
    text = pdf_text(document)
    assert "ПОРТФОЛИО НАСТАВНИКА" in text
    assert "Сведения о наставнической деятельности педагога Беловой Ирины Павловны" in text
    assert "Учитель математики" in text and "Математика, алгебра" in text and "15 лет" in text
    assert "высшая" in text and "обучение пройдено, 20.05.2026" in text
    assert "Наставнических пар и групп 2 Наставляемых 3 Проведено встреч 3" in text
    assert "Общая продолжительность встреч 3,25 ч" in text, "45 + 90 + 60 minutes, held and past only"
    assert "Андреев Пётр Сергеевич, 7 «Б» класс" in text and "Соколова Мария" in text
    assert "15.09.2026 – 20.11.2026" in text and "Завершена" in text
    assert "Результат: Оба подтянули алгебру" in text
    assert "Жуков" not in text, "a proposed pair is no evidence yet"


def test_hours_count_held_meetings_once_per_group_and_plans_count_done_items(school, mentor, work):
    rows = Pair.objects.filter(mentor=mentor)

    hours = portfolio.held_meeting_hours(rows, None)
    plans = portfolio.plan_completion(rows)

    group, pair = work["group"].pk, work["pair"].pk
    assert (hours[group].held, hours[group].minutes, hours[group].hours) == (2, 135, "2,25")
    assert (hours[pair].held, hours[pair].hours) == (1, "1")
    assert (plans[group].done, plans[group].planned, plans[group].percent) == (3, 4, 75)
    assert pair not in plans


def test_the_portfolio_shows_plan_completion_and_the_mentees_stage_2_change_without_answers(
    client_as, school, mentor, work
):
    order(client_as(Role.CURATOR, school), mentor)

    text = pdf_text(portfolio_of(mentor))
    assert "3 из 4 (75 %)" in text and "план не составлен" in text
    assert "Вовлечённость 2 1 1 0" in text, "compared 2: one improved, one stayed, none worsened"
    assert "Заключительное анкетирование ещё не проведено." in text
    assert "В среднем" not in text and "→" not in text, "a group under five shows no means"


def test_the_stage_2_change_counts_a_mentee_once_by_its_own_answers(school, mentor, work):
    group = work["group"]
    andreev = group.members.get(mentee__person__last_name="Андреев").mentee
    exit = Survey.objects.get(phase=Survey.Phase.EXIT)
    answered(
        exit, andreev, group, {exit.questionnaire.questions.get(): 1}, respondent=Invitation.Respondent.PARENT
    )

    change = portfolio.mentee_changes([group])[group.pk]

    [engagement] = change.group.summaries
    assert (engagement.compared, engagement.improved, engagement.stayed) == (2, 1, 1)


def test_a_group_of_five_compared_mentees_shows_its_means(client_as, school, programme, mentor):
    mentees = [pupil(school, name) for name in ("Акимов", "Белов", "Волков", "Гусев", "Дымов")]
    group = PairFactory(programme=programme, mentor=mentor, mentees=mentees)
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.STAGE_2)
    motivation = QuestionFactory(questionnaire=questionnaire, scale_max=5, measures=Measure.MOTIVATION)
    for phase, value in ((Survey.Phase.ENTRY, 2), (Survey.Phase.EXIT, 4)):
        survey = SurveyFactory(questionnaire=questionnaire, programme=programme, phase=phase)
        for entry in mentees:
            answered(survey, entry, group, {motivation: value})

    order(client_as(Role.DIRECTOR, school), mentor)

    text = pdf_text(portfolio_of(mentor))
    assert "В среднем: на входе → по итогам" in text
    assert "Мотивация 5 5 0 0 2,00 → 4,00" in text


def test_a_pupil_mentors_portfolio_names_its_class(client_as, school, programme):
    person = PersonFactory(school=school, last_name="Орлов", first_name="Артём", patronymic="Ильич", grade=10)
    mentor = MentorEntryFactory(person=person, school=school)
    PairFactory(programme=programme, mentor=mentor, mentees=[pupil(school, "Сидоров")])

    order(client_as(Role.CURATOR, school), mentor)

    text = pdf_text(portfolio_of(mentor))
    assert "Сведения о наставнической деятельности обучающегося Орлова Артёма Ильича" in text
    assert "Класс 10 «Б»" in text and "Должность" not in text


def test_the_portfolio_lists_the_certificates_and_thanks_that_name_the_mentor(
    client_as, school, mentor, work
):
    certificate = dict(kind=CERTIFICATE, register=Register.CERTIFICATES, title="Сертификат")
    DocumentFactory(
        school=school, person=mentor.person, number="7", date=datetime.date(2026, 11, 25), **certificate
    )
    DocumentFactory(school=school, person=mentor_of(school, "Громова").person, number="8", **certificate)
    DocumentFactory(
        school=school, kind=BEST_PAIR, pair=work["group"], number="", date=datetime.date(2026, 11, 26)
    )
    DocumentFactory(
        school=school,
        kind=ORDER_ENCOURAGEMENT,
        title="О поощрении участников программы наставничества",
        number="12-о",
        date=datetime.date(2026, 11, 27),
        params={"encouragement": "gratitude", "reason": "за труд", "mentors": [mentor.pk], "pairs": []},
    )

    order(client_as(Role.DIRECTOR, school), mentor)

    text = pdf_text(portfolio_of(mentor))
    assert "Сертификат участника программы наставничества 7 25.11.2026" in text
    assert "Диплом «Лучшая пара» без номера 26.11.2026" in text
    assert "О поощрении участников программы наставничества: благодарность 12-о 27.11.2026" in text
    assert " 8 " not in text.split("Сертификаты, грамоты, благодарности")[1]


def test_the_director_confirms_the_portfolio_with_signature_and_seal(client_as, school, mentor, work):
    order(client_as(Role.DIRECTOR, school), mentor)

    text = pdf_text(portfolio_of(mentor))
    assert "Сведения подтверждаю Директор А. В. Смирнов" in text
    assert f"{timezone.localdate():%d.%m.%Y} М. П." in text


def test_empty_parts_are_told_in_words(client_as, school, programme, mentor):
    PairFactory(programme=programme, mentor=mentor)

    order(client_as(Role.DIRECTOR, school), mentor)

    text = pdf_text(portfolio_of(mentor))
    assert "Анкетирование наставляемых на этапе 2 мониторинга не проводилось." in text
    assert "Сертификаты, грамоты и приказы о поощрении наставника в школе не оформлялись." in text
    assert "план не составлен" in text


def test_a_chosen_year_leaves_out_the_pairs_and_meetings_of_other_years(
    client_as, school, programme, mentor, work
):
    earlier = PairFactory(
        programme=programme,
        mentor=mentor,
        status=Pair.Status.COMPLETED,
        started_on=datetime.date(2025, 9, 10),
        ends_on=datetime.date(2026, 5, 1),
        ended_on=datetime.date(2026, 5, 1),
        mentees=[pupil(school, "Ершов")],
    )
    MeetingFactory(pair=earlier, starts_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 15)))
    year = AcademicYear.containing(work["pair"].started_on)

    order(client_as(Role.DIRECTOR, school), mentor, **{"portfolio-year": str(year.start_year)})

    document = portfolio_of(mentor)
    text = pdf_text(document)
    assert f"За {year.label} учебный год" in text and f"{year.label} учебный год" in document.title
    assert "Ершов" not in text and "Наставнических пар и групп 2" in text


# Refusals: each a Russian sentence, nothing made


def test_a_mentor_without_pairs_gets_no_portfolio_and_a_reason(client_as, school, mentor):
    director = client_as(Role.DIRECTOR, school)

    page = order(director, mentor)

    assert page.url == reverse("mentor_detail", args=[mentor.pk])
    assert not Document.objects.exists()
    message = (
        "У наставника Беловой Ирины Павловны нет наставнических пар и групп: портфолио не из чего составить."
    )
    assert message in director.get(page.url).content.decode()


def test_a_year_not_offered_is_refused(client_as, school, mentor, work):
    director = client_as(Role.DIRECTOR, school)

    page = order(director, mentor, **{"portfolio-year": "1990"})

    assert not Document.objects.exists()
    assert "выберите период из списка" in director.get(page.url).content.decode()


# Who makes and takes it


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTEE])
def test_other_roles_of_the_school_may_not_order_a_portfolio(client_as, school, mentor, work, role):
    assert order(client_as(role, school), mentor).status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR])
def test_another_schools_mentor_is_not_found(client_as, other_school, mentor, work, role):
    assert order(client_as(role, other_school), mentor).status_code == 404
    assert not Document.objects.exists()


def test_the_coordinator_does_not_order_a_schools_portfolio(client_as, school, mentor, work):
    assert order(client_as(Role.COORDINATOR, school.department), mentor).status_code == 404


def test_the_mentor_orders_its_own_portfolio_and_downloads_it(school, mentor, work):
    client = logged_in_as(mentor.person, school)

    page = client.post(reverse("my_portfolio"), {"portfolio-year": ""})

    document = portfolio_of(mentor)
    assert page.url == reverse("my_portfolio")
    listing = client.get(page.url).content.decode()
    assert "Портфолио сформировано: скачайте его в списке ниже." in listing and document.title in listing
    assert reverse("document_file", args=[document.pk]) in listing
    assert client.get(reverse("document_file", args=[document.pk])).status_code == 200


def test_a_mentor_cannot_order_or_take_another_mentors_portfolio(client_as, school, programme, mentor, work):
    other = mentor_of(school, "Громова")
    PairFactory(programme=programme, mentor=other, mentees=[pupil(school, "Ильин")])
    client = logged_in_as(other.person, school)

    assert order(client, mentor).status_code == 403
    client.post(reverse("my_portfolio"), {"portfolio-year": ""})
    order(client_as(Role.DIRECTOR, school), mentor)

    assert Document.objects.get(person=other.person).params["mentor"] == other.pk
    theirs = portfolio_of(mentor)
    assert client.get(reverse("document_file", args=[theirs.pk])).status_code == 404
    assert theirs.title not in client.get(reverse("my_portfolio")).content.decode()


def test_someone_outside_the_mentor_base_has_no_portfolio_page(school, mentor):
    person = TeacherFactory(school=school)
    client = logged_in_as(person, school)

    assert client.get(reverse("my_portfolio")).status_code == 403


def test_the_director_may_also_ask_for_it_among_the_schools_documents(client_as, school, mentor, work):
    page = client_as(Role.DIRECTOR, school).post(
        reverse("document_new", args=[MENTOR_PORTFOLIO]),
        {"date": "2026-11-30", "mentor": mentor.pk, "year": ""},
    )

    document = portfolio_of(mentor)
    assert page.url == reverse("document_detail", args=[document.pk])
    assert document.status == Document.Status.READY


# Where it is made


def test_the_mentors_page_offers_the_portfolio_to_the_director_only_among_readers(
    client_as, school, mentor, work
):
    url = reverse("mentor_detail", args=[mentor.pk])

    director_page = client_as(Role.DIRECTOR, school).get(url).content.decode()
    psychologist_page = client_as(Role.PSYCHOLOGIST, school).get(url).content.decode()

    assert reverse("mentor_portfolio", args=[mentor.pk]) in director_page
    assert "Сформировать портфолио" in director_page
    assert "Сформировать портфолио" not in psychologist_page


def test_the_mentors_home_offers_its_portfolio(school, mentor, work):
    home = logged_in_as(mentor.person, school).get(reverse("home")).content.decode()

    assert "Портфолио наставника для аттестации" in home
    assert f'action="{reverse("my_portfolio")}"' in home


def test_the_portfolio_reads_a_fixed_number_of_queries_whatever_the_pairs(
    client_as, school, programme, mentor, work
):
    order(client_as(Role.DIRECTOR, school), mentor)
    document = portfolio_of(mentor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            portfolio_context(document)
        return len(captured)

    before = queries()
    for name in ("Ильин", "Карпов", "Львов"):
        pair = PairFactory(programme=programme, mentor=mentor, mentees=[pupil(school, name)])
        MeetingFactory(pair=pair)
        PlanItemFactory(pair=pair)
    assert queries() == before
