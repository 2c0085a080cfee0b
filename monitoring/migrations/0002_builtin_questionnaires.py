from django.db import migrations

from monitoring.builtins import builtins_sync


def load(apps, schema_editor):
    builtins_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
