from django.db import migrations, models

from monitoring.builtins import builtins_sync


def load(apps, schema_editor):
    """The built-in preferred-partner questionnaire's open questions become partner questions."""
    builtins_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_builtin_questionnaires")]
    operations = [
        migrations.AlterField(
            model_name="question",
            name="kind",
            field=models.CharField(
                choices=[
                    ("open", "Открытый ответ"),
                    ("single", "Один вариант"),
                    ("multiple", "Несколько вариантов"),
                    ("scale", "Шкала"),
                    ("number", "Число"),
                    ("yes_no", "Да / нет"),
                    ("partner", "Участник другой стороны программы"),
                ],
                default="open",
                max_length=20,
                verbose_name="тип ответа",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
