"""Services point at the offer types' new home (`taxonomy`); the same table, no SQL runs."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_merge_confirmed_at"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalservice",
                    name="offer_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="taxonomy.offertype",
                        verbose_name="Angebotsart",
                    ),
                ),
                migrations.AlterField(
                    model_name="service",
                    name="offer_type",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="services",
                        to="taxonomy.offertype",
                        verbose_name="Angebotsart",
                    ),
                ),
            ],
        ),
    ]
