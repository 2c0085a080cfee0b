from itertools import batched

from django.db import migrations, models

from mentoring.search import person_search_name

TRIGRAM_INDEX = "mentoring_person_search_name_trgm"


def fill_search_names(apps, schema_editor) -> None:
    Person = apps.get_model("mentoring", "Person")
    people = Person.objects.only("last_name", "first_name", "patronymic").order_by("pk")
    for batch in batched(people.iterator(chunk_size=2000), 2000, strict=False):
        for person in batch:
            person.search_name = person_search_name(person.last_name, person.first_name, person.patronymic)
        Person.objects.bulk_update(batch, ["search_name"])


def create_trigram_index(apps, schema_editor) -> None:
    # SQLite has neither pg_trgm nor GIN: there the search is a plain LIKE over one school's people.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON mentoring_person USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0025_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.CharField(blank=True, editable=False, max_length=302, verbose_name="ФИО для поиска"),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
