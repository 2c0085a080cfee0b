"""`make bench`: the mentee base list page and a 10,000-row import on the large municipality.

Figures are printed, never asserted; only the query counts are part of the contract.
"""

import io
import threading
import time
from collections.abc import Callable

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.imports import import_confirm, import_preview
from mentoring.models import MenteeCategory, MenteeEntry, Organisation, User

from .conftest import REPEATS, timings

IMPORT_ROWS = 10_000


@pytest.fixture
def curator_client(client, department):
    client.force_login(
        User.objects.get(username="bench_curator"), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


@pytest.mark.django_db
def test_mentee_base_list_page(curator_client):
    category = MenteeCategory.objects.get(code="low_results")
    pages = {
        "первая страница": "/mentees/",
        "фильтр (категория, без согласия, 7 класс)": (
            f"/mentees/?category={category.pk}&consent=missing&grade=7"
        ),
        "поиск по фамилии": "/mentees/?q=Иван",
    }
    print(f"\nСписок базы наставляемых, {connection.vendor}, {REPEATS} запросов на страницу:")
    for label, url in pages.items():
        assert curator_client.get(url).status_code == 200
        median, p95 = timings(lambda url=url: curator_client.get(url))
        print(f"  {label:45} медиана {median:7.1f} мс, 95-й процентиль {p95:7.1f} мс")

    counts = {}
    for size in (20, 100):
        with CaptureQueriesContext(connection) as queries:
            response = curator_client.get(f"/mentees/?per_page={size}")
        assert len(response.context["page_obj"].object_list) == size
        counts[size] = len(queries)
    print(f"  запросов к базе: {counts[20]} при 20 строках, {counts[100]} при 100 строках")
    assert counts[20] == counts[100]


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


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def measured(action: Callable[[], object]) -> tuple[object, float, float]:
    """Wall time, and the peak growth of resident memory sampled beside it.

    tracemalloc would triple the time of the very thing measured.
    """
    baseline, peak, done = resident_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], resident_mb() - baseline)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        result = action()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return result, seconds, peak[0]


@pytest.mark.django_db
def test_import_of_a_10000_row_xlsx(department):
    school: Organisation = Organisation.objects.filter(department=department).order_by("pk").first()
    curator = User.objects.get(username="bench_curator")
    content = mentee_base_xlsx(IMPORT_ROWS)
    before = MenteeEntry.objects.for_school(school).count()

    upload = SimpleUploadedFile("mentees.xlsx", content)
    report, preview_s, preview_mb = measured(
        lambda: import_preview(school=school, target="mentees", uploaded_file=upload)
    )
    assert not report.file_errors and report.count("error") == 0, report.file_errors

    path = default_storage.save("imports/bench.xlsx", ContentFile(content))
    try:
        confirmed, confirm_s, confirm_mb = measured(
            lambda: import_confirm(school=school, target="mentees", path=path, user=curator)
        )
    finally:
        default_storage.delete(path)
    assert confirmed.written
    assert MenteeEntry.objects.for_school(school).count() == before + IMPORT_ROWS
    print(f"\nИмпорт XLSX на {IMPORT_ROWS} строк ({len(content) // 1024} КБ), {connection.vendor}:")
    print(f"  предпросмотр:  {preview_s:6.1f} с, прирост памяти процесса {preview_mb:6.1f} МБ")
    print(f"  подтверждение: {confirm_s:6.1f} с, прирост памяти процесса {confirm_mb:6.1f} МБ")
