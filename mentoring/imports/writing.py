"""The writes of a confirmed import, gathered row by row and made a batch of rows at a time: inserts,
updates, categories and their audit entries in a fixed number of statements per batch, whatever the
number of rows in it.

Bulk statements send no signals, so the audit entries django-auditlog would make are made here, the same
ones: a creation with every field, an update with the changed fields, a change of categories as an m2m
entry, the curator as the actor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import smart_str

from ..models import Person


@dataclass
class RelatedChange:
    owner: models.Model
    name: str  # the many-to-many field
    added: list[models.Model]
    removed: list[models.Model]


@dataclass
class RowWrites:
    """What one row of the file writes."""

    created: list[models.Model] = field(default_factory=list)
    updated: list[tuple[models.Model, dict]] = field(default_factory=list)  # with auditlog's diff
    related: list[RelatedChange] = field(default_factory=list)


class BatchWriter:
    def __init__(self, *, user, address: str | None, batch_size: int):
        self.user = user
        self.address = address
        self.batch_size = batch_size
        self.rows: list[RowWrites] = []
        self._row: RowWrites | None = None

    def start_row(self) -> None:
        self._row = RowWrites()
        self.rows.append(self._row)

    def save(self, obj: models.Model, before: models.Model | None) -> None:
        """A new object is inserted; an existing one updated with what differs from `before`."""
        if obj.pk is None:
            self._row.created.append(obj)
            return
        diff = model_instance_diff(before, obj)
        if diff:
            self._row.updated.append((obj, diff))

    def set_related(self, owner: models.Model, name: str, chosen: list, current_pks: list[int]) -> None:
        chosen_pks = {obj.pk for obj in chosen}
        added = [obj for obj in chosen if obj.pk not in current_pks]
        removed_pks = set(current_pks) - chosen_pks
        removed = [obj for obj in getattr(owner, name).all() if obj.pk in removed_pks] if removed_pks else []
        if added or removed:
            self._row.related.append(RelatedChange(owner, name, added, removed))

    def write(self) -> None:
        for batch in batched(self.rows, self.batch_size, strict=False):
            self._write_batch(batch)

    def _write_batch(self, batch: tuple[RowWrites, ...]) -> None:
        now = timezone.now()
        created, updated = defaultdict(list), defaultdict(list)
        for row in batch:
            for obj in row.created:
                created[type(obj)].append(obj)
            for obj, diff in row.updated:
                updated[type(obj)].append((obj, diff))
        log: list[LogEntry] = []
        # People first: the entries of a base refer to them.
        for model in sorted(created.keys() | updated.keys(), key=lambda m: m is not Person):
            if created[model]:
                model.objects.bulk_create(created[model])
                for obj in created[model]:
                    changes = model_instance_diff(None, obj, fields_to_check=stored_fields(model))
                    log.append(self._entry(obj, LogEntry.Action.CREATE, changes, now))
            if updated[model]:
                objs = [obj for obj, _ in updated[model]]
                names = {name for _, diff in updated[model] for name in diff}
                for obj in objs:
                    obj.updated_at = now
                model.objects.bulk_update(objs, [*sorted(names), "updated_at"])
                log += [self._entry(obj, LogEntry.Action.UPDATE, diff, now) for obj, diff in updated[model]]
        log += self._write_related([change for row in batch for change in row.related], now)
        LogEntry.objects.bulk_create(log)

    def _write_related(self, changes: list[RelatedChange], now) -> list[LogEntry]:
        log = []
        by_field: dict[tuple[type, str], list[RelatedChange]] = defaultdict(list)
        for change in changes:
            by_field[type(change.owner), change.name].append(change)
        for (model, name), group in by_field.items():
            relation = model._meta.get_field(name)
            through = relation.remote_field.through
            owner_column, target_column = relation.m2m_column_name(), relation.m2m_reverse_name()
            gone = Q()
            for change in group:
                if change.removed:
                    gone |= Q(
                        **{
                            owner_column: change.owner.pk,
                            f"{target_column}__in": [o.pk for o in change.removed],
                        }
                    )
            if gone:
                through.objects.filter(gone).delete()
            through.objects.bulk_create(
                [
                    through(**{owner_column: change.owner.pk, target_column: target.pk})
                    for change in group
                    for target in change.added
                ]
            )
            for change in group:
                for operation, objects in (("delete", change.removed), ("add", change.added)):
                    if objects:
                        changed = {"type": "m2m", "operation": operation, "objects": ordered_names(objects)}
                        log.append(self._entry(change.owner, LogEntry.Action.UPDATE, {name: changed}, now))
        return log

    def _entry(self, obj: models.Model, action: int, changes: dict[str, Any] | None, now) -> LogEntry:
        return LogEntry(
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=smart_str(obj),
            action=action,
            changes=changes,
            actor=self.user,
            actor_email=getattr(self.user, "email", None),
            remote_addr=self.address,
            cid=get_cid(),
            timestamp=now,
        )


def stored_fields(model: type[models.Model]) -> set[str]:
    """The columns of a row: a creation's audit entry lists them, not the reverse relations (which would
    each cost a query, and which the history never shows)."""
    return {name for f in model._meta.concrete_fields for name in (f.name, f.attname)}


def ordered_names(objects: list[models.Model]) -> list[str]:
    """As auditlog lists them: in the related model's own order."""
    ordering = objects[0]._meta.ordering
    return [smart_str(obj) for obj in sorted(objects, key=lambda o: [getattr(o, f) for f in ordering])]
