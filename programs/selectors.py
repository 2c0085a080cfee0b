"""Reads of the programmes app that pages and documents share."""

from django.db.models import Q, QuerySet

from mentoring.declension import lower_first
from mentoring.models import Organisation, Role, User
from mentoring.public_page import Contact

from .models import Programme


def curators_of(school: Organisation, current: User | None = None) -> QuerySet[User]:
    """The school's curators, and the programme's own curator if that role was since taken away."""
    chosen = Q(memberships__organisation=school, memberships__role=Role.CURATOR)
    if current is not None:
        chosen |= Q(pk=current.pk)
    return User.objects.filter(chosen).distinct().order_by("last_name", "first_name", "patronymic")


def curator_contact(programme: Programme) -> Contact | None:
    """The programme's curator as its mentors and mentees reach it: the phone and e-mail the school keeps for
    it."""
    curator = programme.curator
    if curator is None:
        return None
    person = getattr(curator, "person", None)
    return Contact(
        name=str(curator),
        position=lower_first(person.position) if person and person.position else "",
        phone=person.phone if person else "",
        email=curator.email or (person.email if person else ""),
    )
