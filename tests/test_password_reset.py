"""Password reset by e-mail, in Russian, through the product's letters; it never tells whether an address
belongs to an account."""

import re

from django.core import mail
from django.urls import reverse

from mentoring.models import Role

STRONG = "Новый-пароль-2026"


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
