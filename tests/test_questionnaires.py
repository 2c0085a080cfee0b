"""The curator's questionnaire pages: list, questions, copy, edit and the rules that keep answers whole."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Role
from monitoring import services
from monitoring.models import Answer, Question, Questionnaire, Response

from .factories import InvitationFactory, QuestionFactory, QuestionnaireFactory, SurveyFactory

READERS = (Role.CURATOR, Role.DIRECTOR, Role.PSYCHOLOGIST)


def builtin(code: str = "satisfaction_test", **fields) -> Questionnaire:
    return QuestionnaireFactory(school=None, code=code, **fields)


def answer(question: Question, school=None) -> Answer:
    """A submitted answer; a built-in questionnaire is answered through a survey of `school`."""
    survey = SurveyFactory(
        questionnaire=question.questionnaire, school=school or question.questionnaire.school
    )
    response = Response.objects.create(
        invitation=InvitationFactory(survey=survey), submitted_at=timezone.now()
    )
    return Answer.objects.create(response=response, question=question, number=5)


def edit_data(questionnaire: Questionnaire, *, change=None, new=(), delete=(), **fields) -> dict:
    """The edit form as the page sends it: every question as it is, `change` by row, `new` rows appended."""
    data = {
        "title": questionnaire.title,
        "description": questionnaire.description,
        "audience": questionnaire.audience,
        **({"mentor_sees_answers": "on"} if questionnaire.mentor_sees_answers else {}),
        **fields,
    }
    questions = list(questionnaire.questions.all())
    rows = []
    for index, q in enumerate(questions):
        row = {
            "id": q.pk,
            "order": q.order,
            "text": q.text,
            "kind": q.kind,
            "required": q.required,
            "choices": "\n".join(q.choices),
            "scale_min": q.scale_min,
            "scale_max": q.scale_max,
            "scale_min_label": q.scale_min_label,
            "scale_max_label": q.scale_max_label,
            "measures": q.measures,
            "topic": q.topic,
        }
        rows.append(row | (change or {}).get(index, {}) | ({"DELETE": True} if index in delete else {}))
    rows += list(new)
    data |= {
        "questions-TOTAL_FORMS": len(rows),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                value = "on"
            if value is not None and value is not False:
                data[f"questions-{index}-{name}"] = value
    return data


NEW_OPEN = {"text": "Что бы вы изменили в программе?", "kind": "open"}


def post_edit(client, questionnaire, **kwargs):
    return client.post(
        reverse("questionnaire_edit", args=[questionnaire.pk]), edit_data(questionnaire, **kwargs)
    )


def form_errors(response) -> str:
    forms = [response.context["form"], *response.context["questions"].forms]
    return " ".join(str(form.errors) for form in forms) + str(response.context["questions"].non_form_errors())


@pytest.fixture
def own(school) -> Questionnaire:
    questionnaire = QuestionnaireFactory(school=school, title="Анкета удовлетворённости (копия)")
    QuestionFactory(questionnaire=questionnaire, order=1)
    QuestionFactory(
        questionnaire=questionnaire,
        order=2,
        text="Какой формат встреч вам удобнее?",
        kind=Question.Kind.SINGLE,
        choices=["очно", "онлайн"],
        scale_min=None,
        scale_max=None,
        scale_min_label="",
        scale_max_label="",
        measures="",
    )
    return questionnaire


# The list.


@pytest.mark.parametrize("role", READERS)
def test_the_school_readers_see_built_in_and_own_questionnaires_apart(client_as, school, own, role):
    builtin(title="Анкета наставляемого")
    QuestionnaireFactory(title="Чужая анкета")
    answer(own.questions.first())
    response = client_as(role, school).get(reverse("questionnaire_list"))
    assert response.status_code == 200
    assert response.context["section"] == "questionnaires"
    (_, builtins, _), (_, owned, _) = response.context["groups"]
    assert "Анкета наставляемого" in [q.title for q in builtins]
    assert [(q.title, q.question_count, q.answered) for q in owned] == [(own.title, 2, True)]
    assert "Чужая анкета" not in response.content.decode()
    assert "Встроенные анкеты" in response.content.decode() and "есть ответы" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MENTOR, Role.TEACHER, Role.MENTEE])
def test_other_roles_of_the_school_may_not_open_the_questionnaires(client_as, school, own, role):
    client = client_as(role, school)
    assert client.get(reverse("questionnaire_list")).status_code == 403
    assert client.get(reverse("questionnaire_detail", args=[own.pk])).status_code == 403


def test_the_list_page_costs_the_same_queries_however_many_questionnaires(curator_client, school):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(reverse("questionnaire_list")).status_code == 200
        return len(queries)

    QuestionFactory(questionnaire=QuestionnaireFactory(school=school))
    few = count()
    for n in range(5):
        QuestionFactory(questionnaire=QuestionnaireFactory(school=school))
        answer(QuestionFactory(questionnaire=builtin(code=f"b{n}")), school)
    assert count() == few


def test_the_list_page_query_count_is_pinned(curator_client, school, own, django_assert_num_queries):
    builtin()
    with django_assert_num_queries(LIST_QUERIES):
        curator_client.get(reverse("questionnaire_list"))


LIST_QUERIES = 4


# The questions as a respondent sees them.


def test_the_detail_shows_each_question_as_the_respondent_sees_it(curator_client, own):
    QuestionFactory(questionnaire=own, order=3, text="Сколько встреч было?", kind="number", required=False)
    QuestionFactory(
        questionnaire=own,
        order=4,
        text="Что удалось лучше всего?",
        kind="open",
        scale_min=None,
        scale_max=None,
        measures="",
        topic=Question.Topic.STRENGTHS,
    )
    page = curator_client.get(reverse("questionnaire_detail", args=[own.pk])).content.decode()
    assert page.index("Насколько вы довольны") < page.index("Какой формат") < page.index("Сколько встреч")
    for text in (
        "1 — совсем не доволен",
        "10 — очень доволен",
        "измеряет: удовлетворённость",
        "очно",
        "онлайн",
        "Один вариант",
        "Число · необязательный",
        "этап 1: сильные стороны",
        "обязательный вопрос",
    ):
        assert text in page


@pytest.mark.parametrize("role", READERS)
def test_another_schools_questionnaire_is_not_found_for_any_reader(client_as, school, other_school, role):
    theirs = QuestionnaireFactory(school=other_school)
    client = client_as(role, school)
    for name in ("questionnaire_detail", "questionnaire_edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("questionnaire_copy", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("questionnaire_edit", args=[theirs.pk]), edit_data(theirs)).status_code == 404


# Copying.


def test_the_curator_copies_a_built_in_questionnaire_with_its_questions(curator_client, school):
    original = builtin(title="Анкета наставника", mentor_sees_answers=True)
    QuestionFactory(questionnaire=original, order=1)
    QuestionFactory(questionnaire=original, order=2, kind="single", choices=["да", "нет", "не знаю"])
    response = curator_client.post(reverse("questionnaire_copy", args=[original.pk]))
    copy = Questionnaire.objects.get(school=school)
    assert response.url == reverse("questionnaire_edit", args=[copy.pk])
    assert (copy.title, copy.based_on, copy.purpose, copy.mentor_sees_answers) == (
        "Анкета наставника (копия)",
        original,
        original.purpose,
        True,
    )
    fields = ("order", "text", "kind", "choices", "scale_min", "scale_max", "scale_min_label", "measures")
    assert list(copy.questions.values_list(*fields)) == list(original.questions.values_list(*fields))
    assert original.questions.count() == 2


def test_a_copy_of_a_long_title_still_fits(school):
    original = builtin(title="А" * 300)
    assert len(services.questionnaire_copy(questionnaire=original, school=school).title) == 300


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_only_the_curator_copies(client_as, school, role):
    original = builtin()
    client = client_as(role, school)
    assert client.post(reverse("questionnaire_copy", args=[original.pk])).status_code == 403
    assert (
        "Сделать копию"
        not in client.get(reverse("questionnaire_detail", args=[original.pk])).content.decode()
    )
    assert not Questionnaire.objects.filter(school=school).exists()


def test_copying_is_a_post(curator_client):
    assert curator_client.get(reverse("questionnaire_copy", args=[builtin().pk])).status_code == 405


# Editing.


def test_a_built_in_questionnaire_is_never_editable(curator_client):
    original = builtin()
    assert curator_client.get(reverse("questionnaire_edit", args=[original.pk])).status_code == 404
    response = curator_client.post(reverse("questionnaire_edit", args=[original.pk]), edit_data(original))
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="Встроенную анкету изменить нельзя"):
        services.questionnaire_update(questionnaire=original, data=edit_data(original), rows=[])


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST])
def test_only_the_curator_edits(client_as, school, own, role):
    assert client_as(role, school).get(reverse("questionnaire_edit", args=[own.pk])).status_code == 404


def test_the_curator_edits_the_questionnaire_and_its_questions(curator_client, own):
    scale, choice = own.questions.all()
    response = post_edit(
        curator_client,
        own,
        title="Удовлетворённость программой",
        mentor_sees_answers=True,
        change={0: {"text": "Как вам встречи?", "scale_max": 5}, 1: {"choices": "очно\nонлайн\nсмешанно"}},
        new=[
            NEW_OPEN | {"required": True, "topic": "weaknesses"},
            {"text": "Довольны ли вы?", "kind": "yes_no", "order": 1},
        ],
    )
    assert response.status_code == 302, form_errors(response)
    own.refresh_from_db()
    assert (own.title, own.mentor_sees_answers) == ("Удовлетворённость программой", True)
    scale.refresh_from_db()
    choice.refresh_from_db()
    assert (scale.text, scale.scale_max) == ("Как вам встречи?", 5)
    assert choice.choices == ["очно", "онлайн", "смешанно"]
    added = own.questions.exclude(pk__in=[scale.pk, choice.pk]).order_by("pk")
    assert [(q.text, q.order, q.required, q.topic) for q in added] == [
        ("Что бы вы изменили в программе?", 3, True, "weaknesses"),
        ("Довольны ли вы?", 1, False, ""),
    ]


def test_the_curator_deletes_a_question_of_an_unanswered_questionnaire(curator_client, own):
    response = post_edit(curator_client, own, delete=[1], change={0: {"kind": "number", "scale_min": None}})
    assert response.status_code == 302, form_errors(response)
    question = own.questions.get()
    assert (question.kind, question.scale_min, question.scale_max, question.scale_min_label) == (
        "number",
        None,
        None,
        "",
    )


def test_blank_new_rows_are_not_saved(curator_client, own):
    # Two untouched extra rows as a browser sends them: the defaults of the selects and of «обязательный».
    data = edit_data(own, new=[{"kind": "open", "required": True}] * 2)
    assert curator_client.post(reverse("questionnaire_edit", args=[own.pk]), data).status_code == 302
    assert own.questions.count() == 2


def test_the_edit_page_shows_the_questions_as_rows(curator_client, own):
    page = curator_client.get(reverse("questionnaire_edit", args=[own.pk])).content.decode()
    assert "очно\nонлайн</textarea>" in page
    assert 'name="questions-TOTAL_FORMS" value="4"' in page


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"kind": "scale"}, "scale_min", "Укажите оба конца шкалы."),
        ({"kind": "scale", "scale_min": 1}, "scale_max", "Укажите оба конца шкалы."),
        (
            {"kind": "scale", "scale_min": 5, "scale_max": 5},
            "scale_max",
            "Конец шкалы должен быть больше её начала.",
        ),
        (
            {"kind": "scale", "scale_min": 5, "scale_max": 1},
            "scale_max",
            "Конец шкалы должен быть больше её начала.",
        ),
        ({"kind": "single", "choices": "да"}, "choices", "не меньше двух вариантов"),
        ({"kind": "multiple", "choices": ""}, "choices", "не меньше двух вариантов"),
        ({"kind": "single", "choices": "да\nда"}, "choices", "не должны повторяться"),
        ({"kind": "open", "choices": "да\nнет"}, "choices", "только для вопросов с выбором"),
        (
            {"kind": "scale", "scale_min": 1, "scale_max": 5, "choices": "да\nнет"},
            "choices",
            "только для вопросов",
        ),
        ({"kind": "number", "scale_min": "много"}, "scale_min", "Введите целое число."),
    ],
)
def test_a_bad_question_is_refused_next_to_its_field(curator_client, own, row, field, message):
    response = post_edit(curator_client, own, new=[NEW_OPEN | row], title="Новое название")
    assert response.status_code == 200
    errors = response.context["questions"].forms[2].errors
    assert message in " ".join(errors[field])
    assert NEW_OPEN["text"] in response.content.decode()  # what was typed is kept
    own.refresh_from_db()
    assert own.title != "Новое название" and own.questions.count() == 2


def test_a_questionnaire_needs_a_title(curator_client, own):
    response = post_edit(curator_client, own, title="")
    assert "Обязательное поле." in " ".join(response.context["form"].errors["title"])


def test_a_question_of_another_questionnaire_cannot_be_slipped_in(curator_client, own):
    stranger = QuestionFactory(text="Чужой вопрос")
    data = edit_data(own)
    data["questions-0-id"] = stranger.pk
    response = curator_client.post(reverse("questionnaire_edit", args=[own.pk]), data)
    assert response.status_code == 200
    assert "Вопрос не из этой анкеты" in str(response.context["questions"].non_form_errors())
    assert own.questions.count() == 2
    stranger.refresh_from_db()
    assert stranger.text == "Чужой вопрос"


# Once answered.


@pytest.fixture
def answered(own) -> Questionnaire:
    answer(own.questions.first())
    return own


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"change": {0: {"kind": "number", "scale_min": None, "scale_max": None}}},
            "kind",
            "тип ответа не сменить",
        ),
        ({"change": {0: {"scale_min": 2}}}, "scale_min", "начало не может быть больше 1"),
        ({"change": {0: {"scale_max": 9}}}, "scale_max", "конец не может быть меньше 10"),
        ({"change": {1: {"choices": "очно\nдистанционно"}}}, "choices", "варианты «онлайн» не убрать"),
        ({"new": [NEW_OPEN | {"required": True}]}, "required", "только необязательным"),
    ],
)
def test_an_answered_questionnaire_refuses_changes_that_break_answers(
    curator_client, answered, kwargs, field, message
):
    before = list(answered.questions.values())
    response = post_edit(curator_client, answered, title="Новое название", **kwargs)
    assert response.status_code == 200
    errors = {
        name: " ".join(e) for form in response.context["questions"].forms for name, e in form.errors.items()
    }
    assert message in errors[field] and "На анкету уже ответили" in errors[field]
    assert list(answered.questions.values()) == before
    answered.refresh_from_db()
    assert answered.title != "Новое название"


def test_an_answered_questionnaire_keeps_its_questions(curator_client, answered):
    before = list(answered.questions.values())
    response = post_edit(curator_client, answered, delete=[1])
    assert response.status_code == 200
    assert "вопрос не удалить" in str(response.context["questions"].non_form_errors())
    assert list(answered.questions.values()) == before


def test_a_submitted_response_without_answers_locks_the_questionnaire_too(curator_client, own):
    survey = SurveyFactory(questionnaire=own)
    Response.objects.create(invitation=InvitationFactory(survey=survey), submitted_at=timezone.now())
    draft = Response.objects.create(invitation=InvitationFactory(survey=survey))
    assert draft.submitted_at is None
    assert services.is_answered(own)
    assert post_edit(curator_client, own, delete=[1]).status_code == 200


def test_a_draft_alone_does_not_lock_the_questionnaire(own):
    Response.objects.create(
        invitation=InvitationFactory(survey=SurveyFactory(questionnaire=own)), draft={"1": "x"}
    )
    assert not services.is_answered(own)


def test_an_answered_questionnaire_still_takes_texts_labels_wider_scales_and_optional_questions(
    curator_client, answered
):
    response = post_edit(
        curator_client,
        answered,
        title="Уточнённое название",
        change={
            0: {
                "text": "Насколько вы довольны?",
                "scale_min": 0,
                "scale_max": 12,
                "scale_max_label": "в восторге",
            },
            1: {"choices": "очно\nонлайн\nсмешанно", "required": False},
        },
        new=[NEW_OPEN],
    )
    assert response.status_code == 302, form_errors(response)
    scale, choice, added = answered.questions.all()
    assert (scale.text, scale.scale_min, scale.scale_max, scale.scale_max_label) == (
        "Насколько вы довольны?",
        0,
        12,
        "в восторге",
    )
    assert (choice.choices, choice.required) == (["очно", "онлайн", "смешанно"], False)
    assert (added.text, added.required) == (NEW_OPEN["text"], False)


def test_the_service_itself_refuses_a_breaking_change_and_saves_nothing(answered):
    scale = answered.questions.first()
    row = services.QuestionRow(scale, {"kind": "number", "text": "Изменено"})
    data = {"title": "Другое", "description": "", "mentor_sees_answers": False}
    with pytest.raises(ValidationError, match="тип ответа не сменить"):
        services.questionnaire_update(questionnaire=answered, data=data, rows=[row])
    answered.refresh_from_db()
    scale.refresh_from_db()
    assert (answered.title, scale.kind) != ("Другое", "number")
