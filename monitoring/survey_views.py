"""Surveys of a school: the curator launches them, adds respondents, closes them and prints the links."""

from itertools import groupby

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentoring.access import allow, in_organisation, may_write, reading_school, writing_school
from mentoring.documents import REQUESTERS
from mentoring.filters import name_filter
from mentoring.models import BASE_READERS, BASE_WRITERS, Person

from . import answers, audience, responses, surveys
from .models import Survey
from .survey_forms import NAME_ORDER, RespondentsForm, SurveyForm

SECTION = "surveys"
PER_PAGE = 50
QR_SCALE = 3
FOUND = 10  # people a search shows: enough to pick from, while the name narrows it


def with_status(rows: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.with_status(rows.select_related("questionnaire", "programme"), timezone.localdate())


def invited_message(survey: Survey, invited: surveys.Invited) -> str:
    text = f"Приглашено респондентов: {invited.added}."
    if invited.duplicates:
        text += f" Уже были в списке: {invited.duplicates}."
    if invited.left_out:
        text += (
            " Не приглашены (в архиве или без согласия на обработку персональных данных): "
            f"{invited.left_out}."
        )
    if invited.not_for:
        for_whom = audience.FOR_WHOM[survey.questionnaire.audience]
        text += f" Не приглашены, потому что анкета {for_whom}: {invited.not_for}."
    return text


@allow(BASE_READERS)
def survey_list(request: HttpRequest) -> HttpResponse:
    school = reading_school(request)
    rows = surveys.with_counts(with_status(Survey.objects.for_school(school))).order_by("-opens_on", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": SECTION,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "can_write": may_write(request, school.pk),
    }
    return render(request, "monitoring/survey_list.html", context)


@allow(BASE_WRITERS)
def survey_create(request: HttpRequest) -> HttpResponse:
    school = writing_school(request)
    data = request.POST if request.method == "POST" else None
    # A link may preset the programme and the questionnaire; the form offers only the school's own.
    initial = {name: request.GET[name] for name in ("programme", "questionnaire") if name in request.GET}
    form = SurveyForm(data, school=school, user=request.user, initial=initial)
    survey_valid = data is not None and form.is_valid()
    # The chooser by programme follows the chosen programme even when another field of the survey is wrong.
    programme = form.cleaned_data.get("programme") if data is not None else None
    respondents = RespondentsForm(data, school=school, programme=programme, prefix="who")
    if survey_valid and respondents.is_valid():
        survey, invited = surveys.survey_create(
            school=school,
            data=form.survey_data(),
            people=respondents.chosen(),
            respondent=respondents.respondent(),
            by=request.user,
        )
        messages.success(request, f"Анкетирование создано. {invited_message(survey, invited)}")
        return redirect("survey_detail", pk=survey.pk)
    context = {"section": SECTION, "form": form, "respondents": respondents}
    return render(request, "monitoring/survey_form.html", context)


@allow(BASE_WRITERS)
def survey_people(request: HttpRequest) -> HttpResponse:
    """The chooser «вручную»: people of the school found by name, or one of them added to the chosen."""
    people = Person.objects.for_school(writing_school(request)).active()
    if "pick" in request.GET:
        pick = request.GET["pick"]
        if not pick.isdigit():
            raise Http404("Нет такого участника.")
        person = get_object_or_404(people, pk=pick)
        return render(request, "monitoring/partials/person_chosen.html", {"person": person})
    query = request.GET.get("q", "").strip()
    found = list(name_filter(people, query).order_by(*NAME_ORDER)[:FOUND]) if len(query) >= 2 else []
    return render(request, "monitoring/partials/person_found.html", {"found": found, "query": query})


@allow(BASE_READERS)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = in_organisation(request, with_status(Survey.objects.all()), pk=pk)
    school = reading_school(request)
    invitations = survey.invitations.select_related("person", "response__paper_entered_by").order_by(
        "person__last_name", "person__first_name", "person__patronymic", "respondent"
    )
    can_write = may_write(request, school.pk)
    context = {
        "section": SECTION,
        "survey": survey,
        "rates": surveys.rates_by_role(survey.invitations.all()),
        "invitations": invitations,
        "can_write": can_write,
        "paper_open": can_write and not responses.paper_dates_refusal(survey),
        "paper_last_day": responses.paper_last_day(survey),
        "may_print": bool(request.roles & REQUESTERS),
        "reads_answers": answers.reads_answers_of(request.user, school.pk),
        "respondents": RespondentsForm(school=school, programme=survey.programme, prefix="who")
        if can_write
        else None,
    }
    return render(request, "monitoring/survey_detail.html", context)


@allow(BASE_WRITERS)
@require_POST
def survey_add_respondents(request: HttpRequest, pk: int) -> HttpResponse:
    survey = in_organisation(request, Survey.objects.select_related("programme", "questionnaire"), pk=pk)
    school = writing_school(request)
    form = RespondentsForm(request.POST, school=school, programme=survey.programme, prefix="who")
    if form.is_valid():
        invited = surveys.survey_invite(survey=survey, people=form.chosen(), respondent=form.respondent())
        messages.success(request, invited_message(survey, invited))
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, f"Респонденты не добавлены: {' '.join(errors)}")
    return redirect("survey_detail", pk=survey.pk)


@allow(BASE_WRITERS)
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = in_organisation(request, Survey.objects.all(), pk=pk)
    writing_school(request)
    today = timezone.localdate()
    if survey.opens_on > today:
        messages.error(request, "Анкетирование ещё не началось: измените его даты, а не закрывайте досрочно.")
    elif survey.has_ended(today):
        messages.info(request, "Анкетирование уже завершено.")
    else:
        surveys.survey_close(survey=survey, today=today)
        messages.success(request, f"Анкетирование закрыто {today:%d.%m.%Y}.")
    return redirect("survey_detail", pk=survey.pk)


@allow(BASE_WRITERS)
def survey_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Personal links are a way in to answer for a child: only the curator prints them."""
    survey = in_organisation(request, Survey.objects.all(), pk=pk)
    writing_school(request)
    invitations = (
        survey.invitations.filter(person__user__isnull=True)
        .select_related("person")
        .order_by(
            "person__grade", "person__class_letter", "person__last_name", "person__first_name", "respondent"
        )
    )
    rows = []
    for invitation in invitations:
        url = request.build_absolute_uri(reverse("respond_link", args=[invitation.token]))
        rows.append((invitation, url, segno.make(url, error="m").svg_inline(scale=QR_SCALE)))
    classes = [(label, list(group)) for label, group in groupby(rows, key=lambda r: r[0].person.school_class)]
    context = {"section": SECTION, "survey": survey, "classes": classes}
    return render(request, "monitoring/survey_links.html", context)


urlpatterns = [
    path("surveys/", survey_list, name="survey_list"),
    path("surveys/new/", survey_create, name="survey_create"),
    path("surveys/people/", survey_people, name="survey_people"),
    path("surveys/<int:pk>/", survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/respondents/", survey_add_respondents, name="survey_add_respondents"),
    path("surveys/<int:pk>/close/", survey_close, name="survey_close"),
    path("surveys/<int:pk>/links/", survey_links, name="survey_links"),
]
