"""`make bench`: the pair name search beside the Django admin's search of the same pairs, and the search's
query before and after the normalised name field (issue 18: 247 ms against the admin's 63 ms).

Figures are printed, never asserted; only the answers and the query counts are part of the contract.
"""

import itertools

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from mentoring.filters import name_filter
from mentoring.models import Organisation, Person, User
from mentoring.search import search_key
from pairs.filters import PairFilterSet
from pairs.models import Pair, PairMentee

from ..test_name_search import old_name_filter
from .conftest import REPEATS, side_by_side
from .test_bench_pairs import login, queries_of

PER_PAGE = 20


def old_pair_search(pairs, value: str):
    """The pair search as it was: the people of the whole municipality, four spellings of each word."""
    people = old_name_filter(Person.objects.all(), value)
    members = PairMentee.objects.filter(mentee__person__in=people).values("pair")
    return pairs.filter(Q(mentor__person__in=people) | Q(pk__in=members))


def page_of(pairs) -> tuple[int, list[int]]:
    """What a list page asks for: the count and one page of rows."""
    return pairs.count(), list(pairs.order_by("-created_at", "-pk").values_list("pk", flat=True)[:PER_PAGE])


@pytest.mark.django_db
def test_pair_search_beside_the_admin(department, client):
    school = Organisation.objects.get(memberships__user__username="bench_curator")
    pairs = Pair.objects.filter(school=school)
    name = pairs.order_by("pk").values_list("mentor__person__last_name", flat=True).first()
    query = name[:-1].lower()  # a part of a surname, in lower case: a page of pairs, not just one
    curator = login(client, "bench_curator")
    ours = f"{reverse('pair_list')}?q={query}"
    if (
        connection.vendor == "postgresql"
    ):  # the municipality was just bulk-built: the planner needs statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin = User.objects.create_superuser("bench_search_admin", password="-")
    admins = login(client.__class__(), admin.username)
    theirs = f"{reverse('admin:pairs_pair_changelist')}?school__id__exact={school.pk}&q={query}"

    new = PairFilterSet({"q": query}, queryset=pairs, pairs=pairs).qs
    assert page_of(new) == page_of(old_pair_search(pairs, query))

    print(
        f"\nПоиск пар «{query}» в школе ({pairs.count()} пар), {connection.vendor}, "
        f"{REPEATS} запросов каждого по очереди:"
    )
    requests = {
        "запрос поиска до (счёт и страница)": lambda: page_of(old_pair_search(pairs, query)),
        "запрос поиска после (счёт и страница)": lambda: page_of(
            PairFilterSet({"q": query}, queryset=pairs, pairs=pairs).qs
        ),
        "страница «Пары и группы» без поиска": lambda: curator.get(reverse("pair_list")),
        "страница «Пары и группы» с поиском": lambda: curator.get(ours),
        "поиск в админке тех же пар": lambda: admins.get(theirs),
    }
    counts = {"страница «Пары и группы» с поиском": queries_of(curator, ours)}
    counts["поиск в админке тех же пар"] = queries_of(admins, theirs)
    for label, (median, cpu) in side_by_side(**requests).items():
        queries = f", запросов к базе {counts[label]}" if label in counts else ""
        print(f"  {label:40}: медиана {median:7.1f} мс, процессор {cpu:6.1f} мс{queries}")


@pytest.mark.django_db
def test_people_search_plan(department):
    """On PostgreSQL: the plans of a school's and of the municipality's people search, to see whether the
    trigram index is used (in one school the planner may rather filter the school's rows)."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    school = Organisation.objects.annotate(n=Count("people")).order_by("-n", "pk").first()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mentoring_person")
    scopes = {
        "школы": Person.objects.filter(school=school),
        "муниципалитета": Person.objects.filter(school__department=department),
    }
    for (scope, rows), query in itertools.product(scopes.items(), ("ова", "молчан", "анна серг")):
        people = name_filter(rows, query)
        plan = people.explain(analyze=True)
        used = "индекс триграмм" if "search_name_trgm" in plan else "без индекса триграмм"
        print(f"\nПоиск людей {scope} «{query}» ({search_key(query)}): найдено {people.count()}, {used}")
        print("    " + "\n    ".join(plan.splitlines()))
