"""`{% finder_url 'finder:results' %}` and `{% finder_static 'finder/finder.css' %}`: addresses
worked out once per process.

`{% url %}` and `{% static %}` work out their address anew on every use, a good part of what a
finder page costs to render (a dozen links); the finder's never change while the process
runs.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reverse(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args or None)


@register.simple_tag
def finder_url(name: str, *args: object) -> str:
    # The script prefix is part of every address (a site served below a path).
    return _reverse(get_script_prefix(), name, tuple(str(a) for a in args))


@lru_cache(maxsize=256)
def _static(prefix: str, path: str) -> str:
    return static(path)


@register.simple_tag
def finder_static(path: str) -> str:
    """`{% static %}` worked out once per process (the file names change with a release)."""
    return _static(get_script_prefix(), path)
