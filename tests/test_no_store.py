"""Pages with personal data are not kept by the browser of a school's shared computer: `no-store`."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from mentoring.models import Role

from .factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_persons_card_is_sent_with_no_store(client_as, school):
    person = PersonFactory(school=school)

    response = client_as(Role.CURATOR, school).get(f"/people/{person.pk}/")

    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_list_and_its_export_are_sent_with_no_store(client_as, school):
    PersonFactory(school=school)
    client = client_as(Role.CURATOR, school)

    assert no_store(client.get("/mentees/"))
    assert no_store(client.get("/people/?format=xlsx"))


def test_a_consent_scan_is_sent_with_no_store(client_as, school):
    consent = ConsentFactory(person=PersonFactory(school=school))
    consent.scan.save("soglasie.pdf", ContentFile(b"%PDF-1.4 scan"))

    response = client_as(Role.CURATOR, school).get(f"/consents/{consent.pk}/scan/")

    assert response.status_code == 200
    assert no_store(response)


def test_a_refusal_and_the_login_page_are_sent_with_no_store_too(client_as, client, school):
    assert no_store(client.get("/accounts/login/"))
    assert no_store(client_as(Role.MENTEE, school).get("/people/"))


def test_static_files_stay_cacheable(settings):
    settings.WHITENOISE_USE_FINDERS = True

    response = Client().get("/static/css/app.css")

    assert response.status_code == 200
    assert not no_store(response)
