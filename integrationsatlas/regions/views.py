"""Region pages: name, population, parent and the Gemeinden of a Kreis, each with its source line."""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Region
from .queries import latest_indicators, region_rows
from .svgmap import region_map

AGS_PATTERN = re.compile(r"^\d{2}(\d{3}(\d{3})?)?$")


def region_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "regions/region_list.html",
        {
            "land": region_rows(level=Region.Level.LAND),
            "kreise": region_rows(level=Region.Level.KREIS),
        },
    )


def region_detail(request: HttpRequest, ags: str) -> HttpResponse:
    if not AGS_PATTERN.match(ags):
        raise Http404("Kein gültiger Regionalschlüssel.")
    region = Region.objects.select_related("parent").filter(ags=ags).first()
    if region is None:
        raise Http404("Region nicht gefunden.")
    row = region_rows(level=region.level, parent=region.parent_id)
    row = next(r for r in row if r["ags"] == ags)
    children = region_rows(parent=region.ags) if region.level != Region.Level.GEMEINDE else []
    indicators = latest_indicators(("population", "foreign_population"), [ags]).get(ags, {})
    sources = sorted({value.source for value in indicators.values()} | {region.source} - {""})
    child_map = None
    if region.level == Region.Level.KREIS and len(children) > 1:
        child_map = region_map(Region.Level.GEMEINDE, parent=region.ags)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "row": row,
            "children": children,
            "sources": sources,
            "map": child_map,
            "ancestors": _ancestors(region),
        },
    )


def _ancestors(region: Region) -> list[Region]:
    chain = []
    parent = region.parent
    while parent is not None:
        chain.insert(0, parent)
        parent = parent.parent
    return chain
