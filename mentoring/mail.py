"""E-mail of the product: every message in Russian, plain text with an HTML twin, signed with the school's
name. Reminders carry an unsubscribe link (and the List-Unsubscribe header); security mail (invitations,
password reset) never does, because it cannot be switched off."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from .models import Organisation


def mail_send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    organisation: Organisation | None = None,
    unsubscribe_url: str = "",
    connection: BaseEmailBackend | None = None,
) -> None:
    """Sends `templates/mail/<template>.txt` and `.html`; links in them are made absolute with SITE_URL."""
    context = {
        **context,
        "organisation": organisation,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
    }
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>"} if unsubscribe_url else {}
    message = EmailMultiAlternatives(
        subject=f"{subject} — {organisation.short_name}" if organisation else subject,
        body=render_to_string(f"mail/{template}.txt", context),
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"mail/{template}.html", context), "text/html")
    message.send()
