"""Login slips: the curator chooses people of a base (a class, a programme), each gets an account and a
one-time code, and the codes are printed, one slip per person, to be cut and handed out.

The request makes the accounts; the codes are made while the PDF renders and go straight into the file: the
document's row keeps only who and for how many days, and making the file again gives everyone a new code.
A file of codes is not kept past them: once they have expired, or none of them can let anyone in any more,
the scheduled job deletes it and the document's page says why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from programs.models import Programme

from .documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from .filters import MenteeEntryFilterSet, MentorEntryFilterSet, SchoolClassField
from .login_codes import code_printed, login_code_issue, opened_by_codes, person_account_ensure
from .models import Document, LoginCode, MenteeEntry, MentorEntry, Organisation, Person

LOGIN_SLIPS = "login_slips"
BASES = {
    "mentees": ("База наставляемых", MenteeEntry, MenteeEntryFilterSet, "наставляемые"),
    "mentors": ("База наставников", MentorEntry, MentorEntryFilterSet, "наставники"),
}
MAX_DAYS = 90
MAX_PEOPLE = 400
NOBODY = (
    "Под эти условия не подходит ни один участник: проверьте класс и программу. Коды выдаются участникам "
    "баз, которые не в архиве и не работают в школе в другой роли (куратор, педагог и т. п.)."
)


@dataclass(frozen=True)
class Slip:
    name: str
    login: str
    code: str


def chosen_people(
    school: Organisation, base: str, school_class: str, programme: Programme | None
) -> QuerySet[Person]:
    """The people of a base the curator chose, by the bases' own filters; staff accounts are left out."""
    _label, model, filterset_class, _title = BASES[base]
    entries = model.objects.for_school(school).filter(person__archived_at__isnull=True)
    entries = filterset_class({"school_class": school_class}, queryset=entries).qs
    if programme is not None:
        in_programme = (
            {"pair_memberships__programme": programme, "pair_memberships__is_current": True}
            if model is MenteeEntry
            else {"pairs__programme": programme}
        )
        entries = entries.filter(**in_programme)
    people = Person.objects.filter(pk__in=entries.values("person")).filter(opened_by_codes())
    return people.order_by("grade", "class_letter", "last_name", "first_name", "patronymic", "pk")


class LoginSlipsForm(DocumentForm):
    base = forms.ChoiceField(
        label="Кому", choices=[(key, label) for key, (label, *_rest) in BASES.items()], initial="mentees"
    )
    school_class = SchoolClassField(
        label="Класс",
        required=False,
        initial="",
        help_text="Например, 5А. Пусто — все классы.",
        widget=forms.TextInput(attrs={"placeholder": "например, 5А"}),
    )
    programme = forms.ModelChoiceField(
        label="Программа наставничества",
        queryset=Programme.objects.none(),
        required=False,
        empty_label="Любая",
        help_text="Только участники пар этой программы.",
    )
    days = forms.IntegerField(
        label="Сколько дней действуют коды",
        min_value=1,
        max_value=MAX_DAYS,
        initial=14,
        error_messages={
            "min_value": "Коды должны действовать хотя бы один день.",
            "max_value": f"Коды могут действовать не больше {MAX_DAYS} дней.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.for_school(self.school).order_by("title")
        self.fields["programme"].error_messages["invalid_choice"] = "Выберите программу этой школы."

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        raw_class = self.data.get(self.add_prefix("school_class"), "")
        people = chosen_people(self.school, cleaned["base"], raw_class, cleaned.get("programme"))
        cleaned["people"] = list(people.values_list("pk", flat=True)[: MAX_PEOPLE + 1])
        if not cleaned["people"]:
            raise ValidationError(NOBODY)
        if len(cleaned["people"]) > MAX_PEOPLE:
            raise ValidationError(
                f"Выбрано больше {MAX_PEOPLE} участников: выдайте листы входа по классам или программам."
            )
        return cleaned

    def drafts(self) -> list[Draft]:
        cleaned = self.cleaned_data
        whom = [BASES[cleaned["base"]][3]]
        if school_class := cleaned["school_class"]:
            grade, letter = school_class
            whom.append(f"{grade} «{letter}» класс" if letter else f"{grade} классы")
        if cleaned["programme"]:
            whom.append(f"программа «{cleaned['programme'].title}»")
        title = f"Листы входа: {', '.join(whom)}"
        return [Draft(title, {"people": cleaned["people"], "days": cleaned["days"]})]


def slips_issue(document: Document) -> None:
    """In the asking request: an account for everyone chosen, with its roles from the bases."""
    for person in Person.objects.filter(pk__in=document.params["people"], school=document.school):
        person_account_ensure(person=person)


def login_page_url() -> str:
    return settings.SITE_URL + reverse("code_login")


def qr_code(url: str) -> SafeString:
    label = f"QR-код страницы входа {url}"
    svg = segno.make(url, error="m").svg_inline(scale=3, omitsize=True, svgclass="slip-qr", title=label)
    # An image with a name, as the charts are: a tagged PDF gives it to a screen reader.
    return mark_safe(svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1))  # noqa: S308


@transaction.atomic
def slips_context(document: Document) -> dict[str, Any]:
    """Everyone's new code, made now and put only into the file being rendered."""
    people = (
        Person.objects.filter(pk__in=document.params["people"], school=document.school)
        .filter(archived_at__isnull=True, user__isnull=False, user__is_active=True)
        .filter(opened_by_codes())
        .select_related("user")
        .order_by("grade", "class_letter", "last_name", "first_name", "patronymic", "pk")
    )
    if not people:
        raise DocumentDataError("Никого из выбранных участников уже нет в базах школы: листы входа не нужны.")
    valid_until = timezone.localdate() + datetime.timedelta(days=document.params["days"])
    school, by = document.school, document.requested_by
    slips = []
    for person in people:
        code = login_code_issue(user=person.user, school=school, valid_until=valid_until, by=by)
        slips.append(Slip(name=person.full_name, login=person.user.username, code=code_printed(code)))
    url = login_page_url()
    return {"slips": slips, "valid_until": valid_until, "login_url": url, "qr": qr_code(url)}


def codes_valid_until(document: Document) -> datetime.date:
    """The last day the file's codes let in: the codes are made while the file renders."""
    return timezone.localdate(document.rendered_at) + datetime.timedelta(days=document.params["days"])


def codes_live_in(document: Document) -> bool:
    """Whether a code printed in the file may still let someone in: a code made while it rendered that is
    neither used nor replaced by newer slips."""
    return (
        LoginCode.objects.live()
        .filter(
            school=document.school_id,
            user__person__in=document.params["people"],
            issued_at__range=(document.started_at, document.rendered_at),
        )
        .exists()
    )


def slips_file_remove(*, document_id: int, today: datetime.date) -> str:
    """Deletes the slips' file if its codes can no longer let anyone in; returns why, or "" if it is kept.
    A file being made again is left to its render."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status != Document.Status.READY or not document.file:
            return ""
        if codes_valid_until(document) < today:
            document.file_removed = Document.FileRemoved.CODES_EXPIRED
        elif not codes_live_in(document):
            document.file_removed = Document.FileRemoved.CODES_USED
        else:
            return ""
        name, storage = document.file.name, document.file.storage
        document.file = ""
        document.save(update_fields=["file", "file_removed"])
        transaction.on_commit(lambda: storage.delete(name))
    return document.file_removed


def slips_files_remove(*, today: datetime.date, limit: int = 500) -> int:
    """The scheduled job: the slips' files whose codes can no longer let anyone in, at most `limit` a run
    (the rest go with the next). Returns how many files were deleted."""
    ready = Document.objects.filter(kind=LOGIN_SLIPS, status=Document.Status.READY).exclude(file="")
    ids = list(ready.order_by("rendered_at").values_list("pk", flat=True)[:limit])
    return sum(bool(slips_file_remove(document_id=pk, today=today)) for pk in ids)


register(
    DocumentSpec(
        kind=LOGIN_SLIPS,
        label="Листы входа с одноразовыми кодами",
        form=LoginSlipsForm,
        template="documents/pdf/login_slips.html",
        context=slips_context,
        issue=slips_issue,
        description="Учётные записи для участников без электронной почты: на каждого — лист с адресом "
        "сайта, логином и одноразовым кодом. При первом входе участник придумывает пароль. Новые листы "
        "отменяют коды, выданные раньше; сформировать файл заново — значит выдать всем новые коды.",
    )
)
