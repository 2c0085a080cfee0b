"""Pairs and groups (наставнические пары/группы) with their lifecycle, matching proposals, meetings."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mentoring.models import MenteeEntry, MentorEntry, Organisation, Role, SchoolOwnedQuerySet, SingleLine
from programs.models import Programme, RoleModel


def role_model_field() -> models.ForeignKey:
    return models.ForeignKey(
        RoleModel,
        verbose_name="ролевая модель",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class PairQuerySet(SchoolOwnedQuerySet):
    """Who sees a pair: the school's readers, its mentor, its mentees; who works in it: curator and mentor.
    Mentor and mentee meet their pair once the director has approved it."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        schools = Organisation.objects.readable_by(user)
        return self.filter(Q(school__in=schools) | mentor_is(user) | mentee_is(user))

    def workable_by(self, user):
        """The plan and the meetings: the curator of the school and the pair's own mentor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(school__in=Organisation.objects.writable_by(user)) | mentor_is(user))

    def approvable_by(self, user):
        return self.filter(school__in=Organisation.objects.writable_by(user, roles={Role.DIRECTOR}))

    def current(self):
        return self.filter(status__in=Pair.CURRENT)

    def awaiting_order(self):
        """Pairs a pairs order may still name: proposed ones, and current ones approved without an order."""
        return self.filter(Q(status=Pair.Status.PROPOSED) | Q(status__in=Pair.ORDERED, order__isnull=True))

    def mentored_by(self, user):
        return self.filter(mentor_is(user))

    def of_mentee_user(self, user):
        return self.filter(mentee_is(user))

    def of_participant(self, user):
        """The pairs the user works in as their mentor or one of their mentees, in whatever school."""
        return self.filter(mentor_is(user) | mentee_is(user))


def mentor_is(user) -> Q:
    return Q(mentor__person__user=user) & ~Q(status=Pair.Status.PROPOSED)


def mentee_is(user) -> Q:
    own = PairMentee.objects.filter(mentee__person__user=user).values("pair")
    return Q(pk__in=own) & ~Q(status=Pair.Status.PROPOSED)


class Health(models.TextChoices):
    """How a pair at work goes, read from the signs pairs/health.py annotates."""

    WORKING = "working", "В работе"
    ATTENTION = "attention", "Нужно внимание"
    THREAT = "threat", "Под угрозой"


# The one rule of health, which both `pairs.health.with_health` (in SQL) and `Pair.health` (in Python) read:
# any of these signs puts a pair at work under threat; any of the next ones makes it need attention.
THREAT_SIGNS = ("silent_long", "consent_ending")
ATTENTION_SIGNS = ("silent", "plan_overdue", "negative_feedback")


def mentees_label_of(names: Iterable[str]) -> str:
    """The mentees of a pair or a group in one line, as its name and its lists show them."""
    return ", ".join(names)


def pair_name(mentor: str, mentees: str) -> str:
    """A pair or a group by its people: «наставник — наставляемый, наставляемый»."""
    return f"{mentor} — {mentees}"


class Pair(models.Model):
    """One mentor and one mentee (a pair) or several (a group) in a programme."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Предложена"
        APPROVED = "approved", "Утверждена"
        ACTIVE = "active", "Работает"
        COMPLETED = "completed", "Завершена"
        TERMINATED = "terminated", "Прекращена"

    # A pair holds its mentees and its mentor's capacity from the proposal until it ends.
    CURRENT = (Status.PROPOSED, Status.APPROVED, Status.ACTIVE)
    # Current pairs past the proposal: the pairs order should name them; without one they show «без приказа».
    ORDERED = (Status.APPROVED, Status.ACTIVE)
    TRANSITIONS = {
        Status.PROPOSED: (Status.APPROVED, Status.TERMINATED),
        Status.APPROVED: (Status.ACTIVE, Status.TERMINATED),
        Status.ACTIVE: (Status.COMPLETED, Status.TERMINATED),
        Status.COMPLETED: (),
        Status.TERMINATED: (),
    }

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        Programme, verbose_name="программа", on_delete=models.PROTECT, related_name="pairs"
    )
    mentor = models.ForeignKey(
        MentorEntry, verbose_name="наставник", on_delete=models.PROTECT, related_name="pairs"
    )
    role_model = role_model_field()
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.PROPOSED)
    goal = models.TextField("цель персонализированной программы", blank=True)
    started_on = models.DateField("начало работы", null=True, blank=True)
    ends_on = models.DateField("окончание работы (план)", null=True, blank=True)
    ended_on = models.DateField("завершена", null=True, blank=True)
    termination_reason = models.TextField("причина прекращения", blank=True)
    order = models.ForeignKey(
        "mentoring.Document",
        verbose_name="приказ об утверждении",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    explanation = models.JSONField("почему предложена", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="сформировал",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("сформирована", auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = "наставническая пара (группа)"
        verbose_name_plural = "наставнические пары и группы"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["mentor", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ends_on__gt=models.F("started_on")),
                name="pair_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="pair_termination_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return pair_name(self.mentor.person.full_name, self.mentees_label)

    @property
    def mentees_label(self) -> str:
        return mentees_label_of(m.mentee.person.full_name for m in self.members.all())

    @property
    def role_model_label(self) -> str:
        """The role model the members share; in a group whose members differ, each member's own."""
        members = self.members.all()
        named = {member.role_model.name for member in members if member.role_model}
        if len(named) <= 1 or not self.is_group:
            return self.role_model.name if self.role_model else ""
        return "; ".join(
            f"{member.mentee.person.full_name} — {member.role_model or 'не указана'}" for member in members
        )

    @property
    def is_group(self) -> bool:
        return len(self.members.all()) > 1

    @property
    def kind_label(self) -> str:
        return "группа" if self.is_group else "пара"

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT

    @property
    def lacks_order(self) -> bool:
        """Approved (earlier, or before the product) with no pairs order naming it yet: «без приказа»."""
        return self.status in self.ORDERED and self.order_id is None

    @property
    def awaits_order(self) -> bool:
        return self.status == self.Status.PROPOSED or self.lacks_order

    @cached_property
    def health(self) -> str:
        """A Health value, empty for a pair not at work, for a pair annotated by `pairs.health.with_signs`
        (`with_health` annotates it in SQL instead, where it filters and counts)."""
        if self.status != self.Status.ACTIVE:
            return ""
        if any(getattr(self, sign) for sign in THREAT_SIGNS):
            return Health.THREAT
        if any(getattr(self, sign) for sign in ATTENTION_SIGNS):
            return Health.ATTENTION
        return Health.WORKING

    @property
    def health_label(self) -> str:
        """For a pair annotated by `pairs.health.with_signs`."""
        return Health(self.health).label if self.health else ""

    @property
    def health_reasons(self) -> list[str]:
        """Why a pair annotated by `pairs.health.with_signs` is not simply «в работе»."""
        if not self.health:
            return []
        reasons = []
        if self.silent:
            reasons.append(f"нет встреч с {self.last_contact:%d.%m.%Y}")
        if self.consent_ending:
            reasons.append("согласие наставляемого закончилось или скоро закончится")
        if self.plan_overdue:
            reasons.append("просрочены пункты плана")
        if self.negative_feedback:
            reasons.append("низкая оценка в анкете обратной связи")
        return reasons

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.Status(self.status)]


class PairMentee(models.Model):
    """A mentee of a pair or group. `programme` and `is_current` are copied from the pair so that the database
    itself refuses a mentee in two current pairs of one programme."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="members")
    mentee = models.ForeignKey(
        MenteeEntry, verbose_name="наставляемый", on_delete=models.PROTECT, related_name="pair_memberships"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(default=True)
    # Each member's own: in a group of a 1st- and an 8th-grader the role model follows from the mentor and
    # that member, not from the group.
    role_model = role_model_field()

    class Meta:
        verbose_name = "наставляемый пары"
        verbose_name_plural = "наставляемые пары"
        ordering = ["mentee__person__last_name", "mentee__person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "mentee"], name="unique_mentee_in_pair"),
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(is_current=True),
                name="one_current_pair_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return str(self.mentee.person)


# A pair's mentees with their people, as every page that lists pairs shows them.
MEMBERS = models.Prefetch(
    "members", queryset=PairMentee.objects.select_related("mentee__person", "role_model")
)


class PlanItemQuerySet(models.QuerySet):
    def of_started_pairs(self):
        """A pair that has not begun work (proposed, approved) has nothing due yet: its terms run from its
        start."""
        return self.filter(pair__started_on__isnull=False)

    def overdue(self, today: datetime.date):
        return self.of_started_pairs().filter(done_on__isnull=True, due_on__lt=today)


class PlanItem(models.Model):
    """A row of a pair's personalised programme (персонализированная программа): seed 004's plan."""

    class Area(models.TextChoices):
        PSYCHOLOGICAL = "psychological", "Психолого-педагогическое"
        METHODICAL = "methodical", "Методическое"
        ICT = "ict", "ИКТ-компетенции"
        DIGITAL = "digital", "Цифровизация образования"
        UPBRINGING = "upbringing", "Внеурочная и воспитательная деятельность"
        HEALTH = "health", "Здоровьесбережение обучающихся"
        LEARNING = "learning", "Образовательные результаты"
        PERSONAL = "personal", "Личностное развитие и адаптация"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="plan_items")
    number = models.PositiveSmallIntegerField("№")
    activity = models.TextField("мероприятия")
    work_form = models.TextField("виды, форма деятельности", blank=True)
    area = models.CharField("направление", max_length=20, choices=Area.choices, blank=True)
    direction = models.TextField("этапы деятельности, направления деятельности", blank=True)
    risks = models.TextField("возможные риски", blank=True)
    prevention = models.TextField("способы предотвращения", blank=True)
    expected_result = models.TextField("ожидаемые результаты", blank=True)
    criteria = models.TextField("критерии оценивания эффективности мер", blank=True)
    term = models.CharField(
        "срок", max_length=200, help_text="Например: «до 15.10.2026», «в течение 1 четверти»."
    )
    due_on = models.DateField("выполнить до", null=True, blank=True)
    done_on = models.DateField("отметка о выполнении", null=True, blank=True)
    done_note = models.TextField("комментарий к отметке", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отметил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = "пункт плана"
        verbose_name_plural = "план мероприятий"
        ordering = ["number", "pk"]
        indexes = [
            # Pairs' health asks for the overdue items of every pair at work at once.
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="plan_item_open_by_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(term=""), name="plan_item_has_term"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=False) | Q(done_note=""), name="plan_item_note_needs_mark"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.activity[:60]}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        if self.is_done or self.due_on is None or self.pair.started_on is None:
            return False
        return self.due_on < timezone.localdate()


class PairStatusChange(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField("было", max_length=20, choices=Pair.Status.choices, blank=True)
    to_status = models.CharField("стало", max_length=20, choices=Pair.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField("когда", default=timezone.now)
    note = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "изменение статуса пары"
        verbose_name_plural = "история статусов пары"
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Preference(models.Model):
    """One side's ranked choice of a partner after the group meeting (seed 002 §5)."""

    class Side(models.TextChoices):
        MENTEE = "mentee", "Наставляемый выбирает наставника"
        MENTOR = "mentor", "Наставник выбирает наставляемого"

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="preferences")
    side = models.CharField("кто выбирает", max_length=10, choices=Side.choices)
    mentor = models.ForeignKey(
        MentorEntry, verbose_name="наставник", on_delete=models.CASCADE, related_name="+"
    )
    mentee = models.ForeignKey(
        MenteeEntry, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField("место в выборе")

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "предпочтение"
        verbose_name_plural = "предпочтения"
        ordering = ["side", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "side", "mentor", "mentee"], name="unique_preference"
            ),
            models.UniqueConstraint(
                fields=["programme", "mentee", "rank"],
                condition=Q(side="mentee"),
                name="unique_mentee_choice_rank",
            ),
            models.UniqueConstraint(
                fields=["programme", "mentor", "rank"],
                condition=Q(side="mentor"),
                name="unique_mentor_choice_rank",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="preference_rank_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.rank}"


class Proposal(models.Model):
    """A matching run the curator reviews and edits before accepting it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "На рассмотрении"
        ACCEPTED = "accepted", "Принято"

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    weights = models.JSONField("веса критериев", default=dict)
    mentors = models.ManyToManyField(MentorEntry, verbose_name="кандидаты в наставники", related_name="+")
    mentees = models.ManyToManyField(MenteeEntry, verbose_name="кандидаты в наставляемые", related_name="+")
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    accepted_at = models.DateTimeField("принято", null=True, blank=True)

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "предложение пар"
        verbose_name_plural = "предложения пар"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Предложение от {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"


class ProposedPair(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(MentorEntry, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(MenteeEntry, on_delete=models.CASCADE, related_name="+")
    role_model = models.ForeignKey(
        RoleModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.IntegerField("баллы", default=0)
    contributions = models.JSONField("вклад критериев", default=dict)
    by_hand = models.BooleanField("добавлена вручную", default=False)

    class Meta:
        ordering = ["mentor__person__last_name", "mentor__person__first_name", "mentor", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "mentee"], name="one_proposed_pair_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.mentee}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        ORGANISATIONAL = "organisational", "Организационная встреча"
        TRIAL = "trial", "Пробная рабочая встреча"
        PLANNING = "planning", "Встреча-планирование"
        REGULAR = "regular", "Регулярная встреча"
        FINAL = "final", "Заключительная встреча"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "Очно"
        ONLINE = "online", "Онлайн"

    class Status(models.TextChoices):
        PLANNED = "planned", "Запланирована"
        HELD = "held", "Проведена"

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(Pair, verbose_name="пара", on_delete=models.CASCADE, related_name="meetings")
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.HELD)
    starts_at = models.DateTimeField("дата и время")
    kind = models.CharField("вид встречи", max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    format = models.CharField("формат", max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    topic = models.CharField("тема", max_length=300, validators=[SingleLine("Тема встречи")])
    duration_minutes = models.PositiveSmallIntegerField("продолжительность, минут", default=45)
    outcome = models.TextField("итог встречи", blank=True)
    next_step = models.TextField("следующий шаг", blank=True)
    present = models.ManyToManyField(MenteeEntry, verbose_name="присутствовали", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("внесена", auto_now_add=True)

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "встреча"
        verbose_name_plural = "встречи"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["pair", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="meeting_duration_5_to_600",
            )
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M} — {self.topic}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The private link of a mentor's meetings as an iCalendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Календарь {self.user}"


class MentorHoursMonth(models.Model):
    """A month of the mentors' hours approved by the director. The figures are kept as approved, so that the
    timesheet of an approved month shows what was approved whatever is logged later; withdrawing the
    approval deletes the row and opens the month's held meetings for corrections again."""

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("месяц", help_text="Первое число месяца.")
    figures = models.JSONField("часы и оплата, как утверждены")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("утверждено", default=timezone.now)

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "утверждённый месяц часов наставников"
        verbose_name_plural = "утверждённые месяцы часов наставников"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["school", "month"], name="one_hours_approval_per_school_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="hours_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y}"
