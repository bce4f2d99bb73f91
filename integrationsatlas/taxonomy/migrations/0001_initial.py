"""Offer types move from `standards` to `taxonomy`; the table keeps its name, no SQL runs."""

from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep permissions and admin history: the content type follows its model."""
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="taxonomy", model="offertype").exists():
        content_type.objects.filter(app_label="standards", model="offertype").update(
            app_label="taxonomy"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("standards", "0005_rule_target_group"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OfferType",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=60, unique=True, verbose_name="Code")),
                        ("names", models.JSONField(default=dict, verbose_name="Namen")),
                        (
                            "descriptions",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="Kurzbeschreibungen"
                            ),
                        ),
                        (
                            "icon",
                            models.CharField(blank=True, max_length=40, verbose_name="Symbol"),
                        ),
                        (
                            "family",
                            models.CharField(blank=True, max_length=20, verbose_name="Gruppe"),
                        ),
                        (
                            "unit",
                            models.CharField(
                                choices=[
                                    ("fte", "Vollzeitstellen (VZÄ)"),
                                    ("places", "Plätze"),
                                    ("sites", "Standorte"),
                                    ("hours_per_week", "Stunden pro Woche"),
                                    ("bodies", "Gremien"),
                                ],
                                max_length=20,
                                verbose_name="Einheit",
                            ),
                        ),
                        (
                            "default_demand_indicator",
                            models.CharField(
                                default="foreign_population",
                                max_length=60,
                                verbose_name="Bedarfskennzahl (Standard)",
                            ),
                        ),
                        (
                            "legal_basis",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="Rechtsgrundlage"
                            ),
                        ),
                        (
                            "typical_funders",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="Übliche Finanzierung"
                            ),
                        ),
                        (
                            "sort_order",
                            models.PositiveIntegerField(default=100, verbose_name="Reihenfolge"),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="aktiv")),
                    ],
                    options={
                        "verbose_name": "Angebotsart",
                        "verbose_name_plural": "Angebotsarten",
                        "db_table": "standards_offertype",
                        "ordering": ["sort_order", "code"],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
