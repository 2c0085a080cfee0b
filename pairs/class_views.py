"""«Мой класс»: the class teacher's pupils and where each stands: not in the mentee base, nominated, in the
base, in a pair with how the pair goes. Only statuses: nothing of what the pupils answered in questionnaires,
what their meetings were about, or what the bases note about them, nor why a pair needs attention."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from mentoring.access import allow
from mentoring.models import MenteeEntry, Nomination, Person, Role
from mentoring.nominations import NO_CLASS, class_pupils, homeroom_teacher, with_last_nomination

from .health import with_signs
from .models import Pair, PairMentee

PAIR_STATES = {
    Pair.Status.PROPOSED: "Пара предложена и ждёт утверждения",
    Pair.Status.APPROVED: "В паре: пара утверждена, работа ещё не началась",
    Pair.Status.ACTIVE: "В паре",
}


@dataclass(frozen=True)
class PupilState:
    """What the teacher sees of one pupil: a status, a badge's colour and, for a decline, its reason."""

    label: str
    tone: str
    detail: str = ""
    may_nominate: bool = False


def pupil_state(pupil: Person, pairs: list[Pair]) -> PupilState:
    entry: MenteeEntry | None = getattr(pupil, "mentee_entry", None)
    if entry is not None and entry.is_archived:
        return PupilState("Запись в базе наставляемых в архиве", "secondary")
    if pairs:
        return PupilState("; ".join(PAIR_STATES[p.status] for p in pairs), "success")
    if entry is not None:
        tone = "info" if entry.status == MenteeEntry.Status.WAITING else "secondary"
        return PupilState(f"В базе наставляемых: {entry.get_status_display().lower()}", tone)
    if pupil.nomination_status == Nomination.Status.PENDING:
        return PupilState("Представление ждёт решения куратора", "warning")
    if pupil.nomination_status == Nomination.Status.DECLINED:
        return PupilState("Представление отклонено", "danger", pupil.nomination_decline_reason, True)
    return PupilState("Не в базе наставляемых", "light", may_nominate=True)


def current_pairs_of(pupils: list[Person]) -> dict[int, list[Pair]]:
    """The current pairs and groups of each pupil, with their health; two queries whatever the class."""
    links = list(
        PairMentee.objects.filter(is_current=True, mentee__person__in=[p.pk for p in pupils])
        .order_by("pair")
        .values_list("mentee__person", "pair")
    )
    pairs = {p.pk: p for p in with_signs(Pair.objects.filter(pk__in=[pair for _, pair in links]))}
    found: dict[int, list[Pair]] = defaultdict(list)
    for person, pair in links:
        found[person].append(pairs[pair])
    return found


@allow(Role.TEACHER)
def my_class(request: HttpRequest) -> HttpResponse:
    school = request.organisation
    if school is None or not school.is_school:
        raise PermissionDenied("Страница «Мой класс» — для классного руководителя школы.")
    teacher = homeroom_teacher(request.user, school)
    context = {"section": "my_class", "teacher": teacher, "no_class": NO_CLASS}
    if teacher is not None:
        pupils = list(
            with_last_nomination(class_pupils(teacher))
            .select_related("mentee_entry")
            .order_by("last_name", "first_name", "patronymic", "pk")
        )
        pairs = current_pairs_of(pupils)
        context["rows"] = [(pupil, pupil_state(pupil, pairs[pupil.pk]), pairs[pupil.pk]) for pupil in pupils]
    return render(request, "pairs/my_class.html", context)


urlpatterns = [path("class/", my_class, name="my_class")]
