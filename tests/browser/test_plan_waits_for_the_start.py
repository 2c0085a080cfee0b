"""The curator opens a pair just formed in December on a phone: its plan's terms run within the programme, the
month-named ones in their month, and nothing is overdue before the pair begins work."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from mentoring.models import Role
from pairs import services
from programs.models import MentoringForm
from tests.factories import (
    MembershipFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
)

from .conftest import assert_fits_the_window, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_proposed_pairs_plan_is_due_within_the_programme_and_nothing_is_overdue(phone: Page):
    with time_machine.travel(datetime.datetime(2026, 12, 8, 10, tzinfo=ZoneInfo("Europe/Moscow")), tick=True):
        school = SchoolFactory()
        MembershipFactory(user=UserFactory(username="curator"), organisation=school, role=Role.CURATOR)
        programme = ProgrammeFactory(school=school, form=MentoringForm.objects.get(code="pupil_pupil"))
        mentee = MenteeEntryFactory(person__school=school)
        pair = services.pair_create(
            programme=programme,
            mentor_id=MentorEntryFactory(person__school=school).pk,
            mentee_ids=[mentee.pk],
            role_models={mentee.pk: None},
            explanation={},
            by=None,
        )

        log_in(phone, "curator")
        phone.goto(f"/pairs/{pair.pk}/")

        plan = phone.get_by_role("table").filter(has_text="Анкетирование")
        march = plan.get_by_role("row").filter(has_text="Анкетирование. Форматы анкет")
        expect(march).to_contain_text("В марте")
        expect(march).to_contain_text("до 31.03.2027")
        april = plan.get_by_role("row").filter(has_text="мониторинга личной удовлетворенности")
        expect(april).to_contain_text("В апреле")
        expect(april).to_contain_text("до 30.04.2027")
        expect(plan).not_to_contain_text(".07.2027")
        expect(phone.get_by_text("просрочено")).to_have_count(0)
        assert_fits_the_window(phone)
