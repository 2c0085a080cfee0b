from django.db import migrations

# Which mentee categories each role model serves; matching scores a role model that fits the mentee higher.
FITS = {
    "«Успевающий – неуспевающий»": ["low_results"],
    "«Лидер – пассивный»": ["not_included", "behaviour"],
    "«Равный – равному»": ["high_ability"],
    "«Адаптированный – неадаптированный»": ["newcomer", "hardship"],
    "«Опытный педагог – молодой специалист»": ["young_teacher", "newcomer"],
    "«Опытный педагог – педагог с низкими образовательными результатами»": ["low_results_teacher"],
    "«Учитель – неуспевающий ученик»": ["low_results"],
    "«Учитель – ученик на профилактическом учёте»": ["prevention_register", "behaviour", "hardship"],
    "«Тьютор – ребёнок с ОВЗ»": ["disability"],
    "«Учитель – одарённый ученик»": ["high_ability"],
    "«Студент – ученик»": ["high_ability", "not_included"],
    "«Работодатель – ученик»": ["high_ability"],
}


def load(apps, schema_editor):
    RoleModel = apps.get_model("programs", "RoleModel")
    MenteeCategory = apps.get_model("mentoring", "MenteeCategory")
    categories = {c.code: c for c in MenteeCategory.objects.all()}
    for role_model in RoleModel.objects.filter(name__in=FITS):
        role_model.categories.add(*(categories[code] for code in FITS[role_model.name] if code in categories))


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_programmes"), ("mentoring", "0002_reference_mentee_categories")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
