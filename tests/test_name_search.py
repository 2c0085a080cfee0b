"""The name search: one normalised field per person, kept by every write, and the same answers as before."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from mentoring import demo
from mentoring.depersonalisation import person_depersonalise
from mentoring.filters import name_filter
from mentoring.models import Person
from mentoring.search import search_key

from .factories import MenteeEntryFactory, PairFactory, PersonFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def old_name_filter(queryset, value: str):
    """The search as it was before the field: four spellings of each word in each of the three parts."""
    for word in value.split()[:5]:
        spellings = {word, word.lower(), word.capitalize(), word.upper()}
        matches = Q()
        for field in ("last_name", "first_name", "patronymic"):
            for spelling in spellings:
                matches |= Q(**{f"{field}__icontains": spelling})
        queryset = queryset.filter(matches)
    return queryset


def found(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_the_search_key_is_lower_case_with_е_for_ё_and_single_spaces():
    assert search_key("  Ёлкина \t Алёна  ПЁТРОВНА ") == "елкина алена петровна"


def test_saving_a_person_keeps_its_search_name(school):
    person = PersonFactory(school=school, last_name="Королёва", first_name="Анна", patronymic="")
    assert person.search_name == "королева анна"

    person.last_name = "Орлова"
    person.save(update_fields=["last_name"])

    person.refresh_from_db()
    assert person.search_name == "орлова анна"


def test_bulk_writes_fill_the_search_name(school):
    [person] = Person.objects.bulk_create([Person(school=school, last_name="Зёрнова", first_name="Ия")])
    assert Person.objects.get(pk=person.pk).search_name == "зернова ия"

    person.first_name = "Юлия"
    Person.objects.bulk_update([person], ["first_name"])

    assert Person.objects.get(pk=person.pk).search_name == "зернова юлия"


def test_the_data_migration_fills_the_search_name_of_existing_people(school):
    person = PersonFactory(school=school, last_name="Фёдорова", first_name="Мария", patronymic="Ильинична")
    Person.objects.update(search_name="")
    migration = importlib.import_module("mentoring.migrations.0026_person_search_name")

    migration.fill_search_names(apps, None)

    assert Person.objects.get(pk=person.pk).search_name == "федорова мария ильинична"


def test_a_depersonalised_person_is_found_by_its_number_only(school):
    person = PersonFactory(school=school, last_name="Соловьёва", first_name="Анна")

    person_depersonalise(person=person, by=UserFactory(), basis="Отзыв согласия")

    assert not found(name_filter(Person.objects.all(), "соловьева"))
    assert found(name_filter(Person.objects.all(), f"участник № {person.pk}")) == {person.pk}


def test_a_name_is_found_with_е_for_ё_and_in_any_case(school):
    person = PersonFactory(school=school, last_name="Семёнова", first_name="Алёна")

    for query in ("семенова", "СЕМЁНОВА", "сЕмЕнОвА алена", "Алёна Семенова"):
        assert found(name_filter(Person.objects.all(), query)) == {person.pk}, query


def test_the_pair_search_finds_a_pair_by_its_mentor_or_any_mentee(curator_client, school):
    by_mentor = PairFactory(programme__school=school, mentor__person__last_name="Громова")
    mentee = MenteeEntryFactory(school=school, person__school=school, person__last_name="Громёнок")
    by_mentee = PairFactory(programme__school=school, mentees=[mentee])
    PairFactory(programme__school=SchoolFactory(), mentor__person__last_name="Громова")

    found_pairs = curator_client.get("/pairs/", {"q": "гром"}).context["page_obj"].object_list

    assert {pair.pk for pair in found_pairs} == {by_mentor.pk, by_mentee.pk}


def test_the_pair_search_looks_at_the_people_of_the_seen_pairs_not_of_the_municipality(
    curator_client, school
):
    PairFactory(programme__school=school, mentor__person__last_name="Громова")

    with CaptureQueriesContext(connection) as queries:
        assert "Громова" in curator_client.get("/pairs/", {"q": "громова"}).content.decode()

    search = next(q["sql"] for q in queries if "search_name" in q["sql"])
    assert '"person_id" IN (SELECT' not in search  # no list of every person of that name
    assert '."pair_id" = ("pairs_pair"."id")' in search  # the members of each pair already chosen


def test_the_pair_search_asks_for_the_mentor_of_each_seen_pair_in_a_subquery(curator_client, school):
    PairFactory(programme__school=school, mentor__person__last_name="Громова")

    with CaptureQueriesContext(connection) as queries:
        assert "Громова" in curator_client.get("/pairs/", {"q": "громова"}).content.decode()

    search = next(q["sql"] for q in queries if "search_name" in q["sql"])
    # Compared over the list's join, the mentor's name made PostgreSQL hash every person of the municipality.
    assert '."id" = ("pairs_pair"."mentor_id")' in search


def test_the_search_gives_the_same_answers_as_before_on_the_demo_data():
    call_command("demo", stdout=io.StringIO())
    people = Person.objects.filter(school__department=demo.find_department(demo.DEMO))
    sample = list(people.order_by("pk")[::40][:8])
    queries = ["ова", "Анна", "ИВАН", "иванов", "а", "Сергеевна ова", "нет такого"]
    for person in sample:
        queries += [
            person.last_name,
            person.last_name[:4].lower(),
            f"{person.first_name} {person.last_name}".upper(),
        ]

    # Names with «ё» are now also found with «е», as the old search, comparing letters as typed, could not.
    with_yo = {p.pk for p in people if "ё" in p.full_name.lower()}
    assert with_yo
    for query in queries:
        new, old = found(name_filter(people, query)), found(old_name_filter(people, query))
        assert new - with_yo == old - with_yo and old <= new, query
    for person in Person.objects.filter(pk__in=with_yo)[:5]:
        word = next(w for w in person.full_name.split() if "ё" in w.lower())
        assert person.pk in found(name_filter(people, word.replace("ё", "е").replace("Ё", "Е")))
        assert found(old_name_filter(people, word)) <= found(name_filter(people, word))
