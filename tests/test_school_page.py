"""The school's public «Наставничество» page (seed 001): opened without login at the address the school
keeps; it lists only what the director published — ready documents of the kinds that name no pupil — and
serves their PDFs only from there; the director alone publishes and unpublishes."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Document, Organisation, Role
from pairs.documents import CERTIFICATE, ORDER_PAIRS, PAIR_REPORT
from programs.documents import ORDER_APPROVAL, ORDER_INTRODUCTION
from programs.models import Programme
from roadmap.documents import ROADMAP

from .factories import (
    MembershipFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

DAY = datetime.date(2026, 9, 1)
PDF = b"%PDF-1.7\n% a test file\n"


@pytest.fixture
def school(db) -> Organisation:
    return SchoolFactory(public_slug="sosh-1", phone="+7 (812) 241-32-12", email="sc690@mail.ru")


def page_url(school: Organisation) -> str:
    return reverse("school_page", args=[school.public_slug])


def file_url(school: Organisation, document: Document) -> str:
    return reverse("document_public_file", args=[school.public_slug, document.pk])


def make_document(
    school: Organisation,
    kind: str = ORDER_INTRODUCTION,
    *,
    published: bool = True,
    ready: bool = True,
    **extra,
) -> Document:
    document = Document(
        school=school,
        kind=kind,
        year=DAY.year,
        date=DAY,
        title=extra.pop("title", "О внедрении целевой модели наставничества и назначении куратора"),
        status=Document.Status.QUEUED,
        published_at=timezone.now() if published else None,
        requested_by=UserFactory(),
        **extra,
    )
    document.save()
    if ready:
        document.status = Document.Status.READY
        document.file.save(f"{document.pk}.pdf", ContentFile(PDF))
    return document


def test_an_anonymous_visitor_opens_the_page_with_the_curator_the_director_and_the_contacts(client, school):
    curator = UserFactory(last_name="Олексюк", first_name="Юлия", patronymic="Владимировна")
    TeacherFactory(school=school, user=curator, position="Заместитель директора по УВР")
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)

    response = client.get(page_url(school))

    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Наставничество</h1>" in text
    assert (
        "Олексюк Юлия Владимировна</strong> — куратор целевой модели наставничества, "
        "заместитель директора по УВР" in text
    )
    assert "Смирнов Андрей Викторович</strong> — директор" in text
    assert 'href="tel:+78122413212"' in text and "sc690@mail.ru" in text
    assert "Школа пока не опубликовала документы о наставничестве." in text


def test_the_school_may_show_its_curators_own_contacts_instead(client, school):
    school.public_contacts = Organisation.PublicContacts.CURATOR
    school.save()
    curator = UserFactory(email="oleksyuk@school.example.ru")
    TeacherFactory(school=school, user=curator, phone="+7 (812) 241-00-01")
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)

    text = client.get(page_url(school)).content.decode()

    assert "oleksyuk@school.example.ru" in text and "+7 (812) 241-00-01" in text
    assert "sc690@mail.ru" not in text and "Контакты школы" not in text


def test_an_unknown_address_is_a_404_and_a_school_without_an_address_has_no_page(client, school):
    SchoolFactory(public_slug=None)

    assert client.get(reverse("school_page", args=["nope"])).status_code == 404


def test_only_published_ready_publishable_documents_are_listed_and_downloadable(client, school):
    shown = make_document(school, number="3-о", sequence=3)
    hidden = {
        "unpublished": make_document(school, ROADMAP, published=False, title="Дорожная карта 2026/2027"),
        "not ready": make_document(school, ORDER_APPROVAL, ready=False, title="Об утверждении положения"),
        # Rows that say published although they name a pupil: never shown, never served.
        "certificate": make_document(
            school, CERTIFICATE, person=PersonFactory(school=school), title="Сертификат"
        ),
        "pairs order": make_document(school, ORDER_PAIRS, title="О назначении наставников"),
        "pair report": make_document(
            school, PAIR_REPORT, pair=PairFactory(school=school), title="Отчёт пары"
        ),
    }

    text = client.get(page_url(school)).content.decode()

    assert file_url(school, shown) in text and "№ 3-о от 01.09.2026" in text
    response = client.get(file_url(school, shown))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    for why, document in hidden.items():
        assert f"/documents/{document.pk}/" not in text, why
        assert client.get(file_url(school, document)).status_code == 404, why


def test_another_schools_document_through_this_schools_address_is_a_404(client, school):
    theirs = make_document(SchoolFactory(public_slug="sosh-2"))

    assert client.get(file_url(school, theirs)).status_code == 404
    assert client.get(reverse("document_public_file", args=["sosh-2", theirs.pk])).status_code == 200


def test_the_current_programmes_are_shown_and_nobody_in_their_pairs(client, school):
    running = ProgrammeFactory(
        school=school, title="Программа «Учитель – ученик»", goal="Повысить успеваемость."
    )
    ProgrammeFactory(school=school, title="Черновик программы", status=Programme.Status.DRAFT)
    ProgrammeFactory(school=school, title="Прошлая программа", status=Programme.Status.COMPLETED)
    mentee = MenteeEntryFactory(school=school, person=PersonFactory(school=school, last_name="Ёлкина"))
    PairFactory(programme=running, mentees=[mentee])

    text = client.get(page_url(school)).content.decode()

    assert "Программа «Учитель – ученик»" in text and "Повысить успеваемость." in text
    assert "01.09.2026 – 30.06.2027" in text and running.form.name in text
    assert "Черновик программы" not in text and "Прошлая программа" not in text
    assert "Ёлкина" not in text and "Орлова" not in text


def test_the_version_for_the_visually_impaired_is_a_link_away(client, school):
    normal = client.get(page_url(school)).content.decode()
    accessible = client.get(page_url(school), {"version": "accessible"}).content.decode()

    assert 'class="school-page"' in normal and "Версия для слабовидящих" in normal
    assert 'class="school-page school-page-accessible"' in accessible and "Обычная версия сайта" in accessible


@pytest.mark.parametrize("documents", [1, 12])
def test_the_page_costs_a_fixed_number_of_queries(client, school, django_assert_num_queries, documents):
    for number in range(documents):
        make_document(school, number=f"{number + 1}-о", sequence=number + 1)
        ProgrammeFactory(school=school, title=f"Программа {number}")
        curator = UserFactory()
        TeacherFactory(school=school, user=curator)
        MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)

    # The school, its curators with their people, the documents, the programmes with their forms.
    with django_assert_num_queries(4):
        response = client.get(page_url(school))
    assert response.content.decode().count("/nastavnichestvo/documents/") == documents


# Publishing -----------------------------------------------------------------------------------------------


def test_the_director_publishes_and_unpublishes_and_both_are_in_the_audit_trail(client_as, client, school):
    document = make_document(school, published=False)
    director = client_as(Role.DIRECTOR, school)

    page = director.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert "Опубликовать на странице школы" in page
    director.post(reverse("document_publish", args=[document.pk]))
    document.refresh_from_db()
    assert document.published_at is not None and document.published_by is not None
    assert file_url(school, document) in client.get(page_url(school)).content.decode()
    assert (
        "Снять с публикации" in director.get(reverse("document_detail", args=[document.pk])).content.decode()
    )

    director.post(reverse("document_unpublish", args=[document.pk]))
    document.refresh_from_db()
    assert document.published_at is None and document.published_by is None
    assert file_url(school, document) not in client.get(page_url(school)).content.decode()
    assert client.get(file_url(school, document)).status_code == 404
    by_the_director = LogEntry.objects.get_for_object(document).filter(actor__isnull=False).order_by("pk")
    assert [sorted(entry.changes_dict) for entry in by_the_director] == [
        ["published_at", "published_by"],
        ["published_at", "published_by"],
    ]


@pytest.mark.parametrize(
    "role", [Role.CURATOR, Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR, Role.MENTEE, Role.COORDINATOR]
)
def test_only_the_director_may_publish(client_as, school, role):
    unpublished, published = make_document(school, published=False), make_document(school)
    user_client = client_as(role, school.department if role == Role.COORDINATOR else school)

    for document, action in ((unpublished, "document_publish"), (published, "document_unpublish")):
        response = user_client.post(reverse(action, args=[document.pk]))
        assert response.status_code in (403, 404)
    unpublished.refresh_from_db(), published.refresh_from_db()
    assert unpublished.published_at is None and published.published_at is not None


@pytest.mark.parametrize("kind", [CERTIFICATE, ORDER_PAIRS, PAIR_REPORT])
def test_a_document_about_pupils_is_refused_with_a_russian_message(client_as, school, kind):
    document = make_document(school, kind, published=False)
    director = client_as(Role.DIRECTOR, school)

    response = director.post(reverse("document_publish", args=[document.pk]), follow=True)

    assert "нельзя опубликовать на странице школы" in response.content.decode()
    document.refresh_from_db()
    assert document.published_at is None


def test_a_document_not_yet_ready_is_refused(client_as, school):
    document = make_document(school, published=False, ready=False)

    response = client_as(Role.DIRECTOR, school).post(
        reverse("document_publish", args=[document.pk]), follow=True
    )

    assert "Опубликовать можно только сформированный документ" in response.content.decode()
    document.refresh_from_db()
    assert document.published_at is None


def test_an_order_the_director_issued_is_published_and_downloaded_by_anyone(
    client_as, client, school, django_capture_on_commit_callbacks
):
    curator = UserFactory(last_name="Юдина", first_name="Оксана", patronymic="Сергеевна")
    MembershipFactory(user=curator, organisation=school, role=Role.CURATOR)
    director = client_as(Role.DIRECTOR, school)
    with django_capture_on_commit_callbacks(execute=True):  # the render is enqueued on commit
        director.post(
            reverse("document_new", args=[ORDER_INTRODUCTION]), {"date": "2026-09-01", "curator": curator.pk}
        )
    order = Document.objects.get(school=school, kind=ORDER_INTRODUCTION)
    assert order.status == Document.Status.READY, order.failure
    director.post(reverse("document_publish", args=[order.pk]))
    order.refresh_from_db()
    assert order.is_published

    client.logout()
    response = client.get(file_url(school, order))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# Settings and links ---------------------------------------------------------------------------------------


def test_the_director_sets_the_address_and_bad_input_changes_nothing(client_as, school):
    SchoolFactory(public_slug="taken")
    director = client_as(Role.DIRECTOR, school)
    url = reverse("school_page_settings")

    for slug, error in (("школа", "только латинские буквы"), ("taken", "уже занят другой школой")):
        response = director.post(url, {"slug": slug, "contacts": "curator"})
        assert error in response.content.decode()
        school.refresh_from_db()
        assert (school.public_slug, school.public_contacts) == ("sosh-1", "school")

    director.post(url, {"slug": "Licej-5", "contacts": "curator"})
    school.refresh_from_db()
    assert (school.public_slug, school.public_contacts) == ("licej-5", "curator")


@pytest.mark.parametrize("role", [Role.CURATOR, Role.PSYCHOLOGIST, Role.MENTOR])
def test_only_the_director_keeps_the_settings(client_as, school, role):
    response = client_as(role, school).post(
        reverse("school_page_settings"), {"slug": "x", "contacts": "school"}
    )

    assert response.status_code == 403
    school.refresh_from_db()
    assert school.public_slug == "sosh-1"


def test_the_directors_home_links_the_page_and_the_coordinator_sees_every_schools_address(client_as, school):
    SchoolFactory(department=school.department, public_slug=None, short_name="МБОУ СОШ № 7")

    director_home = client_as(Role.DIRECTOR, school).get("/").content.decode()
    assert page_url(school) in director_home and reverse("school_page_settings") in director_home

    coordinator_home = client_as(Role.COORDINATOR, school.department).get("/").content.decode()
    assert page_url(school) in coordinator_home
    assert 'МБОУ СОШ № 7: <span class="text-body-secondary">адрес не задан</span>' in coordinator_home
