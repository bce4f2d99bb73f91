"""The report as a file: HTML, PDF (WeasyPrint) or DOCX, always in German (the report goes to the SMS)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from ..pdf import render_pdf
from .document import Report
from .docx import write_docx

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TEMPLATE = "planning/teilhabebericht_doc.html"


def render_report(report: Report, fmt: str) -> bytes:
    """The file's bytes; `fmt` is one of FORMATS (the caller checks)."""
    with translation.override("de"):
        if fmt == "docx":
            return write_docx(report)
        if fmt == "pdf":
            return render_pdf(TEMPLATE, {"report": report})
        return render_to_string(TEMPLATE, {"report": report}).encode("utf-8")
