"""The matching engine: from snapshots of the two bases, the pairs and groups a curator is offered.

Pure computation, no database: the services load `rules.Candidate` snapshots and store what comes out.

The objective is the whole group at once, not one mentee after another: first as many waiting mentees
paired as the rules and the mentors' free places allow (those who wait come first: a mentee already in a
pair of another programme takes a place only if no waiting one can have it), then as many mentees in all,
then, among all such choices, the largest total score. It is solved exactly as an assignment problem:
every mentor is repeated as many «slots» as it can take mentees, and `scipy.optimize.linear_sum_assignment`
maximises the sum of TOP × waiting + BIG + score over the allowed slot–mentee edges (0 elsewhere). BIG
exceeds any total score, so one more pair always outweighs any gain in score; TOP exceeds any total of
BIG + score, so one more waiting mentee paired outweighs both; assignments over a forbidden edge are
dropped.

A pair's score is whole points: each criterion adds round(100 × weight × value), its value between 0 and
1 and its weight the curator's choice from 0 to 5. The contributions are kept: they explain the proposal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix

from . import rules
from .rules import Candidate

CRITERIA: dict[str, str] = {
    "role_model": "Ролевая модель",
    "subjects": "Общие предметы",
    "interests": "Общие интересы",
    "request": "Компетенции наставника отвечают запросу наставляемого",
    "preferences": "Взаимный выбор после групповой встречи",
}
MAX_WEIGHT = 5
POINTS = 100  # what a criterion met in full adds at weight 1
# A request is a sentence, mostly words no competency repeats: two shared words are a full match.
REQUEST_FULL_MATCH = 2

ALL_MENTORS_BUSY = "все подходящие наставники заняты"
PLACES_TO_WAITING = "уже в паре другой программы: места подходящих наставников отданы тем, кто ждёт пару"
INCLUDED_ON_PURPOSE = "Уже в паре другой программы: включён в подбор куратором"
FREE_MENTOR_LEFT = "подходящий наставник со свободным местом есть: пару можно добавить вручную"
NO_MENTOR = "нет подходящего наставника"
NO_FIT_MENTOR = f"{NO_MENTOR}: ни один из отмеченных наставников не может сейчас взять наставляемого"


@dataclass(frozen=True)
class Weights:
    """How much each criterion counts, 0 (not at all) to 5."""

    role_model: int = 3
    subjects: int = 2
    interests: int = 1
    request: int = 3
    preferences: int = 4

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
                raise ValueError(f"Weight {name} must be an integer from 0 to {MAX_WEIGHT}, not {value!r}.")

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> Weights:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def max_score(self) -> int:
        return POINTS * sum(asdict(self).values())


@dataclass(frozen=True)
class RoleModelFit:
    """A role model of the programme's form and the mentee categories it serves."""

    id: int
    categories: frozenset[int]


def rank_value(ranked: Sequence[int], partner_id: int) -> float:
    """Rank r of n choices is worth (n - r + 1) / n; not chosen at all, 0."""
    if partner_id not in ranked:
        return 0.0
    return (len(ranked) - ranked.index(partner_id)) / len(ranked)


@dataclass(frozen=True)
class Preferences:
    """Each side's ranked choices after the group meeting, first choice first."""

    of_mentees: Mapping[int, Sequence[int]] = field(default_factory=dict)  # mentee → mentor ids
    of_mentors: Mapping[int, Sequence[int]] = field(default_factory=dict)  # mentor → mentee ids

    def value(self, mentor_id: int, mentee_id: int) -> float:
        """The mean of both sides' values."""
        mentee_side = rank_value(self.of_mentees.get(mentee_id, ()), mentor_id)
        mentor_side = rank_value(self.of_mentors.get(mentor_id, ()), mentee_id)
        return (mentee_side + mentor_side) / 2

    def chosen(self) -> set[tuple[int, int]]:
        """Every (mentor, mentee) that either side chose."""
        return {(mentor, mentee) for mentee, mentors in self.of_mentees.items() for mentor in mentors} | {
            (mentor, mentee) for mentor, mentees in self.of_mentors.items() for mentee in mentees
        }


@dataclass(frozen=True)
class Match:
    mentor_id: int
    mentee_id: int
    role_model_id: int | None
    score: int
    contributions: dict[str, int]  # criterion → points, only those that added any


@dataclass(frozen=True)
class Unpaired:
    mentee_id: int
    reason: str


@dataclass(frozen=True)
class FreeMentor:
    mentor_id: int
    places: int


@dataclass(frozen=True)
class UnfitMentor:
    mentor_id: int
    reason: str


@dataclass(frozen=True)
class Leftovers:
    unpaired: list[Unpaired]
    free_mentors: list[FreeMentor]
    unfit_mentors: list[UnfitMentor]


@dataclass(frozen=True)
class Result:
    matches: list[Match]
    leftovers: Leftovers

    @property
    def total_score(self) -> int:
        return sum(match.score for match in self.matches)


# Scores: one matrix of points per criterion, mentors × mentees, computed for the whole group at once.


@dataclass(frozen=True)
class Scores:
    points: dict[str, np.ndarray]  # criterion → mentors × mentees
    role_models: list[int | None]  # the pair's role model, per mentee

    @property
    def total(self) -> np.ndarray:
        return sum(self.points.values())

    def match(self, i: int, j: int, mentor_id: int, mentee_id: int) -> Match:
        contributions = {name: int(matrix[i, j]) for name, matrix in self.points.items() if matrix[i, j]}
        return Match(mentor_id, mentee_id, self.role_models[j], sum(contributions.values()), contributions)


def as_points(weight: int, values: np.ndarray) -> np.ndarray:
    return np.rint(POINTS * weight * values).astype(np.int32)


def common_counts(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]) -> np.ndarray:
    """How many words each set on the left shares with each set on the right, as one sparse product."""
    vocabulary: dict[str, int] = {}
    for words in (*left, *right):
        for word in words:
            vocabulary.setdefault(word, len(vocabulary))
    if not vocabulary:
        return np.zeros((len(left), len(right)))

    def incidence(sets: Sequence[frozenset[str]]) -> csr_matrix:
        columns = [vocabulary[word] for words in sets for word in words]
        offsets = np.cumsum([0, *(len(words) for words in sets)])
        return csr_matrix((np.ones(len(columns)), columns, offsets), shape=(len(sets), len(vocabulary)))

    return (incidence(left) @ incidence(right).T).toarray()


def overlap(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]) -> np.ndarray:
    """Shared words over the smaller of the two sets: 1 when one side's words are all the other's."""
    common = common_counts(left, right)
    smaller = np.minimum.outer(
        np.array([len(s) for s in left], dtype=float), np.array([len(s) for s in right], dtype=float)
    )
    return np.divide(common, smaller, out=np.zeros_like(common), where=smaller > 0)


def best_role_model(mentee: Candidate, role_models: Sequence[RoleModelFit]) -> tuple[int | None, float]:
    """The role model serving most of the mentee's categories (the first on a tie), and that share.

    A form with a single role model gives it to every pair, fitting or not."""
    best, value = (role_models[0].id if len(role_models) == 1 else None), 0.0
    if mentee.categories:
        for role_model in role_models:
            share = len(role_model.categories & mentee.categories) / len(mentee.categories)
            if share > value:
                best, value = role_model.id, share
    return best, value


def score_table(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    *,
    role_models: Sequence[RoleModelFit],
    preferences: Preferences,
    weights: Weights,
) -> Scores:
    shape = (len(mentors), len(mentees))
    fits = [best_role_model(mentee, role_models) for mentee in mentees]
    role_model_values = np.array([value for _, value in fits], dtype=float)
    chosen = np.zeros(shape)
    mentor_index = {m.entry_id: i for i, m in enumerate(mentors)}
    mentee_index = {m.entry_id: j for j, m in enumerate(mentees)}
    for mentor_id, mentee_id in preferences.chosen():
        if mentor_id in mentor_index and mentee_id in mentee_index:
            chosen[mentor_index[mentor_id], mentee_index[mentee_id]] = preferences.value(mentor_id, mentee_id)
    offers = [mentor.words | mentor.subjects for mentor in mentors]
    requests = [mentee.words for mentee in mentees]
    values = {
        "role_model": lambda: np.broadcast_to(role_model_values, shape),
        "subjects": lambda: overlap([m.subjects for m in mentors], [m.subjects for m in mentees]),
        "interests": lambda: overlap([m.interests for m in mentors], [m.interests for m in mentees]),
        "request": lambda: np.minimum(common_counts(offers, requests) / REQUEST_FULL_MATCH, 1.0),
        "preferences": lambda: chosen,
    }
    points = {
        name: as_points(weight, values[name]()) if weight else np.zeros(shape, dtype=np.int32)
        for name, weight in weights.as_dict().items()
    }
    return Scores(points=points, role_models=[role_model for role_model, _ in fits])


def pair_score(
    mentor: Candidate,
    mentee: Candidate,
    *,
    role_models: Sequence[RoleModelFit],
    preferences: Preferences,
    weights: Weights,
) -> Match:
    """The score of one pair, as the engine counts it (a pair the curator adds by hand)."""
    scores = score_table(
        [mentor], [mentee], role_models=role_models, preferences=preferences, weights=weights
    )
    return scores.match(0, 0, mentor.entry_id, mentee.entry_id)


# Who is left, and why.


def unpaired_reason(
    form_code: str, mentee: Candidate, fit_mentors: Sequence[Candidate], places: Mapping[int, int]
) -> str:
    """Why a mentee has no partner: its own problem, the pair rule that blocked it most often, or that
    the mentors who would suit are full. `fit_mentors` have no problem of their own."""
    if problem := rules.mentee_problem(form_code, mentee):
        return problem
    if not fit_mentors:
        return NO_FIT_MENTOR
    blocked: Counter[str] = Counter()
    suitable = []
    for mentor in fit_mentors:
        if problem := rules.pair_problem(mentor, mentee):
            blocked[problem] += 1
        else:
            suitable.append(mentor)
    if not suitable:
        return f"{NO_MENTOR}: {blocked.most_common(1)[0][0]}"
    if any(places[mentor.entry_id] > 0 for mentor in suitable):
        return FREE_MENTOR_LEFT
    return PLACES_TO_WAITING if mentee.paired_elsewhere else ALL_MENTORS_BUSY


def leftovers(
    form_code: str,
    mentors: Iterable[Candidate],
    mentees: Iterable[Candidate],
    pairs: Iterable[tuple[int, int]],
) -> Leftovers:
    """Mentees without a partner, mentors with places still free, and mentors who cannot take part,
    given the (mentor id, mentee id) pairs formed."""
    pairs = list(pairs)
    taken = Counter(mentor_id for mentor_id, _ in pairs)
    paired = {mentee_id for _, mentee_id in pairs}
    fit, unfit = [], []
    for mentor in mentors:
        if problem := rules.mentor_problem(form_code, mentor):
            unfit.append(UnfitMentor(mentor.entry_id, problem))
        else:
            fit.append(mentor)
    places = {mentor.entry_id: mentor.capacity_left - taken[mentor.entry_id] for mentor in fit}
    return Leftovers(
        unpaired=[
            Unpaired(mentee.entry_id, unpaired_reason(form_code, mentee, fit, places))
            for mentee in mentees
            if mentee.entry_id not in paired
        ],
        free_mentors=[FreeMentor(mentor_id, left) for mentor_id, left in places.items() if left > 0],
        unfit_mentors=unfit,
    )


# The engine.


def allowed_edges(mentors: Sequence[Candidate], mentees: Sequence[Candidate]) -> np.ndarray:
    return np.array(
        [[rules.pair_problem(mentor, mentee) is None for mentee in mentees] for mentor in mentors],
        dtype=bool,
    ).reshape(len(mentors), len(mentees))


def match(
    *,
    form_code: str,
    mentors: Iterable[Candidate],
    mentees: Iterable[Candidate],
    role_models: Sequence[RoleModelFit],
    preferences: Preferences,
    weights: Weights,
) -> Result:
    """The best pairs and groups for the whole group of candidates; see the module's docstring."""
    mentors, mentees = list(mentors), list(mentees)
    fit_mentors = [m for m in mentors if rules.mentor_problem(form_code, m) is None]
    fit_mentees = [m for m in mentees if rules.mentee_problem(form_code, m) is None]
    allowed = allowed_edges(fit_mentors, fit_mentees)
    scores = score_table(
        fit_mentors, fit_mentees, role_models=role_models, preferences=preferences, weights=weights
    )
    slots = np.minimum([m.capacity_left for m in fit_mentors], allowed.sum(axis=1)).astype(int)
    slot_mentor = np.repeat(np.arange(len(fit_mentors)), slots)
    matches = []
    if len(slot_mentor) and len(fit_mentees):
        total = scores.total.astype(np.int64)
        most, pairs_at_most = int(total.max(initial=0)), min(len(slot_mentor), len(fit_mentees))
        big = most * pairs_at_most + 1
        top = (big + most) * pairs_at_most + 1
        waiting = np.array([not mentee.paired_elsewhere for mentee in fit_mentees], dtype=np.int64) * top
        gain = np.where(allowed, total + big + waiting, 0)[slot_mentor].astype(float)
        rows, columns = linear_sum_assignment(gain, maximize=True)
        for row, j in zip(rows, columns, strict=True):
            i = slot_mentor[row]
            if allowed[i, j]:
                matches.append(scores.match(i, j, fit_mentors[i].entry_id, fit_mentees[j].entry_id))
    matches.sort(key=lambda m: (m.mentor_id, -m.score, m.mentee_id))
    pairs = [(m.mentor_id, m.mentee_id) for m in matches]
    return Result(matches=matches, leftovers=leftovers(form_code, mentors, mentees, pairs))
