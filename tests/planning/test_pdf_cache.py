"""Region PDFs are rendered once per assessment and region and then served from the cache;
anonymous PDF requests are rate-limited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrationsatlas.planning import pdf, pdfcache
from integrationsatlas.registry.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Count the renders; each one returns a different (fake) PDF."""
    calls: list[str] = []

    def fake_render(template, context, request=None):
        calls.append(context["region"].ags)
        return f"%PDF-1.7 render {len(calls)}".encode()

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    return calls


@pytest.fixture
def public(assessment):
    assessment.is_published = True
    assessment.save()
    return assessment


def test_a_region_pdf_is_rendered_once_and_then_served_from_the_cache(
    client, public, bautzen_services, renders
):
    url = reverse("planning:region_pdf", args=["14625"])
    first = client.get(url)
    assert first.status_code == 200, first.content
    assert first["Content-Type"] == "application/pdf"
    for _ in range(3):
        assert client.get(url).content == first.content
    assert renders == ["14625"]
    client.get(reverse("planning:region_pdf", args=["14612"]))
    assert renders == ["14625", "14612"]  # another region: its own PDF


def test_a_registry_change_renders_the_pdf_again(client, public, bautzen_services, renders):
    url = reverse("planning:region_pdf", args=["14625"])
    client.get(url)
    service = Service.objects.get(pk=bautzen_services[0].pk)
    service.capacity = 3.0
    service.save()
    assert client.get(url).content.endswith(b"render 2")


def test_anonymous_pdf_requests_are_rate_limited(client, public, renders, settings, monkeypatch):
    settings.REPORT_PDF_ANONYMOUS_PER_MINUTE = 3
    monkeypatch.setattr(pdfcache, "_now", lambda: 1_800_000_015.0)  # 45 s left in the minute
    url = reverse("planning:region_pdf", args=["14625"])
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(url)
    assert refused["Retry-After"] == "45"
    assert "Zu viele PDF-Anfragen" in refused.content.decode()
    other = client.get(url, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200  # another address has its own budget


def test_signed_in_planners_are_not_rate_limited(client, planner, public, renders, settings):
    settings.REPORT_PDF_ANONYMOUS_PER_MINUTE = 1
    client.force_login(planner)
    url = reverse("planning:region_pdf", args=["14625"])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
