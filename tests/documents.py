"""Helpers of the document tests: the text of a rendered PDF, as a reader would select and search it."""

import datetime
import io
import itertools

import time_machine
from django import forms
from django.utils import timezone
from pypdf import PdfReader

from mentoring import documents, school_year
from mentoring.models import Document, MentorEntry, Organisation, Person, Role, User
from pairs.documents import awarded_pairs


def pdf_text(document: Document) -> str:
    """All pages' text with line breaks and runs of spaces made single spaces."""
    document.refresh_from_db()
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_pages(document: Document) -> list[tuple[float, float]]:
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]


def filled(spec: documents.DocumentSpec, school: Organisation, user: User) -> documents.DocumentForm:
    """The kind's form filled in as a user would who takes what it offers: its initial values, and of its
    choices the first that make the form valid (none, some or one of a multiple choice)."""
    form = spec.form(school=school, user=user)
    data: dict[str, object] = {}
    choices: dict[str, list] = {}
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            offered = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:40]]
            choices[name] = ([] if field.required else [[]]) + [offered[:5]] + [[pk] for pk in offered]
        elif isinstance(field, forms.ChoiceField):
            choices[name] = [str(value) for value, _ in field.choices if value != ""][:6]
        elif isinstance(field, forms.BooleanField):
            data[name] = "on"
        elif isinstance(field, forms.DateField):
            data[name] = (initial or timezone.localdate()).isoformat()
        elif initial is not None:
            data[name] = initial
        elif isinstance(field, forms.CharField):
            data[name] = "Актовый зал"
    for chosen in itertools.product(*choices.values()):
        form = spec.form({**data, **dict(zip(choices, chosen, strict=True))}, school=school, user=user)
        if form.is_valid():
            return form
    raise AssertionError(f"{spec.label}: форму не заполнить на этих данных: {form.errors.as_text()}")


def every_kind(school: Organisation, department: Organisation) -> list[Document]:
    """One document of every kind, as its keepers ask for them: the school's by its director, the
    department's by its coordinator; not rendered yet. The demo's mentors of pairs that have worked are
    teachers: one of them is made a pupil, so that a letter to a mentor's parents can be asked for."""
    mentor = MentorEntry.objects.filter(pk__in=awarded_pairs(school).values("mentor")).order_by("pk").first()
    Person.objects.filter(pk=mentor.person_id).update(kind=Person.Kind.PUPIL)
    made = []
    # The year's summary last: it needs the year closed, which changes what the others are made from.
    for spec in sorted(documents.SPECS.values(), key=lambda spec: spec.kind == school_year.SUMMARY_KIND):
        organisation = department if spec.for_department else school
        role = Role.COORDINATOR if spec.for_department else Role.DIRECTOR
        user = User.objects.filter(memberships__organisation=organisation, memberships__role=role).first()
        if spec.kind == school_year.SUMMARY_KIND:
            close_the_year(school, user)
        form = filled(spec, organisation, user)
        date = form.cleaned_data["date"]
        drafts = form.drafts()[:1]
        made += documents.documents_request(
            school=organisation, kind=spec.kind, drafts=drafts, date=date, by=user
        )
    return made


def close_the_year(school: Organisation, by: User) -> None:
    """The school's year closed on the first day it may be."""
    year = school_year.year_to_close(school)
    opening = datetime.datetime.combine(school_year.opens_on(year), datetime.time(10), tzinfo=datetime.UTC)
    with time_machine.travel(opening, tick=True):
        school_year.year_close(school=school, year=year, by=by)
