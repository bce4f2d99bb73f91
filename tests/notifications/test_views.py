"""The inbox: own notifications only, read state, the e-mail setting and its refusal of bad values."""

from __future__ import annotations

from django.urls import reverse

from integrationsatlas.notifications.models import Notification, Preference


def _note(user, key="k1", url="/register/"):
    return Notification.objects.create(
        user=user, kind="approved", key=key, subject=f"Betreff {key}", body="Text", url=url
    )


def test_inbox_lists_own_notifications_with_unread_count(client, provider_a, provider_b):
    _note(provider_a, "mine")
    _note(provider_b, "theirs")
    client.force_login(provider_a)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Betreff mine" in text and "Betreff theirs" not in text
    assert "1 ungelesene Benachrichtigung" in text


def test_mark_read_goes_to_the_target_and_others_are_404(client, provider_a, provider_b):
    mine, theirs = _note(provider_a, "mine", url="/register/"), _note(provider_b, "theirs")
    client.force_login(provider_a)
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/register/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_foreign_target_url_is_not_followed(client, provider_a):
    note = _note(provider_a, url="https://evil.example/")
    client.force_login(provider_a)
    response = client.post(reverse("notifications:mark_read", args=[note.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read(client, provider_a):
    _note(provider_a, "a"), _note(provider_a, "b")
    client.force_login(provider_a)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(user=provider_a, read_at=None).exists()


def test_preference_is_saved(client, provider_a):
    client.force_login(provider_a)
    response = client.post(reverse("notifications:preference"), {"frequency": "daily"})
    assert response.status_code == 302
    assert Preference.objects.get(user=provider_a).frequency == "daily"


def test_unknown_preference_is_refused_and_nothing_changes(client, provider_a):
    Preference.objects.create(user=provider_a, frequency="off")
    client.force_login(provider_a)
    response = client.post(
        reverse("notifications:preference"), {"frequency": "<script>hourly</script>"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "unbekannte Einstellung" in text and "<script>hourly" not in text
    assert Preference.objects.get(user=provider_a).frequency == "off"


def test_inbox_needs_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "anmelden" in response["Location"]
