"""The mentor's portfolio for attestation: the evidence of mentoring that the qualification category
«педагог-наставник» asks for (Приказ Минпросвещения № 196), read from what the product already holds — the
mentor's pairs and their programmes, the held meetings and their hours, the plans, the mentees' stage 2
change and the documents that name the mentor. Nothing in it is typed again, and no mentee's answer is in it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.declension import plural_ru
from mentoring.documents import SPECS
from mentoring.models import Document, MentorEntry, Person
from pairs.documents import (
    BEST_MENTOR,
    BEST_PAIR,
    CERTIFICATE,
    ENCOURAGEMENTS,
    MENTOR_OF_YEAR,
    ORDER_ENCOURAGEMENT,
    PARENTS_LETTER,
)
from pairs.hours import hours_by_pair
from pairs.models import Meeting, Pair, PairStatusChange, PlanItem
from programs.models import Programme

from . import charts, stages
from .models import Invitation, Survey

MENTOR_PORTFOLIO = "mentor_portfolio"
PORTFOLIOS_SHOWN = 5
# The documents a school hands to one person: they name the mentor by `Document.person`.
PERSONAL_AWARDS = (CERTIFICATE, BEST_MENTOR, MENTOR_OF_YEAR, PARENTS_LETTER)


@dataclass(frozen=True)
class MeetingHours:
    held: int
    minutes: int

    @property
    def hours(self) -> str:
        """«12,5»: hours as the accountant and the commission count them."""
        return charts.number(self.minutes / 60)


def held_meeting_hours(pairs: QuerySet[Pair], span: tuple[datetime.date, datetime.date] | None) -> dict:
    """Held meetings and the sum of their durations per pair, counted as the mentors' hours count them
    (pairs/hours.py): a group's meeting once, a meeting dated in the future not at all."""
    found = hours_by_pair(pairs, span)
    return {pair: MeetingHours(counted.meetings, counted.minutes) for pair, counted in found.items()}


@dataclass(frozen=True)
class PlanCompletion:
    done: int
    planned: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.planned) if self.planned else 0


def plan_completion(pairs: QuerySet[Pair]) -> dict:
    """Items marked done of the items planned in each pair's personalised programme, in one query."""
    rows = (
        PlanItem.objects.filter(pair__in=pairs)
        .values("pair")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False)))
        .order_by()
    )
    return {row["pair"]: PlanCompletion(row["done"], row["planned"]) for row in rows}


@dataclass
class MenteeChange:
    """A pair's mentees in stage 2: the comparison, and the phases anyone of them answered in at all."""

    group: stages.Group
    phases: set[str]
    of_year: bool = False


def compared_first(participant: stages.Participant) -> tuple[bool, bool]:
    return participant.answered == "both", participant.respondent == Invitation.Respondent.SELF


def mentee_changes(pairs: list[Pair], year: AcademicYear | None = None) -> dict[int, MenteeChange]:
    """Each pair's mentees in stage 2 of its programme, entry against exit, summed up as the monitoring pages
    do: how many got better, stayed, got worse in each characteristic, and the means only for a group of
    `stages.MIN_GROUP` or more. A mentee counts once: by the answers that compare, its own before its
    parent's. With a year, the answers of that year: a result counts in the year of its exit answer."""
    surveys = Survey.objects.filter(programme__in={pair.programme_id for pair in pairs})
    report = stages.stage_2(surveys if year is None else surveys.filter(opens_on__range=year.span))
    changes = {}
    for pair in pairs:
        mentees = {member.mentee.person_id for member in pair.members.all()}
        everyone = [
            participant
            for participant in report.participants
            if participant.person.pk in mentees
            and participant.programme == pair.programme.title
            and participant.pair_id in (pair.pk, None)
        ]
        chosen = {}
        for participant in sorted(everyone, key=compared_first):
            chosen[participant.person.pk] = participant
        phases = {
            phase for p in everyone for phase, answers in (("entry", p.entry), ("exit", p.exit)) if answers
        }
        changes[pair.pk] = MenteeChange(
            report.group(str(pair), list(chosen.values())), phases, year is not None
        )
    return changes


@dataclass(frozen=True)
class Award:
    """A document that names the mentor: its name, number and date."""

    name: str
    number: str
    date: datetime.date


def awards_of(entry: MentorEntry, pairs: list[Pair], span) -> list[Award]:
    """Certificates, diplomas, letters and encouragement orders of the mentor's school that name it: its own
    ones by person, «Лучшая пара» by its pair, the orders by the mentors and pairs they list."""
    documents = Document.objects.for_school(entry.school).exclude(status=Document.Status.FAILED)
    if span is not None:
        documents = documents.filter(date__range=span)
    pair_ids = {pair.pk for pair in pairs}
    named = documents.filter(
        Q(kind__in=PERSONAL_AWARDS, person=entry.person_id) | Q(kind=BEST_PAIR, pair__mentor=entry)
    )
    found = [Award(SPECS[document.kind].label, document.number, document.date) for document in named]
    for order in documents.filter(kind=ORDER_ENCOURAGEMENT):
        params = order.params
        if entry.pk in params.get("mentors", []) or pair_ids & set(params.get("pairs", [])):
            encouragement = ENCOURAGEMENTS[params["encouragement"]].label
            found.append(Award(f"{order.title}: {encouragement.lower()}", order.number, order.date))
    return sorted(found, key=lambda award: (award.date, award.name))


@dataclass
class PairRecord:
    pair: Pair
    hours: MeetingHours
    plan: PlanCompletion
    change: MenteeChange

    @property
    def started_on(self) -> datetime.date:
        return self.pair.started_on or self.pair.programme.starts_on

    @property
    def ended_on(self) -> datetime.date:
        return self.pair.ended_on or self.pair.ends_on or self.pair.programme.ends_on

    @property
    def result(self) -> str:
        """What the completed pair achieved, in the words the curator wrote when completing it, or else the
        outcome of its final meeting."""
        if self.pair.status != Pair.Status.COMPLETED:
            return ""
        notes = [change.note for change in self.pair.completions if change.note]
        outcomes = [meeting.outcome for meeting in self.pair.final_meetings if meeting.outcome]
        return (notes or outcomes or ["итог работы не записан"])[-1]

    @property
    def compared(self) -> list[stages.Summary]:
        return [summary for summary in self.change.group.summaries if summary.compared]

    @property
    def shows_means(self) -> bool:
        return any(not summary.hidden for summary in self.compared)

    @property
    def stage_2_gap(self) -> str:
        """Why there is no comparison, in words."""
        phases = self.change.phases
        if not phases:
            return "Анкетирование наставляемых на этапе 2 мониторинга не проводилось."
        if "exit" not in phases and self.change.of_year:
            return (
                "Заключительного анкетирования в этом учебном году не было: изменения наставляемых "
                "засчитываются в том учебном году, когда они ответили по итогам программы."
            )
        if "exit" not in phases:
            return "Заключительное анкетирование ещё не проведено."
        if "entry" not in phases:
            return "Входное анкетирование не проводилось: ответы по итогам сравнивать не с чем."
        return (
            "На входе в программу и по её итогам на анкету отвечали разные респонденты (наставляемый "
            "и родитель): сравнить ответы нельзя."
        )


def portfolio_pairs(entry: MentorEntry, year: AcademicYear | None) -> QuerySet[Pair]:
    """The mentor's pairs past the proposal, those at work in the year when a year is chosen."""
    pairs = Pair.objects.filter(mentor=entry).exclude(status=Pair.Status.PROPOSED)
    if year is None:
        return pairs
    return pairs.filter(
        Q(started_on__lte=year.end) | Q(started_on__isnull=True, programme__starts_on__lte=year.end),
        Q(ended_on__gte=year.start) | Q(ended_on__isnull=True),
    )


def portfolio_years(entry: MentorEntry) -> list[AcademicYear]:
    """The academic years the mentor's pairs worked in, the latest first."""
    spans = portfolio_pairs(entry, None).values_list("started_on", "ended_on", "programme__starts_on")
    today = timezone.localdate()
    return sorted(
        {
            AcademicYear.starting(start_year)
            for started, ended, programme_start in spans
            for start_year in range(
                AcademicYear.containing(started or programme_start).start_year,
                AcademicYear.containing(min(ended or today, today)).start_year + 1,
            )
        },
        reverse=True,
    )


def pair_records(entry: MentorEntry, year: AcademicYear | None) -> list[PairRecord]:
    rows = portfolio_pairs(entry, year)
    pairs = list(
        rows.select_related("programme__form", "role_model", "order", "mentor__person")
        .prefetch_related(
            "members__mentee__person",
            Prefetch(
                "status_changes",
                PairStatusChange.objects.filter(to_status=Pair.Status.COMPLETED),
                to_attr="completions",
            ),
            Prefetch(
                "meetings",
                Meeting.objects.filter(status=Meeting.Status.HELD, kind=Meeting.Kind.FINAL),
                to_attr="final_meetings",
            ),
        )
        .order_by("started_on", "programme__starts_on", "pk")
    )
    hours = held_meeting_hours(rows, year.span if year else None)
    plans = plan_completion(rows)
    changes = mentee_changes(pairs, year) if pairs else {}
    return [
        PairRecord(
            pair,
            hours.get(pair.pk, MeetingHours(0, 0)),
            plans.get(pair.pk, PlanCompletion(0, 0)),
            changes[pair.pk],
        )
        for pair in pairs
    ]


def by_programme(records: list[PairRecord]) -> list[tuple[Programme, list[PairRecord]]]:
    """The pairs under their programmes, the programmes in the order their first pair started."""
    grouped: dict[int, tuple[Programme, list[PairRecord]]] = {}
    for record in records:
        grouped.setdefault(record.pair.programme_id, (record.pair.programme, []))[1].append(record)
    return list(grouped.values())


@dataclass(frozen=True)
class Totals:
    pairs: int
    mentees: int
    hours: MeetingHours

    @property
    def mentees_label(self) -> str:
        return f"{self.mentees} {plural_ru(self.mentees, 'наставляемый', 'наставляемых', 'наставляемых')}"


def totals(records: list[PairRecord]) -> Totals:
    mentees = {member.mentee_id for record in records for member in record.pair.members.all()}
    return Totals(
        len(records),
        len(mentees),
        MeetingHours(sum(r.hours.held for r in records), sum(r.hours.minutes for r in records)),
    )


def experience(person: Person) -> str:
    years = person.experience_years
    return "" if years is None else f"{years} {plural_ru(years, 'год', 'года', 'лет')}"


def mentor_portfolios(entry: MentorEntry) -> list[Document]:
    """The mentor's latest portfolios, whoever ordered them."""
    return list(Document.objects.filter(kind=MENTOR_PORTFOLIO, person=entry.person_id)[:PORTFOLIOS_SHOWN])
