"""Documents of pairs: the order appointing mentors and approving the pairs and groups, the order encouraging
participants, the pair's report, and the certificates and letters handed to participants."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from pytrovich.enums import Gender

from mentoring.academic_year import AcademicYear
from mentoring.declension import FullName, gender_of
from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, order_readers, register
from mentoring.models import Document, MentorEntry, Organisation, Person, Register
from mentoring.reference import reference
from monitoring.models import Answer, Invitation, Questionnaire
from programs.documents import regulation_order
from programs.models import Programme

from . import agreements  # noqa: F401  the teacher-mentor's consent and agreement register themselves
from .models import MEMBERS, Meeting, Pair
from .services import pair_change_status, pair_name_order

ORDER_PAIRS = "order_pairs"
ORDER_ENCOURAGEMENT = "order_encouragement"
PAIR_REPORT = "pair_report"
CERTIFICATE = "certificate"
BEST_MENTOR = "best_mentor"
MENTOR_OF_YEAR = "mentor_of_year"
BEST_PAIR = "best_pair"
PARENTS_LETTER = "parents_letter"

Status = Pair.Status
PAIRS_ORDER_TITLE = "О назначении наставников и закреплении наставнических пар (групп)"


def pairs_with_people(ids: list[int]):
    return (
        Pair.objects.filter(pk__in=ids)
        .select_related("mentor__person", "role_model", "programme__form")
        .prefetch_related(MEMBERS)
        .order_by("mentor__person__last_name", "mentor__person__first_name", "pk")
    )


AWAITING = Q(pairs__status=Status.PROPOSED) | Q(pairs__status__in=Pair.ORDERED, pairs__order__isnull=True)


def awaiting_label(pair: Pair) -> str:
    label = f"{pair} («{pair.programme.title}»)"
    return f"{label} — утверждена без приказа" if pair.lacks_order else label


class PairsOrderForm(DocumentForm):
    """The pairs list's «Утвердить выбранные приказом» opens this form with the ticked pairs chosen. Pairs of
    several programmes make one order per programme: each order's appendix, curator and term are one
    programme's, as schools file them, and every ticked pair is approved by the one submission."""

    programme = forms.ModelChoiceField(
        label="Программа наставничества",
        queryset=Programme.objects.none(),
        required=False,
        help_text="Не выбрана — по приказу на каждую программу отмеченных пар.",
    )
    pairs = forms.ModelMultipleChoiceField(
        label="Пары и группы",
        queryset=Pair.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Пусто — все пары выбранной программы, ожидающие приказа: предложенные "
        "и утверждённые без приказа.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = (
            Programme.objects.for_school(self.school)
            .annotate(awaiting=Count("pairs", filter=AWAITING))
            .order_by("-starts_on", "title")
        )
        self.fields["programme"].label_from_instance = lambda programme: (
            f"{programme.title} — пар ждут утверждения: {programme.awaiting}"
        )
        self.fields["pairs"].queryset = (
            Pair.objects.for_school(self.school)
            .awaiting_order()
            .select_related("programme", "mentor__person")
            .prefetch_related("members__mentee__person")
            .order_by("programme__title", "mentor__person__last_name", "pk")
        )
        self.fields["pairs"].label_from_instance = awaiting_label

    def clean(self):
        cleaned = super().clean()
        programme, chosen = cleaned.get("programme"), cleaned.get("pairs")
        if chosen is None or "programme" not in cleaned:
            return cleaned
        if not chosen:
            if programme is None:
                raise ValidationError("Выберите программу или отметьте пары: приказ некого утверждать.")
            chosen = Pair.objects.filter(programme=programme).awaiting_order().select_related("programme")
        if not chosen:
            raise ValidationError(
                "В программе нет пар, ожидающих утверждения: все её пары уже утверждены приказом "
                "или ещё не подобраны."
            )
        if programme is not None and any(pair.programme_id != programme.pk for pair in chosen):
            raise ValidationError("Выбраны пары другой программы.")
        cleaned["chosen"] = list(chosen)
        return cleaned

    def drafts(self) -> list[Draft]:
        """One order per programme, in the order of the programmes' titles."""
        by_programme: dict[Programme, list[int]] = {}
        for pair in sorted(self.cleaned_data["chosen"], key=lambda pair: (pair.programme.title, pair.pk)):
            by_programme.setdefault(pair.programme, []).append(pair.pk)
        return [
            Draft(PAIRS_ORDER_TITLE, {"programme": programme.pk, "pairs": pairs})
            for programme, pairs in by_programme.items()
        ]


def approve_listed_pairs(document: Document) -> None:
    """Issuing the order approves its proposed pairs and names those approved without an order, in the same
    transaction as its number."""
    pairs = list(Pair.objects.select_for_update().filter(pk__in=document.params["pairs"]).order_by("pk"))
    moved = [pair for pair in pairs if not pair.awaits_order]
    if moved or len(pairs) != len(document.params["pairs"]):
        names = "; ".join(str(pair) for pair in moved) or "часть пар удалена"
        raise ValidationError(f"Приказ не издан: пары уже не ожидают утверждения ({names}). Обновите список.")
    note = f"Приказ от {document.date:%d.%m.%Y} № {document.number}"
    for pair in pairs:
        if pair.status == Status.PROPOSED:
            pair_change_status(pair=pair, to=Status.APPROVED, by=document.requested_by, note=note)
        else:
            pair_name_order(pair=pair, by=document.requested_by, note=note)
    Pair.objects.filter(pk__in=[pair.pk for pair in pairs]).update(order=document)


def pairs_order_context(document: Document) -> dict:
    programme = (
        Programme.objects.select_related("form", "curator").filter(pk=document.params["programme"]).first()
    )
    pairs = list(pairs_with_people(document.params["pairs"]))
    if programme is None or not pairs:
        raise DocumentDataError("Программа или пары приказа удалены: сформировать приказ нельзя.")
    mentors = list({pair.mentor.person.pk: pair.mentor.person for pair in pairs}.values())
    return {
        "programme": programme,
        "pairs": pairs,
        "mentors": mentors,
        "regulation": regulation_order(document),
        "readers": order_readers(document.school, [*mentors, programme.curator]),
    }


register(
    DocumentSpec(
        kind=ORDER_PAIRS,
        label="Приказ о назначении наставников и закреплении пар (групп)",
        form=PairsOrderForm,
        template="documents/pdf/order_pairs.html",
        context=pairs_order_context,
        issue=approve_listed_pairs,
        description="Назначает наставников и утверждает предложенные пары и группы программы; "
        "издание приказа переводит пары в статус «Утверждена». Приложение — список пар.",
    )
)


# Encouragement (seed 002 §10 «Механизмы поощрения наставников»): the order, the pair's report, the awards.

AWARDED = (Status.ACTIVE, Status.COMPLETED)
ROLE_GENITIVE = {"наставник": "наставника", "наставляемый": "наставляемого"}
PAIR_REPORT_TITLE = "Отчёт о реализации персонализированной программы наставничества"
NOBODY_TO_AWARD = "Выберите хотя бы одного получателя: документ не для кого формировать."


def awarded_pairs(school: Organisation):
    """Pairs that have worked: their participants may be encouraged."""
    return Pair.objects.for_school(school).filter(status__in=AWARDED)


def participants(pairs) -> QuerySet[Person]:
    return (
        Person.objects.filter(
            Q(mentor_entry__pairs__in=pairs) | Q(mentee_entry__pair_memberships__pair__in=pairs)
        )
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def person_label(person: Person) -> str:
    detail = f"{person.school_class} класс" if person.school_class else person.position
    return f"{person.full_name}, {detail}" if detail else person.full_name


def role_in(pair: Pair, person: Person) -> str:
    return "наставник" if pair.mentor.person_id == person.pk else "наставляемый"


def refuse_non_pupils(people: list[Person]) -> None:
    for person in people:
        if person.kind != Person.Kind.PUPIL:
            raise ValidationError(
                f"{person.full_name} — не обучающийся: письмо родителям пишется только наставникам "
                "из числа обучающихся."
            )


class AwardedMentorsForm(DocumentForm):
    """Mentors of the school's pairs that have worked; another school's mentor is not offered."""

    mentors = forms.ModelMultipleChoiceField(
        label="Наставники",
        queryset=MentorEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = awarded_pairs(self.school)
        self.fields["mentors"].queryset = (
            MentorEntry.objects.filter(pk__in=pairs.values("mentor"))
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "pk")
        )
        self.fields["mentors"].label_from_instance = lambda entry: person_label(entry.person)


@dataclass(frozen=True)
class Encouragement:
    label: str
    action: str  # the order's point, before its reason
    handed: str  # what the curator prepares and hands out, in the accusative
    mentees: bool  # whether the mentees of the chosen pairs are encouraged too
    case: str  # the case the point names its people in: «объявить благодарность» whom — dative


ENCOURAGEMENTS = {
    "gratitude": Encouragement("Благодарность", "Объявить благодарность", "выписки из приказа", True, "datv"),
    "best_mentor": Encouragement(
        "Грамота «Лучший наставник»", "Наградить грамотой «Лучший наставник»", "грамоты", False, "accs"
    ),
    "certificate": Encouragement(
        "Сертификат участника программы в портфолио",
        "Вручить сертификат участника программы наставничества для портфолио работ и достижений",
        "сертификаты",
        True,
        "datv",
    ),
    "parents_letter": Encouragement(
        "Благодарственное письмо родителям наставника из числа обучающихся",
        "Направить благодарственные письма родителям (законным представителям) наставников "
        "из числа обучающихся",
        "благодарственные письма",
        False,
        "gent",
    ),
}
DEFAULT_REASON = "за активное участие в реализации программы наставничества и достигнутые результаты"


@dataclass(frozen=True)
class Recipient:
    person: Person
    role: str
    programmes: str

    @property
    def label(self) -> str:
        return person_label(self.person)


def encouraged(encouragement: Encouragement, mentors, pairs) -> list[Recipient]:
    """The people the order names: the chosen mentors and the participants of the chosen pairs, once each."""
    found: dict[int, tuple[Person, str, set[str]]] = {}

    def add(person: Person, role: str, programme: str | None) -> None:
        _, _, programmes = found.setdefault(person.pk, (person, role, set()))
        if programme:
            programmes.add(programme)

    for entry in mentors:
        add(entry.person, "наставник", None)
    for pair in pairs:
        add(pair.mentor.person, "наставник", pair.programme.title)
        if encouragement.mentees:
            for member in pair.members.all():
                add(member.mentee.person, "наставляемый", pair.programme.title)
    people = sorted(found.values(), key=lambda row: (row[0].last_name, row[0].first_name, row[0].pk))
    return [Recipient(person, role, "; ".join(sorted(names))) for person, role, names in people]


class EncouragementOrderForm(AwardedMentorsForm):
    pairs = forms.ModelMultipleChoiceField(
        label="Наставнические пары и группы",
        queryset=Pair.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Работающие и завершившие работу пары школы.",
    )
    encouragement = forms.ChoiceField(
        label="Вид поощрения", choices=[(code, e.label) for code, e in ENCOURAGEMENTS.items()]
    )
    reason = forms.CharField(
        label="Формулировка",
        max_length=300,
        initial=DEFAULT_REASON,
        help_text="Продолжает пункт приказа после вида поощрения.",
    )
    appendix = forms.BooleanField(label="Приложить список поощряемых с ролями и программами", required=False)

    field_order = ["date", "encouragement", "reason", "mentors", "pairs", "appendix"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairs"].queryset = pairs_with_people(awarded_pairs(self.school).values("pk"))
        self.fields["pairs"].label_from_instance = lambda pair: f"{pair} ({pair.programme.title})"

    def clean(self):
        cleaned = super().clean()
        mentors, pairs = cleaned.get("mentors"), cleaned.get("pairs")
        if mentors is None or pairs is None or "encouragement" not in cleaned:
            return cleaned
        if not mentors and not pairs:
            raise ValidationError("Выберите наставников или пары: поощрять некого.")
        if cleaned["encouragement"] == "parents_letter":
            refuse_non_pupils([e.person for e in mentors] + [p.mentor.person for p in pairs])
        return cleaned

    def drafts(self) -> list[Draft]:
        data = self.cleaned_data
        params = {
            "encouragement": data["encouragement"],
            "reason": data["reason"].strip(),
            "mentors": [entry.pk for entry in data["mentors"]],
            "pairs": [pair.pk for pair in data["pairs"]],
            "appendix": data["appendix"],
        }
        return [Draft("О поощрении участников программы наставничества", params)]


def encouragement_order_context(document: Document) -> dict:
    params = document.params
    encouragement = ENCOURAGEMENTS[params["encouragement"]]
    mentors = MentorEntry.objects.filter(pk__in=params["mentors"]).select_related("person")
    recipients = encouraged(encouragement, mentors, pairs_with_people(params["pairs"]))
    if not recipients:
        raise DocumentDataError("Наставники и пары приказа удалены: сформировать приказ нельзя.")
    return {
        "encouragement": encouragement,
        "reason": params["reason"],
        "recipients": recipients,
        "regulation": regulation_order(document),
        "readers": order_readers(document.school, [recipient.person for recipient in recipients]),
    }


# The pair's report: seed 004's plan table and its four-level evaluation of the result.


@dataclass(frozen=True)
class Level:
    title: str
    meaning: str
    answers: list[str] = field(default_factory=list)
    average: float | None = None


LEVELS = (
    ("Реакция", "эмоциональная удовлетворённость наставляемого от пребывания в роли наставляемого"),
    ("Изменения в знаниях", "изменения в знаниях и их оценка"),
    ("Изменение поведения", "изменение поведения и способа действий в проблемных ситуациях"),
    ("Общая оценка результатов", "общая оценка результатов для образовательной организации"),
)


def answer_value(answer: Answer) -> str:
    if answer.number is not None:
        value = f"{answer.number.normalize():f}".replace(".", ",")
        return f"{value} из {answer.question.scale_max}" if answer.question.scale_max else value
    return answer.text or ", ".join(answer.chosen)


def evaluation(pair: Pair, people: list[Person]) -> list[Level]:
    """The levels filled from the pair's submitted satisfaction surveys, matched by the built-in wording
    («Реакция: …»), which a school's copy of the questionnaire keeps."""
    invitations = Invitation.objects.filter(
        Q(pair=pair) | Q(pair__isnull=True, person__in=people, survey__programme=pair.programme)
    )
    answers = list(
        Answer.objects.filter(
            response__invitation__in=invitations,
            response__submitted_at__isnull=False,
            question__questionnaire__purpose=Questionnaire.Purpose.SATISFACTION,
        )
        .select_related("question", "response__invitation__person")
        .order_by("response__submitted_at", "question__order")
    )
    levels = []
    for title, meaning in LEVELS:
        own = [a for a in answers if a.question.text.startswith(f"{title}:")]
        numbers = [float(a.number) for a in own if a.number is not None]
        lines = [
            f"{a.response.invitation.person.full_name} ({role_in(pair, a.response.invitation.person)}): "
            f"{answer_value(a)}"
            for a in own
        ]
        average = round(sum(numbers) / len(numbers), 1) if numbers else None
        levels.append(Level(title, meaning, lines, average))
    return levels


def hours_and_minutes(minutes: int) -> str:
    return f"{minutes // 60} ч {minutes % 60:02d} мин"


class PairReportForm(DocumentForm):
    pair = forms.ModelChoiceField(label="Наставническая пара (группа)", queryset=Pair.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = Pair.objects.for_school(self.school).exclude(status=Status.PROPOSED)
        self.fields["pair"].queryset = pairs_with_people(pairs.values("pk"))
        self.fields["pair"].label_from_instance = lambda pair: f"{pair} ({pair.programme.title})"

    def drafts(self) -> list[Draft]:
        pair = self.cleaned_data["pair"]
        title = f"{PAIR_REPORT_TITLE}: {pair.mentor.person.full_name}"
        return [Draft(title, {"pair": pair.pk}, pair=pair)]


def pair_report_context(document: Document) -> dict:
    pair = pairs_with_people([document.params["pair"]]).select_related("programme__curator").first()
    if pair is None:
        raise DocumentDataError("Пара удалена: сформировать отчёт нельзя.")
    plan = list(pair.plan_items.all())
    meetings = list(pair.meetings.filter(status=Meeting.Status.HELD))
    people = [pair.mentor.person] + [member.mentee.person for member in pair.members.all()]
    return {
        "pair": pair,
        "plan": plan,
        "meetings": meetings,
        "done": sum(item.is_done for item in plan),
        "duration": hours_and_minutes(sum(meeting.duration_minutes for meeting in meetings)),
        "levels": evaluation(pair, people),
        "report_title": PAIR_REPORT_TITLE,
    }


# Certificates and letters: one document per recipient, each the recipient's own to download.


@dataclass(frozen=True)
class Agreement:
    """The words of a certificate or letter that agree with the recipient's sex."""

    took_part: str  # «… участие в роли наставника»
    pupil: str  # «обучающийся 7 «Б» класса»
    pupil_genitive: str  # «родители обучающегося 7 «Б» класса»
    mentee: str  # «наставляемый» under the name on the «Лучшая пара» diploma


AGREEMENT = {
    "m": Agreement("принял", "обучающийся", "обучающегося", "наставляемый"),
    "f": Agreement("приняла", "обучающаяся", "обучающейся", "наставляемая"),
    None: Agreement("принял(а)", "обучающийся(аяся)", "обучающегося(ейся)", "наставляемый(ая)"),
}


def person_sex(person: Person) -> str | None:
    """«m» or «f» as the patronymic tells it (Person records no sex); None when it is missing or tells
    nothing, and the document keeps «(а)» rather than guess from the first name."""
    return {Gender.MALE: "m", Gender.FEMALE: "f"}.get(gender_of(FullName("", "", person.patronymic)))


def agreement(person: Person) -> Agreement:
    return AGREEMENT[person_sex(person)]


class CertificateForm(DocumentForm):
    programme = forms.ModelChoiceField(label="Программа наставничества", queryset=Programme.objects.none())
    recipients = forms.ModelMultipleChoiceField(
        label="Участники",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NOBODY_TO_AWARD},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = self.fields["programme"]
        programmes.queryset = Programme.objects.for_school(self.school).order_by("-starts_on")
        # Choosing a programme brings its participants in place of the list, without leaving the form.
        programmes.widget.attrs |= {
            "hx-get": reverse("document_new", args=[CERTIFICATE]),
            "hx-select": "#div_id_recipients",
            "hx-target": "#div_id_recipients",
            "hx-swap": "outerHTML",
        }
        recipients = self.fields["recipients"]
        # Any participant of the school's pairs is accepted, so that clean() names whoever is not in the
        # programme; the list shows only the chosen programme's.
        recipients.queryset = participants(awarded_pairs(self.school))
        programme = self.chosen_programme()
        # The chosen programme's participants: the list shown, and what clean() accepts for it.
        self.taking_part: set[int] = set()
        if programme is None:
            recipients.widget.choices = []
            recipients.help_text = "Выберите программу: здесь появятся её участники."
        else:
            shown = participants(awarded_pairs(self.school).filter(programme=programme))
            recipients.widget.choices = [(person.pk, person_label(person)) for person in shown]
            self.taking_part = {pk for pk, _ in recipients.widget.choices}
            recipients.help_text = (
                "Наставники и наставляемые работающих и завершивших работу пар программы."
                if recipients.widget.choices
                else "В программе ещё нет работающих или завершивших работу пар: сертификат выдавать некому."
            )

    def chosen_programme(self) -> Programme | None:
        """The programme the submitted form or the page's link (?programme=…) names, if it is the school's."""
        value = self.data.get("programme") if self.is_bound else self.initial.get("programme")
        try:
            return self.fields["programme"].clean(value)
        except ValidationError:
            return None

    def clean(self):
        cleaned = super().clean()
        programme, chosen = cleaned.get("programme"), cleaned.get("recipients")
        if programme is None or not chosen:
            return cleaned
        for person in chosen:
            if person.pk not in self.taking_part:
                raise ValidationError(
                    f"{person.full_name} не участвует в парах программы «{programme.title}»."
                )
        return cleaned

    def drafts(self) -> list[Draft]:
        programme = self.cleaned_data["programme"]
        return [
            Draft(
                f"Сертификат участника программы наставничества: {person.full_name}",
                {"programme": programme.pk, "person": person.pk},
                person=person,
            )
            for person in self.cleaned_data["recipients"]
        ]


def certificate_context(document: Document) -> dict:
    """Participation that has ended by the certificate's date is told in the past tense, with its term;
    participation still going on, in the present, from its start."""
    person_id = document.params["person"]
    pairs = list(
        Pair.objects.filter(programme=document.params["programme"], status__in=AWARDED)
        .filter(Q(mentor__person=person_id) | Q(members__mentee__person=person_id))
        .select_related("programme__form", "mentor")
        .distinct()
    )
    if not pairs:
        raise DocumentDataError(
            "Участник больше не состоит в парах программы: сертификат сформировать нельзя."
        )
    person = Person.objects.get(pk=person_id)
    programme = pairs[0].programme
    ended_on = max(pair.ended_on or pair.ends_on or programme.ends_on for pair in pairs)
    return {
        "person": person,
        "programme": programme,
        "roles": " и ".join(sorted({ROLE_GENITIVE[role_in(pair, person)] for pair in pairs})),
        "started_on": min(pair.started_on or programme.starts_on for pair in pairs),
        "ended_on": ended_on,
        "finished": all(pair.ended_on for pair in pairs) and ended_on <= document.date,
        "words": agreement(person),
    }


@dataclass(frozen=True)
class Award:
    """A school's diploma (грамота, диплом) as fixtures/awards.yaml words it."""

    heading: str  # «ГРАМОТА»
    name: str  # «„Лучший наставник“», printed under the heading
    reason: str  # the wording proposed after «награждается …»

    @property
    def title(self) -> str:
        return f"{self.heading.capitalize()} {self.name}"


AWARDS = {
    row["код"]: Award(row["заголовок"], row["название"], row["формулировка"])
    for row in reference("awards")["награды"]
}


def reason_field(code: str) -> forms.CharField:
    return forms.CharField(label="Формулировка", max_length=300, initial=AWARDS[code].reason)


class MentorAwardsForm(AwardedMentorsForm):
    """One document for each chosen mentor."""

    title = ""

    def clean(self):
        cleaned = super().clean()
        if "mentors" in cleaned and not cleaned["mentors"]:
            raise ValidationError(NOBODY_TO_AWARD)
        return cleaned

    def params(self) -> dict:
        return {}

    def drafts(self) -> list[Draft]:
        return [
            Draft(
                f"{self.title}: {entry.person.full_name}",
                {"mentor": entry.pk, **self.params()},
                person=entry.person,
            )
            for entry in self.cleaned_data["mentors"]
        ]


class MentorDiplomaForm(MentorAwardsForm):
    """A diploma of fixtures/awards.yaml for each chosen mentor, with the wording the director settles."""

    field_order = ["date", "mentors", "reason"]

    def params(self) -> dict:
        return {"reason": self.cleaned_data["reason"].strip()}


class BestMentorForm(MentorDiplomaForm):
    title = AWARDS[BEST_MENTOR].title
    reason = reason_field(BEST_MENTOR)


class MentorOfYearForm(MentorDiplomaForm):
    title = AWARDS[MENTOR_OF_YEAR].title
    reason = reason_field(MENTOR_OF_YEAR)


def mentor_programmes(document: Document) -> tuple[MentorEntry, list[Programme]]:
    entry = MentorEntry.objects.select_related("person").filter(pk=document.params["mentor"]).first()
    pairs = Pair.objects.filter(mentor=entry, status__in=AWARDED)
    programmes = list(Programme.objects.filter(pk__in=pairs.values("programme")).select_related("form"))
    if entry is None or not programmes:
        raise DocumentDataError("Наставник больше не ведёт пар: документ сформировать нельзя.")
    return entry, programmes


def mentor_diploma_context(document: Document) -> dict:
    entry, programmes = mentor_programmes(document)
    return {
        "person": entry.person,
        "programmes": programmes,
        "reason": document.params["reason"],
        "award": AWARDS[document.kind],
        "words": agreement(entry.person),
        "academic_year": AcademicYear.containing(document.date),
    }


class BestPairForm(DocumentForm):
    """A «Лучшая пара» diploma for each chosen pair or group that has worked."""

    pairs = forms.ModelMultipleChoiceField(
        label="Пары и группы — победители конкурса",
        queryset=Pair.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NOBODY_TO_AWARD},
        help_text="Работающие и завершившие работу пары школы.",
    )
    reason = reason_field(BEST_PAIR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairs"].queryset = pairs_with_people(awarded_pairs(self.school).values("pk"))
        self.fields["pairs"].label_from_instance = lambda pair: f"{pair} ({pair.programme.title})"

    def drafts(self) -> list[Draft]:
        reason = self.cleaned_data["reason"].strip()
        return [
            Draft(
                f"{AWARDS[BEST_PAIR].title}: {pair.mentor.person.full_name} — {pair.mentees_label}",
                {"pair": pair.pk, "reason": reason},
                pair=pair,
            )
            for pair in self.cleaned_data["pairs"]
        ]


def best_pair_context(document: Document) -> dict:
    pair = pairs_with_people([document.params["pair"]]).filter(status__in=AWARDED).first()
    if pair is None:
        raise DocumentDataError("Пара удалена или прекратила работу: диплом сформировать нельзя.")
    mentees = [member.mentee.person for member in pair.members.all()]
    return {
        "pair": pair,
        "mentees": [(person, agreement(person)) for person in mentees],
        "reason": document.params["reason"],
        "award": AWARDS[BEST_PAIR],
    }


class ParentsLetterForm(MentorAwardsForm):
    """Only pupils who mentor are offered: the letter thanks the parents of a pupil mentor."""

    title = "Благодарственное письмо родителям"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mentors = self.fields["mentors"]
        mentors.queryset = mentors.queryset.filter(person__kind=Person.Kind.PUPIL)
        mentors.label = "Наставники из числа обучающихся"
        mentors.help_text = (
            "Обучающиеся — наставники работающих и завершивших работу пар."
            if mentors.queryset.exists()
            else "В школе нет обучающихся — наставников работающих или завершивших работу пар: "
            "письмо писать некому."
        )


def parents_letter_context(document: Document) -> dict:
    entry, programmes = mentor_programmes(document)
    return {"person": entry.person, "programmes": programmes, "words": agreement(entry.person)}


register(
    DocumentSpec(
        kind=ORDER_ENCOURAGEMENT,
        label="Приказ о поощрении участников программы наставничества",
        form=EncouragementOrderForm,
        template="documents/pdf/order_encouragement.html",
        context=encouragement_order_context,
        description="Поощряет выбранных наставников и участников пар: благодарность, "
        "грамота «Лучший наставник», сертификат в портфолио "
        "или благодарственное письмо родителям наставника-обучающегося.",
    )
)
register(
    DocumentSpec(
        kind=PAIR_REPORT,
        label="Отчёт пары о выполнении персонализированной программы",
        form=PairReportForm,
        template="documents/pdf/pair_report.html",
        context=pair_report_context,
        description="План персонализированной программы с отметками о выполнении, "
        "проведённые встречи и оценка результата по четырём уровням. "
        "Наставник пары может скачать готовый отчёт.",
        for_pair_mentor=True,
    )
)
register(
    DocumentSpec(
        kind=CERTIFICATE,
        label="Сертификат участника программы наставничества",
        form=CertificateForm,
        template="documents/pdf/certificate.html",
        context=certificate_context,
        description="Сертификат в портфолио работ и достижений: по одному на каждого выбранного участника, "
        "с номером в журнале сертификатов школы за год; участник скачивает свой в личном кабинете.",
        numbered_in=Register.CERTIFICATES,
    )
)
register(
    DocumentSpec(
        kind=BEST_MENTOR,
        label=AWARDS[BEST_MENTOR].title,
        form=BestMentorForm,
        template="documents/pdf/best_mentor.html",
        context=mentor_diploma_context,
        description="Школьная грамота «Лучший наставник»: по одной на каждого выбранного наставника.",
    )
)
register(
    DocumentSpec(
        kind=MENTOR_OF_YEAR,
        label="Диплом «Наставник года»",
        form=MentorOfYearForm,
        template="documents/pdf/mentor_of_year.html",
        context=mentor_diploma_context,
        description="Диплом победителя школьного конкурса профессионального мастерства «Наставник года» "
        "за учебный год: по одному на каждого выбранного наставника.",
    )
)
register(
    DocumentSpec(
        kind=BEST_PAIR,
        label="Диплом «Лучшая пара»",
        form=BestPairForm,
        template="documents/pdf/best_pair.html",
        context=best_pair_context,
        description="Диплом победителей школьного конкурса «Лучшая пара»: наставнику и наставляемым "
        "каждой выбранной пары или группы; наставник пары может скачать его.",
        for_pair_mentor=True,
    )
)
register(
    DocumentSpec(
        kind=PARENTS_LETTER,
        label="Благодарственное письмо родителям наставника",
        form=ParentsLetterForm,
        template="documents/pdf/parents_letter.html",
        context=parents_letter_context,
        description="Благодарственное письмо родителям наставника из числа обучающихся: "
        "по одному на наставника.",
    )
)
