"""The rules a pair never breaks, over plain snapshots of the candidates so that matching can test hundreds of
thousands of combinations without a query, and the services can re-test them under a lock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from mentoring.models import Consent, MenteeEntry, MentorEntry, Person
from programs.models import Programme

K = Person.Kind

# Who may be the mentor and who the mentee in each form of Р-145.
FORM_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "pupil_pupil": (frozenset({K.PUPIL}), frozenset({K.PUPIL})),
    "teacher_teacher": (frozenset({K.TEACHER}), frozenset({K.TEACHER})),
    "teacher_pupil": (frozenset({K.TEACHER, K.STAFF}), frozenset({K.PUPIL})),
    "student_pupil": (frozenset({K.STUDENT, K.GRADUATE}), frozenset({K.PUPIL})),
    "employer_pupil": (frozenset({K.EMPLOYER}), frozenset({K.PUPIL})),
}

WORD_RE = re.compile(r"[а-яёa-z]{4,}")
STEM_LENGTH = 5


def stems(*texts: str) -> frozenset[str]:
    """Words cut to a common stem, so that «математика» and «математике» meet."""
    return frozenset(word[:STEM_LENGTH] for text in texts for word in WORD_RE.findall((text or "").lower()))


@dataclass(frozen=True)
class Candidate:
    """A base entry as the rules and matching see it."""

    entry_id: int
    person_id: int
    name: str
    kind: str
    grade: int | None
    school_class: str
    is_minor: bool
    consent_given_by: str | None  # of the consent in force, if any
    left: bool  # archived or out of the programme's reach (left the base, completed)
    categories: frozenset[int] = frozenset()
    subjects: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()  # the mentor's competencies, or the mentee's request
    capacity_left: int = 0  # mentors: places not taken by current pairs of any programme
    busy: bool = False  # mentees: already in a current pair of this programme
    paired_elsewhere: bool = False  # mentees: in a current pair of another programme


def kind_label(kind: str) -> str:
    return str(Person.Kind(kind).label).lower()


def consent_problem(candidate: Candidate) -> str | None:
    if candidate.consent_given_by is None:
        return "нет согласия на обработку персональных данных"
    if candidate.is_minor and candidate.consent_given_by != Consent.GivenBy.REPRESENTATIVE:
        return "несовершеннолетний: нужно согласие родителя (законного представителя)"
    return None


def mentor_problem(form_code: str, mentor: Candidate) -> str | None:
    """Why this mentor cannot take a mentee in a programme of this form now, or None."""
    allowed = FORM_KINDS[form_code][0]
    if mentor.kind not in allowed:
        return f"наставник — {kind_label(mentor.kind)}: в этой форме наставник — {join_kinds(allowed)}"
    if mentor.left:
        return "наставник выбыл из базы или находится в архиве"
    if problem := consent_problem(mentor):
        return problem
    if mentor.capacity_left <= 0:
        return "у наставника нет свободных мест"
    return None


def mentee_problem(form_code: str, mentee: Candidate) -> str | None:
    allowed = FORM_KINDS[form_code][1]
    if mentee.kind not in allowed:
        return f"наставляемый — {kind_label(mentee.kind)}: в этой форме наставляемый — {join_kinds(allowed)}"
    if mentee.left:
        return "наставляемый выбыл из базы, завершил программу или находится в архиве"
    if problem := consent_problem(mentee):
        return problem
    if mentee.busy:
        return "уже состоит в паре этой программы"
    return None


def pair_problem(mentor: Candidate, mentee: Candidate) -> str | None:
    """What forbids these two together, beyond each one's own fitness."""
    if mentor.person_id == mentee.person_id:
        return "участник не может быть наставником самому себе"
    if mentor.kind == K.PUPIL:
        if mentor.grade is None or mentee.grade is None:
            return "у наставника-ученика и наставляемого должен быть указан класс"
        if mentor.grade <= mentee.grade:
            return "наставник-ученик должен учиться в более старшем классе, чем наставляемый"
    return None


@dataclass(frozen=True)
class Grades:
    """The classes of pupil mentees a programme's role models take, as (from, to) ranges."""

    ranges: tuple[tuple[int, int], ...]

    def take(self, mentee: Candidate) -> bool:
        """A pupil of a class some range holds; anyone when the role models name no classes."""
        if not self.ranges or mentee.kind != K.PUPIL:
            return True
        return mentee.grade is not None and any(low <= mentee.grade <= high for low, high in self.ranges)

    def __str__(self) -> str:
        return ", ".join(f"{low}–{high} классов" for low, high in sorted(set(self.ranges)))


def programme_grades(programme: Programme) -> Grades:
    rows = programme.form.role_models.filter(mentee_grade_from__isnull=False, mentee_grade_to__isnull=False)
    return Grades(tuple(rows.values_list("mentee_grade_from", "mentee_grade_to").distinct()))


def mentor_aside(candidate: Candidate) -> str:
    return "выбыл из базы" if candidate.left else ""


def mentee_aside(grades: Grades) -> Callable[[Candidate], str]:
    """Those who wait and whose class the programme's role models take are ticked; the others, only on
    purpose: a mentee already in a pair, here or in another programme, and a pupil of another age."""

    def aside(candidate: Candidate) -> str:
        if candidate.left:
            return "выбыл из базы или завершил программу"
        if candidate.busy:
            return "уже в паре этой программы"
        if candidate.paired_elsewhere:
            return "уже в паре другой программы"
        if not grades.take(candidate):
            return f"ролевые модели программы — для учеников {grades}"
        return ""

    return aside


def join_kinds(kinds: Iterable[str]) -> str:
    return " или ".join(sorted(kind_label(k) for k in kinds))


def all_problems(form_code: str, mentor: Candidate, mentee: Candidate) -> list[str]:
    found = (
        mentor_problem(form_code, mentor),
        mentee_problem(form_code, mentee),
        pair_problem(mentor, mentee),
    )
    return [problem for problem in found if problem]


# Loading candidates: one query per side whatever the number of candidates.


def consent_given_by() -> Subquery:
    in_force = Consent.objects.filter(person=OuterRef("person"), revoked_at__isnull=True)
    return Subquery(in_force.values("given_by")[:1])


def current_mentees_count() -> Count:
    return Count("pairs__members", filter=Q(pairs__members__is_current=True), distinct=True)


def person_fields(entry: MentorEntry | MenteeEntry) -> dict:
    person = entry.person
    return {
        "entry_id": entry.pk,
        "person_id": person.pk,
        "name": person.full_name,
        "kind": person.kind,
        "grade": person.grade,
        "school_class": person.school_class,
        "is_minor": person.is_minor,
        "consent_given_by": entry.consent_by,
        "interests": stems(entry.interests),
    }


def mentor_candidates(entries: QuerySet[MentorEntry]) -> dict[int, Candidate]:
    rows = (
        entries.select_related("person")
        .annotate(consent_by=consent_given_by(), taken=current_mentees_count())
        .order_by("pk")
    )
    return {
        entry.pk: Candidate(
            **person_fields(entry),
            left=entry.is_archived or entry.person.is_archived or entry.status == MentorEntry.Status.LEFT,
            subjects=stems(entry.subjects, entry.person.subjects),
            words=stems(entry.competencies, entry.achievements),
            capacity_left=entry.capacity - entry.taken,
        )
        for entry in rows
    }


def mentee_candidates(entries: QuerySet[MenteeEntry], programme: Programme) -> dict[int, Candidate]:
    from .models import PairMentee

    current = PairMentee.objects.filter(mentee=OuterRef("pk"), is_current=True)
    rows = (
        entries.select_related("person")
        .prefetch_related("categories")
        .annotate(
            consent_by=consent_given_by(),
            busy=Exists(current.filter(programme=programme)),
            paired_elsewhere=Exists(current.exclude(programme=programme)),
        )
        .order_by("pk")
    )
    gone = (MenteeEntry.Status.LEFT, MenteeEntry.Status.COMPLETED)
    return {
        entry.pk: Candidate(
            **person_fields(entry),
            left=entry.is_archived or entry.person.is_archived or entry.status in gone,
            categories=frozenset(c.pk for c in entry.categories.all()),
            subjects=stems(entry.person.subjects),
            words=stems(entry.request),
            busy=entry.busy,
            paired_elsewhere=entry.paired_elsewhere,
        )
        for entry in rows
    }
