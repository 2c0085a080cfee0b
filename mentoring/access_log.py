"""The access log of personal data (152-ФЗ, ст. 18.1–19): every card viewed, list exported, scan or document
downloaded, subject's request answered and person depersonalised is written here, once."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django_filters import FilterSet
from django_filters.constants import EMPTY_VALUES

from .models import AccessRecord, DataAccess, Organisation, Person, User, format_school_class


def access_record(
    *,
    user: User,
    school: Organisation,
    action: DataAccess,
    person: Person | None = None,
    what: str = "",
    rows: int | None = None,
) -> AccessRecord:
    return AccessRecord.objects.create(
        user=user, school=school, action=action, person=person, what=what[:500], rows=rows
    )


def filters_in_words(filterset: FilterSet) -> str:
    """The filters a list was exported with, «класс 7 «Б», категория …»; a searched name is not written
    down, since the log never holds a child's name."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    words = []
    for name, field in filterset.form.fields.items():
        value = cleaned.get(name)
        if name == "o" or value in EMPTY_VALUES:
            continue
        label = str(field.label)
        words.append(
            "поиск по ФИО" if name == "q" else f"{label[:1].lower()}{label[1:]}: {shown(field, value)}"
        )
    return ", ".join(words)


def shown(field: Any, value: Any) -> str:
    if isinstance(value, tuple):
        return format_school_class(*value)
    if isinstance(value, Model):
        return str(value)
    return str({str(key): label for key, label in getattr(field, "choices", ())}.get(str(value), value))


def logged_export(
    request: HttpRequest,
    *,
    organisation: Organisation,
    resource_class: type,
    filterset: FilterSet,
    fmt: str,
    basename: str,
    title: str,
) -> HttpResponse:
    """A list as XLSX or CSV, and the record of who took which list, with which filter, how many rows."""
    from .imports.export import dataset_response, export_dataset  # loads only when a list is exported

    dataset = export_dataset(resource_class, filterset.qs)
    filters = filters_in_words(filterset)
    access_record(
        user=request.user,
        school=organisation,
        action=DataAccess.LIST_EXPORT,
        what=f"{title} ({fmt.upper()})" + (f"; фильтр: {filters}" if filters else ""),
        rows=len(dataset),
    )
    return dataset_response(dataset, fmt, basename)
