"""Build the Teilhabebericht of one Kreis and year: every figure of KomIntAVO § 14 (2) in its order.

A figure the product holds comes with its source and reference date; one it does not hold is a
gap (value None) with a hint what belongs there. Nothing is estimated silently.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from integrationsatlas.regions.models import Region

from . import sources as src
from .assessment import assessment_section
from .document import Report, ReportError, ServiceLine, format_number
from .measures import measures_section
from .population import population_section


def kreis_or_error(ags: str) -> Region:
    """The Kreis with this key, or a ReportError saying why not."""
    region = Region.objects.filter(ags=ags.strip()).first()
    if region is None:
        raise ReportError(_("Region %(ags)s ist nicht geladen.") % {"ags": ags})
    if region.level != Region.Level.KREIS:
        raise ReportError(
            _(
                "%(name)s (%(ags)s) ist kein Kreis (%(level)s). Den Teilhabebericht legen die "
                "Landkreise und Kreisfreien Städte vor (SächsIntG § 6 Abs. 1 Nr. 2, § 26)."
            )
            % {"name": region.name, "ags": region.ags, "level": region.get_level_display()}
        )
    return region


def build_report(ags: str, year: int, today: dt.date) -> Report:
    """The report, or ReportError for a region that is not a Kreis or a year without data."""
    region = kreis_or_error(ags)
    available = src.years_with_data(region)
    if year not in available:
        raise ReportError(
            _(
                "Für %(name)s liegen für %(year)s keine Daten vor: weder Jahreszahlen im "
                "Register noch Kennzahlen mit Stichtag in diesem Jahr. Jahre mit Daten: %(years)s."
            )
            % {
                "name": region.name,
                "year": year,
                "years": ", ".join(map(str, available)) or _("keine"),
            }
        )
    data = src.KreisData(region, year, src.services_of(region, year))
    stand = _("Stand des Registers am %(date)s") % {"date": today.strftime("%d.%m.%Y")}
    population = population_section(region, year)
    measures = measures_section(data, stand)
    sections = [population, measures, assessment_section(population, measures)]
    figures = [f for s in sections for f in s.figures]
    # The data sources of sections 1 and 2; section 3 only computes from them.
    sources = sorted({f.source for f in population.figures + measures.figures if f.source})
    return Report(
        region_ags=region.ags,
        region_name=region.name,
        region_kind=region.kind or region.get_level_display(),
        year=year,
        created=today.strftime("%d.%m.%Y"),
        sections=sections,
        services=_service_lines(data),
        sources=sources,
        is_demo=any(f.is_demo for f in figures),
    )


def _service_lines(data: src.KreisData) -> list[ServiceLine]:
    """The services behind the registry figures, for the appendix."""
    lines = []
    for item in data.services:
        fte, origin = item.fte
        figures = item.figures
        missions = (
            [
                figures.language_mediation_missions,
                figures.community_interpreter_missions,
            ]
            if figures
            else []
        )
        known = [m for m in missions if m is not None]
        lines.append(
            ServiceLine(
                name=item.service.name,
                organization=item.service.organization.name,
                offer_type=item.service.offer_type.name,
                fte="–" if fte is None else format_number(fte, 2),
                fte_source={
                    "year": _("Jahreszahlen %(year)s") % {"year": data.year},
                    "capacity": _("Kapazität laut Register"),
                }.get(origin, _("keine Angabe")),
                consultations="–"
                if figures is None or figures.consultations_total is None
                else format_number(figures.consultations_total),
                missions=format_number(sum(known)) if known else "–",
                is_demo=item.is_demo,
            )
        )
    return lines
