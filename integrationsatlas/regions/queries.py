"""Read regions with their latest indicator values: the one place the CLI, pages and API ask."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from .models import IndicatorValue, PostalCode, Region

FOREIGN_CODES = ("foreign_population", "foreign_eu27", "foreign_third_country")


def latest_indicators(
    codes: tuple[str, ...], region_keys: list[str] | None = None
) -> dict[str, dict[str, IndicatorValue]]:
    """{ags: {code: newest observed IndicatorValue}} for the given codes (no projection)."""
    values = IndicatorValue.objects.filter(code__in=codes, projection_variant="").order_by(
        "region_id", "code", "reference_date"
    )
    if region_keys is not None:
        values = values.filter(region_id__in=region_keys)
    result: dict[str, dict[str, IndicatorValue]] = {}
    for value in values:
        result.setdefault(value.region_id, {})[value.code] = value  # later dates overwrite
    return result


def region_rows(
    level: str | None = None,
    postal_code: str | None = None,
    parent: str | None = None,
    ags: str | None = None,
) -> list[dict[str, Any]]:
    # Boundaries are large; decoding them for a table would cost most of a page's time.
    regions = Region.objects.defer("boundary").annotate(
        gemeinden=Count("children", filter=Q(children__level=Region.Level.GEMEINDE))
    )
    if ags:
        regions = regions.filter(ags=ags)
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    if postal_code:
        regions = regions.filter(postal_codes__code=postal_code)
    regions = list(regions.order_by("ags"))
    indicators = latest_indicators(("population", *FOREIGN_CODES), [r.ags for r in regions])
    rows = []
    for region in regions:
        values = indicators.get(region.ags, {})
        gemeinden = region.gemeinden
        if region.level == Region.Level.LAND:
            gemeinden = Region.objects.filter(
                level=Region.Level.GEMEINDE, ags__startswith=region.ags
            ).count()
        elif region.level == Region.Level.GEMEINDE:
            gemeinden = 1
        row: dict[str, Any] = {
            "ags": region.ags,
            "name": region.name,
            "level": region.level,
            "population": _int(values.get("population")),
            "gemeinden": gemeinden,
            "parent": region.parent_id,
            "foreign_residents": _int(values.get("foreign_population")),
            "foreign_eu27": _int(values.get("foreign_eu27")),
            "foreign_third_country": _int(values.get("foreign_third_country")),
            "foreign_reference_date": _date(values.get("foreign_population")),
            "population_reference_date": _date(values.get("population")),
        }
        rows.append(row)
    return rows


def postal_code_exists(code: str) -> bool:
    return PostalCode.objects.filter(code=code).exists()


def _int(value: IndicatorValue | None) -> int | None:
    """The figure rounded; None when there is none or it is unknown (secret), never 0."""
    return None if value is None or value.value is None else round(value.value)


def _date(value: IndicatorValue | None) -> str | None:
    return None if value is None else value.reference_date.isoformat()
