from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Наставничество"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models import fields
        from django.utils.module_loading import autodiscover_modules

        # Django 6.1 has no Russian yet for the empty choice of an optional select.
        fields.BLANK_CHOICE_LABEL = "— не указано —"

        from . import models

        auditlog.register(models.Person, exclude_fields=["created_at", "updated_at", "search_name"])
        auditlog.register(models.Consent, exclude_fields=["created_at"])
        auditlog.register(
            models.MentorEntry, exclude_fields=["created_at", "updated_at"], m2m_fields={"forms"}
        )
        auditlog.register(
            models.MenteeEntry,
            exclude_fields=["created_at", "updated_at"],
            m2m_fields={"forms", "categories"},
        )
        auditlog.register(models.Nomination, m2m_fields={"categories"})
        auditlog.register(models.Membership)
        auditlog.register(models.LoginCode, exclude_fields=["code_hash"])
        auditlog.register(models.RoleInvitation)
        auditlog.register(models.MailOptOut)
        auditlog.register(models.YearClosing, include_fields=["start_year", "closed_at", "reverted_at"])
        auditlog.register(
            models.Organisation,
            include_fields=[
                "public_slug",
                "public_contacts",
                "mentor_consent_required",
                "mentor_pay_rule",
                "mentor_pay_rate",
                "named_lists_for_coordinator",
            ],
        )
        auditlog.register(
            models.Document,
            include_fields=[
                "status",
                "number",
                "version",
                "title",
                "published_at",
                "published_by",
                "signed_on",
                "signed_scan",
                "signed_by",
            ],
        )

        # Each app describes its documents in its documents.py, and adds its parts of the pages that
        # gather several apps (the home page) in its parts.py.
        autodiscover_modules("documents")
        from . import depersonalisation, login_slips, subject_request, year_summary  # noqa: F401  the core's own kinds of document

        autodiscover_modules("parts")
        # ...and what its objects wait for from people (mentoring/notifications.py) in its notices.py.
        autodiscover_modules("notices")
