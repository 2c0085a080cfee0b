"""The roadmap of a school as a PDF: the table in the seeds' layout on landscape pages. Document pages belong
to a school, so the department's roadmap has no PDF here."""

from __future__ import annotations

from django import forms

from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from mentoring.models import Document

from .models import Roadmap
from .timeline import stages_of


def school_roadmaps(school) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label="Дорожная карта",
        queryset=Roadmap.objects.filter(organisation=school).order_by("-year", "title"),
    )
    field.error_messages["invalid_choice"] = "Выберите дорожную карту этой школы."
    return field


def read_roadmap(pk: int) -> Roadmap:
    roadmap = Roadmap.objects.select_related("organisation", "approved_by").filter(pk=pk).first()
    if roadmap is None:
        raise DocumentDataError("Дорожная карта удалена: сформировать документ нельзя.")
    return roadmap


def roadmap_table(pk: int) -> dict:
    roadmap = read_roadmap(pk)
    return {"roadmap": roadmap, "stages": stages_of(roadmap)}


class RoadmapDocumentForm(DocumentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roadmap"] = school_roadmaps(self.school)

    def drafts(self) -> list[Draft]:
        roadmap = self.cleaned_data["roadmap"]
        return [Draft(roadmap.title, {"roadmap": roadmap.pk})]


register(
    DocumentSpec(
        kind=Document.Kind.ROADMAP,
        form=RoadmapDocumentForm,
        template="documents/pdf/roadmap.html",
        context=lambda document: roadmap_table(document.params["roadmap"]),
        description="Дорожная карта реализации целевой модели наставничества школы: этапы, мероприятия, "
        "содержание деятельности, сроки, ответственные, отметки о выполнении — на альбомных листах.",
    )
)
