"""Forms of schools, roles, invitations and passwords: Russian labels and messages."""

from __future__ import annotations

from collections.abc import Collection

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.mail import get_connection
from django.urls import reverse

from .mail import mail_send
from .models import Organisation, Role, User

EMAIL_ERRORS = {
    "required": "Укажите адрес электронной почты.",
    "invalid": "Проверьте адрес электронной почты.",
}


def email_field(label: str = "Электронная почта") -> forms.EmailField:
    return forms.EmailField(label=label, max_length=254, error_messages=EMAIL_ERRORS)


def role_choices(roles: Collection[str]) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role if role in roles]


class SchoolForm(forms.ModelForm):
    director_email = email_field("Электронная почта директора")

    class Meta:
        model = Organisation
        fields = ["full_name", "short_name", "director_name"]
        labels = {"director_name": "ФИО директора"}
        help_texts = {
            "full_name": "Как в уставе: «Муниципальное бюджетное общеобразовательное учреждение «…»».",
            "short_name": "Например, МБОУ «СОШ № 3».",
        }
        error_messages = {
            "full_name": {"required": "Укажите полное наименование школы."},
            "short_name": {"required": "Укажите краткое наименование школы."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["director_name"].required = True
        self.fields["director_name"].error_messages["required"] = "Укажите ФИО директора."
        self.fields["director_email"].help_text = "Директору придёт письмо со ссылкой для входа."

    def school_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DirectorInviteForm(forms.Form):
    school = forms.ModelChoiceField(
        label="Школа", queryset=Organisation.objects.none(), error_messages={"required": "Выберите школу."}
    )
    email = email_field("Электронная почта директора")

    def __init__(self, *args, department: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Organisation.objects.schools().filter(department=department)


class StaffInviteForm(forms.Form):
    email = email_field()
    role = forms.ChoiceField(label="Роль", error_messages={"required": "Выберите роль."})

    def __init__(self, *args, roles: Collection[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)
        self.fields["role"].error_messages["invalid_choice"] = "Эту роль вы выдать не можете."


class ParticipantAccountForm(forms.Form):
    role = forms.ChoiceField(
        label="Роль",
        error_messages={"required": "Выберите роль.", "invalid_choice": "Эту роль вы выдать не можете."},
    )

    def __init__(self, *args, roles: Collection[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)


class AccountForm(UserCreationForm):
    """A new account of an invited person; the e-mail address is the invitation's."""

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "patronymic"]
        help_texts = {"username": "Латинские буквы, цифры и знаки @ . + - _; с ним вы будете входить."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("last_name", "first_name"):
            self.fields[name].required = True
        self.fields["username"].error_messages["required"] = "Придумайте имя пользователя."
        self.fields["last_name"].error_messages["required"] = "Укажите фамилию."
        self.fields["first_name"].error_messages["required"] = "Укажите имя."

    def account_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class LoginForm(AuthenticationForm):
    """The login form names the username as a login slip does («Логин»), and as staff know it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Логин (имя пользователя)"


class MailNotSent(Exception):
    """The mail server could not be reached or refused the letter."""


class PasswordResetByMailForm(PasswordResetForm):
    """Django's reset, its letter sent as every letter of the product is: Russian text and HTML, the school's
    name. Django sends nothing to an unknown address and the page says the same either way."""

    email = email_field()

    def save(self, **kwargs) -> None:
        """Raises MailNotSent when the letter did not go. The connection to the mail server is opened for
        every address, known or not, so a server that is down answers alike for both."""
        try:
            with get_connection() as self.connection:
                super().save(**kwargs)
        except OSError as error:  # smtplib's errors, and a connection refused or timed out
            raise MailNotSent from error

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        membership = (
            user.memberships.select_related("organisation").order_by("organisation__short_name").first()
        )
        mail_send(
            to=to_email,
            subject="Восстановление пароля",
            template="password_reset",
            context={
                "user": user,
                "url": settings.SITE_URL
                + reverse("password_reset_confirm", args=[context["uid"], context["token"]]),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            organisation=membership.organisation if membership else None,
            connection=self.connection,
        )
