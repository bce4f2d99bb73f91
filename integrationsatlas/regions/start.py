"""The start page (the Land and its Kreise on a map) and a health check for load balancers."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Region
from .queries import region_rows
from .svgmap import region_map


def home(request: HttpRequest) -> HttpResponse:
    kreise = region_rows(level=Region.Level.KREIS)
    land = region_rows(level=Region.Level.LAND)
    return render(
        request,
        "regions/home.html",
        {
            "kreise": kreise,
            "land": land[0] if land else None,
            "map": region_map(Region.Level.KREIS),
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "regions": Region.objects.count()})
