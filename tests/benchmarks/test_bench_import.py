"""`make bench`: a 10,000-pupil XLSX into the mentee base of a school of 1,000 people, through the job
services the tasks call: the upload read once, the check (the preview), the confirm. Time and peak growth
of the process's memory of each are printed, never asserted; the statements of a confirm, constant in
its number of rows, are pinned in tests/test_import_jobs.py.

Set DATABASE_URL for PostgreSQL, the production database.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.imports import (
    import_job_check,
    import_job_claim,
    import_job_confirm,
    import_job_create,
    read_upload,
)
from mentoring.models import ImportJob, MenteeEntry, Person, Role

from .conftest import measured

IMPORT_ROWS = 10_000
PEOPLE_BEFORE = 1_000


def mentee_base_xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "Категории", "Запрос"])
    for n in range(rows):
        grade = n % 11 + 1
        sheet.append(
            [
                f"Импортов{n}",
                "Пётр",
                "Петрович",
                f"{(n % 28) + 1:02d}.0{n % 9 + 1}.{2019 - grade}",
                f"{grade}{'АБВ'[n % 3]}",
                "Демонстрирующие неудовлетворительные образовательные результаты",
                "Подтянуть математику",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_import_of_10000_pupils(school, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    curator = make_user(Role.CURATOR, school)
    Person.objects.bulk_create(
        Person(
            school=school,
            last_name=f"Ученик{n}",
            first_name="Иван",
            birth_date=datetime.date(2012, 1, 1) + datetime.timedelta(days=n),
            grade=n % 11 + 1,
            class_letter="А",
        )
        for n in range(PEOPLE_BEFORE)
    )
    content = mentee_base_xlsx(IMPORT_ROWS)

    sheet, read_s, read_mb = measured(
        lambda: read_upload(SimpleUploadedFile("mentees.xlsx", content), "mentees")
    )
    job = import_job_create(
        school=school, user=curator, target="mentees", sheet=sheet, filename="mentees.xlsx"
    )
    _, check_s, check_mb = measured(lambda: import_job_check(job_id=job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY, job.report

    attempt = import_job_claim(job=job, address=None)
    with CaptureQueriesContext(connection) as queries:
        _, confirm_s, confirm_mb = measured(lambda: import_job_confirm(job_id=job.pk, attempt=attempt))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert MenteeEntry.objects.for_school(school).count() == IMPORT_ROWS

    print(f"\nИмпорт XLSX на {IMPORT_ROWS} строк ({len(content) // 1024} КБ), {connection.vendor}:")
    print(f"  чтение файла:  {read_s:6.1f} с, прирост памяти процесса {read_mb:6.1f} МБ")
    print(f"  проверка:      {check_s:6.1f} с, прирост памяти процесса {check_mb:6.1f} МБ")
    print(
        f"  подтверждение: {confirm_s:6.1f} с, прирост памяти процесса {confirm_mb:6.1f} МБ, "
        f"запросов к базе {len(queries)}"
    )
    # Measured by this benchmark's scenario on the code before imports were jobs (ab6e7ae), load about 2.
    print(
        "  до заданий (ab6e7ae): PostgreSQL — предпросмотр 7,0 с (+9 МБ), подтверждение 86,7 с, "
        "больше 9 000 запросов; SQLite — 6,0 с и 50,2 с"
    )
