"""Who may do what: the one access policy of the product.

A user acts in one organisation at a time, the current one (the switcher in the top bar changes it), with
the roles it holds there. Two rules follow, the same on every page:
- an object outside the organisations the user acts in does not exist for it: a 404, never a page that
  confirms it exists;
- a page of the user's own organisation that its role may not use is a 403 with a Russian sentence.

Querysets and pages count the same memberships: `Membership.objects.counting_for(user)` is the one place
that says which. In a request they are the current organisation's (`act_in` binds the user to it);
outside a request (a task, the shell) a user acts in every organisation it belongs to. What belongs to a
person (its own pairs, its answers, its certificates) follows the person into every organisation and is
scoped by the person.

Every view declares who may use it with `@allow(...)`, `@allow_any_user` or `@public`; `AccessMiddleware`
refuses a view that declares nothing (fail closed), and a page without an object for a role that its
declaration leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import (
    BASE_READERS,
    BASE_WRITERS,
    SENSITIVE_READERS,
    Membership,
    MenteeCategory,
    Organisation,
    Role,
)

SESSION_KEY = "organisation_id"
ANY_USER = "any_user"
# Roles that belong to the person rather than to the organisation it acts in: a mentor reaches its pairs
# whatever school it has chosen in the switcher.
PERSONAL_ROLES = frozenset({Role.MENTOR, Role.MENTEE})
NO_ACCESS = "У вас нет доступа к этой странице в организации, в которой вы работаете сейчас."


def act_in(request: HttpRequest) -> None:
    """Puts on the request the organisation the user works in now and its roles there, and binds the user
    to it, so that every queryset scoped by this user counts the same memberships as the page."""
    request.organisation, request.roles, request.organisations = None, frozenset(), []
    request.memberships, request.personal_roles = [], frozenset()
    if not request.user.is_authenticated:
        return
    memberships = list(Membership.objects.filter(user=request.user).select_related("organisation"))
    organisations = {m.organisation_id: m.organisation for m in memberships}
    chosen = request.session.get(SESSION_KEY)
    if chosen not in organisations and memberships:
        chosen = memberships[0].organisation_id
    if chosen is not None:
        request.organisation = organisations[chosen]
        request.memberships = [m for m in memberships if m.organisation_id == chosen]
        request.roles = frozenset(m.role for m in request.memberships)
        request.user.acting_in = chosen
    request.personal_roles = frozenset(m.role for m in memberships) & PERSONAL_ROLES
    request.organisations = sorted(organisations.values(), key=lambda o: o.short_name)


# Declarations -------------------------------------------------------------------------------------------


def allow(*roles: str | Collection[str]) -> Callable:
    """The roles that may use a view (in the current organisation; personal roles anywhere)."""
    allowed = frozenset(r for item in roles for r in ((item,) if isinstance(item, str) else item))

    def declare(view: Callable) -> Callable:
        view.allowed_roles = allowed
        return view

    return declare


allow_any_user = allow(ANY_USER)


def public(view: Callable) -> Callable:
    """A page without login: a personal link whose token is the key, or the login page itself."""
    view.allowed_roles = frozenset({ANY_USER})
    return login_not_required(view)


def declared_roles(view: Callable) -> frozenset[str] | None:
    if getattr(view, "view_class", None) is not None or view.__module__.startswith("django."):
        return frozenset({ANY_USER})  # Django's own views (login, password change, admin) guard themselves
    return getattr(view, "allowed_roles", None)


def names_an_object(kwargs: dict) -> bool:
    """Whether a URL names an object (`pk`, `school_pk`, a token) rather than a kind of page (`kind`)."""
    return any(name.endswith("pk") or name == "token" for name in kwargs)


class AccessMiddleware:
    """Puts the current organisation on the request, then lets a view run only as it declared."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        act_in(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> None:
        allowed = declared_roles(view)
        if allowed is None:
            raise PermissionDenied("Страница не указала, кому она доступна.")
        if ANY_USER in allowed or allowed & (request.roles | request.personal_roles):
            return
        # A page about an object first fetches it through its scoped queryset: what the user may not see,
        # another organisation's object above all, is then a 404, which a 403 here would contradict.
        if not names_an_object(kwargs):
            raise PermissionDenied(NO_ACCESS)


# The organisation a page works in ------------------------------------------------------------------------


def in_organisation(
    request: HttpRequest, rows: QuerySet, field: str = "school", *, with_schools: bool = True, **lookup
) -> Model:
    """The object, if it belongs to the organisation the user acts in (for a department: to the department
    or, `with_schools`, one of its schools). Another organisation's object is a 404 whatever the role, so
    the page's role check that follows can only ever refuse what is the user's own organisation's."""
    organisation = request.organisation
    if organisation is None:
        return get_object_or_404(rows.none(), **lookup)
    here = Q(**{field: organisation})
    if with_schools:
        here |= Q(**{f"{field}__department": organisation})
    return get_object_or_404(rows.filter(here), **lookup)


def reading_organisation(request: HttpRequest, roles: Collection[str] = BASE_READERS) -> Organisation:
    """The organisation whose data the user reads now: its school, or the department it coordinates."""
    organisation = request.organisation
    if organisation is not None and (
        (organisation.is_school and request.roles & roles)
        or (not organisation.is_school and Role.COORDINATOR in request.roles)
    ):
        return organisation
    raise PermissionDenied("У вас нет доступа к участникам и базам наставничества в этой организации.")


def reading_school(request: HttpRequest, roles: Collection[str] = BASE_READERS) -> Organisation:
    """The current school, for a page a department has no part in."""
    organisation = request.organisation
    if organisation is None or not organisation.is_school or not request.roles & roles:
        raise PermissionDenied("Эту страницу видят куратор, директор и педагог-психолог школы.")
    return organisation


def writing_school(request: HttpRequest, roles: Collection[str] = BASE_WRITERS) -> Organisation:
    """The school new rows go to: always the current one, never a school named by the form."""
    organisation = request.organisation
    if organisation is None or not organisation.is_school or not request.roles & roles:
        raise PermissionDenied("В этой организации вы не можете вносить изменения.")
    return organisation


def sees_sensitive(request: HttpRequest) -> bool:
    return bool(request.roles & SENSITIVE_READERS)


def shown_categories(roles: Collection[str]) -> QuerySet[MenteeCategory]:
    """The mentee categories a page may show to these roles: the special ones (a preventive register,
    health) only to the school's director and curator."""
    categories = MenteeCategory.objects.all()
    return categories if SENSITIVE_READERS & set(roles) else categories.filter(sensitive=False)


NO_NAMED_LISTS = (
    "Муниципальный координатор видит по школам только числа: поимённые списки и карточки участников ему не "
    "открыты. Их открывает администратор системы по решению руководителя управления образования."
)


def names_people(request: HttpRequest) -> bool:
    """Whether a page may name the people of the schools (least privilege, 152-ФЗ): always in a school; in a
    department only if the department let its coordinator see named lists."""
    organisation = request.organisation
    return organisation is not None and (organisation.is_school or organisation.named_lists_for_coordinator)


def refuse_unnamed(request: HttpRequest) -> None:
    if not names_people(request):
        raise PermissionDenied(NO_NAMED_LISTS)


def coordinated_department(request: HttpRequest) -> Organisation:
    """The department the user coordinates now."""
    organisation = request.organisation
    if organisation is None or organisation.is_school or Role.COORDINATOR not in request.roles:
        raise PermissionDenied("Эта страница — для муниципального координатора управления образования.")
    return organisation


def may_write(request: HttpRequest, school_id: int, roles: Collection[str] = BASE_WRITERS) -> bool:
    organisation = request.organisation
    return organisation is not None and organisation.pk == school_id and bool(request.roles & roles)
