from django.db import migrations

from programs.reference import role_model_categories_sync


def load(apps, schema_editor):
    role_model_categories_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_programmes"), ("mentoring", "0002_reference_mentee_categories")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
