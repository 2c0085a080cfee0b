"""The roadmap pages: the list with «Создать по образцу», the table as in the seeds, its timeline, and the
activities kept, started and marked done with their evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from mentoring.access import allow, reading_organisation, writing_school
from mentoring.models import BASE_READERS, BASE_WRITERS, Organisation, Role

from . import services
from .forms import ActivityForm, MarkDoneForm, RoadmapCreateForm, templates_for
from .models import Activity, Roadmap, Stage
from .provisions import provisions_of
from .timeline import stages_of, timeline, timeline_of

SECTION = "roadmaps"
KEEPERS = BASE_WRITERS | {Role.COORDINATOR}


def organisation_for_creating(request: HttpRequest) -> Organisation:
    """The curator creates the school's roadmaps; the coordinator only the department's own."""
    organisation = request.organisation
    if organisation is not None and not organisation.is_school and Role.COORDINATOR in request.roles:
        return organisation
    return writing_school(request)


def may_create(request: HttpRequest) -> bool:
    try:
        return bool(templates_for(organisation_for_creating(request)))
    except PermissionDenied:
        return False


def readable_roadmap(request: HttpRequest, pk: int) -> Roadmap:
    roadmaps = Roadmap.objects.visible_to(request.user).select_related("organisation", "approved_by")
    return get_object_or_404(roadmaps, pk=pk)


def editable_activity(request: HttpRequest, pk: int) -> Activity:
    activities = Activity.objects.filter(stage__roadmap__in=Roadmap.objects.editable_by(request.user))
    return get_object_or_404(activities.select_related("stage__roadmap__organisation"), pk=pk)


def activity_url(activity: Activity) -> str:
    return f"{reverse('roadmap_detail', args=[activity.stage.roadmap_id])}#activity-{activity.pk}"


@allow(BASE_READERS, Role.COORDINATOR)
def roadmap_list(request: HttpRequest) -> HttpResponse:
    organisation = reading_organisation(request)
    scope = Q(organisation=organisation)
    if not organisation.is_school:
        school = request.GET.get("school", "")
        # The schools table links here for one school's roadmaps.
        scope = (
            Q(organisation=school) if school.isdigit() else scope | Q(organisation__department=organisation)
        )
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .filter(scope)
        .select_related("organisation", "approved_by")
        .order_by("-year", "organisation__short_name", "title", "pk")
    )
    can_create = may_create(request)
    form = RoadmapCreateForm(organisation=organisation) if can_create else None
    context = {"section": SECTION, "roadmaps": roadmaps, "form": form, "organisation": organisation}
    return render(request, "roadmap/roadmap_list.html", context)


@allow(KEEPERS)
@require_POST
def roadmap_create(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for_creating(request)
    form = RoadmapCreateForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, "Выберите образец и учебный год из списка.")
        return redirect("roadmap_list")
    try:
        roadmap = services.roadmap_create_from_template(
            organisation=organisation, template=form.chosen, year=form.cleaned_data["year"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("roadmap_list")
    messages.success(request, "Дорожная карта создана по образцу: проверьте сроки и назначьте ответственных.")
    return redirect("roadmap_detail", pk=roadmap.pk)


@allow(BASE_READERS, Role.COORDINATOR)
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = readable_roadmap(request, pk)
    services.activities_complete_from_evidence(roadmap=roadmap)
    context = {
        "section": SECTION,
        "roadmap": roadmap,
        "stages": stages_of(roadmap),
        "provisions": provisions_of(roadmap),
        "can_edit": Roadmap.objects.editable_by(request.user).filter(pk=pk).exists(),
    }
    return render(request, "roadmap/roadmap_detail.html", context)


@allow(BASE_READERS, Role.COORDINATOR)
def roadmap_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = readable_roadmap(request, pk)
    services.activities_complete_from_evidence(roadmap=roadmap)
    chart = timeline_of(roadmap, stages_of(roadmap))
    context = {"section": SECTION, "roadmap": roadmap, "chart": chart, "svg": timeline(chart)}
    return render(request, "roadmap/roadmap_timeline.html", context)


def activity_form_page(request: HttpRequest, activity: Activity, *, added: bool) -> HttpResponse:
    """The activity's form: on a valid post the service saves it, or refuses with its Russian reason."""
    organisation = activity.stage.roadmap.organisation
    data = request.POST if request.method == "POST" else None
    initial = {name: getattr(activity, name) for name in ActivityForm.FIELDS}
    if activity.pk:
        initial["responsible"] = list(activity.responsible.all())
    form = ActivityForm(data, organisation=organisation, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.activity_save(
                activity=activity,
                data=form.activity_data(),
                responsible=list(form.cleaned_data["responsible"]),
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Мероприятие добавлено." if added else "Изменения сохранены.")
            return redirect(activity_url(activity))
    context = {"section": SECTION, "form": form, "activity": activity, "roadmap": activity.stage.roadmap}
    return render(request, "roadmap/activity_form.html", context)


@allow(KEEPERS)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return activity_form_page(request, editable_activity(request, pk), added=False)


@allow(KEEPERS)
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    stages = Stage.objects.filter(roadmap__in=Roadmap.objects.editable_by(request.user))
    stage = get_object_or_404(stages.select_related("roadmap__organisation"), pk=pk)
    last = stage.activities.aggregate(last=Max("order"))["last"] or 0
    roadmap = stage.roadmap
    activity = Activity(stage=stage, order=last + 1, starts_on=roadmap.starts_on, ends_on=roadmap.starts_on)
    return activity_form_page(request, activity, added=True)


@allow(KEEPERS)
def activity_done(request: HttpRequest, pk: int) -> HttpResponse:
    activity = editable_activity(request, pk)
    organisation = activity.stage.roadmap.organisation
    data = request.POST if request.method == "POST" else None
    form = MarkDoneForm(data, organisation=organisation)
    if data is not None and form.is_valid():
        evidence = form.cleaned_data
        try:
            services.activity_mark_done(
                activity=activity,
                done_on=evidence["done_on"],
                document=evidence.get("document"),
                link=evidence["link"],
                note=evidence["note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Мероприятие отмечено выполненным.")
            return redirect(activity_url(activity))
    context = {"section": SECTION, "form": form, "activity": activity, "roadmap": activity.stage.roadmap}
    return render(request, "roadmap/activity_done.html", context)


@allow(KEEPERS)
@require_POST
def activity_start(request: HttpRequest, pk: int) -> HttpResponse:
    activity = editable_activity(request, pk)
    if activity.status == Activity.Status.DONE:
        messages.error(request, "Мероприятие уже выполнено.")
    else:
        services.activity_save(activity=activity, data={"status": Activity.Status.IN_PROGRESS})
        messages.success(request, "Мероприятие отмечено как выполняемое.")
    return redirect(activity_url(activity))


urlpatterns = [
    path("roadmaps/", roadmap_list, name="roadmap_list"),
    path("roadmaps/new/", roadmap_create, name="roadmap_create"),
    path("roadmaps/<int:pk>/", roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<int:pk>/timeline/", roadmap_timeline, name="roadmap_timeline"),
    path("roadmaps/stages/<int:pk>/activities/new/", activity_add, name="activity_add"),
    path("roadmaps/activities/<int:pk>/edit/", activity_edit, name="activity_edit"),
    path("roadmaps/activities/<int:pk>/done/", activity_done, name="activity_done"),
    path("roadmaps/activities/<int:pk>/start/", activity_start, name="activity_start"),
]
