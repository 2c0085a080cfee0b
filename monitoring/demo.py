"""Generated monitoring for mentoring.demo: surveys of the built-in questionnaires, respondents and answers.

Every school asks the people of its programmes' pairs: stage 2 at the entry to a programme and at its exit,
stage 1 each half-year, feedback and satisfaction each term; those who joined either base answer its intake
questionnaire. The demo's first school also has a feedback survey open today that the demo's mentor and
mentee have not answered yet, one that its pupils, who have no accounts, answer by personal links or on
paper blanks, two of which the curator has entered, and a stage 1 survey waiting for the class teacher of the
demo's mentee.

Only people with a consent in force are asked, as survey_invite allows; a parent answers for a pupil of the
primary grades. Answers are stored as response_submit stores them and keep within each question's range.
Rows are written in bulk (no signals, no audit trail); the preferred-partner questionnaire is never answered.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.demo import (
    BATCH_SIZE,
    BuiltDepartment,
    Counts,
    DemoPart,
    days,
    entry_codes,
    moment_on,
    register,
)
from mentoring.documents import next_number
from mentoring.models import Document, MenteeEntry, MentorEntry, Organisation, Person, Register, Role, User
from pairs.documents import AWARDS, BEST_MENTOR, CERTIFICATE
from pairs.models import Pair, PairMentee
from programs.models import Programme
from programs.reference import form_names

from . import audience
from .models import LOW_MARK, Answer, Invitation, Question, Questionnaire, Response, Survey
from .responses import answer_fields

Kind, Measure, Topic = Question.Kind, Question.Measure, Question.Topic
PARENT, SELF = Invitation.Respondent.PARENT, Invitation.Respondent.SELF
PARENTS_UP_TO_GRADE = 4  # a parent answers for a younger pupil
ANSWER_SHARE = 0.9  # of the invited to a closed survey, those who answered
OPEN_ANSWER_SHARE = 0.5  # of the invited to a survey open today, those who answered already
OPTIONAL_SHARE = 0.4  # of optional questions, those answered
SURVEY_DAYS = 14  # how long a survey of a term stays open
PAPER_ENTERED = 2  # of the pupils' responses to the showcase survey, those the curator entered from paper
# (month, day) of the feedback survey and of the satisfaction survey of each term of a school year.
TERMS = (((10, 6), (10, 20)), ((12, 1), (12, 15)), ((2, 9), (3, 2)), ((4, 20), (5, 12)))
STAGE_2_QUESTIONNAIRES = (("stage-2", ""), ("stage-2-teachers", " (педагоги)"))  # code, title's note
EXIT_TRENDS = (("better", 65), ("same", 20), ("worse", 15))  # how a participant changed by the exit


# Stage 1: what participants write about their programme.
TOPIC_TEXTS = {
    Topic.STRENGTHS: (
        "Регулярные встречи с наставником, всегда можно задать вопрос.",
        "Наставник подобран по интересам, с ним легко общаться.",
        "Понятный план работы пары на весь год.",
        "Помощь в подготовке к контрольным и олимпиадам.",
        "Поддержка куратора программы и педагога-психолога.",
        "Взаимопосещение уроков и разбор их с наставником.",
        "Индивидуальный подход к каждому наставляемому.",
        "Доброжелательная атмосфера, наставник не ругает за ошибки.",
        "Совместные проекты, в которых можно попробовать себя.",
        "Встречи проходят в удобное время после уроков.",
        "Видно, как растут оценки и уверенность наставляемого.",
        "Наставник делится своим опытом и методическими материалами.",
        "Можно встречаться и очно, и онлайн.",
        "Хорошо организованные встречи-планирования в начале работы.",
        "Групповые встречи, на которых ребята помогают друг другу.",
    ),
    Topic.WEAKNESSES: (
        "Встречи иногда переносятся из-за загруженности наставника.",
        "Мало времени на встречи: уроки, кружки, подготовка к экзаменам.",
        "Не все пункты плана удалось выполнить в срок.",
        "Много бумажной работы: отчёты, анкеты, протоколы.",
        "Неудобное расписание встреч во вторую смену.",
        "Не хватает помещения для встреч после уроков.",
        "Наставнику не хватает времени на всех наставляемых группы.",
        "Слабая связь с родителями наставляемых.",
        "Не сразу получилось найти общий язык с наставником.",
        "Цели работы пары сформулированы слишком общо.",
        "Мало встреч с другими парами для обмена опытом.",
        "Наставники не получают поощрения за свою работу.",
        "Обучение наставников было слишком коротким.",
        "Онлайн-встречи проходят менее продуктивно, чем очные.",
        "Результаты работы пары трудно оценить.",
    ),
    Topic.OPPORTUNITIES: (
        "Привлекать выпускников школы в качестве наставников.",
        "Проводить общие встречи всех пар раз в четверть.",
        "Развивать проектную деятельность в парах.",
        "Шире использовать цифровые образовательные ресурсы.",
        "Подключать к программе родителей наставляемых.",
        "Сотрудничать с колледжами и предприятиями города.",
        "Готовить команды к олимпиадам и конкурсам вместе с наставниками.",
        "Рассказывать об успехах пар на школьном сайте.",
        "Распространять опыт программы на заседаниях ШМО.",
        "Организовать школу наставников для новых участников.",
        "Включить в программу профориентационные встречи.",
        "Проводить совместные мероприятия с другими школами.",
        "Использовать опыт наставников в работе с молодыми педагогами.",
        "Учитывать интересы наставляемых при подборе пар.",
        "Продлить программу на следующий учебный год.",
    ),
    Topic.THREATS: (
        "Высокая нагрузка педагогов, нехватка времени у наставников.",
        "Эмоциональное выгорание наставников.",
        "Уход наставника из школы или длительный больничный.",
        "Низкая мотивация части наставляемых.",
        "Перевод наставляемого в другую школу.",
        "Недостаток поддержки со стороны родителей.",
        "Формальное отношение к программе.",
        "Подготовка к ОГЭ и ЕГЭ отнимает всё время старшеклассников.",
        "Конфликты между участниками пары.",
        "Отсутствие материального поощрения наставников.",
        "Частые изменения в расписании уроков.",
        "Болезни и карантины, пропуски встреч.",
        "Недостаточная подготовка наставников к работе с детьми с ОВЗ.",
        "Перегрузка отчётной документацией.",
        "Нехватка помещений и оборудования для встреч.",
    ),
}
# Other open questions, by a word of their text.
OPEN_TEXTS = {
    "получилось": (
        "Составили план работы и придерживаемся его.",
        "Исправил оценки по математике за четверть.",
        "Подготовили и провели открытый урок.",
        "Наставляемый стал активнее на уроках.",
        "Начали работу над проектом, выбрали тему.",
        "Разобрались с ведением электронного журнала.",
        "Наставляемый записался в кружок и ходит на занятия.",
        "Подготовились к школьному этапу олимпиады.",
    ),
    "трудности": (
        "Трудно найти общее свободное время для встреч.",
        "Наставляемый иногда пропускает встречи.",
        "Не всё успеваем из плана.",
        "Сложно удерживать внимание класса на уроке.",
        "Много других дел в конце четверти.",
        "Трудностей нет.",
    ),
    "изменили": (
        "Больше встреч всех участников программы вместе.",
        "Меньше отчётов, больше живого общения.",
        "Встречаться чаще, хотя бы раз в неделю.",
        "Добавить экскурсии и выезды.",
        "Ничего, всё устраивает.",
        "Дать больше времени на совместный проект.",
    ),
    "Почему": (
        "Хочу передать свой опыт молодым коллегам.",
        "Мне нравится помогать другим разбираться в предмете.",
        "Сам когда-то получил помощь наставника и знаю, как это важно.",
        "Хочу развиваться вместе с наставляемым.",
        "Интересно попробовать себя в новой роли.",
        "Хочу, чтобы в школе было меньше отстающих ребят.",
    ),
    "Каким": (
        "Доброжелательным и терпеливым.",
        "Опытным учителем, который умеет объяснять.",
        "Старшеклассником, с которым можно поговорить на равных.",
        "Требовательным, но справедливым.",
        "Человеком, который поможет выбрать профессию.",
        "Тем, кто хорошо знает математику.",
    ),
}
# How likely «да» is, by a word of the question.
YES_SHARES = {"помощь куратора": 0.15, "снова": 0.8, "опыт наставничества": 0.35}
# Options chosen more often than others (the rest weigh 1).
OPTION_WEIGHTS = {
    "Раз в неделю": 4,
    "Раз в две недели": 6,
    "Раз в месяц": 2,
    "Чаще раза в неделю": 1.5,
    "Да, полностью": 6,
    "Частично": 3,
    "Очный": 6,
    "Смешанный": 2,
}
# The forms by code, as the intake questionnaires name them.
FORM_LABELS = form_names()
# A mentee's categories as the intake questionnaire's options: what help is needed, what applies to them.
CATEGORY_OPTIONS = {
    "low_results": ("Улучшить образовательные результаты", "Мне трудно даётся учёба"),
    "high_ability": (
        "Раскрыть свои способности, подготовиться к олимпиадам и конкурсам",
        "Я хочу развивать свои способности и участвовать в олимпиадах и конкурсах",
    ),
    "not_included": (
        "Развить коммуникационные, творческие, лидерские навыки",
        "Мне трудно найти общий язык с одноклассниками или коллегами",
    ),
    "behaviour": (
        "Психоэмоциональная поддержка",
        "Мне трудно найти общий язык с одноклассниками или коллегами",
    ),
    "newcomer": (
        "Адаптироваться к новым условиям обучения или работы, в новом коллективе",
        "Я недавно в этой школе, классе или коллективе",
    ),
    "hardship": ("Психоэмоциональная поддержка", ""),
    "disability": ("Улучшить образовательные результаты", "Мне трудно даётся учёба"),
    "prevention_register": ("Психоэмоциональная поддержка", ""),
    "young_teacher": (
        "Приобрести профессиональные навыки (организационные, коммуникационные и т. д.)",
        "Я молодой педагог (до 35 лет, стаж работы до 3 лет)",
    ),
    "low_results_teacher": (
        "Обмен навыками, взаимная поддержка, совместная работа над проектом",
        "Мне не хватает результатов в работе с обучающимися",
    ),
}


@dataclass(frozen=True)
class _Person:
    kind: str
    grade: int | None
    experience: int | None
    user: int | None


@dataclass(frozen=True)
class _Pair:
    pk: int
    programme: int
    mentor: int  # the mentor's person
    started_on: datetime.date
    ended_on: datetime.date | None

    def at_work(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True)
class _Asked:
    """Someone a survey asks, with the pair and role they are asked through."""

    person: int
    role: str
    pair: int | None = None


@dataclass
class _School:
    """What one school's surveys are generated from."""

    school: Organisation
    curator: User | None
    people: dict[int, _Person]  # those who may be asked: with a consent in force, not archived
    programmes: list[Programme]
    pairs: list[_Pair]  # that have begun work
    mentees: dict[int, list[int]]  # the people of each pair's mentees


@dataclass
class _Round:
    """A survey about to be saved, with its invitations and the responses of those who answered."""

    survey: Survey
    invitations: list[Invitation] = field(default_factory=list)
    responses: list[tuple[Response, list[tuple]]] = field(default_factory=list)


# How one respondent answers a question: a value, or None to leave it unanswered.
Answerer = Callable[[Question], object]


def clamp(level: float) -> float:
    return min(1.0, max(0.0, level))


def scaled(question: Question, level: float) -> int:
    """The point of the question's range (scale, or bounds of a number) at `level` from 0 to 1."""
    least = question.scale_min if question.scale_min is not None else 0
    most = question.scale_max if question.scale_max is not None else least + 10
    return least + round(clamp(level) * (most - least))


def valid(question: Question, value: object) -> object:
    """The value as the respondent's form would accept it, or None."""
    if value in (None, "", []):
        return None
    match question.kind:
        case Kind.OPEN:
            return str(value)
        case Kind.SINGLE:
            return value if value in question.choices else None
        case Kind.MULTIPLE:
            return [option for option in value if option in question.choices] or None
        case Kind.SCALE:
            return min(question.scale_max, max(question.scale_min, int(value)))
        case Kind.NUMBER:
            number = Decimal(value).quantize(Decimal("0.01"))
            if question.scale_min is not None:
                number = max(number, Decimal(question.scale_min))
            if question.scale_max is not None:
                number = min(number, Decimal(question.scale_max))
            return number
        case Kind.YES_NO:
            return 1 if value else 0
    return None  # a kind the generator does not answer


ANSWER_FIELDS = ("response", "question", "text", "number", "chosen")


def insert_answers(rows: list[tuple]) -> None:
    """Answers are most of the rows generated, some nine a response. They go in by executemany, at a fraction
    of the time bulk_create spends building a model instance and preparing each of its values."""
    ops, meta = connection.ops, Answer._meta
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in ANSWER_FIELDS)
    places = ", ".join(["%s"] * len(ANSWER_FIELDS))
    sql = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES ({places})"
    number = meta.get_field("number")

    def adapted(response: int, question: int, text: str, value: Decimal | None, chosen: list) -> tuple:
        if value is not None:
            value = ops.adapt_decimalfield_value(value, number.max_digits, number.decimal_places)
        return response, question, text, value, ops.adapt_json_value(chosen, None)

    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, [adapted(*row) for row in rows[start : start + BATCH_SIZE]])


def load_schools(built: BuiltDepartment) -> list[_School]:
    schools = [b.school for b in built.schools]
    people: dict[int, dict[int, _Person]] = defaultdict(dict)
    allowed = (
        Person.objects.filter(school__in=schools, archived_at__isnull=True)
        .with_consent_flag()
        .filter(has_consent_flag=True)
    )
    for pk, school, kind, grade, experience, user in allowed.values_list(
        "pk", "school", "kind", "grade", "experience_years", "user"
    ):
        people[school][pk] = _Person(kind, grade, experience, user)
    pairs: dict[int, list[_Pair]] = defaultdict(list)
    started = Pair.objects.filter(school__in=schools, started_on__isnull=False).order_by("started_on", "pk")
    for pk, school, *rest in started.values_list(
        "pk", "school", "programme", "mentor__person", "started_on", "ended_on"
    ):
        pairs[school].append(_Pair(pk, *rest))
    mentees: dict[int, list[int]] = defaultdict(list)
    members = PairMentee.objects.filter(pair__school__in=schools).order_by("pk")
    for pair, person in members.values_list("pair", "mentee__person"):
        mentees[pair].append(person)
    programmes: dict[int, list[Programme]] = defaultdict(list)
    for programme in Programme.objects.filter(school__in=schools).order_by("starts_on", "pk"):
        programmes[programme.school_id].append(programme)
    curators = {b.school.pk: b.curator_user for b in built.schools}
    return [_School(s, curators[s.pk], people[s.pk], programmes[s.pk], pairs[s.pk], mentees) for s in schools]


class _SurveyGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.academic_year = AcademicYear.containing(self.today)
        builtin = Questionnaire.objects.builtin().prefetch_related("questions")
        self.questionnaires = {q.code: q for q in builtin}
        self.questions = {code: list(q.questions.all()) for code, q in self.questionnaires.items()}
        self.rounds: list[_Round] = []

    # Answers

    def moment(self, first: datetime.date, last: datetime.date) -> datetime.datetime:
        day = first + days(self.rng.randint(0, max(0, (last - first).days)))
        return min(moment_on(day, self.rng.randint(8, 20), self.rng.randrange(60)), self.now)

    def generic(self, question: Question, mood: float) -> object:
        """A plausible answer of a respondent in a mood from 0 (the worst) to 1 (the best)."""
        match question.kind:
            case Kind.OPEN:
                texts = TOPIC_TEXTS.get(question.topic) or next(
                    (texts for word, texts in OPEN_TEXTS.items() if word in question.text), ()
                )
                return self.rng.choice(texts) if texts else None
            case Kind.SINGLE | Kind.MULTIPLE if question.choices:
                weights = [OPTION_WEIGHTS.get(option, 1) for option in question.choices]
                many = self.rng.randint(1, 2) if question.kind == Kind.MULTIPLE else 1
                chosen = list(dict.fromkeys(self.rng.choices(question.choices, weights, k=many)))
                return chosen if question.kind == Kind.MULTIPLE else chosen[0]
            case Kind.SCALE | Kind.NUMBER:
                return scaled(question, self.rng.gauss(mood, 0.12))
            case Kind.YES_NO:
                share = next((s for word, s in YES_SHARES.items() if word in question.text), mood)
                return self.rng.random() < share
        return None

    def answers(self, questions: list[Question], answerer: Answerer) -> list[tuple]:
        """What one submit stores, as rows of ANSWER_FIELDS but the response: every required question
        answered, some optional ones left empty."""
        made = []
        for question in questions:
            if not question.required and self.rng.random() >= OPTIONAL_SHARE:
                continue
            value = valid(question, answerer(question))
            if value is None and question.required:
                value = valid(question, self.generic(question, 0.7))
            if value is not None:
                stored = answer_fields(question, value)
                made.append((question.pk, stored["text"], stored["number"], stored["chosen"]))
        return made

    def mood(self) -> float:
        return min(0.95, max(0.3, self.rng.gauss(0.72, 0.15)))

    def in_a_mood(self, one: _Asked) -> Answerer:
        mood = self.mood()
        return lambda question: self.generic(question, mood)

    # Surveys

    def survey(
        self, school: _School, code: str, title: str, first: datetime.date, last: datetime.date, **fields
    ) -> _Round:
        survey = Survey(
            school=school.school,
            questionnaire=self.questionnaires[code],
            title=title,
            opens_on=first,
            closes_on=max(first, last),
            created_by=school.curator,
            **fields,
        )
        made = _Round(survey)
        self.rounds.append(made)
        return made

    def invite(
        self,
        school: _School,
        made: _Round,
        asked: Iterable[_Asked],
        answerer: Callable[[_Asked], Answerer | None],
        *,
        parents: bool = False,
    ) -> None:
        """Invites those of `asked` who may be asked and whom the questionnaire is for, once each, as
        survey_invite does; a parent answers for a younger pupil and, with `parents`, beside an older pupil
        mentee. Most answer."""
        survey = made.survey
        share = OPEN_ANSWER_SHARE if survey.closes_on >= self.today else ANSWER_SHARE
        questions = self.questions[survey.questionnaire.code]
        years_ago = self.academic_year.start_year - AcademicYear.containing(survey.opens_on).start_year
        taken = set()
        for one in asked:
            person = school.people.get(one.person)
            if person is None:
                continue
            respondents = [SELF]
            if person.kind == Person.Kind.PUPIL:
                if (person.grade or 0) - years_ago <= PARENTS_UP_TO_GRADE:
                    respondents = [PARENT]
                elif parents and one.role == Role.MENTEE:
                    respondents = [SELF, PARENT]
            for who in respondents:
                fits = audience.fits(
                    survey.questionnaire.audience, kind=person.kind, role=one.role, respondent=who
                )
                if not fits or (one.person, who) in taken:
                    continue
                taken.add((one.person, who))
                invitation = Invitation(
                    survey=survey, person_id=one.person, respondent=who, pair_id=one.pair, role=one.role
                )
                made.invitations.append(invitation)
                if self.rng.random() >= share or (answers := answerer(one)) is None:
                    continue
                submitted = self.moment(survey.opens_on, min(survey.closes_on, self.today))
                response = Response(invitation=invitation, submitted_at=submitted)
                made.responses.append((response, self.answers(questions, answers)))

    def members(self, school: _School, pairs: Iterable[_Pair]) -> list[_Asked]:
        asked = []
        for pair in pairs:
            asked.append(_Asked(pair.mentor, Role.MENTOR, pair.pk))
            asked += [_Asked(person, Role.MENTEE, pair.pk) for person in school.mentees[pair.pk]]
        return asked

    # A school's rounds

    def school(self, school: _School) -> None:
        for programme in school.programmes:
            pairs = [p for p in school.pairs if p.programme == programme.pk]
            if pairs:
                self.stage_2(school, programme, pairs)
                self.stage_1(school, programme, pairs)
        self.terms(school)
        self.intake(school)

    def stage_2(self, school: _School, programme: Programme, pairs: list[_Pair]) -> None:
        """At the entry to the programme; at the exit of one completed, or running for a second year."""
        asked = self.members(school, pairs)
        profiles: dict[tuple[int, str], dict] = {}

        def answerer(at_exit: bool) -> Callable[[_Asked], Answerer]:
            def of(one: _Asked) -> Answerer:
                profile = profiles.setdefault((one.person, one.role), self.profile())
                trend = self.rng.choices(*zip(*EXIT_TRENDS, strict=True))[0] if at_exit else "same"
                return lambda question: self.measured(question, profile, trend)

            return of

        start = programme.starts_on
        if programme.status == Programme.Status.COMPLETED:
            end = min(programme.ends_on, max(p.ended_on or programme.ends_on for p in pairs))
        elif start < self.academic_year.start:
            end = self.today - days(2)
        else:
            end = None
        for code, whom in STAGE_2_QUESTIONNAIRES:
            # Pupils answer the pupils' questionnaire, teachers the teachers' one.
            for_whom = self.questionnaires[code].audience
            if not any(
                audience.may_answer(for_whom, kind=school.people[one.person].kind, role=one.role)
                for one in asked
                if one.person in school.people
            ):
                continue
            entry = self.survey(
                school,
                code,
                f"Этап 2, на входе в программу{whom}: {programme.title}",
                start,
                min(start + days(40), self.today - days(1)),
                programme=programme,
                phase=Survey.Phase.ENTRY,
            )
            self.invite(school, entry, asked, answerer(at_exit=False))
            if end is None:
                continue
            exit_ = self.survey(
                school,
                code,
                f"Этап 2, по итогам программы{whom}: {programme.title}",
                max(start, end - days(21)),
                end,
                programme=programme,
                phase=Survey.Phase.EXIT,
            )
            self.invite(school, exit_, asked, answerer(at_exit=True))

    def profile(self) -> dict:
        """Where a participant stands at the entry: a level of each scale measure, and their figures."""
        return {m: clamp(self.rng.gauss(0.5, 0.18)) for m in Measure} | {
            "grade": min(4.9, max(2.6, self.rng.gauss(3.8, 0.45))),
            "attendance": min(100, max(60, round(self.rng.gauss(90, 7)))),
            "contests": self.rng.choices((0, 1, 2, 3, 4), (35, 30, 20, 10, 5))[0],
            "pro_contests": self.rng.choices((0, 1, 2), (55, 35, 10))[0],
            "methodical_work": self.rng.choices((0, 1, 2, 3, 4, 5), (15, 25, 25, 15, 10, 10))[0],
        }

    def measured(self, question: Question, profile: dict, trend: str) -> object:
        """A stage 2 answer at the entry, or at the exit of one who got better, stayed or got worse; anxiety
        and difficulties go down as the others go up."""
        step = self.rng.uniform(0.05, 0.2) * {"better": 1, "worse": -1}.get(trend, 0)
        match question.measures:
            case Measure.AVERAGE_GRADE:
                return Decimal(f"{profile['grade'] + step * 2:.1f}")
            case Measure.ATTENDANCE:
                return profile["attendance"] + round(step * 30)
            case Measure.CONTESTS | Measure.PROFESSIONAL_CONTESTS | Measure.METHODICAL_WORK:
                return max(0, profile[question.measures] + round(step * 10))
            case Measure.ANXIETY | Measure.DIFFICULTIES:
                return scaled(question, profile[question.measures] - step * 1.3)
            case "":
                return self.generic(question, 0.6)
        return scaled(question, profile[question.measures] + step)

    def stage_1(self, school: _School, programme: Programme, pairs: list[_Pair]) -> None:
        """At the end of each half-year of the programme passed and, for a running programme, now."""
        asked = self.members(school, pairs)
        rounds = []
        for year in range(programme.starts_on.year, min(self.today, programme.ends_on).year + 1):
            for half, end in ((1, datetime.date(year, 12, 24)), (2, datetime.date(year + 1, 5, 25))):
                if programme.starts_on + days(60) < end < min(self.today, programme.ends_on):
                    rounds.append((f"{half}-е полугодие {year}/{str(year + 1)[2:]}", end - days(14), end))
        if programme.status == Programme.Status.RUNNING and programme.starts_on < self.today - days(14):
            rounds.append(("промежуточный", self.today - days(14), self.today - days(1)))
        for when, first, last in rounds:
            title = f"Этап 1 ({when}): {programme.title}"
            made = self.survey(school, "stage-1", title, first, last, programme=programme)
            self.invite(school, made, asked, self.expectations)

    def expectations(self, one: _Asked) -> Answerer:
        """Stage 1: the results fall short of the expectations for some, exceed them for others."""
        mood, gap = self.mood(), self.rng.gauss(-0.05, 0.15)
        levels = {Topic.EXPECTATIONS: mood + 0.1, Topic.RESULTS: mood + 0.1 + gap}

        def answer(question: Question) -> object:
            if question.topic in levels:
                return scaled(question, levels[question.topic])
            return self.generic(question, mood)

        return answer

    def terms(self, school: _School) -> None:
        """Feedback in the middle of each term passed and satisfaction at its end, from everyone at work;
        the parents of pupil mentees say how satisfied they are too."""
        if not school.pairs:
            return
        first = AcademicYear.containing(school.pairs[0].started_on)
        for start_year in range(first.start_year, self.academic_year.start_year + 1):
            year = AcademicYear.starting(start_year)
            for term, (feedback_on, satisfaction_on) in enumerate(TERMS, start=1):
                label = f"{term}-я четверть {year.short_label} учебного года"
                for code, (month, day), title in (
                    ("feedback", feedback_on, "Промежуточная обратная связь"),
                    ("satisfaction", satisfaction_on, "Удовлетворённость участием в программе"),
                ):
                    on = year.on(month, day)
                    at_work = [p for p in school.pairs if p.at_work(on)]
                    if at_work and on + days(SURVEY_DAYS) < self.today:
                        made = self.survey(school, code, f"{title}, {label}", on, on + days(SURVEY_DAYS))
                        asked = self.members(school, at_work)
                        self.invite(school, made, asked, self.in_a_mood, parents=code == "satisfaction")

    def intake(self, school: _School) -> None:
        mentor_forms, mentee_forms, categories = (
            entry_codes(m2m, school.school)
            for m2m in (MentorEntry.forms, MenteeEntry.forms, MenteeEntry.categories)
        )
        self.base_intake(
            school,
            "mentor-intake",
            MentorEntry.objects.for_school(school.school).active(),
            lambda entry: self.mentor_intake(entry, mentor_forms[entry.pk], school),
        )
        self.base_intake(
            school,
            "mentee-intake",
            MenteeEntry.objects.for_school(school.school).active(),
            lambda entry: self.mentee_intake(entry, mentee_forms[entry.pk], categories[entry.pk]),
        )

    def base_intake(self, school: _School, code: str, entries, answerer: Callable) -> None:
        """Each school year, those who joined the base answered its intake questionnaire that autumn."""
        role = Role.MENTOR if entries.model is MentorEntry else Role.MENTEE
        by_year: dict[AcademicYear, dict[int, MentorEntry | MenteeEntry]] = defaultdict(dict)
        for entry in entries.order_by("pk"):
            by_year[AcademicYear.containing(entry.included_on)][entry.person_id] = entry
        for year, joined in sorted(by_year.items()):
            if year.start >= self.today:
                continue
            title = f"{self.questionnaires[code].title}, {year.short_label} учебный год"
            made = self.survey(school, code, title, year.start, min(year.on(12, 20), self.today - days(1)))
            asked = [_Asked(person, role) for person in joined]
            self.invite(school, made, asked, lambda one, joined=joined: answerer(joined[one.person]))

    # The demo's first school

    def showcase(self, school: _School, waiting: set[int]) -> None:
        """A feedback survey open today that the people of `waiting` have not answered yet, and a survey
        the pupils, who have no accounts, answer by personal links."""
        label = f"{self.academic_year.short_label} учебный год"
        at_work = self.members(school, [p for p in school.pairs if p.ended_on is None])
        title = f"Промежуточная обратная связь, {label}"
        made = self.survey(school, "feedback", title, self.today - days(5), self.today + days(10))
        self.invite(school, made, at_work, lambda one: None if one.person in waiting else self.in_a_mood(one))
        pupils = [
            one
            for one in at_work
            if one.role == Role.MENTEE
            and one.person in school.people
            and school.people[one.person].kind == Person.Kind.PUPIL
            and school.people[one.person].user is None
        ]
        title = f"Удовлетворённость участием в программе: наставляемые-ученики, {label}"
        made = self.survey(school, "satisfaction", title, self.today - days(3), self.today + days(14))
        self.invite(school, made, pupils, self.in_a_mood)
        # Pupils without a device filled in the paper blank; the curator entered two of them.
        for response, _ in made.responses[:PAPER_ENTERED]:
            response.paper_entered_by, response.paper_entered_at = school.curator, response.submitted_at

    def class_teacher(self, school: _School, teacher: int, pupil: int) -> None:
        """A stage 1 survey open today that asks the class teacher of the demo's mentee how the programme of
        its pupil's pair goes; the teacher has not answered yet."""
        pair = next((p for p in school.pairs if p.ended_on is None and pupil in school.mentees[p.pk]), None)
        if pair is None or teacher not in school.people:
            return
        programme = next(p for p in school.programmes if p.pk == pair.programme)
        label = f"{self.academic_year.short_label} учебный год"
        title = f"Этап 1, мнение классных руководителей ({label}): {programme.title}"
        made = self.survey(
            school, "stage-1", title, self.today - days(2), self.today + days(12), programme=programme
        )
        made.invitations.append(Invitation(survey=made.survey, person_id=teacher, respondent=SELF))

    def mentor_intake(self, entry: MentorEntry, forms: list[str], school: _School) -> Answerer:
        """The answers a mentor's entry was made from."""
        person = school.people[entry.person_id]
        by_word = {
            "стаж": person.experience if person.kind == Person.Kind.TEACHER else None,
            "достижения": entry.achievements,
            "компетенции": entry.competencies,
            "предметы": entry.subjects,
            "интересы": entry.interests,
            "форме наставничества": [FORM_LABELS[code] for code in forms],
            "Скольких": entry.capacity,
        }
        return self.from_entry(by_word)

    def mentee_intake(self, entry: MenteeEntry, forms: list[str], categories: list[str]) -> Answerer:
        """The answers a mentee's entry was made from."""
        options = [CATEGORY_OPTIONS[code] for code in categories if code in CATEGORY_OPTIONS]
        by_word = {
            "запрос": entry.request,
            "Какая помощь": [need for need, _ in options],
            "относится к вам": [about for _, about in options],
            "интересы": entry.interests,
            "форме наставничества": [FORM_LABELS[code] for code in forms],
        }
        return self.from_entry(by_word)

    def from_entry(self, by_word: dict[str, object]) -> Answerer:
        mood = self.mood()

        def answer(question: Question) -> object:
            word = next((word for word in by_word if word in question.text), None)
            return self.generic(question, mood) if word is None else by_word[word]

        return answer

    # Saving

    def save(self) -> None:
        rounds = self.rounds
        Survey.objects.bulk_create([r.survey for r in rounds], batch_size=BATCH_SIZE)
        Invitation.objects.bulk_create([i for r in rounds for i in r.invitations], batch_size=BATCH_SIZE)
        responses = [pair for r in rounds for pair in r.responses]
        Response.objects.bulk_create([response for response, _ in responses], batch_size=BATCH_SIZE)
        insert_answers([(response.pk, *row) for response, rows in responses for row in rows])
        schools = {r.survey.school_id for r in rounds}
        low_mark = Exists(Answer.objects.filter(LOW_MARK, response=OuterRef("pk")))
        Response.objects.filter(invitation__survey__school__in=schools).update(low_mark=low_mark)

    def date_rows(self, schools: list[Organisation]) -> None:
        """A survey is created a few days before it opens, its invitations with it; a response is last
        changed when it was sent."""
        for r in self.rounds:
            before = r.survey.opens_on - days(self.rng.randint(1, 5))
            r.survey.created_at = self.moment(before, before)
        Survey.objects.bulk_update([r.survey for r in self.rounds], ["created_at"], batch_size=BATCH_SIZE)
        created = Survey.objects.filter(pk=OuterRef("survey")).values("created_at")[:1]
        Invitation.objects.filter(survey__school__in=schools).update(created_at=Subquery(created))
        Response.objects.filter(invitation__survey__school__in=schools).update(updated_at=F("submitted_at"))


def build_surveys(built: BuiltDepartment, seed: int) -> Counts:
    """Each school's surveys with their respondents and answers; the demo's school of the named accounts has
    a survey waiting for its mentor and mentee, and one for its class teacher."""
    generator = _SurveyGenerator(seed)
    showcase = built.showcase
    with transaction.atomic(), disable_auditlog():
        for school in load_schools(built):
            generator.school(school)
            if showcase is not None and school.school == showcase.school:
                waiting = {p.pk for p in (showcase.mentor, showcase.mentee) if p is not None}
                generator.showcase(school, waiting)
                if showcase.teacher is not None and showcase.mentee is not None:
                    generator.class_teacher(school, showcase.teacher.pk, showcase.mentee.pk)
        generator.save()
        generator.date_rows([b.school for b in built.schools])
    return {}


register(DemoPart("surveys", build_surveys, after=("pairs",)))


# The evidence of the demo mentor's portfolio: the certificate and the «Лучший наставник» diploma the school
# gave it for its completed pair, as the director orders them (numbered, not rendered until opened).


def build_mentor_awards(built: BuiltDepartment, seed: int) -> Counts:
    showcase = built.showcase
    entry = showcase and showcase.mentor and MentorEntry.objects.filter(person=showcase.mentor).first()
    completed = entry and Pair.objects.filter(mentor=entry, status=Pair.Status.COMPLETED).order_by("ended_on")
    pair = completed and completed.first()
    if pair is None:
        return {}
    school, person = showcase.school, entry.person
    handed = min(pair.ended_on + days(3), timezone.localdate())
    diploma = min(AcademicYear.containing(pair.ended_on).on(5, 25), timezone.localdate())
    with transaction.atomic(), disable_auditlog():
        sequence = next_number(school, Register.CERTIFICATES, handed.year)
        Document.objects.bulk_create(
            [
                Document(
                    school=school,
                    kind=CERTIFICATE,
                    register=Register.CERTIFICATES,
                    year=handed.year,
                    sequence=sequence,
                    number=str(sequence),
                    date=handed,
                    title=f"Сертификат участника программы наставничества: {person.full_name}",
                    params={"programme": pair.programme_id, "person": person.pk},
                    person=person,
                    requested_by=showcase.director_user,
                ),
                Document(
                    school=school,
                    kind=BEST_MENTOR,
                    year=diploma.year,
                    date=diploma,
                    title=f"{AWARDS[BEST_MENTOR].title}: {person.full_name}",
                    params={"mentor": entry.pk, "reason": AWARDS[BEST_MENTOR].reason},
                    person=person,
                    requested_by=showcase.director_user,
                ),
            ]
        )
    return {"наград наставников": 2}


register(DemoPart("mentor_awards", build_mentor_awards, after=("pairs",)))
