"""A name is one line: a line break, a tab or another control character typed or pasted into it is refused
with a Russian sentence, by the person forms, the import and everything that saves a name or a title; the
whitespace around it is dropped."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.imports.fields import TextWidget
from mentoring.models import Consent, MenteeEntry, Person, Role
from pairs.models import Meeting

from .factories import PersonFactory, ProgrammeFactory

PUPIL = {
    "last_name": "Иванова",
    "first_name": "Анна",
    "patronymic": "Сергеевна",
    "birth_date": "2012-05-17",
    "kind": "pupil",
    "school_class": "7 «Б»",
}
NAME_FIELDS = {"last_name": "Фамилия", "first_name": "Имя", "patronymic": "Отчество"}


@pytest.mark.parametrize("field", NAME_FIELDS)
@pytest.mark.parametrize("inside", ["\n", "\r\n", "\r", "\t", "\x0b", "\u2028"])
def test_a_line_break_or_a_tab_inside_a_name_is_refused_and_nothing_is_saved(curator_client, field, inside):
    typed = PUPIL | {field: f"Ива{inside}нова"}

    response = curator_client.post(reverse("person_create"), typed)

    assert response.status_code == 200
    assert (
        f"{NAME_FIELDS[field]} не может содержать переводы строк и табуляцию: напишите текст в одну строку."
        in response.text
    )
    assert not Person.objects.exists()


def test_whitespace_around_a_name_is_dropped(curator_client):
    curator_client.post(
        reverse("person_create"), PUPIL | {"last_name": "\t Иванова\r\n", "first_name": " Анна\n"}
    )

    assert Person.objects.get().full_name == "Иванова Анна Сергеевна"


def test_a_name_with_a_line_break_is_refused_when_a_person_is_edited(curator_client, school):
    person = PersonFactory(school=school, last_name="Иванова")

    response = curator_client.post(
        reverse("person_edit", args=[person.pk]), PUPIL | {"last_name": "Ива\nнова"}
    )

    assert "Фамилия не может содержать переводы строк" in response.text
    person.refresh_from_db()
    assert person.last_name == "Иванова"


def test_a_new_person_of_a_base_with_a_tab_in_the_name_is_refused(client_as, school):
    client = client_as(Role.CURATOR, school)
    new_pupil = {f"person-{name}": value for name, value in PUPIL.items()} | {"person-first_name": "Ан\tна"}

    response = client.post(
        reverse("mentee_create"), new_pupil | {"status": "waiting", "included_on": "2026-09-01"}
    )

    assert "Имя не может содержать переводы строк и табуляцию" in response.text
    assert not Person.objects.exists() and not MenteeEntry.objects.exists()


def test_the_import_reads_a_cell_with_line_breaks_and_tabs_as_one_line():
    assert TextWidget(100, required=True).clean(" Ива\r\nнова\t") == "Ива нова"


def test_a_control_character_the_import_leaves_is_refused_by_the_persons_own_check(school):
    # The import checks each person with full_clean, as every service does.
    person = PersonFactory.build(school=school, last_name="Ива\x07нова")

    with pytest.raises(ValidationError) as refused:
        person.full_clean(exclude=["school", "user"], validate_unique=False, validate_constraints=False)

    assert refused.value.message_dict == {
        "last_name": ["Фамилия не может содержать переводы строк и табуляцию: напишите текст в одну строку."]
    }


@pytest.mark.parametrize(
    ("make", "field", "what"),
    [
        (lambda school: ProgrammeFactory.build(school=school), "title", "Название программы"),
        (lambda school: Meeting(school=school), "topic", "Тема встречи"),
        (lambda school: Consent(school=school), "representative_name", "ФИО представителя"),
        (lambda school: PersonFactory.build(school=school), "position", "Должность"),
    ],
    ids=["programme title", "meeting topic", "representative", "position"],
)
def test_other_single_line_texts_refuse_a_line_break(school, make, field, what):
    row = make(school)
    setattr(row, field, "Первая строка\nвторая строка")

    with pytest.raises(ValidationError) as refused:
        row.clean_fields(exclude=[f.name for f in type(row)._meta.fields if f.name != field])

    assert refused.value.message_dict[field] == [
        f"{what} не может содержать переводы строк и табуляцию: напишите текст в одну строку."
    ]


def test_a_text_of_several_lines_keeps_them():
    meeting = Meeting(outcome="Разобрали урок.\nНаметили следующий шаг.")

    meeting.clean_fields(exclude=[f.name for f in Meeting._meta.fields if f.name != "outcome"])

    assert meeting.outcome.count("\n") == 1
