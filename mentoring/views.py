from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .middleware import SESSION_KEY
from .models import BASE_READERS, Consent, MenteeEntry, MentorEntry, Organisation, Person, Role


def home(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    context = {"section": "home", "roles": roles, "role_labels": [Role(r).label for r in sorted(roles)]}
    organisation = request.organisation
    if organisation is not None and organisation.is_school and roles & BASE_READERS:
        context["bases"] = school_bases_summary(organisation)
    if Role.COORDINATOR in roles:
        context["schools"] = department_schools_summary(organisation)
    return render(request, "mentoring/home.html", context)


def consent_in_force():
    return Exists(Consent.objects.filter(person=OuterRef("person"), revoked_at__isnull=True))


def school_bases_summary(school: Organisation) -> dict:
    mentees = MenteeEntry.objects.for_school(school).active()
    return {
        "people": Person.objects.for_school(school).active().count(),
        "mentors": MentorEntry.objects.for_school(school).active().count(),
        **mentees.aggregate(
            mentees=Count("pk"),
            mentees_without_consent=Count("pk", filter=~Q(consent_in_force())),
            mentees_waiting=Count("pk", filter=Q(status=MenteeEntry.Status.WAITING)),
        ),
    }


def department_schools_summary(department: Organisation) -> list[Organisation]:
    schools = list(Organisation.objects.schools().filter(department=department).order_by("short_name"))

    def per_school(entries) -> dict[int, int]:
        rows = entries.filter(school__in=schools).active().values_list("school").annotate(n=Count("pk"))
        return dict(rows.order_by())

    mentors = per_school(MentorEntry.objects)
    mentees = per_school(MenteeEntry.objects)
    without_consent = per_school(MenteeEntry.objects.exclude(consent_in_force()))
    for school in schools:
        school.mentors = mentors.get(school.pk, 0)
        school.mentees = mentees.get(school.pk, 0)
        school.mentees_without_consent = without_consent.get(school.pk, 0)
    return schools


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    chosen = {str(o.pk): o for o in request.organisations}.get(request.POST.get("organisation", ""))
    if chosen is None:
        messages.error(request, "Вы не работаете в этой организации.")
    else:
        request.session[SESSION_KEY] = chosen.pk
        messages.success(request, f"Вы работаете в организации «{chosen.short_name}».")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "home"
    return redirect(target)
