"""Finder pages: start, results (list and map), choice of place, detail, suggestions, boundaries."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from shapely.geometry import mapping, shape

from integrationsatlas.regions import version as regions_version
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.languages import name_in
from integrationsatlas.registry.models import Service
from integrationsatlas.registry.opening_hours import (
    exceptions_from,
    open_state,
    week_hours,
    weekly_from,
)
from integrationsatlas.taxonomy.families import FAMILIES, FAMILY_ICONS
from integrationsatlas.taxonomy.models import OfferType

from . import clock, offer_types, pagecache, places, rows, search, transit_minutes, transit_version
from .forms import SearchForm

# The names hours.py gives Saxony's holidays, translated for the week table.
# Keys are the German names of the `holidays` package (see registry/opening_hours.py).
HOLIDAY_NAMES = {
    "Neujahr": gettext_lazy("Neujahr"),
    "Karfreitag": gettext_lazy("Karfreitag"),
    "Ostermontag": gettext_lazy("Ostermontag"),
    "Erster Mai": gettext_lazy("Tag der Arbeit"),
    "Christi Himmelfahrt": gettext_lazy("Christi Himmelfahrt"),
    "Pfingstmontag": gettext_lazy("Pfingstmontag"),
    "Tag der Deutschen Einheit": gettext_lazy("Tag der Deutschen Einheit"),
    "Reformationstag": gettext_lazy("Reformationstag"),
    "Buß- und Bettag": gettext_lazy("Buß- und Bettag"),
    "Erster Weihnachtstag": gettext_lazy("1. Weihnachtstag"),
    "Zweiter Weihnachtstag": gettext_lazy("2. Weihnachtstag"),
    "Fronleichnam": gettext_lazy("Fronleichnam"),
}


def _offer_types() -> list[OfferType]:
    return offer_types.active()


def _kind_choices() -> list[dict[str, str]]:
    """The "any kind" choices of the search form: everything, and each family of offer types."""
    choices = [{"value": ALL_KINDS, "name": str(_("Alle Angebote")), "icon": "network"}]
    choices += [
        {"value": FAMILY_PREFIX + code, "name": str(name), "icon": FAMILY_ICONS[code]}
        for code, name in FAMILIES.items()
    ]
    return choices


def _problem(request: HttpRequest, status: int, title: str, message: str, **extra) -> HttpResponse:
    """A helpful page for bad input: what went wrong and a search form to try again."""
    context = {
        "title": title,
        "message": message,
        "offer_types": _offer_types(),
        "kind_choices": _kind_choices(),
        "form": extra.pop("form", None) or SearchForm(),
        **extra,
    }
    return render(request, "finder/problem.html", context, status=status)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    selected = request.GET.get("art", "")
    return render(
        request,
        "finder/start.html",
        {
            "offer_types": _offer_types(),
            "kind_choices": _kind_choices(),
            "form": SearchForm(),
            "selected": selected,
        },
    )


def _query_without(request: HttpRequest, *drop: str, **set_values) -> str:
    params = {k: v for k, v in request.GET.items() if k not in drop and v not in ("", None)}
    params.update({k: v for k, v in set_values.items() if v is not None})
    return urlencode(params)


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Results; the page cache may share an anonymous visitor's page until it could change:
    until the clock reaches `stable_until` or the offer type's content changes."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        if "art" in form.errors and request.GET.get("art"):
            return _problem(
                request,
                404,
                _("Angebotsart nicht gefunden"),
                _("Diese Angebotsart kennen wir nicht. Bitte wählen Sie eine aus der Liste."),
            )
        return _problem(
            request,
            400,
            _("Bitte prüfen Sie Ihre Eingabe"),
            _("Einige Angaben passen nicht. Die Hinweise stehen bei den Feldern."),
            form=form,
        )
    data = form.cleaned_data
    kinds = _kinds(data["art"])
    if kinds is not None:
        return _grouped_results(request, form, kinds)
    offer_type = offer_types.by_code(data["art"])
    if offer_type is None:
        return _problem(
            request,
            404,
            _("Angebotsart nicht gefunden"),
            _("Diese Angebotsart kennen wir nicht. Bitte wählen Sie eine aus der Liste."),
            form=form,
        )
    place, response = _place_from(request, form)
    if response is not None:
        return response
    filters = _filters(data)
    page = data["seite"] or 1
    radius = data["umkreis"] or search.DEFAULT_RADIUS
    moment = clock.now()
    found = search.search(offer_type, place, radius, filters, page, at=moment)
    if page > found.pages:
        return _problem(
            request,
            404,
            _("Diese Seite gibt es nicht"),
            ngettext(
                "Die Ergebnisliste hat nur %(pages)s Seite.",
                "Die Ergebnisliste hat nur %(pages)s Seiten.",
                found.pages,
            )
            % {"pages": found.pages},
            form=form,
        )
    labels = rows.Labels.translated()
    back = urlencode({"zurueck": request.get_full_path()})
    minutes_version = transit_version.current_version()  # before reading: never newer
    minutes = transit_minutes.minutes_html(place, found.hits)
    wider = [r for r in search.RADIUS_CHOICES if r > radius]
    map_view = data["ansicht"] == "karte"
    context = {
        "form": form,
        "offer_type": offer_type,
        "place": place,
        "radius": radius,
        "filters": filters,
        "results": found,
        "first_number": (page - 1) * search.PAGE_SIZE + 1,
        "rows": [
            rows.row_html(hit, labels, back, minutes.get(hit.site.id, "") if hit.site else "")
            for hit in found.hits
        ],
        "remote_rows": [rows.row_html(hit, labels, back) for hit in found.remote],
        "map_view": map_view,
        "list_url": "?" + _query_without(request, "ansicht", "seite"),
        "map_url": "?" + _query_without(request, "seite", ansicht="karte"),
        "prev_url": "?" + _query_without(request, seite=page - 1) if page > 1 else "",
        "next_url": "?" + _query_without(request, seite=page + 1) if page < found.pages else "",
        "wider_url": "?" + _query_without(request, "seite", umkreis=wider[0]) if wider else "",
        "wider_radius": wider[0] if wider else None,
        "beyond_url": _beyond_url(request, found, radius),
        "beyond_kreis": _kreis_of(found.nearest_beyond),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "language_name": name_in(filters.language) if filters.language else "",
    }
    response = render(request, "finder/results.html", context)
    # Offer-type names, region names and catalogues are not in an offer type's digest: a
    # page is shared at most FINDER_PAGE_MAX_AGE_SECONDS even when its services do not change.
    max_age = timedelta(seconds=pagecache.max_age())
    valid_until = min(found.stable_until, moment + max_age)
    versions = {offer_type.code: found.version, transit_version.KEY: minutes_version}
    return pagecache.shareable(response, versions, valid_until)


def _filters(data: dict) -> search.Filters:
    return search.Filters(
        language=data["sprache"] or "",
        open_now=data["offen"],
        free=data["kostenlos"],
        target_group=data["gruppe"] or "",
        accessible=data["barrierefrei"],
    )


ALL_KINDS = "alle"
FAMILY_PREFIX = "familie-"
# Nearest offers shown per kind on the "any kind" page; the rest is one link away.
PER_KIND = 3


def _kinds(art: str) -> tuple[str, list[OfferType]] | None:
    """For "alle" or "familie-<code>": the page title and its offer types; else None."""
    if art == ALL_KINDS:
        return str(_("Alle Angebote")), _offer_types()
    family = art.removeprefix(FAMILY_PREFIX)
    if art.startswith(FAMILY_PREFIX) and family in FAMILIES:
        return str(FAMILIES[family]), [t for t in _offer_types() if t.family == family]
    return None


def _grouped_results(request: HttpRequest, form, kinds) -> HttpResponse:
    """Any kind or a family: the nearest offers of every kind, grouped by kind."""
    place, response = _place_from(request, form)
    if response is not None:
        return response
    data = form.cleaned_data
    filters, radius = _filters(data), data["umkreis"] or search.DEFAULT_RADIUS
    moment, language, labels = clock.now(), get_language(), rows.Labels.translated()
    back = urlencode({"zurueck": request.get_full_path()})
    title, offer_types = kinds
    groups, total, stable = [], 0, [moment + timedelta(seconds=pagecache.max_age())]
    versions: dict[str, int | str] = {transit_version.KEY: transit_version.current_version()}
    shown = []
    for offer_type in offer_types:
        found = search.search(offer_type, place, radius, filters, 1, at=moment)
        stable.append(found.stable_until)
        versions[offer_type.code] = found.version
        if found.total:
            shown.append((offer_type, found))
    # The travel minutes of every shown site, all kinds at once: one query.
    minutes = transit_minutes.minutes_html(
        place, [hit for _type, found in shown for hit in found.hits[:PER_KIND]]
    )
    for offer_type, found in shown:
        total += found.total
        groups.append(
            {
                "code": offer_type.code,
                "name": offer_type.name_in(language),
                "rows": [
                    rows.row_html(
                        hit, labels, back, minutes.get(hit.site.id, "") if hit.site else ""
                    )
                    for hit in found.hits[:PER_KIND]
                ],
                "total": found.total,
                "url": "?" + _query_without(request, "seite", art=offer_type.code),
            }
        )
    context = {
        "form": form,
        "kind_name": title,
        "art_code": data["art"],
        "place": place,
        "radius": radius,
        "filters": filters,
        "groups": groups,
        "total": total,
        "language_name": name_in(filters.language) if filters.language else "",
    }
    response = render(request, "finder/results_grouped.html", context)
    return pagecache.shareable(response, versions, min(stable))


def _kreis_of(hit: search.Hit | None) -> str:
    """The Kreis of the nearest offer beyond the radius: often the neighbouring one."""
    gemeinde = places.place_by_ags(hit.site.gemeinde_ags) if hit and hit.site else None
    return places.short_kreis(gemeinde.kreis_name) if gemeinde else ""


def _beyond_url(request: HttpRequest, found: search.Results, radius: int) -> str:
    hit = found.nearest_beyond
    if hit is None or hit.distance_km is None:
        return ""
    needed = next((r for r in search.RADIUS_CHOICES if r >= hit.distance_km), None)
    if needed is None:
        return ""
    return "?" + _query_without(request, "seite", umkreis=needed)


def _place_from(request: HttpRequest, form: SearchForm):
    """The search point, or a response: choice page (200), unknown place (404), outside (400)."""
    data = form.cleaned_data
    if data["lat"] is not None:
        place = places.place_at(data["lon"], data["lat"])
        if place is None:
            return None, _problem(
                request,
                400,
                _("Dieser Standort liegt nicht in Sachsen"),
                _(
                    "Der Integrationsatlas kennt Angebote in Sachsen. Bitte geben Sie einen Ort ein."
                ),
                form=form,
            )
        return place, None
    if data["ags"]:
        place = places.place_by_ags(data["ags"])
        if place is None:
            return None, _problem(
                request,
                404,
                _("Ort nicht gefunden"),
                _("Diese Gemeinde kennen wir nicht. Bitte geben Sie den Ortsnamen ein."),
                form=form,
            )
        return place, None
    resolution = places.resolve(data["ort"])
    if resolution.place is not None:
        return resolution.place, None
    if resolution.choices:
        choices = [
            (p, "?" + _query_without(request, "ort", "seite", ags=p.ags))
            for p in resolution.choices
        ]
        response = render(
            request,
            "finder/choose_place.html",
            {
                "choices": choices,
                "query": data["ort"],
                "form": form,
                "did_you_mean": resolution.problem == "did_you_mean",
            },
        )
        return None, response
    if resolution.problem == "unknown_postal_code":
        message = _(
            "Zu dieser Postleitzahl haben wir keinen Ort in Sachsen. "
            "Bitte prüfen Sie die Zahl oder geben Sie den Ortsnamen ein."
        )
    else:
        message = _(
            "Diesen Ort finden wir in Sachsen nicht. Bitte prüfen Sie die Schreibweise "
            "oder geben Sie die Postleitzahl ein."
        )
    return None, _problem(request, 404, _("Ort nicht gefunden"), message, form=form)


def _public_service(pk: int) -> Service:
    service = (
        Service.public.select_related("organization", "offer_type")
        .prefetch_related(
            "service_at_locations__location",
            "service_at_locations__schedules",
            "service_at_locations__exceptions",
            "remote_schedules",
            "remote_exceptions",
        )
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise Http404(_("Dieses Angebot gibt es nicht oder nicht mehr."))
    return service


def _week_rows(weekly, exceptions, today, gemeinde=None):
    return [
        {
            "day": rows.weekday_date(day),
            "is_today": day == today,
            "intervals": [f"{a:%H:%M}–{b:%H:%M}" for a, b in intervals],
            "note": holiday_name(note),
        }
        for day, intervals, note in week_hours(today, weekly, exceptions, gemeinde)
    ]


def route_links(location, name: str) -> dict[str, str]:
    """Ways to get there: the phone's map app (geo: URI, RFC 5870), OSM and Apple directions."""
    lat, lon = f"{location.latitude:.6f}", f"{location.longitude:.6f}"
    address = f"{location.address}, {location.postal_code} {location.city}".strip(", ")
    return {
        "geo": f"geo:{lat},{lon}?q={lat},{lon}({quote(name)})",
        "osm": f"https://www.openstreetmap.org/directions?route=%3B{lat}%2C{lon}#map=16/{lat}/{lon}",
        "apple": f"https://maps.apple.com/?daddr={lat},{lon}&q={quote(name)}",
        "address": address,
    }


def holiday_name(note: str) -> str:
    """Holiday names from opening_hours.py translated; a provider's own note stays as written."""
    return str(HOLIDAY_NAMES.get(note, note)) if note else ""


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = _public_service(pk)
    language = get_language()
    moment = clock.now()
    today = timezone.localdate(moment)
    sites = []
    for sal in service.service_at_locations.all():
        weekly, exceptions = weekly_from(sal.schedules.all()), exceptions_from(sal.exceptions.all())
        gemeinde = sal.location.gemeinde_id
        state = open_state(moment, weekly, exceptions, gemeinde=gemeinde)
        sites.append(
            {
                "location": sal.location,
                "note": sal.description,
                "hours": rows.hours_text(state),
                "state": state,
                "week": _week_rows(weekly, exceptions, today, gemeinde),
                "routes": route_links(sal.location, service.name),
            }
        )
    remote_weekly = weekly_from(service.remote_schedules.all())
    remote_exceptions = exceptions_from(service.remote_exceptions.all())
    texts = {}
    any_german = False
    for field in ("name", "description", "eligibility", "documents"):
        text, fallback = service.text(field, language)
        texts[field] = text
        any_german = any_german or fallback
    share_url = request.build_absolute_uri(reverse("finder:detail", args=[service.pk]))
    context = {
        "service": service,
        "texts": texts,
        "shows_german": any_german,
        "sites": sites,
        "remote_week": _week_rows(remote_weekly, remote_exceptions, today) if remote_weekly else [],
        "remote_hours": rows.hours_text(open_state(moment, remote_weekly, remote_exceptions))
        if (service.by_phone or service.online)
        else "",
        "spoken_languages": [name_in(code) for code in service.languages],
        "target_groups": [
            str(Service.TargetGroup(g).label)
            for g in service.target_groups
            if g in Service.TargetGroup.values
        ],
        "share_url": share_url,
        "back_url": request.GET.get("zurueck", "") if _safe_back(request) else "",
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "finder/detail.html", context)


def _safe_back(request: HttpRequest) -> bool:
    back = request.GET.get("zurueck", "")
    return back.startswith("/suche/") and "//" not in back and len(back) < 600


@require_GET
def place_suggestions(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"places": places.suggest(request.GET.get("q", ""))})


BOUNDARY_TOLERANCE = 0.002  # degrees, about 150–200 m in Saxony: enough for a background map


@require_GET
@cache_control(public=True, max_age=86400)
def boundaries(request: HttpRequest, ags: str) -> HttpResponse:
    """Simplified GeoJSON: the Land's Kreise (`14`) or one Kreis's Gemeinden (`14628`)."""
    # The regions' version: a load-regions on the live server shows up without a restart.
    key = f"finder:boundaries:{ags}:{regions_version.current_version()}"
    body = cache.get(key)
    if body is None:
        if len(ags) == 2:
            regions = Region.objects.filter(level=Region.Level.KREIS, ags__startswith=ags)
        elif len(ags) == 5:
            regions = Region.objects.filter(level=Region.Level.GEMEINDE, parent_id=ags)
        else:
            regions = Region.objects.none()
        features = []
        for region in regions.exclude(boundary__isnull=True).only("ags", "name", "boundary"):
            geometry = shape(region.boundary).simplify(BOUNDARY_TOLERANCE, preserve_topology=True)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"ags": region.ags, "name": region.name},
                    "geometry": _rounded(mapping(geometry)),
                }
            )
        if not features:
            raise Http404(_("Zu diesem Schlüssel gibt es keine Grenzen."))
        body = json.dumps({"type": "FeatureCollection", "features": features})
        cache.set(key, body, 86400)
    return HttpResponse(body, content_type="application/geo+json")


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, 4) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
