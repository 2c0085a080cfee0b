"""Reading answers back: who may see which response, and each answer as the respondent gave it.

The rule: a respondent sees its own responses; the curator and the educational psychologist of the school see
the school's submitted responses; a mentor sees the submitted responses of the mentees of its own pairs, and
only to questionnaires that say so. The director and the coordinator see no individual answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from mentoring.models import Membership, MenteeEntry, MentorEntry, Role, User
from pairs.models import Pair, PairMentee

from .models import Answer, Invitation, Question, Questionnaire, Response
from .respond_forms import answer_initial

Kind = Question.Kind
ANSWER_READERS = frozenset({Role.CURATOR, Role.PSYCHOLOGIST})
SUBMITTED = Q(submitted_at__isnull=False)
NEWEST = ("-submitted_at", "-pk")
INTAKE = {
    MentorEntry: Questionnaire.Purpose.MENTOR_INTAKE,
    MenteeEntry: Questionnaire.Purpose.MENTEE_INTAKE,
}


@dataclass(frozen=True)
class ShownAnswer:
    question: str
    kind: str
    value: str


@dataclass(frozen=True)
class ShownResponse:
    response: Response
    answers: list[ShownAnswer]


def scale_value(question: Question, answer: Answer) -> str:
    shown = f"{int(answer.number)} из {question.scale_max}"
    ends = [
        f"{point} — {label}"
        for point, label in (
            (question.scale_min, question.scale_min_label),
            (question.scale_max, question.scale_max_label),
        )
        if label
    ]
    return f"{shown} ({', '.join(ends)})" if ends else shown


def shown_value(answer: Answer) -> str:
    """The answer as the respondent saw it; a kind not named here (a chosen partner) keeps its text."""
    question = answer.question
    match question.kind:
        case Kind.SINGLE | Kind.MULTIPLE:
            return ", ".join(answer.chosen)
        case Kind.SCALE | Kind.NUMBER | Kind.YES_NO if answer.number is None:
            return "—"
        case Kind.SCALE:
            return scale_value(question, answer)
        case Kind.NUMBER:
            return answer_initial(answer)
        case Kind.YES_NO:
            return "Да" if answer.number else "Нет"
        case _:
            return answer.text


def shown_answers(response: Response) -> list[ShownAnswer]:
    rows = response.answers.select_related("question").order_by("question__order", "question__pk")
    return [ShownAnswer(a.question.text, a.question.kind, shown_value(a)) for a in rows]


def own(user: User) -> Q:
    return Q(invitation__person__user=user, invitation__respondent=Invitation.Respondent.SELF)


def of_own_mentees(user: User) -> Q:
    mentees = PairMentee.objects.filter(pair__in=Pair.objects.mentored_by(user)).values("mentee__person")
    return Q(invitation__person__in=mentees, invitation__survey__questionnaire__mentor_sees_answers=True)


def answer_reader_schools(user: User) -> QuerySet[Membership]:
    return Membership.objects.counting_for(user).filter(role__in=ANSWER_READERS).values("organisation")


def of_read_schools(user: User) -> Q:
    return Q(invitation__survey__school__in=answer_reader_schools(user))


def reads_answers_of(user: User, school_id: int) -> bool:
    """Whether the user is the curator or the educational psychologist of the school."""
    return answer_reader_schools(user).filter(organisation=school_id).exists()


def responses_visible_to(user: User) -> QuerySet[Response]:
    if not user.is_authenticated:
        return Response.objects.none()
    return Response.objects.filter(own(user) | (SUBMITTED & (of_own_mentees(user) | of_read_schools(user))))


def with_survey(responses: QuerySet[Response]) -> QuerySet[Response]:
    return responses.select_related("invitation__survey__questionnaire", "invitation__person")


def own_submitted(user: User) -> QuerySet[Response]:
    return with_survey(Response.objects.filter(own(user), SUBMITTED)).order_by(*NEWEST)


def own_mentees_submitted(user: User) -> QuerySet[Response]:
    """The responses of the mentees of the user's own pairs that the questionnaire shows to their mentor."""
    rows = Response.objects.filter(of_own_mentees(user), SUBMITTED)
    return with_survey(rows).order_by(*NEWEST)


def mentee_responses(user: User, people: Iterable[int]) -> QuerySet[Response]:
    """The submitted responses of these mentees that the user reads as their mentor or as the school's
    curator or psychologist (not as the respondent itself)."""
    rows = Response.objects.filter(SUBMITTED, of_own_mentees(user) | of_read_schools(user))
    return with_survey(rows.filter(invitation__person__in=list(people))).order_by(*NEWEST)


def intake_answers(entry: MentorEntry | MenteeEntry) -> ShownResponse | None:
    """The latest intake questionnaire the person of a base entry sent in its school, if any."""
    response = (
        Response.objects.filter(
            SUBMITTED,
            invitation__person=entry.person_id,
            invitation__survey__school=entry.school_id,
            invitation__survey__questionnaire__purpose=INTAKE[type(entry)],
        )
        .select_related("invitation__survey")
        .order_by(*NEWEST)
        .first()
    )
    return ShownResponse(response, shown_answers(response)) if response else None
