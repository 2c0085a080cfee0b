"""Orders of the mentoring model's life in a school: introducing it and appointing the curator, approving the
Положение and a programme, the «Школа наставников», the final event of a programme."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, order_readers, register
from mentoring.forms import DateInput
from mentoring.models import Document, Organisation, Role, User
from mentoring.working_days import working_day_on_or_after
from pairs.models import Pair
from roadmap.documents import own_roadmaps, roadmap_table
from roadmap.models import Roadmap

from .models import Programme
from .selectors import curators_of

ORDER_INTRODUCTION = "order_introduction"
ORDER_APPROVAL = "order_approval"
ORDER_MENTOR_SCHOOL = "order_mentor_school"
ORDER_FINAL_EVENT = "order_final_event"

# Who may be made responsible for an event: the school's staff, never a pupil's account.
STAFF = (Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST, Role.TEACHER)
# Pairs that have worked (or work) and so have results to present at the final event.
WORKED = (Pair.Status.APPROVED, Pair.Status.ACTIVE, Pair.Status.COMPLETED)
DATE_FORMAT = "%d.%m.%Y"


def school_staff(school: Organisation) -> QuerySet[User]:
    staff = Q(memberships__organisation=school, memberships__role__in=STAFF)
    return User.objects.filter(staff).distinct().order_by("last_name", "first_name", "patronymic")


def programme_field(*, required: bool = True, **kwargs) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label="Программа наставничества", queryset=Programme.objects.none(), required=required, **kwargs
    )
    field.error_messages["invalid_choice"] = "Выберите программу этой школы."
    return field


def user_field(label: str, message: str, **kwargs) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=label, queryset=User.objects.none(), **kwargs)
    field.error_messages["invalid_choice"] = message
    return field


def school_programmes(school: Organisation) -> QuerySet[Programme]:
    return Programme.objects.for_school(school).order_by("-starts_on", "title")


def read_programme(pk: int | None) -> Programme | None:
    """The programme an order names, read afresh at render time; None when the order names none."""
    if pk is None:
        return None
    programme = (
        Programme.objects.select_related("form", "curator").prefetch_related("risks").filter(pk=pk).first()
    )
    if programme is None:
        raise DocumentDataError(
            "Программа наставничества, указанная в приказе, удалена: сформировать приказ нельзя."
        )
    return programme


def read_user(pk: int, who: str) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise DocumentDataError(f"Учётная запись {who} удалена: сформировать приказ нельзя.")
    return user


def regulation_order(document: Document) -> Document | None:
    """The order that approved the school's Положение о системе наставничества by the document's date: the
    preamble of a later order names it as its basis."""
    return (
        Document.objects.filter(school=document.school, kind=ORDER_APPROVAL, date__lte=document.date)
        .exclude(pk=document.pk)
        .order_by("-date", "-sequence")
        .first()
    )


# 1. Introducing the target model and appointing the curator.

INTRODUCTION_TITLE = "О внедрении целевой модели наставничества и назначении куратора"


class IntroductionOrderForm(DocumentForm):
    curator = user_field(
        "Куратор внедрения целевой модели наставничества",
        "Выберите куратора этой школы.",
        required=False,
        help_text="Пусто — куратор выбранной программы.",
    )
    programme = programme_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = curators_of(self.school)
        self.fields["programme"].queryset = school_programmes(self.school).active()

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        curator = cleaned.get("curator") or (programme.curator if programme else None)
        if curator is None and not self.errors:
            raise ValidationError(
                "Выберите куратора или программу, у которой назначен куратор: приказ назначает куратора."
            )
        cleaned["appointed"] = curator
        return cleaned

    def drafts(self) -> list[Draft]:
        programme = self.cleaned_data["programme"]
        params = {
            "curator": self.cleaned_data["appointed"].pk,
            "programme": programme.pk if programme else None,
        }
        return [Draft(INTRODUCTION_TITLE, params)]


def introduction_context(document: Document) -> dict[str, Any]:
    curator = read_user(document.params["curator"], "куратора")
    return {
        "curator": curator,
        "programme": read_programme(document.params["programme"]),
        "readers": order_readers(document.school, [curator]),
    }


register(
    DocumentSpec(
        kind=ORDER_INTRODUCTION,
        label="Приказ о внедрении целевой модели наставничества",
        form=IntroductionOrderForm,
        template="documents/pdf/order_introduction.html",
        context=introduction_context,
        description="Вводит целевую модель наставничества (распоряжение Минпросвещения России № Р-145) и "
        "назначает куратора, ответственного за программу наставничества: формирование баз наставников и "
        "наставляемых, подготовку Положения и программ, мониторинг.",
        publishable=True,
    )
)


# 2. Approving the Положение о наставничестве and a programme.

APPROVAL_TITLE = "Об утверждении положения о наставничестве и программы наставничества"
APPROVAL_WITH_ROADMAP_TITLE = (
    "Об утверждении положения о наставничестве, программы наставничества и дорожной карты реализации "
    "целевой модели наставничества"
)


class ApprovalOrderForm(DocumentForm):
    programme = programme_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = school_programmes(self.school)
        self.fields["roadmap"] = own_roadmaps(self.school)
        self.fields["roadmap"].required = False
        self.fields[
            "roadmap"
        ].help_text = "Выбранная дорожная карта утверждается этим же приказом (приложение 3)."

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        if programme is not None and programme.status == Programme.Status.DRAFT:
            raise ValidationError(
                f"Программа «{programme.title}» ещё не утверждена директором: утвердите её на странице "
                "программы, затем издайте приказ."
            )
        if programme is not None and programme.status == Programme.Status.COMPLETED:
            raise ValidationError(f"Программа «{programme.title}» уже завершена: утверждать её поздно.")
        return cleaned

    def drafts(self) -> list[Draft]:
        roadmap = self.cleaned_data["roadmap"]
        params = {"programme": self.cleaned_data["programme"].pk, "roadmap": roadmap.pk if roadmap else None}
        return [Draft(APPROVAL_WITH_ROADMAP_TITLE if roadmap else APPROVAL_TITLE, params)]


def approval_context(document: Document) -> dict[str, Any]:
    roadmap = document.params.get("roadmap")
    programme = read_programme(document.params["programme"])
    return {
        "programme": programme,
        "readers": order_readers(document.school, [programme.curator]),
        **(roadmap_table(roadmap) if roadmap else {}),
    }


def approve_roadmap(document: Document) -> None:
    """Issuing the order makes it the roadmap's approval, in the same transaction as its number."""
    if roadmap := document.params.get("roadmap"):
        Roadmap.objects.filter(pk=roadmap, organisation=document.school).update(approved_by=document)


register(
    DocumentSpec(
        kind=ORDER_APPROVAL,
        label="Приказ об утверждении положения, программы и дорожной карты",
        form=ApprovalOrderForm,
        template="documents/pdf/order_approval.html",
        context=approval_context,
        issue=approve_roadmap,
        description="Утверждает Положение о системе наставничества школы (приложение 1) и программу "
        "наставничества (приложение 2 — её карточка: цель, задачи, ожидаемые результаты, риски), а если "
        "выбрана — дорожную карту (приложение 3). "
        "Программа должна быть утверждена директором или реализовываться.",
        publishable=True,
    )
)


# 3. The «Школа наставников» with its schedule.

MENTOR_SCHOOL_TITLE = "Об организации «Школы наставников»"
DEFAULT_LESSONS = (
    ("Введение в наставничество: целевая модель наставничества, формы и ролевые модели", "Куратор"),
    ("Роль наставника: задачи, права и обязанности, этика взаимодействия с наставляемым", "Куратор"),
    ("Методы и формы работы с наставляемым", "Педагог-психолог"),
    ("Персонализированная программа наставничества: цели, план, ожидаемые результаты", "Куратор"),
    ("Мониторинг и оценка результатов программы наставничества", "Куратор"),
)
LESSON_EXAMPLE = "01.12.2026; Введение в наставничество; Иванова А. П."


@dataclass(frozen=True)
class Lesson:
    date: datetime.date
    topic: str
    responsible: str

    def as_params(self) -> list[str]:
        return [self.date.isoformat(), self.topic, self.responsible]


def lesson_days(starts_on: datetime.date) -> list[datetime.date]:
    """A lesson a week from the first working day on or after `starts_on`, each on a working day."""
    days = [working_day_on_or_after(starts_on)]
    while len(days) < len(DEFAULT_LESSONS):
        days.append(working_day_on_or_after(days[-1] + datetime.timedelta(weeks=1)))
    return days


def default_schedule(days: list[datetime.date]) -> str:
    """The seeds' topics, in their order, on the given days."""
    return "\n".join(
        f"{day:{DATE_FORMAT}}; {topic}; {who}"
        for day, (topic, who) in zip(days, DEFAULT_LESSONS, strict=True)
    )


def schedule_parse(text: str) -> list[Lesson]:
    """Lines «дата; тема; ответственный»; blank lines are skipped, anything else malformed is refused."""
    lessons = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(
                f"Строка {number} расписания «{line.strip()}»: нужно «дата; тема; ответственный», "
                f"например «{LESSON_EXAMPLE}»."
            )
        try:
            day = datetime.datetime.strptime(parts[0], DATE_FORMAT).date()
        except ValueError:
            raise ValidationError(
                f"Строка {number} расписания: дата «{parts[0]}» не распознана — пишите ДД.ММ.ГГГГ."
            ) from None
        lessons.append(Lesson(day, parts[1], parts[2]))
    if not lessons:
        raise ValidationError("Впишите расписание: хотя бы одно занятие «дата; тема; ответственный».")
    return lessons


class MentorSchoolOrderForm(DocumentForm):
    programme = programme_field(
        required=False, help_text="Необязательно: программа, для которой учат наставников."
    )
    starts_on = forms.DateField(label="Начало обучения", widget=DateInput())
    ends_on = forms.DateField(label="Окончание обучения", widget=DateInput())
    responsible = user_field("Ответственный за «Школу наставников»", "Выберите сотрудника этой школы.")
    schedule = forms.CharField(
        label="Расписание занятий",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=f"Одно занятие в строке: «дата; тема; ответственный», например «{LESSON_EXAMPLE}».",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = lesson_days(timezone.localdate())
        self.initial.setdefault("starts_on", days[0])
        self.initial.setdefault("ends_on", days[-1])
        self.initial.setdefault("schedule", default_schedule(days))
        self.fields["programme"].queryset = school_programmes(self.school).active()
        self.fields["responsible"].queryset = school_staff(self.school)

    def clean_schedule(self) -> list[Lesson]:
        return sorted(schedule_parse(self.cleaned_data["schedule"]), key=lambda lesson: lesson.date)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if not (starts_on and ends_on):
            return cleaned
        if ends_on < starts_on:
            raise ValidationError("Окончание обучения не может быть раньше его начала.")
        term = f"{starts_on:{DATE_FORMAT}} – {ends_on:{DATE_FORMAT}}"
        for lesson in cleaned.get("schedule") or []:
            if not starts_on <= lesson.date <= ends_on:
                raise ValidationError(
                    f"Занятие «{lesson.topic}» {lesson.date:{DATE_FORMAT}} вне сроков обучения ({term})."
                )
        return cleaned

    def drafts(self) -> list[Draft]:
        data = self.cleaned_data
        params = {
            "programme": data["programme"].pk if data["programme"] else None,
            "starts_on": data["starts_on"].isoformat(),
            "ends_on": data["ends_on"].isoformat(),
            "responsible": data["responsible"].pk,
            "schedule": [lesson.as_params() for lesson in data["schedule"]],
        }
        return [Draft(MENTOR_SCHOOL_TITLE, params)]


def mentor_school_context(document: Document) -> dict[str, Any]:
    params = document.params
    responsible = read_user(params["responsible"], "ответственного")
    return {
        "programme": read_programme(params["programme"]),
        "regulation": regulation_order(document),
        "readers": order_readers(document.school, [responsible]),
        "starts_on": datetime.date.fromisoformat(params["starts_on"]),
        "ends_on": datetime.date.fromisoformat(params["ends_on"]),
        "responsible": responsible,
        "lessons": [
            Lesson(datetime.date.fromisoformat(day), topic, who) for day, topic, who in params["schedule"]
        ],
    }


register(
    DocumentSpec(
        kind=ORDER_MENTOR_SCHOOL,
        label="Приказ об организации «Школы наставников»",
        form=MentorSchoolOrderForm,
        template="documents/pdf/order_mentor_school.html",
        context=mentor_school_context,
        description="Организует обучение наставников в «Школе наставников»: сроки, ответственный и "
        "расписание занятий (приложение к приказу).",
        publishable=True,
    )
)


# 4. The final event of a programme.

FINAL_EVENT_TITLE = "О проведении итогового мероприятия в рамках реализации целевой модели наставничества"
# The form of the event as the form offers it, and as the order's sentence needs it («в форме …»).
EVENT_FORMS = {
    "conference": ("Конференция", "конференции"),
    "festival": ("Фестиваль наставнических практик", "фестиваля наставнических практик"),
    "round_table": ("Круглый стол", "круглого стола"),
    "ceremony": ("Торжественное собрание", "торжественного собрания"),
}


# The date the form proposes leaves two weeks to prepare the event.
PREPARATION = datetime.timedelta(weeks=2)


class FinalEventOrderForm(DocumentForm):
    programme = programme_field()
    event_date = forms.DateField(label="Дата мероприятия", widget=DateInput())
    place = forms.CharField(label="Место проведения", max_length=300)
    event_form = forms.ChoiceField(
        label="Форма мероприятия", choices=[(code, label) for code, (label, _) in EVENT_FORMS.items()]
    )
    responsible = user_field("Ответственный за мероприятие", "Выберите сотрудника этой школы.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("event_date", working_day_on_or_after(timezone.localdate() + PREPARATION))
        self.fields["programme"].queryset = school_programmes(self.school)
        self.fields["responsible"].queryset = school_staff(self.school)

    def clean(self):
        cleaned = super().clean()
        programme, event_date = cleaned.get("programme"), cleaned.get("event_date")
        if programme is None:
            return cleaned
        if not Pair.objects.filter(programme=programme, status__in=WORKED).exists():
            raise ValidationError("В программе нет пар: итоговое мероприятие подводить не по чему.")
        if event_date and event_date < programme.starts_on:
            starts_on = f"{programme.starts_on:{DATE_FORMAT}}"
            raise ValidationError(f"Итоговое мероприятие не может пройти до начала программы ({starts_on}).")
        return cleaned

    def drafts(self) -> list[Draft]:
        data = self.cleaned_data
        params = {
            "programme": data["programme"].pk,
            "event_date": data["event_date"].isoformat(),
            "place": data["place"],
            "event_form": data["event_form"],
            "responsible": data["responsible"].pk,
        }
        return [Draft(FINAL_EVENT_TITLE, params)]


def final_event_context(document: Document) -> dict[str, Any]:
    params = document.params
    programme = read_programme(params["programme"])
    pairs = Pair.objects.filter(programme=programme, status__in=WORKED).count()
    if not pairs:
        raise DocumentDataError("В программе не осталось пар: итоговое мероприятие подводить не по чему.")
    responsible = read_user(params["responsible"], "ответственного")
    return {
        "programme": programme,
        "regulation": regulation_order(document),
        "readers": order_readers(document.school, [responsible, programme.curator]),
        "pairs": pairs,
        "event_date": datetime.date.fromisoformat(params["event_date"]),
        "place": params["place"],
        "event_form": EVENT_FORMS[params["event_form"]][1],
        "responsible": responsible,
    }


register(
    DocumentSpec(
        kind=ORDER_FINAL_EVENT,
        label="Приказ о проведении итогового мероприятия программы",
        form=FinalEventOrderForm,
        template="documents/pdf/order_final_event.html",
        context=final_event_context,
        description="Назначает итоговое мероприятие программы наставничества: дата, место, форма, "
        "ответственный; представление результатов пар, второй этап мониторинга, поощрение лучших участников.",
        publishable=True,
    )
)
