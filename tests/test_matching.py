"""The matching engine on snapshots: the rules it never breaks, the optimum it finds, how it explains it."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.models import Consent, Person
from pairs import matching, rules
from pairs.matching import Preferences, RoleModelFit, Weights
from pairs.rules import Candidate, stems

K = Person.Kind
REPRESENTATIVE, SELF = Consent.GivenBy.REPRESENTATIVE, Consent.GivenBy.SELF
LEADER, LAGGING = RoleModelFit(1, frozenset({5, 6})), RoleModelFit(2, frozenset({2}))
ROLE_MODELS = (LAGGING, LEADER)
NO_PREFERENCES = Preferences()


def pupil(entry_id: int, grade: int, **changes) -> Candidate:
    values = {
        "entry_id": entry_id,
        "person_id": entry_id,
        "name": f"Ученик {entry_id}",
        "kind": K.PUPIL,
        "grade": grade,
        "school_class": f"{grade} «А»",
        "is_minor": True,
        "consent_given_by": REPRESENTATIVE,
        "left": False,
        "capacity_left": 1,
    }
    return Candidate(**(values | changes))


def teacher(entry_id: int, **changes) -> Candidate:
    values = {
        "entry_id": entry_id,
        "person_id": 1000 + entry_id,
        "name": f"Педагог {entry_id}",
        "kind": K.TEACHER,
        "grade": None,
        "school_class": "",
        "is_minor": False,
        "consent_given_by": SELF,
        "left": False,
        "capacity_left": 1,
    }
    return Candidate(**(values | changes))


def run(form_code, mentors, mentees, *, preferences=NO_PREFERENCES, weights=None, role_models=ROLE_MODELS):
    return matching.match(
        form_code=form_code,
        mentors=mentors,
        mentees=mentees,
        role_models=role_models,
        preferences=preferences,
        weights=weights or Weights(),
    )


def pairs_of(result) -> set[tuple[int, int]]:
    return {(m.mentor_id, m.mentee_id) for m in result.matches}


def reasons(result) -> dict[int, str]:
    return {u.mentee_id: u.reason for u in result.leftovers.unpaired}


# Readable examples.


def test_it_gives_a_pupil_mentor_only_mentees_of_a_younger_class():
    mentor = pupil(1, grade=8)
    older, younger = pupil(2, grade=9), pupil(3, grade=6)

    result = run("pupil_pupil", [mentor], [older, younger])

    assert pairs_of(result) == {(1, 3)}
    assert reasons(result) == {
        2: "нет подходящего наставника: "
        "наставник-ученик должен учиться в более старшем классе, чем наставляемый"
    }


def test_it_leaves_a_minor_without_a_representatives_consent_unpaired_and_says_why():
    mentor = teacher(1, capacity_left=3)
    minor = pupil(2, grade=6, consent_given_by=SELF)
    unconsented = pupil(3, grade=6, consent_given_by=None)

    result = run("teacher_pupil", [mentor], [minor, unconsented])

    assert result.matches == []
    assert reasons(result) == {
        2: "несовершеннолетний: нужно согласие родителя (законного представителя)",
        3: "нет согласия на обработку персональных данных",
    }
    assert result.leftovers.free_mentors == [matching.FreeMentor(1, 3)]


def test_it_forms_a_group_up_to_the_mentors_free_places_and_reports_the_rest_as_waiting():
    mentor = teacher(1, capacity_left=3)
    mentees = [pupil(n, grade=6) for n in range(2, 7)]

    result = run("teacher_pupil", [mentor], mentees)

    assert len(result.matches) == 3 and {m.mentor_id for m in result.matches} == {1}
    assert list(reasons(result).values()) == ["все подходящие наставники заняты"] * 2
    assert result.leftovers.free_mentors == []


def test_it_pairs_as_many_mentees_as_possible_before_it_looks_at_the_scores():
    # Greedy by score would give the older mentor the mentee both suit best and leave the eighth-grader alone.
    math = stems("математика")
    older, younger = pupil(1, grade=9, subjects=math, words=math), pupil(2, grade=7)
    keen = pupil(3, grade=6, words=stems("подтянуть математику"))
    eighth_grader = pupil(4, grade=8)

    result = run("pupil_pupil", [older, younger], [keen, eighth_grader])

    assert pairs_of(result) == {(1, 4), (2, 3)}


def test_a_waiting_mentee_takes_the_last_place_before_one_already_paired_in_another_programme():
    mentor = teacher(1, capacity_left=1)
    elsewhere = pupil(2, grade=6, categories=frozenset({1}), paired_elsewhere=True)  # the better score
    waiting = pupil(3, grade=6)

    result = run("teacher_pupil", [mentor], [elsewhere, waiting])

    assert pairs_of(result) == {(1, 3)}
    assert reasons(result) == {2: matching.PLACES_TO_WAITING}


def test_one_mentee_already_paired_elsewhere_is_still_paired_when_no_waiting_mentee_loses_by_it():
    mentors = [teacher(1, capacity_left=1), teacher(2, capacity_left=1)]
    elsewhere, waiting = pupil(3, grade=6, paired_elsewhere=True), pupil(4, grade=6)

    result = run("teacher_pupil", mentors, [elsewhere, waiting])

    assert {mentee for _, mentee in pairs_of(result)} == {3, 4}


def test_mutual_preferences_change_who_is_paired_with_whom():
    first, second = teacher(1), teacher(2)
    mentee = pupil(3, grade=6)
    chosen = Preferences(of_mentees={3: [2, 1]}, of_mentors={2: [3]})

    without = run("teacher_pupil", [first, second], [mentee], weights=Weights(preferences=0))
    with_choice = run("teacher_pupil", [first, second], [mentee], preferences=chosen)

    assert {m.mentor_id for m in without.matches} == {1}  # a tie, broken by the order of the mentors
    [match] = with_choice.matches
    assert match.mentor_id == 2
    # The mentee's first of two choices (2/2) and the mentor's only choice (1/1): 1.0 × 100 × weight 4.
    assert match.contributions == {"preferences": 400}


def test_a_second_choice_counts_less_than_a_first():
    preferences = Preferences(of_mentees={3: [1, 2]})

    assert preferences.value(1, 3) == 0.5  # (2/2 + 0) / 2
    assert preferences.value(2, 3) == 0.25  # (1/2 + 0) / 2
    assert preferences.value(4, 3) == 0


def test_the_role_model_serving_most_of_the_mentees_categories_becomes_the_pairs_role_model():
    mentee = pupil(2, grade=6, categories=frozenset({5, 2, 6}))

    [match] = run("teacher_pupil", [teacher(1)], [mentee], weights=Weights(role_model=3)).matches

    assert match.role_model_id == LEADER.id
    assert match.contributions == {"role_model": round(100 * 3 * 2 / 3)}


def test_a_form_with_one_role_model_gives_it_to_every_pair():
    only = RoleModelFit(7, frozenset({9}))

    [match] = run("teacher_pupil", [teacher(1)], [pupil(2, grade=6)], role_models=[only]).matches

    assert match.role_model_id == 7 and match.contributions == {}


def test_a_weight_of_zero_removes_a_criterions_contribution():
    hobbies = stems("шахматы, туризм")
    mentor, mentee = teacher(1, interests=hobbies), pupil(2, grade=6, interests=hobbies)

    [counted] = run("teacher_pupil", [mentor], [mentee], weights=Weights(interests=2)).matches
    [ignored] = run("teacher_pupil", [mentor], [mentee], weights=Weights(interests=0)).matches

    assert counted.contributions == {"interests": 200} and counted.score == 200
    assert ignored.contributions == {} and ignored.score == 0


def test_the_mentors_competencies_and_subjects_are_matched_against_the_request():
    mentor = teacher(1, subjects=stems("Математика"), words=stems("Подготовка к олимпиадам"))
    mentee = pupil(2, grade=6, words=stems("Подготовка к олимпиаде по математике"))

    [match] = run("teacher_pupil", [mentor], [mentee], weights=Weights(request=1)).matches

    assert match.contributions == {"request": 100}


def test_it_reports_mentors_who_cannot_take_part_and_those_with_places_left():
    full = teacher(1, capacity_left=0)
    pupil_mentor = pupil(2, grade=9)
    roomy = teacher(3, capacity_left=4)

    result = run("teacher_pupil", [full, pupil_mentor, roomy], [pupil(4, grade=6)])

    assert pairs_of(result) == {(3, 4)}
    assert result.leftovers.free_mentors == [matching.FreeMentor(3, 3)]
    assert {u.mentor_id: u.reason for u in result.leftovers.unfit_mentors} == {
        1: "у наставника нет свободных мест",
        2: "наставник — обучающийся: в этой форме наставник — другой сотрудник или педагог",
    }


def test_without_any_fit_mentor_every_mentee_is_told_so():
    result = run("teacher_pupil", [teacher(1, consent_given_by=None)], [pupil(2, grade=6)])

    assert reasons(result) == {2: matching.NO_FIT_MENTOR}


def test_weights_are_whole_numbers_from_0_to_5():
    with pytest.raises(ValueError):
        Weights(subjects=6)
    with pytest.raises(ValueError):
        Weights(interests=-1)
    assert Weights.from_dict({"subjects": 5, "unknown": 1}) == Weights(subjects=5)


# Properties on random small instances, against an exhaustive search.

WORDS = ("математика", "физика", "шахматы", "туризм", "олимпиада")
st_words = st.frozensets(st.sampled_from(WORDS), max_size=3).map(lambda words: stems(*words))


@st.composite
def candidates(draw, form_code: str, side: int, entry_id: int, person_id: int) -> Candidate:
    """Mostly a candidate who fits the form, so that the instances have choices to make."""
    fitting = sorted(rules.FORM_KINDS[form_code][side])
    kind = draw(st.sampled_from([*fitting, *fitting, *fitting, K.PUPIL, K.TEACHER]))
    grade = draw(st.one_of(st.integers(1, 11), st.integers(1, 11), st.none())) if kind == K.PUPIL else None
    mentor = side == 0
    return Candidate(
        entry_id=entry_id,
        person_id=person_id,
        name=f"Участник {entry_id}",
        kind=kind,
        grade=grade,
        school_class=str(grade or ""),
        is_minor=kind == K.PUPIL and draw(st.booleans()),
        consent_given_by=draw(st.sampled_from([REPRESENTATIVE] * 5 + [SELF, None])),
        left=draw(st.sampled_from([False] * 9 + [True])),
        categories=draw(st.frozensets(st.integers(1, 6), max_size=2)),
        subjects=draw(st_words),
        interests=draw(st_words),
        words=draw(st_words),
        capacity_left=draw(st.sampled_from([1, 1, 2, 2, 3, 0])) if mentor else 0,
        busy=not mentor and draw(st.sampled_from([False] * 9 + [True])),
        paired_elsewhere=not mentor and draw(st.sampled_from([False] * 2 + [True])),
    )


@st.composite
def instances(draw):
    form_code = draw(st.sampled_from(["pupil_pupil", "pupil_pupil", *rules.FORM_KINDS]))  # grades matter
    n_mentors, n_mentees = draw(st.integers(0, 5)), draw(st.integers(0, 6))
    mentors = [draw(candidates(form_code, 0, entry_id=i, person_id=i)) for i in range(1, n_mentors + 1)]
    # Mentee ids overlap the mentors' on purpose, and a mentee may be one of the mentors as a person.
    mentees = [
        draw(candidates(form_code, 1, entry_id=j, person_id=draw(st.sampled_from([100 + j, 100 + j, j]))))
        for j in range(1, n_mentees + 1)
    ]
    mentor_ids, mentee_ids = [m.entry_id for m in mentors], [m.entry_id for m in mentees]

    def choices(of: list[int]):
        return st.lists(st.sampled_from(of), unique=True, max_size=3) if of else st.just([])

    preferences = Preferences(
        of_mentees={j: draw(choices(mentor_ids)) for j in mentee_ids},
        of_mentors={i: draw(choices(mentee_ids)) for i in mentor_ids},
    )
    weights = Weights(**{name: draw(st.integers(0, 5)) for name in matching.CRITERIA})
    return form_code, mentors, mentees, preferences, weights


def exhaustive_best(form_code, mentors, mentees, preferences, weights) -> tuple[int, int, int]:
    """The best (waiting mentees paired, number of pairs, total score) over every way of giving each mentee
    one mentor or none."""
    options = [
        [
            (mentor.entry_id, int(not mentee.paired_elsewhere), score(mentor, mentee, preferences, weights))
            for mentor in mentors
            if not rules.all_problems(form_code, mentor, mentee)
        ]
        for mentee in mentees
    ]
    places = {mentor.entry_id: mentor.capacity_left for mentor in mentors}

    def search(index: int) -> tuple[int, int, int]:
        if index == len(options):
            return 0, 0, 0
        best = search(index + 1)
        for mentor_id, waits, points in options[index]:
            if places[mentor_id] > 0:
                places[mentor_id] -= 1
                waiting, count, total = search(index + 1)
                places[mentor_id] += 1
                best = max(best, (waiting + waits, count + 1, total + points))
        return best

    return search(0)


def score(mentor, mentee, preferences, weights) -> int:
    return matching.pair_score(
        mentor, mentee, role_models=ROLE_MODELS, preferences=preferences, weights=weights
    ).score


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_on_any_small_instance_it_breaks_no_rule_and_finds_the_best_pairing(instance):
    form_code, mentors, mentees, preferences, weights = instance
    by_id = {m.entry_id: m for m in mentors}
    mentee_by_id = {m.entry_id: m for m in mentees}

    result = run(form_code, mentors, mentees, preferences=preferences, weights=weights)

    for match in result.matches:
        mentor, mentee = by_id[match.mentor_id], mentee_by_id[match.mentee_id]
        assert rules.all_problems(form_code, mentor, mentee) == []
        assert match.score == sum(match.contributions.values()) == score(mentor, mentee, preferences, weights)
    taken = Counter(m.mentor_id for m in result.matches)
    assert all(taken[i] <= by_id[i].capacity_left for i in taken)
    paired = [m.mentee_id for m in result.matches]
    assert len(paired) == len(set(paired))
    assert sorted(paired + [u.mentee_id for u in result.leftovers.unpaired]) == sorted(mentee_by_id)
    waiting = sum(not mentee_by_id[m.mentee_id].paired_elsewhere for m in result.matches)
    assert (waiting, len(result.matches), result.total_score) == exhaustive_best(
        form_code, mentors, mentees, preferences, weights
    )
