"""Render a template to an A4 PDF with WeasyPrint (needs pango: libpango-1.0-0, libpangoft2-1.0-0)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

PRINT_CSS = settings.PACKAGE_DIR / "static" / "planning" / "print.css"


def render_pdf(template: str, context: dict, request: HttpRequest | None = None) -> bytes:
    """HTML from the template, laid out by WeasyPrint with the print stylesheet (page numbers)."""
    from weasyprint import CSS, HTML  # imported late: loading pango is slow

    html = render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request else None
    document = HTML(string=html, base_url=base_url)
    return document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
