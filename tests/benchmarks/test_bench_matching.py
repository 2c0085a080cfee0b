"""`make bench`: the matching engine on 2,000 mentees and 400 mentors, and a proposal on the large
municipality's biggest school, end to end.

Figures are printed, never asserted; only the rules and the query counts are part of the contract.
"""

import random
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable

import lxml.html
import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Consent, Membership, MenteeEntry, MentorEntry, Organisation, Person, Role, User
from pairs import matching, proposals, rules
from pairs.matching_forms import mentee_entries, mentor_entries
from pairs.rules import Candidate, stems
from programs.models import MentoringForm, Programme

from .conftest import measured

REPEATS = 5
MENTEES, MENTORS = 2_000, 400
K = Person.Kind
SUBJECTS = (
    "математика",
    "русский язык",
    "физика",
    "химия",
    "биология",
    "история",
    "информатика",
    "английский",
)
INTERESTS = ("туризм", "шахматы", "театр", "краеведение", "робототехника", "волонтёрство", "чтение", "футбол")
COMPETENCIES = (
    "подготовка к олимпиадам",
    "проектная деятельность",
    "подготовка к ОГЭ",
    "работа с детьми с ОВЗ",
)


def synthetic(form_code: str, seed: int = 2026) -> dict:
    """Candidates as a large school group would have them: capacities 1-10 (mean 5.5), a few refusals."""
    rng = random.Random(seed)
    pupil_mentors = form_code == "pupil_pupil"
    role_models = [matching.RoleModelFit(n, frozenset(rng.sample(range(1, 11), 2))) for n in range(1, 5)]

    def person(entry_id: int, kind: str, grade: int | None, **values) -> Candidate:
        return Candidate(
            entry_id=entry_id,
            person_id=entry_id,
            name=f"Участник {entry_id}",
            kind=kind,
            grade=grade,
            school_class=str(grade or ""),
            is_minor=kind == K.PUPIL,
            consent_given_by=rng.choices([Consent.GivenBy.REPRESENTATIVE, None], [0.95, 0.05])[0]
            if kind == K.PUPIL
            else Consent.GivenBy.SELF,
            left=False,
            interests=stems(*rng.sample(INTERESTS, 2)),
            **values,
        )

    mentors = [
        person(
            100_000 + n,
            K.PUPIL if pupil_mentors else K.TEACHER,
            rng.randint(8, 11) if pupil_mentors else None,
            subjects=stems(rng.choice(SUBJECTS)),
            words=stems(*rng.sample(COMPETENCIES, 2)),
            capacity_left=rng.randint(1, 10),
        )
        for n in range(MENTORS)
    ]
    mentees = [
        person(
            n,
            K.PUPIL,
            rng.randint(1, 10),
            categories=frozenset(rng.sample(range(1, 11), rng.randint(1, 2))),
            words=stems(f"Подтянуть знания по предмету {rng.choice(SUBJECTS)}"),
            paired_elsewhere=n % 10
            == 0,  # a tenth already in a pair of another programme: those who wait go first
        )
        for n in range(MENTEES)
    ]
    preferences = matching.Preferences(
        of_mentees={m.entry_id: [x.entry_id for x in rng.sample(mentors, 3)] for m in mentees[::4]},
        of_mentors={m.entry_id: [x.entry_id for x in rng.sample(mentees, 3)] for m in mentors[::2]},
    )
    return {
        "form_code": form_code,
        "mentors": mentors,
        "mentees": mentees,
        "role_models": role_models,
        "preferences": preferences,
        "weights": matching.Weights(),
    }


def median_seconds(action: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


@pytest.mark.parametrize("form_code", ["teacher_pupil", "pupil_pupil"])
def test_matching_2000_mentees_against_400_mentors(form_code):
    instance = synthetic(form_code)
    places = sum(m.capacity_left for m in instance["mentors"])

    seconds, result = median_seconds(lambda: matching.match(**instance))
    tracemalloc.start()
    matching.match(**instance)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    by_id = {m.entry_id: m for m in instance["mentors"]}
    mentees = {m.entry_id: m for m in instance["mentees"]}
    assert all(
        not rules.all_problems(form_code, by_id[p.mentor_id], mentees[p.mentee_id]) for p in result.matches
    )
    taken = Counter(p.mentor_id for p in result.matches)
    assert all(taken[i] <= by_id[i].capacity_left for i in taken)
    reasons = Counter(u.reason.split(":")[0] for u in result.leftovers.unpaired)
    print(
        f"\nПодбор «{form_code}»: {MENTEES} наставляемых, {MENTORS} наставников, {places} мест — "
        f"медиана {seconds:.2f} с из {REPEATS}, пиковая память (tracemalloc) {peak / 2**20:.0f} МБ; "
        f"пар {len(result.matches)}, баллов {result.total_score}, без пары {len(result.leftovers.unpaired)} "
        f"({dict(reasons.most_common(3))})"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("form_code", ["teacher_pupil", "pupil_pupil"])
def test_a_proposal_for_the_biggest_school_end_to_end(department, client, form_code):
    curator = User.objects.get(username="bench_curator")
    school = (
        Organisation.objects.filter(department=department)
        .annotate(mentees=Count("people", filter=Q(people__mentee_entry__isnull=False)))
        .order_by("-mentees", "pk")
        .first()
    )
    Membership.objects.get_or_create(user=curator, organisation=school, role=Role.CURATOR)
    programme = Programme.objects.create(
        school=school,
        form=MentoringForm.objects.get(code=form_code),
        title="Программа для замера подбора",
        goal="Замер",
        starts_on="2026-09-01",
        ends_on="2027-06-30",
        style=Programme.Style.ASSIGNED,
    )
    # What the matching page ticks by default: everyone found but those who left or completed.
    mentors = mentor_entries(programme).exclude(status=MentorEntry.Status.LEFT)
    mentees = mentee_entries(programme).exclude(
        status__in=[MenteeEntry.Status.LEFT, MenteeEntry.Status.COMPLETED]
    )
    mentor_ids = list(mentors.values_list("pk", flat=True))
    mentee_ids = list(mentees.values_list("pk", flat=True))

    def create():
        return proposals.proposal_create(
            programme=programme,
            mentor_ids=mentor_ids,
            mentee_ids=mentee_ids,
            weights=matching.Weights(),
            by=curator,
        )

    seconds, proposal = median_seconds(create, repeats=3)
    _, _, grown_mb = measured(create)
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    # The curator works in its own school first; the pages are of the biggest one, as the switcher chooses.
    client.post(reverse("switch_organisation"), {"organisation": school.pk})
    school_pages = {
        "страница подбора": reverse("matching_start", args=[programme.pk]),
        "страница предложения": reverse("proposal_detail", args=[proposal.pk]),
    }
    print(
        f"\nПредложение «{form_code}» для «{school.short_name}» ({connection.vendor}): "
        f"{len(mentor_ids)} наставников ({MentorEntry.objects.filter(pk__in=mentor_ids).count()} в базе), "
        f"{len(mentee_ids)} наставляемых ({MenteeEntry.objects.for_school(school).count()} в базе); "
        f"пар {proposal.pairs.count()}; proposal_create: медиана {seconds:.2f} с, "
        f"прирост памяти процесса {grown_mb:.0f} МБ"
    )
    review = proposals.proposal_review(proposal)
    print(f"  без пары: {dict(Counter(reason for _, reason in review.unpaired).most_common(3))}")
    print(f"  наставники не могут взять: {dict(Counter(reason for _, reason in review.unfit_mentors))}")
    for label, url in school_pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        count = len(queries)  # read now: the next request clears the connection's log
        page_seconds, _ = median_seconds(lambda url=url: client.get(url))
        print(f"  {label:22} медиана {page_seconds * 1000:6.0f} мс, запросов к базе {count}")
    print_page_weights(client, programme)


# Before the people were chosen by filter and found by name: measured by this benchmark on the code of ab6e7ae
# (SQLite, the same municipality), and what the probe of issue 17 found on a base of 10,434 candidates.
WEIGHED_BEFORE = {
    "страница подбора": "180 КБ; в пробе issue 17 — 7,1 МБ",
    "анкетирование: создание": "112 КБ; в пробе ~900 КБ",
    "база: добавить": "97 КБ; в пробе ~900 КБ",
}


def print_page_weights(client, programme: Programme) -> None:
    """The pages that once listed every person of the school, and the matching page's post as rendered."""
    matching_page = client.get(reverse("matching_start", args=[programme.pk])).content
    pages = {
        "страница подбора": matching_page,
        "анкетирование: создание": client.get(reverse("survey_create")).content,
        "база: добавить": client.get(reverse("mentee_create")).content,
    }
    for label, content in pages.items():
        print(f"  {label:24} {len(content) / 1024:7.0f} КБ (было {WEIGHED_BEFORE[label]})")
    form = next(f for f in lxml.html.fromstring(matching_page).forms if "subjects" in f.fields)
    posted: dict[str, list[str]] = {}
    for name, value in form.form_values():
        posted.setdefault(name, []).append(value)
    response = client.post(reverse("matching_start", args=[programme.pk]), posted)
    fields = sum(len(values) for values in posted.values())
    print(f"  отправка подбора: полей {fields}, ответ {response.status_code}")
