"""The token page: sign-in required, token shown once and stored hashed, revocation works."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from integrationsatlas.api.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    user = get_user_model().objects.create_user("tina", password=None)
    client.force_login(user)
    return client, user


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/konto/tokens/")
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


def test_create_shows_token_once_and_stores_only_a_hash(signed_in):
    client, user = signed_in
    page = client.post("/konto/tokens/", {"name": "Stadtportal"}).content.decode()
    raw = re.search(r'value="(ia_[^"]+)"', page).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert raw not in client.get("/konto/tokens/").content.decode()
    assert ApiToken.user_for(raw) == user


def test_revoke(signed_in):
    client, user = signed_in
    token, raw = ApiToken.issue(user, "alt")
    response = client.post(f"/konto/tokens/{token.pk}/widerrufen/")
    assert response.status_code == 302
    assert ApiToken.user_for(raw) is None


def test_cannot_revoke_someone_elses_token(signed_in):
    client, _user = signed_in
    other = get_user_model().objects.create_user("otto", password=None)
    token, raw = ApiToken.issue(other, "fremd")
    assert client.post(f"/konto/tokens/{token.pk}/widerrufen/").status_code == 404
    assert ApiToken.user_for(raw) == other


def test_empty_name_is_refused(signed_in):
    client, user = signed_in
    assert client.post("/konto/tokens/", {"name": ""}).status_code == 400
    assert not ApiToken.objects.filter(user=user).exists()
