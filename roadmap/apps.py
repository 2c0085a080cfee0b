from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Дорожные карты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # The department's report registers here: roadmap/documents.py holds the schools' roadmap documents.
        from . import department_documents, models  # noqa: F401

        # Who wrote what to a school, and who of the school took it «к исполнению».
        auditlog.register(models.Recommendation, include_fields=["text", "written_by"])
        auditlog.register(models.Acknowledgement)
