from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Программы наставничества"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Programme, exclude_fields=["created_at", "updated_at"])
        auditlog.register(models.ProgrammeRisk)
