"""The printable blank of a questionnaire: every question drawn for pen and paper, from the questionnaire's
page or a survey's, one blank or one per respondent with the name printed."""

import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Document, Role
from monitoring.blanks import QUESTIONNAIRE_BLANK
from monitoring.models import Invitation, Question
from tests.documents import pdf_text

from .factories import InvitationFactory, PersonFactory, QuestionFactory, QuestionnaireFactory, SurveyFactory

pytestmark = pytest.mark.django_db
NEW = reverse("document_new", args=[QUESTIONNAIRE_BLANK])
Kind = Question.Kind


@pytest.fixture(autouse=True)
def renders_at_once(monkeypatch):
    """The render the request enqueues on commit runs at once: the test's transaction never commits."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def questionnaire(school):
    questionnaire = QuestionnaireFactory(
        school=school, title="Анкета обратной связи", description="Уважаемый участник! Ответьте на вопросы."
    )
    rows = [
        dict(kind=Kind.SINGLE, text="Как часто вы встречаетесь?", choices=["Раз в неделю", "Реже"]),
        dict(kind=Kind.MULTIPLE, text="Что было полезно?", choices=["Беседы", "Проекты", "Экскурсии"]),
        dict(
            kind=Kind.SCALE,
            text="Насколько вы довольны?",
            scale_min=1,
            scale_max=10,
            scale_min_label="совсем не доволен",
            scale_max_label="полностью доволен",
        ),
        dict(kind=Kind.NUMBER, text="Сколько было встреч?", scale_min=0, scale_max=40),
        dict(kind=Kind.YES_NO, text="Хотите продолжить?"),
        dict(kind=Kind.OPEN, text="Что бы вы изменили?", required=False),
    ]
    for order, row in enumerate(rows, start=1):
        QuestionFactory(questionnaire=questionnaire, order=order, measures="", **row)
    return questionnaire


def ask(client, **data) -> Document:
    response = client.post(NEW, {"date": timezone.localdate().isoformat(), **data})
    assert response.status_code == 302, response.context["form"].errors
    return Document.objects.filter(kind=QUESTIONNAIRE_BLANK).latest("pk")


def test_the_blank_draws_every_kind_of_question_for_pen_and_paper(curator_client, questionnaire):
    document = ask(curator_client, questionnaire=questionnaire.pk)
    text = pdf_text(document)

    assert "Анкета обратной связи" in text and "Уважаемый участник! Ответьте на вопросы." in text
    assert "Фамилия, имя, отчество:" in text and "Класс (для ученика):" in text
    assert "Дата заполнения: « » 20 г." in text
    assert "1. Как часто вы встречаетесь? * Отметьте один вариант. Раз в неделю Реже" in text
    assert "2. Что было полезно? * Отметьте все подходящие варианты. Беседы Проекты Экскурсии" in text
    assert "Отметьте одно число от 1 до 10. 1 2 3 4 5 6 7 8 9 10" in text
    assert "1 — совсем не доволен 10 — полностью доволен" in text
    assert "4. Сколько было встреч? * Впишите число от 0 до 40. Ответ:" in text
    assert "5. Хотите продолжить? * Отметьте один вариант. Да Нет" in text
    assert "6. Что бы вы изменили?" in text and "6. Что бы вы изменили? *" not in text


@pytest.mark.parametrize(
    ("audience", "class_line"), [("teacher", None), ("pupil", "Класс:"), ("everyone", "Класс (для ученика):")]
)
def test_the_blank_asks_for_a_class_only_where_a_pupil_may_answer(
    curator_client, questionnaire, audience, class_line
):
    questionnaire.audience = audience
    questionnaire.save(update_fields=["audience"])
    text = pdf_text(ask(curator_client, questionnaire=questionnaire.pk))
    head = text.split("Дата заполнения:")[0]
    assert ("Класс" in head) == bool(class_line)
    assert class_line is None or class_line in head


def test_the_questionnaire_page_links_to_its_blank(curator_client, questionnaire):
    page = curator_client.get(f"/questionnaires/{questionnaire.pk}/").text
    assert f"{NEW}?questionnaire={questionnaire.pk}" in page
    form = curator_client.get(f"{NEW}?questionnaire={questionnaire.pk}").context["form"]
    assert form["questionnaire"].value() == str(questionnaire.pk)


def test_a_surveys_blank_has_its_title_and_dates(curator_client, school, questionnaire):
    survey = SurveyFactory(
        questionnaire=questionnaire,
        title="Обратная связь, 2-я четверть",
        opens_on=datetime.date(2026, 12, 1),
        closes_on=datetime.date(2026, 12, 15),
    )
    assert f"{NEW}?survey={survey.pk}" in curator_client.get(f"/surveys/{survey.pk}/").text

    text = pdf_text(ask(curator_client, survey=survey.pk))

    assert "Обратная связь, 2-я четверть. Анкетирование проводится с 01.12.2026 по 15.12.2026." in text
    assert "Анкета обратной связи" in text


def test_named_blanks_print_each_respondent_on_its_own_pages(curator_client, school, questionnaire):
    survey = SurveyFactory(questionnaire=questionnaire)
    for last_name, grade in (("Яковлева", 5), ("Антонов", 6)):
        InvitationFactory(
            survey=survey,
            person=PersonFactory(school=school, last_name=last_name, grade=grade, class_letter="А"),
        )
    InvitationFactory(
        survey=survey,
        person=PersonFactory(school=school, last_name="Борисов", grade=2, class_letter="В"),
        respondent=Invitation.Respondent.PARENT,
    )
    document = ask(curator_client, survey=survey.pk, named="on")

    text = pdf_text(document)
    with document.file.open("rb") as file:
        pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(file.read())).pages]
    first_pages = [page for page in pages if "Дата заполнения" in page]
    assert len(first_pages) == 3
    assert "Ученик (ученица): Борисов" in first_pages[0] and "2 «В»" in first_pages[0]
    assert "Родитель (законный представитель):" in first_pages[0]
    assert "Фамилия, имя, отчество: Яковлева" in first_pages[1] and "Класс: 5 «А»" in first_pages[1]
    assert "Фамилия, имя, отчество: Антонов" in first_pages[2]
    assert text.count("Спасибо за ответы!") == 3
    assert "с именами респондентов" in document.title


def test_named_blanks_need_a_survey(curator_client, questionnaire):
    response = curator_client.post(
        NEW, {"date": timezone.localdate().isoformat(), "questionnaire": questionnaire.pk, "named": "on"}
    )
    assert "Бланки с именами печатаются для анкетирования: выберите его." in response.text
    assert not Document.objects.exists()


def test_a_questionnaire_without_questions_has_no_blank(curator_client, school):
    empty = QuestionnaireFactory(school=school)
    response = curator_client.post(NEW, {"date": timezone.localdate().isoformat(), "questionnaire": empty.pk})
    assert "В анкете нет вопросов: печатать нечего." in response.text
    assert not Document.objects.exists()


def test_another_schools_questionnaire_or_survey_is_not_offered(curator_client, other_school):
    theirs = QuestionnaireFactory(school=other_school)
    QuestionFactory(questionnaire=theirs)
    survey = SurveyFactory(questionnaire=theirs)
    for data in ({"questionnaire": theirs.pk}, {"survey": survey.pk}):
        response = curator_client.post(NEW, {"date": timezone.localdate().isoformat(), **data})
        assert response.status_code == 200
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR])
def test_only_the_director_and_the_curator_print_blanks(client_as, school, questionnaire, role):
    client = client_as(role, school)
    assert client.get(NEW).status_code == 403
    assert "Бланк для печати" not in client.get(f"/questionnaires/{questionnaire.pk}/").text
