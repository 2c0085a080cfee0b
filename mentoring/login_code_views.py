"""The first login of a person without e-mail: the login and the code of its slip, then a password of its own.
The code is checked through `authenticate`, so django-axes limits the attempts as it does for passwords;
nobody is logged in until the password is set."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from .access import public
from .login_codes import WRONG, login_code_find, login_code_redeem, login_code_refusal
from .models import LoginCode

SESSION_KEY = "login_code"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


class CodeLoginForm(forms.Form):
    username = forms.CharField(
        label="Логин",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label="Одноразовый код",
        max_length=30,
        help_text="Как на листе входа, например ABCDE-FGH23.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.login_code = request, None

    def clean(self):
        cleaned = super().clean()
        username, code = cleaned.get("username"), cleaned.get("code")
        if not username or not code:
            return cleaned
        user = authenticate(self.request, username=username, code=code)
        if user is None:
            locked = getattr(self.request, "axes_locked_out", False)
            raise ValidationError(WRONG if locked else login_code_refusal(login_code_find(username, code)))
        self.login_code = user.login_code
        return cleaned


@public
def code_login(request: HttpRequest) -> HttpResponse:
    form = CodeLoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.cycle_key()
        request.session[SESSION_KEY] = form.login_code.pk
        return redirect("code_password")
    return render(request, "registration/code_login.html", {"form": form})


def pending_code(request: HttpRequest) -> LoginCode | None:
    code_id = request.session.get(SESSION_KEY)
    return LoginCode.objects.select_related("user").filter(pk=code_id).first() if code_id else None


@public
def code_password(request: HttpRequest) -> HttpResponse:
    login_code = pending_code(request)
    refusal = login_code_refusal(login_code) if login_code else "Сначала введите логин и код с листа входа."
    if refusal:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, refusal)
        return redirect("code_login")
    form = SetPasswordForm(login_code.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_code_redeem(code_id=login_code.pk, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("code_login")
        request.session.pop(SESSION_KEY, None)
        login(request, user, backend=PASSWORD_BACKEND)
        messages.success(request, "Пароль сохранён. Дальше входите с логином и этим паролем.")
        return redirect("home")
    context = {"form": form, "username": login_code.user.username}
    return render(request, "registration/code_password.html", context)


urlpatterns = [
    path("accounts/code/", code_login, name="code_login"),
    path("accounts/code/password/", code_password, name="code_password"),
]
