"""The curator's matching pages: candidates and weights, the proposal, its edits and its acceptance."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Consent, MenteeCategory, MenteeEntry, Role
from pairs import matching, proposals
from pairs.models import Pair, Proposal, ProposedPair
from programs.models import MentoringForm, Programme

from .factories import (
    ConsentFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    TeacherFactory,
)

WEIGHTS = {name: value for name, value in matching.Weights().as_dict().items()}


def text(response) -> str:
    return response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»").replace("&#x27;", "'")


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def programme_of(school, code: str = "teacher_pupil", **values) -> Programme:
    return ProgrammeFactory(school=school, form=MentoringForm.objects.get(code=code), **values)


def teacher_mentor(school, *, last_name="Орлова", capacity=2, **entry):
    entry = MentorEntryFactory(
        person=TeacherFactory(school=school, last_name=last_name), capacity=capacity, **entry
    )
    ConsentFactory(person=entry.person, given_by=Consent.GivenBy.SELF, representative_name="")
    return entry


def pupil_mentor(school, *, last_name, grade, capacity=1):
    person = PersonFactory(
        school=school,
        last_name=last_name,
        first_name="Иван",
        patronymic="Петрович",
        grade=grade,
        birth_date=None,
    )
    entry = MentorEntryFactory(person=person, capacity=capacity)
    ConsentFactory(person=entry.person)
    return entry


def pupil_mentee(school, *, last_name, grade=6, consent=True, **values):
    entry = MenteeEntryFactory(
        person=PersonFactory(
            school=school, last_name=last_name, first_name="Анна", patronymic="Сергеевна", grade=grade
        ),
        **values,
    )
    if consent:
        ConsentFactory(person=entry.person)
    return entry


def propose(client, programme, mentors, mentees, **weights):
    """What the page posts when it lists the few names found, each with its box: the ticked ones."""
    listed = {"mentor-listed": "1", "mentee-listed": "1"}
    data = (
        {"mentors": [m.pk for m in mentors], "mentees": [m.pk for m in mentees]} | listed | WEIGHTS | weights
    )
    return client.post(reverse("matching_start", args=[programme.pk]), data)


def proposal_of(programme) -> Proposal:
    return Proposal.objects.get(programme=programme)


def rows_of(proposal) -> set[tuple[int, int]]:
    return set(proposal.pairs.values_list("mentor", "mentee"))


# The matching page.


def test_it_lists_both_bases_with_what_matters_for_matching(curator_client, school):
    programme = programme_of(school)
    mentor = teacher_mentor(school, capacity=3)
    PairFactory(programme=programme_of(school), mentor=mentor)  # one place taken in another programme
    low = MenteeCategory.objects.get(code="low_results")
    keen = pupil_mentee(school, last_name="Зайцева")
    keen.categories.add(low)
    unconsented = pupil_mentee(school, last_name="Волкова", consent=False)
    paired = pupil_mentee(school, last_name="Белова")
    PairFactory(programme=programme, mentor=teacher_mentor(school, last_name="Седова"), mentees=[paired])
    teacher_mentee = MenteeEntryFactory(person=TeacherFactory(school=school, last_name="Юнова"))
    completed = pupil_mentee(school, last_name="Бывшева", status=MenteeEntry.Status.COMPLETED)

    response = curator_client.get(reverse("matching_start", args=[programme.pk]))

    page = text(response)
    assert response.status_code == 200
    assert "2 из 3" in page  # free places
    assert low.name in page and "Согласие от 01.09.2026" in page and "Нет согласия" in page
    assert "Уже в паре этой программы" in page
    assert "Нет согласия на обработку персональных данных" in page  # the rules' verdict on a row
    assert "Юнова" not in page  # a teacher is never a mentee of «учитель – ученик»
    ticked = response.context["ticked"]
    # All found but the one paired here and the one who completed a programme.
    assert ticked["mentee"] == {str(keen.pk), str(unconsented.pk)}
    assert "Наставляемый выбыл из базы, завершил программу или находится в архиве" in page
    assert completed.pk in [row.pk for row in response.context["lists"][1].rows]
    assert str(mentor.pk) in ticked["mentor"]
    assert teacher_mentee.pk not in [row.pk for row in response.context["lists"][1].rows]


def test_the_filters_of_the_bases_narrow_each_list_on_its_own(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)
    sixth, ninth = (
        pupil_mentee(school, last_name="Зайцева", grade=6),
        pupil_mentee(school, last_name="Лисина", grade=9),
    )

    response = curator_client.get(reverse("matching_start", args=[programme.pk]), {"mentee-grade": 9})

    mentors, mentees = response.context["lists"]
    assert [row.pk for row in mentees.rows] == [ninth.pk] and sixth.pk not in response.context["ticked"][
        "mentee"
    ]
    assert len(mentors.rows) == 1


def test_the_filters_are_folded_until_used(curator_client, school):
    url = reverse("matching_start", args=[programme_of(school).pk])

    assert '<details class="card mb-3">' in curator_client.get(url).text
    assert '<details class="card mb-3" open>' in curator_client.get(url, {"mentee-grade": 9}).text


def test_those_a_run_leaves_out_unless_ticked_are_folded_apart(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)
    keen = pupil_mentee(school, last_name="Зайцева")
    paired = pupil_mentee(school, last_name="Белова")
    PairFactory(programme=programme, mentor=teacher_mentor(school, last_name="Седова"), mentees=[paired])

    page = text(curator_client.get(reverse("matching_start", args=[programme.pk])))

    folded = page.split(
        "<summary>Не отмечены: уже в паре, выбыли или не подходят по классу — 1</summary>", 1
    )[1]
    folded = folded.split("</details>", 1)[0]
    assert f'id="mentee-{paired.pk}"' in folded and f'id="mentee-{keen.pk}"' not in folded
    assert f'id="mentee-{keen.pk}" checked' in page


def test_the_page_leaves_unticked_a_pupil_paired_in_another_programme_and_a_first_grader(
    curator_client, school
):
    programme = programme_of(school, "pupil_pupil")
    pupil_mentor(school, last_name="Старшов", grade=10, capacity=3)
    waiting = pupil_mentee(school, last_name="Ждущая", grade=6)
    elsewhere = pupil_mentee(school, last_name="Блохина", grade=7)
    PairFactory(programme=programme_of(school), mentor=teacher_mentor(school), mentees=[elsewhere])
    first_grader = pupil_mentee(school, last_name="Малышева", grade=1)

    response = curator_client.get(reverse("matching_start", args=[programme.pk]))

    page = text(response)
    assert response.context["ticked"]["mentee"] == {str(waiting.pk)}
    assert "Уже в паре другой программы" in page
    assert "Ролевые модели программы — для учеников 5–11 классов" in page
    assert first_grader.pk in [row.pk for row in response.context["lists"][1].aside]


def test_a_pupil_paired_elsewhere_and_ticked_on_purpose_is_proposed_with_the_reason_saying_so(
    curator_client, school
):
    programme = programme_of(school)
    mentor = teacher_mentor(school, capacity=2)
    elsewhere = pupil_mentee(school, last_name="Шилов", grade=7)
    PairFactory(
        programme=programme_of(school), mentor=teacher_mentor(school, last_name="Седова"), mentees=[elsewhere]
    )

    propose(curator_client, programme, [mentor], [elsewhere])

    proposal = proposal_of(programme)
    assert rows_of(proposal) == {(mentor.pk, elsewhere.pk)}
    page = text(curator_client.get(reverse("proposal_detail", args=[proposal.pk])))
    assert matching.INCLUDED_ON_PURPOSE in page


def test_a_waiting_pupil_gets_the_last_place_before_one_paired_in_another_programme(curator_client, school):
    programme = programme_of(school)
    mentor = teacher_mentor(school, capacity=1)
    low = MenteeCategory.objects.get(code="low_results")
    elsewhere = pupil_mentee(school, last_name="Гущина", grade=7)
    elsewhere.categories.add(low)  # the better score
    PairFactory(
        programme=programme_of(school), mentor=teacher_mentor(school, last_name="Седова"), mentees=[elsewhere]
    )
    waiting = pupil_mentee(school, last_name="Ждущая", grade=7)

    propose(curator_client, programme, [mentor], [elsewhere, waiting])

    proposal = proposal_of(programme)
    assert rows_of(proposal) == {(mentor.pk, waiting.pk)}
    page = text(curator_client.get(reverse("proposal_detail", args=[proposal.pk])))
    assert "Уже в паре другой программы: места подходящих наставников отданы тем, кто ждёт пару" in page


def test_each_member_of_a_group_keeps_the_role_model_that_follows_from_the_mentor_and_that_member(
    curator_client, school
):
    programme = programme_of(school)
    mentor = teacher_mentor(school, capacity=2)
    low = pupil_mentee(school, last_name="Бобылев", grade=8)
    low.categories.add(MenteeCategory.objects.get(code="low_results"))
    keen = pupil_mentee(school, last_name="Одарённая", grade=9)
    keen.categories.add(MenteeCategory.objects.get(code="high_ability"))
    propose(curator_client, programme, [mentor], [low, keen])

    curator_client.post(reverse("proposal_accept", args=[proposal_of(programme).pk]))

    pair = Pair.objects.get(programme=programme)
    members = {member.mentee_id: member.role_model.name for member in pair.members.all()}
    assert members == {low.pk: "«Учитель – неуспевающий ученик»", keen.pk: "«Учитель – одарённый ученик»"}
    assert pair.role_model is None  # the members share none
    page = text(curator_client.get(reverse("pair_detail", args=[pair.pk])))
    assert "«Учитель – неуспевающий ученик»" in page and "«Учитель – одарённый ученик»" in page
    # Why each was proposed names that member's own role model.
    assert "Ролевая модель «Учитель – неуспевающий ученик»" in page
    assert "Ролевая модель «Учитель – одарённый ученик»" in page


def test_the_matching_page_runs_the_same_queries_for_few_candidates_and_for_many(curator_client, school):
    programme = programme_of(school)
    url = reverse("matching_start", args=[programme.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(url).status_code == 200
        return len(queries)

    teacher_mentor(school)
    pupil_mentee(school, last_name="Зайцева").categories.add(MenteeCategory.objects.first())
    few = count()
    for n in range(6):
        teacher_mentor(school, last_name=f"Орлова{n}")
        pupil_mentee(school, last_name=f"Зайцева{n}").categories.add(*MenteeCategory.objects.all()[:2])
    assert count() == few


def test_proposing_pairs_stores_the_proposal_and_explains_each_pair(curator_client, school):
    programme = programme_of(school)
    mentor = teacher_mentor(school, capacity=2, subjects="Математика")
    leader_fit = MenteeCategory.objects.get(code="low_results")
    mentee = pupil_mentee(school, last_name="Зайцева", request="Подтянуть знания по математике")
    mentee.categories.add(leader_fit)
    minor = pupil_mentee(school, last_name="Волкова", consent=False)

    response = propose(curator_client, programme, [mentor], [mentee, minor])

    proposal = proposal_of(programme)
    assert response.status_code == 302 and response.url == reverse("proposal_detail", args=[proposal.pk])
    row = proposal.pairs.get()
    assert (row.mentor, row.mentee, row.role_model.name) == (
        mentor,
        mentee,
        "«Учитель – неуспевающий ученик»",
    )
    assert row.score == sum(row.contributions.values()) > 0
    assert proposal.weights == WEIGHTS and proposal.created_by is not None
    page = text(curator_client.get(response.url))
    assert "Ролевая модель «Учитель – неуспевающий ученик» +300" in page
    assert "Компетенции наставника отвечают запросу наставляемого +" in page
    assert "Нет согласия на обработку персональных данных" in page  # the unpaired minor and why
    assert "Для психологического сопровождения и продолжения поиска" in page
    assert "мест: 1" in page  # the mentor keeps one free place


def test_the_weights_chosen_change_the_points(curator_client, school):
    programme = programme_of(school)
    mentor = teacher_mentor(school, interests="шахматы")
    mentee = pupil_mentee(school, last_name="Зайцева", interests="шахматы")

    propose(curator_client, programme, [mentor], [mentee], interests=0, request=0, subjects=0)

    assert proposal_of(programme).pairs.get().contributions == {}


def test_a_weight_out_of_range_is_refused_next_to_the_field_and_nothing_is_proposed(curator_client, school):
    programme = programme_of(school)
    mentor, mentee = teacher_mentor(school), pupil_mentee(school, last_name="Зайцева")

    response = propose(curator_client, programme, [mentor], [mentee], interests=7)

    assert response.status_code == 200
    assert "Вес не может быть больше 5." in text(response)
    assert response.context["ticked"]["mentee"] == {str(mentee.pk)}  # what was ticked stays ticked
    assert not Proposal.objects.exists()


def test_nothing_ticked_is_refused_with_a_russian_message(curator_client, school):
    programme = programme_of(school)
    teacher_mentor(school)

    response = propose(curator_client, programme, [], [])

    assert "Отметьте хотя бы одного наставника." in text(response)
    assert "Отметьте хотя бы одного наставляемого." in text(response)
    assert not Proposal.objects.exists()


def test_an_entry_of_another_school_sent_by_hand_is_refused(curator_client, school, other_school):
    programme = programme_of(school)
    stranger = teacher_mentor(other_school)

    response = propose(curator_client, programme, [stranger], [pupil_mentee(school, last_name="Зайцева")])

    assert "Отмеченного наставника нет в базе этой школы." in text(response)
    assert not Proposal.objects.exists()


def test_the_service_ignores_entries_of_other_schools(school, other_school, make_user):
    programme = programme_of(school)
    mine, theirs = teacher_mentor(school), teacher_mentor(other_school)
    mentee = pupil_mentee(school, last_name="Зайцева")

    proposal = proposals.proposal_create(
        programme=programme,
        mentor_ids=[theirs.pk, mine.pk],
        mentee_ids=[mentee.pk, pupil_mentee(other_school, last_name="Чужая").pk],
        weights=matching.Weights(),
        by=make_user(Role.CURATOR, school),
    )

    assert list(proposal.mentors.all()) == [mine] and list(proposal.mentees.all()) == [mentee]
    assert rows_of(proposal) == {(mine.pk, mentee.pk)}


def test_a_completed_programme_has_no_matching_page(curator_client, school):
    programme = programme_of(school, status=Programme.Status.COMPLETED)

    assert curator_client.get(reverse("matching_start", args=[programme.pk])).status_code == 404


# Editing the proposal by hand.


@pytest.fixture
def pupil_programme(school):
    return programme_of(school, "pupil_pupil")


@pytest.fixture
def draft(curator_client, school, pupil_programme):
    """A pupil mentor of the 9th class with two places, one of the 7th with one, and three mentees."""
    senior = pupil_mentor(school, last_name="Старшова", grade=9, capacity=2)
    junior = pupil_mentor(school, last_name="Младшова", grade=7)
    eighth = pupil_mentee(school, last_name="Восьмова", grade=8)
    sixth = pupil_mentee(school, last_name="Шестова", grade=6)
    fifth = pupil_mentee(school, last_name="Пятова", grade=5)
    propose(curator_client, pupil_programme, [senior, junior], [eighth, sixth, fifth])
    proposal = proposal_of(pupil_programme)
    return proposal, senior, junior, eighth, sixth, fifth


def edit(client, proposal, action: str, **data):
    return client.post(reverse(f"proposal_{action}", args=[proposal.pk]), data, follow=True)


def test_matching_fills_every_place_the_rules_allow(draft):
    proposal, senior, junior, eighth, sixth, fifth = draft

    assert len(rows_of(proposal)) == 3
    assert (senior.pk, eighth.pk) in rows_of(proposal)  # only the 9th-grader may mentor the 8th-grader


def test_removing_a_pair_puts_its_mentee_among_those_without_a_pair(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    row = proposal.pairs.get(mentee=eighth)

    response = edit(curator_client, proposal, "remove", row_id=row.pk)

    assert "Пара убрана из предложения." in flashed(response)
    assert not proposal.pairs.filter(mentee=eighth).exists()
    unpaired = dict((mentee.entry_id, reason) for mentee, reason in response.context["review"].unpaired)
    assert unpaired == {eighth.pk: matching.FREE_MENTOR_LEFT}


def test_a_pair_added_by_hand_is_scored_and_marked(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    proposal.pairs.filter(mentee=eighth).delete()

    response = edit(curator_client, proposal, "add", mentor_id=senior.pk, mentee_id=eighth.pk)

    row = proposal.pairs.get(mentee=eighth)
    assert "Пара добавлена в предложение." in flashed(response)
    assert row.by_hand and row.mentor == senior and row.score == sum(row.contributions.values())
    assert "добавлена вручную" in text(response)


def test_adding_a_pair_that_breaks_the_age_rule_is_refused_and_nothing_changes(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    proposal.pairs.filter(mentee=eighth).delete()
    before = rows_of(proposal)

    response = edit(curator_client, proposal, "add", mentor_id=junior.pk, mentee_id=eighth.pk)

    assert (
        "Восьмова Анна Сергеевна и Младшова Иван Петрович: наставник-ученик должен учиться в более старшем "
        "классе, чем наставляемый." in flashed(response)
    )
    assert rows_of(proposal) == before


def test_adding_a_pair_beyond_the_mentors_places_is_refused(curator_client, school, draft):
    proposal, senior, junior, *_ = draft
    extra = pupil_mentee(school, last_name="Четвертова", grade=4)
    proposal.mentees.add(extra)
    before = rows_of(proposal)

    response = edit(curator_client, proposal, "add", mentor_id=junior.pk, mentee_id=extra.pk)

    assert any(
        "свободных мест у наставника 1, и все они уже заняты в этом предложении" in m
        for m in flashed(response)
    )
    assert rows_of(proposal) == before


def test_adding_a_minor_without_a_representatives_consent_is_refused(curator_client, school, draft):
    proposal, senior, junior, eighth, *_ = draft
    proposal.pairs.filter(mentee=eighth).delete()
    consent = eighth.person.consents.get()
    consent.given_by, consent.representative_name = Consent.GivenBy.SELF, ""
    consent.save()

    response = edit(curator_client, proposal, "add", mentor_id=senior.pk, mentee_id=eighth.pk)

    assert any("нужно согласие родителя (законного представителя)" in m for m in flashed(response))
    assert not proposal.pairs.filter(mentee=eighth).exists()


def test_adding_someone_who_is_not_a_candidate_of_the_proposal_is_refused(curator_client, school, draft):
    proposal, senior, *_ = draft
    outsider = pupil_mentee(school, last_name="Посторонняя", grade=4)

    response = edit(curator_client, proposal, "add", mentor_id=senior.pk, mentee_id=outsider.pk)

    assert proposals.NOT_A_MENTEE in flashed(response)
    assert not proposal.pairs.filter(mentee=outsider).exists()


def test_changing_a_mentor_rescores_the_pair(curator_client, draft):
    proposal, senior, junior, eighth, sixth, fifth = draft
    row = proposal.pairs.exclude(mentor=senior).get()
    proposal.pairs.filter(mentor=senior).exclude(mentee=eighth).delete()

    response = edit(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id=senior.pk)

    row.refresh_from_db()
    assert "Наставник пары изменён." in flashed(response)
    assert row.mentor == senior and row.score == sum(row.contributions.values())


def test_changing_to_a_younger_pupil_mentor_is_refused_and_nothing_changes(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    row = proposal.pairs.get(mentee=eighth)
    proposal.pairs.filter(mentor=junior).delete()

    response = edit(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id=junior.pk)

    assert any("наставник-ученик должен учиться в более старшем классе" in m for m in flashed(response))
    row.refresh_from_db()
    assert row.mentor == senior


def test_changing_to_a_mentor_without_a_free_place_is_refused(curator_client, draft):
    proposal, senior, junior, eighth, sixth, fifth = draft
    row = proposal.pairs.filter(mentor=senior).exclude(mentee=eighth).get()

    response = edit(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id=junior.pk)

    assert any("все они уже заняты в этом предложении" in m for m in flashed(response))
    row.refresh_from_db()
    assert row.mentor == senior


def test_a_change_is_checked_against_what_happened_since_the_proposal(curator_client, draft):
    proposal, senior, junior, eighth, sixth, fifth = draft
    row = proposal.pairs.get(mentor=junior)
    proposal.pairs.filter(mentor=senior).exclude(mentee=eighth).delete()
    senior.person.consents.update(revoked_at="2026-10-01")

    response = edit(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id=senior.pk)

    assert any("нет согласия на обработку персональных данных" in m for m in flashed(response))
    row.refresh_from_db()
    assert row.mentor == junior


def test_swapping_exchanges_the_mentors_of_two_pairs(curator_client, draft):
    proposal, senior, junior, eighth, sixth, fifth = draft
    young = proposal.pairs.get(mentor=junior)
    other = proposal.pairs.filter(mentor=senior).exclude(mentee=eighth).get()

    response = edit(curator_client, proposal, "swap", row_id=young.pk, other_row_id=other.pk)

    assert "Пары обменялись наставниками." in flashed(response)
    young.refresh_from_db(), other.refresh_from_db()
    assert (young.mentor, other.mentor) == (senior, junior)


def test_a_swap_that_breaks_a_rule_is_refused_and_nothing_changes(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    before = rows_of(proposal)
    young = proposal.pairs.get(mentor=junior)

    response = edit(
        curator_client, proposal, "swap", row_id=young.pk, other_row_id=proposal.pairs.get(mentee=eighth).pk
    )

    assert any("наставник-ученик должен учиться в более старшем классе" in m for m in flashed(response))
    assert rows_of(proposal) == before


def test_an_edit_sent_without_its_choice_gets_a_russian_message(curator_client, draft):
    proposal, *_ = draft
    row = proposal.pairs.first()

    response = edit(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id="")

    assert "Выберите нового наставника." in flashed(response)


def test_an_edit_of_a_pair_already_removed_says_so(curator_client, draft):
    proposal, senior, *_ = draft
    row = proposal.pairs.first()
    row_id = row.pk
    row.delete()

    response = edit(curator_client, proposal, "remove", row_id=row_id)

    assert proposals.ROW_GONE in flashed(response)


# The page stays where the curator works: htmx swaps in the changed review, a plain post returns to an anchor.


def post(client, proposal, action: str, *, htmx: bool = False, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse(f"proposal_{action}", args=[proposal.pk]), data, headers=headers)


def inside(page: str, element_id: str, end: str) -> str:
    """The markup of the element with the id, up to its closing tag."""
    return page.split(f'id="{element_id}"', 1)[1].split(end, 1)[0]


@pytest.fixture
def movable(draft):
    """The draft with a free place at the senior mentor, so that the junior's pair may move to it."""
    proposal, senior, junior, eighth, *_ = draft
    proposal.pairs.filter(mentor=senior).exclude(mentee=eighth).delete()
    return proposal, senior, proposal.pairs.get(mentor=junior)


def test_an_edit_by_htmx_answers_with_the_review_alone_and_says_what_it_did_beside_the_pair(
    curator_client, movable
):
    proposal, senior, row = movable

    response = post(curator_client, proposal, "change_mentor", htmx=True, row_id=row.pk, mentor_id=senior.pk)

    page = text(response)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "pairs/partials/proposal_changed.html"
    assert page.lstrip().startswith('<div id="proposal-review"') and "<main" not in page
    assert "Наставник пары изменён." in inside(page, f"proposed-pair-{row.pk}", "</li>")
    assert "autofocus" in inside(page, f"proposed-pair-{row.pk}", "</li>")
    assert inside(page, f"proposed-group-{senior.pk}", "</article>").count('id="proposed-pair-') == 2
    summary = inside(page, "proposal-summary", "</div>")
    assert 'hx-swap-oob="true"' in summary and "Пар в предложении: 2" in summary
    assert "Наставник пары изменён." not in text(curator_client.get(f"/proposals/{proposal.pk}/"))


def test_a_refused_edit_by_htmx_is_told_beside_the_form_and_changes_nothing(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    before = rows_of(proposal)
    young = proposal.pairs.get(mentor=junior)

    response = post(
        curator_client,
        proposal,
        "swap",
        htmx=True,
        row_id=young.pk,
        other_row_id=proposal.pairs.get(mentee=eighth).pk,
    )

    swap_form = inside(text(response), "proposed-swap", "</section>")
    assert "наставник-ученик должен учиться в более старшем классе" in swap_form
    assert rows_of(proposal) == before


def test_a_plain_post_comes_back_to_the_anchor_of_the_changed_pair(curator_client, movable):
    proposal, senior, row = movable

    response = post(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id=senior.pk)

    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/#proposed-pair-{row.pk}"
    assert f'id="proposed-pair-{row.pk}"' in curator_client.get(f"/proposals/{proposal.pk}/").text


def test_a_removed_pair_comes_back_to_its_group_or_to_the_group_now_in_its_place(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    page = f"/proposals/{proposal.pk}/"

    first = post(
        curator_client, proposal, "remove", row_id=proposal.pairs.get(mentor=senior, mentee=eighth).pk
    )
    last = post(curator_client, proposal, "remove", row_id=proposal.pairs.get(mentor=junior).pk)

    assert first["Location"] == f"{page}#proposed-group-{senior.pk}"
    assert (
        last["Location"] == f"{page}#proposed-group-{senior.pk}"
    )  # Младшова's group went, Старшова's follows
    assert f'id="proposed-group-{senior.pk}"' in curator_client.get(page).text


def test_a_refused_edit_comes_back_to_the_form_that_was_sent(curator_client, draft):
    proposal, senior, junior, eighth, *_ = draft
    row = proposal.pairs.get(mentee=eighth)

    change = post(curator_client, proposal, "change_mentor", row_id=row.pk, mentor_id=junior.pk)
    add = post(curator_client, proposal, "add", mentor_id=junior.pk, mentee_id=eighth.pk)

    assert change["Location"] == f"/proposals/{proposal.pk}/#proposed-pair-{row.pk}"
    assert add["Location"] == f"/proposals/{proposal.pk}/#proposed-add"
    assert 'id="proposed-add"' in curator_client.get(f"/proposals/{proposal.pk}/").text


def test_those_left_without_a_pair_are_listed_under_each_reason_once(curator_client, draft):
    proposal, senior, junior, eighth, sixth, fifth = draft
    proposal.pairs.exclude(mentee=eighth).delete()

    page = text(curator_client.get(f"/proposals/{proposal.pk}/"))

    unpaired = inside(page, "unpaired-title", "</section>")
    assert unpaired.count(matching.FREE_MENTOR_LEFT.capitalize()) == 1
    assert f"{matching.FREE_MENTOR_LEFT.capitalize()} — 2" in unpaired
    assert "Пятова Анна Сергеевна (5 «Б»);" in unpaired and "Шестова Анна Сергеевна (6 «Б»)" in unpaired


# Accepting.


def test_accepting_forms_the_pairs_and_groups_and_goes_to_the_pairs_of_the_programme(curator_client, draft):
    proposal, senior, junior, eighth, sixth, fifth = draft

    response = curator_client.post(reverse("proposal_accept", args=[proposal.pk]))

    assert response.status_code == 302
    assert response.url == f"{reverse('pair_list')}?programme={proposal.programme_id}"
    senior_group = Pair.objects.get(mentor=senior)
    assert senior_group.status == Pair.Status.PROPOSED and senior_group.members.count() == 2
    assert Pair.objects.get(mentor=junior).members.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_a_second_accept_of_the_same_proposal_creates_nothing(curator_client, draft):
    proposal, *_ = draft
    url = reverse("proposal_accept", args=[proposal.pk])
    curator_client.post(url)

    response = curator_client.post(url, follow=True)

    assert "Это предложение уже принято: пары сформированы." in flashed(response)
    assert Pair.objects.count() == 2


def test_an_accepted_proposal_cannot_be_edited(curator_client, draft):
    proposal, *_ = draft
    curator_client.post(reverse("proposal_accept", args=[proposal.pk]))
    row = proposal.pairs.first()

    response = edit(curator_client, proposal, "remove", row_id=row.pk)

    assert proposals.ACCEPTED in flashed(response)
    assert ProposedPair.objects.filter(pk=row.pk).exists()
    assert "Сменить наставника" not in text(response) and "Принять предложение" not in text(response)


def test_the_proposal_page_runs_the_same_queries_for_few_pairs_and_for_many(curator_client, school):
    programme = programme_of(school)
    url = None

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(url).status_code == 200
        return len(queries)

    mentors = [teacher_mentor(school, last_name="Орлова")]
    mentees = [pupil_mentee(school, last_name="Зайцева")]
    propose(curator_client, programme, mentors, mentees)
    url = reverse("proposal_detail", args=[proposal_of(programme).pk])
    few = count()
    Proposal.objects.all().delete()
    mentors += [teacher_mentor(school, last_name=f"Орлова{n}", capacity=3) for n in range(3)]
    mentees += [pupil_mentee(school, last_name=f"Зайцева{n}") for n in range(8)]
    propose(curator_client, programme, mentors, mentees)
    url = reverse("proposal_detail", args=[proposal_of(programme).pk])
    assert proposal_of(programme).pairs.count() == 9
    assert count() == few


# Access.

OTHER_ROLES = [Role.DIRECTOR, Role.PSYCHOLOGIST, Role.MENTOR, Role.MENTEE, Role.TEACHER]


def pages(programme, proposal):
    return [
        ("get", reverse("matching_start", args=[programme.pk])),
        ("get", reverse("preference_list", args=[programme.pk])),
        ("get", reverse("preference_import", args=[programme.pk])),
        ("get", reverse("proposal_detail", args=[proposal.pk])),
        ("post", reverse("proposal_accept", args=[proposal.pk])),
        ("post", reverse("proposal_remove", args=[proposal.pk])),
        ("post", reverse("proposal_add", args=[proposal.pk])),
        ("post", reverse("proposal_swap", args=[proposal.pk])),
        ("post", reverse("proposal_change_mentor", args=[proposal.pk])),
    ]


@pytest.fixture
def foreign(other_school, make_user):
    """Another school's programme with a draft proposal."""
    programme = programme_of(other_school)
    proposal = proposals.proposal_create(
        programme=programme,
        mentor_ids=[teacher_mentor(other_school).pk],
        mentee_ids=[pupil_mentee(other_school, last_name="Чужая").pk],
        weights=matching.Weights(),
        by=make_user(Role.CURATOR, other_school),
    )
    return programme, proposal


@pytest.mark.parametrize("role", [Role.CURATOR, Role.COORDINATOR, *OTHER_ROLES])
def test_another_schools_matching_pages_are_a_404_for_every_role(client_as, school, foreign, role):
    organisation = school.department if role == Role.COORDINATOR else school
    if role == Role.COORDINATOR:
        foreign[0].school.department = school.department  # even a school this coordinator oversees
        foreign[0].school.save()
    client = client_as(role, organisation)

    for method, url in pages(*foreign):
        assert getattr(client, method)(url).status_code == 404, url
    assert foreign[1].pairs.count() == 1 and not Pair.objects.exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_curator_of_the_school_uses_the_matching_pages(client_as, school, make_user, role):
    programme = programme_of(school)
    proposal = proposals.proposal_create(
        programme=programme,
        mentor_ids=[teacher_mentor(school).pk],
        mentee_ids=[pupil_mentee(school, last_name="Зайцева").pk],
        weights=matching.Weights(),
        by=make_user(Role.CURATOR, school),
    )
    client = client_as(role, school)

    for method, url in pages(programme, proposal):
        assert getattr(client, method)(url).status_code == 404, url
    assert proposal.pairs.count() == 1 and not Pair.objects.exists()
