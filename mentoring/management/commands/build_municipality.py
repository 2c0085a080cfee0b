import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mentoring import demo


class Command(BaseCommand):
    help = (
        "Строит большой муниципалитет для нагрузочных тестов (по умолчанию 15 школ, 15 000 обучающихся, "
        "1 500 педагогов, программы наставничества этого и прошлых лет с парами, планами и встречами) "
        "с учётными записями bench_coordinator, bench_curator и bench_mentor, пароль «demo»."
    )

    def add_arguments(self, parser) -> None:
        size = demo.BENCH_SIZE
        parser.add_argument("--schools", type=int, default=size["schools"], help="число школ")
        parser.add_argument(
            "--pupils", type=int, default=size["pupils_per_school"], help="обучающихся в школе"
        )
        parser.add_argument(
            "--teachers", type=int, default=size["teachers_per_school"], help="педагогов в школе"
        )
        parser.add_argument("--seed", type=int, default=demo.BENCH_SEED, help="начальное значение генератора")
        parser.add_argument("--reset", action="store_true", help="удалить муниципалитет и построить заново")

    def handle(
        self, *args, schools: int, pupils: int, teachers: int, seed: int, reset: bool, **options
    ) -> None:
        # Every school needs a pupil in each grade and its fixed posts (the curator, the psychologist…).
        if schools < 1 or pupils < 11 or teachers < len(demo.FIXED_POSTS):
            raise CommandError(
                "Нужна хотя бы одна школа, в каждой не меньше 11 обучающихся "
                f"и {len(demo.FIXED_POSTS)} педагогов."
            )
        existing = demo.find_department(demo.BENCH)
        if existing and not reset:
            self.stdout.write(
                "Муниципалитет для нагрузочных тестов уже построен; --reset построит его заново."
            )
            return
        started = time.perf_counter()
        with transaction.atomic():
            if existing:
                demo.delete_department(existing)
            built = demo.build_municipality(
                schools=schools, pupils_per_school=pupils, teachers_per_school=teachers, seed=seed
            )
        seconds = time.perf_counter() - started
        people = f"{schools} школ, {schools * pupils} обучающихся, {schools * teachers} педагогов"
        parts = ", ".join(f"{label}: {number}" for label, number in built.counts.items())
        summary = "; ".join(filter(None, (people, parts)))
        self.stdout.write(self.style.SUCCESS(f"Построено за {seconds:.1f} с: {summary}."))
