"""The forms of mentoring and their role models from fixtures/mentoring_forms.yaml, into the database."""

from __future__ import annotations

from django.apps import apps as installed_apps
from django.db import transaction

from mentoring.reference import reference


def mentoring_forms() -> list[dict]:
    return reference("mentoring_forms")["формы"]


def form_names() -> dict[str, str]:
    """The forms' names by code: «Ученик – ученик» for pupil_pupil."""
    return {form["код"]: form["название"] for form in mentoring_forms()}


@transaction.atomic
def mentoring_forms_sync(apps=None) -> None:
    """Create the forms and their role models or bring them up to the file: a form by its code, a role model
    by its name within the form."""
    registry = apps or installed_apps
    forms = registry.get_model("programs", "MentoringForm")
    role_models = registry.get_model("programs", "RoleModel")
    for form_order, data in enumerate(mentoring_forms(), start=1):
        form, _ = forms.objects.update_or_create(
            code=data["код"], defaults={"name": data["название"], "order": form_order}
        )
        for order, role_model in enumerate(data["ролевые модели"], start=1):
            role_models.objects.update_or_create(
                form=form,
                name=role_model["название"],
                defaults={"description": role_model["описание"], "order": order},
            )


@transaction.atomic
def role_model_categories_sync(apps=None) -> None:
    """Add to each role model the mentee categories the file says it serves."""
    registry = apps or installed_apps
    role_models = registry.get_model("programs", "RoleModel")
    categories = {c.code: c for c in registry.get_model("mentoring", "MenteeCategory").objects.all()}
    for data in mentoring_forms():
        for fit in data["ролевые модели"]:
            role_model = role_models.objects.filter(form__code=data["код"], name=fit["название"]).first()
            if role_model is not None:
                codes = fit.get("категории наставляемых", [])
                role_model.categories.add(*(categories[code] for code in codes if code in categories))


@transaction.atomic
def role_model_grades_sync(apps=None) -> None:
    """Give each role model the grades of pupil mentees the file says it takes."""
    role_models = (apps or installed_apps).get_model("programs", "RoleModel")
    for data in mentoring_forms():
        for fit in data["ролевые модели"]:
            grade_from, grade_to = fit.get("классы наставляемых") or (None, None)
            role_models.objects.filter(form__code=data["код"], name=fit["название"]).update(
                mentee_grade_from=grade_from, mentee_grade_to=grade_to
            )
