"""Region pages: name, population, parent and the Gemeinden of a Kreis, each with its source line."""

import re
from datetime import date

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
        raise Http404(
            "Kein gültiger Regionalschlüssel: erwartet werden 2 (Land), 5 (Kreis) oder "
            "8 Ziffern (Gemeinde), z. B. 14625 für den Landkreis Bautzen."
        )
    region = Region.objects.defer("boundary").filter(ags=ags).first()
    if region is None:
        raise Http404(
            f"Zum Schlüssel {ags} ist keine Region geladen. Alle Regionen stehen in der Liste."
        )
    row = region_rows(ags=ags)[0]
    children = region_rows(parent=region.ags) if region.level != Region.Level.GEMEINDE else []
    indicators = latest_indicators(("population", "foreign_population"), [ags]).get(ags, {})
    sources = sorted({value.source for value in indicators.values()} | {region.source} - {""})
    child_map = None
    if region.level == Region.Level.KREIS and len(children) > 1:
        child_map = region_map(Region.Level.GEMEINDE, parent=region.ags)
    ancestors = _ancestors(region)
    stand = {
        key: date.fromisoformat(row[column])
        for key, column in (
            ("population", "population_reference_date"),
            ("foreign", "foreign_reference_date"),
        )
        if row[column]
    }
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "row": row,
            "children": children,
            "sources": sources,
            "map": child_map,
            "ancestors": ancestors,
            "parent": ancestors[-1] if ancestors else None,
            "stand": stand,
        },
    )


def _ancestors(region: Region) -> list[Region]:
    """Land first; read along parent keys without the (large) boundaries."""
    chain: list[Region] = []
    parent_key = region.parent_id
    while parent_key is not None:
        parent = Region.objects.only("ags", "name", "parent").get(ags=parent_key)
        chain.insert(0, parent)
        parent_key = parent.parent_id
    return chain
