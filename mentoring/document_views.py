"""The school's documents: asking for one, watching it render, the archive, downloads that check access,
and the mark of a document signed on paper with its scan."""

from __future__ import annotations

from pathlib import PurePosixPath

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import documents
from .access import allow, allow_any_user, in_organisation
from .access_log import access_record
from .forms import DateInput, checked_scan, fieldless_helper, not_in_future
from .models import DataAccess, Document, Organisation, Role
from .tables import CountingPaginator

SECTION = "documents"
PER_PAGE = 30
SELECT = forms.Select(attrs={"class": "form-select"})
KEEPERS = (Role.DIRECTOR, Role.CURATOR, Role.COORDINATOR)
# The director chooses what the school's public page shows.
PUBLISHERS = frozenset({Role.DIRECTOR})


def documents_keeper(request: HttpRequest) -> Organisation | None:
    """The organisation whose documents the user keeps: its school for the director and the curator, the
    department for its coordinator."""
    organisation = request.organisation
    if organisation is None:
        return None
    keepers = documents.REQUESTERS if organisation.is_school else documents.DEPARTMENT_REQUESTERS
    return organisation if request.roles & keepers else None


def documents_school(request: HttpRequest) -> Organisation:
    organisation = documents_keeper(request)
    if organisation is None:
        raise PermissionDenied(
            "Документы школы заказывают и хранят директор и куратор, документы управления образования — "
            "муниципальный координатор."
        )
    return organisation


def may_request(request: HttpRequest, kind: str) -> bool:
    return bool(request.roles & documents.SPECS[kind].requesters)


def refusal(spec: documents.DocumentSpec) -> str:
    if spec.for_department:
        return "Документы управления образования заказывает муниципальный координатор."
    if spec.requesters == documents.ORDER_REQUESTERS:
        return "Приказы издаёт директор школы."
    return "Документы школы заказывают директор и куратор."


def requestable(request: HttpRequest) -> list[documents.DocumentSpec]:
    return [spec for kind, spec in documents.SPECS.items() if may_request(request, kind)]


class DocumentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Вид документа", choices=[], empty_label="Все", widget=SELECT)
    year = django_filters.ChoiceFilter(label="Год", choices=[], empty_label="Все", widget=SELECT)

    class Meta:
        model = Document
        fields = ["kind", "year"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        department = not organisation.is_school
        self.filters["kind"].extra["choices"] = [
            (kind, spec.label) for kind, spec in documents.SPECS.items() if spec.for_department == department
        ]
        years = self.queryset.order_by("-year").values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]


@allow(KEEPERS)
def document_list(request: HttpRequest) -> HttpResponse:
    school = documents_school(request)
    rows = Document.objects.for_school(school).select_related("requested_by")
    filterset = DocumentFilterSet(request.GET, queryset=rows, organisation=school)
    page = CountingPaginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": SECTION,
        "filter": filterset,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "specs": requestable(request),
        "polling": any(document.in_progress for document in page),
    }
    template = "documents/partials/document_table.html" if request.htmx else "documents/document_list.html"
    return render(request, template, context)


def asked(request: HttpRequest, kind: str, made: list[Document]) -> HttpResponse:
    if len(made) == 1:
        return redirect("document_detail", pk=made[0].pk)
    messages.success(request, f"Заказано документов: {len(made)}. Они формируются.")
    return redirect(f"{reverse('document_list')}?kind={kind}")


@allow(KEEPERS)
def document_new(request: HttpRequest, kind: str) -> HttpResponse:
    school = documents_school(request)
    spec = documents.SPECS.get(kind)
    if spec is None:
        raise Http404("Нет такого вида документа.")
    if not may_request(request, kind):
        raise PermissionDenied(refusal(spec))
    # A link from a programme or pair page fills the form in: ?programme=…, ?pair=…; the pairs list ticks
    # several: ?pairs=…&pairs=…
    initial = {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}
    initial = initial if request.method == "GET" else {}
    form = spec.form(request.POST or None, initial=initial, school=school, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            date = form.cleaned_data["date"]
            made = documents.documents_request(
                school=school, kind=kind, drafts=form.drafts(), date=date, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return asked(request, kind, made)
    context = {"section": SECTION, "spec": spec, "kind_label": spec.label, "form": form}
    return render(request, "documents/document_form.html", context)


@allow(KEEPERS)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = in_organisation(
        request, Document.objects.select_related("requested_by"), with_schools=False, pk=pk
    )
    documents_school(request)
    if request.htmx and document.status == Document.Status.QUEUED and document.enqueued_at is None:
        documents.documents_enqueue([document.pk])
        document.refresh_from_db()
    return document_page(request, document)


def document_page(
    request: HttpRequest, document: Document, sign_form: SignedForm | None = None
) -> HttpResponse:
    spec = documents.SPECS.get(document.kind)
    signable = spec is not None and spec.signed_outside and may_request(request, document.kind)
    if signable and sign_form is None:
        sign_form = SignedForm(initial={"signed_on": document.signed_on or timezone.localdate()})
    context = {
        "section": SECTION,
        "document": document,
        "may_regenerate": may_request(request, document.kind) and not document.is_signed,
        "may_publish": bool(request.roles & PUBLISHERS),
        "publication_refusal": documents.publication_refusal(document),
        "sign_form": sign_form if signable else None,
    }
    template = "documents/partials/document_status.html" if request.htmx else "documents/document_detail.html"
    return render(request, template, context)


class SignedForm(forms.Form):
    """«Подписано»: the day the paper copy was signed and its scan."""

    signed_on = forms.DateField(
        label="Дата подписания", widget=DateInput(), error_messages={"required": "Укажите дату подписания."}
    )
    scan = forms.FileField(
        label="Скан подписанного документа",
        help_text="PDF, JPG или PNG, не больше 10 МБ.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": documents.SCAN_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fieldless_helper()

    def clean_signed_on(self):
        return not_in_future(self.cleaned_data["signed_on"], "Дата подписания не может быть в будущем.")

    def clean_scan(self):
        return checked_scan(self.cleaned_data.get("scan"), "Скан подписанного документа")


@allow(documents.REQUESTERS)
@require_POST
def document_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks the document signed on paper; a mark without a scan, or with a bad one, changes nothing."""
    document = in_organisation(
        request, Document.objects.select_related("requested_by"), with_schools=False, pk=pk
    )
    documents_school(request)
    if not may_request(request, document.kind):
        raise PermissionDenied(refusal(documents.SPECS[document.kind]))
    form = SignedForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            documents.document_mark_signed(
                document=document,
                signed_on=form.cleaned_data["signed_on"],
                scan=form.cleaned_data["scan"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Документ отмечен подписанным, скан сохранён.")
            return redirect("document_detail", pk=document.pk)
    return document_page(request, document, sign_form=form)


@allow(documents.REQUESTERS)
@never_cache
def document_signed_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The scan of the signed copy: the school's director and curator only, after the access check."""
    document = in_organisation(request, Document.objects.exclude(signed_scan=""), with_schools=False, pk=pk)
    documents_school(request)
    try:
        scan = document.signed_scan.open("rb")
    except FileNotFoundError:
        raise Http404("Файл скана не найден в хранилище.") from None
    log_download(request, document, DataAccess.SCAN, "Скан подписанного экземпляра: ")
    stem = documents.download_name(document).removesuffix(".pdf")
    name = f"{stem} (подписан){PurePosixPath(scan.name).suffix}"
    return FileResponse(scan, as_attachment=True, filename=name)


@allow(KEEPERS)
@require_POST
def document_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    document = in_organisation(request, Document.objects.all(), with_schools=False, pk=pk)
    documents_school(request)
    if not may_request(request, document.kind):
        raise PermissionDenied(refusal(documents.SPECS[document.kind]))
    if document.in_progress:
        messages.info(request, "Документ уже формируется.")
    else:
        try:
            documents.document_regenerate(document=document)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Документ формируется заново: номер и дата остаются прежними.")
    return redirect("document_detail", pk=document.pk)


def publication_target(request: HttpRequest, pk: int) -> Document:
    document = in_organisation(request, Document.objects.all(), with_schools=False, pk=pk)
    if not request.roles & PUBLISHERS:
        raise PermissionDenied("Публикует документы на странице школы «Наставничество» директор школы.")
    return document


@allow(PUBLISHERS)
@require_POST
def document_publish(request: HttpRequest, pk: int) -> HttpResponse:
    document = publication_target(request, pk)
    try:
        documents.document_publish(document=document, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Документ опубликован на странице школы «Наставничество».")
    return redirect("document_detail", pk=document.pk)


@allow(PUBLISHERS)
@require_POST
def document_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    document = publication_target(request, pk)
    documents.document_unpublish(document=document)
    messages.success(request, "Документ снят с публикации: на странице школы его больше нет.")
    return redirect("document_detail", pk=document.pk)


def readable_documents(request: HttpRequest):
    """The school's documents for its director and curator; a participant's own pair report and
    certificates for anyone else."""
    organisation = documents_keeper(request)
    if organisation is not None:
        return Document.objects.for_school(organisation) | Document.objects.downloadable_by(request.user)
    return Document.objects.downloadable_by(request.user)


def holds_personal_data(document: Document) -> bool:
    """Whether a document names people: all but the publishable ones about no one (the Положение, the
    programme, the roadmap)."""
    spec = documents.SPECS.get(document.kind)
    return spec is None or not spec.publishable or bool(document.pair_id or document.person_id)


def log_download(request: HttpRequest, document: Document, action: DataAccess, prefix: str = "") -> None:
    # The kind, number and date name the document; its title may name a pupil, which the log never holds.
    number = f" № {document.number}" if document.number else ""
    access_record(
        user=request.user,
        school=document.school,
        action=action,
        person=document.person,
        what=f"{prefix}{document.kind_label}{number} от {document.date:%d.%m.%Y}",
    )


@allow_any_user
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """Files are served only here, after the access check: never from a public media folder."""
    document = get_object_or_404(readable_documents(request).exclude(file=""), pk=pk)
    if holds_personal_data(document):
        log_download(request, document, DataAccess.DOCUMENT)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=documents.download_name(document)
    )


@allow_any_user
def my_documents(request: HttpRequest) -> HttpResponse:
    rows = Document.objects.downloadable_by(request.user).select_related("school")
    return render(request, "documents/my_documents.html", {"section": "my_documents", "documents": rows})


urlpatterns = [
    path("documents/", document_list, name="document_list"),
    path("documents/new/<slug:kind>/", document_new, name="document_new"),
    path("documents/mine/", my_documents, name="my_documents"),
    path("documents/<int:pk>/", document_detail, name="document_detail"),
    path("documents/<int:pk>/regenerate/", document_regenerate, name="document_regenerate"),
    path("documents/<int:pk>/file/", document_file, name="document_file"),
    path("documents/<int:pk>/publish/", document_publish, name="document_publish"),
    path("documents/<int:pk>/unpublish/", document_unpublish, name="document_unpublish"),
    path("documents/<int:pk>/sign/", document_sign, name="document_sign"),
    path("documents/<int:pk>/signed-scan/", document_signed_scan, name="document_signed_scan"),
]
