"""The curator's matching pages: the candidates and weights of a run, the proposal to review, edit and
accept, and the preferences each side states after the group meeting (seed 002 §5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from mentoring.access import allow
from mentoring.models import BASE_WRITERS, MenteeEntry, MentorEntry, consent_date
from monitoring.models import Questionnaire
from monitoring.responses import preferred_partner_replies
from programs.models import Programme

from . import matching, proposals, rules
from .matching_forms import (
    LIST_LIMIT,
    PLACES,
    AddPairForm,
    CandidateFilter,
    ChangeMentorForm,
    MatchingForm,
    MenteeFilter,
    MentorFilter,
    PreferenceForm,
    PreferenceImportForm,
    RemoveForm,
    SwapForm,
    mentee_entries,
    mentor_entries,
)
from .models import Preference, Proposal, ProposedPair
from .services import proposal_accept as accept

SECTION = "programmes"


def curator_programme(request: HttpRequest, pk: int) -> Programme:
    """A programme of a school the user is the curator of, still open to new pairs; else a 404."""
    programmes = Programme.objects.editable_by(request.user).active().select_related("form", "school")
    return get_object_or_404(programmes, pk=pk)


def curator_proposal(request: HttpRequest, pk: int) -> Proposal:
    drafts_and_accepted = Proposal.objects.editable_by(request.user).select_related(
        "programme__form", "programme__school", "created_by"
    )
    return get_object_or_404(drafts_and_accepted, pk=pk)


# Matching: the two lists of candidates and the weights.


@dataclass
class CandidateList:
    """One side's candidates: its filter, the rows found, each row's own problem from the rules, for a row a
    run leaves out unless ticked, why, and whether the filter takes it into the run."""

    key: str
    filter: CandidateFilter
    rows: list[MentorEntry] | list[MenteeEntry]

    @property
    def in_play(self) -> list[MentorEntry] | list[MenteeEntry]:
        return [row for row in self.rows if row.taken]

    @property
    def aside(self) -> list[MentorEntry] | list[MenteeEntry]:
        return [row for row in self.rows if not row.taken]

    @property
    def listed(self) -> bool:
        return len(self.rows) <= LIST_LIMIT

    @property
    def aside_reasons(self) -> list[tuple[str, int]]:
        """Why the rows the run leaves out are left out, each reason with its count: a long list in brief."""
        return Counter(row.aside for row in self.aside).most_common()


def candidate_list(
    key: str,
    filter: CandidateFilter,
    rows: QuerySet,
    load: Callable[[QuerySet], dict[int, rules.Candidate]],
    problem: Callable[[rules.Candidate], str | None],
    aside: Callable[[rules.Candidate], str],
) -> CandidateList:
    rows = filter.narrow(rows)
    found = list(rows)
    candidates = load(rows)
    for row in found:
        row.candidate = candidates[row.pk]
        row.problem = problem(row.candidate)
        row.aside = aside(row.candidate)
        row.taken = filter.takes(row)
    return CandidateList(key, filter, found)


def candidate_lists(data: QueryDict, programme: Programme) -> tuple[CandidateList, CandidateList]:
    """Both sides as their filters in `data` find them; a fixed number of queries however many are found."""
    code = programme.form.code
    mentee_filter = MenteeFilter(data, programme=programme)
    mentors = candidate_list(
        "mentor",
        MentorFilter(data, programme=programme),
        mentor_entries(programme).with_person().annotate(consent_date=consent_date("person")),
        rules.mentor_candidates,
        lambda candidate: rules.mentor_problem(code, candidate),
        rules.mentor_aside,
    )
    mentees = candidate_list(
        "mentee",
        mentee_filter,
        mentee_entries(programme)
        .with_person()
        .annotate(consent_date=consent_date("person"))
        .prefetch_related("categories"),
        lambda entries: rules.mentee_candidates(entries, programme),
        lambda candidate: rules.mentee_problem(code, candidate),
        rules.mentee_aside(mentee_filter.grades),
    )
    return mentors, mentees


def chosen_ids(form: MatchingForm, candidates: CandidateList) -> list[int]:
    """The ticked among the listed names, or, for a side chosen by its filter alone, all the filter takes."""
    if form.listed(candidates.key):
        ticked = form.ticked_ids(candidates.key)
        return [row.pk for row in candidates.rows if row.pk in ticked]
    return [row.pk for row in candidates.in_play]


def ticked(form: MatchingForm, lists: tuple[CandidateList, CandidateList]) -> dict[str, set[str]]:
    """What the boxes show: what was sent, or the rows the filter takes (those without a consent among them go
    to the proposal too: its list of those left without a pair says what each of them still needs)."""
    return {
        candidates.key: set(form.data.getlist(f"{candidates.key}s"))
        if form.listed(candidates.key)
        else {str(row.pk) for row in candidates.in_play}
        for candidates in lists
    }


WRONG_FILTER = {
    "mentor": "В отборе наставников ошибка: исправьте её, она указана у поля отбора.",
    "mentee": "В отборе наставляемых ошибка: исправьте её, она указана у поля отбора.",
}
NOBODY = {"mentor": "Отметьте хотя бы одного наставника.", "mentee": "Отметьте хотя бы одного наставляемого."}


def proposal_from(
    request: HttpRequest, programme: Programme, form: MatchingForm, lists: tuple[CandidateList, CandidateList]
) -> Proposal | None:
    """The proposal the valid form and filters ask for; else None, the form telling why."""
    form.is_valid()
    wrong = [candidates.key for candidates in lists if not candidates.filter.is_valid()]
    for key in wrong:
        form.add_error(None, WRONG_FILTER[key])
    if wrong:
        return None
    chosen = {
        candidates.key: chosen_ids(form, candidates)
        for candidates in lists
        if f"{candidates.key}s" not in form.errors
    }
    for key, ids in chosen.items():
        if not ids:
            form.add_error(f"{key}s", NOBODY[key])
    if form.errors:
        return None
    try:
        return proposals.proposal_create(
            programme=programme,
            mentor_ids=chosen["mentor"],
            mentee_ids=chosen["mentee"],
            weights=form.weights(),
            by=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@allow(BASE_WRITERS)
def matching_start(request: HttpRequest, pk: int) -> HttpResponse:
    programme = curator_programme(request, pk)
    sent = request.method == "POST"
    form = MatchingForm(request.POST if sent else None, programme=programme)
    lists = candidate_lists(request.POST if sent else request.GET, programme)
    if sent and not form.shows and (proposal := proposal_from(request, programme, form, lists)):
        messages.success(
            request, "Предложение пар готово: просмотрите его, измените при необходимости и примите."
        )
        return redirect("proposal_detail", pk=proposal.pk)
    context = {
        "section": SECTION,
        "programme": programme,
        "form": form,
        "ticked": ticked(form, lists),
        "list_limit": LIST_LIMIT,
    }
    side = {candidates.key: candidates for candidates in lists}.get(request.GET.get("side", ""))
    if request.htmx and side:
        # The filter of one side changed: its count and names, the rest of the page stays as it is.
        return render(request, "pairs/partials/matching_found.html", context | {"candidates": side})
    context |= {
        "lists": lists,
        "recent": programme.proposals.select_related("created_by")[:5],
    }
    return render(request, "pairs/matching_start.html", context)


# The proposal.


@dataclass(frozen=True)
class Place:
    """Where the page shows what an edit did: a proposed pair, the group of a mentor, the list of the pairs,
    or the form to add a pair or to swap mentors."""

    kind: str
    pk: int | None = None

    @property
    def anchor(self) -> str:
        return f"proposed-{self.kind}" if self.pk is None else f"proposed-{self.kind}-{self.pk}"


def proposal_page(
    request: HttpRequest,
    proposal: Proposal,
    template: str,
    review: proposals.Review,
    place: Place | None = None,
) -> HttpResponse:
    context = {
        "section": SECTION,
        "proposal": proposal,
        "programme": proposal.programme,
        "review": review,
        "editable": proposal.status == Proposal.Status.DRAFT,
        "weights": [(matching.CRITERIA[name], value) for name, value in proposal.weights.items()],
        "swap_fields": [("row_id", "Пара"), ("other_row_id", "Обменяться наставниками с парой")],
        "place": place,
    }
    return render(request, template, context)


@allow(BASE_WRITERS)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = curator_proposal(request, pk)
    return proposal_page(request, proposal, "pairs/proposal_detail.html", proposals.proposal_review(proposal))


EDITS = {
    "remove": (RemoveForm, proposals.proposed_pair_remove, "Пара убрана из предложения."),
    "add": (AddPairForm, proposals.proposed_pair_add, "Пара добавлена в предложение."),
    "swap": (SwapForm, proposals.proposed_pair_swap, "Пары обменялись наставниками."),
    "change_mentor": (ChangeMentorForm, proposals.proposed_pair_change_mentor, "Наставник пары изменён."),
}
# The forms on each pair; adding a pair and swapping mentors have a form of their own.
ROW_FORMS = ("remove", "change_mentor")


def place_of(
    review: proposals.Review, action: str, row_id: int | None, changed: ProposedPair | None
) -> Place:
    """A refused edit is told beside the form that was sent; a done one at the pair it changed or added, or,
    for a removed pair, at its mentor's group or the group now standing where it stood."""
    shown = {item.row.pk for group in review.groups for item in group.rows}
    if changed is None:
        if action in ROW_FORMS:
            return Place("pair", row_id) if row_id in shown else Place("pairs")
        return Place(action)
    if changed.pk in shown:
        return Place("pair", changed.pk)
    near = review.group_near(changed.mentor_id)
    return Place("pairs") if near is None else Place("group", near)


@allow(BASE_WRITERS)
@require_POST
def proposal_edit(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One edit of a draft proposal; a broken rule is reported and nothing changes. The curator stays where it
    was: htmx swaps in the proposal's new review with the message beside the change, a plain post comes back
    to the change's anchor."""
    proposal = curator_proposal(request, pk)
    form_class, edit, done = EDITS[action]
    form = form_class(request.POST)
    changed = None
    try:
        if not form.is_valid():
            raise ValidationError([message for errors in form.errors.values() for message in errors])
        changed = edit(proposal=proposal, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    review = proposals.proposal_review(proposal)
    place = place_of(review, action, form.cleaned_data.get("row_id"), changed)
    if request.htmx:
        return proposal_page(request, proposal, "pairs/partials/proposal_changed.html", review, place)
    return redirect(f"{reverse('proposal_detail', args=[proposal.pk])}#{place.anchor}")


@allow(BASE_WRITERS)
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = curator_proposal(request, pk)
    try:
        pairs = accept(proposal=proposal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("proposal_detail", pk=proposal.pk)
    messages.success(
        request,
        f"Сформировано пар и групп: {len(pairs)}. Их утверждает директор приказом "
        "«Об утверждении наставнических пар/групп».",
    )
    return redirect(f"{reverse('pair_list')}?programme={proposal.programme_id}")


# Preferences.


def chosen_by(programme: Programme) -> dict[str, list[dict]]:
    """Each side's choosers with their choices in order, each marked when it is mutual; one query."""
    rows = list(
        Preference.objects.filter(programme=programme)
        .select_related("mentor__person", "mentee__person")
        .order_by("rank", "pk")
    )
    picked = {(row.side, row.mentor_id, row.mentee_id) for row in rows}
    grouped: dict[str, dict[int, dict]] = {side: {} for side in Preference.Side.values}
    for row in rows:
        by_mentee = row.side == Preference.Side.MENTEE
        chooser, row.partner = (row.mentee, row.mentor) if by_mentee else (row.mentor, row.mentee)
        other_side = Preference.Side.MENTOR if by_mentee else Preference.Side.MENTEE
        row.is_mutual = (other_side, row.mentor_id, row.mentee_id) in picked
        grouped[row.side].setdefault(chooser.pk, {"chooser": chooser, "choices": []})["choices"].append(row)
    return {
        side: sorted(items.values(), key=lambda item: item["chooser"].person.full_name)
        for side, items in grouped.items()
    }


def preference_initial(request: HttpRequest, side: str, chosen: dict[str, list[dict]]) -> dict:
    """«Изменить» opens the form filled with the chooser's present choices."""
    if request.GET.get("side") != side:
        return {}
    for item in chosen[side]:
        if str(item["chooser"].pk) == request.GET.get("chooser"):
            places = dict(zip(PLACES, (row.partner.pk for row in item["choices"]), strict=False))
            return {"chooser": item["chooser"].pk, **places}
    return {}


@allow(BASE_WRITERS)
def preference_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = curator_programme(request, pk)
    sent = request.POST.get("side") if request.method == "POST" else None
    chosen = chosen_by(programme)
    side_forms = {
        side: PreferenceForm(
            request.POST if side == sent else None,
            programme=programme,
            side=side,
            initial=preference_initial(request, side, chosen),
        )
        for side in Preference.Side.values
    }
    form = side_forms.get(sent)
    if form is not None and form.is_valid():
        proposals.preference_set(
            programme=programme,
            side=sent,
            chooser=form.cleaned_data["chooser"],
            partners=form.cleaned_data["partners"],
        )
        messages.success(
            request, f"Выбор участника «{form.cleaned_data['chooser'].person.full_name}» сохранён."
        )
        return redirect("preference_list", pk=programme.pk)
    builtin = Questionnaire.objects.builtin().filter(purpose=Questionnaire.Purpose.PREFERRED_PARTNER)
    context = {
        "section": SECTION,
        "programme": programme,
        "chosen": chosen,
        "forms": side_forms,
        "replies": preferred_partner_replies(programme),
        "questionnaire_id": builtin.values_list("pk", flat=True).first(),
    }
    return render(request, "pairs/preference_list.html", context)


@allow(BASE_WRITERS)
def preference_import(request: HttpRequest, pk: int) -> HttpResponse:
    programme = curator_programme(request, pk)
    sent = request.method == "POST"
    form = PreferenceImportForm(request.POST if sent else None, request.FILES if sent else None)
    errors: list[str] = []
    if form.is_valid():
        try:
            imported = proposals.preferences_import(programme=programme, file=form.cleaned_data["file"])
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, f"Выбор загружен: участников — {imported.choosers}, выборов — {imported.choices}."
            )
            return redirect("preference_list", pk=programme.pk)
    context = {"section": SECTION, "programme": programme, "form": form, "errors": errors}
    return render(request, "pairs/preference_import.html", context)


urlpatterns = [
    path("programmes/<int:pk>/matching/", matching_start, name="matching_start"),
    path("programmes/<int:pk>/preferences/", preference_list, name="preference_list"),
    path("programmes/<int:pk>/preferences/import/", preference_import, name="preference_import"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/accept/", proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/remove/", proposal_edit, {"action": "remove"}, name="proposal_remove"),
    path("proposals/<int:pk>/add/", proposal_edit, {"action": "add"}, name="proposal_add"),
    path("proposals/<int:pk>/swap/", proposal_edit, {"action": "swap"}, name="proposal_swap"),
    path(
        "proposals/<int:pk>/change-mentor/",
        proposal_edit,
        {"action": "change_mentor"},
        name="proposal_change_mentor",
    ),
]
