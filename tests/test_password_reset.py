"""Password reset by e-mail, in Russian, through the product's letters; it never tells whether an address
belongs to an account."""

import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from mentoring.models import Role

STRONG = "Новый-пароль-2026"
NOT_SENT = "Письмо со ссылкой сейчас отправить не удалось"
ASK_THE_CURATOR = "попросите куратора своей школы помочь со входом"


class UnreachableServer(BaseEmailBackend):
    """A mail server that is down: the connection is refused."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


class RefusingServer(BaseEmailBackend):
    """A mail server that answers but refuses the letter."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(554, b"Message rejected")


@pytest.fixture
def mentor(make_user, school):
    user = make_user(Role.MENTOR, school)
    user.email = "mentor@example.ru"
    user.save()
    return user


def test_the_login_page_links_the_password_reset(client):
    response = client.get(reverse("login"))
    assert f'href="{reverse("password_reset")}"' in response.text and "Забыли пароль?" in response.text


def test_a_known_address_gets_a_russian_letter_with_the_schools_name_and_no_unsubscribe_link(
    client, make_user, school
):
    user = make_user(Role.MENTOR, school)
    user.email = "mentor@example.ru"
    user.save()
    response = client.post(reverse("password_reset"), {"email": "mentor@example.ru"})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["mentor@example.ru"]
    assert message.subject == f"Восстановление пароля — {school.short_name}"
    assert "Чтобы задать новый пароль, откройте ссылку" in message.body and school.full_name in message.body
    assert "Задать новый пароль" in message.alternatives[0][0]
    assert "List-Unsubscribe" not in message.extra_headers and "Не получать" not in message.body


def test_the_link_in_the_letter_sets_a_new_password_once(client, make_user, school):
    user = make_user(Role.MENTOR, school)
    user.email = "mentor@example.ru"
    user.save()
    client.post(reverse("password_reset"), {"email": "mentor@example.ru"})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Новый пароль" in form_page.text
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert "Ссылка недействительна" in client.get(link, follow=True).text


def test_an_unknown_address_gets_the_same_answer_and_no_letter(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.ru"})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []
    assert "Если этот адрес указан в учётной записи" in client.get(response.url).text


def test_a_malformed_address_is_refused_in_russian(client, db):
    response = client.post(reverse("password_reset"), {"email": "не адрес"})
    assert "Проверьте адрес электронной почты." in response.text


def test_every_page_of_the_reset_is_the_products_own_and_russian(client, mentor):
    client.post(reverse("password_reset"), {"email": "mentor@example.ru"})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    confirm = client.get(link, follow=True)
    pages = {
        "form": client.get(reverse("password_reset")),
        "done": client.get(reverse("password_reset_done")),
        "confirm": confirm,
        "complete": client.get(reverse("password_reset_complete")),
        "bad link": client.get(reverse("password_reset_confirm", args=["MQ", "set-password"])),
    }
    for name, page in pages.items():
        text = page.content.decode()
        assert page.status_code == 200, name
        assert "— Наставничество</title>" in text and 'class="card login-card' in text, name
        assert "Django" not in text and "administration" not in text.lower(), name
        assert "Password" not in text and "password reset" not in text.lower(), name


@pytest.mark.parametrize("server", [UnreachableServer, RefusingServer])
def test_a_letter_the_mail_server_did_not_take_is_not_reported_as_sent(client, settings, mentor, server):
    settings.EMAIL_BACKEND = f"{__name__}.{server.__name__}"

    response = client.post(reverse("password_reset"), {"email": "mentor@example.ru"})

    assert response.status_code == 200
    assert NOT_SENT in response.text and ASK_THE_CURATOR in response.text
    assert "Если этот адрес указан в учётной записи" not in response.text
    assert 'value="mentor@example.ru"' in response.text


def test_a_mail_server_that_is_down_answers_alike_for_an_unknown_address(client, settings, mentor):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"

    known = client.post(reverse("password_reset"), {"email": "mentor@example.ru"}).text
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.ru"}).text

    assert NOT_SENT in unknown
    assert known.replace("mentor@example.ru", "nobody@example.ru") == unknown.replace(
        csrf(unknown), csrf(known)
    )


def test_an_unknown_address_gets_the_neutral_answer_while_the_server_takes_letters(client, settings, db):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingServer"

    response = client.post(reverse("password_reset"), {"email": "nobody@example.ru"})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
