"""The Teilhabebericht (KomIntAVO § 14) for Landkreis Bautzen 2025: figures, sources, gaps, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from integrationsatlas.planning.teilhabebericht.build import build_report
from integrationsatlas.planning.teilhabebericht.document import GAP, ReportError

from .teilhabe_fixtures import bautzen_2025

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def report():
    bautzen_2025()
    return build_report("14625", 2025, TODAY)


def _figure(report, ref, label_start):
    matches = [f for f in report.figures() if f.ref == ref and f.label.startswith(label_start)]
    assert len(matches) == 1, [f.label for f in report.figures() if f.ref == ref]
    return matches[0]


def test_sections_follow_paragraph_14_in_order(report):
    assert report.region_name == "Landkreis Bautzen"
    assert [s.number for s in report.sections] == ["1", "2", "3"]
    refs = [f.ref for f in report.sections[1].figures]
    letters = [r.split()[2] for r in refs]
    assert letters == sorted(letters)  # a, b, c, ... j as in § 14 Abs. 2 Nr. 2
    assert {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} <= set(letters)


def test_registry_figures_are_summed_with_source_and_year(report):
    centres = _figure(report, "Nr. 2 a", "Integrations-Beratungszentren")
    assert centres.value == 2 and "Register" in centres.source and "02.03.2026" in centres.reference
    consultations = _figure(report, "Nr. 2 c", "Beratungen")
    assert consultations.value == 300  # only IBZ Bautzen reported
    assert consultations.incomplete and "IBZ Hoyerswerda" in consultations.note
    assert consultations.reference == "Kalenderjahr 2025"
    topics = [f.value for f in report.sections[1].figures if f.ref == "Nr. 2 d"]
    assert topics == [100, 80, 60, 20, 10, 30]
    # FTE: 2.5 reported for Bautzen, Hoyerswerda's capacity 1 stands in and is named as such.
    fte = _figure(report, "Nr. 2 b", "Tätige Personen")
    assert fte.value == 3.5 and fte.approximate and "IBZ Hoyerswerda" in fte.note
    assert fte.display == "3,50 VZÄ"
    assert _figure(report, "Nr. 2 f bb", "Einsätze").value == 12 + 140
    assert _figure(report, "Nr. 2 f cc", "Einsätze").value == 35
    fsa = [f.value for f in report.sections[1].figures if f.ref == "Nr. 2 i dd"]
    assert fsa == [50, 40, 90, 25, 5, 15]
    assert _figure(report, "Nr. 2 i bb", "Flüchtlingssozialarbeit").value == 3.0


def test_population_figures_come_from_destatis_with_their_dates(report):
    foreign = _figure(report, "Nr. 1 a", "Ausländerinnen und Ausländer insgesamt")
    # data/sachsen-auslaender-kreise.csv, row 14625: 13,435 on 31.12.2025
    assert foreign.value == 13435 and foreign.reference == "31.12.2025"
    assert "12521-0041" in foreign.source and foreign.approximate
    assert foreign.display == "13.435"
    population = _figure(report, "Nr. 1 a", "Bevölkerung insgesamt")
    assert population.reference == "31.12.2023" and "VG250" in population.source


def test_what_the_product_does_not_hold_is_a_visible_gap(report):
    gaps = {f.label for f in report.figures() if f.is_gap}
    assert "Menschen mit Migrationshintergrund" in gaps
    assert "Die zehn häufigsten Herkunftsländer mit Anzahl" in gaps
    assert "Rückkehrberatung: Beratungen" in gaps  # no return counselling in the registry
    assert "Personenkreis nach § 12 Abs. 1 Nr. 1 und 2 KomIntAVO: Bestand" in gaps
    gap = _figure(report, "Nr. 2 j aa", "Rückkehrberatung")
    assert gap.display == GAP and "return_counselling" in gap.hint
    assert report.sections[2].texts and report.gaps() > 20


def test_assessment_ratio_uses_the_held_figures(report):
    per_fte = _figure(report, "Nr. 3", "Ausländerinnen und Ausländer je VZÄ")
    assert per_fte.value == pytest.approx(13435 / 3.5)
    fsa_key = _figure(report, "Nr. 3", "Flüchtlingssozialarbeit: Personen")
    assert fsa_key.is_gap and "1 : 100" in fsa_key.note  # the target group is not held


@pytest.mark.parametrize(
    ("ags", "year", "message"),
    [
        ("14625020", 2025, "ist kein Kreis"),
        ("99999", 2025, "ist nicht geladen"),
        ("14625", 2019, "Jahre mit Daten: 2023, 2025"),
    ],
)
def test_bad_region_or_year_is_refused_with_a_message(db, ags, year, message):
    with pytest.raises(ReportError, match=message):
        build_report(ags, year, TODAY)


# --- the files: PDF and DOCX opened again and read -------------------------------------------


def _cli(tmp_path, name, region="14625", year="2025"):
    from django.core.management import call_command

    out = tmp_path / name
    call_command("report", "teilhabebericht", region=region, year=year, out=str(out))
    return out


def test_pdf_has_the_sections_the_filled_figures_with_sources_and_the_gaps(tmp_path):
    from pypdf import PdfReader

    bautzen_2025()
    text = " ".join(page.extract_text() for page in PdfReader(_cli(tmp_path, "bericht.pdf")).pages)
    text = " ".join(text.split())
    assert "Kommunaler Integrations- und Teilhabebericht Landkreis Bautzen 2025" in text
    for heading in (
        "1. Bevölkerungsstruktur von Menschen mit Migrationshintergrund",
        "2. Maßnahmen der kommunalen Integrationsarbeit",
        "3. Abschließende Bewertung",
    ):
        assert heading in text
    assert "13.435" in text and "12521-0041" in text and "31.12.2025" in text
    assert "300" in text and "Kalenderjahr 2025" in text
    assert text.count(GAP) > 20


def test_docx_is_editable_with_marked_gaps_and_sourced_figures(tmp_path):
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    bautzen_2025()
    document = Document(str(_cli(tmp_path, "bericht.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["1. Bevölkerungsstruktur von Menschen mit Migrationshintergrund"]
    assert "2. Maßnahmen der kommunalen Integrationsarbeit" in headings
    assert any(h.startswith("3. Abschließende Bewertung") for h in headings)
    rows = {
        (row.cells[0].text, row.cells[1].text): (row.cells[2].text, row.cells[3].text)
        for table in document.tables[:3]
        for row in table.rows[1:]
    }
    value, source = rows[("Nr. 2 c", "Beratungen in den Integrations-Beratungszentren")]
    assert value == "300" and "Jahreszahlen der Träger" in source and "Kalenderjahr 2025" in source
    value, source = rows[("Nr. 1 a", "Ausländerinnen und Ausländer insgesamt (Näherung)")]
    assert value == "13.435" and "Destatis" in source and "31.12.2025" in source
    gap_runs = [
        run
        for table in document.tables
        for row in table.rows
        for paragraph in row.cells[2].paragraphs
        for run in paragraph.runs
        if run.text == GAP
    ]
    assert len(gap_runs) > 15
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW and r.bold for r in gap_runs)
    value, _source = rows[("Nr. 1 c", "Die zehn häufigsten Herkunftsländer mit Anzahl")]
    assert value == GAP
    assert document.core_properties.title.endswith("Landkreis Bautzen 2025")


def test_html_file_by_its_ending(tmp_path):
    bautzen_2025()
    html = _cli(tmp_path, "bericht.html").read_text(encoding="utf-8")
    assert '<mark class="gap">[noch einzutragen]</mark>' in html and "13.435" in html


@pytest.mark.parametrize(
    ("region", "year", "name", "message"),
    [
        ("14625020", "2025", "b.pdf", "kein Kreis"),
        ("14625", "2019", "b.pdf", "keine Daten"),
        ("14625", "zwanzig", "b.pdf", "kein Kalenderjahr"),
        ("14625", "2025", "b.txt", "Dateiendung '.txt' unbekannt"),
    ],
)
def test_cli_bad_input_gives_a_message_and_writes_nothing(tmp_path, region, year, name, message):
    from django.core.management.base import CommandError

    bautzen_2025()
    with pytest.raises(CommandError, match=message):
        _cli(tmp_path, name, region=region, year=year)
    assert list(tmp_path.iterdir()) == []


# --- the planning pages --------------------------------------------------------------------


def test_planner_reads_the_page_and_downloads_docx_and_pdf(client, planner):
    from django.urls import reverse

    bautzen_2025()
    client.force_login(planner)
    chooser = client.get(reverse("planning:teilhabebericht"), {"region": "14625", "jahr": "2025"})
    assert chooser.status_code == 302
    page = client.get(chooser["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kommunaler Integrations- und Teilhabebericht Landkreis Bautzen 2025" in text
    assert '<mark class="gap">[noch einzutragen]</mark>' in text and "13.435" in text
    docx = client.get(reverse("planning:teilhabebericht_file", args=["14625", 2025, "docx"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    pdf = client.get(reverse("planning:teilhabebericht_file", args=["14625", 2025, "pdf"]))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_page_says_what_is_wrong_with_region_or_year(client, planner):
    from django.urls import reverse

    client.force_login(planner)
    page = client.get(reverse("planning:teilhabebericht_region", args=["14625020", 2025]))
    assert page.status_code == 400 and "ist kein Kreis" in page.content.decode()
    page = client.get(reverse("planning:teilhabebericht"), {"region": "14625", "jahr": "<b>x"})
    assert page.status_code == 400 and "ist kein Jahr" in page.content.decode()
    assert "<b>x" not in page.content.decode()
    docx = client.get(reverse("planning:teilhabebericht_file", args=["14625", 2019, "docx"]))
    assert docx.status_code == 400 and "keine Daten" in docx.content.decode()


def test_only_planners_see_the_report(client, provider):
    from django.urls import reverse

    url = reverse("planning:teilhabebericht_region", args=["14625", 2025])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(provider)
    assert client.get(url).status_code == 403


def test_target_group_fills_section_1b_and_the_care_ratio_of_paragraph_12(db):
    from integrationsatlas.regions.models import IndicatorValue

    bautzen_2025()
    for day, value in ((dt.date(2024, 12, 31), 500), (dt.date(2025, 12, 31), 450)):
        IndicatorValue.objects.create(
            region_id="14625", code="protection_seekers", reference_date=day, value=value,
            source="Teststatistik Schutzsuchende",
        )  # fmt: skip
    report = build_report("14625", 2025, TODAY)
    stock = _figure(report, "Nr. 1 b", "Personenkreis")
    assert stock.value == 450 and stock.approximate and stock.reference == "31.12.2025"
    change = _figure(report, "Nr. 1 b", "Zu- oder Abnahme")
    assert change.value == -50 and change.reference == "31.12.2024 – 31.12.2025"
    ratio = _figure(report, "Nr. 3", "Flüchtlingssozialarbeit: Personen")
    assert ratio.value == pytest.approx(450 / 3.0)  # 150 persons per FTE against 1 : 100
    assert "1 : 100" in ratio.note and "Gesetz" in ratio.note
    needed = _figure(report, "Nr. 3", "Flüchtlingssozialarbeit: Stellen bei 1 : 100")
    assert needed.value == pytest.approx(4.5) and needed.display == "4,50 VZÄ"


def test_hostile_service_names_do_not_break_the_files(tmp_path):
    from docx import Document
    from pypdf import PdfReader

    services = bautzen_2025()
    hostile = "IBZ <script>alert(1)</script> \x0b\x1b[31m & „Zitat“"
    services["ibz2"].name = hostile
    services["ibz2"].save()
    document = Document(str(_cli(tmp_path, "b.docx")))
    names = [row.cells[0].text for row in document.tables[-1].rows]
    assert "IBZ <script>alert(1)</script> \ufffd\ufffd[31m & „Zitat“" in names
    assert "<script>" not in _cli(tmp_path, "b.html").read_text(encoding="utf-8")
    assert PdfReader(_cli(tmp_path, "b.pdf")).pages


def test_region_report_of_a_kreis_links_to_the_chooser_with_the_kreis_chosen(client, planner):
    from django.urls import reverse

    client.force_login(planner)
    page = client.get(reverse("planning:region", args=["14625"]))
    link = f"{reverse('planning:teilhabebericht')}?region=14625"
    assert link in page.content.decode()
    chooser = client.get(link)
    assert chooser.status_code == 200
    assert '<option value="14625" selected>' in chooser.content.decode()


def test_demo_services_mark_their_figures_and_the_report(tmp_path):
    from pypdf import PdfReader

    services = bautzen_2025()
    Service = type(services["ibz"])
    Service.objects.filter(pk=services["ibz"].pk).update(is_demo=True)
    report = build_report("14625", 2025, TODAY)
    assert report.is_demo
    assert _figure(report, "Nr. 2 c", "Beratungen").is_demo
    assert not _figure(report, "Nr. 2 i cc", "Flüchtlingssozialarbeit").is_demo
    text = " ".join(p.extract_text() for p in PdfReader(_cli(tmp_path, "demo.pdf")).pages)
    assert "Dieser Bericht enthält Demodaten" in " ".join(text.split())
