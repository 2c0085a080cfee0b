"""A pair's plan is placed from the pair's real start, within its programme, and nothing is overdue before
the pair begins work."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from mentoring.models import Membership, Role
from pairs import notices, services
from pairs.meetings import mentor_overview
from pairs.models import Pair, PlanItem
from programs.models import MentoringForm
from programs.seed_texts import MONTHS_PREPOSITIONAL, PLAN_TEMPLATES, PlanRow

from .factories import (
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PlanItemFactory,
    ProgrammeFactory,
    SignedMentorConsentFactory,
    UserFactory,
)

S = Pair.Status
FORMED = datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC)


def formed_pair(school, code: str, **programme) -> Pair:
    form = MentoringForm.objects.get(code=code)
    programme = ProgrammeFactory(school=school, form=form, **programme)
    mentor = MentorEntryFactory(person__school=school)
    mentee = MenteeEntryFactory(person__school=school)
    return services.pair_create(
        programme=programme,
        mentor_id=mentor.pk,
        mentee_ids=[mentee.pk],
        role_models={mentee.pk: None},
        explanation={},
        by=None,
    )


def terms(pair: Pair) -> list[tuple[str, datetime.date | None]]:
    return [(item.term, item.due_on) for item in pair.plan_items.order_by("number")]


@time_machine.travel(FORMED, tick=False)
def test_a_pair_formed_in_december_has_its_march_and_april_items_due_in_march_and_april(school):
    pair = formed_pair(school, "pupil_pupil")

    assert terms(pair)[5:] == [
        ("В марте", datetime.date(2027, 3, 31)),
        ("В апреле", datetime.date(2027, 4, 30)),
    ]
    assert all(due <= pair.programme.ends_on for _term, due in terms(pair))


@time_machine.travel(datetime.datetime(2027, 5, 10, 10, tzinfo=datetime.UTC), tick=False)
def test_a_term_after_the_programmes_end_is_due_on_its_last_school_day_and_names_that_month(school):
    # The programme ends on Sunday 30.05.2027: its last school day is Friday 28.05.2027.
    pair = formed_pair(
        school, "pupil_pupil", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 5, 30)
    )
    last_school_day = datetime.date(2027, 5, 28)

    placed = terms(pair)
    assert placed[5:] == [("В мае", last_school_day), ("В мае", last_school_day)]
    assert max(due for _term, due in placed) == last_school_day


def test_a_month_named_term_clipped_by_the_end_names_the_month_it_is_due_in():
    row = PlanRow("Анкетирование", term="В марте", month=3)

    assert row.placed(datetime.date(2026, 12, 5), datetime.date(2027, 6, 30))["term"] == "В марте"
    assert row.placed(datetime.date(2027, 4, 1), datetime.date(2027, 6, 30)) | {"activity": ""} == {
        **row.fields(),
        "activity": "",
        "term": "В июне",
        "due_on": datetime.date(2027, 6, 30),
    }
    assert row.due_on(datetime.date(2027, 4, 1), None) == datetime.date(2028, 3, 31)


def test_a_month_named_term_in_the_starting_month_is_due_by_its_end():
    assert PlanRow("x", month=3).due_on(datetime.date(2027, 3, 2), None) == datetime.date(2027, 3, 31)


def test_the_plan_files_month_named_terms_name_their_month():

    named = [row for rows in PLAN_TEMPLATES.values() for row in rows if row.month]
    assert named
    for row in named:
        assert row.term == f"В {MONTHS_PREPOSITIONAL[row.month - 1]}"
    for rows in PLAN_TEMPLATES.values():
        for row in rows:
            assert row.month or not any(month in row.term for month in MONTHS_PREPOSITIONAL)


def test_the_start_places_the_template_items_again_from_the_real_start_and_keeps_edited_ones(school):
    with time_machine.travel(FORMED, tick=False):
        pair = formed_pair(school, "teacher_teacher")
    assert terms(pair)[0] == ("В начале работы пары, в первый день", datetime.date(2026, 12, 5))
    edited = pair.plan_items.get(number=2)
    edited.due_on = datetime.date(2026, 12, 20)
    edited.save()
    pair.status = S.APPROVED
    pair.save()
    SignedMentorConsentFactory(pair=pair)

    with time_machine.travel(datetime.datetime(2027, 1, 20, 10, tzinfo=datetime.UTC), tick=False):
        services.pair_change_status(pair=pair, to=S.ACTIVE, by=None)

    placed = terms(pair)
    assert placed[0] == ("В начале работы пары, в первый день", datetime.date(2027, 1, 20))
    assert placed[1][1] == datetime.date(2026, 12, 20)
    assert placed[2][1] == datetime.date(2027, 3, 20)  # «В течение 1 четверти»: two months from the start
    assert placed[-1][1] == datetime.date(2027, 6, 30)


@pytest.mark.parametrize("status", [S.PROPOSED, S.APPROVED])
def test_nothing_of_a_pair_that_has_not_started_is_overdue(school, status):
    pair = PairFactory(programme__school=school, status=status, started_on=None)
    item = PlanItemFactory(pair=pair, due_on=datetime.date(2026, 10, 31))
    user = UserFactory()
    MembershipFactory(user=user, organisation=school, role=Role.MENTOR)
    pair.mentor.person.user = user
    pair.mentor.person.save()

    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC), tick=False):
        assert not PlanItem.objects.get(pk=item.pk).is_overdue
        assert not PlanItem.objects.overdue(datetime.date(2026, 12, 5)).exists()
        overview = mentor_overview(user)  # a mentor meets a proposed pair once the director approves it
        assert overview is None or overview.overdue == []
        memberships = Membership.objects.filter(user=user)
        assert list(notices.plan_items_due(memberships, datetime.date(2026, 12, 5))) == []


def test_an_undone_item_past_its_due_date_of_a_started_pair_is_overdue(school):
    item = PlanItemFactory(pair__programme__school=school, due_on=datetime.date(2026, 10, 31))

    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC), tick=False):
        assert PlanItem.objects.get(pk=item.pk).is_overdue
        assert list(PlanItem.objects.overdue(datetime.date(2026, 12, 5))) == [item]


@time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC), tick=False)
def test_the_page_of_a_proposed_pair_shows_no_item_overdue(client_as, school):
    pair = PairFactory(programme__school=school, status=S.PROPOSED, started_on=None)
    PlanItemFactory(pair=pair, due_on=datetime.date(2026, 10, 31))

    page = client_as(Role.CURATOR, school).get(reverse("pair_detail", args=[pair.pk])).content.decode()

    assert "до 31.10.2026" in page
    assert "просрочено" not in page
