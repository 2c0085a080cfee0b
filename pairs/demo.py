"""Generated pairs and groups for the demo and the benchmarks, with their plans and meetings: pairs' part of
mentoring.demo.

Every school runs the programmes of programs.demo. A programme forms pairs in two intakes a school year
(autumn, and January into the places short pairs left), from the two bases and by the rules of pairs.rules;
the mentors' places and the mentees' earlier pairs are followed through time, so that no intake breaks them.
The programmes are made here, school by school before their intakes, from the same random stream as the
pairs: one seed gives the same programmes and pairs together.
"""

from __future__ import annotations

import datetime
import io
import random
from collections import Counter
from dataclasses import dataclass, field, replace

from auditlog.context import disable_auditlog
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from PIL import Image, ImageDraw

from mentoring.academic_year import AcademicYear
from mentoring.demo import (
    BATCH_SIZE,
    PUPIL_SUBJECTS,
    BuiltDepartment,
    BuiltSchool,
    Counts,
    DemoPart,
    days,
    entry_codes,
    moment_on,
    register,
)
from mentoring.models import (
    Consent,
    Document,
    DocumentCounter,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    Register,
)
from programs.demo import CURRENT_PROGRAMMES, build_programmes
from programs.models import Programme, RoleModel
from programs.seed_texts import plan_rows

from . import agreements, rules
from .agreements import MentorAgreementForm, MentorConsentForm
from .documents import ORDER_PAIRS, PAIRS_ORDER_TITLE
from .models import Meeting, Pair, PairMentee, PairStatusChange, PlanItem
from .rules import Candidate
from .services import plan_end

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
DONE_NOTES = (
    "",
    "Выполнено.",
    "Проведено по плану.",
    "Обсудили на встрече, результаты записаны.",
    "Материалы в папке наставника.",
)


# The school holidays, as (month, first day, last day): autumn, the New Year, spring; and the summer.
HOLIDAYS = ((10, 27, 31), (11, 1, 4), (12, 29, 31), (1, 1, 8), (3, 23, 31))


def is_school_day(day: datetime.date) -> bool:
    holiday = any(day.month == month and first <= day.day <= last for month, first, last in HOLIDAYS)
    return day.weekday() < 5 and day.month not in (6, 7, 8) and not holiday


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
    mentor_forms: dict[int, list[str]]
    mentee_forms: dict[int, list[str]]
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
            mentor_forms=entry_codes(MentorEntry.forms, school),
            mentee_forms=entry_codes(MenteeEntry.forms, school),
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


class _PairGenerator:
    def __init__(self, size: PairsSize, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.year_start = AcademicYear.containing(self.today).start
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
        return min(moment_on(day, hour, minute), self.now)

    # Intakes

    def intakes(self, built: BuiltSchool) -> list[_Intake]:
        """The school's programmes, saved, and their intakes in the order they were formed."""
        programmes = build_programmes(built, history_years=self.size.history_years, rng=self.rng)
        intakes = []
        for programme in programmes:
            if programme.status == Programme.Status.APPROVED:
                continue
            code = programme.form.code
            year = programme.starts_on
            while year <= self.year_start and year < programme.ends_on:
                for winter in (False, True):
                    intake = _Intake(programme, code, year, self.year_start.year - year.year, winter)
                    if intake.day <= self.today:
                        intakes.append(intake)
                year = year.replace(year=year.year + 1)
        return sorted(intakes, key=lambda i: (i.day, FORM_ORDER.index(i.code)))

    def school(self, built: BuiltSchool) -> None:
        intakes = self.intakes(built)
        if not intakes:
            return
        bases = _Bases.load_school(built.school, intakes[0].programme)
        showcase = (
            built.mentor.mentor_entry.pk if built.mentor else None,
            built.mentee.mentee_entry.pk if built.mentee else None,
        )
        for intake in intakes:
            self.intake(intake, bases, showcase, built)
        self.settle(bases)
        self.drafts += bases.drafts

    def intake(self, intake: _Intake, bases: _Bases, showcase: tuple, school: BuiltSchool) -> None:
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
            draft = self.draft(intake, mentor, chosen, on, status, bases, school)
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

    def role_model_of(self, code: str, mentee: Candidate) -> RoleModel:
        """The first of the form's role models serving one of the mentee's categories, or the form's first."""
        role_models = self.role_models[code]
        return next((rm for rm, cats in role_models if cats & mentee.categories), role_models[0][0])

    def draft(
        self,
        intake: _Intake,
        mentor: Candidate,
        mentees: list[Candidate],
        formed: datetime.date,
        status: str,
        bases: _Bases,
        school: BuiltSchool,
    ) -> _Draft:
        S, programme = Pair.Status, intake.programme
        if status == S.PROPOSED:
            formed = max(formed, school_day_from(self.today - days(self.rng.randint(1, 6)), -1))
        first = mentees[0]
        own = {self.role_model_of(intake.code, mentee) for mentee in mentees}
        pair = Pair(
            school=programme.school,
            programme=programme,
            mentor_id=mentor.entry_id,
            role_model=own.pop() if len(own) == 1 else None,
            status=status,
            goal=bases.requests.get(first.entry_id, ""),
            ends_on=programme.ends_on,
            created_by=school.curator_user,
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

    def status_changes(
        self, draft: _Draft, school: BuiltSchool, order: Document | None
    ) -> list[PairStatusChange]:
        S, pair = Pair.Status, draft.pair
        steps = [("", S.PROPOSED, draft.formed, school.curator_user, "")]
        if order is not None:
            note = f"Приказ от {order.date:%d.%m.%Y} № {order.number}"
            steps.append((S.PROPOSED, S.APPROVED, order.date, school.director_user, note))
        if pair.started_on:
            steps.append((S.APPROVED, S.ACTIVE, pair.started_on, school.curator_user, ""))
        if pair.ended_on:
            steps.append((S.ACTIVE, pair.status, pair.ended_on, school.curator_user, pair.termination_reason))
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
        # As the start transition places it: from the real start once the pair works, before it as formed.
        start = pair.started_on or max(pair.programme.starts_on, draft.formed)
        end = plan_end(pair)
        last = pair.ended_on or self.today
        if pair.started_on:
            passed = (last - pair.started_on) / (pair.ends_on - pair.started_on)
        items = []
        for number, row in enumerate(plan_rows(draft.code), start=1):
            item = PlanItem(pair_id=pair.pk, number=number, **row.placed(start, end))
            due = item.due_on
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
                    starts_at=moment_on(day, hour, minute),
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

    def save(self, schools: list[BuiltSchool]) -> Counts:
        """Saves the drafts with what hangs on them; returns how many pairs and groups, and meetings."""
        by_pk = {school.school.pk: school for school in schools}
        Pair.objects.bulk_create([d.pair for d in self.drafts], batch_size=BATCH_SIZE)
        orders = self.orders(by_pk)
        members, changes, items, meetings, present = [], [], [], [], []
        for draft in self.drafts:
            pair, school = draft.pair, by_pk[draft.pair.school_id]
            members += [
                PairMentee(
                    pair_id=pair.pk,
                    mentee_id=m.entry_id,
                    programme_id=pair.programme_id,
                    is_current=pair.is_current,
                    role_model=self.role_model_of(draft.code, m),
                )
                for m in draft.mentees
            ]
            changes += self.status_changes(draft, school, orders.get(pair.pk))
            curator = school.curator_user.pk if school.curator_user else None
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
        return {"пар и групп": len(self.drafts), "встреч": len(meetings)}

    def orders(self, by_pk: dict[int, BuiltSchool]) -> dict[int, Document]:
        """The pairs orders that approved the pairs: one for a programme's pairs approved on one day, numbered
        in the school's register in the order of their dates, as the director issued them. They are not
        rendered yet: a document renders when someone opens it. Returns each approved pair's order."""
        approved: dict[tuple[int, datetime.date, int], list[Pair]] = {}
        for draft in self.drafts:
            if draft.approved:
                key = (draft.pair.school_id, draft.approved, draft.pair.programme_id)
                approved.setdefault(key, []).append(draft.pair)
        last: Counter[tuple[int, int]] = Counter()
        orders = []
        for (school_id, day, programme_id), pairs in sorted(approved.items()):
            school = by_pk[school_id]
            last[(school_id, day.year)] += 1
            sequence = last[(school_id, day.year)]
            orders.append(
                Document(
                    school_id=school_id,
                    kind=ORDER_PAIRS,
                    register=Register.ORDERS,
                    year=day.year,
                    sequence=sequence,
                    number=school.school.order_number(sequence),
                    date=day,
                    title=PAIRS_ORDER_TITLE,
                    params={"programme": programme_id, "pairs": [pair.pk for pair in pairs]},
                    requested_by=school.director_user,
                )
            )
        Document.objects.bulk_create(orders, batch_size=BATCH_SIZE)
        DocumentCounter.objects.bulk_create(
            [
                DocumentCounter(school_id=school_id, register=Register.ORDERS, year=year, last=n)
                for (school_id, year), n in last.items()
            ]
        )
        by_pair: dict[int, Document] = {}
        for order, key in zip(orders, sorted(approved), strict=True):
            for pair in approved[key]:
                pair.order = order
                by_pair[pair.pk] = order
        ordered = [pair for pairs in approved.values() for pair in pairs]
        Pair.objects.bulk_update(ordered, ["order"], batch_size=BATCH_SIZE)
        return by_pair

    def date_rows(self, schools: list[Organisation]) -> None:
        """Rows written now take the dates of the events they record: a pair its proposal, a meeting held
        its day."""
        proposed = PairStatusChange.objects.filter(pair=OuterRef("pk"), to_status=Pair.Status.PROPOSED)
        Pair.objects.filter(school__in=schools).update(created_at=Subquery(proposed.values("changed_at")[:1]))
        Meeting.objects.filter(school__in=schools, status=Meeting.Status.HELD).update(
            created_at=F("starts_at")
        )


def build_pairs(built: BuiltDepartment, seed: int) -> Counts:
    """Each school's programmes with their pairs and groups, the pairs' plans and meetings."""
    # The demo shows this year's work to its accounts; the benchmarks' municipality has years of history.
    generator = _PairGenerator(DEMO_PAIRS if built.showcase else BENCH_PAIRS, seed)
    with transaction.atomic(), disable_auditlog():
        for school in built.schools:
            generator.school(school)
        counts = generator.save(built.schools)
        generator.date_rows([school.school for school in built.schools])
    return counts


register(DemoPart("pairs", build_pairs))


# The teacher-mentor's papers (Трудовой кодекс, ст. 351.8) of the demo's school: each of its pairs at work
# with a teacher-mentor has the consent and the additional agreement (with the pay the hours' part sets),
# signed before the pair started, with a scan; one pair waiting to start has its consent made, not signed yet,
# so that the pair page shows what is missing. The documents render when someone opens them.

CONSENT_TITLE, AGREEMENT_TITLE = MentorConsentForm.title, MentorAgreementForm.title


def scan_image() -> bytes:
    """A small grey page with lines of «text» and a signature: what a phone photographs of a signed sheet."""
    image = Image.new("L", (210, 297), 250)
    draw = ImageDraw.Draw(image)
    for y in range(40, 220, 12):
        draw.line((25, y, 185, y), fill=120, width=2)
    draw.line((120, 255, 170, 245), fill=30, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def paper(pair: Pair, kind: str, title: str, on: datetime.date, by, **params) -> Document:
    return Document(
        school_id=pair.school_id,
        kind=kind,
        year=on.year,
        date=on,
        title=f"{title}: {pair.mentor.person.full_name}",
        params={"pair": pair.pk, **params},
        pair=pair,
        person=pair.mentor.person,
        requested_by=by,
    )


def build_mentor_papers(built: BuiltDepartment, seed: int) -> Counts:
    showcase = built.showcase
    if showcase is None:
        return {}
    school = showcase.school
    teachers = Pair.objects.filter(school=school, mentor__person__kind__in=agreements.EMPLOYEES)
    teachers = teachers.select_related("mentor__person").order_by("pk")
    by = showcase.curator_user
    signed, made = [], []
    for pair in teachers.filter(status=Pair.Status.ACTIVE):
        # Both made and signed on a school day before the pair started.
        day = school_day_from(pair.started_on - days(2), -1)
        consent = paper(pair, agreements.MENTOR_CONSENT, CONSENT_TITLE, day, by)
        agreement = paper(
            pair,
            agreements.MENTOR_AGREEMENT,
            AGREEMENT_TITLE,
            day,
            by,
            pay_rule=hours_demo.PAY_RULE,
            pay_rate=str(hours_demo.PAY_RATE),
        )
        signed += [consent, agreement]
    waiting = teachers.filter(status__in=(Pair.Status.APPROVED, Pair.Status.PROPOSED)).first()
    if waiting is not None:
        made.append(paper(waiting, agreements.MENTOR_CONSENT, CONSENT_TITLE, timezone.localdate(), by))
    with transaction.atomic(), disable_auditlog():
        Document.objects.bulk_create(signed + made)
        image = scan_image()
        # The scan's name needs the row's id: the mark is put on the rows made.
        for document in signed:
            document.signed_scan.save("skan.png", ContentFile(image), save=False)
            document.signed_on, document.signed_by = document.date, by
        fields = ["signed_on", "signed_scan", "signed_by"]
        Document.objects.bulk_update(signed, fields, batch_size=BATCH_SIZE)
    return {"документов наставников-педагогов": len(signed) + len(made)}


register(DemoPart("mentor_papers", build_mentor_papers, after=("pairs",)))

# The hours' part and the matching proposal register themselves after this one.
from . import hours_demo, matching_demo  # noqa: E402, F401
