"""The mentor's and the mentee's pairs on the home page, whatever organisation the user works in now:
the pairs are the person's, not the school's."""

from django.http import HttpRequest

from mentoring.parts import HOME, PagePart, register

from .meetings import mentee_overview, mentor_overview


def mentored(request: HttpRequest) -> dict | None:
    overview = mentor_overview(request.user)
    return {"mentor": overview} if overview else None


def mentored_as_mentee(request: HttpRequest) -> dict | None:
    pairs = mentee_overview(request.user)
    return {"mentee_pairs": pairs} if pairs else None


register(PagePart(HOME, 50, "pairs/partials/home_mentor.html", mentored))
register(PagePart(HOME, 60, "pairs/partials/home_mentee.html", mentored_as_mentee))
