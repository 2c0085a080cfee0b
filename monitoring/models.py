"""Questionnaires, surveys (who answers what, and when) and responses: the material of monitoring."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mentoring.models import Organisation, Person, SchoolOwnedQuerySet
from pairs.models import Pair
from programs.models import Programme


class QuestionnaireQuerySet(models.QuerySet):
    def builtin(self):
        return self.filter(school__isnull=True)

    def of_school(self, school):
        """The built-in questionnaires and the school's own copies."""
        return self.filter(Q(school__isnull=True) | Q(school=school))

    def available_to(self, user):
        """The built-in questionnaires, and the copies of the schools whose monitoring the user reads."""
        return self.filter(Q(school__isnull=True) | Q(school__in=Organisation.objects.readable_by(user)))

    def editable_by(self, user):
        return self.filter(school__in=Organisation.objects.writable_by(user))


class QuestionnaireAudience(models.TextChoices):
    """Whom a questionnaire is for: a survey invites only them (monitoring/audience.py)."""

    EVERYONE = "everyone", "Все участники"
    PUPIL = "pupil", "Обучающиеся"
    TEACHER = "teacher", "Педагоги"
    PARENT = "parent", "Родители (законные представители)"
    MENTOR = "mentor", "Наставники"


class Questionnaire(models.Model):
    """A list of questions. Built-in ones (no school) carry the seeds' wording; a school edits a copy."""

    class Purpose(models.TextChoices):
        MENTOR_INTAKE = "mentor_intake", "Анкета потенциального наставника"
        MENTEE_INTAKE = "mentee_intake", "Анкета потенциального наставляемого"
        PREFERRED_PARTNER = (
            "preferred_partner",
            "Предпочитаемый наставник / наставляемый после групповой встречи",
        )
        FEEDBACK = "feedback", "Промежуточная обратная связь"
        SATISFACTION = "satisfaction", "Личная удовлетворённость участием в программе"
        STAGE_1 = "stage_1", "Мониторинг, этап 1: качество реализации программы"
        STAGE_2 = "stage_2", "Мониторинг, этап 2: влияние программы на участников"
        DIFFICULTIES = "difficulties", "Диагностика затруднений молодых педагогов"
        OTHER = "other", "Другая анкета"

    Audience = QuestionnaireAudience

    school = models.ForeignKey(
        Organisation,
        verbose_name="школа",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Пусто — встроенная анкета, доступная всем школам.",
    )
    code = models.SlugField("код встроенной анкеты", blank=True)
    purpose = models.CharField("назначение", max_length=30, choices=Purpose.choices, default=Purpose.OTHER)
    title = models.CharField("название", max_length=300)
    description = models.TextField("обращение к респонденту", blank=True)
    audience = models.CharField(
        "для кого анкета",
        max_length=10,
        choices=Audience.choices,
        default=Audience.EVERYONE,
        help_text="Анкетирование приглашает только их, и этап 2 мониторинга учитывает только их ответы.",
    )
    mentor_sees_answers = models.BooleanField(
        "наставник видит ответы своих наставляемых",
        default=False,
        help_text="Иначе ответы видят только куратор и педагог-психолог.",
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name="копия анкеты",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(school__isnull=True), name="unique_builtin_questionnaire_code"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=QuestionnaireAudience.values), name="questionnaire_audience_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.school_id is None


class Question(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", "Открытый ответ"
        SINGLE = "single", "Один вариант"
        MULTIPLE = "multiple", "Несколько вариантов"
        SCALE = "scale", "Шкала"
        NUMBER = "number", "Число"
        YES_NO = "yes_no", "Да / нет"
        PARTNER = "partner", "Участник другой стороны программы"

    class Measure(models.TextChoices):
        """What stage 2 compares at entry and at exit."""

        ENGAGEMENT = "engagement", "Вовлечённость"
        ACTIVITY = "activity", "Активность"
        SELF_ESTEEM = "self_esteem", "Самооценка"
        ANXIETY = "anxiety", "Тревожность"
        MOTIVATION = "motivation", "Мотивация"
        SATISFACTION = "satisfaction", "Удовлетворённость"
        AVERAGE_GRADE = "average_grade", "Средний балл"
        ATTENDANCE = "attendance", "Посещаемость"
        CONTESTS = "contests", "Олимпиады и конкурсы"
        PROFESSIONAL_CONTESTS = "pro_contests", "Профессиональные конкурсы"
        METHODICAL_WORK = "methodical_work", "Методическая работа"
        DIFFICULTIES = "difficulties", "Профессиональные затруднения"

    class Topic(models.TextChoices):
        """Where stage 1 puts an answer: strengths and weaknesses, expectations against results."""

        STRENGTHS = "strengths", "Сильные стороны"
        WEAKNESSES = "weaknesses", "Слабые стороны"
        OPPORTUNITIES = "opportunities", "Возможности"
        THREATS = "threats", "Угрозы"
        EXPECTATIONS = "expectations", "Ожидания"
        RESULTS = "results", "Результаты"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField("№")
    text = models.TextField("вопрос")
    help_text = models.CharField("пояснение", max_length=500, blank=True)
    kind = models.CharField("тип ответа", max_length=20, choices=Kind.choices, default=Kind.OPEN)
    required = models.BooleanField("обязательный", default=True)
    choices = models.JSONField("варианты ответа", default=list, blank=True)
    scale_min = models.SmallIntegerField("от", null=True, blank=True)
    scale_max = models.SmallIntegerField("до", null=True, blank=True)
    scale_min_label = models.CharField("подпись к наименьшему значению", max_length=100, blank=True)
    scale_max_label = models.CharField("подпись к наибольшему значению", max_length=100, blank=True)
    measures = models.CharField("что измеряет", max_length=20, choices=Measure.choices, blank=True)
    topic = models.CharField("раздел анализа", max_length=20, choices=Topic.choices, blank=True)

    class Meta:
        verbose_name = "вопрос"
        verbose_name_plural = "вопросы"
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="scale")
                | Q(scale_min__isnull=False, scale_max__isnull=False, scale_max__gt=F("scale_min")),
                name="question_scale_has_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class SurveyQuerySet(SchoolOwnedQuerySet):
    def open_on(self, day: datetime.date):
        return self.filter(opens_on__lte=day, closes_on__gte=day, closed_at__isnull=True)

    def ended_by(self, day: datetime.date):
        """Past their end date, or closed early: a survey closed by hand takes no answer from that moment."""
        return self.filter(Q(closes_on__lt=day) | Q(closed_at__isnull=False))


class Survey(models.Model):
    """A questionnaire sent to chosen respondents for a period; for stage 2, an entry or exit survey."""

    class Phase(models.TextChoices):
        NONE = "", "Не этап мониторинга"
        ENTRY = "entry", "На входе в программу"
        EXIT = "exit", "По итогам программы"

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="анкета", on_delete=models.PROTECT, related_name="surveys"
    )
    programme = models.ForeignKey(
        Programme, verbose_name="программа", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField("название", max_length=300)
    phase = models.CharField("этап мониторинга", max_length=10, choices=Phase.choices, blank=True)
    opens_on = models.DateField("начало")
    closes_on = models.DateField("окончание")
    closed_at = models.DateTimeField(
        "закрыто",
        null=True,
        blank=True,
        help_text="Когда анкетирование закрыто: досрочно куратором или плановой работой после окончания.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = "анкетирование"
        verbose_name_plural = "анкетирования"
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(phase="") | Q(programme__isnull=False), name="survey_stage_2_has_programme"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def has_ended(self, day: datetime.date) -> bool:
        return self.closed_at is not None or day > self.closes_on


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """One respondent of a survey: a person, or a parent answering about a pupil; by account or by link."""

    class Respondent(models.TextChoices):
        SELF = "self", "Сам участник"
        PARENT = "parent", "Родитель (законный представитель)"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    respondent = models.CharField(
        "кто отвечает", max_length=10, choices=Respondent.choices, default=Respondent.SELF
    )
    pair = models.ForeignKey(
        Pair, verbose_name="пара", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField("роль в программе", max_length=20, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_link_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "респондент"
        verbose_name_plural = "респонденты"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person", "respondent"], name="one_invitation_per_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.survey}"


class Response(models.Model):
    """What one respondent answered; `draft` keeps what was typed until it is submitted. A response the
    curator entered from a paper blank names who entered it and when; it counts like any other."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    draft = models.JSONField("черновик", default=dict, blank=True)
    submitted_at = models.DateTimeField("отправлено", null=True, blank=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    paper_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс с бумажного бланка",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paper_entered_at = models.DateTimeField("внесено с бумажного бланка", null=True, blank=True)
    # Kept with the answers (`answers_store`) so that a pair's health reads one flag per response instead of
    # every answer of the municipality.
    low_mark = models.BooleanField("есть оценка в нижней трети шкалы", default=False, editable=False)

    class Meta:
        verbose_name = "ответ на анкету"
        verbose_name_plural = "ответы на анкеты"
        indexes = [
            models.Index(fields=["invitation"], condition=Q(low_mark=True), name="response_with_low_mark"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(paper_entered_by__isnull=True, paper_entered_at__isnull=True)
                | Q(
                    paper_entered_by__isnull=False,
                    paper_entered_at__isnull=False,
                    submitted_at__isnull=False,
                ),
                name="response_paper_entry_names_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return str(self.invitation)

    @property
    def from_paper(self) -> bool:
        return self.paper_entered_at is not None


# A scale answer in the lowest third of its scale: «плохо» of a feedback questionnaire.
LOW_MARK = Q(
    question__kind=Question.Kind.SCALE,
    number__lte=F("question__scale_min") + (F("question__scale_max") - F("question__scale_min")) / 3,
)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField("текст", blank=True)
    number = models.DecimalField("число", max_digits=10, decimal_places=2, null=True, blank=True)
    chosen = models.JSONField("выбранные варианты", default=list, blank=True)

    class Meta:
        verbose_name = "ответ на вопрос"
        verbose_name_plural = "ответы на вопросы"
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.text or self.number or self.chosen}"
