from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import parts, services
from .access import (
    SESSION_KEY,
    allow,
    allow_any_user,
    may_write,
    names_people,
    reading_organisation,
    refuse_unnamed,
    sees_sensitive,
    shown_categories,
    writing_school,
)
from .access_log import access_record, logged_export
from .account_forms import ParticipantAccountForm
from .accounts import PARTICIPANT_ROLES, STAFF_MANAGERS, roles_given_by
from .audit import audit_trail
from .depersonalisation import DEPERSONALISED_REFUSAL, RETENTION_DAYS
from .filters import (
    MenteeEntryFilterSet,
    MentorEntryFilterSet,
    PeopleFilterSet,
    PersonFilterSet,
    name_filter,
)
from .forms import BaseEntryForm, ConsentForm, ConsentRevokeForm, MenteeEntryForm, MentorEntryForm, PersonForm
from .models import (
    BASE_READERS,
    BASE_WRITERS,
    Consent,
    DataAccess,
    MenteeEntry,
    MentorEntry,
    Organisation,
    Person,
    Role,
    consent_date,
)
from .subject_request import ANSWERERS
from .tables import EXPORT_FORMATS, Column, counts_page, table_page

BASE_VIEWERS = BASE_READERS | {Role.COORDINATOR}
PEOPLE_FOUND = 10  # people a search of the create form shows: the name narrows it further


@allow_any_user
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "section": "home",
        "roles": request.roles,
        "role_labels": [Role(r).label for r in sorted(request.roles)],
        **parts.gathered(parts.HOME, request),
    }
    return render(request, "mentoring/home.html", context)


@allow_any_user
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

ARCHIVED_REFUSAL = "Запись в архиве: верните её из архива, чтобы вносить изменения."


def detail_url(obj: Person | MentorEntry | MenteeEntry) -> str:
    name = {Person: "person_detail", MentorEntry: "mentor_detail", MenteeEntry: "mentee_detail"}[type(obj)]
    return reverse(name, args=[obj.pk])


def refuse_archived(request: HttpRequest, obj: Person | MentorEntry | MenteeEntry) -> HttpResponse:
    person = obj if isinstance(obj, Person) else obj.person
    messages.error(request, DEPERSONALISED_REFUSAL if person.is_depersonalised else ARCHIVED_REFUSAL)
    return redirect(detail_url(obj))


class Export(NamedTuple):
    resource: str  # the name of the list's resource in mentoring.imports
    basename: str  # of the file
    title: str  # the list, as the access log names it


def list_page(
    request: HttpRequest,
    *,
    rows: QuerySet,
    filterset_class: type[PeopleFilterSet],
    columns: tuple[Column, ...],
    template: str,
    section: str,
    export: Export,
) -> HttpResponse:
    """Scope to the current organisation, filter, sort, then export everything found or show one page."""
    organisation = reading_organisation(request)
    department = None if organisation.is_school else organisation
    if department is None:
        rows, schools = rows.filter(school=organisation), None
    else:
        rows = rows.filter(school__department=department)
        schools = Organisation.objects.readable_by(request.user).filter(department=department)
        if not names_people(request):
            return counts_page(
                request, rows=rows.active(), schools=schools, title=export.title, section=section
            )
        columns = (*columns, Column("Школа"))
    filterset = filterset_class(request.GET, queryset=rows, request=request, schools=schools)
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        from . import imports  # the import and export machinery loads only when a list is exported

        return logged_export(
            request,
            organisation=organisation,
            resource_class=getattr(imports, export.resource),
            filterset=filterset,
            fmt=fmt,
            basename=export.basename,
            title=export.title,
        )
    context = {
        **table_page(request, filterset, columns),
        "section": section,
        "show_school": department is not None,
        "can_write": organisation.is_school and bool(request.roles & BASE_WRITERS),
    }
    return render(request, template, context)


# People.

PERSON_COLUMNS = (
    Column("ФИО", "name"),
    Column("Класс", "class"),
    Column("Кто", "kind"),
    Column("В базах"),
    Column("Согласие"),
)


@allow(BASE_VIEWERS)
def person_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Person.objects.visible_to(request.user)
        .filter(depersonalised_at__isnull=True)
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
        export=Export("PersonResource", "uchastniki", "Список участников"),
    )


@allow(BASE_WRITERS)
def person_create(request: HttpRequest) -> HttpResponse:
    school = writing_school(request)
    form = PersonForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        person = services.person_create(school=school, person_data=form.person_data())
        messages.success(request, "Участник внесён.")
        return redirect("person_detail", pk=person.pk)
    return render(
        request, "mentoring/person_form.html", {"section": "people", "form": form, "school": school}
    )


@allow(BASE_VIEWERS)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    people = Person.objects.visible_to(request.user).select_related(
        "school", "user", "mentor_entry", "mentee_entry"
    )
    person = get_object_or_404(people, pk=pk)
    refuse_unnamed(request)
    access_record(
        user=request.user,
        school=person.school,
        action=DataAccess.CARD,
        person=person,
        what="Карточка участника",
    )
    consents = list(person.consents.all())
    entries = [e for e in (getattr(person, "mentor_entry", None), getattr(person, "mentee_entry", None)) if e]
    context = {
        "section": "people",
        "person": person,
        "consents": consents,
        "consent": next((c for c in consents if c.in_force), None),
        "can_write": may_write(request, person.school_id),
        "history": audit_trail(person, *consents, *entries, hidden=history_hidden(request)),
        "sees_scans": sees_sensitive(request),
        "account_form": participant_account_form(request, person),
        "may_answer_request": may_write(request, person.school_id, ANSWERERS),
    }
    return render(request, "mentoring/person_detail.html", context)


def history_hidden(request: HttpRequest) -> tuple[str, ...]:
    return () if sees_sensitive(request) else ("categories",)


def participant_account_form(request: HttpRequest, person: Person) -> ParticipantAccountForm | None:
    """The form that makes the person a mentor or a mentee, for whoever may give those roles here."""
    roles = roles_given_by(request.roles) & PARTICIPANT_ROLES
    if not roles or person.is_archived or not may_write(request, person.school_id, STAFF_MANAGERS):
        return None
    return ParticipantAccountForm(roles=roles)


@allow(BASE_WRITERS)
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


@allow(BASE_WRITERS)
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


@allow(BASE_WRITERS)
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


@allow(BASE_WRITERS)
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
                request,
                "Согласие отозвано: обработка персональных данных участника прекращена. Если у школы нет "
                f"другого основания, его данные будут обезличены через {RETENTION_DAYS} дней.",
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


@allow(BASE_VIEWERS)
@never_cache
def consent_scan(request: HttpRequest, pk: int) -> FileResponse:
    consent = get_object_or_404(
        Consent.objects.visible_to(request.user).select_related("school", "person"), pk=pk
    )
    if not sees_sensitive(request):
        raise PermissionDenied("Скан согласия скачивают только директор и куратор школы.")
    if not consent.scan:
        raise Http404("Скан согласия не загружен.")
    try:
        scan = consent.scan.open("rb")
    except FileNotFoundError:
        raise Http404("Файл скана не найден в хранилище.") from None
    access_record(
        user=request.user,
        school=consent.school,
        action=DataAccess.SCAN,
        person=consent.person,
        what=f"Скан согласия на обработку персональных данных от {consent.date:%d.%m.%Y}",
    )
    return FileResponse(scan, as_attachment=True, filename=PurePosixPath(consent.scan.name).name)


# The mentor base and the mentee base: one set of views, told apart by a BaseSpec.


@dataclass(frozen=True)
class BaseSpec:
    key: str  # "mentor" or "mentee": the prefix of url names and templates
    section: str
    card: str  # the card, as the access log names it
    model: type[MentorEntry] | type[MenteeEntry]
    form_class: type[BaseEntryForm]
    filterset_class: type[PeopleFilterSet]
    create: Callable[..., MentorEntry | MenteeEntry]
    prefetch: tuple[str, ...]
    columns: tuple[Column, ...]
    export: Export
    person_kind: str  # what a person new to this base usually is
    added: str


MENTORS = BaseSpec(
    key="mentor",
    section="mentors",
    card="Запись базы наставников",
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
    export=Export("MentorEntryResource", "baza-nastavnikov", "База наставников"),
    person_kind=Person.Kind.TEACHER,
    added="Участник добавлен в базу наставников.",
)
MENTEES = BaseSpec(
    key="mentee",
    section="mentees",
    card="Запись базы наставляемых",
    model=MenteeEntry,
    form_class=MenteeEntryForm,
    filterset_class=MenteeEntryFilterSet,
    create=services.mentee_entry_create,
    prefetch=(),
    columns=(
        Column("ФИО", "name"),
        Column("Класс", "class"),
        Column("Категории"),
        Column("Статус", "status"),
        Column("Согласие"),
        Column("Включён в базу", "included"),
    ),
    export=Export("MenteeEntryResource", "baza-nastavlyaemyh", "База наставляемых"),
    person_kind=Person.Kind.PUPIL,
    added="Участник добавлен в базу наставляемых.",
)


def base_rows(request: HttpRequest, base: BaseSpec) -> QuerySet:
    rows = (
        base.model.objects.visible_to(request.user)
        .annotate(consent_date=consent_date("person"))
        .select_related("person", "school")
        .prefetch_related(*base.prefetch)
    )
    if base is MENTEES:
        # The page, its export and its filter show only the categories the user may see.
        rows = rows.prefetch_related(Prefetch("categories", queryset=shown_categories(request.roles)))
    return rows


def base_list(request: HttpRequest, base: BaseSpec) -> HttpResponse:
    return list_page(
        request,
        rows=base_rows(request, base)
        .filter(person__depersonalised_at__isnull=True)
        .order_by(*base.model._meta.ordering, "pk"),
        filterset_class=base.filterset_class,
        columns=base.columns,
        template=f"mentoring/{base.key}_list.html",
        section=base.section,
        export=base.export,
    )


def base_candidates(request: HttpRequest, base: BaseSpec) -> QuerySet[Person]:
    """The people of the school the user writes for who are not yet in this base."""
    people = Person.objects.editable_by(request.user).for_school(writing_school(request)).active()
    return people.filter(**{f"{base.key}_entry__isnull": True})


def base_entry_people(request: HttpRequest, base: BaseSpec) -> HttpResponse:
    """People of the school not yet in the base, found by name: the create form never lists them all."""
    query = request.GET.get("q", "").strip()
    people = base_candidates(request, base).order_by("last_name", "first_name", "patronymic", "pk")
    found = list(name_filter(people, query)[:PEOPLE_FOUND]) if len(query) >= 2 else []
    return render(request, "mentoring/partials/person_pick.html", {"found": found, "query": query})


def base_entry_create(request: HttpRequest, base: BaseSpec) -> HttpResponse:
    """Into the base goes a person of the school not yet in it, or a new person created in the same step."""
    school = writing_school(request)
    candidates = base_candidates(request, base)
    data = request.POST if request.method == "POST" else None
    form = base.form_class(
        data, candidates=candidates, initial={"existing_person": request.GET.get("person")}
    )
    picked = bool(data and data.get("existing_person"))
    person_form = PersonForm(
        None if picked else data, prefix="person", initial={"kind": base.person_kind}, school=school
    )
    if data is not None and all([form.is_valid(), picked or person_form.is_valid()]):
        try:
            entry = base.create(
                school=school,
                entry_data=form.entry_data(),
                person=form.cleaned_data["existing_person"],
                person_data=None if picked else person_form.person_data(),
                **form.m2m_data(),
            )
        except services.AlreadyInBase as already:
            messages.info(request, already.messages[0])
            return redirect(f"{base.key}_detail", pk=already.entry.pk)
        messages.success(request, base.added)
        return redirect(f"{base.key}_detail", pk=entry.pk)
    context = {
        "section": base.section,
        "form": form,
        "person_form": person_form,
        "school": school,
        "people_url": reverse(f"{base.key}_people"),
    }
    return render(request, f"mentoring/{base.key}_form.html", context)


def base_entry_detail(request: HttpRequest, base: BaseSpec, pk: int) -> HttpResponse:
    entry = get_object_or_404(base_rows(request, base), pk=pk)
    refuse_unnamed(request)
    access_record(
        user=request.user, school=entry.school, action=DataAccess.CARD, person=entry.person, what=base.card
    )
    context = {
        "section": base.section,
        "entry": entry,
        "person": entry.person,
        "can_write": may_write(request, entry.school_id),
        "history": audit_trail(entry, hidden=history_hidden(request)),
        **parts.gathered(parts.BASE_ENTRY, request, entry=entry),
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


@allow(BASE_VIEWERS)
def mentor_list(request: HttpRequest) -> HttpResponse:
    return base_list(request, MENTORS)


@allow(BASE_WRITERS)
def mentor_create(request: HttpRequest) -> HttpResponse:
    return base_entry_create(request, MENTORS)


@allow(BASE_WRITERS)
def mentor_people(request: HttpRequest) -> HttpResponse:
    return base_entry_people(request, MENTORS)


@allow(BASE_VIEWERS)
def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_detail(request, MENTORS, pk)


@allow(BASE_WRITERS)
def mentor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_edit(request, MENTORS, pk)


@allow(BASE_WRITERS)
@require_POST
def mentor_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_archive(request, MENTORS, pk)


@allow(BASE_VIEWERS)
def mentee_list(request: HttpRequest) -> HttpResponse:
    return base_list(request, MENTEES)


@allow(BASE_WRITERS)
def mentee_create(request: HttpRequest) -> HttpResponse:
    return base_entry_create(request, MENTEES)


@allow(BASE_WRITERS)
def mentee_people(request: HttpRequest) -> HttpResponse:
    return base_entry_people(request, MENTEES)


@allow(BASE_VIEWERS)
def mentee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_detail(request, MENTEES, pk)


@allow(BASE_WRITERS)
def mentee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_edit(request, MENTEES, pk)


@allow(BASE_WRITERS)
@require_POST
def mentee_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return base_entry_archive(request, MENTEES, pk)
