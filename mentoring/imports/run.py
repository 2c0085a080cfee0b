"""An import's run: the upload read for a list, the rows kept as read, the check whose report is the
preview, and the confirm that checks the rows again and writes them in one transaction, a batch at a time;
none takes a request, so the views, the tasks and the benchmarks call the same code."""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..models import Organisation
from .reading import UPLOADS, ImportFileError, Sheet, read_bytes, upload_bytes
from .resources import SchoolResource
from .targets import TARGETS, Target, get_target
from .writing import BatchWriter

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


PREVIEW_ROWS = 500  # rows kept for the preview page, besides every row with an error


@dataclass
class ImportReport:
    target: str
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False
    totals: dict[str, int] | None = None  # of the whole file, when `rows` keeps only the shown ones

    def count(self, outcome: str) -> int:
        return self.counts[outcome]

    @property
    def counts(self) -> dict[str, int]:
        if self.totals is not None:
            return self.totals
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def stored(self) -> dict[str, Any]:
        """The report as the job keeps it: the counts of every row, the first rows and every error row."""
        shown = [row for index, row in enumerate(self.rows) if index < PREVIEW_ROWS or row.is_error]
        return asdict(self) | {"rows": [asdict(row) for row in shown], "totals": self.counts}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> ImportReport:
        return cls(**data | {"rows": [RowReport(**row) for row in data.get("rows", [])]})

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
        return not self.file_errors and not self.errors

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


# --- The rows as read, kept for the check and the confirm ---------------------------------------------

DATE_TAGS = {"date": datetime.date, "datetime": datetime.datetime}


def _cell_to_json(value: Any) -> Any:
    for tag, kind in reversed(DATE_TAGS.items()):  # a datetime is a date too
        if isinstance(value, kind):
            return {tag: value.isoformat()}
    return value if isinstance(value, str | int | float) or value is None else str(value)


def _cell_from_json(value: Any) -> Any:
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        return DATE_TAGS[tag].fromisoformat(text)
    return value


def rows_store(sheet: Sheet) -> str:
    """Keep the rows read from an upload until the import finishes; the stored file's path."""
    content = {
        "kind": sheet.kind,
        "columns": sheet.columns,
        "ignored_columns": sheet.ignored_columns,
        "headers": sheet.dataset.headers,
        "rows": [[_cell_to_json(cell) for cell in row] for row in sheet.dataset],
    }
    data = json.dumps(content, ensure_ascii=False).encode()
    return default_storage.save(f"{UPLOADS}/{uuid.uuid4().hex}.json", ContentFile(data))


def rows_load(path: str) -> Sheet:
    with default_storage.open(path, "rb") as stored:
        content = json.load(stored)
    dataset = tablib.Dataset(headers=content["headers"])
    for row in content["rows"]:
        dataset.append([_cell_from_json(cell) for cell in row])
    return Sheet(
        data=b"",
        kind=content["kind"],
        dataset=dataset,
        columns=content["columns"],
        ignored_columns=content["ignored_columns"],
    )


# --- The run ------------------------------------------------------------------------------------------


def _run(
    school: Organisation, target: Target, sheet: Sheet, writer: BatchWriter | None = None
) -> ImportReport:
    """Every row checked against the school as it is now; with a writer, the rows' writes gathered."""
    resource = target.resource(school, writer)
    result = resource.import_data(sheet.dataset, dry_run=False, raise_errors=False, use_transactions=False)
    return _report(target, sheet, resource, result)


def _check_school(school: Organisation, user=None) -> None:
    if not school.is_school:
        raise PermissionDenied("Импорт возможен только в школу.")
    if user is not None and not Organisation.objects.writable_by(user).filter(pk=school.pk).exists():
        raise PermissionDenied("Импортировать в эту школу может только её куратор.")


def import_check(*, school: Organisation, target: str | Target, sheet: Sheet) -> ImportReport:
    """Every row of the file with its outcome; nothing is written."""
    _check_school(school)
    return _run(school, get_target(target), sheet)


def import_preview(*, school: Organisation, target: str | Target, uploaded_file) -> ImportReport:
    """Read the file and check it: every row with its outcome; nothing is written."""
    try:
        sheet = read_upload(uploaded_file, target)
    except ImportFileError as error:
        return ImportReport(target=get_target(target).key, file_errors=[str(error)])
    return import_check(school=school, target=target, sheet=sheet)


def import_write(
    *, school: Organisation, target: str | Target, sheet: Sheet, user, address: str | None = None
) -> ImportReport:
    """Check the rows again and write them: every row, or none of them. Runs inside the caller's
    transaction, which holds the school's row lock and rolls back when the report is not ok.

    A row that has become invalid since the preview writes nothing; the report says why.
    """
    target = get_target(target)
    _check_school(school, user)
    writer = BatchWriter(user=user, address=address, batch_size=settings.IMPORT_BATCH_SIZE)
    report = _run(school, target, sheet, writer)
    if report.ok:
        writer.write()
        report.written = True
    return report
