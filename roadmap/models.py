"""Roadmaps of a school or of the department, the department's target indicators and its recommendations."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import Document, Membership, Organisation, Role


def coordinated_by(user) -> models.QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    coordinated = Membership.objects.counting_for(user).filter(role=Role.COORDINATOR).values("organisation")
    return Organisation.objects.filter(pk__in=coordinated, kind=Organisation.Kind.DEPARTMENT)


class RoadmapQuerySet(models.QuerySet):
    def visible_to(self, user) -> RoadmapQuerySet:
        """A school's staff read its roadmap; the coordinator reads the department's and its schools'."""
        schools = Organisation.objects.readable_by(user)
        departments = coordinated_by(user)
        return self.filter(
            Q(organisation__in=schools)
            | Q(organisation__in=departments)
            | Q(organisation__department__in=departments)
        )

    def editable_by(self, user) -> RoadmapQuerySet:
        """The curator keeps the school's roadmap; the coordinator keeps only the department's own."""
        return self.filter(
            Q(organisation__in=Organisation.objects.writable_by(user))
            | Q(organisation__in=coordinated_by(user))
        )


class Roadmap(models.Model):
    """«Дорожная карта»: stages in order, each with its activities, for a year or a longer period."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="организация", on_delete=models.PROTECT, related_name="roadmaps"
    )
    title = models.CharField("название", max_length=500)
    template = models.SlugField("образец", blank=True)
    year = models.PositiveSmallIntegerField("учебный год (начало)")
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    approved_by = models.ForeignKey(
        Document,
        verbose_name="утверждена приказом",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-year", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "template", "year"],
                condition=~Q(template=""),
                name="one_roadmap_per_template_and_year",
            ),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="roadmap_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField("№")
    title = models.CharField("этап", max_length=500)

    class Meta:
        verbose_name = "этап дорожной карты"
        verbose_name_plural = "этапы дорожной карты"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Activity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Запланировано"
        IN_PROGRESS = "in_progress", "Выполняется"
        DONE = "done", "Выполнено"

    class CompletesWhen(models.TextChoices):
        """Evidence the product itself holds: the activity completes itself when it appears."""

        NEVER = "", "Отмечается вручную"
        MENTEE_BASE = "mentee_base", "Сформирована база наставляемых с согласиями"
        MENTOR_BASE = "mentor_base", "Сформирована база наставников"
        PAIRS_ORDER = "pairs_order", "Издан приказ о закреплении пар"
        STAGE_1_CLOSED = "stage_1_closed", "Завершено анкетирование этапа 1 мониторинга"
        STAGE_2_CLOSED = "stage_2_closed", "Завершено анкетирование этапа 2 мониторинга"
        MENTOR_SCHOOL_ORDER = "mentor_school_order", "Издан приказ о «Школе наставников»"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField("№")
    title = models.CharField("мероприятие", max_length=500)
    content = models.TextField("содержание деятельности", blank=True)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    by_month = models.BooleanField("срок — месяц", default=False)
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="ответственные (учётные записи)", blank=True, related_name="+"
    )
    responsible_text = models.CharField("ответственные", max_length=500, blank=True)
    expected_result = models.CharField("ожидаемый результат, документ", max_length=500, blank=True)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.PLANNED)
    completes_when = models.CharField(
        "выполняется само, когда", max_length=30, choices=CompletesWhen.choices, blank=True
    )
    done_on = models.DateField("выполнено", null=True, blank=True)
    evidence_document = models.ForeignKey(
        Document, verbose_name="документ", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence_link = models.URLField("ссылка", blank=True)
    evidence_note = models.TextField("отметка о выполнении", blank=True)

    class Meta:
        verbose_name = "мероприятие дорожной карты"
        verbose_name_plural = "мероприятия дорожной карты"
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="done_activity_has_a_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status != self.Status.DONE and self.ends_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class Indicator(models.Model):
    """A target indicator of the department (seed 003 §2) with its base value and its plan for the years."""

    class Kind(models.TextChoices):
        MAIN = "main", "Основной"
        ADDITIONAL = "additional", "Дополнительный"

    class Computed(models.TextChoices):
        """Indicators the product counts from the schools' data; the others are entered by hand."""

        BY_HAND = "", "Вводится вручную"
        YOUNG_TEACHERS = "young_teachers", "Доля педагогов-наставников молодых педагогов до 35 лет"
        LOW_RESULT_TEACHERS = (
            "low_result_teachers",
            "Доля педагогов-наставников педагогов с низкими результатами",
        )
        FAILING_PUPILS = "failing_pupils", "Доля педагогов-наставников неуспевающих обучающихся 8–9 классов"
        REGISTERED_PUPILS = (
            "registered_pupils",
            "Доля педагогов-наставников обучающихся на профилактических учётах",
        )
        TUTORED_PMPK = "tutored_pmpk", "Доля детей с рекомендацией ПМПК, у которых есть тьютор"

    department = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("№", max_length=20)
    wording = models.TextField("показатель")
    # Seed 003 leaves the type of 2.1.3 blank.
    kind = models.CharField("тип", max_length=20, choices=Kind.choices, blank=True, default=Kind.MAIN)
    unit = models.CharField("единица измерения", max_length=30, default="%")
    base_value = models.DecimalField(
        "базовое значение", max_digits=8, decimal_places=3, null=True, blank=True
    )
    base_year = models.PositiveSmallIntegerField(
        "год базового значения",
        null=True,
        blank=True,
        help_text="Календарный год, как в целевой модели: 2022.",
    )
    computed = models.CharField("как считается", max_length=30, choices=Computed.choices, blank=True)

    class Meta:
        verbose_name = "целевой показатель"
        verbose_name_plural = "целевые показатели"
        ordering = ["code", "pk"]
        constraints = [models.UniqueConstraint(fields=["department", "code"], name="unique_indicator_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.wording[:80]}"

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() == "%"


# The seed's «Период, год»: the result of an academic year counts in the calendar year it ends.
INDICATOR_YEAR_HELP = "Год окончания учебного года: 2027 — это 2026/2027 учебный год."


class IndicatorPlan(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField("год", help_text=INDICATOR_YEAR_HELP)
    planned = models.DecimalField("плановое значение", max_digits=8, decimal_places=3)

    class Meta:
        verbose_name = "плановое значение"
        verbose_name_plural = "плановые значения"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_plan_per_indicator_year"),
            models.CheckConstraint(condition=Q(planned__gte=0), name="planned_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.year} — {self.planned}"


class IndicatorValue(models.Model):
    """An actual value entered by hand, for an indicator the product cannot count; per school or (no school)
    for the department as a whole."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год", help_text=INDICATOR_YEAR_HELP)
    value = models.DecimalField("фактическое значение", max_digits=8, decimal_places=3)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "фактическое значение"
        verbose_name_plural = "фактические значения"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "school", "year"], name="one_value_per_indicator_school_year"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(school__isnull=True),
                name="one_department_value_per_year",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="actual_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.year} — {self.value}"


class Recommendation(models.Model):
    """The coordinator's recommendations to a school for the analytic report (seed 003 §7)."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="recommendations")
    year = models.PositiveSmallIntegerField("учебный год (начало)")
    text = models.TextField("рекомендации")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "рекомендации школе"
        verbose_name_plural = "рекомендации школам"
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="one_recommendation_per_year")]

    def __str__(self) -> str:
        return f"{self.school}: {self.year}"

    @property
    def academic_year(self) -> AcademicYear:
        return AcademicYear.starting(self.year)


# Who may mark a recommendation «принято к исполнению» for its school.
ACKNOWLEDGERS = frozenset({Role.DIRECTOR, Role.CURATOR})


class Acknowledgement(models.Model):
    """The school's mark that it has taken the coordinator's recommendations «к исполнению»: who, when and
    with what note. One per recommendation; a change of the recommendation's text removes it, for the school
    to read the new text and mark it again."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="acknowledgement"
    )
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="отметил", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("отмечено", default=timezone.now)
    note = models.TextField("примечание", blank=True)

    class Meta:
        verbose_name = "отметка «принято к исполнению»"
        verbose_name_plural = "отметки «принято к исполнению»"
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "school"], name="one_acknowledgement_per_school"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation}: принято к исполнению"
