"""Forms of mentoring and their role models (reference data of Р-145 and the seeds), and the programmes of
a school."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentoring.models import MenteeCategory, Organisation, SchoolOwnedQuerySet, SingleLine


class MentoringForm(models.Model):
    code = models.SlugField("код", unique=True)
    name = models.CharField("форма наставничества", max_length=200, validators=[SingleLine("Название формы")])
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "форма наставничества"
        verbose_name_plural = "формы наставничества"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RoleModel(models.Model):
    form = models.ForeignKey(
        MentoringForm, verbose_name="форма", on_delete=models.CASCADE, related_name="role_models"
    )
    name = models.CharField(
        "ролевая модель", max_length=300, validators=[SingleLine("Название ролевой модели")]
    )
    description = models.TextField("описание", blank=True)
    categories = models.ManyToManyField(
        MenteeCategory,
        verbose_name="для каких категорий наставляемых",
        blank=True,
        related_name="role_models",
        help_text="Подбор пар ставит выше пару, чья ролевая модель подходит к категориям наставляемого.",
    )
    mentee_grade_from = models.PositiveSmallIntegerField("наставляемые: с класса", null=True, blank=True)
    mentee_grade_to = models.PositiveSmallIntegerField("наставляемые: по класс", null=True, blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "ролевая модель"
        verbose_name_plural = "ролевые модели"
        ordering = ["form__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["form", "name"], name="unique_role_model_in_form"),
            models.CheckConstraint(
                condition=Q(mentee_grade_from__isnull=True)
                | Q(mentee_grade_to__isnull=True)
                | Q(mentee_grade_from__lte=models.F("mentee_grade_to")),
                name="role_model_grades_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeQuerySet(SchoolOwnedQuerySet):
    def active(self):
        return self.exclude(status=Programme.Status.COMPLETED)


class Programme(models.Model):
    """Программа наставничества of a school (seed 000 is one, for the form «учитель – ученик»)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        APPROVED = "approved", "Утверждена директором"
        RUNNING = "running", "Реализуется"
        COMPLETED = "completed", "Завершена"

    class Style(models.TextChoices):
        SELF_DIRECTED = "self_directed", "Саморегулируемое наставничество"
        ASSIGNED = "assigned", "Наставничество по назначению"
        SITUATIONAL = "situational", "Ситуационное наставничество"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "Очный"
        ONLINE = "online", "Онлайн"
        MIXED = "mixed", "Смешанный"

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(
        MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("название", max_length=300, validators=[SingleLine("Название программы")])
    goal = models.TextField("цель")
    tasks = models.TextField("задачи", blank=True, help_text="Каждая задача с новой строки.")
    expected_results = models.TextField(
        "ожидаемые результаты", blank=True, help_text="Каждый с новой строки."
    )
    starts_on = models.DateField("начало реализации")
    ends_on = models.DateField("окончание реализации")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="куратор",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    style = models.CharField("вид наставничества", max_length=20, choices=Style.choices)
    mode = models.CharField("режим работы", max_length=20, choices=Mode.choices, default=Mode.MIXED)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("утверждена", null=True, blank=True)
    attention_after_days = models.PositiveSmallIntegerField(
        "«нужно внимание» без встреч, дней",
        default=30,
        help_text="Пара без проведённой встречи дольше этого срока требует внимания куратора.",
    )
    threat_after_days = models.PositiveSmallIntegerField(
        "«под угрозой» без встреч, дней",
        default=60,
        help_text="Пара без проведённой встречи дольше этого срока под угрозой.",
    )
    consent_warning_days = models.PositiveSmallIntegerField(
        "предупреждать об окончании согласия за, дней",
        default=30,
        help_text="Согласие родителя действует до совершеннолетия наставляемого.",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "программа наставничества"
        verbose_name_plural = "программы наставничества"
        ordering = ["-starts_on", "title"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="programme_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(threat_after_days__gt=models.F("attention_after_days")),
                name="programme_threat_after_attention",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title_in_text(self) -> str:
        """The title after «программа наставничества» in a sentence, quoted once: a title that starts with
        those words gives its rest («в рамках целевой модели «Учитель – ученик»»), any other is put in
        quotes, its own quotes becoming the inner „…“."""
        title = self.title.strip()
        for kind in ("программа наставничества", "программа"):
            if title.lower().startswith(kind + " "):
                return title[len(kind) :].strip()
        return "«" + title.replace("«", "„").replace("»", "“") + "»"

    @property
    def task_lines(self) -> list[str]:
        return [line for line in self.tasks.splitlines() if line.strip()]

    @property
    def result_lines(self) -> list[str]:
        return [line for line in self.expected_results.splitlines() if line.strip()]

    @property
    def accepts_pairs(self) -> bool:
        return self.status != self.Status.COMPLETED


class ProgrammeRisk(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risks")
    risk = models.TextField("риск")
    mitigation = models.TextField("пути минимизации", blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "риск программы"
        verbose_name_plural = "риски программы"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.risk
