"""Travel minutes by bus and train beside each result, read from the precomputed table.

The minutes are computed ahead by `integrationsatlas transit finder-times` (transit/
finder_times.py) from every Gemeinde point and postal-code point to every site; a search
never routes. One query reads those of the shown sites for the searched place from the
newest feed edition whose computation has finished. Nothing is shown for a search by
coordinates (no precomputed origin), for a site computed at other coordinates than it has
now (moved since: the minutes would be wrong), or when no feed has been computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.db.models import FilteredRelation, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrationsatlas.transit.matrix import clock_text
from integrationsatlas.transit.models import FinderTimesSite

from .places import Place, place_by_ags
from .search import Hit
from .transit_version import newest_runs

# Kinds of day of the window (transit.matrix.DAYS), with the first and last departure.
WINDOW_TEXT = {
    "werktags": gettext_lazy("werktags %(start)s–%(end)s Uhr"),
    "samstags": gettext_lazy("samstags %(start)s–%(end)s Uhr"),
    "sonntags": gettext_lazy("sonntags %(start)s–%(end)s Uhr"),
}
_FIELDS = ("location_id", "lon", "lat", "trip__minutes", "run__max_minutes", "run__window_days",
           "run__window_start", "run__window_end", "run__window_every", "run__edition__name",
           "run__edition__reference_date")  # fmt: skip


def origin_of(place: Place) -> str:
    """The precomputed origin of a search: its postal code, or its Gemeinde when the search
    point is the Gemeinde's own point; "" for a search by coordinates."""
    if place.postal_code:
        return place.postal_code
    gemeinde = place_by_ags(place.ags)
    if gemeinde is not None and (gemeinde.lon, gemeinde.lat) == (place.lon, place.lat):
        return place.ags
    return ""


def _title(row: tuple) -> str:
    days, start, end, every, feed, stand = row[5:11]
    window = WINDOW_TEXT.get(days, WINDOW_TEXT["werktags"]) % {
        "start": clock_text(start),
        "end": clock_text(end),
    }
    return _(
        "Median der Abfahrten %(window)s, alle %(every)s Minuten; Fahrplan %(feed)s, Stand %(date)s"
    ) % {
        "window": window,
        "every": every // 60,
        "feed": feed,
        "date": date_format(stand, "SHORT_DATE_FORMAT"),
    }


def _newest_run() -> Subquery:
    return Subquery(newest_runs().values("pk")[:1])


def minutes_html(place: Place, hits: Iterable[Hit]) -> dict[int, str]:
    """For each shown site (by its id) whose minutes are known and current: the text to show
    beside the distance, as HTML with the window and feed in its title. One query."""
    origin = origin_of(place)
    sites = [hit.site for hit in hits if hit.site is not None]
    if not origin or not sites:
        return {}
    rows = (
        FinderTimesSite.objects.filter(
            run=_newest_run(), location_id__in={site.location_id for site in sites}
        )
        .annotate(trip=FilteredRelation("times", condition=Q(times__origin=origin)))
        .values_list(*_FIELDS)
    )
    computed = {row[0]: row for row in rows}
    if not computed:
        return {}
    title = escape(_title(next(iter(computed.values()))))
    out = {}
    for site in sites:
        row = computed.get(site.location_id)
        if row is None or (row[1], row[2]) != (site.lon, site.lat):
            continue  # not computed yet, or moved since: no minutes rather than wrong ones
        minutes, limit = row[3], row[4]
        if minutes is None:
            text = _("nicht in %(minutes)s Min. mit Bus und Bahn erreichbar") % {"minutes": limit}
        else:
            text = _("ca. %(minutes)s Min. mit Bus und Bahn") % {"minutes": minutes}
        out[site.id] = f'<span class="transit-time" title="{title}">{escape(text)}</span>'
    return out
