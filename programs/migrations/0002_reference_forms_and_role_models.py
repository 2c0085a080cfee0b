from django.db import migrations

from programs.reference import mentoring_forms_sync


def load(apps, schema_editor):
    mentoring_forms_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
