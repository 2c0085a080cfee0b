"""The history of a record, read from django-auditlog: who changed what and when, said as the pages say it."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from .models import User

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


def audit_changes(
    entry: LogEntry, model: type[models.Model], names: dict[str, str], hidden: Collection[str]
) -> list[AuditChange]:
    changes = []
    for name, change in (entry.changes_dict or {}).items():
        field = model_field(model, name)
        if field is None or name in AUDIT_HIDDEN_FIELDS or name in hidden:
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


def audit_trail(*objects: models.Model, hidden: Collection[str] = ()) -> list[AuditRow]:
    """Who changed what and when, newest first: two queries (the log, the accounts it names) at most.
    `hidden` fields are left out: what the reader may not see on the page, it does not see in the history."""
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
                changes=audit_changes(entry, model, names, hidden) if model else [],
            )
        )
    return rows
