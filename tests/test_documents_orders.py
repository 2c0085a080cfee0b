"""The orders of programs/documents.py: introducing the model, approving the Положение and a programme, the
«Школа наставников», the final event."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Document, DocumentCounter, Role
from pairs.documents import ORDER_ENCOURAGEMENT, ORDER_PAIRS
from pairs.models import Pair
from programs.documents import ORDER_APPROVAL, ORDER_FINAL_EVENT, ORDER_INTRODUCTION, ORDER_MENTOR_SCHOOL
from programs.models import Programme, ProgrammeRisk
from tests.documents import pdf_text
from tests.factories import MentorEntryFactory, PairFactory, PersonFactory, ProgrammeFactory, TeacherFactory

Status = Document.Status
# Renders are enqueued on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)

SCHEDULE = (
    "01.12.2026; Введение в наставничество; Кузнецова О. П.\n"
    "\n"
    "08.12.2026; Методы и формы работы с наставляемым; Педагог-психолог Белова Е. А.\n"
)


@pytest.fixture
def curator(make_user, school):
    user = make_user(Role.CURATOR, school)
    user.last_name, user.first_name, user.patronymic = "Кузнецова", "Ольга", "Петровна"
    user.save()
    return user


@pytest.fixture
def programme(school, curator):
    programme = ProgrammeFactory(
        school=school,
        title="Программа «Учитель – учитель» на 2026/27 учебный год",
        curator=curator,
        tasks="Адаптация молодого специалиста\nРазвитие профессиональных компетенций",
        expected_results="Успешная адаптация молодого учителя",
    )
    ProgrammeRisk.objects.create(
        programme=programme, risk="Высокая загруженность наставника", mitigation="Гибкий график встреч"
    )
    return programme


@pytest.fixture
def director(client_as, school):
    return client_as(Role.DIRECTOR, school)


@pytest.fixture
def foreign(other_school, make_user):
    """Another school's curator and programme, titled apart so a page can be searched for them."""
    user = make_user(Role.CURATOR, other_school)
    user.last_name = "Чужакова"
    user.save()
    return {"curator": user, "programme": ProgrammeFactory(school=other_school, title="Чужая программа")}


def ask(client, kind, **data):
    return client.post(reverse("document_new", args=[kind]), {"date": "2026-11-23", **data})


def mentor_school_data(curator, **extra):
    data = {
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-29",
        "responsible": curator.pk,
        "schedule": SCHEDULE,
    }
    return {**data, **extra}


def final_event_data(programme, curator, **extra):
    data = {
        "programme": programme.pk,
        "event_date": "2027-05-20",
        "place": "актовый зал школы",
        "event_form": "conference",
        "responsible": curator.pk,
    }
    return {**data, **extra}


def assert_an_order(document, school, readers=()):
    """The requisites of ГОСТ Р 7.0.97-2016 in their order, and the «С приказом ознакомлены:» list naming
    exactly `readers`, each once."""
    text = pdf_text(document)
    assert document.status == Status.READY, document.failure
    requisites = [
        school.full_name,
        "ПРИКАЗ",
        f"{document.date:%d.%m.%Y} № {document.number} г. Энск",
        document.title,
        "В соответствии с",
        "распоряжением Министерства просвещения Российской Федерации от 25.12.2019 № Р-145",
        "ПРИКАЗЫВАЮ:",
        "Контроль за исполнением настоящего приказа оставляю за собой.",
        "Директор А. В. Смирнов",
    ]
    positions = [text.find(requisite) for requisite in requisites]
    assert -1 not in positions and positions == sorted(positions), dict(
        zip(requisites, positions, strict=True)
    )
    listed = text.partition("С приказом ознакомлены:")[2].partition("Приложение")[0]
    for reader in readers:
        assert listed.count(reader) == 1, (reader, listed)
    assert bool(readers) == ("С приказом ознакомлены:" in text)
    assert "Смирнов А. В." not in listed, "the director signs the order and is not among its readers"
    return text


def assert_refused(page, message):
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Document.objects.exists() and not DocumentCounter.objects.exists()


def test_the_introduction_order_appoints_the_chosen_curator(director, school, curator):
    page = ask(director, ORDER_INTRODUCTION, curator=curator.pk)

    document = Document.objects.get()
    assert page.status_code == 302 and document.number == "1-о"
    text = assert_an_order(document, school, readers=["Кузнецова О. П."])
    assert "О внедрении целевой модели наставничества" in text and "273-ФЗ" in text
    assert "Назначить Кузнецову Ольгу Петровну куратором внедрения целевой модели наставничества" in text
    assert "Куратору внедрения целевой модели наставничества Кузнецовой О. П.:" in text
    assert "Кузнецова Ольга Петровна" not in text, "the curator is named in the case each sentence needs"
    assert "сформировать базу наставников и базу наставляемых" in text


def test_the_introduction_order_takes_the_programmes_curator_when_none_is_chosen(director, school, programme):
    ask(director, ORDER_INTRODUCTION, programme=programme.pk)

    text = assert_an_order(Document.objects.get(), school, readers=["Кузнецова О. П."])
    assert "Назначить Кузнецову Ольгу Петровну куратором" in text
    assert "всего цикла программы наставничества «Учитель – учитель» на 2026/27 учебный год." in text


def test_an_introduction_order_without_any_curator_is_refused(director, programme):
    Programme.objects.filter(pk=programme.pk).update(curator=None)

    page = ask(director, ORDER_INTRODUCTION, programme=programme.pk)

    assert_refused(page, "Выберите куратора или программу, у которой назначен куратор")


def test_the_approval_order_carries_the_regulation_and_the_programme_card(director, school, programme):
    ask(director, ORDER_APPROVAL, programme=programme.pk)

    document = Document.objects.get()
    text = assert_an_order(document, school, readers=["Кузнецова О. П."])
    assert "Об утверждении положения о наставничестве и программы наставничества" in text
    assert "Положение о системе наставничества не" not in text
    in_school = school.full_name.replace(
        "Муниципальное бюджетное общеобразовательное учреждение",
        "Муниципальном бюджетном общеобразовательном учреждении",
    )
    assert f"Утвердить Положение о системе наставничества в {in_school} согласно приложению 1" in text
    assert f"Положение о системе наставничества в {in_school}" in text.partition("Приложение 1")[2]
    assert "Утвердить программу наставничества «Учитель – учитель» на 2026/27 учебный год" in text
    assert "Куратору программы наставничества Кузнецовой О. П. организовать" in text
    for number in (1, 2):
        assert f"Приложение {number} к приказу от 23.11.2026 № {document.number}" in text
    assert programme.goal in text
    assert "Адаптация молодого специалиста" in text and "Успешная адаптация молодого учителя" in text
    assert "Высокая загруженность наставника" in text and "Гибкий график встреч" in text
    assert "дорожн" not in text, "there is no roadmap yet: the order does not invent one"


def test_the_approval_order_refuses_a_draft_programme(director, programme):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.DRAFT)

    page = ask(director, ORDER_APPROVAL, programme=programme.pk)

    assert_refused(page, "ещё не утверждена директором")


def test_the_approval_order_refuses_a_completed_programme(director, programme):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.COMPLETED)

    page = ask(director, ORDER_APPROVAL, programme=programme.pk)

    assert_refused(page, "уже завершена")


def test_the_mentor_school_order_lists_its_schedule(director, school, curator, programme):
    ask(director, ORDER_MENTOR_SCHOOL, programme=programme.pk, **mentor_school_data(curator))

    document = Document.objects.get()
    text = assert_an_order(document, school, readers=["Кузнецова О. П."])
    assert "Об организации «Школы наставников»" in text
    assert "Наставникам программы наставничества «Учитель – учитель» на 2026/27 учебный год пройти" in text
    assert "с 01.12.2026 по 29.12.2026" in text
    assert "«Школы наставников» Кузнецову Ольгу Петровну." in text
    assert "Кузнецовой О. П. по итогам обучения представить куратору" in text
    assert f"Приложение 1 к приказу от 23.11.2026 № {document.number}" in text
    assert "Введение в наставничество" in text and "Методы и формы работы с наставляемым" in text
    assert "Педагог-психолог Белова Е. А." in text


def test_the_mentor_school_form_offers_a_default_schedule(director):
    page = director.get(reverse("document_new", args=[ORDER_MENTOR_SCHOOL])).content.decode()

    assert "Введение в наставничество" in page and "Мониторинг и оценка результатов" in page


def test_the_proposed_lessons_fall_on_working_days_past_the_new_year_holidays(director, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 5))  # a Saturday

    form = director.get(reverse("document_new", args=[ORDER_MENTOR_SCHOOL])).context["form"]

    days = [line.split(";")[0] for line in form.initial["schedule"].splitlines()]
    assert days == ["07.12.2026", "14.12.2026", "21.12.2026", "28.12.2026", "11.01.2027"]
    assert (form.initial["starts_on"], form.initial["ends_on"]) == (
        datetime.date(2026, 12, 7),
        datetime.date(2027, 1, 11),
    )


def test_the_final_event_is_proposed_on_a_working_day(director, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2027, 4, 17))  # two weeks on: 1 May

    form = director.get(reverse("document_new", args=[ORDER_FINAL_EVENT])).context["form"]

    assert form.initial["event_date"] == datetime.date(2027, 5, 4)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"schedule": "01.12.2026; Введение в наставничество"}, "Строка 1 расписания «01.12.2026; Введение"),
        (
            {"schedule": SCHEDULE + "2026-12-15; Тема; Кто"},
            "Строка 4 расписания: дата «2026-12-15» не распознана",
        ),
        ({"schedule": "01.12.2026; ; Кто"}, "Строка 1 расписания"),
        ({"schedule": "\n \n"}, "Обязательное поле"),
        ({"schedule": "05.01.2027; Итоговое занятие; Кто"}, "вне сроков обучения (01.12.2026 – 29.12.2026)"),
        ({"ends_on": "2026-11-30"}, "Окончание обучения не может быть раньше его начала"),
    ],
)
def test_a_bad_mentor_school_order_is_refused_with_its_reason(director, curator, extra, message):
    page = ask(director, ORDER_MENTOR_SCHOOL, **mentor_school_data(curator, **extra))

    assert_refused(page, message)


def test_a_schedule_of_blank_lines_only_is_refused():
    from django.core.exceptions import ValidationError

    from programs.documents import schedule_parse

    with pytest.raises(ValidationError, match="хотя бы одно занятие"):
        schedule_parse("\n  \n")


def test_the_final_event_order_names_the_event_and_the_stage_2_survey(director, school, curator, programme):
    PairFactory(programme=programme)

    ask(director, ORDER_FINAL_EVENT, **final_event_data(programme, curator))

    text = assert_an_order(Document.objects.get(), school, readers=["Кузнецова О. П."])
    assert "О проведении итогового мероприятия в рамках реализации целевой модели наставничества" in text
    assert "Провести 20.05.2027" in text and "в форме конференции" in text and "актовый зал школы" in text
    assert "итоговое мероприятие программы наставничества «Учитель – учитель» на 2026/27 учебный год" in text
    assert "мероприятия Кузнецову Ольгу Петровну." in text
    assert "Куратору программы наставничества Кузнецовой О. П. организовать второй этап" in text
    assert "Кузнецова Ольга Петровна" not in text
    assert "второй этап мониторинга" in text and "поощрении лучших наставников" in text


@pytest.mark.parametrize("status", [None, Pair.Status.PROPOSED])
def test_the_final_event_of_a_programme_without_pairs_is_refused(director, curator, programme, status):
    if status:
        PairFactory(programme=programme, status=status)

    page = ask(director, ORDER_FINAL_EVENT, **final_event_data(programme, curator))

    assert_refused(page, "В программе нет пар: итоговое мероприятие подводить не по чему.")


def test_the_final_event_before_the_programme_starts_is_refused(director, curator, programme):
    PairFactory(programme=programme)

    page = ask(director, ORDER_FINAL_EVENT, **final_event_data(programme, curator, event_date="2026-08-01"))

    assert_refused(page, "Итоговое мероприятие не может пройти до начала программы (01.09.2026)")


@pytest.mark.parametrize("kind", [ORDER_INTRODUCTION, ORDER_APPROVAL, ORDER_MENTOR_SCHOOL, ORDER_FINAL_EVENT])
def test_the_curator_may_not_issue_these_orders(curator_client, curator, programme, kind):
    PairFactory(programme=programme)
    data = {
        "curator": curator.pk,
        **mentor_school_data(curator),
        **final_event_data(programme, curator),
    }

    page = ask(curator_client, kind, **data)

    assert page.status_code == 403 and not Document.objects.exists()


@pytest.mark.parametrize(
    ("kind", "hidden"),
    [
        (ORDER_INTRODUCTION, "Чужакова"),
        (ORDER_INTRODUCTION, "Чужая программа"),
        (ORDER_APPROVAL, "Чужая программа"),
        (ORDER_MENTOR_SCHOOL, "Чужакова"),
        (ORDER_MENTOR_SCHOOL, "Чужая программа"),
        (ORDER_FINAL_EVENT, "Чужакова"),
        (ORDER_FINAL_EVENT, "Чужая программа"),
    ],
)
def test_another_schools_curator_and_programme_are_not_offered(director, programme, foreign, kind, hidden):
    page = director.get(reverse("document_new", args=[kind])).content.decode()

    assert programme.title in page
    assert hidden not in page


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (
            ORDER_INTRODUCTION,
            lambda f, c, p: {"curator": f["curator"].pk},
            "Выберите куратора этой школы.",
        ),
        (
            ORDER_INTRODUCTION,
            lambda f, c, p: {"programme": f["programme"].pk},
            "Выберите программу этой школы.",
        ),
        (
            ORDER_APPROVAL,
            lambda f, c, p: {"programme": f["programme"].pk},
            "Выберите программу этой школы.",
        ),
        (
            ORDER_MENTOR_SCHOOL,
            lambda f, c, p: mentor_school_data(c, programme=f["programme"].pk),
            "Выберите программу этой школы.",
        ),
        (
            ORDER_MENTOR_SCHOOL,
            lambda f, c, p: mentor_school_data(f["curator"]),
            "Выберите сотрудника этой школы.",
        ),
        (
            ORDER_FINAL_EVENT,
            lambda f, c, p: final_event_data(f["programme"], c),
            "Выберите программу этой школы.",
        ),
        (
            ORDER_FINAL_EVENT,
            lambda f, c, p: final_event_data(p, f["curator"]),
            "Выберите сотрудника этой школы.",
        ),
    ],
)
def test_a_forged_id_of_another_school_is_refused(director, curator, programme, foreign, kind, data, message):
    PairFactory(programme=foreign["programme"])
    PairFactory(programme=programme)

    page = ask(director, kind, **data(foreign, curator, programme))

    assert_refused(page, message)


def test_a_curator_deleted_before_the_render_fails_the_order_with_its_reason(director, curator):
    ask(director, ORDER_INTRODUCTION, curator=curator.pk)
    document = Document.objects.get()
    curator.delete()

    director.post(reverse("document_regenerate", args=[document.pk]))

    document.refresh_from_db()
    assert document.status == Status.FAILED and document.failure.startswith("Учётная запись куратора удалена")


def test_a_programme_deleted_before_the_render_fails_the_order_with_its_reason(director, programme):
    ask(director, ORDER_APPROVAL, programme=programme.pk)
    document = Document.objects.get()
    programme.delete()

    director.post(reverse("document_regenerate", args=[document.pk]))

    document.refresh_from_db()
    assert document.status == Status.FAILED and "удалена: сформировать приказ нельзя" in document.failure


# The pairs' orders (pairs/documents.py): real-shaped names, each in the case its sentence needs.


@pytest.fixture
def teaching(school, make_user):
    """A «Учитель – ученик» programme titled as the seeds title it, its curator Юдина Оксана Сергеевна,
    and three mentors: two teachers with positions and a pupil."""
    curator = make_user(Role.CURATOR, school)
    curator.last_name, curator.first_name, curator.patronymic = "Юдина", "Оксана", "Сергеевна"
    curator.save()
    programme = ProgrammeFactory(
        school=school,
        title="Программа наставничества в рамках целевой модели «Учитель – ученик» (2026–2027)",
        curator=curator,
    )
    people = [
        TeacherFactory(
            school=school,
            last_name="Аксенова",
            first_name="Алёна",
            patronymic="Васильевна",
            position="Учитель английского языка",
        ),
        TeacherFactory(
            school=school,
            last_name="Монгуш",
            first_name="Айдар",
            patronymic="Чечен-оолович",
            position="Педагог-психолог",
        ),
        PersonFactory(
            school=school, last_name="Королёв", first_name="Пётр", patronymic="Семёнович", grade=10
        ),
    ]
    pairs = [
        PairFactory(
            programme=programme,
            mentor=MentorEntryFactory(person=person, school=school),
            status=Pair.Status.PROPOSED,
        )
        for person in people
    ]
    return {"programme": programme, "pairs": pairs}


NOMINATIVES = (
    "Аксенова Алёна Васильевна",
    "Монгуш Айдар Чечен-оолович",
    "Королёв Пётр Семёнович",
    "Юдина Оксана Сергеевна",
    "Юдина О. С.",
    "Учитель английского языка",
    "Педагог-психолог",
)


def points_of(text: str) -> str:
    return text.partition("ПРИКАЗЫВАЮ:")[2].partition("Контроль за исполнением")[0]


def test_the_pairs_order_appoints_the_mentors_by_name_and_position_in_the_accusative(
    director, school, teaching
):
    ask(director, ORDER_APPROVAL, programme=teaching["programme"].pk, date="2026-09-01")
    ask(director, ORDER_PAIRS, programme=teaching["programme"].pk)

    document = Document.objects.get(kind=ORDER_PAIRS)
    text = assert_an_order(
        document, school, readers=["Аксенова А. В.", "Королёв П. С.", "Монгуш А. Ч.", "Юдина О. С."]
    )
    assert (
        f"Положением о системе наставничества в {school.short_name}, "
        "утверждённым приказом от 01.09.2026 № 1-о" in text
    )
    assert (
        "Назначить наставниками участников программы наставничества в рамках целевой модели "
        "«Учитель – ученик» (2026–2027): Аксенову Алёну Васильевну, учителя английского языка; "
        "Королёва Петра Семёновича "
        "(10 «Б» класс); Монгуша Айдара Чечен-ооловича, педагога-психолога." in text
    )
    assert "Куратору программы наставничества Юдиной О. С. обеспечить сопровождение" in text
    assert "«Программа" not in text and "программы «" not in text, "the programme's title is quoted once"
    assert "Список наставнических пар (групп) программы наставничества в рамках целевой модели" in text
    assert f"Приложение 1 к приказу от 23.11.2026 № {document.number}" in text
    for nominative in NOMINATIVES:
        assert nominative not in points_of(text), nominative


def test_the_encouragement_order_thanks_people_in_the_dative_with_their_positions(director, school, teaching):
    abramova = TeacherFactory(
        school=school,
        last_name="Абрамова",
        first_name="Анастасия",
        patronymic="Викторовна",
        position="Учитель английского языка",
    )
    Pair.objects.update(status=Pair.Status.ACTIVE)
    pair = PairFactory(
        programme=teaching["programme"], mentor=MentorEntryFactory(person=abramova, school=school)
    )

    ask(
        director,
        ORDER_ENCOURAGEMENT,
        encouragement="gratitude",
        reason="за активное участие в реализации программы наставничества",
        mentors=[teaching["pairs"][1].mentor.pk],
        pairs=[pair.pk],
    )

    document = Document.objects.get()
    mentee = pair.members.get().mentee.person
    mentee_reader = f"{mentee.last_name} {mentee.first_name[0]}. {mentee.patronymic[0]}."
    text = assert_an_order(document, school, readers=["Абрамова А. В.", "Монгуш А. Ч.", mentee_reader])
    assert (
        "Объявить благодарность за активное участие в реализации программы наставничества: "
        "Абрамовой Анастасии Викторовне, учителю английского языка; "
        "Монгушу Айдару Чечен-ооловичу, педагогу-психологу;" in text
    )
    assert f"{mentee.full_name} " not in points_of(text), "the mentee is thanked in the dative too"
    for nominative in ("Абрамова Анастасия Викторовна", "Учитель английского языка", *NOMINATIVES):
        assert nominative not in points_of(text), nominative


def test_the_best_mentor_order_awards_in_the_accusative(director, school, teaching):
    Pair.objects.update(status=Pair.Status.ACTIVE)

    ask(
        director,
        ORDER_ENCOURAGEMENT,
        encouragement="best_mentor",
        reason="за труд",
        pairs=[teaching["pairs"][0].pk],
    )

    text = assert_an_order(Document.objects.get(), school, readers=["Аксенова А. В."])
    assert (
        "Наградить грамотой «Лучший наставник» за труд: Аксенову Алёну Васильевну, учителя английского языка."
        in text
    )
