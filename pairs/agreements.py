"""The teacher-mentor's papers (Трудовой кодекс, ст. 351.8, in force since 01.03.2025): a school's employee
becomes a mentor only with written consent, and the terms, the term and the pay of mentoring go into the
labour contract or an additional agreement to it. Both are documents of the archive made from the pair's
data, signed on paper and marked signed with a scan; a pair whose mentor is an employee starts work only
once the mentor's consent for it is marked signed, unless the school has switched the rule off.

The fixed wording is in fixtures/mentor_agreement.yaml.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from pytrovich.enums import Gender

from mentoring.declension import (
    FullName,
    described_in,
    full_name_in,
    gender_of,
    in_sentence,
    lower_first,
    plural_ru,
)
from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from mentoring.models import Document, MentorPayRule, Organisation, Person
from mentoring.reference import reference

from .models import Pair

MENTOR_CONSENT = "mentor_consent"
MENTOR_AGREEMENT = "mentor_agreement"
KINDS = (MENTOR_CONSENT, MENTOR_AGREEMENT)
# The mentors the article is about: the school's own workers.
EMPLOYEES = frozenset({Person.Kind.TEACHER, Person.Kind.STAFF})
TEXTS = reference("mentor_agreement")
# The plan's activities the agreement names; a longer plan is summed up after them.
DUTIES_LISTED = 6


def not_an_employee(person: Person) -> str:
    return (
        f"{person.full_name} — {str(person.get_kind_display()).lower()}, а не работник школы: согласие "
        "и дополнительное соглашение по статье 351.8 Трудового кодекса оформляются только с наставниками "
        "из числа педагогов и других работников школы."
    )


NOT_OFFERED = (
    "Выберите работающую или ожидающую начала работы пару, наставник которой — педагог или другой работник "
    "школы: согласие и дополнительное соглашение оформляются только с работниками школы."
)
NO_PAY_RULE = (
    "Дополнительное соглашение не сформировано: в школе не установлен порядок оплаты наставничества. "
    "Директор задаёт его на странице «Наставники из числа педагогов» в меню."
)


def ending(person: Person) -> str:
    """The ending of a past participle that agrees with the person: «ознакомлен», «ознакомлена»."""
    sex = gender_of(FullName.of(person))
    return {Gender.MALE: "", Gender.FEMALE: "а"}.get(sex, "(а)")


# The rule: a pair with an employee mentor starts only with the mentor's consent marked signed.


def without_signed_consent(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """The pairs not yet at work whose employee mentor has not signed the consent the school asks for."""
    signed = Document.objects.filter(pair=OuterRef("pk"), kind=MENTOR_CONSENT, signed_on__isnull=False)
    return pairs.filter(
        status__in=(Pair.Status.PROPOSED, Pair.Status.APPROVED),
        school__mentor_consent_required=True,
        mentor__person__kind__in=EMPLOYEES,
    ).exclude(Exists(signed))


def start_refusal(pair: Pair) -> str | None:
    """Why the pair may not start work yet, or None."""
    row = (
        Pair.objects.filter(
            pk=pair.pk, school__mentor_consent_required=True, mentor__person__kind__in=EMPLOYEES
        )
        .annotate(
            signed=Exists(
                Document.objects.filter(pair=OuterRef("pk"), kind=MENTOR_CONSENT, signed_on__isnull=False)
            )
        )
        .select_related("mentor__person")
        .first()
    )
    if row is None or row.signed:
        return None
    return (
        f"Пара не может начать работу: наставник {row.mentor.person.full_name} — работник школы, а по "
        "статье 351.8 Трудового кодекса педагог становится наставником только с письменного согласия. "
        "Сформируйте на странице пары согласие наставника, подпишите его и отметьте подписанным со сканом."
    )


@dataclass(frozen=True)
class Checklist:
    """What the pair page shows of the mentor's papers: the latest of each kind, a signed one first."""

    consent: Document | None
    agreement: Document | None
    consent_required: bool
    pay_rule_set: bool
    blocks_start: bool


def latest(documents: list[Document], kind: str) -> Document | None:
    own = [document for document in documents if document.kind == kind]
    return max(own, key=lambda d: (d.is_signed, d.requested_at, d.pk), default=None)


def checklist(pair: Pair) -> Checklist | None:
    """None for a pair whose mentor is no employee of the school: nothing of the article applies."""
    if pair.mentor.person.kind not in EMPLOYEES:
        return None
    school = pair.school
    papers = list(Document.objects.filter(pair=pair, kind__in=KINDS))
    consent = latest(papers, MENTOR_CONSENT)
    signed = consent is not None and consent.is_signed
    return Checklist(
        consent=consent,
        agreement=latest(papers, MENTOR_AGREEMENT),
        consent_required=school.mentor_consent_required,
        pay_rule_set=bool(school.mentor_pay_rule) and school.mentor_pay_rate is not None,
        blocks_start=school.mentor_consent_required and pair.status == Pair.Status.APPROVED and not signed,
    )


# The documents.


class MentorPaperForm(DocumentForm):
    """The current pairs of the school whose mentor is its employee."""

    pair = forms.ModelChoiceField(
        label="Наставническая пара (группа)",
        queryset=Pair.objects.none(),
        help_text="Пары и группы, наставник которых — педагог или другой работник школы.",
        error_messages={"invalid_choice": NOT_OFFERED},
    )

    title = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = (
            Pair.objects.for_school(self.school)
            .current()
            .filter(mentor__person__kind__in=EMPLOYEES)
            .select_related("mentor__person", "programme")
            .prefetch_related("members__mentee__person")
            .order_by("mentor__person__last_name", "pk")
        )
        self.fields["pair"].queryset = pairs
        self.fields["pair"].label_from_instance = lambda pair: f"{pair} ({pair.programme.title})"

    def params(self) -> dict:
        return {}

    def drafts(self) -> list[Draft]:
        pair = self.cleaned_data["pair"]
        person = pair.mentor.person
        return [
            Draft(
                f"{self.title}: {person.full_name}",
                {"pair": pair.pk, **self.params()},
                pair=pair,
                person=person,
            )
        ]


class MentorConsentForm(MentorPaperForm):
    title = "Согласие на осуществление наставничества"


class MentorAgreementForm(MentorPaperForm):
    title = "Дополнительное соглашение к трудовому договору о наставничестве"

    def clean(self):
        cleaned = super().clean()
        if not self.school.mentor_pay_rule or self.school.mentor_pay_rate is None:
            raise ValidationError(NO_PAY_RULE)
        return cleaned

    def params(self) -> dict:
        # The pay agreed is the school's rule on the day the agreement is made: a later change of the rule
        # makes a new agreement, it does not rewrite this one.
        return {"pay_rule": self.school.mentor_pay_rule, "pay_rate": str(self.school.mentor_pay_rate)}


def rubles(amount: Decimal) -> str:
    """«300 рублей 00 копеек», «1 501 рубль 50 копеек»."""
    whole, kopecks = int(amount), int((amount * 100) % 100)
    figures = f"{whole:,}".replace(",", "\u00a0")
    return (
        f"{figures} {plural_ru(whole, 'рубль', 'рубля', 'рублей')} "
        f"{kopecks:02d} {plural_ru(kopecks, 'копейка', 'копейки', 'копеек')}"
    )


def pay_clause(rule: str, rate: Decimal) -> str:
    texts = TEXTS["соглашение"]
    pay = texts["оплата"][MentorPayRule(rule).value].format(sum=rubles(rate))
    return texts["оплата_предложение"].format(pay=pay)


@dataclass(frozen=True)
class Term:
    start: datetime.date
    end: datetime.date


def mentoring_term(pair: Pair, document: Document) -> Term:
    """The pair's own term; before it starts, from the document's day or the programme's start."""
    programme = pair.programme
    start = pair.started_on or max(programme.starts_on, document.date)
    return Term(start, pair.ended_on or pair.ends_on or programme.ends_on)


def paper_pair(document: Document) -> Pair:
    pair = (
        Pair.objects.filter(pk=document.params["pair"])
        .select_related("mentor__person", "programme__form", "school")
        .prefetch_related("members__mentee__person", "plan_items")
        .first()
    )
    if pair is None:
        raise DocumentDataError("Пара удалена: документ сформировать нельзя.")
    if pair.mentor.person.kind not in EMPLOYEES:
        raise DocumentDataError(not_an_employee(pair.mentor.person))
    return pair


PUPIL_GENITIVE = {Gender.MALE: "обучающегося", Gender.FEMALE: "обучающейся"}


def mentee_named(person: Person) -> str:
    """A mentee as «в отношении» names it: «Пестова Степана Витальевича, обучающегося 8 «А» класса»,
    «Соколовой Марии Викторовны, учителя математики»."""
    if person.kind == Person.Kind.PUPIL and person.school_class:
        pupil = PUPIL_GENITIVE.get(gender_of(FullName.of(person)), "обучающегося (обучающейся)")
        return f"{full_name_in(person, 'gent')}, {pupil} {person.school_class} класса"
    return described_in(person, "gent")


def mentees_of(pair: Pair) -> list[str]:
    return [mentee_named(member.mentee.person) for member in pair.members.all() if member.is_current]


def activity_line(activity: str) -> str:
    """A plan's activity as an item of the agreement's list: lower case, without its full stop."""
    return lower_first(" ".join(activity.split()).rstrip(".;"))


def consent_context(document: Document) -> dict:
    pair = paper_pair(document)
    mentor = pair.mentor.person
    texts = TEXTS["согласие"]
    return {
        "pair": pair,
        "mentor": mentor,
        # «Я, …, учитель математики МБОУ …»; a worker whose position is not recorded is «работник МБОУ …».
        "mentor_position": in_sentence(mentor.position, "nomn") if mentor.position else "работник",
        "school_genitive": in_sentence(document.school.full_name, "gent"),
        "mentees": mentees_of(pair),
        "term": mentoring_term(pair, document),
        "texts": texts,
        "explanations": [line.format(ending=ending(mentor)) for line in texts["разъяснения"]],
    }


def director_words(school: Organisation) -> dict:
    """«в лице директора Смирнова Андрея Викторовича, действующего на основании Устава»."""
    sex = gender_of(FullName.of(school.director_name)) if school.director_name else None
    return {
        "director_position_genitive": in_sentence(school.director_position, "gent"),
        "director_genitive": full_name_in(school.director_name, "gent") if school.director_name else "",
        "acting": "действующей" if sex == Gender.FEMALE else "действующего",
    }


def agreement_context(document: Document) -> dict:
    pair = paper_pair(document)
    mentor = pair.mentor.person
    texts = TEXTS["соглашение"]
    activities = [activity_line(item.activity) for item in pair.plan_items.all()]
    more = len(activities) - DUTIES_LISTED
    consent = (
        Document.objects.filter(pair=pair, kind=MENTOR_CONSENT, signed_on__isnull=False)
        .order_by("-signed_on", "-pk")
        .first()
    )
    return {
        "pair": pair,
        "mentor": mentor,
        "mentees": mentees_of(pair),
        "term": mentoring_term(pair, document),
        "texts": texts,
        "activities": activities[:DUTIES_LISTED],
        "more_activities": texts["ещё_мероприятия"].format(total=len(activities)) if more > 0 else "",
        "duties": texts["обязанности"],
        "pay": pay_clause(document.params["pay_rule"], Decimal(document.params["pay_rate"])),
        "consent": consent,
        "received": texts["получил"].format(ending=ending(mentor)),
        **director_words(document.school),
    }


register(
    DocumentSpec(
        kind=MENTOR_CONSENT,
        label="Согласие работника на осуществление наставничества",
        form=MentorConsentForm,
        template="documents/pdf/mentor_consent.html",
        context=consent_context,
        description="Письменное согласие педагога (работника школы) стать наставником пары или группы "
        "(ст. 351.8 Трудового кодекса): кого, по какой программе и на какой срок. Подписывается на бумаге "
        "и отмечается подписанным со сканом; без него пара с таким наставником не начинает работу.",
        signed_outside=True,
    )
)
register(
    DocumentSpec(
        kind=MENTOR_AGREEMENT,
        label="Дополнительное соглашение к трудовому договору о наставничестве",
        form=MentorAgreementForm,
        template="documents/pdf/mentor_agreement.html",
        context=agreement_context,
        description="Дополнительное соглашение школы с педагогом-наставником (ст. 351.8 Трудового кодекса): "
        "обязанности наставника, наставляемые, срок и оплата по порядку, установленному в школе. "
        "Подписывается сторонами и отмечается подписанным со сканом.",
        signed_outside=True,
    )
)
