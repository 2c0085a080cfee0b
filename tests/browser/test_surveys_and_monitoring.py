"""Surveys and monitoring: the curator surveys a programme's pairs on entry and at exit, the pupils with
the pupils' questionnaire and the teachers with the teachers' one; a teacher answers from the home page and
a pupil through the printed personal link on a phone, and the programme's monitoring shows stage 1 and
stage 2, with no pupil's figure for a teacher."""

import datetime
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mentoring.models import MenteeEntry, Person, Role
from monitoring.models import Question, Questionnaire, Survey
from programs.models import MentoringForm
from tests.factories import (
    AnswerFactory,
    InvitationFactory,
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    ResponseFactory,
    SchoolFactory,
    SurveyFactory,
    TeacherFactory,
    UserFactory,
    consenting,
)

from .conftest import log_in, log_out, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAMME = "Программа наставничества «Учитель – ученик»"
STAGE_2 = "Мониторинг влияния программы на участников (этап 2)"
STAGE_2_TEACHERS = "Мониторинг влияния программы на педагогов (этап 2)"
OTHER_PAIRS = (
    ("Громов Пётр Ильич", "Белова Анна Игоревна"),
    ("Лебедева Ольга Павловна", "Зайцев Денис Олегович"),
    ("Фролов Сергей Николаевич", "Титова Вера Максимовна"),
    ("Егорова Нина Васильевна", "Кравцов Глеб Артёмович"),
)
# The pupils' stage-2 questionnaire in order: five scales 1–10, then average grade, attendance %, contests.
OTHERS_ON_ENTRY = (5, 4, 5, 7, 5, 3.8, 90, 1)
OTHERS_AT_EXIT = (7, 6, 7, 5, 8, 4.2, 96, 2)
# The teachers' one: three scales 1–10, professional contests, methodical work, eight difficulties 1–5.
TEACHERS_ON_ENTRY = (5, 6, 6, 0, 1, 3, 3, 2, 2, 2, 1, 3, 1)
TEACHERS_AT_EXIT = (6, 7, 7, 1, 3, 2, 2, 2, 1, 1, 1, 2, 1)
SWOT_TEXTS = {
    Question.Topic.STRENGTHS: "Регулярные встречи с наставником",
    Question.Topic.WEAKNESSES: "Мало времени после уроков",
    Question.Topic.OPPORTUNITIES: "Совместные проекты",
    Question.Topic.THREATS: "Болезни и пропуски",
}


def named(name: str) -> dict:
    last_name, first_name, patronymic = name.split()
    return {"last_name": last_name, "first_name": first_name, "patronymic": patronymic}


def pair_of(programme, mentor: Person, mentee: Person):
    return PairFactory(
        programme=programme,
        mentor=MentorEntryFactory(person=consenting(mentor)),
        mentees=[MenteeEntryFactory(person=consenting(mentee), status=MenteeEntry.Status.PAIRED)],
    )


def answered_survey(programme, code: str, answers: list[tuple], **fields) -> None:
    """A survey of the programme with submitted responses: (pair, person, role, values in question order)."""
    questionnaire = Questionnaire.objects.get(code=code, school=None)
    survey = SurveyFactory(
        questionnaire=questionnaire, school=programme.school, programme=programme, **fields
    )
    questions = list(questionnaire.questions.all())
    for pair, person, role, values in answers:
        invitation = InvitationFactory(survey=survey, person=person, pair=pair, role=role)
        response = ResponseFactory(invitation=invitation)
        for question, value in zip(questions, values, strict=True):
            if isinstance(value, str):
                AnswerFactory(response=response, question=question, text=value, number=None)
            else:
                AnswerFactory(response=response, question=question, number=value)


def programme_with_pairs():
    """A running programme: the teacher (an account) mentors a pupil (no account), and four other pairs, whose
    people have already answered on entry and at exit, and five of whom have answered stage 1."""
    school = SchoolFactory()
    MembershipFactory(user=UserFactory(username="curator"), organisation=school, role=Role.CURATOR)
    user = UserFactory(username="teacher", last_name="Орлова", first_name="Елена")
    MembershipFactory(user=user, organisation=school, role=Role.MENTOR)
    programme = ProgrammeFactory(
        school=school, form=MentoringForm.objects.get(code="teacher_pupil"), title=PROGRAMME
    )
    teacher = TeacherFactory(school=school, user=user, **named("Орлова Елена Викторовна"))
    pupil = PersonFactory(school=school, grade=7, class_letter="Б", **named("Котов Илья Андреевич"))
    pair_of(programme, teacher, pupil)
    teachers, pupils = [], []
    for mentor, mentee in OTHER_PAIRS:
        pair = pair_of(
            programme,
            TeacherFactory(school=school, **named(mentor)),
            PersonFactory(school=school, grade=7, class_letter="А", **named(mentee)),
        )
        teachers.append((pair, pair.mentor.person, Role.MENTOR))
        pupils.append((pair, pair.members.get().mentee.person, Role.MENTEE))
    others = teachers + pupils
    earlier = timezone.localdate() - datetime.timedelta(days=60)
    for code, people, on_entry, at_exit in (
        ("stage-2", pupils, OTHERS_ON_ENTRY, OTHERS_AT_EXIT),
        ("stage-2-teachers", teachers, TEACHERS_ON_ENTRY, TEACHERS_AT_EXIT),
    ):
        answered_survey(
            programme,
            code,
            [(*who, on_entry) for who in people],
            phase=Survey.Phase.ENTRY,
            title="Входное анкетирование прошлой четверти",
            opens_on=earlier,
            closes_on=earlier + datetime.timedelta(days=7),
        )
        answered_survey(
            programme,
            code,
            [(*who, at_exit) for who in people],
            phase=Survey.Phase.EXIT,
            title="Итоговое анкетирование прошлой четверти",
        )
    stage_1 = Questionnaire.objects.get(code="stage-1", school=None).questions.all()
    values = tuple(SWOT_TEXTS.get(q.topic, 1 if q.kind == Question.Kind.YES_NO else 8) for q in stage_1)
    answered_survey(
        programme, "stage-1", [(*who, values) for who in others[:5]], title="Оценка качества программы"
    )
    return programme


def start_stage_2_survey(page: Page, questionnaire: str, title: str, phase: str, invited: str) -> None:
    today = timezone.localdate()
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Анкетирования").click()
    page.get_by_role("link", name="Новое анкетирование").click()
    page.get_by_role("combobox", name=re.compile("^Анкета")).select_option(label=questionnaire)
    page.get_by_role("textbox", name=re.compile("^Название")).fill(title)
    page.get_by_role("combobox", name=re.compile("^Программа")).select_option(label=PROGRAMME)
    page.get_by_role("combobox", name=re.compile("^Этап мониторинга")).select_option(label=phase)
    page.get_by_role("textbox", name=re.compile("^Начало")).fill(today.isoformat())
    page.get_by_role("textbox", name=re.compile("^Окончание")).fill(
        (today + datetime.timedelta(days=14)).isoformat()
    )
    page.get_by_label("Участники текущих пар программы").check()
    page.get_by_role("combobox", name=re.compile("^Кто из участников")).select_option(
        label="Наставники и наставляемые"
    )
    page.get_by_role("button", name="Начать анкетирование").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_text(invited)).to_be_visible()


def start_both_stage_2_surveys(page: Page, title: str, phase: str) -> None:
    """The pupils' questionnaire leaves the five teacher mentors out and says why; the teachers' one asks
    them."""
    start_stage_2_survey(
        page,
        STAGE_2,
        title,
        phase,
        "Приглашено респондентов: 5. Не приглашены, потому что анкета для обучающихся: 5.",
    )
    respondents = page.get_by_role("region", name="Респонденты")
    expect(respondents.get_by_role("row").filter(has_text="Котов Илья Андреевич")).to_contain_text(
        "наставляемый"
    )
    expect(respondents.get_by_role("row").filter(has_text="Орлова Елена Викторовна")).to_have_count(0)
    start_stage_2_survey(
        page,
        STAGE_2_TEACHERS,
        f"{title} педагогов",
        phase,
        "Приглашено респондентов: 5. Не приглашены, потому что анкета для педагогов: 5.",
    )
    respondents = page.get_by_role("region", name="Респонденты")
    expect(respondents.get_by_role("row").filter(has_text="Орлова Елена Викторовна")).to_contain_text(
        "наставник"
    )


def pupil_link(page: Page, title: str) -> str:
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Анкетирования").click()
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("link", name="Ссылки для печати").click()
    card = page.locator(".survey-link-card").filter(has_text="Котов Илья Андреевич")
    expect(card.locator("svg")).to_have_count(1)
    link = card.get_by_text(re.compile(r"/a/[\w-]+/$")).inner_text()
    expect(page.get_by_text("Орлова Елена Викторовна")).to_have_count(0)
    return link


def fill_stage_2(page: Page, answers: tuple[int | str, ...]) -> None:
    """A scale's value (int) is clicked, a number (str) typed, in the questions' order."""
    questions = page.get_by_role("group").filter(has=page.locator("legend"))
    expect(questions).to_have_count(len(answers))
    for n, value in enumerate(answers):
        if isinstance(value, int):
            questions.nth(n).get_by_text(str(value), exact=True).click()
        else:
            questions.nth(n).get_by_role("textbox").fill(value)
    page.get_by_role("button", name=re.compile("^Отправить")).click()
    expect(page.get_by_role("alert")).to_contain_text("Спасибо! Ответы отправлены.")


def teacher_answers(page: Page, title: str, answers: tuple[int | str, ...]) -> None:
    log_in(page, "teacher")
    waiting = page.locator("section").filter(
        has=page.get_by_role("heading", name="Анкеты, которые ждут ваших ответов")
    )
    waiting.get_by_role("link", name=title).click()
    expect(page.get_by_text("Елена Викторовна, просим вас ответить на вопросы анкеты.")).to_be_visible()
    fill_stage_2(page, answers)
    log_out(page)


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    options = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3}
    with watched_page(browser, live_server.url, is_mobile=True, has_touch=True, **options) as page:
        yield page


def pupil_answers(phone: Page, link: str, answers: tuple[int | str, ...]) -> None:
    phone.goto(link)
    expect(phone.get_by_text("Илья Андреевич, просим вас ответить на вопросы анкеты.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    fill_stage_2(phone, answers)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_participants_answer_on_entry_and_at_exit_and_the_programme_monitoring_shows_both_stages(
    page: Page, phone: Page
):
    programme_with_pairs()

    # The entry survey: the curator launches it for the programme's pairs and prints the pupil's link.
    log_in(page, "curator")
    start_both_stage_2_surveys(page, "Входное анкетирование", "На входе в программу")
    entry_link = pupil_link(page, "Входное анкетирование")
    log_out(page)

    # The teacher answers the teachers' questionnaire from the home page, the pupil the pupils' one through
    # the link on a phone.
    teacher_answers(page, "Входное анкетирование педагогов", (6, 5, 6, "1", "2", 3, 3, 2, 2, 2, 1, 3, 1))
    pupil_answers(phone, entry_link, (4, 3, 4, 8, 5, "3,6", "85", "0"))

    # The exit survey: the same, with the other phase; both answer again with other values.
    log_in(page, "curator")
    start_both_stage_2_surveys(page, "Итоговое анкетирование", "По итогам программы")
    exit_link = pupil_link(page, "Итоговое анкетирование")
    assert exit_link != entry_link
    log_out(page)
    teacher_answers(page, "Итоговое анкетирование педагогов", (8, 7, 8, "3", "5", 2, 2, 1, 1, 1, 1, 2, 1))
    pupil_answers(phone, exit_link, (7, 6, 7, 5, 8, "4,1", "94", "2"))

    # The programme's monitoring: stage 1 has its charts and SWOT, stage 2 the results and everyone's rows.
    log_in(page, "curator")
    page.get_by_role("navigation", name="Разделы").get_by_role(
        "link", name="Программы наставничества"
    ).click()
    page.get_by_role("link", name=PROGRAMME).click()
    page.get_by_role("main").get_by_role("link", name="Мониторинг", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Мониторинг, этап 1: качество реализации программы"
    )
    expect(page.get_by_role("heading", name="Сильные и слабые стороны, возможности и угрозы")).to_be_visible()
    swot = page.get_by_role("table").filter(has=page.get_by_role("heading", name="Сильные стороны"))
    expect(swot).to_contain_text("Регулярные встречи с наставником")
    expect(swot).to_contain_text("Болезни и пропуски")
    expect(page.get_by_role("img", name="Ожидания и результаты участников")).to_be_visible()
    # A distribution for each of the five closed questions out of the SWOT and expectations, and that chart.
    expect(page.get_by_role("main").locator("svg")).to_have_count(6)

    page.get_by_role("link", name="Этап 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Мониторинг, этап 2: влияние программы на участников"
    )
    results = page.get_by_role("region", name="Итоги")
    expect(results).to_contain_text("Анкетирований на входе: 4, по итогам: 4.")
    expect(results).to_contain_text("Участников ответили дважды: 10")
    expect(results.get_by_role("img", name="На входе и по итогам: Все участники")).to_be_visible()
    people = page.get_by_role("region", name="Участники")
    teacher_row = people.get_by_role("row").filter(has_text="Орлова Елена Викторовна")
    expect(teacher_row).to_contain_text("наставник")
    expect(teacher_row).to_contain_text("дважды")
    # The teacher's professional contests and methodical work; no pupil's grade or attendance.
    expect(teacher_row.locator('[data-label="Профессиональные конкурсы"]')).to_have_text("1 → 3 (+2) ↑")
    expect(teacher_row.locator('[data-label="Методическая работа"]')).to_have_text("2 → 5 (+3) ↑")
    for pupils_only in ("Средний балл", "Посещаемость"):
        expect(teacher_row.locator(f'[data-label="{pupils_only}"]')).to_have_text("—")
    pupil_row = people.get_by_role("row").filter(has_text="Котов Илья Андреевич, 7 «Б»")
    expect(pupil_row).to_contain_text("наставляемый")
    expect(pupil_row).to_contain_text("3,60 → 4,10")
