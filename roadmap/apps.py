from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Дорожные карты"

    def ready(self) -> None:
        # The department's report registers here: roadmap/documents.py holds the schools' roadmap documents.
        from . import department_documents  # noqa: F401
