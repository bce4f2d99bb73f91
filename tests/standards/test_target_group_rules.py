"""Issue 17: a rule per target group counts only services serving that group or all; bad groups refused."""

import copy
import csv
import io

import pytest
from django.core.management import call_command

from integrationsatlas.regions.models import IndicatorValue
from integrationsatlas.registry.models import Service
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.document import DocumentError
from integrationsatlas.standards.sets import check_document, document_of, import_document

from .test_assess import DRESDEN, make_service

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"

pytestmark = pytest.mark.django_db


def with_eu_rule(**change) -> dict:
    document = doc_module.read_file(EXAMPLE)
    rule = copy.deepcopy(document["rules"][0])
    rule.update(id="mbe-eu-test", target_group="eu_citizens", demand_indicator="foreign_eu27")
    rule.update(title="Migrationsberatung für EU-Bürgerinnen und -Bürger (Test)")
    rule.update(change)
    document["rules"] = [rule]
    document["slug"] = "eu-test"
    return document


def problems_of(document: dict) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        check_document(document)
    return [str(p) for p in caught.value.problems]


def test_eu_rule_counts_only_services_for_eu_citizens_or_all():
    import_document(with_eu_rule())
    for capacity, groups in (
        (10.0, ["eu_citizens"]),
        (5.0, ["refugees"]),
        (3.0, []),
        (2.0, ["all"]),
    ):
        service = make_service("mbe", DRESDEN, capacity=capacity)
        Service.objects.filter(pk=service.pk).update(target_groups=groups)
    out = io.StringIO()
    args = ["--standard-set", "eu-test", "--level", "kreis", "--date", "2026-06-30"]
    call_command("assess", *args, "--format", "csv", stdout=out, stderr=io.StringIO())
    rows = {r["ags"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    eu = (
        IndicatorValue.objects.filter(region_id="14612", code="foreign_eu27", projection_variant="")
        .order_by("-reference_date")
        .first()
        .value
    )
    # Hand-computed: 10 (EU) + 3 (no group named) + 2 ("all") VZÄ; the 5 for refugees do not count.
    assert float(rows["14612"]["value"]) == pytest.approx(15 / eu * 1000, abs=1e-4)
    assert "Zielgruppe: EU-Bürgerinnen und -Bürger" in rows["14612"]["explanation"]


def test_rule_without_group_still_counts_every_service():
    document = with_eu_rule()
    del document["rules"][0]["target_group"]
    document["rules"][0]["demand_indicator"] = "foreign_population"
    document["slug"] = "all-test"
    import_document(document)
    for capacity, groups in ((10.0, ["eu_citizens"]), (5.0, ["refugees"])):
        service = make_service("mbe", DRESDEN, capacity=capacity)
        Service.objects.filter(pk=service.pk).update(target_groups=groups)
    out = io.StringIO()
    args = ["--standard-set", "all-test", "--level", "kreis", "--date", "2026-06-30"]
    call_command("assess", *args, "--format", "csv", stdout=out, stderr=io.StringIO())
    rows = {r["ags"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert float(rows["14612"]["value"]) == pytest.approx(15 / 74850 * 1000, abs=1e-4)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"target_group": "aliens"}, "target_group", "unbekannte Zielgruppe 'aliens'"),
        ({"target_group": "all"}, "target_group", "unbekannte Zielgruppe 'all'"),
        ({"target_group": "youth"}, "target_group", "keine Bedarfskennzahl"),
        (
            {"demand_indicator": "foreign_population"},
            "demand_indicator",
            "braucht die Bedarfskennzahl foreign_eu27",
        ),
    ],
)
def test_bad_target_group_is_refused_naming_rule_and_field(change, field, words):
    problems = problems_of(with_eu_rule(**change))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"Regel „mbe-eu-test“ (Nr. 1), Feld „{field}“:")
    assert words in problems[0]


def test_group_round_trips_through_export():
    standard_set = import_document(with_eu_rule())[0]
    assert standard_set.rules.get().target_group == "eu_citizens"
    assert document_of(standard_set)["rules"][0]["target_group"] == "eu_citizens"


def test_goerlitz_report_shows_the_eu_rule_with_the_destatis_figure_and_source(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from integrationsatlas.assessments.models import Assessment
    from integrationsatlas.registry.models import Membership

    import_document(with_eu_rule())
    service = make_service("mbe", (14.9869, 51.1528), capacity=2.0)  # Görlitz town centre
    Service.objects.filter(pk=service.pk).update(target_groups=["eu_citizens"])
    args = ["--standard-set", "eu-test", "--level", "kreis", "--date", "2026-06-30"]
    call_command("assess", *args, "--format", "csv", stdout=io.StringIO(), stderr=io.StringIO())
    eu = IndicatorValue.objects.get(
        region_id="14626", code="foreign_eu27", reference_date__year=2025, projection_variant=""
    )
    assert eu.value == 10100  # Destatis 12521-0041, 31.12.2025 (data/SOURCES.md)
    user = get_user_model().objects.create_user("planerin", password="x")
    Membership.objects.create(user=user, role=Membership.Role.PLANNER)
    client.force_login(user)
    assessment = Assessment.objects.get()
    page = client.get(
        reverse("planning:region", args=["14626"]), {"bewertung": assessment.pk}
    ).content.decode()
    assert "Migrationsberatung für EU-Bürgerinnen und -Bürger (Test)" in page  # by name
    assert "10.100" in page or "10100" in page or "10,100" in page
    assert eu.source.split(";")[0][:40] in page
    row = assessment.rows.get(region_id="14626")
    assert "Zielgruppe: EU-Bürgerinnen und -Bürger" in row.explanation
    # Hand-computed: 2 VZÄ for EU citizens against 10,100 EU citizens = 0.198 per 1,000.
    assert row.value == pytest.approx(2 / 10100 * 1000, abs=1e-4)
