"""The KomIntAVO allocation as command, page and API: hand-computed cents, need, refusals."""

import csv
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.regions.models import IndicatorValue
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.standards.sets import import_document

LAW_SET = doc_module.SCHEMA_FILE.parent.parent / "data" / "sachsen-saechsintg-komintavo.yaml"
SLUG = "sachsen-saechsintg-komintavo"
FSA = "fsa-betreuungsschluessel"

# By hand, from the shipped VG250-EW figures (31.12.2023), 4,089,467 inhabitants in all:
# 10,000,000 EUR x inhabitants / 4,089,467, floored to the cent; the five cents left over go
# to the largest remainders: Görlitz (.94 of a cent), Mittelsachsen (.70), Zwickau (.61),
# Erzgebirgskreis (.47), Dresden (.43). Chemnitz (.42) is the next and gets none.
EXPECTED = {
    "14511": (250681, "612991.86"),
    "14521": (326896, "799360.90"),
    "14522": (300308, "734345.09"),
    "14523": (221953, "542743.10"),
    "14524": (310111, "758316.43"),
    "14612": (566222, "1384586.31"),
    "14625": (296506, "725048.03"),
    "14626": (248479, "607607.30"),
    "14627": (241160, "589710.10"),
    "14628": (246011, "601572.28"),
    "14713": (619879, "1515794.11"),
    "14729": (261573, "639626.14"),
    "14730": (199688, "488298.35"),
}

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("allocation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_ten_million_to_thirteen_kreise_to_the_cent():
    out, err = run("--amount", "10000000", "--format", "csv")
    rows = csv_rows(out)
    assert list(rows[0]) == ["ags", "name", "population", "population_date", "share", "allocation"]
    assert len(rows) == 13
    assert {r["ags"]: (int(r["population"]), r["allocation"]) for r in rows} == EXPECTED
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("10000000.00")
    assert sum(float(r["share"]) for r in rows) == pytest.approx(1.0, abs=1e-9)
    assert {r["population_date"] for r in rows} == {"2023-12-31"}
    # Proportional to the loaded population: every Kreis gets 2.4453... EUR per inhabitant.
    loaded = dict(
        IndicatorValue.objects.filter(code="population", region__level="kreis").values_list(
            "region_id", "value"
        )
    )
    for row in rows:
        assert int(row["population"]) == loaded[row["ags"]]
        per_head = float(row["allocation"]) / int(row["population"])
        assert per_head == pytest.approx(10_000_000 / 4_089_467, abs=0.01 / 199_688)
    assert "31.12.2023" in err and "Haushaltsjahr 2024" in err
    assert "VG250-EW" in err


def test_need_for_refugee_social_work_beside_the_allocation():
    import_document(doc_module.read_file(LAW_SET))
    out, _err = run(
        *("--amount", "10000000", "--purpose", "fluechtlingssozialarbeit"),
        *("--standard-set", SLUG, "--rule", FSA, "--format", "csv"),
    )
    rows = {r["ags"]: r for r in csv_rows(out)}
    bautzen = rows["14625"]
    # 969 persons (demo) x 10 / 1,000 = 9.69 FTE x 75,000 = 726,750 EUR; allocation
    # 725,048.03: 1,701.97 EUR short, 1.76 EUR per person of the target group.
    assert bautzen["target_group"] == "969"
    assert float(bautzen["need_units"]) == pytest.approx(9.69)
    assert float(bautzen["need_cost"]) == pytest.approx(726750.0)
    assert float(bautzen["difference"]) == pytest.approx(-1701.97, abs=0.005)
    assert float(bautzen["difference_per_head"]) == pytest.approx(-1.76, abs=0.005)
    assert bautzen["funding"] == "unterfinanziert" and bautzen["demo"] == "Demo"
    assert "§ 12 Abs. 5 Satz 2 KomIntAVO" in bautzen["source"]
    assert "Demo-Schätzung" in bautzen["source"]
    # Erzgebirgskreis: 1,059 persons need 794,250 EUR; it gets 799,360.90: 5,110.90 over.
    assert rows["14521"]["funding"] == "überfinanziert"
    assert float(rows["14521"]["difference"]) == pytest.approx(5110.90, abs=0.005)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--amount", "-5"), "--amount: Betrag -5 ist negativ"),
        (("--amount", "zehn"), "--amount: Betrag 'zehn' ist keine Zahl"),
        (("--amount", "1.005"), "mehr als zwei Nachkommastellen"),
        (("--amount", "5", "--year", "2026"), "--year: Für das Haushaltsjahr 2026 gibt es keine"),
        (("--amount", "5", "--year", "2023"), "gilt erstmals für 2025"),
        (("--amount", "5", "--region", "14625020"), "--region: 14625020 (Bautzen) ist kein Kreis"),
        (("--amount", "5", "--purpose", "§ 99"), "--purpose: Unbekannter Fördergegenstand"),
        (("--amount", "5", "--standard-set", SLUG), "Standardsatz und Regel gehören zusammen"),
        (("--amount", "5", "--standard-set", SLUG, "--rule", "beauftragte-hauptamtlich"),
         "keine Quotenregel 'beauftragte-hauptamtlich'"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_changes_nothing(args, message):
    import_document(doc_module.read_file(LAW_SET))
    before = (IndicatorValue.objects.count(), StandardSet.objects.count())
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)
    assert (IndicatorValue.objects.count(), StandardSet.objects.count()) == before


def test_one_kreis_and_a_year_with_data():
    IndicatorValue.objects.filter(code="population", reference_date="2023-12-31").update(
        reference_date="2024-12-31"
    )
    out, err = run("--amount", "1000", "--year", "2025", "--region", "14625", "--format", "csv")
    (row,) = csv_rows(out)
    assert row["ags"] == "14625" and row["population_date"] == "2024-12-31"
    assert "für das Haushaltsjahr 2025 verlangt" in err


def test_page_shows_the_table_and_names_bad_input(client):
    import_document(doc_module.read_file(LAW_SET))
    page = client.get("/planung/zuweisung/", {"amount": "10000000", "need": f"{SLUG}/{FSA}"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<tr data-ags=") == 13
    assert "725.048,03" in html and "10.000.000,00" in html and "unterfinanziert" in html
    assert "Demo" in html and "VG250-EW" in html
    bad = client.get("/planung/zuweisung/", {"amount": "-1"}).content.decode()
    assert "Verteilungsmasse (Euro): Betrag -1 ist negativ" in bad
    assert "<tr data-ags=" not in bad
    download = client.get("/planung/zuweisung/", {"amount": "100", "format": "csv"})
    rows = csv_rows(download.content.decode())
    assert len(rows) == 13 and "VG250-EW" in rows[0]["source"]


def test_api_gives_rows_with_sources_and_refuses_bad_input(client):
    body = client.get("/api/v1/allocation", {"amount": "10000000"}).json()
    assert len(body["rows"]) == 13
    assert sum(r["allocation_cents"] for r in body["rows"]) == 1_000_000_000
    dresden = next(r for r in body["rows"] if r["ags"] == "14612")
    assert dresden["allocation"] == "1384586.31" and "VG250-EW" in dresden["source"]
    bad = client.get("/api/v1/allocation", {"amount": "5", "region": "14"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "region"
    assert "ist kein Kreis" in bad.json()["detail"]
