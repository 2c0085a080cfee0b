"""The core: organisations, users and their roles, people, consents and the two bases."""

from __future__ import annotations

import datetime
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .reference import nomination_reasons
from .search import person_search_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .documents import DocumentSpec

# Line breaks, tabs and the other control characters (the C0 and C1 sets, the Unicode line and paragraph
# separators): invisible in a form, they break the lists' rows, the exports' cells and the documents' lines.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@deconstructible
class SingleLine:
    """A text typed on one line: a name, a title, a topic. `what` names it in the Russian error."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, value: str) -> None:
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError(
                f"{self.what} не может содержать переводы строк и табуляцию: напишите текст в одну строку.",
                code="single_line",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLine) and other.what == self.what


class User(AbstractUser):
    patronymic = models.CharField("отчество", max_length=150, blank=True)

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"

    def __str__(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p) or self.username


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Муниципальный координатор"
    DIRECTOR = "director", "Директор"
    CURATOR = "curator", "Куратор"
    MENTOR = "mentor", "Наставник"
    MENTEE = "mentee", "Наставляемый"
    TEACHER = "teacher", "Педагог"
    PSYCHOLOGIST = "psychologist", "Педагог-психолог"


# Who may read the people and the two bases of a school, and who may change them.
BASE_READERS = frozenset({Role.DIRECTOR, Role.CURATOR, Role.PSYCHOLOGIST})
BASE_WRITERS = frozenset({Role.CURATOR})
# Least privilege (152-ФЗ): the special categories of the mentee base (a preventive register, health) and the
# consent scans are for the school's director and curator only; the psychologist reads the base without them.
SENSITIVE_READERS = frozenset({Role.DIRECTOR, Role.CURATOR})


class OrganisationQuerySet(models.QuerySet):
    def schools(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.SCHOOL)

    def readable_by(self, user, roles=BASE_READERS) -> OrganisationQuerySet:
        """Schools where the user holds one of the roles, and every school of a department it coordinates."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.counting_for(user)
        own = memberships.filter(role__in=roles).values("organisation")
        coordinated = memberships.filter(role=Role.COORDINATOR).values("organisation")
        return self.schools().filter(Q(pk__in=own) | Q(department__in=coordinated))

    def writable_by(self, user, roles=BASE_WRITERS) -> OrganisationQuerySet:
        """Schools where the user holds a writing role; a coordinator writes nothing in a school."""
        if not user.is_authenticated:
            return self.none()
        own = Membership.objects.counting_for(user).filter(role__in=roles).values("organisation")
        return self.schools().filter(pk__in=own)


def validate_order_number_format(value: str) -> None:
    if value.count("{n}") != 1 or value.replace("{n}", "").count("{") or value.replace("{n}", "").count("}"):
        raise ValidationError("Формат номера приказа должен содержать {n} ровно один раз, например «{n}-о».")


class MentorPayRule(models.TextChoices):
    """How the school pays a teacher for mentoring (Трудовой кодекс, ст. 351.8): the school decides."""

    PER_HOUR = "per_hour", "За час работы с наставляемыми"
    PER_PAIR_MONTH = "per_pair_month", "За каждую пару (группу) в месяц"
    FIXED = "fixed", "Фиксированная доплата в месяц"


PAY_RULE_AND_RATE_TOGETHER = (
    "Порядок оплаты наставничества и размер оплаты задаются вместе: выберите порядок и укажите размер "
    "в рублях или очистите оба поля."
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Орган управления образованием"
        SCHOOL = "school", "Образовательная организация"

    class PublicContacts(models.TextChoices):
        SCHOOL = "school", "Телефон и электронная почта школы"
        CURATOR = "curator", "Телефон и электронная почта куратора"

    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    department = models.ForeignKey(
        "self",
        verbose_name="управление образования",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
        limit_choices_to={"kind": "department"},
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    director_name = models.CharField("ФИО руководителя", max_length=200, blank=True)
    director_position = models.CharField("должность руководителя", max_length=200, default="Директор")
    address = models.CharField("адрес", max_length=500, blank=True)
    locality = models.CharField(
        "место издания документов",
        max_length=100,
        blank=True,
        help_text="Населённый пункт, как он пишется под датой приказа: «г. Энск», «с. Новоцимлянское».",
    )
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    order_number_format = models.CharField(
        "формат номера приказа",
        max_length=30,
        default="{n}-о",
        validators=[validate_order_number_format],
        help_text="{n} — порядковый номер приказа в году: «{n}-о» даёт «45-о».",
    )
    public_slug = models.SlugField(
        "адрес страницы «Наставничество»",
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text="Латинские буквы, цифры и дефис: «sosh-1» даёт адрес /s/sosh-1/nastavnichestvo/.",
    )
    public_contacts = models.CharField(
        "контакты на странице «Наставничество»",
        max_length=20,
        choices=PublicContacts.choices,
        default=PublicContacts.SCHOOL,
    )

    named_lists_for_coordinator = models.BooleanField(
        "координатор видит списки и карточки участников школ",
        default=False,
        help_text="Только для управления образования. Без отметки муниципальный координатор видит по школам "
        "лишь числа: сколько участников, наставников и наставляемых.",
    )
    mentor_consent_required = models.BooleanField(
        "педагог становится наставником только с письменного согласия",
        default=True,
        help_text="Трудовой кодекс, ст. 351.8. Снимите отметку, если наставники школы — добровольцы "
        "не из числа её работников.",
    )
    mentor_pay_rule = models.CharField(
        "порядок оплаты наставничества", max_length=20, choices=MentorPayRule.choices, blank=True
    )
    mentor_pay_rate = models.DecimalField(
        "размер оплаты, руб.",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="За час, за пару в месяц или в месяц — смотря по порядку оплаты.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="department", department__isnull=True) | Q(kind="school"),
                name="department_has_no_parent",
            ),
            models.CheckConstraint(
                condition=Q(mentor_pay_rule="", mentor_pay_rate__isnull=True)
                | (~Q(mentor_pay_rule="") & Q(mentor_pay_rate__isnull=False)),
                name="mentor_pay_rule_with_rate",
                violation_error_message=PAY_RULE_AND_RATE_TOGETHER,
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    def order_number(self, sequence: int) -> str:
        return self.order_number_format.replace("{n}", str(sequence))


class MembershipQuerySet(models.QuerySet):
    def counting_for(self, user) -> MembershipQuerySet:
        """The memberships that count for the user now (see mentoring/access.py): in a request, those of the
        organisation it acts in; outside a request, all of them."""
        memberships = self.filter(user=user)
        acting_in = getattr(user, "acting_in", None)
        return memberships if acting_in is None else memberships.filter(organisation=acting_in)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("роль", max_length=20, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "роль в организации"
        verbose_name_plural = "роли в организациях"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class RoleInvitation(models.Model):
    """An invitation by e-mail to take a role in an organisation. Its link is signed and expires (see
    mentoring/accounts.py); once accepted it is spent. A mentor's or mentee's invitation names the person
    of the bases whose account it becomes."""

    email = models.EmailField("электронная почта")
    organisation = models.ForeignKey(
        Organisation, verbose_name="организация", on_delete=models.CASCADE, related_name="role_invitations"
    )
    role = models.CharField("роль", max_length=20, choices=Role.choices)
    person = models.ForeignKey(
        "Person", verbose_name="участник", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        User, verbose_name="пригласил", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("отправлено", auto_now_add=True)
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, verbose_name="принял", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "приглашение"
        verbose_name_plural = "приглашения"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["mentor", "mentee"], person__isnull=False)
                | (~Q(role__in=["mentor", "mentee"]) & Q(person__isnull=True)),
                name="invitation_person_for_participants_only",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False),
                name="invitation_accepted_by_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()}, {self.organisation}"


class SchoolOwnedQuerySet(models.QuerySet):
    """The one scoping rule of school-owned rows: what a user may read, and what it may change."""

    def visible_to(self, user):
        return self.filter(school__in=Organisation.objects.readable_by(user))

    def editable_by(self, user):
        return self.filter(school__in=Organisation.objects.writable_by(user))

    def for_school(self, school: Organisation):
        return self.filter(school=school)

    def active(self):
        return self.filter(archived_at__isnull=True)


class MenteeCategory(models.Model):
    """Reference data: who is put into the mentee base (seed 002 §8, seed 003)."""

    code = models.SlugField("код", unique=True)
    name = models.CharField("категория", max_length=300, validators=[SingleLine("Название категории")])
    order = models.PositiveSmallIntegerField("порядок", default=0)
    sensitive = models.BooleanField(
        "особая категория",
        default=False,
        help_text="Видят только директор и куратор школы: профилактический учёт, здоровье.",
    )

    class Meta:
        verbose_name = "категория наставляемых"
        verbose_name_plural = "категории наставляемых"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


CLASS_RE = re.compile(r"^\s*(\d{1,2})\s*-?\s*[«\"']?\s*([А-ЯЁа-яё])?\s*[»\"']?\s*$")


def parse_school_class(value: str) -> tuple[int, str]:
    """«7Б», «7 «Б»», «7-б» or «11» → (7, "Б"); anything else is no class."""
    match = CLASS_RE.match(value or "")
    if not match or not 1 <= int(match.group(1)) <= 11:
        raise ValidationError(f"«{value}» — не класс: укажите номер от 1 до 11 и букву, например 7 «Б».")
    return int(match.group(1)), (match.group(2) or "").upper()


def format_school_class(grade: int | None, letter: str) -> str:
    if not grade:
        return ""
    return f"{grade} «{letter}»" if letter else str(grade)


NAME_PARTS = ("last_name", "first_name", "patronymic")


def full_name_of(*name_parts: str) -> str:
    """«Фамилия Имя Отчество», without the parts a person lacks."""
    return " ".join(part for part in name_parts if part)


class PersonQuerySet(SchoolOwnedQuerySet):
    # The bulk writes (the import's batches, the demo's schools) skip save(), which keeps the search field.
    def bulk_create(self, objs: Iterable[Person], *args, **kwargs) -> list[Person]:
        objs = list(objs)
        for person in objs:
            person.fill_search_name()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[Person], fields: Iterable[str], *args, **kwargs) -> int:
        objs, fields = list(objs), list(fields)
        if set(fields) & set(NAME_PARTS):
            for person in objs:
                person.fill_search_name()
            fields.append("search_name")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def named_like(
        self, *, last_name: str, first_name: str, patronymic: str, birth_date: datetime.date | None
    ) -> list[Person]:
        """The people with this name and birth date, likely the same person typed in again: the name compared
        as searches compare it (whatever the case, «ё» or «е», and the spaces)."""
        search_name = person_search_name(last_name, first_name, patronymic)
        return list(self.filter(birth_date=birth_date, search_name=search_name).order_by("pk"))

    def with_consent_flag(self):
        return self.annotate(
            has_consent_flag=Exists(Consent.objects.filter(person=OuterRef("pk"), revoked_at__isnull=True))
        )


class Person(models.Model):
    class Kind(models.TextChoices):
        PUPIL = "pupil", "Обучающийся"
        TEACHER = "teacher", "Педагог"
        STAFF = "staff", "Другой сотрудник"
        GRADUATE = "graduate", "Выпускник"
        STUDENT = "student", "Студент колледжа или вуза"
        EMPLOYER = "employer", "Представитель работодателя"

    class Category(models.TextChoices):
        NONE = "", "Без категории"
        FIRST = "first", "Первая"
        HIGHEST = "highest", "Высшая"
        CONFORMITY = "conformity", "Соответствие занимаемой должности"

    school = models.ForeignKey(
        Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="people"
    )
    last_name = models.CharField("фамилия", max_length=100, validators=[SingleLine("Фамилия")])
    first_name = models.CharField("имя", max_length=100, validators=[SingleLine("Имя")])
    patronymic = models.CharField("отчество", max_length=100, blank=True, validators=[SingleLine("Отчество")])
    # The name as searches compare it (mentoring/search.py), kept by save() and by every bulk write;
    # on PostgreSQL a trigram index (migration 0026) serves its LIKE.
    search_name = models.CharField("ФИО для поиска", max_length=302, blank=True, editable=False)
    birth_date = models.DateField("дата рождения", null=True, blank=True)
    kind = models.CharField("кто это", max_length=20, choices=Kind.choices, default=Kind.PUPIL)
    grade = models.PositiveSmallIntegerField(
        "класс (номер)", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    class_letter = models.CharField("класс (буква)", max_length=1, blank=True)
    position = models.CharField("должность", max_length=200, blank=True, validators=[SingleLine("Должность")])
    subjects = models.CharField(
        "предметы", max_length=300, blank=True, validators=[SingleLine("Перечень предметов")]
    )
    experience_years = models.PositiveSmallIntegerField("педагогический стаж, лет", null=True, blank=True)
    qualification_category = models.CharField(
        "квалификационная категория", max_length=20, choices=Category.choices, blank=True
    )
    homeroom_grade = models.PositiveSmallIntegerField(
        "классное руководство (номер класса)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(11)],
    )
    homeroom_letter = models.CharField("классное руководство (буква класса)", max_length=1, blank=True)
    organisation_name = models.CharField(
        "место учёбы или работы",
        max_length=300,
        blank=True,
        help_text="Для студентов и работодателей.",
        validators=[SingleLine("Место учёбы или работы")],
    )
    phone = models.CharField("телефон", max_length=50, blank=True, validators=[SingleLine("Телефон")])
    email = models.EmailField("электронная почта", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="учётная запись",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    archived_at = models.DateTimeField("в архиве с", null=True, blank=True)
    # The day a pupil left the school with the end of its year: the retention period counts from it.
    left_school_on = models.DateField("дата выбытия из школы", null=True, blank=True)
    # Set once the personal data is destroyed (mentoring/depersonalisation.py): the record is read-only.
    depersonalised_at = models.DateTimeField("обезличен", null=True, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "участник"
        verbose_name_plural = "участники"
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [
            models.Index(fields=["school", "last_name", "first_name"]),
            models.Index(fields=["school", "grade", "class_letter"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=11), name="person_grade_1_to_11"
            ),
            models.CheckConstraint(
                condition=Q(homeroom_grade__isnull=True) | Q(homeroom_grade__gte=1, homeroom_grade__lte=11),
                name="person_homeroom_grade_1_to_11",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.fill_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(NAME_PARTS):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def fill_search_name(self) -> None:
        """For the writes that skip save(): bulk_create, bulk_update."""
        self.search_name = person_search_name(self.last_name, self.first_name, self.patronymic)

    @property
    def full_name(self) -> str:
        return full_name_of(self.last_name, self.first_name, self.patronymic)

    @property
    def school_class(self) -> str:
        return format_school_class(self.grade, self.class_letter)

    @property
    def homeroom_class(self) -> str:
        """The class a teacher leads as its class teacher (классный руководитель), «7 «Б»»."""
        return format_school_class(self.homeroom_grade, self.homeroom_letter)

    def age_on(self, day: datetime.date) -> int | None:
        if not self.birth_date:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_minor(self) -> bool:
        """A pupil without a birth date is treated as a minor: when in doubt, ask a representative."""
        age = self.age_on(timezone.localdate())
        return self.kind == self.Kind.PUPIL if age is None else age < 18

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_depersonalised(self) -> bool:
        return self.depersonalised_at is not None

    def active_consent(self) -> Consent | None:
        return next((c for c in self.consents.all() if c.revoked_at is None), None)


class ConsentQuerySet(SchoolOwnedQuerySet):
    def in_force(self):
        return self.filter(revoked_at__isnull=True)


def consent_scan_path(consent: Consent, filename: str) -> str:
    return f"consents/{consent.school_id}/{consent.person_id}/{filename}"


class Consent(models.Model):
    """Согласие на обработку персональных данных."""

    class GivenBy(models.TextChoices):
        SELF = "self", "Сам участник"
        REPRESENTATIVE = "representative", "Родитель (законный представитель)"

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name="участник", on_delete=models.CASCADE, related_name="consents"
    )
    given_by = models.CharField(
        "кем дано", max_length=20, choices=GivenBy.choices, default=GivenBy.REPRESENTATIVE
    )
    representative_name = models.CharField(
        "ФИО представителя", max_length=300, blank=True, validators=[SingleLine("ФИО представителя")]
    )
    representative_relation = models.CharField(
        "кем приходится",
        max_length=100,
        blank=True,
        help_text="Мать, отец, опекун…",
        validators=[SingleLine("Степень родства")],
    )
    date = models.DateField("дата согласия")
    scan = models.FileField("скан согласия", upload_to=consent_scan_path, blank=True)
    revoked_at = models.DateField("отозвано", null=True, blank=True)
    revocation_note = models.CharField("основание отзыва", max_length=500, blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="self") | ~Q(representative_name=""),
                name="consent_representative_named",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at__isnull=True), name="one_consent_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"Согласие от {self.date:%d.%m.%Y}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None


def consent_in_force(person_ref: str) -> Exists:
    """Whether the person the outer row names has a consent in force."""
    return Exists(Consent.objects.filter(person=OuterRef(person_ref), revoked_at__isnull=True))


def consent_date(person_ref: str) -> Subquery:
    """The date of the consent in force of the person the outer row names."""
    in_force = Consent.objects.filter(person=OuterRef(person_ref), revoked_at__isnull=True)
    return Subquery(in_force.values("date")[:1])


class BaseEntryQuerySet(SchoolOwnedQuerySet):
    def with_person(self):
        return self.select_related("person").annotate(
            has_consent_flag=Exists(
                Consent.objects.filter(person=OuterRef("person"), revoked_at__isnull=True)
            )
        )


class BaseEntry(models.Model):
    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    forms = models.ManyToManyField(
        "programs.MentoringForm", verbose_name="формы наставничества", blank=True, related_name="+"
    )
    interests = models.TextField("интересы", blank=True)
    note = models.TextField("примечание", blank=True)
    included_on = models.DateField("включён в базу", default=timezone.localdate)
    archived_at = models.DateTimeField("в архиве с", null=True, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = BaseEntryQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["person__last_name", "person__first_name", "person__patronymic"]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class MentorEntry(BaseEntry):
    """An entry of the mentor base (база наставников)."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Кандидат"
        SELECTED = "selected", "Отобран"
        TRAINED = "trained", "Обучен"
        ACTIVE = "active", "Действующий наставник"
        LEFT = "left", "Выбыл"

    person = models.OneToOneField(
        Person, verbose_name="участник", on_delete=models.PROTECT, related_name="mentor_entry"
    )
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.CANDIDATE)
    competencies = models.TextField("компетенции", blank=True)
    achievements = models.TextField("достижения", blank=True)
    subjects = models.CharField(
        "предметы", max_length=300, blank=True, validators=[SingleLine("Перечень предметов")]
    )
    capacity = models.PositiveSmallIntegerField(
        "сколько наставляемых может вести",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    trained_on = models.DateField("обучен в «Школе наставников»", null=True, blank=True)

    class Meta(BaseEntry.Meta):
        verbose_name = "запись базы наставников"
        verbose_name_plural = "база наставников"
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=10), name="mentor_capacity_1_to_10"
            ),
        ]


class MenteeEntry(BaseEntry):
    """An entry of the mentee base (база наставляемых)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Ожидает наставника"
        PAIRED = "paired", "В паре"
        COMPLETED = "completed", "Завершил программу"
        LEFT = "left", "Выбыл"

    class ReportedBy(models.TextChoices):
        CLASS_TEACHER = "class_teacher", "Классный руководитель"
        PSYCHOLOGIST = "psychologist", "Педагог-психолог"
        SOCIAL_PEDAGOGUE = "social_pedagogue", "Социальный педагог"
        PARENTS = "parents", "Родители (законные представители)"
        ADMINISTRATION = "administration", "Администрация школы"
        SELF = "self", "Сам участник"

    person = models.OneToOneField(
        Person, verbose_name="участник", on_delete=models.PROTECT, related_name="mentee_entry"
    )
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.WAITING)
    categories = models.ManyToManyField(
        MenteeCategory, verbose_name="категории", blank=True, related_name="+"
    )
    request = models.TextField("запрос", blank=True, help_text="С чем нужна помощь наставника.")
    reported_by = models.CharField(
        "кто выявил потребность", max_length=20, choices=ReportedBy.choices, blank=True
    )

    class Meta(BaseEntry.Meta):
        verbose_name = "запись базы наставляемых"
        verbose_name_plural = "база наставляемых"
        indexes = [models.Index(fields=["school", "status"])]


class NominationQuerySet(SchoolOwnedQuerySet):
    def pending(self) -> NominationQuerySet:
        return self.filter(status=Nomination.Status.PENDING)


class Nomination(models.Model):
    """A class teacher puts a pupil of its class forward for the mentee base (представление ученика в базу
    наставляемых); the curator accepts it, and the pupil enters the base, or declines it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", "Ждёт решения куратора"
        ACCEPTED = "accepted", "Принято: ученик в базе наставляемых"
        DECLINED = "declined", "Отклонено"

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name="ученик", on_delete=models.CASCADE, related_name="nominations"
    )
    categories = models.ManyToManyField(MenteeCategory, verbose_name="категории", related_name="+")
    reason = models.CharField("причина", max_length=30, choices=nomination_reasons)
    comment = models.TextField(
        "комментарий", blank=True, help_text="Что вы замечаете и с чем ученику нужна помощь наставника."
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="представил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("представлен", auto_now_add=True)
    status = models.CharField("решение", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="решение принял",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decline_reason = models.TextField("причина отказа", blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = "представление ученика в базу наставляемых"
        verbose_name_plural = "представления учеников в базу наставляемых"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="one_pending_nomination_per_pupil",
                violation_error_message="Ученик уже представлен и ждёт решения куратора.",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_nomination_has_reason",
                violation_error_message="Укажите причину отказа: педагог увидит её.",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="nomination_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Представление: {self.person}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


def document_upload_to(document: Document, filename: str) -> str:
    return f"documents/{document.school_id}/{document.year}/{document.pk}-v{document.version}.pdf"


def signed_scan_path(document: Document, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"signed/{document.school_id}/{document.year}/{document.pk}-signed{suffix}"


def document_specs() -> dict[str, DocumentSpec]:
    # The registry imports the models, and the apps fill it as they load: it is looked up when needed.
    from .documents import SPECS

    return SPECS


def validate_document_kind(kind: str) -> None:
    if kind not in document_specs():
        raise ValidationError(
            "Нет такого вида документа: «%(kind)s».", code="invalid_kind", params={"kind": kind}
        )


class Register(models.TextChoices):
    """The numbered registers a school keeps (журналы регистрации): each numbers its documents from 1 every
    calendar year, separately from the others."""

    ORDERS = "orders", "Приказы"
    CERTIFICATES = "certificates", "Сертификаты участников"


class DocumentQuerySet(SchoolOwnedQuerySet):
    def published(self) -> DocumentQuerySet:
        """What the school's public page shows: published, ready, of a publishable kind and about no one in
        particular, whatever a row says: a pupil's certificate marked published by mistake stays hidden."""
        publishable = [kind for kind, spec in document_specs().items() if spec.publishable]
        return (
            self.filter(published_at__isnull=False, status=Document.Status.READY, kind__in=publishable)
            .filter(pair__isnull=True, person__isnull=True)
            .exclude(file="")
        )

    def downloadable_by(self, user) -> DocumentQuerySet:
        """Ready documents a participant may take: the reports of its own pair and its own certificates."""
        for_mentor = [kind for kind, spec in document_specs().items() if spec.for_pair_mentor]
        return self.filter(status=Document.Status.READY).filter(
            Q(pair__mentor__person__user=user, kind__in=for_mentor) | Q(person__user=user)
        )


class Document(models.Model):
    """A PDF the school signs, files or hands out: asked for in a request, rendered by a worker.

    The number and the row are made in the asking request's transaction; the worker only renders and stores,
    so a retried or duplicated render never makes a second number or a second file.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "В очереди"
        RENDERING = "rendering", "Формируется"
        READY = "ready", "Готов"
        FAILED = "failed", "Ошибка"

    class FileRemoved(models.TextChoices):
        """Why a ready document has no file any more: a file of live login codes is not kept past them."""

        KEPT = "", "Файл на месте"
        CODES_EXPIRED = "codes_expired", "Файл удалён: срок действия кодов истёк"
        CODES_USED = "codes_used", "Файл удалён: все коды из него использованы или заменены новыми"

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("вид документа", max_length=30, validators=[validate_document_kind])
    year = models.PositiveSmallIntegerField("год")
    register = models.CharField("журнал регистрации", max_length=20, choices=Register.choices, blank=True)
    sequence = models.PositiveIntegerField("порядковый номер в журнале", null=True, blank=True)
    number = models.CharField("номер", max_length=30, blank=True)
    date = models.DateField("дата")
    title = models.CharField("заголовок", max_length=500)
    params = models.JSONField("параметры", default=dict, blank=True)
    pair = models.ForeignKey(
        "pairs.Pair", verbose_name="пара", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name="кому выдан", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.QUEUED)
    failure = models.TextField("причина ошибки", blank=True)
    version = models.PositiveSmallIntegerField("версия", default=1)
    file = models.FileField("файл", upload_to=document_upload_to, blank=True)
    file_version = models.PositiveSmallIntegerField("версия файла", default=0)
    file_removed = models.CharField(
        "файл удалён", max_length=20, choices=FileRemoved.choices, blank=True, default=FileRemoved.KEPT
    )
    enqueued_at = models.DateTimeField("отправлен на формирование", null=True, blank=True)
    started_at = models.DateTimeField("начато формирование", null=True, blank=True)
    rendered_at = models.DateTimeField("сформирован", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="заказал",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField("заказан", auto_now_add=True)
    # What was ordered (kind, date, subject, parameters), while the order waits for its render: a second
    # order of the same document meanwhile (a double click, two tabs, two curators) gets this one.
    request_key = models.CharField("ключ заказа", max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField("опубликован на странице школы", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="опубликовал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Signed on paper outside the product: the date of the signatures and the scan of the signed copy.
    signed_on = models.DateField("подписан", null=True, blank=True)
    signed_scan = models.FileField("скан подписанного документа", upload_to=signed_scan_path, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отметил подписание",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "документ"
        verbose_name_plural = "документы"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["school", "kind", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "register", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="number_unique_per_register_and_year",
            ),
            models.UniqueConstraint(
                fields=["school", "request_key"],
                condition=Q(status__in=["queued", "rendering"]) & ~Q(request_key=""),
                name="one_pending_order_of_a_document",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file="") | ~Q(file_removed=""),
                name="ready_document_has_a_file_unless_removed",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True, signed_scan="")
                | (Q(signed_on__isnull=False) & ~Q(signed_scan="")),
                name="signed_document_has_a_scan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} № {self.number}" if self.number else self.title

    @property
    def kind_label(self) -> str:
        spec = document_specs().get(self.kind)
        return spec.label if spec else self.kind

    @property
    def is_order(self) -> bool:
        return self.kind.startswith("order_")

    @property
    def shown_status(self) -> str:
        """A render older than the task time limit cannot be running: its worker was lost, and the broker
        gives the document to the next worker, so it is queued again."""
        if self.status == self.Status.RENDERING and self.started_at:
            limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
            if self.started_at < timezone.now() - limit:
                return self.Status.QUEUED
        return self.status

    @property
    def shown_status_label(self) -> str:
        return self.Status(self.shown_status).label

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class DocumentCounter(models.Model):
    """The last number a school gave in a register in a year: it only grows, so a number is never given
    twice."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    register = models.CharField(max_length=20, choices=Register.choices, default=Register.ORDERS)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "register", "year"], name="one_counter_per_register_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_register_display()}, {self.year}, последний № {self.last}"


class LoginCodeQuerySet(models.QuerySet):
    def live(self) -> LoginCodeQuerySet:
        """Neither used nor replaced nor voided; it may still have expired."""
        return self.filter(used_at__isnull=True, voided_at__isnull=True)


class LoginCode(models.Model):
    """A one-time code printed on a login slip, for a person without e-mail: with the login it lets the person
    in once, to set a password. Only its hash is kept, like a password's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="учётная запись", on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField("хеш кода", max_length=256)
    valid_until = models.DateField("действует по")
    issued_at = models.DateTimeField("выдан", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="выдал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField("использован", null=True, blank=True)
    voided_at = models.DateTimeField("аннулирован", null=True, blank=True)

    objects = LoginCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "код входа"
        verbose_name_plural = "коды входа"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True, voided_at__isnull=True),
                name="one_live_login_code_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Код входа по {self.valid_until:%d.%m.%Y}"

    @property
    def expired(self) -> bool:
        return self.valid_until < timezone.localdate()


class Notification(models.Model):
    """One event for one recipient: what waits for its decision or action. The key names the event, so a
    rerun of the reminders job finds the row and neither creates nor mails it twice."""

    class Kind(models.TextChoices):
        PAIRS_TO_APPROVE = "pairs_to_approve", "Пары и группы ждут утверждения"
        PROGRAMME_TO_APPROVE = "programme_to_approve", "Программы ждут утверждения"
        DOCUMENT_READY = "document_ready", "Документ сформирован"
        PAIR_AT_RISK = "pair_at_risk", "Пара под угрозой"
        MENTOR_CONSENT_WAITING = "mentor_consent_waiting", "Пары ждут согласия наставника-педагога"
        SURVEY_LOW_RESPONSE = "survey_low_response", "Анкетирование заканчивается, ответили немногие"
        ACTIVITY_DUE = "activity_due", "Срок мероприятия дорожной карты"
        MEETING_TOMORROW = "meeting_tomorrow", "Встреча завтра"
        PLAN_ITEM_DUE = "plan_item_due", "Срок пункта плана"
        NO_MEETING = "no_meeting", "Давно не было встречи"
        QUESTIONNAIRE_WAITING = "questionnaire_waiting", "Ждёт анкета"
        SCHOOL_OVERDUE = "school_overdue", "Школа просрочила мероприятия"
        SCHOOL_NO_STAGE_2 = "school_no_stage_2", "Нет данных этапа 2 мониторинга"
        NOMINATIONS_WAITING = "nominations_waiting", "Новые представления педагогов"
        NOMINATION_DECIDED = "nomination_decided", "Решение по представлению ученика"
        RECOMMENDATION_NEW = "recommendation_new", "Рекомендации управления образования"
        IMPORT_FINISHED = "import_finished", "Импорт списка проверен или записан"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField("событие", max_length=200)
    kind = models.CharField("вид", max_length=30, choices=Kind.choices)
    text = models.CharField("текст", max_length=500)
    url = models.CharField("ссылка", max_length=300)
    created = models.DateTimeField("создано", default=timezone.now)
    read_at = models.DateTimeField("скрыто", null=True, blank=True)
    mailed_at = models.DateTimeField("отправлено письмом", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["mailed_at", "created"])]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")]

    def __str__(self) -> str:
        return self.text


class MailOptOut(models.Model):
    """A kind of reminder the user does not want by e-mail: every kind comes by default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_opt_outs")
    kind = models.CharField("вид", max_length=30, choices=Notification.Kind.choices)

    class Meta:
        verbose_name = "отказ от писем"
        verbose_name_plural = "отказы от писем"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class YearClosing(models.Model):
    """The end of a school's academic year (mentoring/school_year.py): what it changed, so that it can be
    undone until the school changes anything in the new year, and the year's summary."""

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField("учебный год (начало)")
    closed_at = models.DateTimeField("завершён")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="завершил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changes = models.JSONField("что изменено", default=dict)
    summary = models.JSONField("итоги года", default=dict)
    reverted_at = models.DateTimeField("отменено", null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отменил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "завершение учебного года"
        verbose_name_plural = "завершения учебного года"
        ordering = ["-start_year", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "start_year"],
                condition=Q(reverted_at__isnull=True),
                name="one_closing_per_school_and_year",
            ),
        ]

    def __str__(self) -> str:
        return f"Завершение {self.start_year}/{self.start_year + 1} учебного года"

    @property
    def is_reverted(self) -> bool:
        return self.reverted_at is not None


class DataAccess(models.TextChoices):
    CARD = "card", "просмотр карточки"
    LIST_EXPORT = "list_export", "выгрузка списка"
    SCAN = "scan", "скачивание скана"
    DOCUMENT = "document", "скачивание документа"
    SUBJECT_REQUEST = "subject_request", "выгрузка по запросу субъекта"
    DEPERSONALISATION = "depersonalisation", "обезличивание"


class AccessRecordQuerySet(SchoolOwnedQuerySet):
    def update(self, **kwargs):
        raise ValidationError(ACCESS_LOG_IMMUTABLE)


ACCESS_LOG_IMMUTABLE = "Записи журнала доступа к персональным данным не изменяются."


class AccessRecord(models.Model):
    """One read, export or destruction of personal data (152-ФЗ): who, whose, what and when. Written once
    (mentoring/access_log.py), never edited: the model refuses, and a database trigger refuses an UPDATE."""

    school = models.ForeignKey(
        Organisation, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="пользователь", on_delete=models.RESTRICT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name="чьи данные", on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    action = models.CharField("действие", max_length=20, choices=DataAccess.choices)
    # Says which list, filter or document; never a child's name (the person is the foreign key, so a
    # depersonalised person's entries name nobody).
    what = models.CharField("что", max_length=500, blank=True)
    rows = models.PositiveIntegerField("записей", null=True, blank=True)
    at = models.DateTimeField("когда", default=timezone.now)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "запись журнала доступа"
        verbose_name_plural = "журнал доступа к персональным данным"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school", "-at"], name="access_record_school_at")]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(ACCESS_LOG_IMMUTABLE)
        super().save(*args, **kwargs)


class ImportJob(models.Model):
    """One uploaded list on its way into a school: read once on upload, checked (the preview), confirmed.

    The rows read from the file wait in a stored file (`rows_file`) until the import is done, refused or
    abandoned, and are deleted then; the report of the last check or confirm stays on the row."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Проверяется"
        READY = "ready", "Проверен, ждёт подтверждения"
        REJECTED = "rejected", "Есть ошибки, ничего не записано"
        CONFIRMING = "confirming", "Записывается"
        FAILED = "failed", "Не записан, можно повторить"
        DONE = "done", "Импортирован"
        ABANDONED = "abandoned", "Отменён"

    FINISHED = (Status.REJECTED, Status.DONE, Status.ABANDONED)

    school = models.ForeignKey(Organisation, verbose_name="школа", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="загрузил", on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField("что загружается", max_length=20)
    filename = models.CharField("имя файла", max_length=200, blank=True)
    rows_file = models.CharField("прочитанные строки", max_length=200, blank=True)
    row_count = models.PositiveIntegerField("строк", default=0)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.CHECKING)
    report = models.JSONField("отчёт", default=dict, blank=True)
    error = models.TextField("причина ошибки", blank=True)
    # Each confirm claims the job with the next attempt; a task of an older attempt finds nothing to do.
    attempt = models.PositiveSmallIntegerField("попытка", default=0)
    remote_addr = models.GenericIPAddressField("адрес", null=True, blank=True)
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    started_at = models.DateTimeField("начата работа", null=True, blank=True)
    finished_at = models.DateTimeField("завершён", null=True, blank=True)

    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "импорт списка"
        verbose_name_plural = "импорты списков"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "done", "abandoned"]) | Q(rows_file=""),
                name="finished_import_keeps_no_rows",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["checking", "confirming"]) | Q(started_at__isnull=False),
                name="running_import_has_a_start",
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"Импорт № {self.pk}"

    @property
    def stale(self) -> bool:
        """A check or confirm running longer than a task may run: its worker was lost, it may run again."""
        if self.status not in (self.Status.CHECKING, self.Status.CONFIRMING) or self.started_at is None:
            return False
        limit = datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
        return self.started_at < timezone.now() - limit

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.CONFIRMING) and not self.stale

    @property
    def may_confirm(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED) or (
            self.status == self.Status.CONFIRMING and self.stale
        )
