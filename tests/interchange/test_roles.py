"""Who imports how: providers submit change requests for their own organization only,
coordinators and state administrators write directly (coordinators only in their regions)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrationsatlas.interchange.importer import import_file, rollback
from integrationsatlas.interchange.problems import ImportRefused
from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ChangeRequest, Membership, Organization, Service

from .conftest import make_csv, service_row

pytestmark = pytest.mark.django_db


def _user(username, role, **scope):
    user = get_user_model().objects.create_user(username, password="x-long-password-1")
    Membership.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def org():
    return Organization.objects.create(name="Eigener Träger", external_id="own-org")


def test_provider_import_becomes_change_request_until_coordinator_approves(org, client):
    provider = _user("p", "provider", organization=org)
    # The file names another provider: a provider's import always goes to their own.
    result = import_file(make_csv([service_row(1)]), "a.csv", user=provider)
    assert not result.problems and result.submitted == ["test-svc-1"] and not result.created
    service = Service.objects.get(external_id="test-svc-1")
    assert service.organization == org and not Organization.objects.filter(external_id="test-org")
    assert not Service.public.exists()
    change = ChangeRequest.objects.get(service=service)
    assert change.state == ChangeRequest.State.SUBMITTED and change.created_by == provider

    coordinator = _user("k", "coordinator", region_id="14612000")
    client.force_login(coordinator)
    queue = client.get(reverse("registry:review_queue")).content.decode()
    assert "Beratung 1" in queue
    assert workflow.can_approve(coordinator, change)
    workflow.approve(coordinator, change)
    published = Service.public.get(external_id="test-svc-1")
    assert published.locations.get().external_id == "test-loc-1"
    assert published.fundings.get().programme == "MBE"

    # A changed row of the now public service is a new change request; the public keeps v1.
    again = import_file(make_csv([service_row(1, name="Beratung neu")]), "b.csv", user=provider)
    assert again.submitted == ["test-svc-1"]
    assert Service.public.get(external_id="test-svc-1").name == "Beratung 1"
    pending = workflow.open_change(published)
    assert pending.payload["name"] == "Beratung neu"
    assert pending.payload["locations"][0]["id"] == published.locations.get().pk
    # Unchanged rows submit nothing.
    assert import_file(make_csv([service_row(1)]), "c.csv", user=provider).unchanged
    # Rolling back the second import withdraws its pending change.
    rollback(again.batch, provider)
    pending.refresh_from_db()
    assert pending.state == ChangeRequest.State.WITHDRAWN


def test_provider_may_not_choose_another_organization_or_touch_its_services(org):
    provider = _user("p", "provider", organization=org)
    other = Organization.objects.create(name="Fremder Träger", external_id="other")
    with pytest.raises(ImportRefused):
        import_file(make_csv([service_row(1)]), "a.csv", user=provider, organization=other)
    import_file(make_csv([service_row(2)]), "a.csv", organization=other)  # command line
    result = import_file(make_csv([service_row(2, name="gekapert")]), "b.csv", user=provider)
    assert result.problems and "gehört nicht zu Ihrem Träger" in str(result.problems[0])
    assert result.batch is None
    assert Service.objects.get(external_id="test-svc-2").name == "Beratung 2"
    assert not ChangeRequest.objects.exists()


def test_coordinator_writes_directly_in_own_region_only():
    coordinator = _user("k", "coordinator", region_id="14612000")
    Organization.objects.create(name="Testträger e. V.", external_id="test-org")
    result = import_file(make_csv([service_row(1)]), "a.csv", user=coordinator)
    assert result.created == ["test-svc-1"] and not result.submitted
    assert Service.public.filter(external_id="test-svc-1").exists()
    leipzig = service_row(2, postal_code="04109", city="Leipzig", longitude="12.3731")
    leipzig["latitude"] = "51.3397"
    refused = import_file(make_csv([leipzig]), "b.csv", user=coordinator)
    assert "nicht in Ihren Regionen" in str(refused.problems[0])
    assert not Service.objects.filter(external_id="test-svc-2").exists()


def test_state_admin_writes_directly_anywhere():
    admin = _user("a", "state_admin")
    result = import_file(make_csv([service_row(1)]), "a.csv", user=admin)
    assert result.created == ["test-svc-1"]
    service = Service.public.get(external_id="test-svc-1")
    assert service.history.first().history_user == admin
    assert service.snapshot["locations"][0]["external_id"] == "test-loc-1"


def test_provider_import_page_has_own_organization_only(org, client):
    client.force_login(_user("p", "provider", organization=org))
    other = Organization.objects.create(name="Fremder Träger", external_id="other")
    page = client.get(reverse("interchange:import")).content.decode()
    assert "Eigener Träger" in page and "Fremder Träger" not in page
    upload = SimpleUploadedFile("f.csv", make_csv([service_row(1)]))
    response = client.post(
        reverse("interchange:import"), {"file": upload, "organization": str(other.pk)}
    )
    assert "Sie dürfen ihn nicht wählen" in response.content.decode()
    upload = SimpleUploadedFile("f.csv", make_csv([service_row(1)]))
    response = client.post(reverse("interchange:import"), {"file": upload})
    assert "zur Prüfung eingereicht" in response.content.decode()
    assert ChangeRequest.objects.get().state == ChangeRequest.State.SUBMITTED
