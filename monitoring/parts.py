"""The user's open surveys and the mentor's portfolio on the home page; a base entry's intake questionnaire
and a mentor's portfolio on its page."""

from django.http import HttpRequest

from mentoring.access import may_write
from mentoring.documents import REQUESTERS
from mentoring.models import MenteeEntry, MentorEntry, Role
from mentoring.parts import BASE_ENTRY, HOME, PagePart, register

from . import answers
from .documents import PortfolioPeriodForm
from .portfolio import mentor_portfolios
from .responses import my_open_surveys


def open_surveys(request: HttpRequest) -> dict | None:
    surveys = my_open_surveys(request.user)
    return {"my_surveys": surveys} if surveys.waiting or surveys.submitted else None


def intake(request: HttpRequest, entry: MentorEntry | MenteeEntry) -> dict:
    # The answers of a child (or a colleague) go no further than the curator and the psychologist.
    reads_answers = answers.reads_answers_of(request.user, entry.school_id)
    return {
        "reads_answers": reads_answers,
        "intake": answers.intake_answers(entry) if reads_answers else None,
        "intake_title": answers.INTAKE[type(entry)].label,
    }


register(PagePart(HOME, 20, "monitoring/partials/home_surveys.html", open_surveys))
register(PagePart(BASE_ENTRY, 10, "monitoring/partials/intake_card.html", intake))


def mentor_portfolio(request: HttpRequest, entry: MentorEntry | MenteeEntry) -> dict | None:
    """The one-click portfolio for those who order the school's documents."""
    if not isinstance(entry, MentorEntry) or not may_write(request, entry.school_id, REQUESTERS):
        return None
    return {
        "portfolio_form": PortfolioPeriodForm(entry=entry),
        "portfolios": mentor_portfolios(entry),
    }


def own_portfolio(request: HttpRequest) -> dict | None:
    """The mentor's own one-click portfolio, once it has a pair past the proposal."""
    if Role.MENTOR not in request.personal_roles:
        return None
    entry = MentorEntry.objects.filter(person__user=request.user).first()
    form = entry and PortfolioPeriodForm(entry=entry)
    return {"portfolio_form": form} if form and len(form.fields["year"].choices) > 1 else None


register(PagePart(BASE_ENTRY, 20, "monitoring/partials/mentor_portfolio_card.html", mentor_portfolio))
register(PagePart(HOME, 55, "monitoring/partials/home_portfolio.html", own_portfolio))
