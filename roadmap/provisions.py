"""A municipal roadmap's «Основные положения» and «Задачи» (seed 003 §1 and §3): the seed gives the rows'
names and the tasks, the department's own data gives the people and the body."""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.declension import lower_first, plural_ru
from mentoring.models import Organisation

from .models import Roadmap


@dataclass(frozen=True)
class Provisions:
    rows: list[tuple[str, str]]  # «Руководитель» and the like, with what the department's data says
    tasks: tuple[tuple[str, str], ...]  # each task with its result


def schools_phrase(count: int) -> str:
    noun = plural_ru(
        count,
        "общеобразовательная организация",
        "общеобразовательные организации",
        "общеобразовательных организаций",
    )
    return f"{count} {noun}"


def provisions_of(roadmap: Roadmap) -> Provisions | None:
    """None for a roadmap whose template has no such sections (the school's) or that has no template."""
    # The templates import the services, which import the documents of the apps that import this module.
    from .templates_data import TEMPLATES

    template = TEMPLATES.get(roadmap.template)
    if template is None or not template.provisions:
        return None
    body = roadmap.organisation
    head = ", ".join(
        part
        for part in (body.director_name, lower_first(body.director_position) if body.director_name else "")
        if part
    )
    schools = Organisation.objects.schools().filter(department=body).count()
    rows = [
        ("Краткое наименование", template.provisions["краткое наименование"]),
        ("Срок начала и окончания", f"{roadmap.starts_on:%d.%m.%Y} – {roadmap.ends_on:%d.%m.%Y}"),
        ("Руководитель", head or "не указан в сведениях об управлении образования"),
        ("Администратор", body.full_name),
        ("Исполнители", template.provisions["исполнители"].replace("{школ}", schools_phrase(schools))),
    ]
    return Provisions(rows, template.tasks)
