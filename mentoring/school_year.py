"""Closing a school's academic year («Завершить учебный год»): previewed, applied in one transaction, undone
until the school changes anything in the new year.

The core moves the people (pupils up a grade, leavers out of the bases, teachers' experience) and re-checks
the mentee categories; each app adds its own step in its `year_closing.py` with `register(YearStep(...))`,
found the way the admin finds `admin.py`, so that the core imports no feature app. A step previews what it
will do, applies it with bulk updates and returns the before-values its undo needs, undoes them, and names
the first change of its rows made after a moment.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .academic_year import AcademicYear
from .documents import Draft, documents_request
from .models import (
    Consent,
    Document,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    Role,
    User,
    YearClosing,
)

# The closing of a year opens on this day of its last month of lessons and stays open until it is done.
OPENS_ON = (6, 1)
LEAVING_GRADES = (9, 11)
YOUNG_TEACHER = "young_teacher"
YOUNG_TEACHER_AGE, YOUNG_TEACHER_EXPERIENCE = 35, 3
SUMMARY_KIND = "year_summary"
# Who sees the closing: the curator closes the year, the director follows it.
VIEWERS = frozenset({Role.CURATOR, Role.DIRECTOR})


@dataclass(frozen=True)
class Closing:
    """What a step works with: the school, the year it closes, and the curator's choices."""

    school: Organisation
    year: AcademicYear
    today: datetime.date
    keep_in_school: frozenset[int] = frozenset()  # 9th-graders who go on to the 10th grade here
    by: User | None = None

    def leavers(self) -> QuerySet[Person]:
        return leaving_pupils(self.school, self.keep_in_school)


@dataclass
class StepPreview:
    """A step's part of the preview and of the stored summary: figures, and lines that say what exactly."""

    title: str
    figures: list[tuple[str, int | str]] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    link: tuple[str, str] | None = None  # (text, url)
    personal: bool = False  # the details name mentees: shown on the page, never printed

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": [list(figure) for figure in self.figures],
            "details": self.details,
            "link": list(self.link) if self.link else None,
            "personal": self.personal,
        }


@dataclass(frozen=True)
class Change:
    """The first change of a school's rows after a closing: when, and what, said for the curator."""

    at: datetime.datetime
    what: str


def nothing_changed(school: Organisation, since: datetime.datetime) -> Change | None:
    return None


@dataclass(frozen=True)
class YearStep:
    name: str
    order: int
    preview: Callable[[Closing], StepPreview] | None = None
    apply: Callable[[Closing], dict[str, Any]] | None = None  # returns the before-values its undo needs
    revert: Callable[[dict[str, Any]], None] | None = None
    changed_since: Callable[[Organisation, datetime.datetime], Change | None] = nothing_changed
    # Where its part stands in the preview and the summary; the order of `order` is the one the data needs.
    shown: int = 0
    # The summary keeps what its preview says after the closing (what it made), not before.
    summarised_after: bool = False


STEPS: dict[str, YearStep] = {}


def register(step: YearStep) -> YearStep:
    STEPS[step.name] = step
    return step


def steps() -> list[YearStep]:
    autodiscover_modules("year_closing")
    return sorted(STEPS.values(), key=lambda step: step.order)


def previews(closing: Closing) -> list[StepPreview]:
    return [step.preview(closing) for step in sorted(steps(), key=lambda step: step.shown) if step.preview]


# Which year, and whether it may be closed now ----------------------------------------------------------


def last_closing(school: Organisation) -> YearClosing | None:
    return YearClosing.objects.filter(school=school, reverted_at__isnull=True).order_by("-start_year").first()


def year_after(last: YearClosing | None, today: datetime.date) -> AcademicYear:
    """The year after the school's last closing; for a school that never closed one, the current year, or the
    year just ended during September, when a late closing is still expected."""
    if last is not None:
        return AcademicYear(last.start_year + 1)
    current = AcademicYear.containing(today)
    return AcademicYear(current.start_year - 1) if today.month == current.start.month else current


def year_to_close(school: Organisation, today: datetime.date | None = None) -> AcademicYear:
    return year_after(last_closing(school), today or timezone.localdate())


def opens_on(year: AcademicYear) -> datetime.date:
    return year.on(*OPENS_ON)


def refusal(school: Organisation, year: AcademicYear, today: datetime.date) -> str | None:
    """Why the year cannot be closed now, or None."""
    done = YearClosing.objects.filter(
        school=school, start_year=year.start_year, reverted_at__isnull=True
    ).first()
    if done is not None:
        return (
            f"{year.label} учебный год уже завершён {timezone.localtime(done.closed_at):%d.%m.%Y}: "
            "второй раз его не завершают."
        )
    due = year_to_close(school, today)
    if year != due:
        return f"Сейчас завершают {due.label} учебный год, а не {year.label}."
    if today < opens_on(year):
        return (
            f"Завершить {year.label} учебный год можно с {opens_on(year):%d.%m.%Y}, когда закончатся уроки: "
            "до тех пор ученики ещё учатся в своих классах."
        )
    # Sent to the worker or being rendered; a row the broker never got (an outage) waits for no one.
    rendering = (
        Document.objects.filter(school=school)
        .filter(
            Q(status=Document.Status.RENDERING) | Q(status=Document.Status.QUEUED, enqueued_at__isnull=False)
        )
        .first()
    )
    if rendering is not None:
        return (
            f"Сейчас формируется документ «{rendering.title}»: дождитесь, пока он будет готов, "
            "и завершите год — иначе он может выйти с данными наполовину старого, наполовину нового года."
        )
    return None


IMPORT_RUNNING = (
    "Сейчас в школу загружается список участников (или год завершает другой пользователь): дождитесь конца "
    "и повторите. Ничего не изменено."
)


def lock_school(school: Organisation) -> None:
    """The school's row, as an import of the school holds it while it writes: a running import refuses the
    closing instead of mixing its people into it."""
    try:
        Organisation.objects.select_for_update(nowait=True).only("pk").get(pk=school.pk)
    except DatabaseError:
        raise ValidationError(IMPORT_RUNNING) from None


# The preview and the services ---------------------------------------------------------------------------


@dataclass
class YearPreview:
    year: AcademicYear
    opens_on: datetime.date
    refusal: str | None
    steps: list[StepPreview]
    nine_graders: list[Person]


def year_preview(*, school: Organisation, keep_in_school: frozenset[int] = frozenset()) -> YearPreview:
    today = timezone.localdate()
    year = year_to_close(school, today)
    closing = Closing(school=school, year=year, today=today, keep_in_school=keep_in_school)
    return YearPreview(
        year=year,
        opens_on=opens_on(year),
        refusal=refusal(school, year, today),
        steps=previews(closing),
        nine_graders=list(pupils(school).filter(grade=9).order_by("class_letter", *Person._meta.ordering)),
    )


def check_kept(school: Organisation, keep_in_school: frozenset[int]) -> None:
    found = pupils(school).filter(grade=9, pk__in=keep_in_school).count()
    if found != len(keep_in_school):
        raise ValidationError("Остаться в 10 классе можно только ученикам 9 класса этой школы.")


@transaction.atomic
def year_close(
    *, school: Organisation, year: AcademicYear, by: User | None, keep_in_school: frozenset[int] = frozenset()
) -> YearClosing:
    today = timezone.localdate()
    lock_school(school)
    if reason := refusal(school, year, today):
        raise ValidationError(reason)
    check_kept(school, keep_in_school)
    closing = Closing(school=school, year=year, today=today, keep_in_school=keep_in_school, by=by)
    ordered = steps()
    summary = {preview.title: preview.as_json() for preview in previews(closing)}
    changes = {step.name: step.apply(closing) for step in ordered if step.apply}
    for step in ordered:
        if step.summarised_after and step.preview:
            after = step.preview(closing)
            summary[after.title] = after.as_json()
    record = YearClosing(
        school=school,
        start_year=year.start_year,
        closed_at=timezone.now(),
        closed_by=by,
        changes=changes,
        summary={"year": year.label, "steps": list(summary.values())},
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(
            f"{year.label} учебный год уже завершён: второй раз его не завершают."
        ) from None
    summary_document_request(record, by)
    return record


def first_change(school: Organisation, since: datetime.datetime) -> Change | None:
    found = [change for step in steps() if (change := step.changed_since(school, since))]
    return min(found, key=lambda change: change.at, default=None)


def revert_refusal(closing: YearClosing) -> str | None:
    if closing.is_reverted:
        return "Завершение этого года уже отменено."
    later = YearClosing.objects.filter(
        school=closing.school_id, start_year__gt=closing.start_year, reverted_at__isnull=True
    )
    if later.exists():
        return "После этого года завершён следующий: сначала отмените его завершение."
    if change := first_change(closing.school, closing.closed_at):
        return (
            f"Отменить завершение года уже нельзя: в новом учебном году школа начала работу — "
            f"{timezone.localtime(change.at):%d.%m.%Y в %H:%M} {change.what}. "
            "Исправьте то, что нужно, на страницах участников, пар и программ."
        )
    return None


@transaction.atomic
def year_closing_revert(*, closing: YearClosing, by: User | None) -> YearClosing:
    lock_school(closing.school)
    closing = YearClosing.objects.select_for_update().select_related("school").get(pk=closing.pk)
    if reason := revert_refusal(closing):
        raise ValidationError(reason)
    for step in reversed(steps()):
        if step.revert and step.name in closing.changes:
            step.revert(closing.changes[step.name])
    summaries = Document.objects.filter(school=closing.school, kind=SUMMARY_KIND, params__closing=closing.pk)
    files = [(document.file.storage, document.file.name) for document in summaries if document.file]
    summaries.delete()
    transaction.on_commit(lambda: delete_files(files))
    closing.reverted_at, closing.reverted_by = timezone.now(), by
    closing.save(update_fields=["reverted_at", "reverted_by"])
    return closing


def delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def summary_document_request(closing: YearClosing, by: User | None) -> Document:
    year = AcademicYear(closing.start_year)
    return documents_request(
        school=closing.school,
        kind=SUMMARY_KIND,
        drafts=[Draft(title=summary_title(year), params={"closing": closing.pk})],
        date=timezone.localdate(),
        by=by,
    )[0]


def summary_title(year: AcademicYear) -> str:
    return f"Итоги {year.label} учебного года по программе наставничества"


def summary_document(closing: YearClosing) -> Document | None:
    return (
        Document.objects.filter(school=closing.school_id, kind=SUMMARY_KIND, params__closing=closing.pk)
        .order_by("-pk")
        .first()
    )


# Helpers for the steps ----------------------------------------------------------------------------------


def pupils(school: Organisation) -> QuerySet[Person]:
    return Person.objects.for_school(school).active().filter(kind=Person.Kind.PUPIL)


def leaving_pupils(school: Organisation, keep_in_school: frozenset[int] = frozenset()) -> QuerySet[Person]:
    """The 11th grade, and the 9th but those who go on to the 10th grade here."""
    return pupils(school).filter(Q(grade=11) | (Q(grade=9) & ~Q(pk__in=keep_in_school)))


def ids_by(rows: QuerySet, key: str) -> dict[str, list[int]]:
    """Row ids grouped by a field's value, as JSON keys: what an undo sets back, one update per value."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for pk, value in rows.values_list("pk", key):
        grouped["" if value is None else str(value)].append(pk)
    return dict(grouped)


def set_back(model, grouped: dict[str, list[int]], field_name: str, cast: Callable = str) -> None:
    for value, ids in grouped.items():
        model.objects.filter(pk__in=ids).update(**{field_name: cast(value) if value != "" else None})


def as_int(value: str) -> int:
    return int(value)


def first_after(rows: QuerySet, since: datetime.datetime, what: Callable[[Any], str], *fields: str):
    """The earliest row changed after `since` by any of its timestamp fields, as a Change."""
    for name in fields:
        rows_after = rows.filter(**{f"{name}__gt": since}).order_by(name)
        row = rows_after.first()
        if row is not None:
            yield Change(getattr(row, name), what(row))


def earliest(changes) -> Change | None:
    return min(changes, key=lambda change: change.at, default=None)


# The core's own steps -----------------------------------------------------------------------------------


def people_preview(closing: Closing) -> StepPreview:
    school = closing.school
    leavers = closing.leavers()
    by_grade = dict(
        pupils(school)
        .filter(grade__isnull=False)
        .values_list("grade")
        .annotate(n=Count("pk"))
        .order_by("grade")
    )
    moved = sum(n for grade, n in by_grade.items() if grade not in LEAVING_GRADES) + len(
        closing.keep_in_school
    )
    teachers = Person.objects.for_school(school).active().filter(experience_years__isnull=False).count()
    homerooms = Person.objects.for_school(school).active().filter(homeroom_grade__isnull=False)
    losing = homerooms.filter(homeroom_grade__in=LEAVING_GRADES).count()
    by_grade[9] = len(closing.keep_in_school)
    details = [
        f"{grade} класс → {grade + 1} класс: {n} чел."
        for grade, n in sorted(by_grade.items())
        if grade < 11 and n
    ]
    return StepPreview(
        title="Ученики и педагоги",
        figures=[
            ("Ученики: перевод в следующий класс", moved),
            ("Выпускники 9 и 11 классов: выбытие из школы и баз", leavers.count()),
            ("Ученики 9 класса: продолжение учёбы в 10 классе", len(closing.keep_in_school)),
            ("Классные руководители: переход с классом", homerooms.count() - losing),
            ("Классные руководители выпускных классов: без класса в новом году", losing),
            ("Педагоги: педагогический стаж больше на год", teachers),
        ],
        details=details,
    )


def people_apply(closing: Closing) -> dict[str, Any]:
    school, moment = closing.school, timezone.now()
    leavers = closing.leavers()
    leaver_ids = list(leavers.values_list("pk", flat=True))
    mentor_entries = MentorEntry.objects.filter(person__in=leaver_ids, archived_at__isnull=True)
    mentee_entries = MenteeEntry.objects.filter(person__in=leaver_ids, archived_at__isnull=True)
    record = {
        "leavers": leaver_ids,
        "mentor_entries": ids_by(mentor_entries, "status"),
        "mentee_entries": ids_by(mentee_entries, "status"),
        "grades": ids_by(pupils(school).filter(grade__isnull=False).exclude(pk__in=leaver_ids), "grade"),
        "homerooms": list(
            Person.objects.for_school(school)
            .active()
            .filter(homeroom_grade__isnull=False)
            .values_list("pk", "homeroom_grade", "homeroom_letter")
        ),
        "experience": list(
            Person.objects.for_school(school)
            .active()
            .filter(experience_years__isnull=False)
            .values_list("pk", flat=True)
        ),
    }
    mentor_entries.update(archived_at=moment, status=MentorEntry.Status.LEFT)
    mentee_entries.update(archived_at=moment, status=MenteeEntry.Status.LEFT)
    Person.objects.filter(pk__in=leaver_ids).update(archived_at=moment, left_school_on=closing.today)
    Person.objects.filter(pk__in=[pk for ids in record["grades"].values() for pk in ids]).update(
        grade=F("grade") + 1
    )
    homerooms = Person.objects.filter(pk__in=[row[0] for row in record["homerooms"]])
    homerooms.filter(homeroom_grade__in=LEAVING_GRADES).update(homeroom_grade=None, homeroom_letter="")
    homerooms.filter(homeroom_grade__lt=11).update(homeroom_grade=F("homeroom_grade") + 1)
    Person.objects.filter(pk__in=record["experience"]).update(experience_years=F("experience_years") + 1)
    return record


def people_revert(record: dict[str, Any]) -> None:
    Person.objects.filter(pk__in=record["experience"]).update(experience_years=F("experience_years") - 1)
    homerooms: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, grade, letter in record["homerooms"]:
        homerooms[(grade, letter)].append(pk)
    for (grade, letter), ids in homerooms.items():
        Person.objects.filter(pk__in=ids).update(homeroom_grade=grade, homeroom_letter=letter)
    set_back(Person, record["grades"], "grade", as_int)
    Person.objects.filter(pk__in=record["leavers"]).update(archived_at=None, left_school_on=None)
    for model, key in ((MentorEntry, "mentor_entries"), (MenteeEntry, "mentee_entries")):
        set_back(model, record[key], "status")
        model.objects.filter(pk__in=[pk for ids in record[key].values() for pk in ids]).update(
            archived_at=None
        )


def people_changed_since(school: Organisation, since: datetime.datetime) -> Change | None:
    return earliest(
        [
            *first_after(
                Person.objects.for_school(school),
                since,
                lambda person: f"изменены данные участника «{person.full_name}»",
                "created_at",
                "updated_at",
            ),
            *first_after(
                MentorEntry.objects.for_school(school).select_related("person"),
                since,
                lambda entry: f"изменена запись базы наставников «{entry.person.full_name}»",
                "created_at",
                "updated_at",
            ),
            *first_after(
                MenteeEntry.objects.for_school(school).select_related("person"),
                since,
                lambda entry: f"изменена запись базы наставляемых «{entry.person.full_name}»",
                "created_at",
                "updated_at",
            ),
            *first_after(
                Consent.objects.for_school(school).select_related("person"),
                since,
                lambda consent: f"внесено согласие участника «{consent.person.full_name}»",
                "created_at",
            ),
            *first_after(
                Document.objects.for_school(school).exclude(kind=SUMMARY_KIND),
                since,
                lambda document: f"заказан документ «{document.title}»",
                "requested_at",
            ),
        ]
    )


# After the steps that read who leaves and how long a teacher has worked from the year that ends.
register(YearStep("people", 40, people_preview, people_apply, people_revert, people_changed_since, shown=10))


def young_teacher_entries(closing: Closing) -> QuerySet[MenteeEntry]:
    """Young teachers of the mentee base who are no longer young specialists in the new year: 35 by its
    first day, or 3 years of experience with the year just ended."""
    next_start = closing.year.following.start
    born_before = next_start.replace(year=next_start.year - YOUNG_TEACHER_AGE)
    return (
        MenteeEntry.objects.for_school(closing.school)
        .filter(archived_at__isnull=True, categories__code=YOUNG_TEACHER)
        .filter(
            Q(person__birth_date__lte=born_before)
            | Q(person__experience_years__gte=YOUNG_TEACHER_EXPERIENCE - 1)
        )
    )


def categories_through(closing: Closing) -> QuerySet:
    """The category rows the closing removes: «молодой специалист» no longer held, and every category of a
    leaver, who is no longer a mentee of the school."""
    through = MenteeEntry.categories.through
    young = MenteeCategory.objects.filter(code=YOUNG_TEACHER).values("pk")
    return through.objects.filter(
        Q(menteeentry__in=young_teacher_entries(closing).values("pk"), menteecategory__in=young)
        | Q(menteeentry__person__in=closing.leavers().values("pk"), menteeentry__archived_at__isnull=True)
    )


def categories_preview(closing: Closing) -> StepPreview:
    rows = categories_through(closing).select_related("menteeentry__person", "menteecategory")
    rows = rows.order_by("menteeentry__person__last_name", "menteeentry__person__first_name", "pk")
    removed: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        removed[row.menteeentry.person.full_name].append(f"«{row.menteecategory.name}»")
    return StepPreview(
        title="Категории наставляемых",
        figures=[
            ("Наставляемые: изменение категорий", len(removed)),
            ("Категории: снятие", sum(len(names) for names in removed.values())),
        ],
        details=[
            f"{name}: снятие {'категории' if len(names) == 1 else 'категорий'} " + ", ".join(names)
            for name, names in removed.items()
        ],
        personal=True,
    )


def categories_apply(closing: Closing) -> dict[str, Any]:
    rows = categories_through(closing)
    removed = list(rows.values_list("menteeentry_id", "menteecategory_id"))
    MenteeEntry.categories.through.objects.filter(pk__in=list(rows.values_list("pk", flat=True))).delete()
    return {"removed": removed}


def categories_revert(record: dict[str, Any]) -> None:
    through = MenteeEntry.categories.through
    through.objects.bulk_create(
        [through(menteeentry_id=entry, menteecategory_id=category) for entry, category in record["removed"]],
        ignore_conflicts=True,
    )


register(YearStep("categories", 10, categories_preview, categories_apply, categories_revert, shown=40))
