"""The curator's import pages: upload a file, see every row's outcome (a worker checks a large file while the
page waits), confirm or start again."""

from __future__ import annotations

from auditlog.context import auditlog_value
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from .access import allow, in_organisation, writing_school
from .imports import (
    EMPTY_FILE,
    PREVIEW_ROWS,
    TARGETS,
    ImportFileError,
    ImportReport,
    import_job_claim,
    import_job_create,
    import_job_start_check,
    import_job_start_confirm,
    read_upload,
    sample_response,
    too_large_message,
)
from .imports.jobs import import_job_check_again
from .models import BASE_WRITERS, ImportJob

Status = ImportJob.Status
REFUSED = {
    Status.DONE: "Этот файл уже импортирован.",
    Status.CONFIRMING: "Импорт этого файла уже записывается. Страница обновится сама, когда он закончится.",
    Status.CHECKING: "Файл ещё проверяется: подтвердить импорт можно после проверки.",
    Status.REJECTED: "Ничего не записано: в файле есть ошибки. Исправьте файл и загрузите его снова.",
    Status.ABANDONED: "Этот импорт отменён, ничего не записано. Загрузите файл снова.",
}


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


def import_job_of(request: HttpRequest, pk: int) -> ImportJob:
    """The user's own import in the school it works in now; anyone else's is a 404."""
    job = in_organisation(request, ImportJob.objects.filter(user=request.user), with_schools=False, pk=pk)
    writing_school(request)
    return job


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
                job = import_job_create(
                    school=school, user=request.user, target=target, sheet=sheet, filename=upload.name or ""
                )
                import_job_start_check(job)
                return redirect("import_job", pk=job.pk)
    else:
        form = ImportUploadForm(initial={"target": request.GET.get("target", "people")})
    return render(
        request,
        "mentoring/import_upload.html",
        {"section": "import", "form": form, "targets": TARGETS.values()},
    )


@allow(BASE_WRITERS)
@require_GET
@never_cache
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's page: its progress while a worker checks or writes it (htmx asks again every two
    seconds), then the report of every row and the confirm."""
    job = import_job_of(request, pk)
    if job.status == Status.CHECKING and job.stale and import_job_check_again(job):
        job.refresh_from_db()
    if request.htmx:
        return render_status(request, job) if job.in_progress else HttpResponseClientRefresh()
    report = ImportReport.from_stored(job.report) if job.report else None
    hidden = report.total - len(report.rows) if report else 0
    context = {
        "section": "import",
        "job": job,
        "report": report,
        "rows": report.rows if report else [],
        "hidden_rows": hidden,
        "preview_rows": PREVIEW_ROWS,
        "target_label": TARGETS[job.target].label,
        "list_url": reverse(TARGETS[job.target].list_url_name),
    }
    return render(request, "mentoring/import_job.html", context)


def render_status(request: HttpRequest, job: ImportJob) -> HttpResponse:
    return render(request, "mentoring/partials/import_job_status.html", {"job": job})


@allow(BASE_WRITERS)
@require_POST
def import_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Claims the import and writes it: at once for a small file, by a worker for a large one."""
    job = import_job_of(request, pk)
    address = (auditlog_value.get(None) or {}).get("remote_addr")
    attempt = import_job_claim(job=job, address=address)
    if attempt is None:
        messages.error(request, REFUSED.get(job.status, REFUSED[Status.CONFIRMING]))
        return redirect("import_job", pk=job.pk)
    import_job_start_confirm(job, attempt)
    job.refresh_from_db()
    if job.status == Status.DONE:
        messages.success(request, done_message(ImportReport.from_stored(job.report)))
        return redirect(reverse(TARGETS[job.target].list_url_name))
    if job.status == Status.REJECTED:
        messages.error(request, REFUSED[Status.REJECTED])
    return redirect("import_job", pk=job.pk)


def done_message(report: ImportReport) -> str:
    text = f"Импортировано: {report.new} новых, {report.updated} обновлено."
    if report.skipped:
        text += f" Без изменений: {report.skipped}."
    return text


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
    path("import/<int:pk>/", import_job, name="import_job"),
    path("import/<int:pk>/confirm/", import_job_confirm, name="import_job_confirm"),
]
