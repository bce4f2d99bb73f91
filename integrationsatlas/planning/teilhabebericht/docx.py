"""Write the report as an editable Word document (python-docx): the Kreis completes and sends it.

Gaps are the text GAP, bold on yellow highlight, so they are found by eye and by search.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from .document import GAP, Figure, Report, Section

# Characters XML 1.0 cannot hold (control characters): a service name typed with one would
# otherwise make python-docx refuse the whole document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _gap_run(paragraph) -> None:
    run = paragraph.add_run(GAP)
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _small(paragraph, text: str, italic: bool = False) -> None:
    run = paragraph.add_run(_xml(text))
    run.font.size = Pt(8)
    run.italic = italic


def _figure_row(table, figure: Figure) -> None:
    ref, label, value, source = table.add_row().cells
    ref.text = figure.ref
    label.text = _xml(figure.label)
    if figure.approximate:
        _small(label.paragraphs[0], f" ({_('Näherung')})", italic=True)
    if figure.is_gap:
        _gap_run(value.paragraphs[0])
        _small(source.paragraphs[0], figure.hint)
    else:
        value.text = figure.display + (" (Demo)" if figure.is_demo else "")
        _small(source.paragraphs[0], f"{figure.source}; {figure.reference}")
    if figure.note:
        _small(source.add_paragraph(), figure.note)
    if figure.incomplete:
        source.add_paragraph().add_run(_("unvollständig")).bold = True


def _section(document, section: Section) -> None:
    document.add_heading(f"{section.number}. {section.title}", level=1)
    _small(document.add_paragraph(), f"{_('Grundlage')}: {section.basis}", italic=True)
    if section.intro:
        document.add_paragraph(section.intro)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        (_("Nr."), _("Angabe"), _("Wert"), _("Quelle und Stichtag")),
        strict=True,
    ):
        cell.paragraphs[0].add_run(text).bold = True
    for figure in section.figures:
        _figure_row(table, figure)
    for text in section.texts:
        document.add_heading(text.label, level=2)
        _small(document.add_paragraph(), f"{_('Grundlage')}: {text.basis}", italic=True)
        paragraph = document.add_paragraph()
        _gap_run(paragraph)
        paragraph.add_run(f" {text.hint}")


def _appendix(document, report: Report) -> None:
    document.add_heading(_("Anhang: Angebote im Register"), level=1)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    headers = (
        _("Angebot"),
        _("Träger"),
        _("Angebotsart"),
        _("VZÄ"),
        _("Beratungen"),
        _("Einsätze"),
    )
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for line in report.services:
        cells = table.add_row().cells
        name = line.name + (" (Demo)" if line.is_demo else "")
        values = (name, line.organization, line.offer_type, f"{line.fte} ({line.fte_source})",
                  line.consultations, line.missions)  # fmt: skip
        for cell, value in zip(cells, values, strict=True):
            cell.text = _xml(value)
    document.add_heading(_("Quellen"), level=1)
    for source in report.sources:
        document.add_paragraph(_xml(source), style="List Bullet")


def write_docx(report: Report) -> bytes:
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.subject = "SächsIntG § 26, KomIntAVO § 14"
    document.core_properties.author = "Integrationsatlas"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(_xml(report.title), level=0)
    facts = (
        f"{report.region_name} ({report.region_kind}, {report.region_ags}) · "
        f"{_('Kalenderjahr %(year)s') % {'year': report.year}} · "
        f"{_('erstellt am')} {report.created} · SächsIntG § 26, KomIntAVO § 14"
    )
    document.add_paragraph(_xml(facts))
    if report.is_demo:
        document.add_paragraph().add_run(
            _("Demo – Dieser Bericht enthält Demodaten. Die Zahlen sind nicht echt.")
        ).bold = True
    legend = document.add_paragraph(_("Offene Stellen sind markiert: "))
    _gap_run(legend)
    legend.add_run(" " + _("(%(n)s Stellen). Bitte ergänzen und die Markierung entfernen.")
                   % {"n": report.gaps()})  # fmt: skip
    for section in report.sections:
        _section(document, section)
    _appendix(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
