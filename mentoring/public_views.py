"""The school's public «Наставничество» page, opened without login, its PDFs, and the director's settings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from . import parts
from .access import allow, public, writing_school
from .documents import download_name
from .models import Organisation, Role
from .public_page import page_documents, page_people, school_by_slug, school_page_update

# The version for the visually impaired (ГОСТ Р 52872-2019): a link with this parameter turns it on.
ACCESSIBLE = "accessible"
DIRECTORS = frozenset({Role.DIRECTOR})


@public
def school_page(request: HttpRequest, slug: str) -> HttpResponse:
    school = school_by_slug(slug)
    context = {
        "school": school,
        "accessible": request.GET.get("version") == ACCESSIBLE,
        "people": page_people(school),
        "documents": list(page_documents(school)),
        **parts.gathered(parts.SCHOOL_PAGE, request, school=school),
    }
    return render(request, "public/school_page.html", context)


@public
def document_public_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """Only a published, ready, publishable document of the school the address names; anything else is a
    404, so the address confirms nothing that is not on the page."""
    document = get_object_or_404(page_documents(school_by_slug(slug)), pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=download_name(document))


class SchoolPageForm(forms.Form):
    slug = forms.SlugField(
        label="Адрес страницы",
        max_length=60,
        required=False,
        help_text="Латинские буквы, цифры и дефис, например «sosh-1». Пусто — страница не открывается. "
        "Меняйте адрес как можно реже: на него ссылается сайт школы.",
        error_messages={
            "invalid": "Адрес может содержать только латинские буквы, цифры, дефис и подчёркивание."
        },
    )
    contacts = forms.ChoiceField(label="Контакты на странице", choices=Organisation.PublicContacts.choices)

    def __init__(self, *args, school: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug and Organisation.objects.filter(public_slug=slug).exclude(pk=self.school.pk).exists():
            raise forms.ValidationError("Этот адрес уже занят другой школой: выберите другой.")
        return slug


@allow(DIRECTORS)
def school_page_settings(request: HttpRequest) -> HttpResponse:
    school = writing_school(request, roles=DIRECTORS)
    initial = {"slug": school.public_slug or "", "contacts": school.public_contacts}
    form = SchoolPageForm(request.POST or None, initial=initial, school=school)
    if request.method == "POST" and form.is_valid():
        school_page_update(
            school=school, slug=form.cleaned_data["slug"], contacts=form.cleaned_data["contacts"]
        )
        messages.success(request, "Настройки страницы «Наставничество» сохранены.")
        return redirect("school_page_settings")
    published = page_documents(school).count()
    context = {"section": "home", "form": form, "school": school, "published": published}
    return render(request, "public/school_page_settings.html", context)


urlpatterns = [
    path("s/<slug:slug>/nastavnichestvo/", school_page, name="school_page"),
    path(
        "s/<slug:slug>/nastavnichestvo/documents/<int:pk>/", document_public_file, name="document_public_file"
    ),
    path("school-page/", school_page_settings, name="school_page_settings"),
]
