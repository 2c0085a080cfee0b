"""The programmes of a school: the list, the form made from a seed, the card and the moves of its status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentoring.academic_year import AcademicYear
from mentoring.access import allow, reading_organisation, writing_school
from mentoring.models import BASE_READERS, Organisation, Role, User
from mentoring.tables import Column, table_page
from pairs.models import Pair

from . import services
from .filters import ProgrammeFilterSet
from .forms import ProgrammeForm, StatusForm, risk_formset
from .models import MentoringForm, Programme
from .seed_texts import PROGRAMME_TEMPLATES, ProgrammeTemplate
from .selectors import curator_contact, curators_of

SECTION = "programmes"
READERS = BASE_READERS | {Role.COORDINATOR}
S = Programme.Status

COLUMNS = (
    Column("Название", "title"),
    Column("Форма наставничества"),
    Column("Срок реализации", "term"),
    Column("Статус", "status"),
    Column("Куратор"),
    Column("Текущих пар и групп"),
)

# The buttons of the card: (from, to) → label and style.
ACTIONS = {
    (S.DRAFT, S.APPROVED): ("Утвердить программу", "btn-success"),
    (S.APPROVED, S.DRAFT): ("Вернуть на доработку", "btn-outline-secondary"),
    (S.APPROVED, S.RUNNING): ("Начать реализацию", "btn-success"),
    (S.RUNNING, S.COMPLETED): ("Завершить программу", "btn-outline-dark"),
}
DONE = {
    S.APPROVED: "Программа утверждена.",
    S.DRAFT: "Программа возвращена на доработку: куратор может её изменить.",
    S.RUNNING: "Реализация программы начата.",
    S.COMPLETED: "Программа завершена.",
}


def school_roles(user: User, school_id: int) -> set[str]:
    """The roles that act on a programme: curator and director of its school (a coordinator only reads)."""
    schools = Organisation.objects.writable_by
    return {
        role for role in (Role.CURATOR, Role.DIRECTOR) if schools(user, {role}).filter(pk=school_id).exists()
    }


@allow(READERS)
def programme_list(request: HttpRequest) -> HttpResponse:
    organisation = reading_organisation(request)
    rows = (
        Programme.objects.visible_to(request.user)
        .select_related("form", "curator", "school")
        .annotate(
            current_pairs=Count("pairs", filter=Q(pairs__status__in=Pair.CURRENT)),
            # Sorting by status follows the lifecycle, not the alphabet of the codes.
            status_order=Case(*(When(status=value, then=n) for n, value in enumerate(S.values))),
        )
        .order_by(*Programme._meta.ordering, "pk")
    )
    columns, schools = COLUMNS, None
    if organisation.is_school:
        rows = rows.filter(school=organisation)
    else:
        rows = rows.filter(school__department=organisation)
        schools = Organisation.objects.readable_by(request.user).filter(department=organisation)
        columns = (*columns, Column("Школа"))
    filterset = ProgrammeFilterSet(request.GET, queryset=rows, schools=schools)
    context = {
        **table_page(request, filterset, columns),
        "section": SECTION,
        "show_school": schools is not None,
        "can_write": organisation.is_school and Role.CURATOR in request.roles,
    }
    return render(request, "programs/programme_list.html", context)


def template_initial(template: ProgrammeTemplate) -> tuple[dict, list[dict[str, str]]]:
    """The programme's fields and its risks as the seed has them, its term from this academic year."""
    starts_on, ends_on = template.term(AcademicYear.current().start)
    fields = {
        "title": template.title,
        "goal": template.goal,
        "tasks": "\n".join(template.tasks),
        "expected_results": "\n".join(template.expected_results),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "style": template.style,
        "mode": template.mode,
    }
    return fields, [{"risk": risk, "mitigation": mitigation} for risk, mitigation in template.risks]


@allow(Role.CURATOR)
def programme_create(request: HttpRequest) -> HttpResponse:
    """First the form of mentoring, then the programme: empty, or filled from the seed of that form."""
    school = writing_school(request)
    chosen = MentoringForm.objects.filter(code=request.GET.get("form", "")).first()
    if chosen is None and request.method != "POST":
        forms = MentoringForm.objects.prefetch_related("role_models")
        choices = [(form, PROGRAMME_TEMPLATES.get(form.code)) for form in forms]
        return render(request, "programs/programme_choose.html", {"section": SECTION, "choices": choices})
    template = PROGRAMME_TEMPLATES.get(chosen.code) if chosen else None
    initial, risk_rows = {"form": chosen, "curator": request.user}, None
    if template and "sample" in request.GET:
        fields, risk_rows = template_initial(template)
        initial |= fields
    data = request.POST if request.method == "POST" else None
    form = ProgrammeForm(data, curators=curators_of(school), initial=initial)
    risks = risk_formset(data, initial=None if data else risk_rows)
    if data is not None and all([form.is_valid(), risks.is_valid()]):
        programme = services.programme_create(school=school, data=form.programme_data(), risks=risks.risks())
        messages.success(request, "Программа сохранена как черновик. Передайте её директору на утверждение.")
        return redirect("programme_detail", pk=programme.pk)
    context = {"section": SECTION, "form": form, "risks": risks, "chosen": chosen, "template": template}
    return render(request, "programs/programme_form.html", context)


@allow(READERS, Role.MENTOR, Role.MENTEE)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's page for the readers of its school; a card of it for the mentors and mentees."""
    programmes = Programme.objects.select_related("school", "form", "curator", "approved_by")
    programme = programmes.visible_to(request.user).filter(pk=pk).first()
    if programme is None:
        own = Pair.objects.of_participant(request.user)
        return participant_card(
            request, get_object_or_404(programmes.filter(pairs__in=own).distinct(), pk=pk)
        )
    counts = dict(
        Pair.objects.filter(programme=programme).values_list("status").annotate(n=Count("pk")).order_by()
    )
    roles = school_roles(request.user, programme.school_id)
    actions = [
        (to, *ACTIONS[(programme.status, to)])
        for (status, to), role in services.TRANSITIONS.items()
        if status == programme.status and role in roles
    ]
    context = {
        "section": SECTION,
        "programme": programme,
        "risks": list(programme.risks.all()),
        "pair_counts": [(label, counts.get(value, 0)) for value, label in Pair.Status.choices],
        "proposed_pairs": counts.get(Pair.Status.PROPOSED, 0),
        "is_curator": Role.CURATOR in roles,
        "is_director": Role.DIRECTOR in roles,
        "actions": actions,
    }
    return render(request, "programs/programme_detail.html", context)


def participant_card(request: HttpRequest, programme: Programme) -> HttpResponse:
    """What a mentor or a mentee needs of its programme: what it is for, its term, its role model and whom to
    ask. Not the other participants, the documents or the actions of the school's staff."""
    pairs = Pair.objects.of_participant(request.user).filter(programme=programme).select_related("role_model")
    context = {
        "section": "pairs",
        "programme": programme,
        "role_models": sorted({pair.role_model.name for pair in pairs if pair.role_model}),
        "curator": curator_contact(programme),
    }
    return render(request, "programs/programme_card.html", context)


@allow(Role.CURATOR)
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.editable_by(request.user).select_related("school", "curator"), pk=pk
    )
    if programme.status != S.DRAFT:
        return refuse_not_draft(request, programme)
    data = request.POST if request.method == "POST" else None
    form = ProgrammeForm(
        data,
        instance=programme,
        curators=curators_of(programme.school, programme.curator),
        has_pairs=Pair.objects.filter(programme=programme).exists(),
    )
    rows = [{"risk": r.risk, "mitigation": r.mitigation} for r in programme.risks.all()]
    risks = risk_formset(data, initial=None if data else rows)
    if data is not None and all([form.is_valid(), risks.is_valid()]):
        try:
            services.programme_update(programme=programme, data=form.programme_data(), risks=risks.risks())
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Изменения сохранены.")
        return redirect("programme_detail", pk=programme.pk)
    context = {"section": SECTION, "form": form, "risks": risks, "programme": programme}
    return render(request, "programs/programme_form.html", context)


def refuse_not_draft(request: HttpRequest, programme: Programme) -> HttpResponse:
    message = services.NOT_A_DRAFT.format(status=programme.get_status_display())
    if programme.status == S.APPROVED:
        message += " Чтобы внести изменения, попросите директора вернуть её на доработку."
    messages.error(request, message)
    return redirect("programme_detail", pk=programme.pk)


@allow(Role.CURATOR, Role.DIRECTOR)
@require_POST
def programme_status(request: HttpRequest, pk: int) -> HttpResponse:
    actors = Organisation.objects.writable_by(request.user, roles={Role.CURATOR, Role.DIRECTOR})
    programme = get_object_or_404(Programme.objects.filter(school__in=actors), pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Не удалось понять, что сделать с программой. Обновите страницу.")
        return redirect("programme_detail", pk=programme.pk)
    to = form.cleaned_data["to"]
    try:
        services.programme_change_status(
            programme=programme, to=to, seen=form.cleaned_data["seen"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, DONE[to])
    return redirect("programme_detail", pk=programme.pk)
