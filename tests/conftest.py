import datetime
import time

import pytest
import time_machine
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone

from mentoring.middleware import RENEWED_AT
from mentoring.models import Organisation, Role, User
from mentoring.reference import mentee_categories_sync
from monitoring.builtins import builtins_sync
from programs.reference import mentoring_forms_sync, role_model_categories_sync, role_model_grades_sync

from .factories import MembershipFactory, SchoolFactory, UserFactory


@pytest.fixture
def school(db) -> Organisation:
    return SchoolFactory()


@pytest.fixture
def other_school(db) -> Organisation:
    """A school of another department."""
    return SchoolFactory()


@pytest.fixture
def make_user(db):
    def make(role: str, organisation: Organisation, username: str | None = None) -> User:
        user = UserFactory(**({"username": username} if username else {}))
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def client_as(client, make_user):
    """A test client logged in with the given role in the given organisation."""

    def login(role: str, organisation: Organisation):
        client.force_login(make_user(role, organisation), backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def curator_client(client_as, school):
    return client_as(Role.CURATOR, school)


# The steps the data migrations take to fill the reference tables from fixtures/ (mentee categories, forms,
# role models with the categories and grades they serve, built-in questionnaires).
REFERENCE_DATA = (
    mentee_categories_sync,
    mentoring_forms_sync,
    role_model_categories_sync,
    role_model_grades_sync,
    builtins_sync,
)


@pytest.fixture(autouse=True)
def reference_data(request):
    """A transactional test empties every table after it, the migrations' reference data too: put it back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        for sync in REFERENCE_DATA:
            sync()


@pytest.fixture(autouse=True, scope="session")
def figures_counted_afresh():
    """A test sees the figures of the rows it has just written: the department's schools table is not kept
    (tests/test_department.py keeps it where it tests keeping it). For the whole session, module fixtures
    included: a table kept from the rolled-back demo of one would be another test's."""
    from django.conf import settings

    settings.DEPARTMENT_FIGURES_SECONDS = 0


@pytest.fixture(autouse=True, scope="session")
def renewed_at_sign_in():
    """A real sign-in passes through IdleSessionMiddleware, which notes the session's renewal; force_login
    does not. It notes it the same way, so that a test's requests cost what a signed-in user's do."""

    def note_renewal(sender, request, user, **kwargs) -> None:
        request.session[RENEWED_AT] = int(time.time())

    user_logged_in.connect(note_renewal)
    yield
    user_logged_in.disconnect(note_renewal)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Files the tests store (documents, consent scans) go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def renders_in_the_request():
    """Without a worker a test renders its documents in the asking request; tests/celery_worker.py switches
    this off when it starts a real one. Its own MonkeyPatch, so that a test's monkeypatch.undo() keeps it."""
    from mentoring.celery import app

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.conf, "task_always_eager", True)
        yield


@pytest.fixture(autouse=True)
def on_the_day_the_module_was_read(request):
    """Modules that fix `TODAY` when they are read keep it for the whole run. A test that runs after
    midnight in the product's time zone (21:00 UTC) is put back on that day at the same hour, so that
    «today» in the test and in the request agree."""
    today = getattr(request.module, "TODAY", None)
    days = (timezone.localdate() - today).days if isinstance(today, datetime.date) else 0
    if not days:
        yield
        return
    with time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=True):
        yield
