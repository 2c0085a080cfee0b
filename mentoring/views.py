import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from monitoring import answers
from monitoring.responses import my_open_surveys
from pairs.meetings import mentee_overview, mentor_overview
from roadmap.department import schools_table
from roadmap.timeline import my_activities

from . import services
from .academic_year import AcademicYear
from .filters import MenteeEntryFilterSet, MentorEntryFilterSet, PeopleFilterSet, PersonFilterSet
from .forms import BaseEntryForm, ConsentForm, ConsentRevokeForm, MenteeEntryForm, MentorEntryForm, PersonForm
from .middleware import SESSION_KEY
from .models import (
    BASE_READERS,
    BASE_WRITERS,
    Consent,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    Role,
    User,
)


def home(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    context = {"section": "home", "roles": roles, "role_labels": [Role(r).label for r in sorted(roles)]}
    organisation = request.organisation
    if organisation is not None and organisation.is_school and roles & BASE_READERS:
        context["bases"] = school_bases_summary(organisation)
    if Role.COORDINATOR in roles and organisation is not None and not organisation.is_school:
        context["table"] = schools_table(organisation, AcademicYear.current())
    # Own pairs are shown whatever the current organisation: they are the user's, not the school's.
    context["mentor_overview"] = mentor_overview(request.user)
    context["mentee_pairs"] = mentee_overview(request.user)
    context["my_surveys"] = my_open_surveys(request.user)
    # Only staff answer for roadmap activities: a participant's home makes no query for them.
    if roles & (BASE_READERS | {Role.COORDINATOR}):
        context["my_activities"] = my_activities(request.user)
    return render(request, "mentoring/home.html", context)


def consent_in_force():
    return Exists(Consent.objects.filter(person=OuterRef("person"), revoked_at__isnull=True))


def school_bases_summary(school: Organisation) -> dict:
    mentees = MenteeEntry.objects.for_school(school).active()
    return {
        "people": Person.objects.for_school(school).active().count(),
        "mentors": MentorEntry.objects.for_school(school).active().count(),
        **mentees.aggregate(
            mentees=Count("pk"),
            mentees_without_consent=Count("pk", filter=~Q(consent_in_force())),
            mentees_waiting=Count("pk", filter=Q(status=MenteeEntry.Status.WAITING)),
        ),
    }


def switch_organisation(request: HttpRequest) -> HttpResponse:
    chosen = {str(o.pk): o for o in request.organisations}.get(request.POST.get("organisation", ""))
    if chosen is None:
        messages.error(request, "Вы не работаете в этой организации.")
    else:
        request.session[SESSION_KEY] = chosen.pk
        messages.success(request, f"Вы работаете в организации «{chosen.short_name}».")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "home"
    return redirect(target)


# People and the two bases ---------------------------------------------------------------------------------

PER_PAGE_CHOICES = (20, 50, 100)
EXPORT_FORMATS = ("xlsx", "csv")
ARCHIVED_REFUSAL = "Запись в архиве: верните её из архива, чтобы вносить изменения."


def organisation_for_reading(request: HttpRequest) -> Organisation:
    """The organisation whose people the user reads now: its school, or the department it coordinates."""
    organisation, roles = request.organisation, request.roles
    if organisation is not None and (
        (organisation.is_school and roles & BASE_READERS)
        or (not organisation.is_school and Role.COORDINATOR in roles)
    ):
        return organisation
    raise PermissionDenied("У вас нет доступа к участникам и базам наставничества в этой организации.")


def school_for_writing(request: HttpRequest) -> Organisation:
    """The school new rows go to: always the current one, never a school named by the form."""
    organisation = request.organisation
    if organisation is None or not Organisation.objects.writable_by(request.user).filter(pk=organisation.pk):
        raise Http404("В этой организации вы не можете вносить изменения.")
    return organisation


def may_write(request: HttpRequest, school_id: int) -> bool:
    return Organisation.objects.writable_by(request.user).filter(pk=school_id).exists()


def consent_date(person_ref: str) -> Subquery:
    in_force = Consent.objects.filter(person=OuterRef(person_ref), revoked_at__isnull=True)
    return Subquery(in_force.values("date")[:1])


def detail_url(obj: Person | MentorEntry | MenteeEntry) -> str:
    name = {Person: "person_detail", MentorEntry: "mentor_detail", MenteeEntry: "mentee_detail"}[type(obj)]
    return reverse(name, args=[obj.pk])


def refuse_archived(request: HttpRequest, obj: Person | MentorEntry | MenteeEntry) -> HttpResponse:
    messages.error(request, ARCHIVED_REFUSAL)
    return redirect(detail_url(obj))


@dataclass(frozen=True)
class Column:
    """A column of a list table; `sort` is its value of the `o` parameter when it is sortable."""

    label: str
    sort: str = ""
    current: str = ""

    @property
    def state(self) -> str:
        if not self.sort:
            return ""
        return {self.sort: "asc", f"-{self.sort}": "desc"}.get(self.current, "")

    @property
    def next_order(self) -> str:
        return f"-{self.sort}" if self.state == "asc" else self.sort

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.state, "")


def list_page(
    request: HttpRequest,
    *,
    rows: QuerySet,
    filterset_class: type[PeopleFilterSet],
    columns: tuple[Column, ...],
    template: str,
    section: str,
    export: tuple[str, str],
) -> HttpResponse:
    """Scope to the current organisation, filter, sort, then export everything found or show one page."""
    organisation = organisation_for_reading(request)
    department = None if organisation.is_school else organisation
    if department is None:
        rows, schools = rows.filter(school=organisation), None
    else:
        rows = rows.filter(school__department=department)
        schools = Organisation.objects.readable_by(request.user).filter(department=department)
        columns = (*columns, Column("Школа"))
    filterset = filterset_class(request.GET, queryset=rows, request=request, schools=schools)
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        from . import imports

        resource_name, basename = export
        return imports.export_response(getattr(imports, resource_name), filterset.qs, fmt, basename)
    context = {
        **table_page(request, filterset, columns),
        "section": section,
        "show_school": department is not None,
        "can_write": organisation.is_school and bool(request.roles & BASE_WRITERS),
    }
    return render(request, template, context)


def table_page(request: HttpRequest, filterset, columns: tuple[Column, ...]) -> dict:
    """The context of a list table: what the filters found, sorted, one page of it, and its columns."""
    per_page = request.GET.get("per_page", "")
    per_page = int(per_page) if per_page in {str(n) for n in PER_PAGE_CHOICES} else PER_PAGE_CHOICES[0]
    page = Paginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    current = (filterset.form.cleaned_data.get("o") or [""])[0]
    return {
        "filter": filterset,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "columns": [replace(column, current=current) for column in columns],
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "is_filtered": any(v for k, v in request.GET.items() if k not in ("o", "page", "per_page")),
    }


# The history of a record, read from django-auditlog.

AUDIT_ACTIONS = {
    LogEntry.Action.CREATE: "создание",
    LogEntry.Action.UPDATE: "изменение",
    LogEntry.Action.DELETE: "удаление",
    LogEntry.Action.ACCESS: "просмотр",
}
AUDIT_HIDDEN_FIELDS = {"id", "school", "person"}
AUDIT_LIMIT = 100


@dataclass(frozen=True)
class AuditChange:
    field: str
    old: str | None
    new: str


@dataclass(frozen=True)
class AuditRow:
    timestamp: datetime.datetime
    actor: str
    action: str
    subject: str
    changes: list[AuditChange]


def model_field(model: type[models.Model], name: str) -> models.Field | None:
    """A concrete field or a many-to-many; auditlog also records reverse relations, which say nothing."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete or field.many_to_many else None


def audit_value(field: models.Field, value: Any, names: dict[str, str]) -> str:
    """A value as auditlog stored it (a string), shown as the pages show it: 01.09.2026, choice labels."""
    if value in (None, "None", ""):
        return "—"
    if field.is_relation:
        return names.get(str(value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
            return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")
        if isinstance(field, models.DateField):
            return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)
    if isinstance(field, models.FileField):
        return PurePosixPath(value).name
    return str(value)


def audit_changes(entry: LogEntry, model: type[models.Model], names: dict[str, str]) -> list[AuditChange]:
    changes = []
    for name, change in (entry.changes_dict or {}).items():
        field = model_field(model, name)
        if field is None or name in AUDIT_HIDDEN_FIELDS:
            continue
        label = capfirst(field.verbose_name)
        if isinstance(change, dict) and change.get("type") == "m2m":
            verb = "добавлено" if change.get("operation") == "add" else "удалено"
            changes.append(AuditChange(label, None, f"{verb}: {', '.join(change.get('objects', []))}"))
        elif entry.action == LogEntry.Action.CREATE:
            if change[1] not in (None, "None", ""):
                changes.append(AuditChange(label, None, audit_value(field, change[1], names)))
        else:
            old, new = (audit_value(field, value, names) for value in change)
            changes.append(AuditChange(label, old, new))
    return changes


def audit_trail(*objects: models.Model) -> list[AuditRow]:
    """Who changed what and when, newest first: two queries (the log, the accounts it names) at most."""
    log = LogEntry.objects.none()
    for obj in objects:
        log |= LogEntry.objects.get_for_object(obj)
    entries = list(log.select_related("actor").order_by("-timestamp", "-pk")[:AUDIT_LIMIT])
    # The only foreign key left to show is a person's user account; resolve them all in one query.
    accounts = {
        str(value)
        for entry in entries
        for value in (entry.changes_dict or {}).get("user", ())
        if value not in (None, "None", "")
    }
    names = (
        {str(pk): str(user) for pk, user in User.objects.in_bulk(list(accounts)).items()} if accounts else {}
    )
    rows = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        rows.append(
            AuditRow(
                timestamp=entry.timestamp,
                actor=str(entry.actor) if entry.actor else "система",
                action=AUDIT_ACTIONS.get(entry.action, str(entry.action)),
                subject=capfirst(model._meta.verbose_name) if model else "",
                changes=audit_changes(entry, model, names) if model else [],
            )
        )
    return rows


# People.

PERSON_COLUMNS = (
    Column("ФИО", "name"),
    Column("Класс", "class"),
    Column("Кто", "kind"),
    Column("В базах"),
    Column("Согласие"),
)


def person_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Person.objects.visible_to(request.user)
        .with_consent_flag()
        .annotate(consent_date=consent_date("pk"))
        .select_related("school", "mentor_entry", "mentee_entry")
        .order_by(*Person._meta.ordering, "pk")
    )
    return list_page(
        request,
        rows=rows,
        filterset_class=PersonFilterSet,
        columns=PERSON_COLUMNS,
        template="mentoring/person_list.html",
        section="people",
        export=("PersonResource", "uchastniki"),
    )


def person_create(request: HttpRequest) -> HttpResponse:
    school = school_for_writing(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_create(school=school, person_data=form.person_data())
        messages.success(request, "Участник внесён.")
        return redirect("person_detail", pk=person.pk)
    return render(
        request, "mentoring/person_form.html", {"section": "people", "form": form, "school": school}
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    people = Person.objects.visible_to(request.user).select_related(
        "school", "user", "mentor_entry", "mentee_entry"
    )
    person = get_object_or_404(people, pk=pk)
    consents = list(person.consents.all())
    entries = [e for e in (getattr(person, "mentor_entry", None), getattr(person, "mentee_entry", None)) if e]
    context = {
        "section": "people",
        "person": person,
        "consents": consents,
        "consent": next((c for c in consents if c.in_force), None),
        "can_write": may_write(request, person.school_id),
        "history": audit_trail(person, *consents, *entries),
    }
    return render(request, "mentoring/person_detail.html", context)


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=pk)
    if person.is_archived:
        return refuse_archived(request, person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Изменения сохранены.")
        return redirect("person_detail", pk=person.pk)
    return render(
        request, "mentoring/person_form.html", {"section": "people", "form": form, "person": person}
    )


@require_POST
def person_archive(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=pk)
    try:
        if "restore" in request.POST and person.is_archived:
            services.person_restore(person=person)
            messages.success(request, "Участник возвращён из архива.")
        elif "restore" not in request.POST and not person.is_archived:
            services.person_archive(person=person)
            messages.success(request, "Участник перенесён в архив вместе с его записями в базах.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("person_detail", pk=person.pk)


# Consents.


def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=pk)
    if person.is_archived:
        return refuse_archived(request, person)
    given_by = Consent.GivenBy.REPRESENTATIVE if person.is_minor else Consent.GivenBy.SELF
    initial = {"given_by": given_by, "date": timezone.localdate()}
    form = ConsentForm(request.POST or None, request.FILES or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_create(person=person, consent_data=form.consent_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Согласие на обработку персональных данных внесено.")
            return redirect("person_detail", pk=person.pk)
    return render(
        request, "mentoring/consent_form.html", {"section": "people", "form": form, "person": person}
    )


def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.editable_by(request.user).select_related("person"), pk=pk)
    if not consent.in_force:
        messages.info(request, f"Согласие уже отозвано {consent.revoked_at:%d.%m.%Y}.")
        return redirect("person_detail", pk=consent.person_id)
    form = ConsentRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            left = services.consent_revoke(consent=consent, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, "Согласие отозвано: обработка персональных данных участника прекращена."
            )
            if left:
                messages.warning(
                    request,
                    f"Участник вышел из наставнических пар и групп: {len(left)}. Пары без него прекращены, "
                    "группы работают дальше; при необходимости подберите новую пару.",
                )
        return redirect("person_detail", pk=consent.person_id)
    context = {"section": "people", "form": form, "consent": consent, "person": consent.person}
    return render(request, "mentoring/consent_revoke.html", context)


@never_cache
def consent_scan(request: HttpRequest, pk: int) -> FileResponse:
    consent = get_object_or_404(Consent.objects.visible_to(request.user), pk=pk)
    if not consent.scan:
        raise Http404("Скан согласия не загружен.")
    try:
        scan = consent.scan.open("rb")
    except FileNotFoundError:
        raise Http404("Файл скана не найден в хранилище.") from None
    return FileResponse(scan, as_attachment=True, filename=PurePosixPath(consent.scan.name).name)


# The mentor base and the mentee base: one set of views, told apart by a BaseSpec.


@dataclass(frozen=True)
class BaseSpec:
    key: str  # "mentor" or "mentee": the prefix of url names and templates
    section: str
    model: type[MentorEntry] | type[MenteeEntry]
    form_class: type[BaseEntryForm]
    filterset_class: type[PeopleFilterSet]
    create: Callable[..., MentorEntry | MenteeEntry]
    prefetch: tuple[str, ...]
    columns: tuple[Column, ...]
    export: tuple[str, str]
    person_kind: str  # what a person new to this base usually is
    added: str


MENTORS = BaseSpec(
    key="mentor",
    section="mentors",
    model=MentorEntry,
    form_class=MentorEntryForm,
    filterset_class=MentorEntryFilterSet,
    create=services.mentor_entry_create,
    prefetch=("forms",),
    columns=(
        Column("ФИО", "name"),
        Column("Кто"),
        Column("Класс", "class"),
        Column("Статус", "status"),
        Column("Формы наставничества"),
        Column("Согласие"),
        Column("Включён в базу", "included"),
    ),
    export=("MentorEntryResource", "baza-nastavnikov"),
    person_kind=Person.Kind.TEACHER,
    added="Участник добавлен в базу наставников.",
)
MENTEES = BaseSpec(
    key="mentee",
    section="mentees",
    model=MenteeEntry,
    form_class=MenteeEntryForm,
    filterset_class=MenteeEntryFilterSet,
    create=services.mentee_entry_create,
    prefetch=("categories", "forms"),
    columns=(
        Column("ФИО", "name"),
        Column("Класс", "class"),
        Column("Категории"),
        Column("Статус", "status"),
        Column("Согласие"),
        Column("Включён в базу", "included"),
    ),
    export=("MenteeEntryResource", "baza-nastavlyaemyh"),
    person_kind=Person.Kind.PUPIL,
    added="Участник добавлен в базу наставляемых.",
)


def base_rows(request: HttpRequest, base: BaseSpec) -> QuerySet:
    return (
        base.model.objects.visible_to(request.user)
        .with_person()
        .annotate(consent_date=consent_date("person"))
        .select_related("school")
        .prefetch_related(*base.prefetch)
    )


def base_list(request: HttpRequest, base: BaseSpec) -> HttpResponse:
    return list_page(
        request,
        rows=base_rows(request, base).order_by(*base.model._meta.ordering, "pk"),
        filterset_class=base.filterset_class,
        columns=base.columns,
        template=f"mentoring/{base.key}_list.html",
        section=base.section,
        export=base.export,
    )


def base_entry_create(request: HttpRequest, base: BaseSpec) -> HttpResponse:
    """Into the base goes a person of the school not yet in it, or a new person created in the same step."""
    school = school_for_writing(request)
    candidates = Person.objects.editable_by(request.user).for_school(school).active()
    candidates = candidates.filter(**{f"{base.key}_entry__isnull": True})
    data = request.POST if request.method == "POST" else None
    form = base.form_class(
        data, candidates=candidates, initial={"existing_person": request.GET.get("person")}
    )
    picked = bool(data and data.get("existing_person"))
    person_form = PersonForm(None if picked else data, prefix="person", initial={"kind": base.person_kind})
    if data is not None and all([form.is_valid(), picked or person_form.is_valid()]):
        entry = base.create(
            school=school,
            entry_data=form.entry_data(),
            person=form.cleaned_data["existing_person"],
            person_data=None if picked else person_form.person_data(),
            **form.m2m_data(),
        )
        messages.success(request, base.added)
        return redirect(f"{base.key}_detail", pk=entry.pk)
    context = {"section": base.section, "form": form, "person_form": person_form, "school": school}
    return render(request, f"mentoring/{base.key}_form.html", context)


def base_entry_detail(request: HttpRequest, base: BaseSpec, pk: int) -> HttpResponse:
    entry = get_object_or_404(base_rows(request, base), pk=pk)
    # The answers of a child (or a colleague) go no further than the curator and the psychologist.
    reads_answers = answers.reads_answers_of(request.user, entry.school_id)
    context = {
        "section": base.section,
        "entry": entry,
        "person": entry.person,
        "can_write": may_write(request, entry.school_id),
        "history": audit_trail(entry),
        "reads_answers": reads_answers,
        "intake": answers.intake_answers(entry) if reads_answers else None,
        "intake_title": answers.INTAKE[base.model].label,
    }
    return render(request, f"mentoring/{base.key}_detail.html", context)


def base_entry_edit(request: HttpRequest, base: BaseSpec, pk: int) -> HttpResponse:
    entry = get_object_or_404(base.model.objects.editable_by(request.user).select_related("person"), pk=pk)
    if entry.is_archived:
        return refuse_archived(request, entry)
    form = base.form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Изменения сохранены.")
        return redirect(f"{base.key}_detail", pk=entry.pk)
    context = {"section": base.section, "form": form, "entry": entry}
    return render(request, f"mentoring/{base.key}_form.html", context)


def base_entry_archive(request: HttpRequest, base: BaseSpec, pk: int) -> HttpResponse:
    entry = get_object_or_404(base.model.objects.editable_by(request.user).select_related("person"), pk=pk)
    try:
        if "restore" in request.POST and entry.is_archived:
            services.entry_restore(entry=entry)
            messages.success(request, "Запись возвращена из архива.")
        elif "restore" not in request.POST and not entry.is_archived:
            services.entry_archive(entry=entry)
            messages.success(request, "Запись перенесена в архив.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{base.key}_detail", pk=entry.pk)


def mentor_list(request: HttpRequest) -> HttpResponse:
    return base_list(request, MENTORS)


def mentor_create(request: HttpRequest) -> HttpResponse:
    return base_entry_create(request, MENTORS)


def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_detail(request, MENTORS, pk)


def mentor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_edit(request, MENTORS, pk)


@require_POST
def mentor_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_archive(request, MENTORS, pk)


def mentee_list(request: HttpRequest) -> HttpResponse:
    return base_list(request, MENTEES)


def mentee_create(request: HttpRequest) -> HttpResponse:
    return base_entry_create(request, MENTEES)


def mentee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_detail(request, MENTEES, pk)


def mentee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_edit(request, MENTEES, pk)


@require_POST
def mentee_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_archive(request, MENTEES, pk)
