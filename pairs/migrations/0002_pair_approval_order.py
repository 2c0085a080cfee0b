import django.db.models.deletion
from django.db import migrations, models


def link_issued_orders(apps, schema_editor):
    """Pairs approved by a pairs order issued before the link existed: the order names them in its params."""
    documents = apps.get_model("mentoring", "Document")
    pairs = apps.get_model("pairs", "Pair")
    for order in documents.objects.filter(kind="order_pairs").order_by("date", "pk").iterator():
        pairs.objects.filter(pk__in=order.params.get("pairs", [])).update(order=order)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0006_document_kind_from_the_registry"),
        ("pairs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="pair",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="mentoring.document",
                verbose_name="приказ об утверждении",
            ),
        ),
        migrations.RunPython(link_issued_orders, migrations.RunPython.noop),
    ]
