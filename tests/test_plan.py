"""The personalised programme of a pair (seed 004's plan table): its rows, terms and completion marks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.models import Role
from pairs import services
from pairs.models import Pair, PlanItem

from .factories import PairFactory, PlanItemFactory

S = Pair.Status
TODAY = timezone.localdate()
ITEM_FORM = {
    "activity": "Посещение и взаимопосещение уроков",
    "work_form": "Беседа, анкетирование",
    "area": "methodical",
    "direction": "Методическое сопровождение",
    "risks": "Нехватка времени",
    "prevention": "Гибкий график",
    "expected_result": "Рост профессионального мастерства",
    "criteria": "Анализ посещённых уроков",
    "term": "В течение 1 четверти",
    "due_on": "2026-12-25",
}


@pytest.fixture
def pair(school) -> Pair:
    return PairFactory(programme__school=school)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The services


def test_a_new_item_gets_the_next_number(pair):
    PlanItemFactory(pair=pair, number=1)
    PlanItemFactory(pair=pair, number=2)

    item = services.plan_item_create(pair=pair, item_data={"activity": "Открытый урок", "term": "Март"})

    assert item.number == 3


def test_an_item_needs_a_term(pair):
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(pair=pair, item_data={"activity": "Открытый урок", "term": "  "})

    assert "Укажите срок" in error.value.message_dict["term"][0]
    assert not pair.plan_items.exists()


def test_an_item_due_after_the_pair_ends_is_refused(pair):
    late = pair.ends_on + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.plan_item_create(pair=pair, item_data={"activity": "Урок", "term": "Июль", "due_on": late})

    assert "позже окончания работы пары (30.06.2027)" in error.value.message_dict["due_on"][0]


@pytest.mark.parametrize("status", [S.COMPLETED, S.TERMINATED])
def test_the_plan_of_an_ended_pair_does_not_change(school, make_user, status):
    ended = PairFactory(programme__school=school, status=status, termination_reason="Причина")
    item = PlanItemFactory(pair=ended)
    writes = [
        lambda: services.plan_item_create(pair=ended, item_data={"activity": "Урок", "term": "Май"}),
        lambda: services.plan_item_update(item=item, item_data={"activity": "Другое"}),
        lambda: services.plan_item_mark(
            item=item, done_on=TODAY, note="", by=make_user(Role.CURATOR, school)
        ),
        lambda: services.plan_item_unmark(item=item),
        lambda: services.plan_item_delete(item=item),
    ]

    for write in writes:
        with pytest.raises(ValidationError, match="больше не меняется"):
            write()

    assert list(ended.plan_items.values_list("activity", "done_on")) == [(item.activity, None)]


def test_marking_records_the_date_the_comment_and_who_marked(pair, make_user, school):
    mentor = make_user(Role.MENTOR, school)
    item = PlanItemFactory(pair=pair)

    services.plan_item_mark(item=item, done_on=datetime.date(2026, 10, 5), note=" Провели ", by=mentor)

    item.refresh_from_db()
    assert (item.done_on, item.done_note, item.done_by) == (datetime.date(2026, 10, 5), "Провели", mentor)
    assert not item.is_overdue

    services.plan_item_unmark(item=item)
    item.refresh_from_db()
    assert (item.done_on, item.done_note, item.done_by) == (None, "", None)


@pytest.mark.parametrize(
    ("done_on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "не может быть в будущем"),
        (datetime.date(2026, 9, 14), "раньше начала работы пары (15.09.2026)"),
    ],
)
def test_a_completion_date_in_the_future_or_before_the_start_is_refused(
    pair, make_user, school, done_on, message
):
    item = PlanItemFactory(pair=pair)

    with pytest.raises(ValidationError) as error:
        services.plan_item_mark(item=item, done_on=done_on, note="", by=make_user(Role.CURATOR, school))

    assert message in error.value.message_dict["done_on"][0]
    item.refresh_from_db()
    assert item.done_on is None


def test_an_item_of_a_pair_that_has_not_started_cannot_be_marked(school, make_user):
    approved = PairFactory(programme__school=school, status=S.APPROVED, started_on=None)
    item = PlanItemFactory(pair=approved)

    with pytest.raises(ValidationError, match="ещё не начала работу"):
        services.plan_item_mark(item=item, done_on=TODAY, note="", by=make_user(Role.CURATOR, school))


def test_deleting_an_item_renumbers_the_rest(pair):
    items = [PlanItemFactory(pair=pair, number=n) for n in (1, 2, 3)]

    services.plan_item_delete(item=items[1])

    assert list(pair.plan_items.values_list("pk", "number")) == [(items[0].pk, 1), (items[2].pk, 2)]


def test_an_item_is_overdue_when_its_date_passed_and_it_is_not_done(pair):
    yesterday = TODAY - datetime.timedelta(days=1)

    assert PlanItemFactory(pair=pair, due_on=yesterday).is_overdue
    assert not PlanItemFactory(pair=pair, due_on=yesterday, done_on=yesterday).is_overdue
    assert not PlanItemFactory(pair=pair, due_on=TODAY).is_overdue


# The pages


def test_the_curator_adds_an_item_with_every_column_of_the_seed(curator_client, pair):
    PlanItemFactory(pair=pair, number=1)

    response = curator_client.post(f"/pairs/{pair.pk}/plan/new/", ITEM_FORM, follow=True)

    item = pair.plan_items.get(number=2)
    assert item.activity == ITEM_FORM["activity"] and item.criteria == ITEM_FORM["criteria"]
    assert item.due_on == datetime.date(2026, 12, 25)
    assert "Пункт 2 добавлен в план." in messages_of(response)
    assert response.redirect_chain[-1][0] == f"/pairs/{pair.pk}/#plan"


def test_the_form_shows_the_seeds_column_names(curator_client, pair):
    text = curator_client.get(f"/pairs/{pair.pk}/plan/new/").content.decode()

    for label in (
        "Мероприятия",
        "Виды, форма деятельности",
        "Возможные риски при реализации программы",
        "Способы предотвращения",
        "Ожидаемые результаты",
        "Критерии оценивания эффективности мер",
    ):
        assert label in text


def test_an_item_without_a_term_shows_a_russian_error_and_keeps_what_was_typed(curator_client, pair):
    response = curator_client.post(f"/pairs/{pair.pk}/plan/new/", {**ITEM_FORM, "term": ""})

    text = response.content.decode()
    assert response.status_code == 200
    assert "Укажите срок, например «до 15.10.2026» или «в течение 1 четверти»." in text
    assert "Посещение и взаимопосещение уроков" in text
    assert not pair.plan_items.exists()


def test_a_due_date_after_the_pairs_end_shows_an_error_next_to_the_field(curator_client, pair):
    response = curator_client.post(f"/pairs/{pair.pk}/plan/new/", {**ITEM_FORM, "due_on": "2027-07-01"})

    assert response.context["form"].errors["due_on"] == [
        "Дата позже окончания работы пары (30.06.2027): укажите не позже неё."
    ]
    assert not pair.plan_items.exists()


def test_the_mentor_edits_and_marks_an_item_of_its_own_pair(client, make_user, school, pair):
    mentor = make_user(Role.MENTOR, school)
    pair.mentor.person.user = mentor
    pair.mentor.person.save()
    client.force_login(mentor, backend="django.contrib.auth.backends.ModelBackend")
    item = PlanItemFactory(pair=pair)

    client.post(f"/plan-items/{item.pk}/edit/", {**ITEM_FORM, "activity": "Открытый урок"})
    response = client.post(
        f"/plan-items/{item.pk}/mark/", {"done_on": "2026-11-02", "done_note": "Урок дан"}, follow=True
    )

    item.refresh_from_db()
    assert item.activity == "Открытый урок"
    assert (item.done_on, item.done_note, item.done_by) == (datetime.date(2026, 11, 2), "Урок дан", mentor)
    text = response.content.decode()
    assert "02.11.2026" in text and "Урок дан" in text and "Выполнено 1 из 1" in text


def test_a_completion_date_before_the_start_shows_an_error_and_marks_nothing(curator_client, pair):
    item = PlanItemFactory(pair=pair)

    response = curator_client.post(
        f"/plan-items/{item.pk}/mark/", {"done_on": "2026-09-01", "done_note": "Рано"}
    )

    assert "раньше начала работы пары (15.09.2026)" in response.context["form"].errors["done_on"][0]
    assert "Рано" in response.content.decode()
    item.refresh_from_db()
    assert item.done_on is None


def test_the_curator_takes_a_mark_off(curator_client, pair):
    item = PlanItemFactory(pair=pair, done_on=datetime.date(2026, 10, 1), done_note="Было")

    response = curator_client.post(f"/plan-items/{item.pk}/mark/", {"unmark": "1"}, follow=True)

    item.refresh_from_db()
    assert item.done_on is None and item.done_note == ""
    assert f"Отметка о выполнении пункта {item.number} снята." in messages_of(response)


def test_the_curator_deletes_an_item(curator_client, pair):
    first, second = PlanItemFactory(pair=pair, number=1), PlanItemFactory(pair=pair, number=2)

    curator_client.post(f"/plan-items/{first.pk}/delete/")

    assert list(pair.plan_items.values_list("pk", "number")) == [(second.pk, 1)]


def test_the_plan_of_an_ended_pair_has_no_edit_links_and_refuses_changes(curator_client, school):
    ended = PairFactory(programme__school=school, status=S.COMPLETED, ended_on=TODAY)
    item = PlanItemFactory(pair=ended)

    page = curator_client.get(f"/pairs/{ended.pk}/").content.decode()
    response = curator_client.post(
        f"/plan-items/{item.pk}/edit/", {**ITEM_FORM, "activity": "Другое"}, follow=True
    )

    assert f"/plan-items/{item.pk}/edit/" not in page and "Добавить пункт плана" not in page
    assert any("больше не меняется" in m for m in messages_of(response))
    item.refresh_from_db()
    assert item.activity != "Другое"


def test_the_plan_table_marks_overdue_items_and_shows_the_mark(curator_client, pair, make_user, school):
    PlanItemFactory(pair=pair, activity="Просроченный пункт", due_on=TODAY - datetime.timedelta(days=3))
    PlanItemFactory(
        pair=pair,
        done_on=datetime.date(2026, 10, 1),
        done_note="Сделано",
        done_by=make_user(Role.MENTOR, school),
    )

    text = curator_client.get(f"/pairs/{pair.pk}/").content.decode()

    assert "просрочено" in text
    assert "Выполнено 1 из 2" in text
    assert "01.10.2026" in text and "Сделано" in text and "отметил(а): Иванова Анна" in text


def test_there_is_no_plan_item_to_mark_on_a_page_of_a_pair_not_started(curator_client, school):
    approved = PairFactory(programme__school=school, status=S.APPROVED, started_on=None)
    item = PlanItemFactory(pair=approved)

    text = curator_client.get(f"/pairs/{approved.pk}/").content.decode()

    assert f"/plan-items/{item.pk}/mark/" not in text
    assert f"/plan-items/{item.pk}/edit/" in text


def test_plan_items_are_numbered_per_pair(pair, school):
    other = PairFactory(programme__school=school)
    PlanItemFactory(pair=other, number=7)

    item = services.plan_item_create(pair=pair, item_data={"activity": "Урок", "term": "Май"})

    assert item.number == 1
    assert PlanItem.objects.filter(pair=other).get().number == 7
