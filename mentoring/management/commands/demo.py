from django.core.management.base import BaseCommand
from django.db import transaction

from mentoring import demo


class Command(BaseCommand):
    help = (
        "Загружает демо-данные: управление образования города Энска, три школы с учениками и педагогами, "
        "обе базы, программы наставничества с парами и группами, их планами и встречами, анкетирования "
        "с ответами участников и учётные записи "
        "с паролем «demo»."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reset", action="store_true", help="удалить демо-данные и загрузить заново")

    def handle(self, *args, reset: bool, **options) -> None:
        existing = demo.find_department(demo.DEMO)
        if existing and not reset:
            self.stdout.write("Демо-данные уже загружены.")
            return
        with transaction.atomic():
            if existing:
                demo.delete_department(existing)
            built = demo.load_demo()
        self.stdout.write(self.style.SUCCESS(f"Демо-данные загружены: {built.department.short_name}."))
        for school in built.schools:
            self.stdout.write(f"  {school.school.short_name}")
        first, second = built.schools[0].school.short_name, built.schools[1].school.short_name
        self.stdout.write(
            "Учётные записи (пароль «demo»): coordinator — управление образования; "
            f"director, curator, mentor, mentee, teacher, psychologist — {first}; curator2 — {second}."
        )
