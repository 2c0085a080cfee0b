from django.apps import AppConfig


class PairsConfig(AppConfig):
    name = "pairs"
    verbose_name = "Пары и группы"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.PlanItem)
        auditlog.register(models.Meeting, exclude_fields=["created_at"], m2m_fields={"present"})
