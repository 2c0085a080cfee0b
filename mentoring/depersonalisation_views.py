"""The director's page of depersonalisation and the subject's machine-readable answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import depersonalisation
from .access import allow, in_organisation, may_write, reading_school
from .models import Person, Role
from .subject_request import ANSWERERS, subject_json

DIRECTOR = frozenset({Role.DIRECTOR})


@allow(DIRECTOR)
@never_cache
def depersonalisation_page(request: HttpRequest) -> HttpResponse:
    school = reading_school(request, DIRECTOR)
    today = timezone.localdate()
    found = depersonalisation.candidates(school)
    context = {
        "section": "depersonalisation",
        "today": today,
        "due": [c for c in found if c.is_due(today)],
        "waiting": [c for c in found if not c.kept_because and not c.is_due(today)],
        "kept": [c for c in found if c.kept_because],
        "acts": depersonalisation.acts(school),
        "retention_days": depersonalisation.RETENTION_DAYS,
    }
    return render(request, "mentoring/depersonalisation.html", context)


@allow(DIRECTOR)
@require_POST
def depersonalisation_run(request: HttpRequest) -> HttpResponse:
    school = reading_school(request, DIRECTOR)
    act = depersonalisation.school_depersonalise(school=school, by=request.user, today=timezone.localdate())
    if act is None:
        messages.info(request, "Обезличивать некого: ни у кого из участников срок хранения данных не истёк.")
        return redirect("depersonalisation")
    messages.success(
        request, f"Данные обезличены: участников — {len(act.params['people'])}. Акт формируется."
    )
    return redirect("document_detail", pk=act.pk)


@allow(ANSWERERS)
@never_cache
def person_subject_data(request: HttpRequest, pk: int) -> HttpResponse:
    person = in_organisation(request, Person.objects.select_related("school", "user"), pk=pk)
    if not may_write(request, person.school_id, ANSWERERS):
        raise PermissionDenied("На запрос субъекта персональных данных отвечают куратор и директор школы.")
    if person.is_depersonalised:
        messages.error(request, "Данные участника обезличены: сведений о его персональных данных больше нет.")
        return redirect("person_detail", pk=person.pk)
    response = HttpResponse(subject_json(person=person, by=request.user), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="svedeniya-{person.pk}.json"'
    return response


urlpatterns = [
    path("depersonalisation/", depersonalisation_page, name="depersonalisation"),
    path("depersonalisation/run/", depersonalisation_run, name="depersonalisation_run"),
    path("people/<int:pk>/subject-data.json", person_subject_data, name="person_subject_data"),
]
