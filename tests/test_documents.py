"""The document machinery: numbers, rendering, versions, failures, access; the pairs order as its example."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from mentoring import documents
from mentoring.models import Document, DocumentCounter, Register, Role
from pairs.documents import ORDER_PAIRS, PAIR_REPORT
from pairs.models import Pair
from roadmap.department_documents import DEPARTMENT_REPORT
from tests.documents import pdf_pages, pdf_text
from tests.factories import DocumentFactory, PairFactory, ProgrammeFactory, SchoolFactory, UserFactory

Status = Document.Status
# Renders are enqueued on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(school):
    return ProgrammeFactory(school=school)


@pytest.fixture
def proposed(programme):
    return [PairFactory(programme=programme, status=Pair.Status.PROPOSED) for _ in range(2)]


def ask_for_pairs_order(client, programme, **extra):
    data = {"date": "2026-11-23", "programme": programme.pk, **extra}
    return client.post(reverse("document_new", args=[ORDER_PAIRS]), data)


def test_the_pairs_order_is_numbered_rendered_and_approves_its_pairs(client_as, school, programme, proposed):
    director = client_as(Role.DIRECTOR, school)

    page = ask_for_pairs_order(director, programme)

    document = Document.objects.get()
    assert page.status_code == 302 and page.url == reverse("document_detail", args=[document.pk])
    assert (document.number, document.status, document.year) == ("1-о", Status.READY, 2026)
    assert all(pair.status == Pair.Status.APPROVED for pair in Pair.objects.all())
    text = pdf_text(document)
    assert school.full_name in text and "ПРИКАЗ" in text and "№ 1-о" in text
    assert "ПРИКАЗЫВАЮ:" in text
    assert all(pair.mentor.person.last_name in text for pair in proposed)
    assert pdf_pages(document)[-1][0] > pdf_pages(document)[-1][1], "the list of pairs is landscape"


def test_order_numbers_follow_the_schools_format_and_are_never_reused(client_as, school, programme, proposed):
    school.order_number_format = "{n}/ОД"
    school.save()
    director = client_as(Role.DIRECTOR, school)
    ask_for_pairs_order(director, programme, pairs=[proposed[0].pk])
    Document.objects.all().delete()

    ask_for_pairs_order(director, programme, pairs=[proposed[1].pk])

    assert Document.objects.get().number == "2/ОД"
    assert DocumentCounter.objects.get(school=school, year=2026).last == 2


def test_each_school_register_and_year_counts_its_own_numbers(school):
    other = SchoolFactory()

    assert documents.next_number(school, Register.ORDERS, 2026) == 1
    assert documents.next_number(school, Register.ORDERS, 2026) == 2
    assert documents.next_number(other, Register.ORDERS, 2026) == 1
    assert documents.next_number(school, Register.ORDERS, 2027) == 1
    assert documents.next_number(school, Register.CERTIFICATES, 2026) == 1, "each register counts its own"


def test_an_order_for_pairs_already_named_by_an_order_is_refused_and_changes_nothing(
    client_as, school, programme
):
    pair = PairFactory(programme=programme, status=Pair.Status.APPROVED)
    Pair.objects.filter(pk=pair.pk).update(order=DocumentFactory(school=school, year=2025))
    director = client_as(Role.DIRECTOR, school)

    page = ask_for_pairs_order(director, programme)

    assert "В программе нет пар, ожидающих утверждения" in page.content.decode()
    assert Document.objects.count() == 1 and not DocumentCounter.objects.exists()


def test_a_pair_approved_without_an_order_is_named_by_the_next_pairs_order(client_as, school, programme):
    working = PairFactory(programme=programme, status=Pair.Status.ACTIVE)
    director = client_as(Role.DIRECTOR, school)

    ask_for_pairs_order(director, programme)

    document = Document.objects.get()
    working.refresh_from_db()
    assert (working.status, working.order) == (Pair.Status.ACTIVE, document)
    assert working.status_changes.get().note == "Приказ от 23.11.2026 № 1-о"
    assert working.mentor.person.last_name in pdf_text(document)
    page = director.get(reverse("pair_detail", args=[working.pk])).content.decode()
    assert "без приказа" not in page and "от 23.11.2026 № 1-о" in page


def test_the_pairs_ticked_in_the_list_make_one_order_per_programme_which_approves_them(
    client_as, school, programme, proposed
):
    other = PairFactory(programme=ProgrammeFactory(school=school), status=Pair.Status.PROPOSED)
    untouched = PairFactory(programme=programme, status=Pair.Status.PROPOSED)
    director = client_as(Role.DIRECTOR, school)
    ticked = [proposed[0].pk, proposed[1].pk, other.pk]
    form = director.get(reverse("document_new", args=[ORDER_PAIRS]), {"pairs": ticked}).context["form"]

    page = director.post(
        reverse("document_new", args=[ORDER_PAIRS]), {"date": "2026-11-23", "pairs": form.initial["pairs"]}
    )

    assert page.status_code == 302
    orders = {d.params["programme"]: d for d in Document.objects.all()}
    assert set(orders) == {programme.pk, other.programme_id}
    assert sorted(d.number for d in orders.values()) == ["1-о", "2-о"]
    for pair in Pair.objects.filter(pk__in=ticked):
        assert (pair.status, pair.order) == (Pair.Status.APPROVED, orders[pair.programme_id])
    untouched.refresh_from_db()
    assert (untouched.status, untouched.order) == (Pair.Status.PROPOSED, None)


def test_a_programme_chosen_with_pairs_of_another_is_refused(client_as, school, programme, proposed):
    other = PairFactory(programme=ProgrammeFactory(school=school), status=Pair.Status.PROPOSED)

    page = ask_for_pairs_order(client_as(Role.DIRECTOR, school), programme, pairs=[proposed[0].pk, other.pk])

    assert "Выбраны пары другой программы." in page.content.decode()
    assert not Document.objects.exists()


def test_a_pair_approved_meanwhile_stops_the_order_and_nothing_is_numbered(
    client_as, school, programme, proposed
):
    director = client_as(Role.DIRECTOR, school)
    form_data = {"pairs": [pair.pk for pair in proposed]}
    # Another order approved it meanwhile.
    earlier = DocumentFactory(school=school, year=2025)
    Pair.objects.filter(pk=proposed[0].pk).update(status=Pair.Status.APPROVED, order=earlier)

    page = ask_for_pairs_order(director, programme, **form_data)

    assert page.status_code == 200
    assert list(Document.objects.all()) == [earlier]
    assert Pair.objects.get(pk=proposed[1].pk).status == Pair.Status.PROPOSED


def test_regenerating_keeps_the_number_and_makes_a_new_version(client_as, school, programme, proposed):
    director = client_as(Role.DIRECTOR, school)
    ask_for_pairs_order(director, programme)
    document = Document.objects.get()
    first_file = document.file.name

    director.post(reverse("document_regenerate", args=[document.pk]))

    document.refresh_from_db()
    assert (document.number, document.version, document.file_version) == ("1-о", 2, 2)
    assert document.file.name != first_file
    assert not document.file.storage.exists(first_file)


def test_a_render_already_stored_does_nothing(client_as, school, programme, proposed):
    ask_for_pairs_order(client_as(Role.DIRECTOR, school), programme)
    document = Document.objects.get()
    stored = document.file.name

    documents.document_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.file.name == stored and document.version == document.file_version == 1


def test_a_template_error_fails_the_document_with_its_reason(
    client_as, school, programme, proposed, monkeypatch
):
    spec = documents.SPECS[ORDER_PAIRS]
    monkeypatch.setitem(
        documents.SPECS,
        ORDER_PAIRS,
        documents.DocumentSpec(**{**spec.__dict__, "template": "nowhere.html"}),
    )

    ask_for_pairs_order(client_as(Role.DIRECTOR, school), programme)

    document = Document.objects.get()
    assert document.status == Status.FAILED and "Ошибка в шаблоне документа" in document.failure
    assert not document.file and document.number == "1-о"


def test_a_broker_that_is_down_leaves_the_document_queued_unsent(
    client_as, school, programme, proposed, monkeypatch
):
    from kombu.exceptions import OperationalError

    from mentoring import tasks

    def down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.document_render_task, "delay", down)
    director = client_as(Role.DIRECTOR, school)
    ask_for_pairs_order(director, programme)
    document = Document.objects.get()

    page = director.get(reverse("document_detail", args=[document.pk]))

    assert (document.status, document.enqueued_at, document.number) == (Status.QUEUED, None, "1-о")
    assert "Служба формирования документов сейчас недоступна" in page.content.decode()
    monkeypatch.undo()
    director.get(reverse("document_detail", args=[document.pk]), headers={"HX-Request": "true"})
    document.refresh_from_db()
    assert document.status == Status.READY and document.enqueued_at


def test_the_curator_may_not_issue_orders(client_as, school, programme, proposed):
    page = ask_for_pairs_order(client_as(Role.CURATOR, school), programme)

    assert page.status_code == 403 and not Document.objects.exists()


@pytest.fixture
def order(client_as, school, programme, proposed):
    ask_for_pairs_order(client_as(Role.DIRECTOR, school), programme)
    return Document.objects.get()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CURATOR])
def test_the_director_and_curator_keep_the_archive(client_as, school, order, role):
    client = client_as(role, school)

    listed = client.get(reverse("document_list"), {"kind": ORDER_PAIRS, "year": 2026})
    downloaded = client.get(reverse("document_file", args=[order.pk]))

    assert order.title in listed.content.decode()
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", list(Role))
def test_another_schools_document_is_a_404_also_by_its_file_url(client_as, order, role):
    other = SchoolFactory()
    organisation = other.department if role == Role.COORDINATOR else other
    client = client_as(role, organisation)

    assert client.get(reverse("document_file", args=[order.pk])).status_code == 404
    if role in (Role.DIRECTOR, Role.CURATOR):
        assert client.get(reverse("document_detail", args=[order.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.TEACHER, Role.PSYCHOLOGIST])
def test_other_roles_of_the_school_have_no_archive_and_no_order_files(client_as, school, order, role):
    client = client_as(role, school)

    assert client.get(reverse("document_list")).status_code == 403
    assert client.get(reverse("document_file", args=[order.pk])).status_code == 404


def test_the_media_folder_is_not_served_even_to_the_director(client_as, school, order):
    director = client_as(Role.DIRECTOR, school)

    assert director.get(f"/media/{order.file.name}").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(order):
    page = Client().get(reverse("document_file", args=[order.pk]))

    assert page.status_code == 302 and "/accounts/login/" in page.url


def test_a_mentor_downloads_only_its_own_pair_report(client, school, programme, proposed):
    pair = proposed[0]
    user = UserFactory()
    pair.mentor.person.user = user
    pair.mentor.person.save()
    own = Document.objects.create(
        school=school, kind=PAIR_REPORT, year=2026, date="2026-11-23", title="Отчёт", pair=pair
    )
    foreign = Document.objects.create(
        school=school, kind=PAIR_REPORT, year=2026, date="2026-11-23", title="Отчёт", pair=proposed[1]
    )
    for document in (own, foreign):
        document.file.save("x.pdf", ContentFile(b"%PDF"))
        Document.objects.filter(pk=document.pk).update(status=Status.READY)
    client.force_login(user)

    assert client.get(reverse("document_file", args=[own.pk])).status_code == 200
    assert client.get(reverse("document_file", args=[foreign.pk])).status_code == 404
    assert own.title in client.get(reverse("my_documents")).content.decode()


def test_a_link_from_the_programme_page_fills_the_order_form_in(client_as, school, programme, proposed):
    director = client_as(Role.DIRECTOR, school)

    programme_page = director.get(reverse("programme_detail", args=[programme.pk])).content.decode()
    form = director.get(reverse("document_new", args=[ORDER_PAIRS]), {"programme": programme.pk})

    assert f"{reverse('document_new', args=[ORDER_PAIRS])}?programme={programme.pk}" in programme_page
    assert form.context["form"]["programme"].value() == str(programme.pk)


def test_a_mentor_downloads_no_other_document_of_its_pair(client, school, programme, proposed):
    pair = proposed[0]
    pair.mentor.person.user = UserFactory()
    pair.mentor.person.save()
    order = Document.objects.create(
        school=school, kind=ORDER_PAIRS, year=2026, date="2026-11-23", title="Приказ", pair=pair
    )
    order.file.save("x.pdf", ContentFile(b"%PDF"))
    Document.objects.filter(pk=order.pk).update(status=Status.READY)
    client.force_login(pair.mentor.person.user)

    assert client.get(reverse("document_file", args=[order.pk])).status_code == 404


def test_a_document_of_an_unregistered_kind_fails_validation(school):
    by = UserFactory()
    document = Document(
        school=school, kind=ORDER_PAIRS, year=2026, date="2026-11-23", title="Приказ", requested_by=by
    )
    document.full_clean()
    document.kind = "order_unknown"

    with pytest.raises(ValidationError) as refused:
        document.full_clean()

    assert refused.value.message_dict == {"kind": ["Нет такого вида документа: «order_unknown»."]}


def test_a_request_for_an_unregistered_kind_writes_nothing(school):
    with pytest.raises(ValidationError, match="Нет такого вида документа"):
        documents.documents_request(
            school=school,
            kind="order_unknown",
            drafts=[documents.Draft("Приказ")],
            date=datetime.date(2026, 11, 23),
            by=UserFactory(),
        )

    assert not Document.objects.exists() and not DocumentCounter.objects.exists()


def test_every_registered_kind_has_its_own_russian_label():
    labels = [spec.label for spec in documents.SPECS.values()]

    assert all(kind == spec.kind for kind, spec in documents.SPECS.items())
    assert all(re.fullmatch(r"[А-ЯЁ][^A-Za-z]+", label) for label in labels), labels
    assert len(set(labels)) == len(labels) == 26


def test_the_archive_filter_offers_the_kinds_of_the_organisation(client_as, school):
    def offered(role, organisation) -> list[str]:
        page = client_as(role, organisation).get(reverse("document_list"))
        return [value for value, _ in page.context["filter"].form.fields["kind"].choices if value]

    for_school, for_department = offered(Role.DIRECTOR, school), offered(Role.COORDINATOR, school.department)

    assert ORDER_PAIRS in for_school and DEPARTMENT_REPORT not in for_school
    assert for_department == [kind for kind, spec in documents.SPECS.items() if spec.for_department]
    assert len(for_school) + len(for_department) == len(documents.SPECS)
