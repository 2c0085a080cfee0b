from django.db import migrations, models
from django.db.models import Q

REGISTERS = [("orders", "Приказы"), ("certificates", "Сертификаты участников")]


def numbered_documents_are_orders(apps, schema_editor):
    """Until now only orders were numbered: every numbered document is in the orders' register."""
    apps.get_model("mentoring", "Document").objects.filter(sequence__isnull=False).update(register="orders")


class Migration(migrations.Migration):
    """The order counter becomes a counter per register (orders, certificates); the existing counters count
    orders, so no order number is given twice."""

    dependencies = [("mentoring", "0006_document_kind_from_the_registry")]

    operations = [
        migrations.RenameModel("OrderCounter", "DocumentCounter"),
        migrations.RemoveConstraint(model_name="documentcounter", name="one_order_counter_per_year"),
        migrations.AddField(
            model_name="documentcounter",
            name="register",
            field=models.CharField(choices=REGISTERS, default="orders", max_length=20),
        ),
        migrations.AddConstraint(
            model_name="documentcounter",
            constraint=models.UniqueConstraint(
                fields=("school", "register", "year"), name="one_counter_per_register_and_year"
            ),
        ),
        migrations.RemoveConstraint(model_name="document", name="order_number_unique_per_school_and_year"),
        migrations.AddField(
            model_name="document",
            name="register",
            field=models.CharField(
                blank=True, choices=REGISTERS, max_length=20, verbose_name="журнал регистрации"
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="sequence",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="порядковый номер в журнале"),
        ),
        migrations.RunPython(numbered_documents_are_orders, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=Q(sequence__isnull=False),
                fields=("school", "register", "year", "sequence"),
                name="number_unique_per_register_and_year",
            ),
        ),
    ]
