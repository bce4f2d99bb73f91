"""The language switcher: a GET form that sets the language cookie and goes back.

Django's own `set_language` wants a POST with a CSRF token, which would put a per-visitor
token into every page and so keep the finder's pages from being shared by the page cache.
Choosing the interface language changes nothing but the visitor's own cookie, so a request
forged by another site can do no harm; there is nothing here a CSRF token would protect.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET


@require_GET
def choose_language(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("language", "")
    if code not in dict(settings.LANGUAGES):
        return render(request, "core/language_unknown.html", {"code": code[:20]}, status=400)
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(target if safe and target.startswith("/") else "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
