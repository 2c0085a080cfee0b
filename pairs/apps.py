from django.apps import AppConfig


class PairsConfig(AppConfig):
    name = "pairs"
    verbose_name = "Пары и группы"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from mentoring.signals import (
            consent_revoked,
            entry_archiving,
            person_data_gathering,
            person_depersonalising,
        )

        from . import models, receivers

        auditlog.register(models.PlanItem)
        auditlog.register(models.Meeting, exclude_fields=["created_at"], m2m_fields={"present"})
        auditlog.register(models.MentorHoursMonth)
        consent_revoked.connect(receivers.leave_pairs_on_revocation, dispatch_uid="pairs.leave_on_revocation")
        entry_archiving.connect(receivers.keep_paired_entry, dispatch_uid="pairs.keep_paired_entry")
        person_depersonalising.connect(receivers.scrub_pairs_text, dispatch_uid="pairs.scrub_pairs_text")
        person_data_gathering.connect(receivers.pairs_of_person, dispatch_uid="pairs.pairs_of_person")
