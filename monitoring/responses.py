"""Answering a survey: whether it is open, drafts, submitting and correcting a response."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from mentoring.models import MenteeEntry, MentorEntry, Role, User
from mentoring.parts import shared_read
from pairs import proposals, rules
from pairs.matching_forms import mentee_entries, mentor_entries
from pairs.models import Preference
from programs.models import Programme

from .models import LOW_MARK, Answer, Invitation, Question, Questionnaire, Response, Survey

Kind = Question.Kind
Side = Preference.Side
EMPTY = (None, "", [])
PREFERRED_PARTNER = Questionnaire.Purpose.PREFERRED_PARTNER
NOT_A_PARTNER = "Выберите участника из списка."
ALREADY_SUBMITTED = (
    "Черновик не сохранён: ответы уже отправлены, и школа видит отправленные. "
    "Чтобы изменить ответы, нажмите «Отправить исправления»."
)
PAPER_GRACE_DAYS = 14
DRAFT_NOT_REPLACED = (
    "Участник начал отвечать онлайн и сохранил черновик. Подтвердите, что его черновик нужно заменить "
    "ответами с бумажного бланка."
)
NO_PROGRAMME = "Анкетирование не относится к программе: выбрать участника не из кого."
NOT_IN_BASE = {
    Side.MENTEE: "Участника нет в базе наставляемых школы: выбор наставника сохранить нельзя. "
    "Обратитесь к куратору программы.",
    Side.MENTOR: "Участника нет в базе наставников школы: выбор наставляемого сохранить нельзя. "
    "Обратитесь к куратору программы.",
}


@dataclass(frozen=True)
class Partner:
    """A participant named in a preferred-partner answer: its base entry and the name the respondent saw."""

    entry_id: int
    name: str


AnswerValue = str | list[str] | int | Decimal | Partner


def survey_refusal(survey: Survey, today: datetime.date | None = None) -> str:
    """Why the survey cannot be answered today, in Russian; empty while it is open."""
    today = today or timezone.localdate()
    if today < survey.opens_on:
        return f"Анкетирование ещё не началось: оно откроется {survey.opens_on:%d.%m.%Y}."
    if survey.has_ended(today):
        return f"Анкетирование уже завершилось {survey.closes_on:%d.%m.%Y}. Ответы больше не принимаются."
    return ""


def answer_fields(question: Question, value: AnswerValue) -> dict:
    match question.kind:
        case Kind.OPEN:
            return {"text": value, "number": None, "chosen": []}
        case Kind.SINGLE:
            return {"text": "", "number": None, "chosen": [value]}
        case Kind.MULTIPLE:
            return {"text": "", "number": None, "chosen": list(value)}
        case Kind.PARTNER:
            return {"text": value.name, "number": None, "chosen": [str(value.entry_id)]}
        case _:
            return {"text": "", "number": Decimal(value), "chosen": []}


def response_of(invitation: Invitation) -> Response | None:
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


@transaction.atomic
def response_draft_save(*, invitation: Invitation, draft: dict) -> Response:
    """A draft only before the first submit: after it the school has the answers, and a draft would show the
    respondent answers the school never got."""
    refusal = survey_refusal(invitation.survey)
    if refusal:
        raise ValidationError(refusal)
    response = Response.objects.select_for_update().filter(invitation=invitation).first()
    if response and response.submitted_at:
        raise ValidationError(ALREADY_SUBMITTED)
    return Response.objects.update_or_create(invitation=invitation, defaults={"draft": draft})[0]


def locked_response(invitation: Invitation) -> Response:
    Response.objects.get_or_create(invitation=invitation)
    # The lock makes a second submit of the same form wait and then update the rows the first one wrote.
    response = Response.objects.select_for_update().get(invitation=invitation)
    response.invitation = invitation
    return response


def answers_store(
    response: Response, cleaned: dict[Question, AnswerValue | None], *, paper_entered_by: User | None
) -> Response:
    """Store every answer at once, replacing earlier ones, and mark the response sent: by the respondent,
    or entered from paper by `paper_entered_by`. The caller holds the lock and has checked the dates."""
    invitation = response.invitation
    questionnaire_id = invitation.survey.questionnaire_id
    if any(question.questionnaire_id != questionnaire_id for question in cleaned):
        raise ValidationError("Вопрос не из этой анкеты.")
    preferences_save(invitation, cleaned)
    answered = {question: value for question, value in cleaned.items() if value not in EMPTY}
    for question, value in answered.items():
        Answer.objects.update_or_create(
            response=response, question=question, defaults=answer_fields(question, value)
        )
    response.answers.exclude(question__in=list(answered)).delete()
    response.low_mark = response.answers.filter(LOW_MARK).exists()
    response.submitted_at = timezone.now()
    response.draft = {}
    response.paper_entered_by = paper_entered_by
    response.paper_entered_at = response.submitted_at if paper_entered_by else None
    stored = ["submitted_at", "draft", "updated_at", "paper_entered_by", "paper_entered_at", "low_mark"]
    response.save(update_fields=stored)
    return response


@transaction.atomic
def response_submit(*, invitation: Invitation, cleaned: dict[Question, AnswerValue | None]) -> Response:
    """The respondent's own answers; a double submit updates the same rows. Answers the curator entered
    from paper become the respondent's own once it corrects them."""
    refusal = survey_refusal(invitation.survey)
    if refusal:
        raise ValidationError(refusal)
    return answers_store(locked_response(invitation), cleaned, paper_entered_by=None)


# Paper blanks: where pupils have no devices, the curator enters what they wrote on paper.


def paper_last_day(survey: Survey) -> datetime.date:
    return survey.closes_on + datetime.timedelta(days=PAPER_GRACE_DAYS)


def paper_dates_refusal(survey: Survey, today: datetime.date | None = None) -> str:
    """Why no paper answers are entered in the survey today, in Russian; empty while they are. A blank
    filled in on time reaches the curator later: entry goes on PAPER_GRACE_DAYS after the closing day."""
    today = today or timezone.localdate()
    if today < survey.opens_on:
        return f"Анкетирование ещё не началось: ответы с бланков вносятся с {survey.opens_on:%d.%m.%Y}."
    if today > paper_last_day(survey):
        return (
            f"Анкетирование завершилось {survey.closes_on:%d.%m.%Y}. Ответы с бумажных бланков вносятся "
            f"в течение {PAPER_GRACE_DAYS} дней после окончания, до {paper_last_day(survey):%d.%m.%Y}: "
            "этот срок прошёл."
        )
    return ""


def paper_refusal(invitation: Invitation, response: Response | None) -> str:
    """Why the curator cannot enter this respondent's paper answers, in Russian; empty when it can."""
    if response is not None and response.submitted_at and not response.from_paper:
        return (
            f"Участник уже ответил онлайн {timezone.localtime(response.submitted_at):%d.%m.%Y}: ответы с "
            "бумажного бланка не вносятся, чтобы не заменить его собственные."
        )
    return paper_dates_refusal(invitation.survey)


@transaction.atomic
def response_enter_from_paper(
    *,
    invitation: Invitation,
    cleaned: dict[Question, AnswerValue | None],
    by: User,
    replace_draft: bool = False,
) -> Response:
    """The answers of a paper blank, entered by the curator; entering again corrects them."""
    response = locked_response(invitation)
    refusal = paper_refusal(invitation, response)
    if refusal:
        raise ValidationError(refusal)
    if response.draft and not replace_draft:
        raise ValidationError(DRAFT_NOT_REPLACED)
    return answers_store(response, cleaned, paper_entered_by=by)


# The preferred-partner survey: each respondent names partners of the other side of the programme.


@dataclass(frozen=True)
class Partners:
    """Whom the respondent of a preferred-partner survey may name: the programme's other side."""

    programme: Programme
    side: str  # the respondent's Preference.Side: a mentee chooses among mentors, a mentor among mentees
    chooser: MentorEntry | MenteeEntry | None  # the respondent's own base entry of that side
    names: dict[int, str]  # entry id → «Фамилия Имя Отчество, 7 «Б»», by name

    @property
    def refusal(self) -> str:
        return NOT_IN_BASE[self.side] if self.chooser is None else ""


def respondent_side(invitation: Invitation, entries: dict[str, MentorEntry | MenteeEntry | None]) -> str:
    """The role the survey gave the respondent; else a parent answers for a mentee, and a person is a
    mentee if in the mentee base, a mentor if in the mentor base only."""
    by_role = {Role.MENTEE: Side.MENTEE, Role.MENTOR: Side.MENTOR}.get(invitation.role)
    if by_role:
        return by_role
    only_a_mentor = entries[Side.MENTOR] is not None and entries[Side.MENTEE] is None
    if only_a_mentor and invitation.respondent == Invitation.Respondent.SELF:
        return Side.MENTOR
    return Side.MENTEE


def partner_names(programme: Programme, side: str, person_id: int) -> dict[int, str]:
    """The candidates of the other side, as the preferences page offers them, but for who left and the
    respondent itself."""
    if side == Side.MENTEE:
        found = rules.mentor_candidates(mentor_entries(programme))
    else:
        found = rules.mentee_candidates(mentee_entries(programme), programme)
    offered = sorted(
        (c for c in found.values() if not c.left and c.person_id != person_id),
        key=lambda c: (c.name, c.school_class, c.entry_id),
    )
    return {c.entry_id: f"{c.name}, {c.school_class}" if c.school_class else c.name for c in offered}


def partners_of(invitation: Invitation) -> Partners | None:
    """For a survey of a preferred-partner questionnaire with a programme; None for any other survey."""
    survey = invitation.survey
    if survey.questionnaire.purpose != PREFERRED_PARTNER or survey.programme_id is None:
        return None
    programme = Programme.objects.select_related("form").get(pk=survey.programme_id)
    own = {"person": invitation.person_id, "school": survey.school_id}
    entries = {
        Side.MENTEE: MenteeEntry.objects.active().filter(**own).first(),
        Side.MENTOR: MentorEntry.objects.active().filter(**own).first(),
    }
    side = respondent_side(invitation, entries)
    chooser = entries[side]
    names = partner_names(programme, side, invitation.person_id) if chooser else {}
    return Partners(programme=programme, side=side, chooser=chooser, names=names)


def preferences_save(invitation: Invitation, cleaned: dict[Question, AnswerValue | None]) -> None:
    """Partner answers replace the respondent's ranked choices in the programme, first question first;
    optional questions left empty are skipped."""
    questions = sorted((q for q in cleaned if q.kind == Kind.PARTNER), key=lambda q: (q.order, q.pk))
    if not questions:
        return
    partners = partners_of(invitation)
    if partners is None:
        raise ValidationError(NO_PROGRAMME)
    if partners.refusal:
        raise ValidationError(partners.refusal)
    chosen: list[Partner] = [cleaned[q] for q in questions if cleaned[q] not in EMPTY]
    if any(partners.names.get(partner.entry_id) != partner.name for partner in chosen):
        raise ValidationError(NOT_A_PARTNER)
    entries = (MentorEntry if partners.side == Side.MENTEE else MenteeEntry).objects.in_bulk(
        [partner.entry_id for partner in chosen]
    )
    proposals.preference_set(
        programme=partners.programme,
        side=partners.side,
        chooser=partners.chooser,
        partners=[entries[partner.entry_id] for partner in chosen],
    )


@dataclass(frozen=True)
class Replies:
    invited: int
    answered: int


def preferred_partner_replies(programme: Programme) -> Replies:
    """Who was asked and who answered the programme's preferred-partner surveys; one query."""
    invitations = Invitation.objects.filter(
        survey__programme=programme, survey__questionnaire__purpose=PREFERRED_PARTNER
    )
    return Replies(
        **invitations.aggregate(
            invited=Count("pk"), answered=Count("pk", filter=Q(response__submitted_at__isnull=False))
        )
    )


@dataclass(frozen=True)
class MySurveys:
    waiting: list[Invitation]
    submitted: list[Invitation]


@shared_read
def self_invitations_open(users: tuple[int, ...], today: datetime.date) -> list[Invitation]:
    """The users' own invitations in the surveys open today, with the survey and the response, the survey
    closing first first: a home's surveys and its notice of questionnaires waiting read them once."""
    invitations = Invitation.objects.filter(
        person__user__in=users,
        respondent=Invitation.Respondent.SELF,
        survey__in=Survey.objects.open_on(today),
    )
    return list(
        invitations.select_related("survey", "response")
        .annotate(person_user=F("person__user"))
        .order_by("survey__closes_on", "survey__pk", "pk")
    )


def is_submitted(invitation: Invitation) -> bool:
    response = response_of(invitation)
    return bool(response and response.submitted_at)


def my_open_surveys(user: User, today: datetime.date | None = None) -> MySurveys:
    """The user's own invitations in surveys open today: those waiting for answers and those sent."""
    waiting, submitted = [], []
    for invitation in self_invitations_open((user.pk,), today or timezone.localdate()):
        (submitted if is_submitted(invitation) else waiting).append(invitation)
    return MySurveys(waiting=waiting, submitted=submitted)
