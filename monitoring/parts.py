"""The user's open surveys on the home page; a base entry's intake questionnaire on its page."""

from django.http import HttpRequest

from mentoring.models import MenteeEntry, MentorEntry
from mentoring.parts import BASE_ENTRY, HOME, PagePart, register

from . import answers
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
