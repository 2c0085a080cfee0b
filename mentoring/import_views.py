"""The curator's import pages: upload a file, see every row of the dry run, confirm or start again."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from .access import allow, writing_school
from .imports import (
    EMPTY_FILE,
    TARGETS,
    ImportFileError,
    ImportReport,
    import_confirm,
    import_preview,
    read_upload,
    sample_response,
    store_upload,
    too_large_message,
)
from .models import BASE_WRITERS, Organisation

SESSION_KEY = "pending_imports"
MAX_PENDING = 5  # previews kept per session; older stored files are deleted
PREVIEW_ROWS = 500  # rows shown on the preview page, besides every row with an error
CLAIM_SECONDS = 24 * 60 * 60
ALREADY_DONE = "Этот файл уже импортирован или предварительный просмотр устарел."


class UploadLimitHandler(FileUploadHandler):
    """Stops receiving a file as soon as it passes the limit, so a 20 MB upload is never stored."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportUploadForm(forms.Form):
    target = forms.ChoiceField(
        label="Что загружаем",
        choices=[(key, target.label) for key, target in TARGETS.items()],
        widget=forms.RadioSelect,
        initial="people",
    )
    file = forms.FileField(
        label="Файл со списком",
        required=False,
        help_text="XLSX или CSV (UTF-8 или Windows-1251, разделитель «;» или «,»), не больше 5 МБ.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
        error_messages={"empty": EMPTY_FILE},
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large:
            raise forms.ValidationError(too_large_message())
        if not upload:
            raise forms.ValidationError("Выберите файл со списком.")
        return upload


def _pending(request: HttpRequest) -> dict:
    return request.session.get(SESSION_KEY, {})


def _forget(request: HttpRequest, token: str, *, delete_file: bool) -> None:
    pending = _pending(request)
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry and delete_file:
        default_storage.delete(entry["path"])


def _remember(request: HttpRequest, entry: dict) -> str:
    pending = _pending(request)
    while len(pending) >= MAX_PENDING:
        oldest = min(pending, key=lambda t: pending[t].get("created", ""))
        _forget(request, oldest, delete_file=True)
        pending = _pending(request)
    token = uuid.uuid4().hex
    pending[token] = entry
    request.session[SESSION_KEY] = pending
    return token


def _entry_for(request: HttpRequest, token: str, school: Organisation) -> dict | None:
    """The stored upload of this token; another user's or another school's is a 404."""
    entry = _pending(request).get(token)
    if entry is None:
        return None
    if entry["school_id"] != school.pk or entry["user_id"] != request.user.pk:
        raise Http404
    if not default_storage.exists(entry["path"]):
        _forget(request, token, delete_file=False)
        return None
    return entry


@allow(BASE_WRITERS)
@csrf_exempt
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload page. The size limit is put before Django stores the upload, hence csrf_exempt here
    and csrf_protect on the view proper (Django's documented way to change the upload handlers)."""
    limiter = None
    if request.method == "POST":
        limiter = UploadLimitHandler(request, settings.IMPORT_MAX_UPLOAD_BYTES)
        request.upload_handlers.insert(0, limiter)
    return _import_upload(request, limiter)


@csrf_protect
def _import_upload(request: HttpRequest, limiter: UploadLimitHandler | None) -> HttpResponse:
    school = writing_school(request)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, too_large=bool(limiter and limiter.exceeded))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            target = form.cleaned_data["target"]
            try:
                sheet = read_upload(upload, target)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                path = store_upload(sheet)
                token = _remember(
                    request,
                    {
                        "path": path,
                        "target": target,
                        "school_id": school.pk,
                        "user_id": request.user.pk,
                        "filename": (upload.name or "")[:200],
                        "created": timezone.now().isoformat(),
                    },
                )
                return redirect("import_preview", token=token)
    else:
        form = ImportUploadForm(initial={"target": request.GET.get("target", "people")})
    return render(
        request,
        "mentoring/import_upload.html",
        {"section": "import", "form": form, "targets": TARGETS.values()},
    )


def _shown_rows(report: ImportReport) -> list:
    return [row for index, row in enumerate(report.rows) if index < PREVIEW_ROWS or row.is_error]


def _render_report(request, report: ImportReport, entry: dict, token: str | None, *, confirmed: bool):
    shown = _shown_rows(report)
    return render(
        request,
        "mentoring/import_preview.html",
        {
            "section": "import",
            "report": report,
            "rows": shown,
            "hidden_rows": len(report.rows) - len(shown),
            "preview_rows": PREVIEW_ROWS,
            "filename": entry.get("filename", ""),
            "token": token,
            "confirmed": confirmed,
        },
    )


@allow(BASE_WRITERS)
@require_GET
def import_preview_view(request: HttpRequest, token: str) -> HttpResponse:
    school = writing_school(request)
    entry = _entry_for(request, token, school)
    if entry is None:
        messages.error(request, ALREADY_DONE)
        return redirect("import_upload")
    with default_storage.open(entry["path"], "rb") as stored:
        report = import_preview(school=school, target=entry["target"], uploaded_file=stored)
    return _render_report(request, report, entry, token, confirmed=False)


@allow(BASE_WRITERS)
@require_POST
def import_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    school = writing_school(request)
    entry = _entry_for(request, token, school)
    # One confirm per token, even for two requests at the same moment: the first claims it.
    if entry is None or not cache.add(f"import-confirm:{token}", True, CLAIM_SECONDS):
        messages.error(request, ALREADY_DONE)
        return redirect("import_upload")
    _forget(request, token, delete_file=False)
    try:
        report = import_confirm(school=school, target=entry["target"], path=entry["path"], user=request.user)
    finally:
        default_storage.delete(entry["path"])
    if not report.written:
        messages.error(
            request, "Ничего не записано: в файле есть ошибки. Исправьте файл и загрузите его снова."
        )
        return _render_report(request, report, entry, None, confirmed=True)
    text = f"Импортировано: {report.new} новых, {report.updated} обновлено."
    if report.skipped:
        text += f" Без изменений: {report.skipped}."
    messages.success(request, text)
    return redirect(reverse(TARGETS[entry["target"]].list_url_name))


@allow(BASE_WRITERS)
@require_GET
def import_sample(request: HttpRequest, target: str) -> HttpResponse:
    """An empty XLSX with the columns of a list: the curator fills it in and uploads it."""
    writing_school(request)
    if target not in TARGETS:
        raise Http404
    return sample_response(TARGETS[target])


# Included from mentoring/urls.py under «Import and export».
urlpatterns = [
    path("import/", import_upload, name="import_upload"),
    path("import/sample/<slug:target>/", import_sample, name="import_sample"),
    path("import/<slug:token>/", import_preview_view, name="import_preview"),
    path("import/<slug:token>/confirm/", import_confirm_view, name="import_confirm"),
]
