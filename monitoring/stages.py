"""The two stages of monitoring (seed 002 §9) as report data, for the pages and for the PDF reports.

Stage 1, the quality of implementation, reads the stage-1, feedback and satisfaction surveys: who answered,
how closed questions were answered, what was written, strengths and weaknesses, expectations against results.
Stage 2, the influence on the participants, sets every measured characteristic at entry against the same
at exit, per participant and summed up per pair, role model, role and programme.

A group smaller than MIN_GROUP respondents shows counts but no averages: an average of two people is nearly
their answers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.safestring import SafeString

from mentoring.models import NAME_PARTS, Person, Role, full_name_of
from pairs.models import Pair, PairMentee, mentees_label_of, pair_name

from . import audience, charts
from .models import Answer, Invitation, Question, Questionnaire, Response, Survey
from .surveys import rates_by_role

MIN_GROUP = 5
OPEN_SHOWN = 30
STAGE_1_PURPOSES = (
    Questionnaire.Purpose.STAGE_1,
    Questionnaire.Purpose.FEEDBACK,
    Questionnaire.Purpose.SATISFACTION,
)
Kind, Measure, Topic = Question.Kind, Question.Measure, Question.Topic
SWOT = (Topic.STRENGTHS, Topic.WEAKNESSES, Topic.OPPORTUNITIES, Topic.THREATS)
LOWER_IS_BETTER = frozenset({Measure.ANXIETY, Measure.DIFFICULTIES})
ROLE_NAMES = {Role.MENTOR: "наставник", Role.MENTEE: "наставляемый"}
VERDICT_EPSILON = 1e-9  # averages this close are the same value
SUBMITTED = Q(response__submitted_at__isnull=False)


def average(counts: Iterable[tuple[float, int]]) -> float | None:
    pairs = list(counts)
    answered = sum(n for _, n in pairs)
    return sum(value * n for value, n in pairs) / answered if answered else None


# Stage 1


@dataclass
class ClosedResult:
    question: Question
    answered: int
    options: list[tuple[str, int]]
    mean: float | None = None
    least: float | None = None
    most: float | None = None

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_GROUP

    @property
    def yes_percent(self) -> int | None:
        return None if self.mean is None else round(100 * self.mean)

    @cached_property
    def chart(self) -> SafeString | None:
        if self.hidden or not self.options:
            return None
        return charts.distribution(
            f"Распределение ответов: {self.question.text}", self.options, self.answered
        )


@dataclass
class OpenResult:
    question: Question
    total: int
    shown: list[tuple[str, int]]  # (text, how many wrote it), the most frequent and latest first

    @property
    def shown_count(self) -> int:
        return sum(times for _, times in self.shown)


@dataclass
class Expectation:
    expected: ClosedResult
    got: ClosedResult

    @property
    def label(self) -> str:
        return self.expected.question.text.replace(" вы ожидали от участия в программе?", "")

    @property
    def gap(self) -> float | None:
        if self.expected.hidden or self.got.hidden or None in (self.expected.mean, self.got.mean):
            return None
        return self.got.mean - self.expected.mean


@dataclass
class QuestionnaireResults:
    questionnaire: Questionnaire
    respondents: int
    closed: list[ClosedResult]
    open: list[OpenResult]
    swot: list[tuple[str, list[OpenResult]]]
    expectations: list[Expectation]

    @cached_property
    def expectations_chart(self) -> SafeString | None:
        rows = [
            charts.Paired(
                e.label,
                e.expected.mean,
                e.got.mean,
                e.expected.question.scale_min,
                e.expected.question.scale_max,
            )
            for e in self.expectations
            if e.gap is not None
        ]
        if not rows:
            return None
        return charts.paired_bars("Ожидания и результаты участников", rows, ("Ожидали", "Получили"))


@dataclass
class Stage1:
    surveys: int
    rates: list[dict]
    sections: list[QuestionnaireResults]


def closed_results(
    question: Question, numbers: dict[float, int], chosen: Counter, answered: int
) -> ClosedResult:
    match question.kind:
        case Kind.SINGLE | Kind.MULTIPLE:
            return ClosedResult(question, answered, [(option, chosen[option]) for option in question.choices])
        case Kind.SCALE:
            ends = {
                question.scale_min: question.scale_min_label,
                question.scale_max: question.scale_max_label,
            }
            options = [
                (f"{value} — {ends[value]}" if ends.get(value) else str(value), numbers.get(value, 0))
                for value in range(question.scale_min, question.scale_max + 1)
            ]
            return ClosedResult(question, answered, options, mean=average(numbers.items()))
        case Kind.YES_NO:
            options = [("Да", numbers.get(1, 0)), ("Нет", numbers.get(0, 0))]
            return ClosedResult(question, answered, options, mean=average(numbers.items()))
        case _:
            return ClosedResult(
                question,
                answered,
                [],
                mean=average(numbers.items()),
                least=min(numbers, default=None),
                most=max(numbers, default=None),
            )


class SumOf(Func):
    """SUM of an aggregate of grouped rows over a window, which Sum refuses."""

    function = "SUM"
    window_compatible = True
    output_field = IntegerField()


def read_first(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """The surveys by their ids, read in one query of a few dozen rows. Left as a subquery of the figures'
    queries, PostgreSQL misjudges how many surveys it matches and scans every invitation or answer of the
    municipality instead of those of the surveys."""
    return Survey.objects.filter(pk__in=list(surveys.values_list("pk", flat=True)))


def stage_1(surveys: QuerySet[Survey]) -> Stage1:
    """Stage 1 over the given surveys: a fixed number of queries, whatever their size."""
    surveys = read_first(surveys.filter(questionnaire__purpose__in=STAGE_1_PURPOSES))
    answers = Answer.objects.filter(
        response__invitation__survey__in=surveys, response__submitted_at__isnull=False
    )
    numbers: dict[int, dict[float, int]] = defaultdict(dict)
    chosen: dict[int, Counter] = defaultdict(Counter)
    chose: Counter = Counter()
    # One scan for every closed question: the answers grouped by their value, a number or the options chosen.
    closed = answers.filter(
        Q(question__kind__in=(Kind.SCALE, Kind.YES_NO, Kind.NUMBER), number__isnull=False)
        | Q(question__kind__in=(Kind.SINGLE, Kind.MULTIPLE))
    )
    for question_id, value, options, n in (
        closed.values_list("question", "number", "chosen").annotate(n=Count("pk")).order_by()
    ):
        if value is not None:
            numbers[question_id][float(value)] = n
        else:
            for option in options:
                chosen[question_id][option] += n
            chose[question_id] += n
    # The same words written by several respondents are shown once, with how many wrote them; one scan
    # gives those shown and how many wrote anything.
    frequent = (
        answers.filter(question__kind=Kind.OPEN)
        .exclude(text="")
        .values("question", "text")
        .annotate(times=Count("pk"), latest=Max("response__submitted_at"))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("question"), order_by=[F("times").desc(), F("latest").desc()]
            ),
            total=Window(SumOf("times"), partition_by=F("question")),
        )
        .filter(rank__lte=OPEN_SHOWN)
        .order_by("question", "rank")
    )
    texts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    totals: dict[int, int] = {}
    for row in frequent:
        texts[row["question"]].append((row["text"], row["times"]))
        totals[row["question"]] = int(row["total"])
    respondents = dict(
        Response.objects.filter(invitation__survey__in=surveys, submitted_at__isnull=False)
        .values_list("invitation__survey__questionnaire")
        .annotate(n=Count("pk"))
        .order_by()
    )
    questionnaires = sorted(
        Questionnaire.objects.filter(pk__in=surveys.values("questionnaire")).prefetch_related("questions"),
        key=lambda q: (STAGE_1_PURPOSES.index(q.purpose), q.title, q.pk),
    )
    sections = []
    for questionnaire in questionnaires:
        closed, open_answers = {}, []
        for question in questionnaire.questions.all():
            if question.kind == Kind.OPEN:
                open_answers.append(OpenResult(question, totals.get(question.pk, 0), texts[question.pk]))
            else:
                counts = numbers[question.pk]
                answered = (
                    chose[question.pk]
                    if question.kind in (Kind.SINGLE, Kind.MULTIPLE)
                    else sum(counts.values())
                )
                closed[question] = closed_results(question, counts, chosen[question.pk], answered)
        by_topic = {
            topic: [r for r in closed.values() if r.question.topic == topic] for topic in Topic.values
        }
        sections.append(
            QuestionnaireResults(
                questionnaire=questionnaire,
                respondents=respondents.get(questionnaire.pk, 0),
                closed=[r for r in closed.values() if not r.question.topic],
                open=[r for r in open_answers if r.question.topic not in SWOT],
                swot=[
                    (Topic(topic).label, [r for r in open_answers if r.question.topic == topic])
                    for topic in SWOT
                ],
                expectations=[
                    Expectation(e, g)
                    for e, g in zip(by_topic[Topic.EXPECTATIONS], by_topic[Topic.RESULTS], strict=False)
                ],
            )
        )
    invitations = Invitation.objects.filter(survey__in=surveys)
    return Stage1(surveys=surveys.count(), rates=rates_by_role(invitations), sections=sections)


# Stage 2


def verdict(measure: str, entry: float, exit: float) -> int:
    """+1 improved, 0 unchanged, -1 worsened: less anxiety is an improvement."""
    delta = exit - entry
    if abs(delta) < VERDICT_EPSILON:
        return 0
    better = delta < 0 if measure in LOWER_IS_BETTER else delta > 0
    return 1 if better else -1


@dataclass(frozen=True)
class Characteristic:
    code: str
    label: str
    low: float
    high: float

    @property
    def lower_is_better(self) -> bool:
        return self.code in LOWER_IS_BETTER

    @property
    def chart_label(self) -> str:
        return f"{self.label}, чем меньше, тем лучше" if self.lower_is_better else self.label

    def verdict(self, entry: float, exit: float) -> int:
        return verdict(self.code, entry, exit)


@dataclass
class Participant:
    person: Person
    respondent: str
    role: str
    programme: str
    pair_id: int | None = None
    role_model: str = ""
    entry: dict[str, float] = field(default_factory=dict)
    exit: dict[str, float] = field(default_factory=dict)

    @property
    def answered(self) -> str:
        if self.entry and self.exit:
            return "both"
        return "entry" if self.entry else "exit"

    @property
    def name(self) -> str:
        suffix = " (отвечает родитель)" if self.respondent == Invitation.Respondent.PARENT else ""
        return f"{self.person.full_name}{suffix}"

    def cells(self, characteristics: list[Characteristic]) -> list[Cell]:
        return [Cell(c, self.entry.get(c.code), self.exit.get(c.code)) for c in characteristics]


@dataclass
class Cell:
    characteristic: Characteristic
    entry: float | None
    exit: float | None

    @property
    def change(self) -> float | None:
        return None if None in (self.entry, self.exit) else self.exit - self.entry

    @property
    def verdict(self) -> int | None:
        return None if self.change is None else self.characteristic.verdict(self.entry, self.exit)


@dataclass
class Summary:
    """One characteristic over a group: its participants who answered at entry and at exit."""

    characteristic: Characteristic
    compared: int
    improved: int
    stayed: int
    worsened: int
    entry_mean: float | None
    exit_mean: float | None

    @property
    def hidden(self) -> bool:
        return self.compared < MIN_GROUP

    @property
    def change(self) -> float | None:
        return None if self.hidden or self.entry_mean is None else self.exit_mean - self.entry_mean


@dataclass
class Group:
    label: str
    participants: list[Participant]
    characteristics: list[Characteristic]

    @cached_property
    def summaries(self) -> list[Summary]:
        found = []
        for c in self.characteristics:
            both = [
                (p.entry[c.code], p.exit[c.code])
                for p in self.participants
                if c.code in p.entry and c.code in p.exit
            ]
            verdicts = Counter(c.verdict(entry, exit) for entry, exit in both)
            shown = len(both) >= MIN_GROUP
            found.append(
                Summary(
                    characteristic=c,
                    compared=len(both),
                    improved=verdicts[1],
                    stayed=verdicts[0],
                    worsened=verdicts[-1],
                    entry_mean=sum(e for e, _ in both) / len(both) if shown else None,
                    exit_mean=sum(x for _, x in both) / len(both) if shown else None,
                )
            )
        return found

    @cached_property
    def answered(self) -> Counter:
        return Counter(p.answered for p in self.participants)

    @property
    def shows_means(self) -> bool:
        return any(not s.hidden for s in self.summaries)

    @cached_property
    def means_chart(self) -> SafeString | None:
        rows = [
            charts.Paired(
                s.characteristic.chart_label,
                s.entry_mean,
                s.exit_mean,
                s.characteristic.low,
                s.characteristic.high,
            )
            for s in self.summaries
            if not s.hidden
        ]
        if not rows:
            return None
        return charts.paired_bars(f"На входе и по итогам: {self.label}", rows, ("На входе", "По итогам"))

    @cached_property
    def shares_chart(self) -> SafeString | None:
        rows = [
            (s.characteristic.label, (s.improved, s.stayed, s.worsened)) for s in self.summaries if s.compared
        ]
        return charts.shares(f"Изменения участников: {self.label}", rows) if rows else None


@dataclass
class Stage2:
    entry_surveys: int
    exit_surveys: int
    characteristics: list[Characteristic]
    participants: list[Participant]
    entry_surveys_elsewhere: int = 0  # of other academic years than the scope's, compared with its exits

    @cached_property
    def pair_labels(self) -> dict[int, str]:
        # Only the sums by pair name the pairs: a school's page, which shows none, loads none of them.
        return pair_labels({p.pair_id for p in self.participants if p.pair_id})

    def group(self, label: str, members: list[Participant] | None = None) -> Group:
        return Group(label, self.participants if members is None else members, self.characteristics)

    def groups_by(self, key: Callable[[Participant], str | None], fallback: str = "") -> list[Group]:
        grouped: dict[str, list[Participant]] = defaultdict(list)
        for participant in self.participants:
            grouped[key(participant) or fallback].append(participant)
        return [self.group(label, members) for label, members in sorted(grouped.items()) if label]

    @cached_property
    def total(self) -> Group:
        return self.group("Все участники")

    @cached_property
    def by_programme(self) -> list[Group]:
        return self.groups_by(lambda p: p.programme)

    @cached_property
    def by_role(self) -> list[Group]:
        return self.groups_by(lambda p: ROLE_NAMES.get(p.role, "").capitalize(), "Без роли в программе")

    @cached_property
    def by_role_model(self) -> list[Group]:
        return self.groups_by(lambda p: p.role_model, "Ролевая модель не указана")

    @cached_property
    def by_pair(self) -> list[Group]:
        return self.groups_by(lambda p: self.pair_labels.get(p.pair_id), "Вне пар")


def characteristics_of(surveys: QuerySet[Survey]) -> list[Characteristic]:
    rows = (
        Question.objects.filter(questionnaire__surveys__in=surveys)
        .exclude(measures="")
        .values("measures")
        .annotate(low=Min("scale_min"), high=Max("scale_max"))
        .order_by()
    )
    ranges = {row["measures"]: (row["low"] or 0, row["high"] or 1) for row in rows}
    return [
        Characteristic(code, str(label), *ranges[code]) for code, label in Measure.choices if code in ranges
    ]


def pair_labels(pair_ids: Collection[int]) -> dict[int, str]:
    """A pair's name (its mentor and mentees) read from the names alone, as rows rather than models: a
    programme has dozens of pairs."""
    mentees: dict[int, list[str]] = defaultdict(list)
    members = PairMentee.objects.filter(pair__in=pair_ids)  # in the order the pair lists its mentees
    for pair, *name in members.values_list("pair", *(f"mentee__person__{part}" for part in NAME_PARTS)):
        mentees[pair].append(full_name_of(*name))
    mentors = Pair.objects.filter(pk__in=pair_ids).values_list(
        "pk", *(f"mentor__person__{part}" for part in NAME_PARTS)
    )
    return {pair: pair_name(full_name_of(*name), mentees_label_of(mentees[pair])) for pair, *name in mentors}


def with_programme_entries(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """The stage-2 surveys given and every entry survey of the programmes whose exit survey is among them.

    Entry and exit are matched per participant and programme across the programme's whole term: the entry
    of a two-year programme is answered in its first academic year, the exit in its second, and the result
    counts in the year of the exit."""
    stage_2 = surveys.exclude(phase="")
    exits = stage_2.filter(phase=Survey.Phase.EXIT).values("programme")
    return read_first(
        Survey.objects.filter(
            Q(pk__in=stage_2.values("pk")) | Q(phase=Survey.Phase.ENTRY, programme__in=exits)
        )
    )


def compared_exits() -> QuerySet[Invitation]:
    """Exit answers that have the same participant's entry answer to the same programme, in any year."""
    entered = Invitation.objects.filter(
        SUBMITTED,
        survey__phase=Survey.Phase.ENTRY,
        survey__programme=OuterRef("survey__programme"),
        person=OuterRef("person"),
        respondent=OuterRef("respondent"),
    )
    return Invitation.objects.filter(SUBMITTED, survey__phase=Survey.Phase.EXIT).filter(Exists(entered))


def measured_answers(surveys: QuerySet[Survey]) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(
            response__invitation__survey__in=surveys,
            response__submitted_at__isnull=False,
            number__isnull=False,
        )
        .filter(audience.fitting_answers())
        .exclude(question__measures="")
    )


def measured_values(surveys: QuerySet[Survey]) -> QuerySet:
    """Each respondent's average of each measured characteristic in each phase, one row apiece:
    (school, programme, person, respondent, phase, characteristic, value)."""
    return (
        measured_answers(surveys)
        .values_list(
            "response__invitation__survey__school_id",
            "response__invitation__survey__programme_id",
            "response__invitation__person_id",
            "response__invitation__respondent",
            "response__invitation__survey__phase",
            "question__measures",
        )
        .annotate(value=Avg("number"))
        .order_by()
    )


def compared_values(surveys: QuerySet[Survey]) -> QuerySet:
    """Each respondent's characteristics measured both at entry and at exit, one row apiece with its verdict
    (+1 better, 0 unchanged, -1 worse, as `verdict`): (school, programme, person, respondent, measure,
    entry, exit, verdict)."""
    invitation = "response__invitation__"
    at_entry = Avg("number", filter=Q(**{f"{invitation}survey__phase": Survey.Phase.ENTRY}))
    at_exit = Avg("number", filter=Q(**{f"{invitation}survey__phase": Survey.Phase.EXIT}))
    gain = Case(
        When(measure__in=LOWER_IS_BETTER, then=F("entry") - F("exit")),
        default=F("exit") - F("entry"),
    )
    return (
        measured_answers(surveys)
        .annotate(
            school=F(f"{invitation}survey__school_id"),
            programme=F(f"{invitation}survey__programme_id"),
            person=F(f"{invitation}person_id"),
            respondent=F(f"{invitation}respondent"),
            measure=F("question__measures"),
        )
        .values("school", "programme", "person", "respondent", "measure")
        .annotate(entry=at_entry, exit=at_exit)
        .filter(entry__isnull=False, exit__isnull=False)
        .annotate(
            verdict=Case(
                When(GreaterThan(gain, Value(VERDICT_EPSILON)), then=Value(1)),
                When(LessThan(gain, Value(-VERDICT_EPSILON)), then=Value(-1)),
                default=Value(0),
            )
        )
        .order_by()
    )


def stage_2(surveys: QuerySet[Survey]) -> Stage2:
    """Entry against exit over the given surveys: a fixed number of queries, whatever their size. The
    participants are those who answered the given surveys; an exit answer is compared with the entry answer
    to the same programme, whatever academic year it was given in."""
    surveys = surveys.exclude(phase="")
    matched = with_programme_entries(surveys)
    answered = Invitation.objects.filter(SUBMITTED, survey__in=surveys)
    # A mentee of a group has its own role model; a mentor, the group's.
    own = PairMentee.objects.filter(pair=OuterRef("pair"), mentee__person=OuterRef("person"))
    role_model = Coalesce(Subquery(own.values("role_model__name")[:1]), "pair__role_model__name")
    invitations = (
        answered.annotate(role_model_name=role_model)
        .order_by("response__submitted_at")
        .values_list(
            "survey__programme_id",
            "person_id",
            "respondent",
            "role",
            "survey__programme__title",
            "pair_id",
            "role_model_name",
        )
    )
    participants: dict[tuple, Participant] = {}
    people: dict[int, list[Participant]] = defaultdict(list)
    for programme_id, person_id, respondent, role, programme, pair_id, role_model in invitations:
        key = (programme_id, person_id, respondent)
        if key not in participants:
            participants[key] = Participant(None, respondent, role, programme)
            people[person_id].append(participants[key])
        found = participants[key]
        if pair_id:
            found.pair_id, found.role_model = pair_id, role_model or ""
        found.role = found.role or role
    for person in Person.objects.filter(pk__in=answered.values("person_id")):
        for participant in people[person.pk]:
            participant.person = person
    for _, programme_id, person_id, respondent, phase, measure, value in measured_values(matched):
        found = participants.get((programme_id, person_id, respondent))
        if found is not None:
            getattr(found, "entry" if phase == Survey.Phase.ENTRY else "exit")[measure] = float(value)
    ordered = sorted(
        (p for p in participants.values() if p.entry or p.exit),
        key=lambda p: (p.programme, p.person.full_name),
    )
    in_scope = matched.annotate(in_scope=Exists(surveys.filter(pk=OuterRef("pk"))))
    phases = Counter(in_scope.values_list("phase", "in_scope"))
    return Stage2(
        entry_surveys=phases[Survey.Phase.ENTRY, True] + phases[Survey.Phase.ENTRY, False],
        exit_surveys=phases[Survey.Phase.EXIT, True],
        characteristics=characteristics_of(matched),
        participants=ordered,
        entry_surveys_elsewhere=phases[Survey.Phase.ENTRY, False],
    )
