import importlib

import pytest
from django.apps import apps

from mentoring.models import Organisation, Role, User

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


# The data migrations that fill the reference tables (mentee categories, forms, role models).
REFERENCE_DATA = (
    "mentoring.migrations.0002_reference_mentee_categories",
    "programs.migrations.0002_reference_forms_and_role_models",
    "programs.migrations.0004_role_model_categories",
    "monitoring.migrations.0002_builtin_questionnaires",
)


@pytest.fixture(autouse=True)
def reference_data(request):
    """A transactional test empties every table after it, the migrations' reference data too: put it back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        for module in REFERENCE_DATA:
            importlib.import_module(module).load(apps, None)


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
