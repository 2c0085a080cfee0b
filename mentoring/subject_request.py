"""A subject's request (152-ФЗ, ст. 14): everything the school holds about a person, for the person or a
parent, answered within 10 working days — as a PDF through the documents registry and as a JSON file. Both
are written to the access log. Only the curator and the director answer."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .access_log import access_record
from .documents import DocumentForm, DocumentSpec, Draft, register
from .models import AccessRecord, DataAccess, Document, Nomination, Person, Role, User
from .signals import person_data_gathering

SUBJECT_DATA = "subject_data"
ANSWERERS = frozenset({Role.CURATOR, Role.DIRECTOR})
Section = tuple[str, list[dict[str, Any]]]


def person_rows(person: Person) -> list[dict[str, Any]]:
    fields = ["last_name", "first_name", "patronymic", "birth_date", "kind", "position", "subjects"]
    fields += ["organisation_name", "phone", "email", "left_school_on"]
    row = {str(Person._meta.get_field(f).verbose_name).capitalize(): getattr(person, f) for f in fields}
    row["Кто это"] = person.get_kind_display()
    row["Класс"] = person.school_class
    row["Учётная запись"] = person.user.username if person.user else ""
    return [row]


def consent_rows(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "Дата согласия": consent.date,
            "Кем дано": consent.get_given_by_display(),
            "Представитель": consent.representative_name,
            "Скан": "приложен" if consent.scan else "нет",
            "Отозвано": consent.revoked_at,
        }
        for consent in person.consents.all()
    ]


def base_rows(person: Person) -> list[dict[str, Any]]:
    rows = []
    if entry := getattr(person, "mentor_entry", None):
        rows.append(
            {
                "База": "наставников",
                "Статус": entry.get_status_display(),
                "Включён": entry.included_on,
                "Компетенции": entry.competencies,
                "Достижения": entry.achievements,
                "Интересы": entry.interests,
                "Примечание": entry.note,
            }
        )
    if entry := getattr(person, "mentee_entry", None):
        rows.append(
            {
                "База": "наставляемых",
                "Статус": entry.get_status_display(),
                "Включён": entry.included_on,
                "Категории": ", ".join(c.name for c in entry.categories.all()),
                "Запрос": entry.request,
                "Интересы": entry.interests,
                "Примечание": entry.note,
            }
        )
    for nomination in Nomination.objects.filter(person=person).prefetch_related("categories"):
        rows.append(
            {
                "База": "представление классного руководителя",
                "Статус": nomination.get_status_display(),
                "Представлен": nomination.created_at.date(),
                "Категории": ", ".join(c.name for c in nomination.categories.all()),
                "Примечание": nomination.comment,
            }
        )
    return rows


def document_rows(person: Person) -> list[dict[str, Any]]:
    named = Document.objects.filter(person=person).exclude(kind=SUBJECT_DATA).order_by("date", "pk")
    return [{"Документ": d.title, "Номер": d.number, "Дата": d.date} for d in named]


def access_rows(person: Person) -> list[dict[str, Any]]:
    records = AccessRecord.objects.filter(person=person).select_related("user").order_by("at", "pk")
    return [
        {"Когда": r.at, "Кто": r.user.get_full_name() or r.user.username, "Действие": r.get_action_display()}
        for r in records
    ]


def subject_data(person: Person) -> list[Section]:
    """Every section of what the school holds about the person: the core's, then each app's."""
    sections: list[Section] = [
        ("Сведения об участнике", person_rows(person)),
        ("Согласия на обработку персональных данных", consent_rows(person)),
        ("Базы наставников и наставляемых", base_rows(person)),
    ]
    for _, found in person_data_gathering.send(sender=Person, person=person):
        sections.extend(found)
    sections += [
        ("Документы, в которых назван участник", document_rows(person)),
        ("Журнал доступа к персональным данным участника", access_rows(person)),
    ]
    return sections


def plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if value is None or isinstance(value, int | str) else str(value)


def subject_json(*, person: Person, by: User) -> str:
    """The machine-readable answer; the download is written to the access log."""
    access_record(
        user=by, school=person.school, action=DataAccess.SUBJECT_REQUEST, person=person, what="файл JSON"
    )
    data = {
        "организация": person.school.full_name,
        "номер записи": person.pk,
        "разделы": {
            title: [{k: plain(v) for k, v in row.items()} for row in rows]
            for title, rows in subject_data(person)
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


# The PDF --------------------------------------------------------------------------------------------


class SubjectDataForm(DocumentForm):
    person = forms.ModelChoiceField(
        label="Участник",
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Сведения формируются из карточки участника: откройте его карточку.",
            "invalid_choice": "Участник не найден в вашей школе: откройте его карточку заново.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.for_school(self.school)

    def clean_person(self) -> Person:
        person = self.cleaned_data["person"]
        if person.is_depersonalised:
            raise ValidationError(
                "Данные участника обезличены: сведений о его персональных данных больше нет."
            )
        return person

    def drafts(self) -> list[Draft]:
        person = self.cleaned_data["person"]
        return [Draft(title=f"Сведения о персональных данных (запись № {person.pk})", person=person)]


def subject_issue(document: Document) -> None:
    access_record(
        user=document.requested_by,
        school=document.school,
        action=DataAccess.SUBJECT_REQUEST,
        person=document.person,
        what="документ PDF",
    )


def subject_context(document: Document) -> dict:
    """Sections of like rows print as tables with a header, one row a line; the others as cards."""
    sections = []
    for title, rows in subject_data(document.person):
        alike = len(rows) > 1 and all(row.keys() == rows[0].keys() for row in rows)
        columns = list(rows[0]) if alike else None
        sections.append({"title": title, "rows": rows, "columns": columns})
    return {"person": document.person, "sections": sections}


register(
    DocumentSpec(
        kind=SUBJECT_DATA,
        label="Сведения о персональных данных",
        form=SubjectDataForm,
        template="documents/pdf/subject_data.html",
        context=subject_context,
        issue=subject_issue,
        description="Ответ на запрос субъекта персональных данных или его законного представителя (ст. 14 "
        "152-ФЗ, срок — 10 рабочих дней): всё, что школа хранит об участнике. Формируется из его карточки.",
    )
)
