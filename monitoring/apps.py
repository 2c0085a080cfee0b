from django.apps import AppConfig


def paper_entries_only(sender, instance, action, **kwargs) -> bool:
    """A response is made empty before anyone answers: only a change of its paper entry is logged."""
    from auditlog.models import LogEntry

    return action != LogEntry.Action.CREATE


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Мониторинг"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from auditlog.signals import pre_log

        from . import models

        # Who entered a respondent's paper answers, and when: the respondents' own answers are theirs.
        auditlog.register(models.Response, include_fields=["paper_entered_by", "paper_entered_at"])
        pre_log.connect(
            paper_entries_only, sender=models.Response, dispatch_uid="monitoring.paper_entries_only"
        )

        from mentoring.signals import person_data_gathering, person_depersonalising

        from . import receivers

        person_depersonalising.connect(
            receivers.scrub_open_answers, dispatch_uid="monitoring.scrub_open_answers"
        )
        person_data_gathering.connect(
            receivers.answers_of_person, dispatch_uid="monitoring.answers_of_person"
        )
