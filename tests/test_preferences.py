"""Preferences after the group meeting: set on the page, imported from a file, and weighed by matching."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Role
from pairs import matching, proposals
from pairs.matching_forms import PLACES
from pairs.models import Preference, Proposal

from .factories import ConsentFactory, MenteeEntryFactory, PersonFactory
from .test_matching_pages import flashed, programme_of, pupil_mentee, teacher_mentor, text

MENTEE, MENTOR = Preference.Side.MENTEE, Preference.Side.MENTOR
HEADER = "Кто выбирает;Кого выбирает;Место"


@pytest.fixture
def programme(school):
    return programme_of(school)


@pytest.fixture
def people(school):
    """Two teacher mentors and two pupil mentees of the school."""
    return {
        "orlova": teacher_mentor(school, last_name="Орлова"),
        "sedova": teacher_mentor(school, last_name="Седова"),
        "zaytseva": pupil_mentee(school, last_name="Зайцева"),
        "lisina": pupil_mentee(school, last_name="Лисина"),
    }


def choices(programme, side: str) -> list[tuple[int, int, int]]:
    rows = Preference.objects.filter(programme=programme, side=side).order_by("mentee", "mentor", "rank")
    return list(rows.values_list("mentor", "mentee", "rank"))


def set_choice(client, programme, side: str, chooser, *partners):
    data = {"side": side, f"{side}-chooser": chooser.pk}
    data |= {f"{side}-{place}": partner.pk for place, partner in zip(PLACES, partners, strict=False)}
    return client.post(reverse("preference_list", args=[programme.pk]), data, follow=True)


# On the page.


def test_a_mentee_names_mentors_in_order_and_the_page_shows_it(curator_client, programme, people):
    zaytseva, orlova, sedova = people["zaytseva"], people["orlova"], people["sedova"]

    response = set_choice(curator_client, programme, MENTEE, zaytseva, sedova, orlova)

    assert choices(programme, MENTEE) == [(orlova.pk, zaytseva.pk, 2), (sedova.pk, zaytseva.pk, 1)]
    assert "Выбор участника «Зайцева Анна Сергеевна» сохранён." in flashed(response)
    [item] = response.context["chosen"]["mentee"]
    assert [row.partner for row in item["choices"]] == [sedova, orlova]


def test_a_choice_made_by_both_sides_is_shown_as_mutual(curator_client, programme, people):
    zaytseva, orlova = people["zaytseva"], people["orlova"]
    set_choice(curator_client, programme, MENTEE, zaytseva, orlova)

    response = set_choice(curator_client, programme, MENTOR, orlova, zaytseva)

    assert choices(programme, MENTOR) == [(orlova.pk, zaytseva.pk, 1)]
    assert text(response).count("взаимно") == 2


def test_setting_a_choice_again_replaces_it_and_an_empty_one_clears_it(curator_client, programme, people):
    zaytseva, orlova, sedova = people["zaytseva"], people["orlova"], people["sedova"]
    set_choice(curator_client, programme, MENTEE, zaytseva, orlova, sedova)

    set_choice(curator_client, programme, MENTEE, zaytseva, sedova)
    assert choices(programme, MENTEE) == [(sedova.pk, zaytseva.pk, 1)]

    set_choice(curator_client, programme, MENTEE, zaytseva)
    assert choices(programme, MENTEE) == []


def test_the_same_partner_twice_is_refused_and_nothing_changes(curator_client, programme, people):
    zaytseva, orlova = people["zaytseva"], people["orlova"]

    response = set_choice(curator_client, programme, MENTEE, zaytseva, orlova, orlova)

    assert "Один и тот же участник выбран дважды: у каждого места свой участник." in text(response)
    assert not Preference.objects.exists()


def test_change_opens_the_form_with_the_present_choice(curator_client, programme, people):
    zaytseva, orlova, sedova = people["zaytseva"], people["orlova"], people["sedova"]
    set_choice(curator_client, programme, MENTEE, zaytseva, sedova, orlova)

    response = curator_client.get(
        reverse("preference_list", args=[programme.pk]), {"side": MENTEE, "chooser": zaytseva.pk}
    )

    assert response.context["forms"][MENTEE].initial == {
        "chooser": zaytseva.pk,
        "first": sedova.pk,
        "second": orlova.pk,
    }


def test_the_preference_page_runs_the_same_queries_for_few_choosers_and_for_many(
    curator_client, programme, people, school
):
    url = reverse("preference_list", args=[programme.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(url).status_code == 200
        return len(queries)

    proposals.preference_set(
        programme=programme, side=MENTEE, chooser=people["zaytseva"], partners=[people["orlova"]]
    )
    few = count()
    for n in range(5):
        mentee = pupil_mentee(school, last_name=f"Зайцева{n}")
        proposals.preference_set(
            programme=programme, side=MENTEE, chooser=mentee, partners=[people["orlova"], people["sedova"]]
        )
        proposals.preference_set(
            programme=programme, side=MENTOR, chooser=people["sedova"], partners=[mentee]
        )
    assert count() == few


def test_people_of_another_school_cannot_be_chosen(curator_client, programme, people, other_school):
    stranger = teacher_mentor(other_school, last_name="Чужова")

    response = set_choice(curator_client, programme, MENTEE, people["zaytseva"], stranger)

    assert response.context["forms"][MENTEE].errors["first"]
    assert not Preference.objects.exists()
    assert "Чужова" not in text(curator_client.get(reverse("preference_list", args=[programme.pk])))


def test_the_service_refuses_a_partner_of_another_school(programme, people, other_school):
    with pytest.raises(ValidationError):
        proposals.preference_set(
            programme=programme,
            side=MENTEE,
            chooser=people["zaytseva"],
            partners=[teacher_mentor(other_school, last_name="Чужова")],
        )
    assert not Preference.objects.exists()


def test_preferences_change_whom_matching_pairs(programme, people, make_user, school):
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

    first = paired_with()
    other = sedova if first == orlova.pk else orlova
    proposals.preference_set(programme=programme, side=MENTEE, chooser=zaytseva, partners=[other])

    assert paired_with() == other.pk
    assert Proposal.objects.order_by("pk").last().pairs.get().contributions["preferences"] == 200


# From a file.


def csv_file(*lines: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("vybor.csv", "\n".join(lines).encode(encoding), content_type="text/csv")


def upload(client, programme, file):
    return client.post(reverse("preference_import", args=[programme.pk]), {"file": file}, follow=True)


def test_an_imported_file_sets_both_sides_choices(curator_client, programme, people):
    zaytseva, lisina, orlova, sedova = (
        people["zaytseva"],
        people["lisina"],
        people["orlova"],
        people["sedova"],
    )
    file = csv_file(
        HEADER,
        "Зайцева Анна Сергеевна;Седова Елена Викторовна;2",
        "Зайцева Анна Сергеевна;Орлова Елена Викторовна;1",
        "ОРЛОВА елена викторовна;Лисина Анна Сергеевна;1",
        ";;",
    )

    response = upload(curator_client, programme, file)

    assert "Выбор загружен: участников — 2, выборов — 3." in flashed(response)
    assert choices(programme, MENTEE) == [(orlova.pk, zaytseva.pk, 1), (sedova.pk, zaytseva.pk, 2)]
    assert choices(programme, MENTOR) == [(orlova.pk, lisina.pk, 1)]


def test_an_imported_xlsx_is_read_like_a_csv_and_places_are_renumbered(curator_client, programme, people):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Выбор наставляемых после групповой встречи"])
    sheet.append(["Кто выбирает", "Кого выбирает", "Место"])
    sheet.append(["Зайцева Анна Сергеевна", "Седова Елена Викторовна", 3])
    buffer = io.BytesIO()
    book.save(buffer)

    upload(curator_client, programme, SimpleUploadedFile("vybor.xlsx", buffer.getvalue()))

    assert choices(programme, MENTEE) == [(people["sedova"].pk, people["zaytseva"].pk, 1)]


def test_a_file_with_errors_writes_nothing_and_says_what_is_wrong_in_each_row(
    curator_client, programme, people
):
    proposals.preference_set(
        programme=programme, side=MENTEE, chooser=people["lisina"], partners=[people["orlova"]]
    )
    file = csv_file(
        HEADER,
        "Зайцева Анна Сергеевна;Седова Елена Викторовна;1",
        "Петров Пётр Петрович;Седова Елена Викторовна;1",
        "Зайцева Анна Сергеевна;Орлова Елена Викторовна;пять",
        "Зайцева Анна Сергеевна;Лисина Анна Сергеевна;2",
        "Лисина Анна Сергеевна;Седова Елена Викторовна;1",
        "Лисина Анна Сергеевна;Орлова Елена Викторовна;1",
        "Лисина Анна Сергеевна;Седова Елена Викторовна;2",
        ";Седова Елена Викторовна;3",
    )

    response = upload(curator_client, programme, file)

    page = text(response)
    assert "Ничего не записано: исправьте файл и загрузите его снова." in page
    assert "Строка 3: «Петров Пётр Петрович» нет ни в базе наставников, ни в базе наставляемых школы." in page
    assert "Строка 4: в столбце «Место» должно быть число от 1 до 3, а не «пять»." in page
    assert (
        "Строка 5: «Зайцева Анна Сергеевна» и «Лисина Анна Сергеевна» в одной базе: наставляемый выбирает "
        "наставника, а наставник — наставляемого." in page
    )
    assert "Строка 7: у «Лисина Анна Сергеевна» место 1 уже отдано в строке 6." in page
    assert (
        "Строка 8: «Лисина Анна Сергеевна» уже выбрал(а) «Седова Елена Викторовна» в другой строке." in page
    )
    assert "Строка 9: не заполнен столбец «Кто выбирает»." in page
    assert choices(programme, MENTEE) == [(people["orlova"].pk, people["lisina"].pk, 1)]  # as before


def test_a_name_shared_by_two_people_of_a_base_is_not_guessed(curator_client, programme, people, school):
    twin = PersonFactory(
        school=school, last_name="Зайцева", first_name="Анна", patronymic="Сергеевна", grade=5
    )
    ConsentFactory(person=MenteeEntryFactory(person=twin).person)

    response = upload(
        curator_client, programme, csv_file(HEADER, "Зайцева Анна Сергеевна;Седова Елена Викторовна;1")
    )

    assert "Строка 2: в базе наставляемых несколько участников «Зайцева Анна Сергеевна»" in text(response)
    assert not Preference.objects.exists()


def test_names_match_whatever_the_case_the_spaces_and_e_for_yo(curator_client, programme, school):
    mentee = pupil_mentee(school, last_name="Семёнова")
    mentor = teacher_mentor(school, last_name="Орлова")

    upload(curator_client, programme, csv_file(HEADER, "семенова  анна сергеевна;Орлова Елена Викторовна;1"))

    assert choices(programme, MENTEE) == [(mentor.pk, mentee.pk, 1)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Файл пуст: выберите файл с выбором участников."),
        (b"   \n", "Файл пуст: в нём нет ни заголовков, ни строк."),
        (
            "Фамилия;Имя\nИванов;Иван".encode(),
            "В файле нет столбцов «Кто выбирает», «Кого выбирает», «Место».",
        ),
        (HEADER.encode(), "В файле есть только заголовки и нет ни одной строки с данными."),
        (b"%PDF-1.4\x00\x01\x02", "Файл не похож на таблицу XLSX или CSV."),
    ],
)
def test_a_file_that_is_not_a_list_of_choices_is_refused_with_a_russian_message(
    curator_client, programme, content, message
):
    response = upload(curator_client, programme, SimpleUploadedFile("vybor.csv", content))

    assert message in text(response)
    assert not Preference.objects.exists()


def test_sending_no_file_asks_for_one(curator_client, programme):
    response = curator_client.post(reverse("preference_import", args=[programme.pk]))

    assert "Выберите файл." in text(response)


def test_a_file_over_the_size_limit_is_refused(curator_client, programme, people, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 50

    response = upload(
        curator_client, programme, csv_file(HEADER, "Зайцева Анна Сергеевна;Седова Елена Викторовна;1")
    )

    assert "Файл больше" in text(response)
    assert not Preference.objects.exists()


def test_a_windows_1251_csv_is_read(curator_client, programme, people):
    file = csv_file(HEADER, "Зайцева Анна Сергеевна;Седова Елена Викторовна;1", encoding="cp1251")

    upload(curator_client, programme, file)

    assert choices(programme, MENTEE) == [(people["sedova"].pk, people["zaytseva"].pk, 1)]
