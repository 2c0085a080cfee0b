"""A subject's request (152-ФЗ, ст. 14): everything the school holds about a person, as a PDF and as a JSON
file, answered by the curator or the director from the person's card and written to the access log."""

import datetime
import json

import pytest
from django.urls import reverse

from mentoring.models import AccessRecord, DataAccess, Document, MenteeCategory, Role
from mentoring.subject_request import SUBJECT_DATA

from .documents import pdf_text
from .factories import (
    AnswerFactory,
    ConsentFactory,
    MeetingFactory,
    MenteeEntryFactory,
    PairFactory,
    PersonFactory,
    PlanItemFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    person = PersonFactory(school=school, last_name="Белоусова", first_name="Анна")
    ConsentFactory(person=person, school=school, date=datetime.date(2026, 9, 2))
    entry = MenteeEntryFactory(person=person, school=school, request="Подтянуть физику")
    entry.categories.set(MenteeCategory.objects.filter(code="low_results"))
    pair = PairFactory(school=school, programme__school=school, mentees=[entry])
    meeting = MeetingFactory(pair=pair, topic="Разбор контрольной по физике")
    meeting.present.add(entry)
    PlanItemFactory(pair=pair, activity="Решение задач по механике")
    response = ResponseFactory(invitation__person=person, invitation__survey__school=school)
    AnswerFactory(
        response=response, number=None, text="Хочу заниматься робототехникой", question__kind="open"
    )
    return person


def sections(page) -> dict:
    return json.loads(page.content.decode())["разделы"]


def test_the_json_file_holds_everything_the_school_keeps_about_the_person(school, pupil, client_as):
    page = client_as(Role.CURATOR, school).get(reverse("person_subject_data", args=[pupil.pk]))
    found = sections(page)

    assert page["Content-Disposition"].startswith("attachment") and page["Cache-Control"].count("no-store")
    assert found["Сведения об участнике"][0]["Фамилия"] == "Белоусова"
    assert found["Согласия на обработку персональных данных"][0]["Дата согласия"] == "2026-09-02"
    assert "Подтянуть физику" in json.dumps(found["Базы наставников и наставляемых"], ensure_ascii=False)
    assert found["Наставнические пары и группы"][0]["Наставник"] == "Орлова Елена Викторовна"
    assert found["Встречи, на которых участник присутствовал"][0]["Тема"] == "Разбор контрольной по физике"
    assert found["Пункты планов пар"][0]["Мероприятие"] == "Решение задач по механике"
    assert found["Ответы на анкеты"][0]["Ответ"] == "Хочу заниматься робототехникой"


def test_each_answer_is_written_to_the_access_log_and_the_next_answer_shows_it(school, pupil, client_as):
    client = client_as(Role.DIRECTOR, school)
    client.get(reverse("person_subject_data", args=[pupil.pk]))
    page = client.get(reverse("person_subject_data", args=[pupil.pk]))

    records = AccessRecord.objects.filter(person=pupil, action=DataAccess.SUBJECT_REQUEST)
    assert records.count() == 2
    assert sections(page)["Журнал доступа к персональным данным участника"][0]["Действие"] == (
        "выгрузка по запросу субъекта"
    )


def test_the_pdf_is_asked_for_from_the_card_and_logged(
    school, pupil, client_as, django_capture_on_commit_callbacks
):
    client = client_as(Role.CURATOR, school)
    card = client.get(reverse("person_detail", args=[pupil.pk]))
    link = f"{reverse('document_new', args=[SUBJECT_DATA])}?person={pupil.pk}"
    assert link in card.content.decode()

    form = client.get(link)
    data = {"date": form.context["form"]["date"].value().isoformat(), "person": pupil.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("document_new", args=[SUBJECT_DATA]), data)

    document = Document.objects.get(kind=SUBJECT_DATA)
    text = pdf_text(document)
    assert document.person == pupil
    assert "Белоусова Анна" in text and "Подтянуть физику" in text and "статья 14" in text
    assert AccessRecord.objects.filter(person=pupil, action=DataAccess.SUBJECT_REQUEST).count() == 1


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR])
def test_only_the_curator_and_the_director_answer_a_request(school, pupil, client_as, role):
    client = client_as(role, school)

    assert client.get(reverse("person_subject_data", args=[pupil.pk])).status_code == 403
    assert not AccessRecord.objects.filter(action=DataAccess.SUBJECT_REQUEST).exists()


def test_the_psychologists_card_offers_no_request(school, pupil, client_as):
    card = client_as(Role.PSYCHOLOGIST, school).get(reverse("person_detail", args=[pupil.pk]))

    assert "Сведения о персональных данных" not in card.content.decode()


def test_another_schools_person_is_not_found(school, other_school, pupil, client_as):
    client = client_as(Role.DIRECTOR, other_school)

    assert client.get(reverse("person_subject_data", args=[pupil.pk])).status_code == 404
    page = client.post(
        reverse("document_new", args=[SUBJECT_DATA]), {"date": "2026-11-02", "person": pupil.pk}
    )
    assert "не найден в вашей школе" in page.content.decode()
    assert not Document.objects.exists() and not AccessRecord.objects.exists()


def test_a_depersonalised_persons_data_is_no_longer_given(school, pupil, client_as):
    type(pupil).objects.filter(pk=pupil.pk).update(
        depersonalised_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    )

    page = client_as(Role.CURATOR, school).get(reverse("person_subject_data", args=[pupil.pk]), follow=True)

    assert "Данные участника обезличены" in page.content.decode()
    assert not AccessRecord.objects.filter(action=DataAccess.SUBJECT_REQUEST).exists()
