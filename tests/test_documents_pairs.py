"""The pairs' documents of encouragement: the order, the pair's report, certificates, грамоты and letters."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from mentoring.models import Document, DocumentCounter, Person, Register, Role
from monitoring.models import Questionnaire
from pairs.documents import (
    AWARDS,
    BEST_MENTOR,
    BEST_PAIR,
    CERTIFICATE,
    MENTOR_OF_YEAR,
    ORDER_ENCOURAGEMENT,
    PAIR_REPORT,
    PARENTS_LETTER,
    person_sex,
)
from pairs.models import Pair
from tests.documents import pdf_pages, pdf_text
from tests.factories import (
    AnswerFactory,
    InvitationFactory,
    MeetingFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
    ProgrammeFactory,
    QuestionFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
    TeacherFactory,
    UserFactory,
)

Status = Document.Status
# Renders are enqueued on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)
DATE = "2026-11-23"


@pytest.fixture
def programme(school):
    return ProgrammeFactory(school=school, title="Программа «Учитель – учитель» 2026")


def teacher_mentor(school, last_name):
    person = TeacherFactory(school=school, last_name=last_name, first_name="Ирина", patronymic="Павловна")
    return MentorEntryFactory(person=person, school=school)


def pupil_mentor(school, last_name):
    person = PersonFactory(school=school, last_name=last_name, first_name="Артём", grade=9, class_letter="А")
    return MentorEntryFactory(person=person, school=school)


@pytest.fixture
def pair(programme, school):
    return PairFactory(programme=programme, mentor=teacher_mentor(school, "Белова"))


@pytest.fixture
def other_pair(programme, school):
    return PairFactory(
        programme=programme, mentor=teacher_mentor(school, "Громова"), status=Pair.Status.COMPLETED
    )


def ask(client, kind, **data):
    return client.post(reverse("document_new", args=[kind]), {"date": DATE, **data})


def logged_in(person) -> Client:
    person.user = UserFactory()
    person.save()
    client = Client()
    client.force_login(person.user)
    return client


def file_status(client, document) -> int:
    return client.get(reverse("document_file", args=[document.pk])).status_code


# The encouragement order


def test_the_encouragement_order_names_the_chosen_mentors_and_the_pairs_participants(
    client_as, school, pair, other_pair
):
    director = client_as(Role.DIRECTOR, school)

    ask(
        director,
        ORDER_ENCOURAGEMENT,
        encouragement="gratitude",
        reason="за высокие результаты работы",
        mentors=[pair.mentor.pk],
        pairs=[other_pair.pk],
        appendix="on",
    )

    document = Document.objects.get()
    assert (document.number, document.status) == ("1-о", Status.READY)
    text = pdf_text(document)
    assert school.full_name in text and "ПРИКАЗ" in text and "ПРИКАЗЫВАЮ:" in text
    assert "О поощрении участников программы наставничества" in text
    assert "Объявить благодарность за высокие результаты работы" in text
    assert "Белова Ирина Павловна" in text and "Громова Ирина Павловна" in text
    assert "Соколова Мария" in text, "the mentee of the chosen pair is encouraged too"
    assert "Приложение 1" in text and "наставляемый" in text


def test_a_best_mentor_order_names_only_the_mentor_of_a_chosen_pair(client_as, school, pair):
    ask(
        client_as(Role.DIRECTOR, school),
        ORDER_ENCOURAGEMENT,
        encouragement="best_mentor",
        reason="за труд",
        pairs=[pair.pk],
    )

    text = pdf_text(Document.objects.get())
    assert "Наградить грамотой «Лучший наставник» за труд" in text
    assert "Белову Ирину Павловну" in text and "Соколов" not in text


def test_an_encouragement_order_for_nobody_is_refused_and_numbers_nothing(client_as, school, pair):
    page = ask(
        client_as(Role.DIRECTOR, school),
        ORDER_ENCOURAGEMENT,
        encouragement="gratitude",
        reason="за труд",
    )

    assert "Выберите наставников или пары: поощрять некого." in page.content.decode()
    assert not Document.objects.exists() and not DocumentCounter.objects.exists()


def test_letters_to_parents_in_the_order_are_refused_for_a_mentor_who_is_not_a_pupil(client_as, school, pair):
    page = ask(
        client_as(Role.DIRECTOR, school),
        ORDER_ENCOURAGEMENT,
        encouragement="parents_letter",
        reason="за труд",
        mentors=[pair.mentor.pk],
    )

    assert "не обучающийся: письмо родителям пишется только наставникам" in page.content.decode()
    assert not Document.objects.exists()


def test_proposed_pairs_and_another_schools_mentors_are_not_offered_and_a_forged_id_is_refused(
    client_as, school, programme, pair
):
    proposed = PairFactory(
        programme=programme, mentor=teacher_mentor(school, "Зайцева"), status=Pair.Status.PROPOSED
    )
    foreign = PairFactory(programme=ProgrammeFactory(school=SchoolFactory()))
    director = client_as(Role.DIRECTOR, school)

    form = director.get(reverse("document_new", args=[ORDER_ENCOURAGEMENT])).content.decode()
    forged = ask(
        director, ORDER_ENCOURAGEMENT, encouragement="gratitude", reason="за труд", pairs=[foreign.pk]
    )

    assert "Белова" in form and "Зайцева" not in form and foreign.mentor.person.last_name not in form
    assert proposed.pk and forged.status_code == 200 and not Document.objects.exists()


def test_the_curator_may_not_issue_the_encouragement_order(client_as, school, pair):
    page = ask(
        client_as(Role.CURATOR, school),
        ORDER_ENCOURAGEMENT,
        encouragement="gratitude",
        reason="за труд",
        mentors=[pair.mentor.pk],
    )

    assert page.status_code == 403 and not Document.objects.exists()


# The pair's report


@pytest.fixture
def worked(pair):
    PlanItemFactory(
        pair=pair,
        activity="Посещение уроков наставника",
        done_on=datetime.date(2026, 10, 20),
        done_note="Посещено 4 урока",
    )
    PlanItemFactory(pair=pair, activity="Разработка технологической карты урока")
    MeetingFactory(pair=pair, topic="Разбор открытого урока", duration_minutes=90)
    MeetingFactory(pair=pair, topic="Планирование четверти", duration_minutes=45)
    return pair


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_the_pair_report_holds_the_pair_its_plan_meetings_and_figures(client_as, school, worked, role):
    ask(client_as(role, school), PAIR_REPORT, pair=worked.pk)

    document = Document.objects.get()
    assert document.status == Status.READY and document.pair == worked and not document.number
    text = pdf_text(document)
    assert school.full_name in text and "персонализированной программы наставничества" in text
    assert "Белова Ирина Павловна" in text and "Соколова Мария" in text
    assert "Посещение уроков наставника" in text and "выполнено 20.10.2026: Посещено 4 урока" in text
    assert "Разбор открытого урока" in text and "Планирование четверти" in text
    assert "Выполнено мероприятий плана 1 из 2" in text and "Проведено встреч 2" in text
    assert "Общая продолжительность встреч 2 ч 15 мин" in text
    assert all(level in text for level in ("Реакция", "Изменения в знаниях", "Изменение поведения"))
    assert "Общая оценка результатов" in text and "нет данных" in text
    assert pdf_pages(document)[-1][0] > pdf_pages(document)[-1][1], "the plan table is landscape"


def test_the_pair_report_fills_the_evaluation_from_the_pairs_satisfaction_answers(client_as, school, pair):
    questionnaire = Questionnaire.objects.create(
        school=school, title="Удовлетворённость", purpose="satisfaction"
    )
    reaction = QuestionFactory(
        questionnaire=questionnaire, text="Реакция: насколько вы удовлетворены обучением?"
    )
    survey = SurveyFactory(questionnaire=questionnaire, school=school, programme=pair.programme)
    mentee = pair.members.get().mentee.person
    response = ResponseFactory(invitation=InvitationFactory(survey=survey, person=mentee, pair=pair))
    AnswerFactory(response=response, question=reaction, number=8)

    ask(client_as(Role.CURATOR, school), PAIR_REPORT, pair=pair.pk)

    text = pdf_text(Document.objects.get())
    assert f"{mentee.full_name} (наставляемый): 8 из 10" in text and "Средняя оценка: 8,0" in text
    assert text.count("нет данных") == 3


def test_a_proposed_pair_has_no_report(client_as, school, programme):
    proposed = PairFactory(programme=programme, status=Pair.Status.PROPOSED)

    page = ask(client_as(Role.CURATOR, school), PAIR_REPORT, pair=proposed.pk)

    assert page.status_code == 200 and not Document.objects.exists()


def test_the_pairs_mentor_downloads_its_report_and_another_mentor_gets_a_404(
    client_as, school, pair, other_pair
):
    ask(client_as(Role.CURATOR, school), PAIR_REPORT, pair=pair.pk)
    report = Document.objects.get()

    assert file_status(logged_in(pair.mentor.person), report) == 200
    assert file_status(logged_in(other_pair.mentor.person), report) == 404


# Certificates and letters, one document per recipient


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_certificates_are_made_one_per_participant_each_for_its_own_person(client_as, school, pair, role):
    mentor, mentee = pair.mentor.person, pair.members.get().mentee.person

    ask(
        client_as(role, school),
        CERTIFICATE,
        programme=pair.programme.pk,
        recipients=[mentor.pk, mentee.pk],
    )

    made = {document.person: document for document in Document.objects.filter(kind=CERTIFICATE)}
    assert set(made) == {mentor, mentee}
    for person, role_name in ((mentor, "наставника"), (mentee, "наставляемого")):
        text = pdf_text(made[person])
        assert made[person].status == Status.READY and len(pdf_pages(made[person])) == 1
        assert school.full_name in text and "СЕРТИФИКАТ" in text and person.full_name in text
        # The programme's title is quoted once: «Программа» is already said by the sentence.
        assert f"в роли {role_name} в программе наставничества «Учитель – учитель» 2026" in text
        assert "с 15.09.2026 принимает участие" in text and "рассчитана до 30.06.2027" in text
        assert school.director_name in text
    mentor_client, mentee_client = logged_in(mentor), logged_in(mentee)
    assert file_status(mentor_client, made[mentor]) == 200 and file_status(mentor_client, made[mentee]) == 404
    assert file_status(mentee_client, made[mentee]) == 200 and file_status(mentee_client, made[mentor]) == 404


def test_certificates_for_nobody_or_for_someone_outside_the_programme_are_refused(client_as, school, pair):
    other_programme = ProgrammeFactory(school=school)
    elsewhere = PairFactory(programme=other_programme, mentor=teacher_mentor(school, "Яковлева"))
    foreign = PairFactory(programme=ProgrammeFactory(school=SchoolFactory()))
    curator = client_as(Role.CURATOR, school)

    nobody = ask(curator, CERTIFICATE, programme=pair.programme.pk)
    outside = ask(curator, CERTIFICATE, programme=pair.programme.pk, recipients=[elsewhere.mentor.person.pk])
    forged = ask(curator, CERTIFICATE, programme=pair.programme.pk, recipients=[foreign.mentor.person.pk])

    assert "Выберите хотя бы одного получателя" in nobody.content.decode()
    assert "Яковлева Ирина Павловна не участвует в парах программы" in outside.content.decode()
    assert forged.status_code == 200 and not Document.objects.exists()


def test_the_certificate_form_lists_the_chosen_programmes_participants_alone(client_as, school, pair):
    PairFactory(  # a pair of another programme of the school
        programme=ProgrammeFactory(school=school), mentor=teacher_mentor(school, "Яковлева")
    )
    other_school = SchoolFactory()
    foreign = PairFactory(
        programme=ProgrammeFactory(school=other_school), mentor=teacher_mentor(other_school, "Чужая")
    )
    fresh = ProgrammeFactory(school=school)  # no pair has worked in it yet
    curator = client_as(Role.CURATOR, school)
    url = reverse("document_new", args=[CERTIFICATE])

    unchosen = curator.get(url).content.decode()
    chosen = curator.get(url, {"programme": pair.programme.pk}).content.decode()
    another_schools = curator.get(url, {"programme": foreign.programme.pk}).content.decode()
    forgotten = ask(curator, CERTIFICATE, programme=pair.programme.pk).content.decode()

    assert "Выберите программу: здесь появятся её участники." in unchosen
    assert "Белова" not in unchosen and "Яковлева" not in unchosen
    assert "Белова Ирина Павловна" in chosen and "Яковлева" not in chosen
    assert "Выберите программу: здесь появятся её участники." in another_schools
    assert "сертификат выдавать некому" in curator.get(url, {"programme": fresh.pk}).content.decode()
    assert "Чужая" not in another_schools and "Белова" not in another_schools
    # Sent with nobody ticked, the form comes back with the same programme's list to tick from.
    assert "Выберите хотя бы одного получателя" in forgotten
    assert "Белова Ирина Павловна" in forgotten and "Яковлева" not in forgotten
    assert (
        'id="div_id_recipients"' in unchosen
        and f'hx-get="{url}"' in unchosen
        and 'hx-select="#div_id_recipients"' in unchosen
    )


def test_best_mentor_awards_are_made_one_per_mentor(client_as, school, pair, other_pair):
    ask(
        client_as(Role.DIRECTOR, school),
        BEST_MENTOR,
        mentors=[pair.mentor.pk, other_pair.mentor.pk],
        reason="за наставничество",
    )

    made = Document.objects.filter(kind=BEST_MENTOR)
    assert {document.person for document in made} == {pair.mentor.person, other_pair.mentor.person}
    for document in made:
        text = pdf_text(document)
        assert len(pdf_pages(document)) == 1 and "ГРАМОТА" in text and "«Лучший наставник»" in text
        assert document.person.full_name in text and school.full_name in text
        assert "За наставничество в программе наставничества «Учитель – учитель» 2026." in text


def test_best_mentor_for_nobody_is_refused(client_as, school, pair):
    page = ask(client_as(Role.CURATOR, school), BEST_MENTOR, reason="за труд")

    assert "Выберите хотя бы одного получателя" in page.content.decode() and not Document.objects.exists()


def test_a_letter_to_parents_names_the_pupil_mentor_and_its_class(client_as, school, programme):
    pupils = [
        PairFactory(programme=programme, mentor=pupil_mentor(school, name)) for name in ("Орлов", "Зуев")
    ]

    ask(client_as(Role.DIRECTOR, school), PARENTS_LETTER, mentors=[p.mentor.pk for p in pupils])

    made = Document.objects.filter(kind=PARENTS_LETTER)
    assert made.count() == 2
    for document in made:
        text = pdf_text(document)
        assert len(pdf_pages(document)) == 1 and "БЛАГОДАРСТВЕННОЕ ПИСЬМО" in text
        assert "Уважаемые родители" in text and document.person.full_name in text and "9 «А» класса" in text
        assert school.full_name in text and school.director_name in text
    own = made.get(person=pupils[0].mentor.person)
    assert file_status(logged_in(pupils[0].mentor.person), own) == 200
    assert file_status(logged_in(pupils[1].mentor.person), own) == 404


def test_a_letter_to_parents_offers_the_pupil_mentors_only(client_as, school, programme, pair):
    pupil = PairFactory(programme=programme, mentor=pupil_mentor(school, "Орлов"))
    curator = client_as(Role.CURATOR, school)

    form = curator.get(reverse("document_new", args=[PARENTS_LETTER])).content.decode()
    page = ask(curator, PARENTS_LETTER, mentors=[pupil.mentor.pk, pair.mentor.pk])

    assert "Наставники из числа обучающихся" in form and "Орлов Артём Сергеевич, 9 «А» класс" in form
    assert "Белова" not in form, "a teacher mentor is not offered"
    assert page.status_code == 200 and not Document.objects.exists()


def test_a_certificate_regenerated_after_its_pair_was_terminated_fails_with_the_reason(
    client_as, school, pair
):
    director = client_as(Role.DIRECTOR, school)
    ask(director, CERTIFICATE, programme=pair.programme.pk, recipients=[pair.mentor.person.pk])
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.TERMINATED, termination_reason="Переезд")

    director.post(reverse("document_regenerate", args=[Document.objects.get().pk]))

    document = Document.objects.get()
    assert document.status == Status.FAILED
    assert document.failure == "Участник больше не состоит в парах программы: сертификат сформировать нельзя."


# The wording of certificates: tense by the dates, verbs by the recipient's sex; their register of numbers


@pytest.mark.parametrize(
    ("patronymic", "sex"),
    [
        ("Сергеевич", "m"),
        ("Ильич", "m"),
        ("Чечен-оолович", "m"),
        ("Мамед оглы", "m"),
        ("Нурланулы", "m"),
        ("Павловна", "f"),
        ("Ильинична", "f"),
        ("Гусейн кызы", "f"),
        ("", None),
        ("Джон", None),
    ],
)
def test_the_recipients_sex_is_told_by_the_patronymic(patronymic, sex):
    assert person_sex(Person(patronymic=patronymic)) == sex


def completed_pair(programme, mentor) -> Pair:
    return PairFactory(
        programme=programme,
        mentor=mentor,
        status=Pair.Status.COMPLETED,
        started_on=datetime.date(2025, 10, 15),
        ended_on=datetime.date(2026, 5, 29),
    )


@pytest.mark.parametrize(
    ("patronymic", "verb"), [("Павловна", "приняла"), ("Петрович", "принял"), ("", "принял(а)")]
)
def test_a_certificate_for_finished_participation_is_in_the_past_and_agrees_with_the_sex(
    client_as, school, programme, patronymic, verb
):
    mentor = teacher_mentor(school, "Белова")
    Person.objects.filter(pk=mentor.person_id).update(patronymic=patronymic)
    completed_pair(programme, mentor)

    ask(client_as(Role.DIRECTOR, school), CERTIFICATE, programme=programme.pk, recipients=[mentor.person_id])

    text = pdf_text(Document.objects.get())
    assert f"с 15.10.2025 по 29.05.2026 {verb} участие в роли наставника" in text
    assert "принимает" not in text and ("(а)" in text) == (not patronymic)


def test_a_pupils_certificate_agrees_with_her_sex(client_as, school, programme):
    pair = PairFactory(programme=programme, mentor=pupil_mentor(school, "Орлов"))
    mentee = pair.members.get().mentee.person
    Person.objects.filter(pk=pair.mentor.person_id).update(
        first_name="Анна", last_name="Орлова", patronymic="Олеговна"
    )

    ask(
        client_as(Role.CURATOR, school),
        CERTIFICATE,
        programme=programme.pk,
        recipients=[pair.mentor.person_id],
    )

    text = pdf_text(Document.objects.get())
    assert "Орлова Анна Олеговна обучающаяся 9 «А» класса с 15.09.2026 принимает участие" in " ".join(
        text.split()
    )
    assert mentee.full_name not in text


def test_certificates_are_numbered_in_their_own_register_and_a_number_is_never_reused(
    client_as, school, programme, pair, other_pair
):
    director = client_as(Role.DIRECTOR, school)
    people = [pair.mentor.person_id, other_pair.mentor.person_id]
    ask(director, CERTIFICATE, programme=programme.pk, recipients=people)
    first = sorted(Document.objects.values_list("number", flat=True))
    Document.objects.all().delete()

    ask(director, CERTIFICATE, programme=programme.pk, recipients=[pair.mentor.person_id])
    ask(
        director,
        ORDER_ENCOURAGEMENT,
        encouragement="certificate",
        reason="за участие",
        mentors=[pair.mentor.pk],
    )

    assert first == ["1", "2"]
    certificate = Document.objects.get(kind=CERTIFICATE)
    assert (certificate.register, certificate.number) == (Register.CERTIFICATES, "3")
    assert "№ 3" in pdf_text(certificate)
    assert Document.objects.get(kind=ORDER_ENCOURAGEMENT).number == "1-о", "orders keep their own numbers"
    assert DocumentCounter.objects.get(school=school, register=Register.CERTIFICATES, year=2026).last == 3


# The seed's contests: «Наставник года» and «Лучшая пара»


def test_a_mentor_of_the_year_diploma_has_the_seeds_wording_and_the_academic_year(client_as, school, pair):
    director = client_as(Role.DIRECTOR, school)
    form = director.get(reverse("document_new", args=[MENTOR_OF_YEAR])).content.decode()

    ask(director, MENTOR_OF_YEAR, mentors=[pair.mentor.pk], reason=AWARDS[MENTOR_OF_YEAR].reason)

    document = Document.objects.get()
    text = " ".join(pdf_text(document).split())
    assert "за победу в школьном конкурсе профессионального мастерства «Наставник года»" in form
    assert len(pdf_pages(document)) == 1 and text.startswith(school.full_name)
    assert "ДИПЛОМ победителя школьного конкурса профессионального мастерства «Наставник года»" in text
    assert "2026/2027 учебного года награждается Белова Ирина Павловна" in text
    assert "За победу в школьном конкурсе профессионального мастерства «Наставник года»" in text
    assert document.person == pair.mentor.person and not document.number


def test_a_best_pair_diploma_names_the_mentor_and_each_mentee(client_as, school, programme, pair, other_pair):
    PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    director = client_as(Role.DIRECTOR, school)
    form = director.get(reverse("document_new", args=[BEST_PAIR])).context["form"]

    ask(director, BEST_PAIR, pairs=[pair.pk], reason=AWARDS[BEST_PAIR].reason)

    assert set(form.fields["pairs"].queryset) == {pair, other_pair}, "only pairs that have worked"
    document = Document.objects.get()
    mentee = pair.members.get().mentee.person
    text = " ".join(pdf_text(document).split())
    assert len(pdf_pages(document)) == 1
    assert "ДИПЛОМ победителей школьного конкурса «Лучшая пара» награждаются" in text
    assert f"Белова Ирина Павловна наставник {mentee.full_name} наставляемая" in text
    assert "За победу в школьном конкурсе «Лучшая пара»" in text
    assert file_status(logged_in(pair.mentor.person), document) == 200


def test_a_best_pair_diploma_for_nobody_is_refused(client_as, school, pair):
    page = ask(client_as(Role.CURATOR, school), BEST_PAIR, reason="за труд")

    assert "Выберите хотя бы одного получателя" in page.content.decode() and not Document.objects.exists()
