from django.db import migrations

# Seed 002 §8 and seed 003: who is put into the mentee base.
CATEGORIES = [
    ("high_ability", "Проявившие выдающиеся способности"),
    ("low_results", "Демонстрирующие неудовлетворительные образовательные результаты"),
    ("disability", "С ограниченными возможностями здоровья (ОВЗ, рекомендация ПМПК)"),
    ("hardship", "Попавшие в трудную жизненную ситуацию"),
    ("behaviour", "Имеющие проблемы с поведением"),
    ("not_included", "Не принимающие участие в жизни школы, отстранённые от коллектива"),
    ("prevention_register", "Состоящие на профилактическом учёте (ВШУ, ПДН, КДН)"),
    ("young_teacher", "Молодой педагог до 35 лет со стажем до 3 лет"),
    ("low_results_teacher", "Педагог с низкими образовательными результатами обучающихся"),
    ("newcomer", "Новичок, которому нужна адаптация в коллективе"),
]


def load(apps, schema_editor):
    MenteeCategory = apps.get_model("mentoring", "MenteeCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        MenteeCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
