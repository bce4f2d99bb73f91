"""Bearer-token authentication for the API: writes need a token, reads accept one."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ia_…`; the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.user_for(token)
        if user is None:
            return None
        request.user = user
        return user


def optional_user(request: HttpRequest):
    """The token's user if an Authorization header is sent, else anonymous.

    A header with a bad or revoked token is an error, not a silent fall back to anonymous:
    a client should learn at once that its key no longer works.
    """
    header = request.headers.get("Authorization", "")
    if not header:
        return AnonymousUser()
    scheme, _, raw = header.partition(" ")
    user = ApiToken.user_for(raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise AuthenticationError(401, "Ungültiger oder widerrufener Token (Authorization).")
    return user
