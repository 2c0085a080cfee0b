"""Two directors of a school issue an order at the same moment: the row lock on the school's order counter
gives them two consecutive numbers, never the same one, also for the first order of a year, when the counter
itself is made by the two requests at once.

Run on PostgreSQL only: SQLite serialises every writer, so there is no race to see. Each director sends a
real request on its own connection; a barrier releases both at once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from mentoring import documents
from mentoring.models import Document, DocumentCounter, Role
from pairs.models import Pair
from tests.factories import MembershipFactory, PairFactory, ProgrammeFactory, SchoolFactory, UserFactory
from tests.test_documents import ask_for_pairs_order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("Гонку двух директоров видно только на PostgreSQL: SQLite выполняет записи по очереди.")
    # Only the numbers matter here: the renders are not sent anywhere.
    monkeypatch.setattr(documents, "documents_enqueue", lambda ids: None)


def director_client(school) -> Client:
    director = UserFactory()
    MembershipFactory(user=director, organisation=school, role=Role.DIRECTOR)
    client = Client()
    client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    return client


def order_at_once(school, programmes) -> list[int]:
    """Each programme's pairs order asked for by a director of its own, the requests released together."""
    clients = [director_client(school) for _ in programmes]
    barrier = threading.Barrier(len(programmes))
    statuses: list[int] = []

    def ask(client: Client, programme) -> None:
        try:
            connection.ensure_connection()  # so that neither starts late, opening its connection
            barrier.wait(timeout=10)
            statuses.append(ask_for_pairs_order(client, programme).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=pair) for pair in zip(clients, programmes, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.mark.parametrize("earlier_orders", [0, 4], ids=["first orders of the year", "counter already there"])
def test_two_directors_ordering_at_once_get_two_consecutive_numbers(earlier_orders):
    school = SchoolFactory()
    if earlier_orders:
        DocumentCounter.objects.create(school=school, year=2026, last=earlier_orders)
    programmes = [ProgrammeFactory(school=school) for _ in range(2)]
    for programme in programmes:
        PairFactory(programme=programme, status=Pair.Status.PROPOSED)

    statuses = order_at_once(school, programmes)

    assert statuses == [302, 302]
    numbers = sorted(Document.objects.values_list("sequence", flat=True))
    assert numbers == [earlier_orders + 1, earlier_orders + 2]
    assert sorted(Document.objects.values_list("number", flat=True)) == [f"{n}-о" for n in numbers]
    assert DocumentCounter.objects.get(school=school, year=2026).last == earlier_orders + 2
    assert not Pair.objects.exclude(status=Pair.Status.APPROVED).exists()
