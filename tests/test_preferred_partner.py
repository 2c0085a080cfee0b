"""The preferred-partner survey: each respondent picks partners of the other side of the survey's programme,
and the answers become the programme's preferences that matching weighs."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Role
from monitoring import services
from monitoring.builtins import builtins_sync
from monitoring.forms import QuestionFormSet
from monitoring.models import Answer, Invitation, Question, Questionnaire, Response, Survey
from pairs import matching, proposals
from pairs.models import Preference, Proposal

from .factories import (
    InvitationFactory,
    MenteeEntryFactory,
    MentorEntryFactory,
    PersonFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SurveyFactory,
)
from .test_matching_pages import flashed, programme_of, pupil_mentee, teacher_mentor, text
from .test_questionnaires import edit_data
from .test_surveys import create_data

MENTEE, MENTOR = Preference.Side.MENTEE, Preference.Side.MENTOR
PARTNER = Question.Kind.PARTNER
pytestmark = pytest.mark.django_db


def builtin() -> Questionnaire:
    return Questionnaire.objects.builtin().get(purpose=Questionnaire.Purpose.PREFERRED_PARTNER)


@pytest.fixture
def programme(school):
    return programme_of(school)


@pytest.fixture
def people(school):
    return {
        "orlova": teacher_mentor(school, last_name="Орлова"),
        "sedova": teacher_mentor(school, last_name="Седова"),
        "belova": teacher_mentor(school, last_name="Белова"),
        "zaytseva": pupil_mentee(school, last_name="Зайцева"),
        "lisina": pupil_mentee(school, last_name="Лисина"),
    }


@pytest.fixture
def survey(school, programme):
    return SurveyFactory(questionnaire=builtin(), school=school, programme=programme)


def invite(survey, entry, **values) -> Invitation:
    return InvitationFactory(survey=survey, person=entry.person, **values)


def page(client, invitation):
    return client.get(f"/a/{invitation.token}/")


def answer(client, invitation, *partners, **raw):
    """Submit the built-in questionnaire by link: the partners in question order, None leaves one empty."""
    questions = list(invitation.survey.questionnaire.questions.all())
    data = {"submit": ""} | {
        f"q{q.pk}": partner.pk for q, partner in zip(questions, partners, strict=False) if partner
    }
    data |= {f"q{questions[int(index)].pk}": value for index, value in raw.items()}
    return client.post(f"/a/{invitation.token}/", data, follow=True)


def choices(programme, side: str) -> list[tuple[int, int, int]]:
    rows = Preference.objects.filter(programme=programme, side=side).order_by("rank")
    return list(rows.values_list("mentor", "mentee", "rank"))


def offered(response, question_index: int = 0) -> dict[str, str]:
    form = response.context["form"]
    field = form.fields[f"q{form.questions[question_index].pk}"]
    return {value: label for value, label in field.choices if value}


def test_the_builtin_preferred_partner_questionnaire_asks_three_partner_questions():
    assert list(builtin().questions.values_list("kind", "required")) == [
        (PARTNER, True),
        (PARTNER, False),
        (PARTNER, False),
    ]


def test_the_sync_turns_the_open_questions_of_an_existing_database_into_partner_questions():
    builtin().questions.update(kind=Question.Kind.OPEN)

    builtins_sync()

    assert set(builtin().questions.values_list("kind", flat=True)) == {PARTNER}


def test_a_mentee_answering_by_link_sets_ranked_preferences_of_the_programme(
    client, survey, programme, people
):
    zaytseva, orlova, sedova = people["zaytseva"], people["orlova"], people["sedova"]
    invitation = invite(survey, zaytseva, role=Role.MENTEE)

    response = answer(client, invitation, sedova, None, orlova)

    assert "Спасибо! Ответы отправлены." in text(response)
    assert choices(programme, MENTEE) == [(sedova.pk, zaytseva.pk, 1), (orlova.pk, zaytseva.pk, 2)]
    stored = Answer.objects.filter(response__invitation=invitation).order_by("question__order")
    assert [(a.text, a.chosen) for a in stored] == [
        ("Седова Елена Викторовна", [str(sedova.pk)]),
        ("Орлова Елена Викторовна", [str(orlova.pk)]),
    ]


def test_the_form_offers_the_programmes_mentors_to_a_mentee_and_shows_the_answer_again(
    client, survey, people
):
    invitation = invite(survey, people["zaytseva"])
    answer(client, invitation, people["orlova"])

    response = page(client, invitation)

    assert offered(response) == {
        str(people["belova"].pk): "Белова Елена Викторовна",
        str(people["orlova"].pk): "Орлова Елена Викторовна",
        str(people["sedova"].pk): "Седова Елена Викторовна",
    }
    assert f'<option value="{people["orlova"].pk}" selected>' in response.text


def test_a_mentor_chooses_among_mentees_with_their_class(client, survey, programme, people):
    orlova, zaytseva, lisina = people["orlova"], people["zaytseva"], people["lisina"]
    invitation = invite(survey, orlova)

    assert offered(page(client, invitation)) == {
        str(lisina.pk): "Лисина Анна Сергеевна, 6 «Б»",
        str(zaytseva.pk): "Зайцева Анна Сергеевна, 6 «Б»",
    }
    answer(client, invitation, lisina, zaytseva)

    assert choices(programme, MENTOR) == [(orlova.pk, lisina.pk, 1), (orlova.pk, zaytseva.pk, 2)]
    assert choices(programme, MENTEE) == []


def test_a_parent_answers_for_the_mentee_among_mentors(client, survey, programme, people):
    invitation = invite(survey, people["lisina"], respondent=Invitation.Respondent.PARENT)

    answer(client, invitation, people["belova"])

    assert choices(programme, MENTEE) == [(people["belova"].pk, people["lisina"].pk, 1)]


def test_a_correction_replaces_the_earlier_choice(client, survey, programme, people):
    zaytseva, orlova, sedova, belova = (
        people["zaytseva"],
        people["orlova"],
        people["sedova"],
        people["belova"],
    )
    invitation = invite(survey, zaytseva)
    answer(client, invitation, orlova, sedova, belova)

    answer(client, invitation, belova)

    assert choices(programme, MENTEE) == [(belova.pk, zaytseva.pk, 1)]
    assert Answer.objects.filter(response__invitation=invitation).count() == 1


def test_the_same_partner_twice_stores_nothing_and_says_so(client, survey, programme, people):
    invitation = invite(survey, people["zaytseva"])

    response = answer(client, invitation, people["orlova"], people["orlova"])

    assert any("Один и тот же участник выбран дважды" in message for message in flashed(response))
    assert not Preference.objects.exists()
    assert not Response.objects.filter(invitation=invitation, submitted_at__isnull=False).exists()
    assert not Answer.objects.exists()


def test_a_forged_partner_id_stores_nothing(client, survey, people, other_school):
    stranger = teacher_mentor(other_school, last_name="Чужая")
    invitation = invite(survey, people["zaytseva"])

    response = answer(client, invitation, **{"0": stranger.pk})

    assert "Выберите участника из списка." in text(response)
    assert not Preference.objects.exists()
    assert not Answer.objects.exists()


def test_a_candidate_of_another_school_is_never_offered(client, survey, people, other_school):
    stranger = teacher_mentor(other_school, last_name="Чужая")

    choices_offered = offered(page(client, invite(survey, people["zaytseva"])))

    assert str(stranger.pk) not in choices_offered
    assert "Чужая" not in " ".join(choices_offered.values())


def test_who_left_the_base_is_not_offered(client, survey, people):
    people["sedova"].status = people["sedova"].Status.LEFT
    people["sedova"].save()

    assert str(people["sedova"].pk) not in offered(page(client, invite(survey, people["zaytseva"])))


def test_the_respondent_is_never_offered_itself(client, school):
    programme = programme_of(school, code="pupil_pupil")
    person = PersonFactory(school=school, last_name="Соколов", grade=9)
    own_mentee_entry = MenteeEntryFactory(person=person)
    MentorEntryFactory(person=person)
    other = MenteeEntryFactory(person=PersonFactory(school=school, last_name="Кузнецов", grade=5))
    survey = SurveyFactory(questionnaire=builtin(), school=school, programme=programme)

    choices_offered = offered(page(client, InvitationFactory(survey=survey, person=person, role=Role.MENTOR)))

    assert str(other.pk) in choices_offered
    assert str(own_mentee_entry.pk) not in choices_offered


def test_a_respondent_without_an_entry_of_its_side_is_told_so_and_nothing_is_stored(client, survey, people):
    invitation = invite(survey, people["zaytseva"], role=Role.MENTOR)

    response = answer(client, invitation, **{"0": people["lisina"].pk})

    assert "Участника нет в базе наставников школы" in text(response)
    assert not Preference.objects.exists()
    assert not Answer.objects.exists()


def test_a_survey_of_the_preferences_questionnaire_needs_a_programme(curator_client, people):
    data = create_data(builtin(), **{"who-chooser": "hand", "who-people": [people["zaytseva"].person.pk]})

    response = curator_client.post("/surveys/new/", data)

    assert "Для анкеты предпочтений выберите программу: выбор делается среди её участников." in text(response)
    assert not Survey.objects.exists()


def test_the_survey_form_takes_its_programme_and_questionnaire_from_the_link(curator_client, programme):
    response = curator_client.get(f"/surveys/new/?programme={programme.pk}&questionnaire={builtin().pk}")

    form = response.context["form"]
    assert form["programme"].value() == str(programme.pk)
    assert form["questionnaire"].value() == str(builtin().pk)


def test_the_preferences_page_counts_the_answers_and_links_to_a_new_survey(
    curator_client, client, survey, programme, people
):
    invite(survey, people["lisina"])
    answer(client, invite(survey, people["zaytseva"]), people["orlova"])

    response = curator_client.get(reverse("preference_list", args=[programme.pk]))

    assert "заполнили 1 из 2 приглашённых" in text(response)
    assert f"/surveys/new/?programme={programme.pk}&amp;questionnaire={builtin().pk}" in response.text


def test_matching_then_weighs_the_answered_preference(client, survey, programme, people, make_user, school):
    zaytseva, orlova, sedova = people["zaytseva"], people["orlova"], people["sedova"]
    curator = make_user(Role.CURATOR, school)

    def paired_with() -> int:
        proposal = proposals.proposal_create(
            programme=programme,
            mentor_ids=[orlova.pk, sedova.pk],
            mentee_ids=[zaytseva.pk],
            weights=matching.Weights(),
            by=curator,
        )
        return proposal.pairs.get().mentor_id

    other = sedova if paired_with() == orlova.pk else orlova
    answer(client, invite(survey, zaytseva), other)

    assert paired_with() == other.pk
    assert Proposal.objects.order_by("pk").last().pairs.get().contributions["preferences"] == 200


# The questionnaire editor.


def test_the_partner_kind_is_offered_only_in_a_preferences_questionnaire(school):
    def kinds(questionnaire) -> set[str]:
        form = QuestionFormSet(instance=questionnaire, prefix="questions").forms[0]
        return {value for value, _ in form.fields["kind"].choices}

    preferences = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.PREFERRED_PARTNER)
    assert PARTNER in kinds(preferences)
    assert PARTNER not in kinds(QuestionnaireFactory(school=school))


def test_the_service_refuses_a_partner_question_in_another_questionnaire(curator_client, school):
    questionnaire = QuestionnaireFactory(school=school)
    new = {"text": "Кого вы выбираете?", "kind": PARTNER, "required": True}

    response = curator_client.post(
        reverse("questionnaire_edit", args=[questionnaire.pk]), edit_data(questionnaire, new=[new])
    )

    assert response.status_code == 200
    assert not questionnaire.questions.filter(kind=PARTNER).exists()
    with pytest.raises(ValidationError, match="только в анкете предпочитаемого"):
        services.questionnaire_update(
            questionnaire=questionnaire,
            data={"title": "Анкета", "description": "", "audience": "everyone", "mentor_sees_answers": False},
            rows=[
                services.QuestionRow(None, {"order": 1, "text": "Кого?", "kind": PARTNER, "required": False})
            ],
        )


def test_a_preferences_questionnaire_asks_for_at_most_three_partners(school):
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.PREFERRED_PARTNER)
    row = {"text": "Ещё выбор", "kind": PARTNER, "required": False}

    with pytest.raises(ValidationError, match="не больше 3"):
        services.questionnaire_update(
            questionnaire=questionnaire,
            data={"title": "Анкета", "description": "", "audience": "everyone", "mentor_sees_answers": False},
            rows=[services.QuestionRow(None, row) for _ in range(4)],
        )
    assert not questionnaire.questions.exists()


@pytest.mark.parametrize(("before", "after"), [(PARTNER, Question.Kind.OPEN), (Question.Kind.OPEN, PARTNER)])
def test_a_kind_change_to_or_from_partner_breaks_given_answers(school, before, after):
    questionnaire = QuestionnaireFactory(school=school, purpose=Questionnaire.Purpose.PREFERRED_PARTNER)
    question = QuestionFactory(questionnaire=questionnaire, kind=before, measures="")
    response = Response.objects.create(
        invitation=InvitationFactory(survey=SurveyFactory(questionnaire=questionnaire)),
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=response, question=question, text="Орлова Елена Викторовна")

    problems = services.breaking_changes(services.QuestionRow(question, {"kind": after}))

    assert problems == {"kind": services.KIND_REFUSAL}
