"""Proposals of pairs and groups (seed 002 §5: «соединение наставников и наставляемых в пары/группы»): the
matching run stored for the curator to review, edit and accept; and the preferences each side states after
the group meeting («анкетирование на предмет предпочитаемого наставника/наставляемого»).

Every edit of a proposal locks it and re-tests the rules and the mentor's places on fresh snapshots, so a
change made meanwhile (a consent revoked, a pair formed in another proposal) is never overlooked.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from mentoring import imports
from mentoring.models import MenteeEntry, MentorEntry, Organisation, User
from programs.models import MentoringForm, Programme, RoleModel

from . import matching, rules
from .models import Preference, Proposal, ProposedPair
from .rules import Candidate

CLOSED_PROGRAMME = "Программа завершена: новые пары в неё не формируются."
ACCEPTED = "Предложение уже принято: изменить его нельзя."
ROW_GONE = "Этой пары уже нет в предложении: обновите страницу."
NOT_A_MENTOR = "Этого наставника нет среди кандидатов предложения."
NOT_A_MENTEE = "Этого наставляемого нет среди кандидатов предложения."
MAX_CHOICES = 3


@dataclass(frozen=True)
class Pool:
    """The candidates of one programme's matching, with what scores them."""

    form_code: str
    mentors: dict[int, Candidate]
    mentees: dict[int, Candidate]
    role_models: list[matching.RoleModelFit]
    preferences: matching.Preferences


def role_model_fits(form: MentoringForm) -> list[matching.RoleModelFit]:
    categories: dict[int, set[int]] = {}
    rows = RoleModel.objects.filter(form=form).order_by("order", "name", "pk").values_list("pk", "categories")
    for role_model_id, category_id in rows:
        categories.setdefault(role_model_id, set())
        if category_id is not None:
            categories[role_model_id].add(category_id)
    return [matching.RoleModelFit(pk, frozenset(ids)) for pk, ids in categories.items()]


def programme_preferences(programme: Programme) -> matching.Preferences:
    of_mentees: dict[int, list[int]] = defaultdict(list)
    of_mentors: dict[int, list[int]] = defaultdict(list)
    rows = Preference.objects.filter(programme=programme).order_by("rank", "pk")
    for side, mentor_id, mentee_id in rows.values_list("side", "mentor", "mentee"):
        if side == Preference.Side.MENTEE:
            of_mentees[mentee_id].append(mentor_id)
        else:
            of_mentors[mentor_id].append(mentee_id)
    return matching.Preferences(of_mentees=dict(of_mentees), of_mentors=dict(of_mentors))


def load_pool(
    *, programme: Programme, mentors: QuerySet[MentorEntry], mentees: QuerySet[MenteeEntry]
) -> Pool:
    """The candidates among the given entries that belong to the programme's school; six queries."""
    return Pool(
        form_code=programme.form.code,
        mentors=rules.mentor_candidates(mentors.filter(school=programme.school_id)),
        mentees=rules.mentee_candidates(mentees.filter(school=programme.school_id), programme),
        role_models=role_model_fits(programme.form),
        preferences=programme_preferences(programme),
    )


def proposal_pool(proposal: Proposal) -> Pool:
    return load_pool(
        programme=proposal.programme, mentors=proposal.mentors.all(), mentees=proposal.mentees.all()
    )


# Creating a proposal.


@transaction.atomic
def proposal_create(
    *,
    programme: Programme,
    mentor_ids: Iterable[int],
    mentee_ids: Iterable[int],
    weights: matching.Weights,
    by: User,
) -> Proposal:
    """Run matching over the chosen entries of the programme's school (others are ignored) and store it."""
    if not programme.accepts_pairs:
        raise ValidationError(CLOSED_PROGRAMME)
    pool = load_pool(
        programme=programme,
        mentors=MentorEntry.objects.filter(pk__in=list(mentor_ids)),
        mentees=MenteeEntry.objects.filter(pk__in=list(mentee_ids)),
    )
    if not pool.mentors or not pool.mentees:
        raise ValidationError("Отметьте хотя бы одного наставника и хотя бы одного наставляемого.")
    result = matching.match(
        form_code=pool.form_code,
        mentors=pool.mentors.values(),
        mentees=pool.mentees.values(),
        role_models=pool.role_models,
        preferences=pool.preferences,
        weights=weights,
    )
    proposal = Proposal.objects.create(
        school=programme.school, programme=programme, weights=weights.as_dict(), created_by=by
    )
    proposal.mentors.add(*pool.mentors)
    proposal.mentees.add(*pool.mentees)
    ProposedPair.objects.bulk_create(
        ProposedPair(
            proposal=proposal,
            mentor_id=found.mentor_id,
            mentee_id=found.mentee_id,
            role_model_id=found.role_model_id,
            score=found.score,
            contributions=found.contributions,
        )
        for found in result.matches
    )
    return proposal


# Editing a draft proposal.


def draft_for_update(proposal: Proposal) -> Proposal:
    """The proposal, locked until the edit ends; an accepted one is refused."""
    proposal = Proposal.objects.select_for_update().select_related("programme__form").get(pk=proposal.pk)
    if proposal.status != Proposal.Status.DRAFT:
        raise ValidationError(ACCEPTED)
    return proposal


def row_for_update(proposal: Proposal, row_id: int) -> ProposedPair:
    try:
        return proposal.pairs.select_for_update().get(pk=row_id)
    except ProposedPair.DoesNotExist:
        raise ValidationError(ROW_GONE) from None


def checked_pair(
    pool: Pool, proposal: Proposal, *, mentor_id: int, mentee_id: int, rows_of_mentor: int
) -> tuple[Candidate, Candidate]:
    """The two candidates, if every rule allows them together and the mentor keeps `rows_of_mentor` rows
    of this proposal within its free places; otherwise a ValidationError naming what is broken."""
    mentor, mentee = pool.mentors.get(mentor_id), pool.mentees.get(mentee_id)
    if mentor is None:
        raise ValidationError(NOT_A_MENTOR)
    if mentee is None:
        raise ValidationError(NOT_A_MENTEE)
    problems = [
        f"{mentee.name} и {mentor.name}: {problem}."
        for problem in rules.all_problems(pool.form_code, mentor, mentee)
    ]
    if not problems and rows_of_mentor > mentor.capacity_left:
        problems.append(
            f"{mentor.name}: свободных мест у наставника {mentor.capacity_left}, "
            "и все они уже заняты в этом предложении."
        )
    if problems:
        raise ValidationError(problems)
    return mentor, mentee


def rows_of(proposal: Proposal, mentor_id: int) -> int:
    return proposal.pairs.filter(mentor_id=mentor_id).count()


def rescore(row: ProposedPair, pool: Pool, proposal: Proposal, mentor: Candidate, mentee: Candidate) -> None:
    found = matching.pair_score(
        mentor,
        mentee,
        role_models=pool.role_models,
        preferences=pool.preferences,
        weights=matching.Weights.from_dict(proposal.weights),
    )
    row.mentor_id, row.mentee_id, row.role_model_id = mentor.entry_id, mentee.entry_id, found.role_model_id
    row.score, row.contributions = found.score, found.contributions


@transaction.atomic
def proposed_pair_remove(*, proposal: Proposal, row_id: int) -> ProposedPair:
    """The pair leaves the proposal; the row is returned as it was, its mentor and mentee named."""
    proposal = draft_for_update(proposal)
    row = row_for_update(proposal, row_id)
    row.delete()
    return row


@transaction.atomic
def proposed_pair_add(*, proposal: Proposal, mentor_id: int, mentee_id: int) -> ProposedPair:
    """A pair the curator forms by hand from the candidates; scored as matching would score it."""
    proposal = draft_for_update(proposal)
    if proposal.pairs.filter(mentee_id=mentee_id).exists():
        raise ValidationError("Этот наставляемый уже есть в предложении: поменяйте наставника в его паре.")
    pool = proposal_pool(proposal)
    mentor, mentee = checked_pair(
        pool,
        proposal,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        rows_of_mentor=rows_of(proposal, mentor_id) + 1,
    )
    row = ProposedPair(proposal=proposal, by_hand=True)
    rescore(row, pool, proposal, mentor, mentee)
    row.save()
    return row


@transaction.atomic
def proposed_pair_change_mentor(*, proposal: Proposal, row_id: int, mentor_id: int) -> ProposedPair:
    proposal = draft_for_update(proposal)
    row = row_for_update(proposal, row_id)
    if row.mentor_id == mentor_id:
        return row
    pool = proposal_pool(proposal)
    mentor, mentee = checked_pair(
        pool,
        proposal,
        mentor_id=mentor_id,
        mentee_id=row.mentee_id,
        rows_of_mentor=rows_of(proposal, mentor_id) + 1,
    )
    rescore(row, pool, proposal, mentor, mentee)
    row.save()
    return row


@transaction.atomic
def proposed_pair_swap(*, proposal: Proposal, row_id: int, other_row_id: int) -> ProposedPair:
    """The two pairs exchange their mentors; each mentor keeps as many mentees as before. The first pair is
    returned with its new mentor."""
    proposal = draft_for_update(proposal)
    row, other = row_for_update(proposal, row_id), row_for_update(proposal, other_row_id)
    if row.mentor_id == other.mentor_id:
        raise ValidationError("У этих пар один и тот же наставник: обменивать нечего.")
    pool = proposal_pool(proposal)
    changes = []
    for moved, mentor_id in ((row, other.mentor_id), (other, row.mentor_id)):
        mentor, mentee = checked_pair(
            pool,
            proposal,
            mentor_id=mentor_id,
            mentee_id=moved.mentee_id,
            rows_of_mentor=rows_of(proposal, mentor_id),
        )
        changes.append((moved, mentor, mentee))
    for moved, mentor, mentee in changes:
        rescore(moved, pool, proposal, mentor, mentee)
        moved.save()
    return row


# Reading a proposal for its page.


@dataclass(frozen=True)
class Reason:
    label: str
    points: int


@dataclass(frozen=True)
class ReviewRow:
    row: ProposedPair
    mentee: Candidate
    reasons: list[Reason]

    @property
    def note(self) -> str:
        """A mentee paired elsewhere is proposed only because the curator ticked it: the page says so."""
        return matching.INCLUDED_ON_PURPOSE if self.mentee.paired_elsewhere else ""


@dataclass(frozen=True)
class ReviewGroup:
    mentor: Candidate
    rows: list[ReviewRow]
    places_left: int


@dataclass(frozen=True)
class Review:
    groups: list[ReviewGroup]
    unpaired: list[tuple[Candidate, str]]
    free_mentors: list[tuple[Candidate, int]]
    unfit_mentors: list[tuple[Candidate, str]]
    mentors: list[Candidate]  # the candidate mentors fit to take a mentee, for the controls
    addable_mentees: list[Candidate]  # unpaired candidates without a problem of their own
    order: list[int]  # every candidate mentor, in the order of the groups

    def group_near(self, mentor_id: int) -> int | None:
        """The mentor's group; if it has none now, the group that stands where it stood."""
        leading = [group.mentor.entry_id for group in self.groups]
        if not leading:
            return None
        after = self.order[self.order.index(mentor_id) :] if mentor_id in self.order else []
        return next((entry_id for entry_id in after if entry_id in leading), leading[-1])

    @property
    def pair_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def unpaired_by_reason(self) -> list[tuple[str, list[Candidate]]]:
        return by_reason(self.unpaired)

    @property
    def unfit_by_reason(self) -> list[tuple[str, list[Candidate]]]:
        return by_reason(self.unfit_mentors)


def by_reason(people: list[tuple[Candidate, str]]) -> list[tuple[str, list[Candidate]]]:
    """Each reason once with the people it holds back, the most common first: a page names the reason once,
    not on every row."""
    grouped: dict[str, list[Candidate]] = defaultdict(list)
    for candidate, reason in people:
        grouped[reason].append(candidate)
    return sorted(grouped.items(), key=lambda item: -len(item[1]))


def reasons(row: ProposedPair) -> list[Reason]:
    """The contributions as the page says them: «Ролевая модель «Лидер – пассивный»» +300, …"""
    found = []
    for name, points in row.contributions.items():
        label = matching.CRITERIA.get(name, name)
        if name == "role_model" and row.role_model is not None:
            label = f"{label} {row.role_model.name}"
        found.append(Reason(label, points))
    return sorted(found, key=lambda reason: -reason.points)


def proposal_review(proposal: Proposal) -> Review:
    """The proposal grouped by mentor, with who is left and why; a fixed number of queries.

    Once accepted, its pairs are real: the snapshots already count them in the mentors' places."""
    pool = proposal_pool(proposal)
    rows = list(proposal.pairs.select_related("role_model").order_by("-score", "pk"))
    by_mentor: dict[int, list[ReviewRow]] = defaultdict(list)
    for row in rows:
        by_mentor[row.mentor_id].append(ReviewRow(row, pool.mentees[row.mentee_id], reasons(row)))
    pending = (
        [] if proposal.status == Proposal.Status.ACCEPTED else [(r.mentor_id, r.mentee_id) for r in rows]
    )
    in_rows = {row.mentee_id for row in rows}
    left = matching.leftovers(
        pool.form_code,
        pool.mentors.values(),
        [mentee for mentee in pool.mentees.values() if mentee.entry_id not in in_rows],
        pending,
    )
    mentors = sorted(pool.mentors.values(), key=lambda c: c.name)
    unfit = {u.mentor_id for u in left.unfit_mentors}
    unpaired = sorted(((pool.mentees[u.mentee_id], u.reason) for u in left.unpaired), key=by_name)
    pending_of = Counter(mentor_id for mentor_id, _ in pending)
    return Review(
        groups=[
            ReviewGroup(m, by_mentor[m.entry_id], m.capacity_left - pending_of[m.entry_id])
            for m in mentors
            if m.entry_id in by_mentor
        ],
        unpaired=unpaired,
        free_mentors=sorted(((pool.mentors[f.mentor_id], f.places) for f in left.free_mentors), key=by_name),
        unfit_mentors=sorted(
            ((pool.mentors[u.mentor_id], u.reason) for u in left.unfit_mentors), key=by_name
        ),
        mentors=[mentor for mentor in mentors if mentor.entry_id not in unfit],
        addable_mentees=[
            mentee for mentee, _ in unpaired if rules.mentee_problem(pool.form_code, mentee) is None
        ],
        order=[mentor.entry_id for mentor in mentors],
    )


def by_name(item: tuple[Candidate, object]) -> str:
    return item[0].name


# Preferences.


def choice_fields(side: str) -> tuple[str, str]:
    """Which foreign key of a Preference is the chooser and which the chosen partner."""
    return ("mentee", "mentor") if side == Preference.Side.MENTEE else ("mentor", "mentee")


def choices_replace(
    *, programme: Programme, side: str, chooser_id: int, partner_ids: list[int]
) -> list[Preference]:
    chooser_field, partner_field = choice_fields(side)
    Preference.objects.filter(programme=programme, side=side, **{chooser_field: chooser_id}).delete()
    return Preference.objects.bulk_create(
        Preference(
            school_id=programme.school_id,
            programme=programme,
            side=side,
            rank=rank,
            **{f"{chooser_field}_id": chooser_id, f"{partner_field}_id": partner_id},
        )
        for rank, partner_id in enumerate(partner_ids, start=1)
    )


@transaction.atomic
def preference_set(
    *,
    programme: Programme,
    side: str,
    chooser: MentorEntry | MenteeEntry,
    partners: Sequence[MentorEntry | MenteeEntry],
) -> list[Preference]:
    """Replace the chooser's ranked choices, first choice first; no partners clears them."""
    chooser_model = MenteeEntry if side == Preference.Side.MENTEE else MentorEntry
    if not isinstance(chooser, chooser_model) or any(isinstance(p, chooser_model) for p in partners):
        raise ValueError("A mentee chooses mentors, a mentor chooses mentees.")
    if any(entry.school_id != programme.school_id for entry in (chooser, *partners)):
        raise ValidationError("Выбирать можно только участников баз наставников и наставляемых этой школы.")
    partner_ids = [partner.pk for partner in partners]
    if len(set(partner_ids)) != len(partner_ids):
        raise ValidationError("Один и тот же участник выбран дважды: у каждого места свой участник.")
    if len(partner_ids) > MAX_CHOICES:
        raise ValidationError(f"Выбрать можно не больше {MAX_CHOICES} участников.")
    return choices_replace(programme=programme, side=side, chooser_id=chooser.pk, partner_ids=partner_ids)


# Import of preferences: «Кто выбирает», «Кого выбирает», «Место», names as «Фамилия Имя Отчество».

CHOOSER, CHOSEN, PLACE = "Кто выбирает", "Кого выбирает", "Место"
PREFERENCE_COLUMNS = (CHOOSER, CHOSEN, PLACE)


@dataclass(frozen=True)
class PreferencesImported:
    choosers: int
    choices: int


def preference_cells(file) -> list[tuple[int, str, str, object]]:
    """(row number, chooser, chosen, place) of every filled row, or an ImportFileError."""
    found, columns, seen = [], None, 0
    with contextlib.closing(imports.table_rows(imports.upload_bytes(file))[1]) as rows:
        for number, values in rows:
            cells = [imports.clean_cell(value) for value in values]
            if not any(cell != "" for cell in cells):
                continue
            if columns is None:
                headers = [imports.normalise_header(cell) for cell in cells]
                wanted = [imports.normalise_header(name) for name in PREFERENCE_COLUMNS]
                if all(name in headers for name in wanted):
                    columns = [headers.index(name) for name in wanted]
                elif (seen := seen + 1) >= imports.HEADER_SEARCH_ROWS:
                    break
                continue
            if len(found) >= settings.IMPORT_MAX_ROWS:
                raise imports.ImportFileError(
                    f"В файле больше {imports.thousands(settings.IMPORT_MAX_ROWS)} строк: "
                    "разделите его на части."
                )
            found.append((number, *(cells[i] if i < len(cells) else "" for i in columns)))
    if columns is None:
        names = ", ".join(f"«{name}»" for name in PREFERENCE_COLUMNS)
        raise imports.ImportFileError(
            f"В файле нет столбцов {names}. Первая строка таблицы должна содержать эти заголовки."
        )
    if not found:
        raise imports.ImportFileError(imports.ONLY_HEADERS)
    return found


def names_index(entries: QuerySet) -> dict[str, list[int]]:
    """Entry ids by the normalised full name of their person: «Иванова Анна Сергеевна»."""
    index: dict[str, list[int]] = defaultdict(list)
    rows = entries.filter(person__archived_at__isnull=True).values_list(
        "pk", "person__last_name", "person__first_name", "person__patronymic"
    )
    for pk, *parts in rows:
        index[imports.normalise_text(" ".join(p for p in parts if p))].append(pk)
    return index


def place_of(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_CHOICES else None


class PreferenceRows:
    """Resolves the rows of a file to choices, collecting one Russian sentence per error."""

    BASES = {"mentor": "базе наставников", "mentee": "базе наставляемых"}

    def __init__(self, school: Organisation) -> None:
        self.names = {
            "mentor": names_index(MentorEntry.objects.for_school(school).active()),
            "mentee": names_index(MenteeEntry.objects.for_school(school).active()),
        }
        self.errors: list[str] = []
        # (side, chooser id) → place → (partner id, row number)
        self.choices: dict[tuple[str, int], dict[int, tuple[int, int]]] = defaultdict(dict)

    def error(self, number: int, text: str) -> None:
        self.errors.append(f"Строка {number}: {text}")

    def entry(self, number: int, base: str, name: str) -> int | None:
        ids = self.names[base].get(imports.normalise_text(name), [])
        if len(ids) > 1:
            self.error(number, f"в {self.BASES[base]} несколько участников «{name}»; укажите этот выбор на "
                               "странице предпочтений.")  # fmt: skip
            return None
        return ids[0] if ids else None

    def side(self, number: int, chooser: str, chosen: str) -> str | None:
        """A mentee chooses a mentor, a mentor a mentee; the bases the two names are in tell which."""
        known = {
            base: {name for name in (chooser, chosen) if imports.normalise_text(name) in self.names[base]}
            for base in self.BASES
        }
        sides = [
            side
            for side in (Preference.Side.MENTEE, Preference.Side.MENTOR)
            if chooser in known[choice_fields(side)[0]] and chosen in known[choice_fields(side)[1]]
        ]
        if len(sides) == 1:
            return sides[0]
        if sides:
            self.error(number, f"«{chooser}» и «{chosen}» есть в обеих базах: не понять, кто кого выбирает.")
            return None
        for name in (chooser, chosen):
            if not (name in known["mentor"] or name in known["mentee"]):
                self.error(number, f"«{name}» нет ни в базе наставников, ни в базе наставляемых школы.")
                return None
        self.error(
            number,
            f"«{chooser}» и «{chosen}» в одной базе: наставляемый выбирает наставника, а наставник — "
            "наставляемого.",
        )
        return None

    def add(self, number: int, chooser: object, chosen: object, place: object) -> None:
        chooser, chosen = str(chooser).strip(), str(chosen).strip()
        for column, value in ((CHOOSER, chooser), (CHOSEN, chosen)):
            if not value:
                self.error(number, f"не заполнен столбец «{column}».")
                return
        rank = place_of(place)
        if rank is None:
            self.error(
                number, f"в столбце «{PLACE}» должно быть число от 1 до {MAX_CHOICES}, а не «{place}»."
            )
            return
        side = self.side(number, chooser, chosen)
        if side is None:
            return
        chooser_base, chosen_base = choice_fields(side)
        chooser_id, chosen_id = (
            self.entry(number, chooser_base, chooser),
            self.entry(number, chosen_base, chosen),
        )
        if chooser_id is None or chosen_id is None:
            return
        places = self.choices[(side, chooser_id)]
        if rank in places:
            self.error(number, f"у «{chooser}» место {rank} уже отдано в строке {places[rank][1]}.")
        elif any(partner == chosen_id for partner, _ in places.values()):
            self.error(number, f"«{chooser}» уже выбрал(а) «{chosen}» в другой строке.")
        else:
            places[rank] = (chosen_id, number)


@transaction.atomic
def preferences_import(*, programme: Programme, file) -> PreferencesImported:
    """Replace the choices of everyone the file names; all rows or none, with a ValidationError listing
    every error by row."""
    try:
        cells = preference_cells(file)
    except imports.ImportFileError as error:
        raise ValidationError(str(error)) from None
    resolved = PreferenceRows(programme.school)
    for row in cells:
        resolved.add(*row)
    if resolved.errors:
        raise ValidationError(resolved.errors)
    for (side, chooser_id), places in resolved.choices.items():
        partner_ids = [partner for _, (partner, _) in sorted(places.items())]
        choices_replace(programme=programme, side=side, chooser_id=chooser_id, partner_ids=partner_ids)
    return PreferencesImported(
        choosers=len(resolved.choices), choices=sum(len(places) for places in resolved.choices.values())
    )
