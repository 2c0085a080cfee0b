"""Reads of the programmes app that pages and documents share."""

from django.db.models import Q, QuerySet

from mentoring.models import Organisation, Role, User


def curators_of(school: Organisation, current: User | None = None) -> QuerySet[User]:
    """The school's curators, and the programme's own curator if that role was since taken away."""
    chosen = Q(memberships__organisation=school, memberships__role=Role.CURATOR)
    if current is not None:
        chosen |= Q(pk=current.pk)
    return User.objects.filter(chosen).distinct().order_by("last_name", "first_name", "patronymic")
