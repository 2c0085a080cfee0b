import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mentoring import services
from mentoring.models import Consent, MenteeEntry, Person, Role
from pairs.models import Pair

from .factories import ConsentFactory, MenteeEntryFactory, PairFactory, PersonFactory, TeacherFactory

BY_MOTHER = {
    "given_by": "representative",
    "representative_name": "Иванова Мария Петровна",
    "representative_relation": "мать",
    "date": "2026-09-01",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pupil(school) -> Person:
    return PersonFactory(school=school, birth_date=datetime.date(2012, 5, 17))


def pdf(name: str = "soglasie.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4" + b"0" * size, content_type="application/pdf")


def test_it_records_a_parents_consent_with_a_scan(curator_client, pupil):
    response = curator_client.post(
        f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": pdf()}, follow=True
    )

    consent = Consent.objects.get()
    assert (consent.person, consent.school, consent.date) == (pupil, pupil.school, datetime.date(2026, 9, 1))
    assert consent.scan.name.endswith(".pdf")
    assert "Согласие на обработку персональных данных внесено." in response.text
    assert "Согласие от 01.09.2026" in response.text


def test_it_does_not_let_a_minor_give_its_own_consent(curator_client, pupil):
    response = curator_client.post(
        f"/people/{pupil.pk}/consents/new/", {"given_by": "self", "date": "2026-09-01"}
    )

    assert "Несовершеннолетний не может сам дать согласие" in response.text
    assert not Consent.objects.exists()


def test_it_lets_an_adult_give_its_own_consent(curator_client, school):
    teacher = TeacherFactory(school=school)

    curator_client.post(f"/people/{teacher.pk}/consents/new/", {"given_by": "self", "date": "2026-09-01"})

    consent = Consent.objects.get()
    assert (consent.given_by, consent.representative_name) == ("self", "")


def test_it_offers_the_adult_its_own_consent_and_the_minor_a_parents_one(curator_client, school, pupil):
    teacher = TeacherFactory(school=school)

    assert curator_client.get(f"/people/{pupil.pk}/consents/new/").context["form"]["given_by"].value() == (
        "representative"
    )
    assert (
        curator_client.get(f"/people/{teacher.pk}/consents/new/").context["form"]["given_by"].value()
        == "self"
    )


def test_it_needs_the_representatives_name(curator_client, pupil):
    response = curator_client.post(
        f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"representative_name": "  "}
    )

    assert "Укажите ФИО родителя (законного представителя)." in response.text
    assert 'value="мать"' in response.text
    assert not Consent.objects.exists()


def test_it_refuses_a_consent_dated_in_the_future(curator_client, pupil):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = curator_client.post(
        f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"date": tomorrow.isoformat()}
    )

    assert "Дата согласия не может быть в будущем." in response.text
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("soglasie.docx", b"PK..."), "в формате PDF, JPG или PNG"),
        (SimpleUploadedFile("soglasie.exe", b"MZ"), "в формате PDF, JPG или PNG"),
        (pdf(size=10 * 1024 * 1024 + 1), "больше 10 МБ"),
    ],
)
def test_it_refuses_a_scan_of_the_wrong_kind_or_size(curator_client, pupil, upload, message):
    response = curator_client.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": upload})

    assert message in response.text
    assert not Consent.objects.exists()


def test_it_accepts_a_photographed_consent(curator_client, pupil):
    photo = SimpleUploadedFile("SOGLASIE.JPG", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")

    curator_client.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": photo})

    assert Consent.objects.get().scan.name.endswith(".JPG")


def test_it_refuses_a_second_consent_in_force_in_russian(curator_client, pupil):
    ConsentFactory(person=pupil)

    response = curator_client.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER)

    assert response.status_code == 200
    assert "уже есть действующее согласие" in response.text
    assert Consent.objects.count() == 1


def test_the_service_turns_the_constraint_into_a_russian_error(pupil):
    from django.core.exceptions import ValidationError

    ConsentFactory(person=pupil)
    data = {
        "given_by": "representative",
        "representative_name": "Иванов И. И.",
        "date": datetime.date(2026, 9, 1),
    }

    with pytest.raises(ValidationError, match="уже есть действующее согласие"):
        services.consent_create(person=pupil, consent_data=data)


def test_it_revokes_a_consent_with_a_note_dated_today(curator_client, pupil):
    consent = ConsentFactory(person=pupil)

    response = curator_client.post(
        f"/consents/{consent.pk}/revoke/", {"note": "Заявление матери от 05.10.2026"}, follow=True
    )

    consent.refresh_from_db()
    today = timezone.localdate()
    assert (consent.revoked_at, consent.revocation_note) == (today, "Заявление матери от 05.10.2026")
    assert f"Согласие отозвано {today:%d.%m.%Y}" in response.text
    assert "Нет согласия" in response.text


def test_it_needs_a_note_to_revoke(curator_client, pupil):
    consent = ConsentFactory(person=pupil)

    response = curator_client.post(f"/consents/{consent.pk}/revoke/", {"note": ""})

    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert "Укажите основание отзыва согласия." in response.text


def test_it_does_not_revoke_twice(curator_client, pupil):
    consent = ConsentFactory(person=pupil, revoked_at=datetime.date(2026, 10, 1), revocation_note="Заявление")

    response = curator_client.post(f"/consents/{consent.pk}/revoke/", {"note": "Ещё раз"}, follow=True)

    consent.refresh_from_db()
    assert (consent.revoked_at, consent.revocation_note) == (datetime.date(2026, 10, 1), "Заявление")
    assert "Согласие уже отозвано 01.10.2026." in response.text


def test_it_takes_a_new_consent_after_the_old_one_was_revoked(curator_client, pupil):
    ConsentFactory(person=pupil, revoked_at=datetime.date(2026, 10, 1))

    curator_client.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER)

    assert Consent.objects.in_force().get().person == pupil


def test_it_counts_a_revoked_consent_as_missing_in_the_mentee_base(curator_client, school, pupil):
    from .factories import MenteeEntryFactory

    entry = MenteeEntryFactory(person=pupil)
    ConsentFactory(person=pupil, revoked_at=datetime.date(2026, 10, 1))

    response = curator_client.get("/mentees/", {"consent": "missing"})

    assert list(response.context["page_obj"]) == [entry]


def test_it_serves_the_scan_as_an_attachment_to_the_schools_director(client_as, school, pupil):
    curator = client_as(Role.CURATOR, school)
    curator.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER | {"scan": pdf()})
    consent = Consent.objects.get()

    response = client_as(Role.DIRECTOR, school).get(f"/consents/{consent.pk}/scan/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_it_answers_404_for_a_consent_without_a_scan(curator_client, pupil):
    consent = ConsentFactory(person=pupil)

    assert curator_client.get(f"/consents/{consent.pk}/scan/").status_code == 404


def test_it_records_the_consent_and_its_revocation_in_the_persons_history(curator_client, pupil):
    curator_client.post(f"/people/{pupil.pk}/consents/new/", BY_MOTHER)
    consent = Consent.objects.get()
    curator_client.post(f"/consents/{consent.pk}/revoke/", {"note": "Заявление"})

    history = curator_client.get(f"/people/{pupil.pk}/").context["history"]

    revocation, creation = history[0], history[1]
    assert (revocation.action, creation.action) == ("изменение", "создание")
    assert revocation.actor == creation.actor == "Иванова Анна"
    assert {c.field: c.new for c in revocation.changes}["Основание отзыва"] == "Заявление"


def revoke(client, person: Person):
    consent = ConsentFactory(person=person, school=person.school)
    return client.post(f"/consents/{consent.pk}/revoke/", {"note": "Заявление от 20.11.2026"}, follow=True)


def test_a_revoked_consent_ends_the_pair_of_its_mentee(curator_client, school):
    pair = PairFactory(programme__school=school)
    entry = pair.members.get().mentee

    response = revoke(curator_client, entry.person)

    pair.refresh_from_db()
    entry.refresh_from_db()
    assert pair.status == Pair.Status.TERMINATED
    assert pair.termination_reason == "Отозвано согласие на обработку персональных данных."
    assert pair.status_changes.get(to_status=Pair.Status.TERMINATED).changed_by is not None
    assert entry.status == MenteeEntry.Status.LEFT
    assert "Участник вышел из наставнических пар и групп: 1." in response.content.decode()


def test_a_group_goes_on_without_the_mentee_whose_consent_is_revoked(curator_client, school):
    leaving, staying = (MenteeEntryFactory(person__school=school, school=school) for _ in range(2))
    pair = PairFactory(programme__school=school, mentees=[leaving, staying])

    revoke(curator_client, leaving.person)

    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE
    assert list(pair.members.filter(is_current=True).values_list("mentee", flat=True)) == [staying.pk]
    assert "выходит из группы" in pair.status_changes.last().note


def test_a_revoked_consent_of_a_mentor_ends_its_pairs(curator_client, school):
    pair = PairFactory(programme__school=school)

    revoke(curator_client, pair.mentor.person)

    pair.refresh_from_db()
    assert pair.status == Pair.Status.TERMINATED
    assert pair.members.get().mentee.status == MenteeEntry.Status.WAITING
