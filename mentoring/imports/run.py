"""An import's run: the upload read for a list, the dry run whose report is the preview, and the real
run on confirm, in one transaction; both take no request, so the views and the benchmarks call the same
code."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from ..models import Organisation
from .reading import ImportFileError, Sheet, read_bytes, upload_bytes
from .resources import SchoolResource
from .targets import TARGETS, Target, get_target

logger = logging.getLogger(__name__)


def read_upload(uploaded_file, target: str | Target) -> Sheet:
    """Read an uploaded file (any object with read(), and size if known) or refuse it with a message."""
    return read_bytes(upload_bytes(uploaded_file), get_target(target).import_columns())


# --- The report ---------------------------------------------------------------------------------------


OUTCOMES = {
    "new": ("новая", "text-bg-success"),
    "updated": ("обновлена", "text-bg-primary"),
    "skipped": ("пропущена", "text-bg-secondary"),
    "error": ("ошибка", "text-bg-danger"),
}


@dataclass
class RowReport:
    number: int  # as in the spreadsheet: the header is row 1
    label: str
    outcome: str  # new, updated, skipped, error
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.outcome][0]

    @property
    def badge_class(self) -> str:
        return OUTCOMES[self.outcome][1]

    @property
    def is_error(self) -> bool:
        return self.outcome == "error"


@dataclass
class ImportReport:
    target: str
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def new(self) -> int:
        return self.counts["new"]

    @property
    def updated(self) -> int:
        return self.counts["updated"]

    @property
    def skipped(self) -> int:
        return self.counts["skipped"]

    @property
    def errors(self) -> int:
        return self.counts["error"]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.is_error for row in self.rows)

    @property
    def messages(self) -> list[str]:
        """Every error as a sentence: the file's, then the rows'."""
        return [*self.file_errors, *(message for row in self.rows for message in row.errors)]

    @property
    def target_label(self) -> str:
        return TARGETS[self.target].label


INTERNAL_ROW_ERROR = "не удалось обработать строку из-за внутренней ошибки; сообщите администратору."


def _row_messages(number: int, row_result, resource: SchoolResource) -> list[str]:
    messages = []
    if row_result.validation_error is not None:
        error = row_result.validation_error
        error_dict = (
            error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        )
        for key, texts in error_dict.items():
            column = resource.column_for(key)
            prefix = f"Строка {number}, столбец «{column}»" if column else f"Строка {number}"
            messages.extend(f"{prefix}: {text}" for text in texts)
    for error in row_result.errors:
        logger.error("Import row %s failed", number, exc_info=error.error)
        messages.append(f"Строка {number}: {INTERNAL_ROW_ERROR}")
    return messages


def _report(target: Target, sheet: Sheet, resource: SchoolResource, result) -> ImportReport:
    report = ImportReport(target=target.key, columns=sheet.columns, ignored_columns=sheet.ignored_columns)
    for error in result.base_errors:
        logger.error("Import of a file failed", exc_info=error.error)
        report.file_errors.append(
            "Не удалось проверить файл из-за внутренней ошибки; сообщите администратору."
        )
    numbers = sheet.dataset.get_col(len(sheet.dataset.headers) - 1)
    for number, row_result in zip(numbers, result.rows, strict=False):
        if row_result.is_new():
            outcome = "new"
        elif row_result.is_update():
            outcome = "updated"
        elif row_result.is_skip():
            outcome = "skipped"
        else:
            outcome = "error"
        report.rows.append(
            RowReport(
                number=number,
                label=resource.labels.get(number, ""),
                outcome=outcome,
                errors=_row_messages(number, row_result, resource) if outcome == "error" else [],
                changes=resource.changes.get(number, []) if outcome == "updated" else [],
            )
        )
    return report


# --- The run ------------------------------------------------------------------------------------------


def _run(school: Organisation, target: Target, sheet: Sheet, *, dry_run: bool) -> ImportReport:
    resource = target.resource(school)
    result = resource.import_data(
        sheet.dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        collect_failed_rows=False,
    )
    return _report(target, sheet, resource, result)


def _check_school(school: Organisation, user=None) -> None:
    if not school.is_school:
        raise PermissionDenied("Импорт возможен только в школу.")
    if user is not None and not Organisation.objects.writable_by(user).filter(pk=school.pk).exists():
        raise PermissionDenied("Импортировать в эту школу может только её куратор.")


def import_preview(*, school: Organisation, target: str | Target, uploaded_file) -> ImportReport:
    """Read the file and run the import as a dry run: every row with its outcome; nothing is written."""
    target = get_target(target)
    _check_school(school)
    try:
        sheet = read_upload(uploaded_file, target)
    except ImportFileError as error:
        return ImportReport(target=target.key, file_errors=[str(error)])
    return _run(school, target, sheet, dry_run=True)


@contextlib.contextmanager
def _audit_actor(user):
    """The audit trail names the curator, in a view (where auditlog's middleware has set the request's
    context: its address is kept) and without a request (a command, a benchmark)."""
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    if user is None:
        yield
        return
    address = {key: previous.get(key) for key in ("remote_addr", "remote_port")} if previous else {}
    try:
        with set_actor(user, **address):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)  # the middleware's context goes on for the rest of the request


def import_confirm(*, school: Organisation, target: str | Target, path: str, user) -> ImportReport:
    """Re-read the stored file and write it in one transaction: every row, or none of them.

    A row that has become invalid since the preview rolls the whole file back; the report says why.
    The stored file is left in place; the caller deletes it.
    """
    target = get_target(target)
    _check_school(school, user)
    try:
        with default_storage.open(path, "rb") as stored:
            sheet = read_upload(stored, target)
    except ImportFileError as error:
        return ImportReport(target=target.key, file_errors=[str(error)])
    try:
        with _audit_actor(user), transaction.atomic():
            # One import per school at a time: a second one waits, then sees the first one's people
            # (on PostgreSQL; SQLite takes its write lock when the transaction begins).
            Organisation.objects.select_for_update().only("pk").get(pk=school.pk)
            report = _run(school, target, sheet, dry_run=False)
            if not report.ok:
                transaction.set_rollback(True)
    except DatabaseError:
        logger.exception("Import of a file could not be committed")
        return ImportReport(
            target=target.key,
            file_errors=["Не удалось записать файл: база данных занята или недоступна. Ничего не записано, "
                         "загрузите файл ещё раз."],
        )  # fmt: skip
    report.written = report.ok
    return report
