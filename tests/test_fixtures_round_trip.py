"""The YAML files of fixtures/ hold exactly what the Python literals held, every text to the character."""

import importlib

import pytest
from django.apps import apps

from mentoring.models import MenteeCategory
from mentoring.reference import mentee_categories_sync, reference
from monitoring.builtins import BUILTINS, builtins_load
from programs.models import MentoringForm, RoleModel
from programs.reference import mentoring_forms_sync, role_model_categories_sync
from programs.seed_texts import (
    PLAN_TEMPLATES,
    PROGRAMME_TEMPLATES,
    plan_templates_load,
    programme_templates_load,
)
from roadmap.indicators import SEED_INDICATORS, seed_indicators_load
from roadmap.templates_data import TEMPLATES, templates_load


def migration(name: str):
    return importlib.import_module(name)


def test_the_programme_cards_and_plans_are_the_literals():
    assert programme_templates_load() == PROGRAMME_TEMPLATES
    assert plan_templates_load() == PLAN_TEMPLATES


def test_the_builtin_questionnaires_are_the_literals():
    assert builtins_load() == BUILTINS
    assert sum(len(b.questions) for b in builtins_load()) == 68


def test_the_roadmap_templates_and_indicators_are_the_literals():
    assert templates_load() == TEMPLATES
    assert seed_indicators_load() == SEED_INDICATORS


def test_the_reference_tables_are_the_literals():
    categories = migration("mentoring.migrations.0002_reference_mentee_categories").CATEGORIES
    forms = migration("programs.migrations.0002_reference_forms_and_role_models").FORMS
    fits = migration("programs.migrations.0004_role_model_categories").FITS
    assert [(c["код"], c["название"]) for c in reference("mentee_categories")["категории"]] == categories
    assert [
        (f["код"], f["название"], [(r["название"], r["описание"]) for r in f["ролевые модели"]])
        for f in reference("mentoring_forms")["формы"]
    ] == forms
    assert {
        r["название"]: r["категории наставляемых"]
        for f in reference("mentoring_forms")["формы"]
        for r in f["ролевые модели"]
        if "категории наставляемых" in r
    } == fits


def rows():
    return (
        list(MenteeCategory.objects.values_list("code", "name", "order").order_by("pk")),
        list(MentoringForm.objects.values_list("code", "name", "order").order_by("pk")),
        list(RoleModel.objects.values_list("form__code", "name", "description", "order").order_by("pk")),
        sorted(RoleModel.categories.through.objects.values_list("rolemodel__name", "menteecategory__code")),
    )


@pytest.mark.django_db(transaction=True)
def test_the_sync_steps_make_the_rows_the_old_migrations_made():
    for model in (RoleModel, MentoringForm, MenteeCategory):
        model.objects.all().delete()
    for name in (
        "mentoring.migrations.0002_reference_mentee_categories",
        "programs.migrations.0002_reference_forms_and_role_models",
        "programs.migrations.0004_role_model_categories",
    ):
        migration(name).load(apps, None)
    made_by_literals = rows()
    for model in (RoleModel, MentoringForm, MenteeCategory):
        model.objects.all().delete()
    mentee_categories_sync()
    mentoring_forms_sync()
    role_model_categories_sync()
    assert rows() == made_by_literals
