from django.db import migrations

from mentoring.reference import mentee_categories_sync


def load(apps, schema_editor):
    mentee_categories_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
