"""Schools, roles and invitations: the coordinator adds a school and invites its director, the director and
the curator give and take roles in the school («Сотрудники и доступ»), the invited accept by the link."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import accounts, lockout
from .access import SESSION_KEY, allow, coordinated_department, in_organisation, public
from .account_forms import (
    AccountForm,
    DirectorInviteForm,
    MailNotSent,
    ParticipantAccountForm,
    PasswordResetByMailForm,
    SchoolForm,
    StaffInviteForm,
)
from .models import Membership, Person, Role, RoleInvitation, User

STAFF_SECTION = "staff"
INVALID_TEMPLATE = "mentoring/accounts/invitation_invalid.html"
MAIL_NOT_SENT = (
    "Письмо со ссылкой сейчас отправить не удалось: почтовый сервер не отвечает или не принял письмо. "
    "Попробуйте ещё раз через несколько минут или попросите куратора своей школы помочь со входом: он может "
    "выдать новый код для входа."
)
logger = logging.getLogger(__name__)


def sent(request: HttpRequest, invitation: RoleInvitation) -> None:
    messages.success(request, f"Приглашение отправлено на адрес {invitation.email}.")


# The coordinator ------------------------------------------------------------------------------------------


@allow(Role.COORDINATOR)
def school_create(request: HttpRequest) -> HttpResponse:
    department = coordinated_department(request)
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = accounts.school_create(
                department=department,
                school_data=form.school_data(),
                director_email=form.cleaned_data["director_email"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Школа «{invitation.organisation.short_name}» добавлена.")
            sent(request, invitation)
            return redirect("department_schools")
    return render(
        request, "mentoring/accounts/school_form.html", {"section": "department_schools", "form": form}
    )


@allow(Role.COORDINATOR)
def director_invite(request: HttpRequest) -> HttpResponse:
    department = coordinated_department(request)
    form = DirectorInviteForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = accounts.invitation_send(
                organisation=form.cleaned_data["school"],
                role=Role.DIRECTOR,
                email=form.cleaned_data["email"],
                by=request.user,
                giver_roles=request.roles,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sent(request, invitation)
            return redirect("department_schools")
    return render(
        request, "mentoring/accounts/director_invite.html", {"section": "department_schools", "form": form}
    )


# The school's director and curator ------------------------------------------------------------------------


def staff_managed_school(request: HttpRequest):
    organisation = request.organisation
    if organisation is None or not organisation.is_school or not request.roles & accounts.STAFF_MANAGERS:
        raise PermissionDenied("Сотрудников и доступ в школе ведут директор и куратор.")
    return organisation


@allow(accounts.STAFF_MANAGERS)
def staff(request: HttpRequest) -> HttpResponse:
    school = staff_managed_school(request)
    staff_roles = accounts.roles_given_by(request.roles) & accounts.STAFF_ROLES
    form = StaffInviteForm(request.POST or None, roles=staff_roles) if staff_roles else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Сотрудников в школу приглашает директор.")
        if form.is_valid():
            try:
                invitation = accounts.invitation_send(
                    organisation=school, by=request.user, giver_roles=request.roles, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                sent(request, invitation)
                return redirect("staff")
    context = {
        "section": STAFF_SECTION,
        "school": school,
        "rows": accounts.staff_of(school),
        "invitations": accounts.invitations_waiting(school),
        "removable": accounts.roles_given_by(request.roles),
        "form": form,
    }
    return render(request, "mentoring/accounts/staff.html", context)


@allow(accounts.STAFF_MANAGERS)
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = in_organisation(
        request, Membership.objects.select_related("user"), "organisation", with_schools=False, pk=pk
    )
    staff_managed_school(request)
    try:
        accounts.membership_remove(membership=membership, giver_roles=request.roles)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Роль «{membership.get_role_display()}» снята: {membership.user}.")
    return redirect("staff")


@allow(accounts.STAFF_MANAGERS)
@require_POST
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = in_organisation(
        request, User.objects.distinct(), "memberships__organisation", with_schools=False, pk=pk
    )
    staff_managed_school(request)
    if lockout.account_unlock(user=user, by=request.user):
        messages.success(request, f"Вход разблокирован: {user}. Пароль прежний.")
    else:
        messages.info(request, f"Вход не заблокирован: {user}.")
    return redirect("staff")


@allow(accounts.STAFF_MANAGERS)
@require_POST
def person_account(request: HttpRequest, pk: int) -> HttpResponse:
    person = in_organisation(request, Person.objects.select_related("school"), with_schools=False, pk=pk)
    staff_managed_school(request)
    form = ParticipantAccountForm(request.POST, roles=accounts.roles_given_by(request.roles))
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["role"])
        invitation = accounts.participant_account_give(
            person=person, role=form.cleaned_data["role"], by=request.user, giver_roles=request.roles
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if invitation is None:
            messages.success(request, "Роль выдана: у участника уже есть учётная запись.")
        else:
            sent(request, invitation)
    return redirect("person_detail", pk=person.pk)


# Password reset -------------------------------------------------------------------------------------------


class PasswordResetByMailView(auth_views.PasswordResetView):
    """Says so when the letter did not go, in words that tell nothing of whether the address has an account:
    the connection to the mail server is opened for every address (PasswordResetByMailForm.save)."""

    form_class = PasswordResetByMailForm

    def form_valid(self, form: PasswordResetByMailForm) -> HttpResponse:
        try:
            return super().form_valid(form)
        except MailNotSent:
            logger.exception("The password reset letter was not sent")
            form.add_error(None, MAIL_NOT_SENT)
            return self.form_invalid(form)


# The invited ----------------------------------------------------------------------------------------------


@public
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = accounts.invitation_by_token(token)
    except ValidationError as error:
        return render(request, INVALID_TEMPLATE, {"reason": error.messages[0]}, status=410)
    role = invitation.get_role_display().lower()
    signed_in = request.user.is_authenticated
    form = None if signed_in else AccountForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if signed_in:
                accounts.invitation_accept(invitation=invitation, user=request.user)
            else:
                user = accounts.account_create(
                    invitation=invitation,
                    account_data=form.account_data(),
                    password=form.cleaned_data["password1"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as error:
            if form is None:
                return render(request, INVALID_TEMPLATE, {"reason": error.messages[0]}, status=410)
            form.add_error(None, error)
        else:
            request.session[SESSION_KEY] = invitation.organisation_id
            school = invitation.organisation.short_name
            messages.success(request, f"Приглашение принято: {role}, {school}.")
            return redirect("home")
    context = {"invitation": invitation, "form": form, "role": role}
    return render(request, "mentoring/accounts/invitation_accept.html", context)


urlpatterns = [
    path("department/schools/new/", school_create, name="school_create"),
    path("department/directors/invite/", director_invite, name="director_invite"),
    path("staff/", staff, name="staff"),
    path("staff/<int:pk>/remove/", membership_remove, name="membership_remove"),
    path("staff/accounts/<int:pk>/unlock/", account_unlock, name="account_unlock"),
    path("people/<int:pk>/account/", person_account, name="person_account"),
    path("invitation/<str:token>/", invitation_accept, name="invitation_accept"),
]
