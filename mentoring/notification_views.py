"""«Требует внимания» on the home page, the «Уведомления» settings and the unsubscribe link of the letters."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from . import notifications
from .access import allow_any_user, public
from .models import MailOptOut, Notification


class MailKindsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Присылать по электронной почте",
        required=False,
        error_messages={"invalid_choice": "Такого напоминания у вас нет: обновите страницу."},
        widget=forms.CheckboxSelectMultiple,
    )


@allow_any_user
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    offered = notifications.kinds_for(user)
    off = set(MailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    form = MailKindsForm(request.POST or None, initial={"kinds": [k for k, _ in offered if k not in off]})
    form.fields["kinds"].choices = offered
    if request.method == "POST" and form.is_valid():
        offered_kinds = [kind for kind, _ in offered]
        notifications.mail_kinds_set(user=user, kinds=form.cleaned_data["kinds"], offered=offered_kinds)
        messages.success(request, "Настройки уведомлений сохранены.")
        return redirect("notification_settings")
    return render(request, "mentoring/notification_settings.html", {"form": form})


@allow_any_user
@require_POST
def notification_hide(request: HttpRequest) -> HttpResponse:
    """Hides a notice from the home page: only one that waits for this user now."""
    key = request.POST.get("key", "")
    waiting = notifications.waiting_for(request.user, request.memberships, request.roles)
    notice = next((n for n in waiting if n.key == key), None)
    if notice is None:
        raise Http404("Такого уведомления нет.")
    notifications.notification_hide(user=request.user, notice=notice)
    return redirect("home")


@public
def mail_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a reminder letter: works without login, because the signed token names the person. A GET
    only asks (mail scanners open links), the button switches the kind off."""
    try:
        found = signing.loads(token, salt=notifications.UNSUBSCRIBE_SALT)
        kind = Notification.Kind(found["kind"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return render(request, "mentoring/mail_unsubscribe.html", {"broken": True}, status=404)
    done = request.method == "POST"
    if done:
        notifications.mail_unsubscribe(token=token)
    return render(request, "mentoring/mail_unsubscribe.html", {"kind": kind.label, "done": done})


urlpatterns = [
    path("notifications/", notification_settings, name="notification_settings"),
    path("notifications/hide/", notification_hide, name="notification_hide"),
    path("unsubscribe/<str:token>/", mail_unsubscribe, name="mail_unsubscribe"),
]
