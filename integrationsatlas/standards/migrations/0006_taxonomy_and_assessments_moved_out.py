"""Offer types and assessments have left `standards` (for `taxonomy` and `assessments`); state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("registry", "0008_offer_type_in_taxonomy"),
        ("standards", "0005_rule_target_group"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="assessmentrow",
                    name="assessment",
                ),
                migrations.RemoveField(
                    model_name="assessmentrow",
                    name="region",
                ),
                migrations.RemoveField(
                    model_name="assessmentrow",
                    name="rule",
                ),
                migrations.AlterField(
                    model_name="rule",
                    name="offer_type",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rules",
                        to="taxonomy.offertype",
                    ),
                ),
                migrations.DeleteModel(
                    name="Assessment",
                ),
                migrations.DeleteModel(
                    name="AssessmentRow",
                ),
                migrations.DeleteModel(
                    name="OfferType",
                ),
            ],
        ),
    ]
