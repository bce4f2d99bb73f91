"""Planning pages for reach by bus and train to one offer: the list of offers, the map, the CSV.

Planners only (as the other planning pages that are not published). The minutes come from
planning.offer_reach (the cached router); this module only shows and downloads them.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _

from integrationsatlas.interchange.cellsafe import neutralise_rows
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.svgmap import region_map
from integrationsatlas.registry.models import Service

from .access import require_planner
from .minute_map import class_labels, classes_and_titles, minute_legend, minute_map
from .offer_reach import BANDS, DAYS, EVERY_MINUTES, OfferReach, labels, offer_reach, window_params
from .views import planning_view

#: CSV columns: the figures, then the labels on every row (they survive a copy of any rows).
CSV_COLUMNS = [
    "ags",
    "gemeinde",
    "kreis",
    "minutes",
    "band",
    "offer",
    "source",
    "window",
    "feed",
    "stand",
    "demo",
]


@planning_view
def offer_list(request: HttpRequest) -> HttpResponse:
    """Offers with a site, by offer type: each links to its map."""
    require_planner(request)
    services = (
        Service.objects.filter(service_at_locations__location__longitude__isnull=False)
        .select_related("offer_type")
        .distinct()
        .order_by("offer_type__code", "name", "pk")
    )
    return render(request, "planning/offer_reach_list.html", {"services": services})


def _reach(request: HttpRequest, pk: int) -> tuple[OfferReach, list[str]]:
    require_planner(request)
    service = get_object_or_404(Service.objects.select_related("offer_type"), pk=pk)
    params, problems = window_params(request.GET)
    messages = {
        "days": _("Unbekannte Tage; es gilt „werktags“."),
        "clock": _("Uhrzeit als HH:MM angeben; es gilt 7–9 Uhr."),
        "order": _("Das Fenster endet vor seinem Beginn; es gilt 7–9 Uhr."),
    }
    return offer_reach(service, params), [messages[p] for p in problems]


@planning_view
def offer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The Gemeinden coloured by minutes to the offer, with the window form and a table."""
    reach, problems = _reach(request, pk)
    context = {
        "reach": reach,
        "problems": problems,
        "labels": labels(reach),
        "days": list(DAYS),
        "every": EVERY_MINUTES,
        "window": {
            "tage": reach.window.days,
            "von": _clock(reach.window.start),
            "bis": _clock(reach.window.end),
        },
    }
    if reach.ready:
        names = {ags: name for ags, (name, _k) in reach.places.items()}
        classes, titles = classes_and_titles(reach.minutes, names, BANDS)
        title = _("Minuten mit Bus und Bahn zu %(offer)s") % {"offer": reach.service.name}
        context |= {
            "map": minute_map(
                region_map(Region.Level.GEMEINDE), classes, titles, BANDS, title, "offer"
            ),
            "map_title": title,
            "legend": minute_legend(BANDS, "lg-angebot"),
            "rows": _rows(reach),
            "counts": _counts(classes),
        }
    return render(request, "planning/offer_reach.html", context)


def _clock(seconds: int) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours:02d}:{minutes:02d}"


def _counts(classes: dict[str, str]) -> list[tuple[str, int]]:
    """Gemeinden per class, in legend order."""
    return [
        (text, sum(1 for c in classes.values() if c == cls))
        for cls, text in class_labels(BANDS).items()
        if cls != "none"
    ]


def _rows(reach: OfferReach) -> list[dict[str, object]]:
    """One row per Gemeinde: figures and labels (CSV_COLUMNS), sorted by minutes then key."""
    stamp = labels(reach)
    words = class_labels(BANDS)
    classes, _titles = classes_and_titles(reach.minutes, {}, BANDS)
    rows = [
        {
            "ags": ags,
            "gemeinde": reach.places[ags][0],
            "kreis": reach.places[ags][1],
            "minutes": "" if minutes is None else f"{minutes:.0f}",
            "band": words[classes[ags]],
            **stamp,
        }
        for ags, minutes in reach.minutes.items()
    ]
    rows.sort(key=lambda r: (r["minutes"] == "", int(r["minutes"] or 0), r["ags"]))
    return rows


@planning_view
def offer_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's figures as CSV: a labelled header, then each Gemeinde with the labels."""
    reach, _problems = _reach(request, pk)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    if reach.ready:
        with translation.override("de"):  # data text, as the labels (offer_reach.labels)
            writer.writerows(neutralise_rows(_rows(reach)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"erreichbarkeit-angebot-{reach.service.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
