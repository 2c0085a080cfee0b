"""A roadmap as a PDF, the school's or the department's: the table in the seeds' layout on landscape pages."""

from __future__ import annotations

from django import forms

from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from mentoring.models import Document

from .models import Roadmap
from .provisions import provisions_of
from .timeline import stages_of

ROADMAP = "roadmap"
DEPARTMENT_ROADMAP = "department_roadmap"


def own_roadmaps(organisation) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label="Дорожная карта",
        queryset=Roadmap.objects.filter(organisation=organisation).order_by("-year", "title"),
    )
    whose = "этой школы" if organisation.is_school else "этого управления образования"
    field.error_messages["invalid_choice"] = f"Выберите дорожную карту {whose}."
    return field


def read_roadmap(pk: int) -> Roadmap:
    roadmap = Roadmap.objects.select_related("organisation", "approved_by").filter(pk=pk).first()
    if roadmap is None:
        raise DocumentDataError("Дорожная карта удалена: сформировать документ нельзя.")
    return roadmap


def roadmap_table(pk: int) -> dict:
    roadmap = read_roadmap(pk)
    return {"roadmap": roadmap, "stages": stages_of(roadmap), "provisions": provisions_of(roadmap)}


class RoadmapDocumentForm(DocumentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roadmap"] = own_roadmaps(self.school)

    def drafts(self) -> list[Draft]:
        roadmap = self.cleaned_data["roadmap"]
        return [Draft(roadmap.title, {"roadmap": roadmap.pk})]


def roadmap_context(document: Document) -> dict:
    return roadmap_table(document.params["roadmap"])


register(
    DocumentSpec(
        kind=ROADMAP,
        label="Дорожная карта реализации целевой модели наставничества",
        form=RoadmapDocumentForm,
        template="documents/pdf/roadmap.html",
        context=roadmap_context,
        description="Дорожная карта реализации целевой модели наставничества школы: этапы, мероприятия, "
        "содержание деятельности, сроки, ответственные, отметки о выполнении — на альбомных листах.",
        publishable=True,
    )
)
register(
    DocumentSpec(
        kind=DEPARTMENT_ROADMAP,
        label="Дорожная карта муниципальной целевой модели наставничества",
        form=RoadmapDocumentForm,
        template="documents/pdf/roadmap.html",
        context=roadmap_context,
        description="Муниципальная дорожная карта: разделы, мероприятия, сроки, результаты и исполнители — "
        "на альбомных листах.",
        for_department=True,
    )
)
