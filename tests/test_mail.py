from django.core import mail

from mentoring.mail import mail_send

from .factories import SchoolFactory


def write_templates(tmp_path, settings):
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "note.txt").write_text(
        '{% extends "mail/base.txt" %}{% block body %}Встреча завтра.{% endblock %}'
    )
    (tmp_path / "mail" / "note.html").write_text(
        '{% extends "mail/base.html" %}{% block body %}<p>Встреча завтра.</p>{% endblock %}'
    )
    # A new value, not the old one changed in place: the template engines are rebuilt, and restored after.
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]


def test_a_message_is_plain_text_and_html_signed_with_the_schools_name(db, tmp_path, settings):
    write_templates(tmp_path, settings)
    school = SchoolFactory()
    mail_send(to="mentor@example.ru", subject="Напоминание", template="note", context={}, organisation=school)

    message = mail.outbox[0]
    assert message.subject == f"Напоминание — {school.short_name}"
    assert "Встреча завтра." in message.body and school.full_name in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and school.full_name in html
    assert "List-Unsubscribe" not in message.extra_headers and "Не получать" not in message.body


def test_a_reminder_carries_its_unsubscribe_link_in_the_text_the_html_and_the_header(db, tmp_path, settings):
    write_templates(tmp_path, settings)
    link = "https://nastavnichestvo.example.ru/notifications/off/abc/"
    mail_send(
        to="mentor@example.ru", subject="Напоминание", template="note", context={}, unsubscribe_url=link
    )

    message = mail.outbox[0]
    assert link in message.body and link in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
