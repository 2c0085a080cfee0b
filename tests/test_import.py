"""Import of people and the two bases: the curator's upload, preview and confirm."""

import datetime
import io
import os
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from mentoring import imports
from mentoring.imports import (
    import_job_check,
    import_job_claim,
    import_job_confirm,
    import_preview,
    jobs,
    run,
)
from mentoring.models import ImportJob, MenteeCategory, MenteeEntry, MentorEntry, Person, Role

from .factories import MembershipFactory, MenteeEntryFactory, PersonFactory, TeacherFactory

pytestmark = pytest.mark.django_db

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс"]
GOOD_ROWS = [
    ["Иванов", "Иван", "Иванович", "12.03.2012", "7Б"],
    ["Петрова", "Анна", "Сергеевна", "01.09.2011", "8 «А»"],
    ["Сидоров", "Пётр", "", "2012-05-17", "7-б"],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored uploads go to a temporary folder, not to the project's media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def csv_bytes(rows, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def database_state() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        MenteeEntry.objects.count(),
        MentorEntry.objects.count(),
        LogEntry.objects.count(),
    )


def stored_files(media) -> list[str]:
    folder = media / "imports"
    return sorted(os.listdir(folder)) if folder.exists() else []


def upload(client, content: bytes, name: str = "spisok.csv", target: str = "people"):
    return client.post(
        reverse("import_upload"), {"target": target, "file": SimpleUploadedFile(name, content)}
    )


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = response.url.rstrip("/").split("/")
    return match[-1]


def confirm(client, token: str, **kwargs):
    return client.post(reverse("import_job_confirm", args=[token]), **kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def curator(client_as, school):
    return client_as(Role.CURATOR, school)


# --- Files that are read --------------------------------------------------------------------------------


def test_a_utf8_csv_with_commas_is_previewed_then_imported_in_full(curator, school, media):
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    assert Person.objects.count() == 0

    preview = curator.get(reverse("import_job", args=[token]))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert preview.context["report"].new == 3
    assert "Подтвердить импорт" in page and "disabled" not in page.split("Подтвердить импорт")[0][-200:]
    assert "Иванов Иван Иванович, 12.03.2012" in page
    assert Person.objects.count() == 0  # the preview writes nothing

    done = confirm(curator, token)
    assert done.status_code == 302 and done.url == reverse("person_list")
    assert "Импортировано: 3 новых, 0 обновлено." in messages_of(done)
    people = {p.last_name: p for p in Person.objects.filter(school=school)}
    assert set(people) == {"Иванов", "Петрова", "Сидоров"}
    assert (people["Иванов"].grade, people["Иванов"].class_letter) == (7, "Б")
    assert (people["Петрова"].grade, people["Петрова"].class_letter) == (8, "А")
    assert people["Сидоров"].birth_date == datetime.date(2012, 5, 17)
    assert people["Сидоров"].kind == Person.Kind.PUPIL
    assert stored_files(media) == []  # the stored upload is deleted after the import


def test_a_windows_1251_csv_with_semicolons_is_imported(curator, school):
    content = csv_bytes([HEADER, *GOOD_ROWS], delimiter=";", encoding="cp1251")
    token = token_of(upload(curator, content))
    confirm(curator, token)
    assert sorted(Person.objects.values_list("first_name", flat=True)) == ["Анна", "Иван", "Пётр"]


def test_a_utf8_csv_with_a_bom_and_odd_header_spelling_is_imported(curator, school):
    header = [
        "  ФАМИЛИЯ ",
        "имя",
        "Отчество",
        "Дата рождения:",
        "класс",
        "Электронная почта",
        "Лишний столбец",
    ]
    rows = [header, ["Семёнов", "Алексей", "Петрович", "03.04.2013", "6в", "s@example.ru", "что-то"]]
    token = token_of(upload(curator, csv_bytes(rows, delimiter=";", bom=True)))
    preview = curator.get(reverse("import_job", args=[token]))
    assert "«Лишний столбец»" in preview.content.decode()
    confirm(curator, token)
    person = Person.objects.get()
    assert (person.last_name, person.grade, person.class_letter, person.email) == (
        "Семёнов",
        6,
        "В",
        "s@example.ru",
    )


def test_an_xlsx_with_real_date_cells_and_numbers_is_imported(curator, school):
    rows = [
        [*HEADER, "Кто это", "Стаж", "Телефон"],
        ["Иванов", "Иван", "Иванович", datetime.datetime(2012, 3, 12), "7Б", "", "", 79001234567],
        ["Орлова", "Елена", "Викторовна", datetime.date(1985, 3, 2), "", "педагог", 15, "+7 900 000-00-00"],
        ["Кузнецов", "Максим", "", "17.05.2012", 7, "ученик", "", ""],
    ]
    token = token_of(upload(curator, xlsx_bytes(rows), name="spisok.xlsx"))
    confirm(curator, token)
    people = {p.last_name: p for p in Person.objects.all()}
    assert people["Иванов"].birth_date == datetime.date(2012, 3, 12)
    assert people["Иванов"].phone == "79001234567"
    assert people["Орлова"].kind == Person.Kind.TEACHER and people["Орлова"].experience_years == 15
    assert (people["Кузнецов"].grade, people["Кузнецов"].class_letter) == (7, "")


def test_a_title_line_above_the_header_is_allowed_and_rows_keep_their_spreadsheet_numbers(curator):
    rows = [["Список 7 «Б» класса"], [], HEADER, GOOD_ROWS[0], ["Петров", "Пётр", "", "31.02.2012", "7Б"]]
    token = token_of(upload(curator, xlsx_bytes(rows), name="spisok.xlsx"))
    report = curator.get(reverse("import_job", args=[token])).context["report"]
    assert [row.number for row in report.rows] == [4, 5]
    assert report.rows[1].errors == [
        "Строка 5, столбец «Дата рождения»: «31.02.2012» — не дата. Укажите дату в виде 01.09.2012."
    ]


# --- Bad files: rejected with a message, nothing written, also when confirmed ------------------------


def zip_bomb() -> bytes:
    """A real XLSX whose sheet unpacks to 60 MB while the file stays tiny."""
    stream = io.BytesIO()
    source = io.BytesIO(xlsx_bytes([HEADER, GOOD_ROWS[0]]))
    with zipfile.ZipFile(source) as sheet, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in sheet.infolist():
            data = sheet.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b" " * 60 * 1024 * 1024 + b"--></worksheet>")
            bomb.writestr(item.filename, data)
    return stream.getvalue()


def docx_renamed() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as document:
        document.writestr("[Content_Types].xml", "<Types/>")
        document.writestr("word/document.xml", "<document>Фамилия Имя</document>")
    return stream.getvalue()


FILE_ERRORS = {
    "empty file": (b"", "spisok.csv", "Файл пуст"),
    "only spaces": (b"  \r\n \r\n", "spisok.csv", "Файл пуст"),
    "only headers": (csv_bytes([HEADER]), "spisok.csv", "только заголовки"),
    "only headers in xlsx": (xlsx_bytes([HEADER, [], []]), "spisok.xlsx", "только заголовки"),
    "random bytes": (bytes(range(256)) * 40, "spisok.csv", "Файл не похож на таблицу XLSX или CSV"),
    "a pdf": (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "spisok.csv",
        "Файл не похож на таблицу",
    ),
    "an old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "spisok.xls", "старый формат Excel"),
    "a docx renamed": (docx_renamed(), "spisok.xlsx", "Файл не похож на таблицу XLSX или CSV"),
    "a damaged xlsx": (xlsx_bytes([HEADER])[:300], "spisok.xlsx", "Файл не похож на таблицу XLSX или CSV"),
    "missing columns": (
        csv_bytes([["Фамилия", "Отчество", "Класс"], ["Иванов", "Иванович", "7Б"]]),
        "spisok.csv",
        "В файле нет обязательных столбцов: «Имя».",
    ),
    "one column of full names": (
        csv_bytes([["ФИО", "Класс"], ["Иванов Иван Иванович", "7Б"]]),
        "spisok.csv",
        "«ФИО», разделите его на три",
    ),
    "a utf-16 text": (
        "Фамилия\tИмя\r\nИванов\tИван\r\n".encode("utf-16"),
        "spisok.csv",
        "кодировки UTF-8 и Windows-1251",
    ),
    "a zip bomb": (zip_bomb(), "spisok.xlsx", "распаковывается больше чем в 50 МБ"),
    "the same column twice": (
        csv_bytes([["Фамилия", "Имя", "имя"], ["Иванов", "Иван", "Иван"]]),
        "spisok.csv",
        "Столбец «Имя» встречается в файле несколько раз (столбцы B и C)",
    ),
}


@pytest.mark.parametrize("case", FILE_ERRORS, ids=list(FILE_ERRORS))
def test_a_bad_file_is_rejected_with_its_message_and_nothing_is_stored_or_written(curator, media, case):
    content, name, message = FILE_ERRORS[case]
    before = database_state()
    response = upload(curator, content, name=name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert message.split(":")[0] in response.content.decode()
    assert stored_files(media) == []
    assert database_state() == before


def test_a_20_mb_file_is_refused_before_it_is_read(curator, media, monkeypatch):
    def must_not_read(*args, **kwargs):
        raise AssertionError("a file over the limit was read")

    monkeypatch.setattr(run, "read_bytes", must_not_read)
    content = csv_bytes([HEADER]) + b"x" * (20 * 1024 * 1024)
    before = database_state()
    response = upload(curator, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Файл больше 5 МБ: разделите список на части (например, по классам) и загрузите их по очереди."
    ]
    assert stored_files(media) == []
    assert database_state() == before


def test_a_20_mb_file_is_refused_by_the_function_too(school):
    report = import_preview(
        school=school, target="people", uploaded_file=SimpleUploadedFile("big.csv", b"x" * (20 * 1024 * 1024))
    )
    assert report.file_errors[0].startswith("Файл больше 5 МБ")


def test_too_many_rows_are_refused(curator, settings):
    settings.IMPORT_MAX_ROWS = 2
    response = upload(curator, csv_bytes([HEADER, *GOOD_ROWS]))
    assert "В файле больше 2 строк" in response.context["form"].errors["file"][0]


ROW_ERRORS = {
    "a date that is no date": (
        ["Петров", "Пётр", "Петрович", "31.02.2012", "7Б"],
        "Строка 4, столбец «Дата рождения»: «31.02.2012» — не дата. Укажите дату в виде 01.09.2012.",
    ),
    "a birth date in the future": (
        ["Петров", "Пётр", "Петрович", "01.01.2999", "7Б"],
        "Строка 4, столбец «Дата рождения»: «01.01.2999» — дата рождения не может быть в будущем.",
    ),
    "a duplicate person": (
        ["ИВАНОВ", "иван", "Иванович", "12.03.2012", "7Б"],
        "Строка 4: участник «ИВАНОВ иван Иванович, 12.03.2012» уже встречается в строке 2.",
    ),
    "a class that is no class": (
        ["Петров", "Пётр", "Петрович", "01.01.2012", "12Я"],
        "Строка 4, столбец «Класс»: «12Я» — не класс: укажите номер от 1 до 11 и букву, например 7 «Б».",
    ),
    "a cell longer than the field": (
        ["Ф" * 101, "Пётр", "Петрович", "01.01.2012", "7Б"],
        "Строка 4, столбец «Фамилия»: значение длиннее 100 символов.",
    ),
    "a pupil without a class": (
        ["Петров", "Пётр", "Петрович", "01.01.2012", ""],
        "Строка 4, столбец «Класс»: не указан класс. Для обучающегося укажите класс, например 7 «Б»; "
        "для педагога или сотрудника заполните столбец «Кто это».",
    ),
    "an empty surname": (
        ["", "Пётр", "Петрович", "01.01.2012", "7Б"],
        "Строка 4, столбец «Фамилия»: не заполнено.",
    ),
}


@pytest.mark.parametrize("case", ROW_ERRORS, ids=list(ROW_ERRORS))
def test_a_bad_row_is_reported_and_even_a_forced_confirm_writes_no_row_of_the_file(curator, media, case):
    bad_row, message = ROW_ERRORS[case]
    before = database_state()
    token = token_of(upload(curator, csv_bytes([HEADER, GOOD_ROWS[0], GOOD_ROWS[1], bad_row, GOOD_ROWS[2]])))

    preview = curator.get(reverse("import_job", args=[token]))
    page = preview.content.decode()
    report = preview.context["report"]
    assert message in report.messages
    assert (report.new, report.errors) == (3, 1)
    assert "Исправьте файл и загрузите его снова: ничего не записано." in page
    assert 'disabled aria-disabled="true">Подтвердить импорт' in page

    forced = confirm(curator, token, follow=True)
    assert forced.status_code == 200
    assert message in forced.context["report"].messages
    assert "Ничего не записано" in forced.content.decode()
    assert database_state() == before
    assert stored_files(media) == []


def test_row_errors_name_the_row_and_the_column_for_the_bases_too(curator):
    rows = [
        ["Фамилия", "Имя", "Должность", "Сколько наставляемых", "Статус"],
        ["Орлова", "Елена", "Учитель", "11", "кандидат"],
        ["Смирнова", "Ольга", "Учитель", "два", "уволена"],
    ]
    token = token_of(upload(curator, csv_bytes(rows), target="mentors"))
    report = curator.get(reverse("import_job", args=[token])).context["report"]
    assert report.messages == [
        "Строка 2, столбец «Сколько наставляемых»: 11 — вне допустимых значений: укажите число от 1 до 10.",
        "Строка 3, столбец «Сколько наставляемых»: «два» — не целое число. Укажите число от 1 до 10.",
        "Строка 3, столбец «Статус»: «уволена» — нет такого значения. Укажите одно из: «Кандидат», "
        "«Отобран», «Обучен», «Действующий наставник», «Выбыл».",
    ]


def test_an_unknown_category_is_an_error_of_its_cell(curator):
    rows = [["Фамилия", "Имя", "Класс", "Категории"], ["Иванов", "Иван", "7Б", "high_ability; отличник"]]
    token = token_of(upload(curator, csv_bytes(rows, delimiter=","), target="mentees"))
    report = curator.get(reverse("import_job", args=[token])).context["report"]
    assert report.messages[0].startswith(
        "Строка 2, столбец «Категории»: «отличник» — нет такой категории наставляемых."
    )


# --- Outcomes for people already in the school ----------------------------------------------------------


def test_existing_people_are_updated_or_skipped_never_duplicated(curator, school):
    same = PersonFactory(
        school=school, last_name="Иванов", first_name="Иван", patronymic="Иванович",
        birth_date=datetime.date(2012, 3, 12), grade=7, class_letter="Б",
    )  # fmt: skip
    moved = PersonFactory(
        school=school, last_name="Петрова", first_name="Анна", patronymic="Сергеевна",
        birth_date=datetime.date(2011, 9, 1), grade=7, class_letter="А",
    )  # fmt: skip
    elsewhere = PersonFactory(  # the same name in another school is another person
        last_name="Сидоров", first_name="Пётр", patronymic="", birth_date=datetime.date(2012, 5, 17)
    )
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    report = curator.get(reverse("import_job", args=[token])).context["report"]
    assert [(row.label.split()[0], row.outcome) for row in report.rows] == [
        ("Иванов", "skipped"),
        ("Петрова", "updated"),
        ("Сидоров", "new"),
    ]
    assert report.rows[1].changes == ["Класс"]

    done = confirm(curator, token)
    assert "Импортировано: 1 новых, 1 обновлено. Без изменений: 1." in messages_of(done)
    moved.refresh_from_db()
    assert (moved.grade, moved.class_letter) == (8, "А")
    assert Person.objects.filter(school=school).count() == 3
    assert Person.objects.filter(pk=elsewhere.pk, school=elsewhere.school).exists()
    assert Person.objects.filter(pk=same.pk).exists()


def test_a_name_in_other_case_and_with_е_for_ё_is_the_same_person(curator, school):
    person = PersonFactory(
        school=school, last_name="Семёнов", first_name="Артём", patronymic="",
        birth_date=datetime.date(2012, 1, 1), grade=5, class_letter="А", phone="",
    )  # fmt: skip
    rows = [[*HEADER, "Телефон"], ["СЕМЕНОВ", "артем", "", "01.01.2012", "", "+7 900 111-22-33"]]
    token = token_of(upload(curator, csv_bytes(rows)))
    confirm(curator, token)
    person.refresh_from_db()
    assert Person.objects.count() == 1
    assert person.phone == "+7 900 111-22-33"
    assert (person.last_name, person.grade) == ("Семёнов", 5)  # an empty cell keeps what was there


def test_a_mentee_base_row_creates_the_person_and_the_entry_with_categories(curator, school):
    existing = PersonFactory(
        school=school, last_name="Орлов", first_name="Олег", patronymic="", birth_date=None
    )
    rows = [
        ["Фамилия", "Имя", "Класс", "Категории", "Запрос", "Кто выявил"],
        [
            "Новиков",
            "Никита",
            "9А",
            "Попавшие в трудную жизненную ситуацию; "
            "С ограниченными возможностями здоровья (ОВЗ, рекомендация ПМПК)",
            "Адаптация",
            "психолог",
        ],
        ["Орлов", "Олег", "", "high_ability", "", "Классный руководитель"],
    ]
    token = token_of(upload(curator, xlsx_bytes(rows), name="baza.xlsx", target="mentees"))
    done = confirm(curator, token)
    assert done.url == reverse("mentee_list")
    new = MenteeEntry.objects.get(person__last_name="Новиков")
    assert new.school == school and new.person.school == school
    assert sorted(new.categories.values_list("code", flat=True)) == ["disability", "hardship"]
    assert (new.request, new.reported_by) == ("Адаптация", MenteeEntry.ReportedBy.PSYCHOLOGIST)
    assert MenteeEntry.objects.get(person=existing).categories.get().code == "high_ability"
    assert Person.objects.count() == 2


def test_a_mentor_base_row_for_a_teacher_without_a_class_is_a_teacher(curator, school):
    rows = [
        [
            "Фамилия",
            "Имя",
            "Отчество",
            "Должность",
            "Компетенции",
            "Предметы",
            "Сколько наставляемых",
            "Статус",
        ],
        ["Орлова", "Елена", "Викторовна", "Учитель математики", "Олимпиады", "Математика", "3", "Отобрана"],
    ]
    token = token_of(upload(curator, csv_bytes(rows, delimiter=";"), target="mentors"))
    done = confirm(curator, token)
    assert done.url == reverse("mentor_list")
    entry = MentorEntry.objects.get()
    assert entry.person.kind == Person.Kind.TEACHER
    assert (entry.capacity, entry.status, entry.subjects) == (3, MentorEntry.Status.SELECTED, "Математика")


def test_a_file_exported_from_a_list_imports_back_without_changes(curator, school):
    person = TeacherFactory(school=school, phone="+7 900 000-00-00", last_name="=Орлова")
    entry = MenteeEntryFactory(person=person, request="-минус в начале")
    entry.categories.set(MenteeCategory.objects.filter(code__in=["low_results", "disability"]))
    exported = imports.export_response(
        imports.MenteeEntryResource, MenteeEntry.objects.all(), "xlsx", "mentees"
    )
    token = token_of(upload(curator, exported.content, name="mentees.xlsx", target="mentees"))
    report = curator.get(reverse("import_job", args=[token])).context["report"]
    assert [row.outcome for row in report.rows] == ["skipped"], report.messages
    assert set(report.ignored_columns) == {"Статус", "Согласие"}


# --- All or nothing ---------------------------------------------------------------------------------


def test_a_failure_in_the_middle_of_the_confirm_rolls_back_every_row(curator, monkeypatch):
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    assert curator.get(reverse("import_job", args=[token])).context["report"].ok
    before = database_state()
    checked = []
    original_clean = Person.full_clean

    def failing_clean(self, *args, **kwargs):
        checked.append(self.last_name)
        if len(checked) == 2:
            raise RuntimeError("the disk is full")
        return original_clean(self, *args, **kwargs)

    monkeypatch.setattr(Person, "full_clean", failing_clean)
    response = confirm(curator, token, follow=True)
    assert checked == ["Иванов", "Петрова", "Сидоров"]
    assert response.status_code == 200
    assert "Строка 3: не удалось обработать строку из-за внутренней ошибки" in response.content.decode()
    assert database_state() == before


def test_a_failure_while_writing_rolls_back_every_row_and_the_confirm_may_be_retried(curator, monkeypatch):
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    before = database_state()

    def failing_log(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:  # the people are inserted, then their audit entries fail
        patched.setattr(LogEntry.objects, "bulk_create", failing_log)
        response = confirm(curator, token, follow=True)
    assert response.status_code == 200
    assert "Не удалось записать файл из-за внутренней ошибки. Ничего не записано" in response.content.decode()
    assert "Подтвердить ещё раз" in response.content.decode()
    assert database_state() == before

    again = confirm(curator, token)
    assert again.url == reverse("person_list")
    assert Person.objects.count() == 3


def test_a_row_that_became_ambiguous_since_the_preview_rolls_back_the_whole_file(curator, school):
    rows = [["Фамилия", "Имя", "Класс"], ["Иванов", "Иван", "7Б"], ["Петров", "Пётр", "7Б"]]
    token = token_of(upload(curator, csv_bytes(rows)))
    assert curator.get(reverse("import_job", args=[token])).context["report"].ok
    PersonFactory.create_batch(2, school=school, last_name="Петров", first_name="Пётр", patronymic="")
    before = database_state()
    response = confirm(curator, token, follow=True)
    assert "Строка 3: в школе уже есть несколько участников «Петров Пётр»" in response.content.decode()
    assert database_state() == before


def test_a_second_confirm_of_the_same_file_changes_nothing(curator, media):
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    confirm(curator, token)
    after_first = database_state()
    second = confirm(curator, token)
    assert second.status_code == 302 and second.url == reverse("import_job", args=[token])
    assert "Этот файл уже импортирован." in messages_of(second)
    assert database_state() == after_first
    done = curator.get(reverse("import_job", args=[token]))
    assert "Импортировано: 3 новых, 0 обновлено." in done.content.decode()
    assert "Подтвердить импорт" not in done.content.decode()


def test_a_confirm_claimed_by_a_parallel_request_changes_nothing(curator):
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    job = ImportJob.objects.get(pk=token)
    assert import_job_claim(job=job, address=None) == 1  # the other request got there first
    response = confirm(curator, token)
    assert "Импорт этого файла уже записывается." in " ".join(messages_of(response))
    assert Person.objects.count() == 0


# --- The audit trail ---------------------------------------------------------------------------------


def test_every_imported_row_is_in_the_audit_trail_with_the_curator_as_actor(client, make_user, school):
    user = make_user(Role.CURATOR, school)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    rows = [["Фамилия", "Имя", "Класс", "Категории"], ["Иванов", "Иван", "7Б", "high_ability"]]
    token = token_of(upload(client, csv_bytes(rows), target="mentees"))
    confirm(client, token)
    person, entry = Person.objects.get(), MenteeEntry.objects.get()
    person_log = LogEntry.objects.get_for_object(person).get()
    assert (person_log.action, person_log.actor) == (LogEntry.Action.CREATE, user)
    entry_logs = LogEntry.objects.get_for_object(entry)
    assert {log.actor for log in entry_logs} == {user}
    assert entry_logs.filter(action=LogEntry.Action.CREATE).exists()


def test_the_functions_called_without_a_request_name_the_user_as_actor(school, make_user):
    user = make_user(Role.CURATOR, school)
    content = csv_bytes([HEADER, *GOOD_ROWS])
    preview = import_preview(
        school=school, target="people", uploaded_file=SimpleUploadedFile("a.csv", content)
    )
    assert preview.ok and preview.new == 3
    sheet = imports.read_upload(SimpleUploadedFile("a.csv", content), "people")
    job = imports.import_job_create(school=school, user=user, target="people", sheet=sheet, filename="a.csv")
    import_job_check(job_id=job.pk)
    import_job_confirm(job_id=job.pk, attempt=import_job_claim(job=job, address=None))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["totals"]["new"] == 3
    assert set(LogEntry.objects.get_for_model(Person).values_list("actor", flat=True)) == {user.pk}


# --- Who may import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PSYCHOLOGIST, Role.TEACHER, Role.MENTOR])
def test_only_the_curator_of_the_school_may_import(client_as, school, role):
    client = client_as(role, school)
    assert client.get(reverse("import_upload")).status_code == 403
    assert upload(client, csv_bytes([HEADER, *GOOD_ROWS])).status_code == 403
    assert Person.objects.count() == 0


def test_a_coordinator_may_not_import(client_as, school):
    client = client_as(Role.COORDINATOR, school.department)
    assert client.get(reverse("import_upload")).status_code == 403
    assert upload(client, csv_bytes([HEADER, *GOOD_ROWS])).status_code == 403


def test_another_school_curator_cannot_preview_or_confirm_someone_elses_file(
    client, client_as, school, other_school
):
    owner = client_as(Role.CURATOR, school)
    token = token_of(upload(owner, csv_bytes([HEADER, *GOOD_ROWS])))
    client.logout()
    stranger = client_as(Role.CURATOR, other_school)
    assert stranger.get(reverse("import_job", args=[token])).status_code == 404
    assert confirm(stranger, token).status_code == 404
    assert Person.objects.count() == 0


def test_a_curator_of_two_schools_cannot_confirm_into_the_other_school(
    client, make_user, school, other_school
):
    user = make_user(Role.CURATOR, school)
    MembershipFactory(user=user, organisation=other_school, role=Role.CURATOR)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.post(reverse("switch_organisation"), {"organisation": school.pk})
    token = token_of(upload(client, csv_bytes([HEADER, *GOOD_ROWS])))
    client.post(reverse("switch_organisation"), {"organisation": other_school.pk})
    assert client.get(reverse("import_job", args=[token])).status_code == 404
    assert confirm(client, token).status_code == 404
    assert Person.objects.count() == 0


def test_a_get_request_does_not_confirm(curator):
    token = token_of(upload(curator, csv_bytes([HEADER, *GOOD_ROWS])))
    assert curator.get(reverse("import_job_confirm", args=[token])).status_code == 405
    assert Person.objects.count() == 0


# --- Pages ----------------------------------------------------------------------------------------------


def test_the_upload_page_offers_the_three_lists_and_samples(curator):
    response = curator.get(reverse("import_upload"))
    page = response.content.decode()
    assert response.context["section"] == "import"
    for label in ("Участники", "База наставляемых", "База наставников"):
        assert label in page
    assert "style=" not in page and "<style" not in page and "<script>" not in page
    sample = curator.get(reverse("import_sample", args=["mentees"]))
    assert sample["Content-Disposition"].startswith('attachment; filename="mentees-obrazec-')


def test_a_long_preview_shows_the_first_rows_and_every_error_row(curator, monkeypatch):
    monkeypatch.setattr(run, "PREVIEW_ROWS", 5)
    rows = [HEADER] + [[f"Фамилия{i}", "Имя", "", "", "7Б"] for i in range(20)]
    rows[15][4] = "77"
    token = token_of(upload(curator, csv_bytes(rows)))
    response = curator.get(reverse("import_job", args=[token]))
    assert [row.number for row in response.context["rows"]] == [2, 3, 4, 5, 6, 16]
    assert response.context["report"].new == 19
    assert "ещё 14 строк без ошибок не показаны" in response.content.decode()


def test_old_pending_uploads_are_deleted_when_new_ones_come(curator, media, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_PENDING", 2)
    for _ in range(4):
        upload(curator, csv_bytes([HEADER, *GOOD_ROWS]))
    assert len(stored_files(media)) == 2


def test_the_school_is_never_taken_from_the_form(curator, school, other_school):
    response = curator.post(
        reverse("import_upload"),
        {
            "target": "people",
            "school": other_school.pk,
            "file": SimpleUploadedFile("a.csv", csv_bytes([HEADER, *GOOD_ROWS])),
        },
    )
    confirm(curator, token_of(response))
    assert set(Person.objects.values_list("school", flat=True)) == {school.pk}


def test_an_unknown_target_is_a_form_error(curator):
    response = curator.post(
        reverse("import_upload"),
        {"target": "orders", "file": SimpleUploadedFile("a.csv", csv_bytes([HEADER]))},
    )
    assert response.status_code == 200 and "target" in response.context["form"].errors


def test_the_upload_is_still_protected_against_csrf(make_user, school):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.CURATOR, school), backend="django.contrib.auth.backends.ModelBackend")
    assert upload(client, csv_bytes([HEADER, *GOOD_ROWS])).status_code == 403
    assert client.get(reverse("import_upload")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("import_upload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_stale_stored_uploads_are_purged(curator, media):
    upload(curator, csv_bytes([HEADER, *GOOD_ROWS]))
    assert imports.purge_stale_uploads() == 0
    old = datetime.datetime.now().timestamp() - 2 * 24 * 3600
    for name in stored_files(media):
        os.utime(media / "imports" / name, (old, old))
    assert imports.purge_stale_uploads() == 1
    assert stored_files(media) == []
