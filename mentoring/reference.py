"""The seeds' reference data, read from the YAML files of `fixtures/`: Russian, for a methodologist to read.

This module is the only reader of those files; each app turns the data into its own shapes. Rows that live in
the database (mentee categories, forms and role models, built-in questionnaires) are brought up to the files
by each app's sync step: the data migrations call it, and a later change to a file ships with a data
migration that calls it again, so new and upgraded installations hold the same rows.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml
from django.apps import apps as installed_apps
from django.conf import settings
from django.db import models, transaction

YES_NO = {"да": True, "нет": False}


@functools.cache
def reference(name: str) -> Any:
    """The data of fixtures/<name>.yaml, read once."""
    with (settings.BASE_DIR / "fixtures" / f"{name}.yaml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def choice_value(choices: type[models.Choices], label: str) -> str:
    """The stored value of the choice a file names by its label («Шкала» for Question.Kind.SCALE)."""
    for value, known in choices.choices:
        if known == label:
            return value
    raise ValueError(f"«{label}» нет среди значений {choices.__qualname__}.")


@transaction.atomic
def mentee_categories_sync(apps=None) -> None:
    """Create the mentee categories or bring their names and order up to the file, by code."""
    categories = (apps or installed_apps).get_model("mentoring", "MenteeCategory")
    # The model of an early migration has no mark of a special category yet; 0021 marks them.
    marks = any(field.name == "sensitive" for field in categories._meta.get_fields())
    for order, category in enumerate(reference("mentee_categories")["категории"], start=1):
        defaults = {"name": category["название"], "order": order}
        if marks:
            defaults["sensitive"] = YES_NO[category.get("особая", "нет")]
        categories.objects.update_or_create(code=category["код"], defaults=defaults)


def nomination_reasons() -> list[tuple[str, str]]:
    """Why a class teacher puts a pupil forward for the mentee base: (code, wording) in the file's order."""
    return [(reason["код"], reason["название"]) for reason in reference("nomination_reasons")["причины"]]
