"""The school's public «Наставничество» page (seed 001): what it shows, read for anyone, and its settings.

It shows only the school's staff roles the page needs (the director, the curators) and the documents the
director published; nothing about a pupil, whatever a row says (see `DocumentQuerySet.published`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .declension import lower_first
from .models import Document, Organisation, Role, User


@dataclass(frozen=True)
class Contact:
    name: str
    position: str
    phone: str
    email: str


def school_by_slug(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.schools(), public_slug=slug)


def page_documents(school: Organisation) -> QuerySet[Document]:
    return Document.objects.for_school(school).published().order_by("-date", "-pk")


@dataclass(frozen=True)
class People:
    curators: list[Contact]
    director: Contact | None
    # The school's phone and e-mail, shown when the school chose them or no curator has contacts to show.
    phone: str
    email: str


def page_people(school: Organisation) -> People:
    """The curators with their position, and the director; the curators' own phone and e-mail only where
    the school chose to show them."""
    users = (
        User.objects.filter(memberships__organisation=school, memberships__role=Role.CURATOR)
        .select_related("person")
        .distinct()
        .order_by("last_name", "first_name", "patronymic")
    )
    own = school.public_contacts == Organisation.PublicContacts.CURATOR
    curators = []
    for user in users:
        person = getattr(user, "person", None)
        curators.append(
            Contact(
                name=str(user),
                position=lower_first(person.position) if person and person.position else "",
                phone=person.phone if own and person else "",
                email=(user.email or (person.email if person else "")) if own else "",
            )
        )
    director = (
        Contact(school.director_name, lower_first(school.director_position), "", "")
        if school.director_name
        else None
    )
    school_contacts = not any(c.phone or c.email for c in curators)
    return People(
        curators=curators,
        director=director,
        phone=school.phone if school_contacts else "",
        email=school.email if school_contacts else "",
    )


def school_page_update(*, school: Organisation, slug: str, contacts: str) -> Organisation:
    school.public_slug, school.public_contacts = slug or None, contacts
    school.save(update_fields=["public_slug", "public_contacts"])
    return school


def department_school_pages(department: Organisation) -> QuerySet[Organisation]:
    return department.schools.order_by("short_name").only("pk", "short_name", "public_slug", "department")
