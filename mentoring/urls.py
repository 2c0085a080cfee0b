from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import views
from .account_forms import LoginForm
from .account_views import PasswordResetByMailView

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(authentication_form=LoginForm)),
        name="login",
    ),
    path("", include("mentoring.login_code_views")),  # code_login, code_password
    path("accounts/password_reset/", PasswordResetByMailView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # Schools, roles and invitations
    path("", include("mentoring.account_views")),  # school_create, director_invite, staff, …
    path("", include("mentoring.school_settings_views")),  # mentor_terms
    # People and the two bases
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/archive/", views.person_archive, name="person_archive"),
    path("people/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent_scan"),
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/new/", views.mentor_create, name="mentor_create"),
    path("mentors/new/people/", views.mentor_people, name="mentor_people"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor_detail"),
    path("mentors/<int:pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("mentors/<int:pk>/archive/", views.mentor_archive, name="mentor_archive"),
    path("mentees/", views.mentee_list, name="mentee_list"),
    path("mentees/new/", views.mentee_create, name="mentee_create"),
    path("mentees/new/people/", views.mentee_people, name="mentee_people"),
    path("mentees/<int:pk>/", views.mentee_detail, name="mentee_detail"),
    path("mentees/<int:pk>/edit/", views.mentee_edit, name="mentee_edit"),
    path("mentees/<int:pk>/archive/", views.mentee_archive, name="mentee_archive"),
    path("", include("mentoring.year_views")),  # year_closing, year_closing_detail, year_closing_revert
    # Depersonalisation after revocation or leaving, the subject's request
    path("", include("mentoring.depersonalisation_views")),  # depersonalisation, person_subject_data
    # Class teachers' nominations for the mentee base and the curator's queue of them
    path("", include("mentoring.nomination_views")),  # person_nominate, nomination_*
    # Import and export
    path("", include("mentoring.import_views")),  # import_upload, import_job, import_job_confirm
    # Programmes; matching, pairs and groups, plans, meetings
    path("", include("programs.urls")),
    path("", include("pairs.urls")),
    # Questionnaires, surveys and monitoring
    path("", include("monitoring.urls")),
    # Roadmaps, target indicators, the department's view of its schools
    path("", include("roadmap.urls")),
    # Orders, reports and certificates
    path("", include("mentoring.document_views")),
    # Who viewed, exported or downloaded whose personal data
    path("", include("mentoring.access_log_views")),  # access_log
    # «Требует внимания», e-mail preferences, unsubscribe
    path("", include("mentoring.notification_views")),
    # The school's public «Наставничество» page
    path("", include("mentoring.public_views")),
]
