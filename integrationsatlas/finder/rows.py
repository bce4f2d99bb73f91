"""One result of the finder's lists as HTML, and the opening-hours sentence it shows.

A result page lists up to 30 services. Rendered through a template include, each row cost
about as much as the rest of the page; here a row is one format string over values escaped
once, with its fixed words translated once per page (`Labels`). The markup is the one the
finder's stylesheet, map script (the `data-*` attributes) and tests know.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from integrationsatlas.registry.languages import names_in
from integrationsatlas.registry.models import Schedule
from integrationsatlas.registry.opening_hours import OpenState

from . import clock
from .search import Hit


def hours_text(state: OpenState, today: date | None = None) -> str:
    """The opening state in words ("open now, until 16:00", "closed, opens tomorrow at 9:00")
    in the active language.

    The moments of an `OpenState` are Saxon wall-clock times already (opening_hours.BERLIN,
    the site's TIME_ZONE); `today` is today's date there (read from the clock when None)."""
    if state.is_open and state.closes_at:
        return _("Jetzt geöffnet, bis %(time)s Uhr") % {"time": state.closes_at.strftime("%H:%M")}
    if state.next_opening:
        moment = state.next_opening
        today = today or timezone.localdate(clock.now())
        if moment.date() == today:
            return _("Geschlossen. Öffnet heute um %(time)s Uhr") % {
                "time": moment.strftime("%H:%M")
            }
        if moment.date() == today + timedelta(days=1):
            return _("Geschlossen. Öffnet morgen um %(time)s Uhr") % {
                "time": moment.strftime("%H:%M")
            }
        return _("Geschlossen. Öffnet am %(day)s um %(time)s Uhr") % {
            "day": weekday_date(moment.date()),
            "time": moment.strftime("%H:%M"),
        }
    if state.has_hours:
        return _("Geschlossen. In den nächsten drei Wochen keine Öffnungszeit.")
    return _("Keine Öffnungszeiten angegeben. Bitte vorher anrufen.")


def weekday_date(day: date) -> str:
    weekday = str(Schedule.Weekday(day.isoweekday()).label)
    return f"{weekday}, {day:%d.%m.}"


@dataclass(frozen=True)
class Labels:
    """What every row of a page shares, worked out once per page: the fixed words
    (translated and escaped), the interface language with its names of languages, today's
    date and the decimal separator."""

    demo: str
    german_only: str
    distance: str
    address: str
    step_free: str
    reachable: str
    by_phone: str
    online: str
    hours: str
    languages: str
    cost: str
    free: str
    not_free: str
    km: str  # "%(km)s km Luftlinie", the number filled in per row
    language: str
    names: dict[str, str]  # language code -> name in `language`
    today: date
    decimal: str

    @classmethod
    def translated(cls) -> Labels:
        language = get_language() or "de"
        return cls(
            *_words(language),
            language=language,
            names=names_in(language),
            today=timezone.localdate(clock.now()),
            # number_format's separator, looked up once: "0,2 km" in German, "0.2 km" in English.
            decimal=get_format("DECIMAL_SEPARATOR"),
        )


@functools.lru_cache(maxsize=32)  # per interface language; catalogues are read at start-up
def _words(language: str) -> tuple[str, ...]:
    """The fixed words of a row in the active language (`language` is the cache key)."""
    return tuple(
        escape(text)
        for text in (
            _("Demo"),
            _("Nur auf Deutsch verfügbar."),
            _("Entfernung"),
            _("Adresse"),
            _("barrierefreier Zugang"),
            _("Erreichbar"),
            _("telefonisch"),
            _("online"),
            _("Öffnungszeiten"),
            _("Sprachen"),
            _("Kosten"),
            _("kostenlos"),
            _("kostenpflichtig"),
            _("%(km)s km Luftlinie"),
        )
    )


@functools.lru_cache(maxsize=65536)  # reverse() is a good part of a row's cost; ids are few
def detail_url(pk: int) -> str:
    return reverse("finder:detail", args=[pk])


_SITE = (
    '<li class="result" data-lat="{lat:.5f}" data-lon="{lon:.5f}" data-name="{name}" '
    'data-url="{url}">\n'
)
_REMOTE = '<li class="result">\n'
_BODY = (
    '  <h3 class="result-name"><a href="{link}">{name}</a>{demo}</h3>\n'
    "  {german}"
    '<p class="org">{organization}</p>\n'
    '  <dl class="result-facts">\n'
    "    {reach}\n"
    '    <dt>{l.hours}</dt><dd class="{open_class}">{hours}</dd>\n'
    "    {languages}"
    "<dt>{l.cost}</dt><dd>{cost}</dd>\n"
    "  </dl>\n"
    "</li>"
)


def row_html(hit: Hit, labels: Labels, back: str = "", transit: str = "") -> SafeString:
    """One result as an `<li>`: name and link, provider, distance and address (or how to
    reach a phone/online service), today's opening state, languages and cost.

    `transit` is the travel time by bus and train beside the distance, as HTML already
    escaped (`transit_minutes.minutes_html`), or ""."""
    entry, site = hit.entry, hit.site
    name, german = entry.name_in(labels.language)
    name, url = escape(name), detail_url(entry.id)
    if site is not None:
        head = _SITE.format(lat=site.lat, lon=site.lon, name=name, url=url)
        distance = f"{hit.distance_km or 0.0:.1f}".replace(".", labels.decimal)
        km = labels.km % {"km": escape(distance)}
        address = escape(f"{site.address}, {site.postal_code} {site.city}")
        step_free = f" · {labels.step_free}" if site.wheelchair else ""
        reach = (
            f"<dt>{labels.distance}</dt><dd>{km}{' · ' + transit if transit else ''}</dd>\n"
            f"    <dt>{labels.address}</dt><dd>{address}{step_free}</dd>"
        )
    else:
        head = _REMOTE
        ways = []
        if entry.by_phone:
            phone = escape(entry.phone)
            number = f': <a href="tel:{phone}"><bdi dir="ltr">{phone}</bdi></a>' if phone else ""
            ways.append(labels.by_phone + number)
        if entry.online:
            ways.append(labels.online)
        reach = f"<dt>{labels.reachable}</dt><dd>{' · '.join(ways)}</dd>"
    spoken = ", ".join(labels.names.get(code, code) for code in entry.languages)
    body = _BODY.format(
        link=f"{url}?{escape(back)}" if back else url,
        name=name,
        demo=f' <span class="badge badge-demo">{labels.demo}</span>' if entry.is_demo else "",
        german=f'<p class="note" lang="de">{labels.german_only}</p>\n  ' if german else "",
        organization=escape(entry.organization),
        reach=reach,
        l=labels,
        open_class="is-open" if hit.state.is_open else "is-closed",
        hours=escape(hours_text(hit.state, labels.today)),
        languages=(f"<dt>{labels.languages}</dt><dd>{escape(spoken)}</dd>\n    " if spoken else ""),
        cost=labels.free if entry.is_free else labels.not_free,
    )
    return mark_safe(head + body)  # noqa: S308 - every value above is escaped
