"""Monitoring reports as PDF: stage 1, stage 2, and the school's annual analytic report of mentoring.

They are built from the same `stages.stage_1`/`stage_2` data and SVG charts as the monitoring pages, so the
figures match, and keep the pages' rule that a group under MIN_GROUP shows no averages. The director files
these reports: they hold sums only, never a named participant's answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum

from mentoring.academic_year import AcademicYear
from mentoring.declension import full_name_in
from mentoring.documents import (
    DocumentDataError,
    DocumentForm,
    DocumentSpec,
    Draft,
    register,
)
from mentoring.models import Document, MenteeEntry, MentorEntry, Organisation, Person
from pairs.models import Meeting, Pair
from programs.models import Programme

from . import blanks, charts, portfolio, stages  # noqa: F401  blanks: the questionnaire's paper blank registers itself
from .models import Invitation, Question, Questionnaire, Response, Survey
from .portfolio import MENTOR_PORTFOLIO
from .surveys import academic_years, rates_by_role

STAGE_1_REPORT = "stage_1_report"
STAGE_2_REPORT = "stage_2_report"
ANNUAL_REPORT = "annual_report"

STAGE_1_TITLE = "Отчёт о мониторинге качества реализации программы наставничества (этап 1)"
STAGE_2_TITLE = "Отчёт о мониторинге влияния программы на участников (этап 2)"
ANNUAL_TITLE = "Аналитический отчёт о реализации целевой модели наставничества за {} учебный год"


def decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def signed(value: float) -> str:
    return f"+{decimal(value)}" if value > 0 else decimal(value)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class Scope:
    """What a monitoring report covers: one programme, or all the school's programmes of one year or all."""

    school: Organisation
    programme: Programme | None = None
    year: AcademicYear | None = None

    @classmethod
    def of(cls, document: Document) -> Scope:
        programme_id = document.params.get("programme")
        if programme_id is None:
            start_year = document.params.get("year")
            return cls(
                document.school, year=None if start_year is None else AcademicYear.starting(start_year)
            )
        programmes = Programme.objects.select_related("form").filter(school=document.school)
        programme = programmes.filter(pk=programme_id).first()
        if programme is None:
            raise DocumentDataError("Программа отчёта удалена: сформировать отчёт нельзя.")
        return cls(document.school, programme)

    @property
    def surveys(self) -> QuerySet[Survey]:
        if self.programme is not None:
            return Survey.objects.filter(programme=self.programme)
        surveys = Survey.objects.for_school(self.school)
        if self.year is None:
            return surveys
        return surveys.filter(opens_on__range=self.year.span)

    @property
    def label(self) -> str:
        if self.programme is not None:
            return self.programme.title
        return "все программы школы" + (f", {self.year.label} учебный год" if self.year else "")

    @property
    def where(self) -> str:
        if self.programme is not None:
            return "По программе"
        return f"По школе за {self.year.label} учебный год" if self.year else "По школе"

    @property
    def params(self) -> dict:
        return {"programme": self.programme and self.programme.pk, "year": self.year and self.year.start_year}


class MonitoringReportForm(DocumentForm):
    programme = forms.ModelChoiceField(
        label="Программа наставничества",
        queryset=Programme.objects.none(),
        required=False,
        empty_label="Все программы школы",
    )
    year = forms.TypedChoiceField(
        label="Учебный год",
        coerce=AcademicYear.starting,
        required=False,
        empty_value=None,
        help_text="Для отчёта по всем программам школы; у отчёта по одной программе год не нужен.",
    )
    heading = ""
    stage = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.for_school(self.school).order_by(
            "-starts_on", "title"
        )
        years = academic_years(Survey.objects.for_school(self.school))
        self.fields["year"].choices = [
            ("", "Все годы"),
            *((y.start_year, f"{y.label} учебный год") for y in years),
        ]

    def answered(self, surveys: QuerySet[Survey]) -> bool:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if "programme" not in cleaned or "year" not in cleaned:
            return cleaned
        programme = cleaned["programme"]
        scope = Scope(self.school, programme, None if programme else cleaned["year"])
        if not self.answered(scope.surveys):
            raise ValidationError(
                f"{scope.where} ещё нет ответов на анкеты {self.stage}: отчёт не из чего составить."
            )
        cleaned["scope"] = scope
        return cleaned

    def drafts(self) -> list[Draft]:
        scope = self.cleaned_data["scope"]
        return [Draft(f"{self.heading}: {scope.label}", scope.params)]


def submitted(surveys: QuerySet[Survey]) -> bool:
    return Response.objects.filter(invitation__survey__in=surveys, submitted_at__isnull=False).exists()


class Stage1ReportForm(MonitoringReportForm):
    heading = STAGE_1_TITLE
    stage = "этапа 1"

    def answered(self, surveys: QuerySet[Survey]) -> bool:
        return submitted(surveys.filter(questionnaire__purpose__in=stages.STAGE_1_PURPOSES))


class Stage2ReportForm(MonitoringReportForm):
    heading = STAGE_2_TITLE
    stage = "этапа 2 на входе в программу и по её итогам"

    def answered(self, surveys: QuerySet[Survey]) -> bool:
        return submitted(surveys.exclude(phase=""))


# Conclusions: factual sentences drawn from the figures, nothing the figures do not say.


def stage_1_conclusions(report: stages.Stage1) -> list[str]:
    invited = sum(rate["invited"] for rate in report.rates)
    answered = sum(rate["submitted"] for rate in report.rates)
    found = [
        f"Анкетирований этапа 1: {report.surveys}; ответили {answered} из {invited} приглашённых "
        f"({percent(answered, invited)} %)."
    ]
    gaps = [e for section in report.sections for e in section.expectations if e.gap is not None]
    if gaps:
        widest = max(gaps, key=lambda e: abs(e.gap))
        found.append(
            f"Наибольшее расхождение ожиданий и результатов — «{widest.label}»: ожидали в среднем "
            f"{decimal(widest.expected.mean)}, получили {decimal(widest.got.mean)} ({signed(widest.gap)})."
        )
    for section in report.sections:
        for result in section.closed:
            if result.question.kind == Question.Kind.YES_NO and not result.hidden:
                found.append(
                    f"На вопрос «{result.question.text}» «да» ответили {result.yes_percent} % "
                    f"из {result.answered} ответивших."
                )
    return found


def stage_2_conclusions(report: stages.Stage2) -> list[str]:
    total = report.total
    found = [
        f"Ответили на входе в программу и по её итогам: {total.answered['both']}; только на входе: "
        f"{total.answered['entry']}; только по итогам: {total.answered['exit']}."
    ]
    for s in total.summaries:
        if not s.compared:
            continue
        changes = (
            f"улучшилось у {s.improved}, без изменений у {s.stayed}, "
            f"ухудшилось у {s.worsened} из {s.compared}"
        )
        if s.hidden:
            found.append(
                f"«{s.characteristic.label}»: {changes}; средние не приводятся — "
                f"сравнивались ответы менее {stages.MIN_GROUP} участников."
            )
        else:
            found.append(
                f"«{s.characteristic.label}»: в среднем {decimal(s.entry_mean)} на входе и "
                f"{decimal(s.exit_mean)} по итогам ({signed(s.change)}); {changes}."
            )
    return found


def stage_1_context(document: Document) -> dict:
    scope = Scope.of(document)
    report = stages.stage_1(scope.surveys)
    if not any(section.respondents for section in report.sections):
        raise DocumentDataError("Ответов на анкеты этапа 1 больше нет: отчёт не из чего составить.")
    return {
        "heading": STAGE_1_TITLE,
        "scope": scope,
        "report": report,
        "conclusions": stage_1_conclusions(report),
        "min_group": stages.MIN_GROUP,
    }


def stage_2_context(document: Document) -> dict:
    scope = Scope.of(document)
    report = stages.stage_2(scope.surveys)
    if not report.participants:
        raise DocumentDataError("Ответов на анкеты этапа 2 больше нет: отчёт не из чего составить.")
    return {
        "heading": STAGE_2_TITLE,
        "scope": scope,
        "report": report,
        "conclusions": stage_2_conclusions(report),
        "min_group": stages.MIN_GROUP,
    }


# The annual report


@dataclass
class BaseCounts:
    """One base (mentors or mentees) at the time of the report: per status, with and without consent."""

    title: str
    rows: list[tuple[str, int, int, int]]  # status, entries, with a consent in force, without one
    included: int  # entries included during the year

    @property
    def total(self) -> int:
        return sum(row[1] for row in self.rows)

    @property
    def consented(self) -> int:
        return sum(row[2] for row in self.rows)

    @property
    def unconsented(self) -> int:
        return self.total - self.consented


def base_counts(
    title: str, model: type[MentorEntry | MenteeEntry], school: Organisation, year: AcademicYear
) -> BaseCounts:
    entries = model.objects.for_school(school).active().with_person()
    rows = entries.values("status").annotate(
        n=Count("pk"),
        consented=Count("pk", filter=Q(has_consent_flag=True)),
        included=Count("pk", filter=Q(included_on__range=year.span)),
    )
    found = {row["status"]: row for row in rows.order_by()}
    return BaseCounts(
        title,
        [
            (
                label,
                found[status]["n"],
                found[status]["consented"],
                found[status]["n"] - found[status]["consented"],
            )
            for status, label in model.Status.choices
            if status in found
        ],
        sum(row["included"] for row in found.values()),
    )


@dataclass
class Meetings:
    held: int
    minutes: int
    pairs: int
    by_kind: list[tuple[str, int]]

    @property
    def hours(self) -> str:
        return charts.number(self.minutes / 60)


def meetings_of(school: Organisation, year: AcademicYear) -> Meetings:
    held = Meeting.objects.for_school(school).filter(
        status=Meeting.Status.HELD, starts_at__date__range=year.span
    )
    kinds = dict(held.values_list("kind").annotate(n=Count("pk")).order_by())
    totals = held.aggregate(
        held=Count("pk"), minutes=Sum("duration_minutes"), pairs=Count("pair", distinct=True)
    )
    return Meetings(
        totals["held"],
        totals["minutes"] or 0,
        totals["pairs"],
        [(label, kinds[kind]) for kind, label in Meeting.Kind.choices if kind in kinds],
    )


def programme_years(school: Organisation) -> list[AcademicYear]:
    """The academic years in which some programme of the school ran, the latest first."""
    spans = Programme.objects.for_school(school).values_list("starts_on", "ends_on").order_by()
    return sorted(
        {
            AcademicYear.starting(start_year)
            for starts, ends in spans
            for start_year in range(
                AcademicYear.containing(starts).start_year, AcademicYear.containing(ends).start_year + 1
            )
        },
        reverse=True,
    )


class AnnualReportForm(DocumentForm):
    year = forms.TypedChoiceField(label="Учебный год", coerce=AcademicYear.starting)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = programme_years(self.school)
        self.fields["year"].choices = [(y.start_year, f"{y.label} учебный год") for y in years]
        # The year under way, not a later one a programme already reaches into.
        if reached := [year for year in years if year <= AcademicYear.current()]:
            self.initial.setdefault("year", reached[0].start_year)
        if not years:
            self.fields["year"].help_text = "В школе ещё нет программ наставничества: отчитываться не о чем."

    def drafts(self) -> list[Draft]:
        year = self.cleaned_data["year"]
        return [Draft(ANNUAL_TITLE.format(year.label), {"year": year.start_year})]


def annual_conclusions(
    programmes: list[Programme], pairs: list[tuple[str, int]], meetings: Meetings, bases: list[BaseCounts]
) -> list[str]:
    found = [
        f"Программ наставничества в учебном году: {len(programmes)}; "
        f"наставнических пар и групп: {sum(n for _, n in pairs)}."
    ]
    if meetings.held:
        found.append(
            f"Проведено встреч: {meetings.held}, общей продолжительностью {meetings.hours} ч, "
            f"в парах и группах: {meetings.pairs}."
        )
    else:
        found.append("Проведённых встреч пар и групп в учебном году не отмечено.")
    for base in bases:
        found.append(
            f"{base.title}: {base.total}; согласие на обработку персональных данных есть у {base.consented}, "
            f"нет у {base.unconsented}."
        )
    return found


def annual_context(document: Document) -> dict:
    school, year = document.school, AcademicYear.starting(document.params["year"])
    programmes = list(
        Programme.objects.for_school(school)
        .filter(starts_on__lte=year.end, ends_on__gte=year.start)
        .select_related("form")
        .annotate(pairs_count=Count("pairs"))
        .order_by("form__name", "title")
    )
    statuses = dict(
        Pair.objects.filter(programme__in=programmes).values_list("status").annotate(n=Count("pk")).order_by()
    )
    pairs = [(label, statuses.get(status, 0)) for status, label in Pair.Status.choices]
    by_form = Counter((p.form.name, p.get_status_display()) for p in programmes)
    surveys = Survey.objects.for_school(school).filter(opens_on__range=year.span)
    purposes = dict(surveys.values_list("questionnaire__purpose").annotate(n=Count("pk")).order_by())
    meetings = meetings_of(school, year)
    bases = [
        base_counts("Наставников в базе", MentorEntry, school, year),
        base_counts("Наставляемых в базе", MenteeEntry, school, year),
    ]
    stage_1, stage_2 = stages.stage_1(surveys), stages.stage_2(surveys)
    conclusions = annual_conclusions(programmes, pairs, meetings, bases)
    if any(section.respondents for section in stage_1.sections):
        conclusions += stage_1_conclusions(stage_1)
    if stage_2.participants:
        conclusions += stage_2_conclusions(stage_2)
    return {
        "heading": ANNUAL_TITLE.format(year.label),
        "year_label": year.label,
        "programmes": programmes,
        "by_form": sorted(by_form.items()),
        "pairs": pairs,
        "meetings": meetings,
        "bases": bases,
        "surveys": [
            (label, purposes[purpose])
            for purpose, label in Questionnaire.Purpose.choices
            if purpose in purposes
        ],
        "rates": rates_by_role(Invitation.objects.filter(survey__in=surveys)),
        "stage_1": stage_1,
        "stage_2": stage_2,
        "conclusions": conclusions,
        "min_group": stages.MIN_GROUP,
    }


# The mentor's portfolio for attestation (monitoring/portfolio.py gathers it).

PORTFOLIO_TITLE = "Портфолио наставника"
WHOSE = {Person.Kind.TEACHER: "педагога", Person.Kind.PUPIL: "обучающегося"}


def year_choices(years: list[AcademicYear]) -> list[tuple]:
    return [("", "За всё время"), *((year.start_year, f"{year.label} учебный год") for year in years)]


def period_label(year: AcademicYear | None) -> str:
    return f"{year.label} учебный год" if year else "за всё время"


def portfolio_draft(entry: MentorEntry, year: AcademicYear | None) -> Draft:
    """The portfolio is the mentor's own document: its person downloads it."""
    title = f"{PORTFOLIO_TITLE}: {entry.person.full_name}, {period_label(year)}"
    params = {"mentor": entry.pk, "year": year and year.start_year}
    return Draft(title, params, person=entry.person)


def portfolio_mentors(school: Organisation):
    """Mentors of the school with a pair past the proposal: they have something to show."""
    worked = Pair.objects.for_school(school).exclude(status=Pair.Status.PROPOSED).values("mentor")
    return MentorEntry.objects.filter(pk__in=worked).select_related("person")


def period_field(years: list[AcademicYear]) -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(
        label="Период",
        coerce=AcademicYear.starting,
        required=False,
        empty_value=None,
        help_text="Пары, встречи и документы учебного года или за всё время работы наставника в школе.",
    )
    field.choices = year_choices(years)
    return field


def refuse_empty_portfolio(entry: MentorEntry, year: AcademicYear | None) -> None:
    if not portfolio.portfolio_pairs(entry, year).exists():
        where = f" в {year.label} учебном году" if year else ""
        raise ValidationError(
            f"У наставника {full_name_in(entry.person, 'gent')} нет наставнических пар и групп{where}: "
            "портфолио не из чего составить."
        )


class PortfolioPeriodForm(forms.Form):
    """The one choice of the one-click portfolio: the years the mentor's pairs worked in, or all of them."""

    prefix = "portfolio"

    def __init__(self, *args, entry: MentorEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = period_field(portfolio.portfolio_years(entry))
        self.fields["year"].widget.attrs["class"] = "form-select"


class PortfolioForm(DocumentForm):
    mentor = forms.ModelChoiceField(label="Наставник", queryset=MentorEntry.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = portfolio_mentors(self.school)
        self.fields["year"] = period_field(programme_years(self.school))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mentor") is not None and "year" in cleaned:
            refuse_empty_portfolio(cleaned["mentor"], cleaned["year"])
        return cleaned

    def drafts(self) -> list[Draft]:
        return [portfolio_draft(self.cleaned_data["mentor"], self.cleaned_data["year"])]


def portfolio_context(document: Document) -> dict:
    entry = (
        MentorEntry.objects.select_related("person", "school")
        .filter(pk=document.params["mentor"], school=document.school_id)
        .first()
    )
    if entry is None:
        raise DocumentDataError("Наставника больше нет в базе школы: портфолио сформировать нельзя.")
    start_year = document.params.get("year")
    year = None if start_year is None else AcademicYear.starting(start_year)
    records = portfolio.pair_records(entry, year)
    person = entry.person
    return {
        "entry": entry,
        "person": person,
        "whose": " ".join(filter(None, [WHOSE.get(person.kind, ""), full_name_in(person, "gent")])),
        "period": f"За {year.label} учебный год" if year else "За всё время работы наставника в школе",
        "period_in": f" в {year.label} учебном году" if year else "",
        "experience": portfolio.experience(person),
        "records": records,
        "programmes": portfolio.by_programme(records),
        "totals": portfolio.totals(records),
        "awards": portfolio.awards_of(entry, [record.pair for record in records], year and year.span),
        "min_group": stages.MIN_GROUP,
    }


register(
    DocumentSpec(
        kind=STAGE_1_REPORT,
        label="Отчёт о мониторинге, этап 1",
        form=Stage1ReportForm,
        template="documents/pdf/stage_1_report.html",
        context=stage_1_context,
        description="Качество реализации программы по анкетам этапа 1, обратной связи и удовлетворённости: "
        "кто ответил, сильные и слабые стороны, ожидания и результаты, ответы на вопросы, выводы. "
        "Те же цифры и диаграммы, что на странице мониторинга.",
    )
)
register(
    DocumentSpec(
        kind=STAGE_2_REPORT,
        label="Отчёт о мониторинге, этап 2",
        form=Stage2ReportForm,
        template="documents/pdf/stage_2_report.html",
        context=stage_2_context,
        description="Влияние программы на участников: ответы на входе в программу и по её итогам — итоги, "
        "по ролям, по ролевым моделям. Только суммы, без ответов отдельных участников; средние групп "
        f"меньше {stages.MIN_GROUP} человек не приводятся.",
    )
)
register(
    DocumentSpec(
        kind=ANNUAL_REPORT,
        label="Аналитический отчёт о наставничестве за учебный год",
        form=AnnualReportForm,
        template="documents/pdf/annual_report.html",
        context=annual_context,
        description="Итоги учебного года: базы наставников и наставляемых, программы, пары и группы, "
        "встречи, анкетирования, оба этапа мониторинга и выводы.",
    )
)
register(
    DocumentSpec(
        kind=MENTOR_PORTFOLIO,
        label="Портфолио наставника",
        form=PortfolioForm,
        template="documents/pdf/mentor_portfolio.html",
        context=portfolio_context,
        description="Сведения о наставнической деятельности педагога для аттестации: пары и программы "
        "со сроками, встречи и часы, выполнение планов, изменения наставляемых по мониторингу этапа 2, "
        "сертификаты и благодарности. Наставник скачивает своё портфолио в личном кабинете.",
    )
)
