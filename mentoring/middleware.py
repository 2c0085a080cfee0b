from django.http import HttpRequest, HttpResponse

from .models import Membership, Organisation

SESSION_KEY = "organisation_id"


class CurrentOrganisationMiddleware:
    """Puts on the request the organisation the user works in now, and its roles there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None
        request.roles = frozenset()
        if request.user.is_authenticated:
            memberships = list(Membership.objects.filter(user=request.user).select_related("organisation"))
            organisations = {m.organisation_id: m.organisation for m in memberships}
            chosen = request.session.get(SESSION_KEY)
            if chosen not in organisations and memberships:
                chosen = memberships[0].organisation_id
            if chosen is not None:
                request.organisation: Organisation = organisations[chosen]
                request.roles = frozenset(m.role for m in memberships if m.organisation_id == chosen)
            request.organisations = sorted(organisations.values(), key=lambda o: o.short_name)
        return self.get_response(request)
