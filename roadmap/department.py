"""The department's schools side by side, for the coordinator's «Школы» page and the analytic report.

Every figure comes from one aggregate query grouped by school: the number of queries does not grow with the
number of schools.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.models import MenteeEntry, MentorEntry, Organisation, User, consent_in_force
from monitoring.models import Survey
from monitoring.stages import compared_values, with_programme_entries
from pairs.health import with_health
from pairs.models import Health, Meeting, Pair
from programs.models import Programme

from .indicators import department_schools
from .models import Acknowledgement, Activity, Recommendation

RECENT_DAYS = 30


@dataclass
class SchoolRow:
    school: Organisation
    programmes: list[tuple[int, str, int]] = field(default_factory=list)  # form pk, form, count
    mentors: int = 0
    mentors_without_consent: int = 0
    mentees: int = 0
    mentees_without_consent: int = 0
    pairs: dict[str, int] = field(default_factory=dict)
    health: dict[str, int] = field(default_factory=dict)  # pairs at work by their health
    meetings: int = 0
    surveys: int = 0
    invited: int = 0
    answered: int = 0
    compared: int = 0
    improved: int = 0
    overdue: int = 0
    recommendation: Recommendation | None = None

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None

    @property
    def improved_share(self) -> int | None:
        return round(100 * self.improved / self.compared) if self.compared else None

    @property
    def programmes_total(self) -> int:
        return sum(n for _, _, n in self.programmes)

    @property
    def health_rows(self) -> list[tuple[str, str, int]]:
        return [(health, label, self.health.get(health, 0)) for health, label in Health.choices]

    @property
    def pair_rows(self) -> list[tuple[str, str, int]]:
        return [(status, label, self.pairs.get(status, 0)) for status, label in Pair.Status.choices]


@dataclass
class SchoolsTable:
    department: Organisation
    year: AcademicYear
    rows: list[SchoolRow]
    counted_at: datetime.datetime

    @property
    def recounted_at(self) -> datetime.datetime:
        return self.counted_at + datetime.timedelta(seconds=settings.DEPARTMENT_FIGURES_SECONDS)


def per_school(rows, *names: str) -> dict[int, dict]:
    return {row["school"]: {name: row[name] for name in names} for row in rows}


def base_counts(entries, schools: list[Organisation]) -> dict[int, dict]:
    rows = (
        entries.filter(school__in=schools, archived_at__isnull=True)
        .values("school")
        .annotate(total=Count("pk"), without=Count("pk", filter=~Q(consent_in_force("person"))))
        .order_by()
    )
    return per_school(rows, "total", "without")


def stage_2_changes(surveys) -> dict[int, tuple[int, int]]:
    """Per school: the participants compared at entry and at exit, and those of them improved, that is with
    more characteristics better than worse (less anxiety is better). One query, summed up in the database; the
    exits are those of the given surveys, their entries those of the same programme in any year."""
    try:
        sql, params = compared_values(with_programme_entries(surveys)).query.sql_with_params()
    except EmptyResultSet:  # no school, no survey: nothing to compare
        return {}
    # The ORM cannot group an aggregate again: the participants, then the schools, are summed over it.
    participants = f"""
        SELECT school, SUM(CASE WHEN verdict = 1 THEN 1 ELSE 0 END) AS better,
               SUM(CASE WHEN verdict = -1 THEN 1 ELSE 0 END) AS worse
        FROM ({sql}) AS measured GROUP BY school, programme, person, respondent"""
    schools = f"""
        SELECT school, COUNT(*), SUM(CASE WHEN better > worse THEN 1 ELSE 0 END)
        FROM ({participants}) AS participant GROUP BY school"""
    with connection.cursor() as cursor:
        cursor.execute(schools, params)
        return {school: (compared, int(improved)) for school, compared, improved in cursor.fetchall()}


def schools_table(department: Organisation, year: AcademicYear | None = None) -> SchoolsTable:
    """The department's schools side by side for the academic year (the current one). The figures are
    counted once per DEPARTMENT_FIGURES_SECONDS for every coordinator of the department (counting them takes
    the database a tenth of a second); the recommendations, which the coordinator writes on the page, are
    read each time."""
    year = year or AcademicYear.current()
    schools = department_schools(department)
    key = schools_table_key(department, year)
    table = cache.get(key)
    # The table says when it was counted and when it is recounted: those moments decide, whatever the cache's
    # own clock. A school added or taken away shows at once.
    fresh = table is not None and table.counted_at <= timezone.now() < table.recounted_at
    if not fresh or [r.school for r in table.rows] != schools:
        table = schools_counted(department, year, schools)
        cache.set(key, table, settings.DEPARTMENT_FIGURES_SECONDS)
    for row, school in zip(table.rows, schools, strict=True):
        row.school = school  # as it is named now
    rows = {row.school.pk: row for row in table.rows}
    recommendations = Recommendation.objects.filter(school__in=list(rows), year=year.start_year)
    for recommendation in recommendations.select_related("acknowledgement__by"):
        rows[recommendation.school_id].recommendation = recommendation
    return table


def schools_table_key(department: Organisation, year: AcademicYear) -> str:
    return f"schools-table:{department.pk}:{year.start_year}"


def schools_counted(
    department: Organisation, year: AcademicYear, schools: list[Organisation]
) -> SchoolsTable:
    """The schools table's figures, counted now: nine queries."""
    rows = {school.pk: SchoolRow(school) for school in schools}
    programmes = (
        Programme.objects.filter(school__in=schools)
        .values("school", "form", "form__name")
        .annotate(n=Count("pk"))
        .order_by("form__name")
    )
    for row in programmes:
        rows[row["school"]].programmes.append((row["form"], row["form__name"], row["n"]))
    for name, entries in (("mentors", MentorEntry.objects), ("mentees", MenteeEntry.objects)):
        for pk, counts in base_counts(entries, schools).items():
            setattr(rows[pk], name, counts["total"])
            setattr(rows[pk], f"{name}_without_consent", counts["without"])
    pairs = (
        Pair.objects.filter(school__in=schools).values("school", "status").annotate(n=Count("pk")).order_by()
    )
    for row in pairs:
        rows[row["school"]].pairs[row["status"]] = row["n"]
    at_work = with_health(Pair.objects.filter(school__in=schools, status=Pair.Status.ACTIVE))
    for row in at_work.values("school", "health").annotate(n=Count("pk")).order_by():
        rows[row["school"]].health[row["health"]] = row["n"]
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    meetings = Meeting.objects.filter(
        school__in=schools, status=Meeting.Status.HELD, starts_at__gte=since, starts_at__lte=timezone.now()
    )
    for pk, n in meetings.values_list("school").annotate(n=Count("pk")).order_by():
        rows[pk].meetings = n
    surveys = Survey.objects.filter(school__in=schools, opens_on__range=year.span)
    counted = surveys.values("school").annotate(
        surveys=Count("pk", distinct=True),
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__response__submitted_at__isnull=False)),
    )
    for row in counted.order_by():
        rows[row["school"]].surveys, rows[row["school"]].invited = row["surveys"], row["invited"]
        rows[row["school"]].answered = row["answered"]
    for pk, (compared, improved) in stage_2_changes(surveys).items():
        rows[pk].compared, rows[pk].improved = compared, improved
    overdue = (
        Activity.objects.filter(stage__roadmap__organisation__in=schools, ends_on__lt=timezone.localdate())
        .exclude(status=Activity.Status.DONE)
        .values_list("stage__roadmap__organisation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for pk, n in overdue:
        rows[pk].overdue = n
    return SchoolsTable(department, year, list(rows.values()), counted_at=timezone.now())


@transaction.atomic
def recommendation_save(
    *, department: Organisation, school: Organisation, year: int, text: str, by: User
) -> Recommendation:
    """The coordinator's recommendations to a school of its own department for the academic year. A new text
    takes away the school's mark «принято к исполнению»: what the school accepted was the old one."""
    if school.department_id != department.pk:
        raise ValidationError("Эта школа не относится к вашему управлению образования.")
    text = text.strip()
    if not text:
        raise ValidationError("Напишите текст рекомендаций.")
    found = Recommendation.objects.select_for_update().filter(school=school, year=year).first()
    if found is None:
        return Recommendation.objects.create(school=school, year=year, text=text, written_by=by)
    if found.text != text:
        found.text, found.written_by = text, by
        found.save(update_fields=["text", "written_by", "updated_at"])
        Acknowledgement.objects.filter(recommendation=found).delete()
    return found


def recent_recommendations(today: datetime.date) -> QuerySet[Recommendation]:
    """The recommendations of this academic year and the last: those of the analytic report are written as a
    year ends, for the schools' work in the next one."""
    return Recommendation.objects.filter(year__gte=AcademicYear.containing(today).start_year - 1)


def school_recommendations(school: Organisation) -> QuerySet[Recommendation]:
    return (
        recent_recommendations(timezone.localdate())
        .filter(school=school)
        .select_related("acknowledgement__by")
        .order_by("-year")
    )


@transaction.atomic
def recommendation_acknowledge(*, recommendation: Recommendation, by: User, note: str) -> Acknowledgement:
    """The school's director or curator takes the recommendations «к исполнению», once."""
    done = Acknowledgement.objects.filter(recommendation=recommendation).select_related("by").first()
    if done is not None:
        day = timezone.localtime(done.at)
        raise ValidationError(f"Рекомендации уже приняты к исполнению {day:%d.%m.%Y}, отметил(а) {done.by}.")
    try:
        with transaction.atomic():
            return Acknowledgement.objects.create(
                recommendation=recommendation, school_id=recommendation.school_id, by=by, note=note.strip()
            )
    except IntegrityError as error:  # another director or curator marked them a moment ago
        raise ValidationError("Рекомендации уже приняты к исполнению.") from error
