"""`{% finder_url 'finder:results' %}`: the address of a view, worked out once per process.

`{% url %}` resolves its address anew on every use, a good part of what a finder page costs
to render (a dozen links); the finder's links never change while the process runs.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reverse(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args or None)


@register.simple_tag
def finder_url(name: str, *args: object) -> str:
    # The script prefix is part of every address (a site served below a path).
    return _reverse(get_script_prefix(), name, tuple(str(a) for a in args))
