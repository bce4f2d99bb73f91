"""Assessments move from `standards` to `assessments`; the tables keep their names, no SQL runs."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep permissions and admin history: the content types follow their models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("assessment", "assessmentrow"):
        if not content_type.objects.filter(app_label="assessments", model=model).exists():
            content_type.objects.filter(app_label="standards", model=model).update(
                app_label="assessments"
            )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("regions", "0004_indicator_projection"),
        ("standards", "0005_rule_target_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Assessment",
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
                        ("standard_set_version", models.CharField(max_length=40)),
                        (
                            "level",
                            models.CharField(
                                choices=[("kreis", "Kreis"), ("gemeinde", "Gemeinde")],
                                max_length=10,
                            ),
                        ),
                        ("reference_date", models.DateField(verbose_name="Stichtag")),
                        (
                            "label",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="Bezeichnung"
                            ),
                        ),
                        ("data_reference", models.JSONField(blank=True, default=dict)),
                        (
                            "includes_demo_data",
                            models.BooleanField(default=False, verbose_name="enthält Demodaten"),
                        ),
                        (
                            "is_published",
                            models.BooleanField(default=False, verbose_name="öffentlich"),
                        ),
                        (
                            "is_scenario",
                            models.BooleanField(default=False, verbose_name="Szenario"),
                        ),
                        ("scenario", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "standard_set",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assessments",
                                to="standards.standardset",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Bewertung",
                        "verbose_name_plural": "Bewertungen",
                        "db_table": "standards_assessment",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="AssessmentRow",
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
                        ("rule_code", models.CharField(max_length=100)),
                        ("offer_type_code", models.CharField(max_length=60)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("ratio", "Versorgungsquote"),
                                    ("presence", "Vorhandensein"),
                                    ("reach", "Erreichbarkeit"),
                                    ("languages", "Sprachen"),
                                    ("hours", "Öffnungszeiten"),
                                    ("reliability", "Verlässliche Finanzierung"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "responsible_level",
                            models.CharField(
                                choices=[
                                    ("bund", "Bund"),
                                    ("land", "Land"),
                                    ("kreis", "Kreis"),
                                    ("gemeinde", "Gemeinde"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("value", models.FloatField(null=True)),
                        ("target", models.FloatField()),
                        ("ratio", models.FloatField(null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("met", "erfüllt"),
                                    ("partial", "teilweise"),
                                    ("gap", "Lücke"),
                                    ("no_data", "keine Daten"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "basis",
                            models.CharField(
                                choices=[
                                    ("own", "eigene Bewertung"),
                                    ("parent", "Ergebnis des Kreises"),
                                    ("share_regions", "Anteil der Gemeinden"),
                                    ("share_population", "Anteil der Einwohner"),
                                ],
                                default="own",
                                max_length=20,
                                verbose_name="Grundlage",
                            ),
                        ),
                        ("demand", models.FloatField(null=True)),
                        ("supply", models.FloatField(null=True)),
                        ("deficit", models.FloatField(null=True)),
                        ("unit", models.CharField(max_length=20)),
                        ("cost_total", models.FloatField(null=True)),
                        ("cost_land", models.FloatField(null=True)),
                        ("cost_kreis", models.FloatField(null=True)),
                        ("cost_gemeinde", models.FloatField(null=True)),
                        ("cost_bund", models.FloatField(null=True)),
                        ("explanation", models.TextField()),
                        (
                            "uses_demo_data",
                            models.BooleanField(default=False, verbose_name="Demodaten"),
                        ),
                        (
                            "assessment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="rows",
                                to="assessments.assessment",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assessment_rows",
                                to="regions.region",
                            ),
                        ),
                        (
                            "rule",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="standards.rule",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "standards_assessmentrow",
                        "ordering": ["assessment", "rule_code", "region"],
                        "indexes": [
                            models.Index(
                                fields=["assessment", "status"],
                                name="standards_a_assessm_ec2323_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("assessment", "region", "rule_code"),
                                name="unique_row_per_region_rule",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
