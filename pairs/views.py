"""Pairs and groups: the list, a pair's page with its lifecycle, and its personalised programme."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from import_export import resources
from import_export.fields import Field

from mentoring.access import (
    NO_NAMED_LISTS,
    allow,
    allow_any_user,
    may_write,
    names_people,
    reading_organisation,
)
from mentoring.access_log import logged_export
from mentoring.models import BASE_READERS, MenteeEntry, Organisation, Role
from mentoring.tables import EXPORT_FORMATS, Column, counts_page, table_page
from monitoring import answers
from monitoring.models import Response

from . import agreements, proposals, services
from .filters import PairFilterSet
from .forms import STATUS_ACTIONS, PairStatusForm, PlanItemForm, PlanItemMarkForm, StatusAction
from .health import with_signs
from .meetings import count_of
from .models import MEMBERS, Meeting, Pair, PairStatusChange, PlanItem, ProposedPair

READING_ROLES = BASE_READERS | {Role.COORDINATOR}

# The list of pairs and groups.

PAIR_COLUMNS = (
    Column("Наставник", "mentor"),
    Column("Наставляемые"),
    Column("Программа"),
    Column("Ролевая модель"),
    Column("Статус", "status"),
    Column("Состояние"),
    Column("Сроки", "started"),
    Column("План выполнен"),
    Column("Встреч проведено"),
)


def listed_pairs(request: HttpRequest) -> tuple[QuerySet[Pair], Organisation | None]:
    """The current school's pairs (a department's for its coordinator) for those who read the school;
    for a mentor or a mentee, only their own. The department is returned when a coordinator looks."""
    if not request.roles & READING_ROLES:
        return Pair.objects.of_participant(request.user), None
    # `reading_organisation` has checked the user's role there: its pairs are the scope. Asking
    # `visible_to` again put three membership subqueries into each of the page's three queries.
    organisation = reading_organisation(request)
    if organisation.is_school:
        return Pair.objects.filter(school=organisation), None
    return Pair.objects.filter(school__department=organisation), organisation


def with_columns(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    return (
        with_signs(pairs)
        .select_related("school", "programme", "mentor__person", "role_model")
        .prefetch_related(MEMBERS)
        .annotate(
            plan_total=count_of(PlanItem.objects.all()),
            plan_done=count_of(PlanItem.objects.filter(done_on__isnull=False)),
            meetings_held=count_of(Meeting.objects.filter(status=Meeting.Status.HELD)),
        )
    )


class PairResource(resources.Resource):
    """The list as a table: what the filters found, every page of it."""

    mentor = Field(column_name="Наставник")
    mentees = Field(column_name="Наставляемые")
    kind = Field(column_name="Пара или группа")
    programme = Field(column_name="Программа")
    role_model = Field(column_name="Ролевая модель")
    status = Field(column_name="Статус")
    health = Field(column_name="Состояние")
    started_on = Field(column_name="Начало работы")
    ends_on = Field(column_name="Окончание (план)")
    ended_on = Field(column_name="Завершена")
    plan = Field(column_name="План: выполнено пунктов")
    meetings = Field(column_name="Встреч проведено")
    school = Field(column_name="Школа")

    def export_queryset(self, queryset: QuerySet[Pair]) -> QuerySet[Pair]:
        return queryset

    def dehydrate_mentor(self, pair: Pair) -> str:
        return pair.mentor.person.full_name

    def dehydrate_mentees(self, pair: Pair) -> str:
        return pair.mentees_label

    def dehydrate_kind(self, pair: Pair) -> str:
        return pair.kind_label

    def dehydrate_programme(self, pair: Pair) -> str:
        return pair.programme.title

    def dehydrate_role_model(self, pair: Pair) -> str:
        return pair.role_model.name if pair.role_model else ""

    def dehydrate_status(self, pair: Pair) -> str:
        return pair.get_status_display()

    def dehydrate_health(self, pair: Pair) -> str:
        return "; ".join((pair.health_label, *pair.health_reasons)) if pair.health else ""

    def dehydrate_started_on(self, pair: Pair) -> str:
        return f"{pair.started_on:%d.%m.%Y}" if pair.started_on else ""

    def dehydrate_ends_on(self, pair: Pair) -> str:
        return f"{pair.ends_on:%d.%m.%Y}" if pair.ends_on else ""

    def dehydrate_ended_on(self, pair: Pair) -> str:
        return f"{pair.ended_on:%d.%m.%Y}" if pair.ended_on else ""

    def dehydrate_plan(self, pair: Pair) -> str:
        return f"{pair.plan_done} из {pair.plan_total}"

    def dehydrate_meetings(self, pair: Pair) -> int:
        return pair.meetings_held

    def dehydrate_school(self, pair: Pair) -> str:
        return pair.school.short_name


@allow_any_user
def pair_list(request: HttpRequest) -> HttpResponse:
    pairs, department = listed_pairs(request)
    schools = None
    if department is not None:
        schools = Organisation.objects.readable_by(request.user).filter(department=department)
        if not names_people(request):
            return counts_page(request, rows=pairs, schools=schools, title="Пары и группы", section="pairs")
    filterset = PairFilterSet(
        request.GET, queryset=with_columns(pairs), request=request, pairs=pairs, schools=schools
    )
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return logged_export(
            request,
            organisation=request.organisation,
            resource_class=PairResource,
            filterset=filterset,
            fmt=fmt,
            basename="pary-i-gruppy",
            title="Список пар и групп",
        )
    can_approve = Role.DIRECTOR in request.roles and department is None and request.organisation.is_school
    columns = (
        *((Column("Утвердить"),) if can_approve else ()),
        *PAIR_COLUMNS,
        *((Column("Школа"),) if department else ()),
    )
    context = {
        **table_page(request, filterset, columns),
        "section": "pairs",
        "show_school": department is not None,
        "can_approve": can_approve,
        "is_reader": bool(request.roles & READING_ROLES),
    }
    return render(request, "pairs/pair_list.html", context)


# A pair's page.


@dataclass(frozen=True)
class MenteeReasons:
    """Why matching proposed a mentee to this mentor: the score and what each criterion added."""

    mentee: str
    score: int | None
    reasons: list[proposals.Reason]


def explanation(pair: Pair) -> list[MenteeReasons]:
    """The pair's `explanation` (per mentee: the score and the proposal's contributions), said as the
    proposal's page says it."""
    members = {str(member.mentee_id): member for member in pair.members.all()}
    found = []
    for mentee_id, parts in (pair.explanation or {}).items():
        contributions = {name: points for name, points in parts.items() if name != "score"}
        member = members.get(mentee_id)
        row = ProposedPair(contributions=contributions, role_model=member.role_model if member else None)
        name = member.mentee.person.full_name if member else "Наставляемый"
        found.append(MenteeReasons(name, parts.get("score"), proposals.reasons(row)))
    return found


def detail_rows(user) -> QuerySet[Pair]:
    present = Prefetch("present", queryset=MenteeEntry.objects.select_related("person"))
    return (
        Pair.objects.visible_to(user)
        .select_related("school", "programme", "mentor__person", "role_model", "order")
        .prefetch_related(
            MEMBERS,
            Prefetch("plan_items", queryset=PlanItem.objects.select_related("done_by")),
            Prefetch("meetings", queryset=Meeting.objects.prefetch_related(present)),
            Prefetch("status_changes", queryset=PairStatusChange.objects.select_related("changed_by")),
        )
    )


def powers(request: HttpRequest, pair: Pair) -> set[str]:
    """Which of the roles that move a pair along its lifecycle the user holds in the pair's school: the
    curator's steps; the director approves through the pairs order, not here."""
    return {Role.CURATOR} if may_write(request, pair.school_id) else set()


def may_order(request: HttpRequest, pair: Pair) -> bool:
    return pair.awaits_order and Pair.objects.approvable_by(request.user).filter(pk=pair.pk).exists()


def status_actions(pair: Pair, held: set[str]) -> list[StatusAction]:
    steps = [STATUS_ACTIONS[to] for to in pair.allowed_transitions() if to in STATUS_ACTIONS]
    return [action for action in steps if action.role in held]


def mentor_papers(request: HttpRequest, pair: Pair) -> agreements.Checklist | None:
    """The teacher-mentor's consent and agreement, for the director and the curator of the pair's school."""
    in_school = request.organisation is not None and request.organisation.pk == pair.school_id
    if not in_school or not request.roles & {Role.DIRECTOR, Role.CURATOR}:
        return None
    return agreements.checklist(pair)


def pair_page(request: HttpRequest, pair: Pair, bound: PairStatusForm | None = None) -> HttpResponse:
    user = request.user
    papers = mentor_papers(request, pair)
    actions = status_actions(pair, powers(request, pair))
    if papers and papers.blocks_start:
        # The start is refused until the consent is signed: the papers' section says what to do instead.
        actions = [action for action in actions if action.to != Pair.Status.ACTIVE]
    items = pair.plan_items.all()
    context = {
        "section": "pairs",
        "pair": pair,
        "members": pair.members.all(),
        "status_forms": [
            bound if bound and bound.action == action else PairStatusForm(action=action, pair=pair)
            for action in actions
        ],
        "may_order": may_order(request, pair),
        "can_work": pair.is_current and Pair.objects.workable_by(user).filter(pk=pair.pk).exists(),
        # The scores name the criteria a child was matched by: only those who read the bases see them.
        "reasons": explanation(pair)
        if Organisation.objects.readable_by(user).filter(pk=pair.school_id).exists()
        else None,
        "plan_items": items,
        "plan_done": sum(item.is_done for item in items),
        "meetings": pair.meetings.all(),
        "history": pair.status_changes.all(),
        "mentee_responses": mentee_responses(request, pair),
        "papers": papers,
    }
    return render(request, "pairs/pair_detail.html", context)


def mentee_responses(request: HttpRequest, pair: Pair) -> list[Response] | None:
    """The mentees' questionnaires for the pair's mentor and the school's curator or psychologist; None for
    anyone else, who is not told they exist."""
    user = request.user
    in_school = request.organisation is not None and request.organisation.pk == pair.school_id
    if pair.mentor.person.user_id != user.pk and not (in_school and request.roles & answers.ANSWER_READERS):
        return None
    people = [member.mentee.person_id for member in pair.members.all()]
    return list(answers.mentee_responses(user, people))


@allow_any_user
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(detail_rows(request.user), pk=pk)
    # A coordinator reads a school's pair, which names its people, only if the department allows it.
    if (
        not names_people(request)
        and not Pair.objects.of_participant(request.user).filter(pk=pair.pk).exists()
    ):
        raise PermissionDenied(NO_NAMED_LISTS)
    return pair_page(request, pair)


@allow(Role.CURATOR)
@require_POST
def pair_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of the lifecycle; a stale or repeated form gets a message and changes nothing."""
    managed = Pair.objects.editable_by(request.user)
    pair = get_object_or_404(detail_rows(request.user).filter(pk__in=managed.values("pk")), pk=pk)
    held = powers(request, pair)
    action = STATUS_ACTIONS.get(request.POST.get("to", ""))
    if action is None or action.role not in held:
        raise PermissionDenied("Это действие с парой вам недоступно.")
    form = PairStatusForm(request.POST, action=action, pair=pair)
    if not form.is_valid() and action in status_actions(pair, held):
        return pair_page(request, pair, bound=form)
    data = form.cleaned_data
    try:
        services.pair_change_status(
            pair=pair,
            to=action.to,
            by=request.user,
            note=data.get("note", ""),
            on=data.get("on"),
            shown=data.get("shown", ""),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Статус пары изменён: «{Pair.Status(action.to).label}».")
    return redirect("pair_detail", pk=pair.pk)


# The personalised programme: the curator and the pair's own mentor keep it.


def plan_url(pair_id: int) -> str:
    return reverse("pair_detail", args=[pair_id]) + "#plan"


def refuse_closed(request: HttpRequest, pair_id: int) -> HttpResponse:
    messages.error(request, services.PLAN_CLOSED)
    return redirect(plan_url(pair_id))


def workable_item(request: HttpRequest, pk: int) -> PlanItem:
    pairs = Pair.objects.workable_by(request.user)
    items = PlanItem.objects.filter(pair__in=pairs).select_related("pair__mentor__person")
    return get_object_or_404(items.prefetch_related(Prefetch("pair__members", MEMBERS.queryset)), pk=pk)


@allow(Role.CURATOR, Role.MENTOR)
def plan_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairs = Pair.objects.workable_by(request.user).select_related("mentor__person").prefetch_related(MEMBERS)
    pair = get_object_or_404(pairs, pk=pk)
    if not pair.is_current:
        return refuse_closed(request, pair.pk)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.plan_item_create(pair=pair, item_data=form.item_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Пункт {item.number} добавлен в план.")
            return redirect(plan_url(pair.pk))
    return render(request, "pairs/plan_item_form.html", {"section": "pairs", "pair": pair, "form": form})


@allow(Role.CURATOR, Role.MENTOR)
def plan_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = workable_item(request, pk)
    if not item.pair.is_current:
        return refuse_closed(request, item.pair_id)
    form = PlanItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(item=item, item_data=form.item_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Пункт {item.number} плана изменён.")
            return redirect(plan_url(item.pair_id))
    context = {"section": "pairs", "pair": item.pair, "item": item, "form": form}
    return render(request, "pairs/plan_item_form.html", context)


@allow(Role.CURATOR, Role.MENTOR)
def plan_item_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """The completion mark of a row: set it, correct it, or take it off («снять отметку»)."""
    item = workable_item(request, pk)
    if not item.pair.is_current:
        return refuse_closed(request, item.pair_id)
    if request.method == "POST" and "unmark" in request.POST:
        try:
            services.plan_item_unmark(item=item)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Отметка о выполнении пункта {item.number} снята.")
        return redirect(plan_url(item.pair_id))
    initial = {"done_on": item.done_on or timezone.localdate(), "done_note": item.done_note}
    form = PlanItemMarkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_item_mark(
                item=item, done_on=data["done_on"], note=data["done_note"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Пункт {item.number} отмечен как выполненный.")
            return redirect(plan_url(item.pair_id))
    context = {"section": "pairs", "pair": item.pair, "item": item, "form": form}
    return render(request, "pairs/plan_item_mark.html", context)


@allow(Role.CURATOR, Role.MENTOR)
@require_POST
def plan_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = workable_item(request, pk)
    try:
        services.plan_item_delete(item=item)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Пункт {item.number} удалён из плана, следующие пункты перенумерованы.")
    return redirect(plan_url(item.pair_id))


urlpatterns = [
    path("pairs/", pair_list, name="pair_list"),
    path("pairs/<int:pk>/", pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/status/", pair_status, name="pair_status"),
    path("pairs/<int:pk>/plan/new/", plan_item_create, name="plan_item_create"),
    path("plan-items/<int:pk>/edit/", plan_item_edit, name="plan_item_edit"),
    path("plan-items/<int:pk>/mark/", plan_item_mark, name="plan_item_mark"),
    path("plan-items/<int:pk>/delete/", plan_item_delete, name="plan_item_delete"),
]
