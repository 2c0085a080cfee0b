"""Meetings of a pair or group, recorded by its mentor or the school's curator, and the private calendar link
of its mentor and its mentees."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mentoring.access import PERSONAL_ROLES, allow, allow_any_user, public
from mentoring.models import Role

from . import meetings
from .meeting_forms import TOKEN_MAX_AGE, MeetingForm
from .models import CalendarFeed, Meeting, Pair

ALREADY_LOGGED = "Эта встреча уже записана."


def workable_pairs(request: HttpRequest) -> QuerySet[Pair]:
    """The pairs whose meetings the user records: the curator's school's and the mentor's own."""
    return (
        Pair.objects.workable_by(request.user)
        .select_related("programme", "mentor__person")
        .prefetch_related(meetings.with_members())
    )


def pair_page(pair: Pair) -> str:
    return reverse("pair_detail", args=[pair.pk])


def saved_message(pair: Pair, *, first: str, started: bool) -> str:
    if started:
        return f"{first} Это первая проведённая встреча: пара начала работу {pair.started_on:%d.%m.%Y}."
    return first


@allow(Role.CURATOR, Role.MENTOR)
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(workable_pairs(request), pk=pk)
    if refusal := meetings.meeting_refusal(pair):
        messages.error(request, refusal)
        return redirect(pair_page(pair))
    form = MeetingForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        # The first request with this token claims it; a repeat of the same form finds it taken.
        claim = f"meeting-form:{form.nonce}"
        if not cache.add(claim, True, TOKEN_MAX_AGE):
            messages.info(request, ALREADY_LOGGED)
            return redirect(pair_page(pair))
        was = pair.status
        try:
            meeting = meetings.meeting_log(
                pair=pair, data=form.meeting_data(), present=form.cleaned_data["present"], by=request.user
            )
        except ValidationError as error:
            cache.delete(claim)
            form.add_error(None, error)
        else:
            when = timezone.localtime(meeting.starts_at)
            first = (
                f"Встреча {when:%d.%m.%Y} записана."
                if meeting.status == Meeting.Status.HELD
                else f"Встреча запланирована на {when:%d.%m.%Y %H:%M}."
            )
            messages.success(request, saved_message(pair, first=first, started=pair.status != was))
            return redirect(pair_page(pair))
    return render(request, "pairs/meeting_form.html", {"section": "pairs", "form": form, "pair": pair})


def workable_meetings(request: HttpRequest) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(pair__in=Pair.objects.workable_by(request.user))
        .select_related("pair__programme", "pair__mentor__person")
        .prefetch_related(meetings.with_members("pair__members"))
    )


@allow(Role.CURATOR, Role.MENTOR)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(workable_meetings(request), pk=pk)
    pair = meeting.pair
    closed = meetings.approved_refusal(
        pair=pair, status=meeting.status, starts_at=meeting.starts_at, before=None
    )
    if refusal := meetings.meeting_refusal(pair) or closed:
        messages.error(request, refusal)
        return redirect(pair_page(pair))
    can_cancel = meeting.status == Meeting.Status.PLANNED
    form = MeetingForm(request.POST or None, instance=meeting, pair=pair)
    if request.method == "POST" and form.is_valid():
        was = pair.status
        try:
            meetings.meeting_update(
                meeting=meeting,
                data=form.meeting_data(),
                present=form.cleaned_data["present"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, saved_message(pair, first="Изменения сохранены.", started=pair.status != was)
            )
            return redirect(pair_page(pair))
    context = {"section": "pairs", "form": form, "pair": pair, "meeting": meeting, "can_cancel": can_cancel}
    return render(request, "pairs/meeting_form.html", context)


@allow(Role.CURATOR, Role.MENTOR)
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(workable_meetings(request), pk=pk)
    try:
        meetings.meeting_cancel(meeting=meeting)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Встреча отменена.")
    return redirect(pair_page(meeting.pair))


# The private calendar link.


def refuse_non_participant(request: HttpRequest) -> None:
    """The calendar is a mentor's or a mentee's: by its role here, or by its pairs whatever the current
    school."""
    if not request.roles & PERSONAL_ROLES and not Pair.objects.of_participant(request.user).exists():
        raise Http404("Календарь встреч — у наставника и наставляемого.")


@allow_any_user
def calendar_settings(request: HttpRequest) -> HttpResponse:
    refuse_non_participant(request)
    feed = meetings.calendar_feed_of(request.user)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    context = {
        "section": "home",
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
    }
    return render(request, "pairs/calendar_settings.html", context)


@allow_any_user
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    refuse_non_participant(request)
    meetings.calendar_feed_reset(user=request.user)
    messages.success(
        request, "Создана новая ссылка. Старая больше не работает: добавьте в календарь телефона новую."
    )
    return redirect("calendar_settings")


@public
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar app of a phone asks for it without a session: the unguessable token is the key."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    body = meetings.calendar_build(
        meetings=meetings.feed_meetings(feed.user),
        host=request.get_host(),
        pair_url=lambda pair: request.build_absolute_uri(pair_page(pair)),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# Included from pairs/urls.py.
urlpatterns = [
    path("pairs/<int:pk>/meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", meeting_delete, name="meeting_delete"),
    path("calendar/", calendar_settings, name="calendar_settings"),
    path("calendar/reset/", calendar_reset, name="calendar_reset"),
    path("calendar/<slug:token>.ics", calendar_feed, name="calendar_feed"),
]
