"""Regions and indicator figures as the engine sees them on a date (engine side of the boundary).

Every indicator figure used is the newest one at or before the reference date; the trace
records which reference dates, sources, editions and demo figures went in, so a stored
assessment can say exactly what it was computed from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q

from integrationsatlas.analysis.assess import DemandPoints, Regions
from integrationsatlas.regions.models import IndicatorValue, Region

#: Indicator codes `foreign_language_<iso>`: foreign residents whose main language is <iso>;
#: they feed the `languages` rule kind.
LANGUAGE_PREFIX = "foreign_language_"

#: How a Kreis figure becomes Gemeinde figures when only the Kreis has one (German: shown).
APPORTION_NOTE = "geschätzt: Kreiswert anteilig nach Einwohnern"


class ProjectionChoiceError(ValueError):
    """Several projection variants fit and none was chosen; the message names them."""


def _newest_values(
    codes: set[str], date: dt.date, variant: str | None = None
) -> tuple[dict[str, dict[str, tuple]], dict[tuple[str, str], tuple[str, str, dt.date]]]:
    """{code: {ags: (value, reference_date, source, edition_id, is_demo)}} newest at or
    before `date`; an unknown (secret) figure is NaN, never 0. Second: {(code, ags):
    (source, variant, projected date)} of the figures that are projections.

    Observed figures come first; a projection (reference date at or before `date`) replaces
    one only when it is for a later date than the newest observation, so an assessment for
    today never uses a projection and one for 2030 uses the projection for 2030.
    """
    query = Q(code__in=codes) | Q(code__startswith=LANGUAGE_PREFIX)
    values = IndicatorValue.objects.filter(query, reference_date__lte=date).order_by(
        "code", "region_id", "reference_date"
    )
    fields = ("code", "region_id", "value", "reference_date", "source", "edition_id", "is_demo")
    result: dict[str, dict[str, tuple]] = defaultdict(dict)
    for code, ags, *rest in values.filter(projection_variant="").values_list(*fields):
        result[code][ags] = (math.nan if rest[0] is None else rest[0], *rest[1:])
    projected = values.exclude(projection_variant="")
    if variant:
        projected = projected.filter(projection_variant=variant)
    found = sorted(set(projected.values_list("projection_variant", flat=True)))
    if len(found) > 1:
        raise ProjectionChoiceError(
            f"Mehrere Varianten der Vorausberechnung geladen ({', '.join(found)}): "
            "bitte eine wählen (--variant)."
        )
    projections: dict[tuple[str, str], tuple[str, str, dt.date]] = {}
    for code, ags, *rest, name in projected.values_list(*fields, "projection_variant"):
        observed = result[code].get(ags)
        if observed is None or observed[1] < rest[1]:
            result[code][ags] = (math.nan if rest[0] is None else rest[0], *rest[1:])
            projections[(code, ags)] = (rest[2], name, rest[1])
    return result, projections


def _apportion(
    column: np.ndarray, parent: np.ndarray, levels: np.ndarray, population: np.ndarray
) -> np.ndarray:
    """Gemeinden of a Kreis that has a figure while none of its Gemeinden has one get
    Kreis value x population(g) / population of the Kreis's Gemeinden. Returns their indices.

    An explicit estimate (APPORTION_NOTE), never silent: the caller marks every filled figure.
    Kreise whose Gemeinden lack a population figure are left unknown.
    """
    gem = np.flatnonzero((levels == Region.Level.GEMEINDE) & (parent >= 0))
    gem = gem[levels[parent[gem]] == Region.Level.KREIS]
    if not gem.size:
        return gem
    kreis = parent[gem]
    n = column.size
    has_own = np.bincount(kreis, np.isfinite(column[gem]), n) > 0
    pop_known = np.bincount(kreis, ~np.isfinite(population[gem]), n) == 0
    pop_sum = np.bincount(kreis, np.nan_to_num(population[gem]), n)
    fill = (
        np.isnan(column[gem])
        & np.isfinite(column[kreis])
        & ~has_own[kreis]
        & pop_known[kreis]
        & (pop_sum[kreis] > 0)
    )
    gem, kreis = gem[fill], kreis[fill]
    column[gem] = column[kreis] * population[gem] / pop_sum[kreis]
    return gem


def _fill_from_children(column: np.ndarray, parent: np.ndarray, levels: list[str]) -> list[int]:
    """A region without a figure gets the sum of its children when every child has one.

    Figures known only per Gemeinde (e.g. children under 6) then work on Kreis level too.
    Returns the indices filled. Kreise first, so a Land can be summed from filled Kreise.
    """
    filled = []
    for level in (Region.Level.KREIS, Region.Level.LAND):
        for i in np.flatnonzero(np.isnan(column)):
            if levels[i] != level:
                continue
            children = np.flatnonzero(parent == i)
            if children.size and np.isfinite(column[children]).all():
                column[i] = column[children].sum()
                filled.append(int(i))
    return filled


@dataclass
class RegionTrace:
    """What the region input rests on: demo and estimated figures, editions, projections."""

    # (mark, region key): the figure is demo data; mark is the indicator code, or
    # "languages" for the language figures of a region.
    demo: set[tuple[str, str]] = field(default_factory=set)
    # (mark, Gemeinde key) apportioned from the Kreis value (APPORTION_NOTE).
    estimated: set[tuple[str, str]] = field(default_factory=set)
    # (mark, region key) -> (source, reference date, edition id) of an imported figure.
    origins: dict[tuple[str, str], tuple[str, dt.date, int]] = field(default_factory=dict)
    # (mark, region key) -> (source, variant, projected date): cited in the explanation.
    projections: dict[tuple[str, str], tuple[str, str, dt.date]] = field(default_factory=dict)
    # indicator code -> reference dates, sources, editions, counts (stored with the assessment).
    reference: dict[str, Any] = field(default_factory=dict)


class _Columns:
    """Builds one indicator column over all regions and records its trace."""

    def __init__(
        self,
        regions: list[tuple],
        values: dict[str, dict[str, tuple]],
        projected: dict[tuple[str, str], tuple[str, str, dt.date]],
        apportioned: AbstractSet[str],
        language_levels: AbstractSet[str],
    ) -> None:
        self.keys = [r[0] for r in regions]
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.parent = np.array(
            [self.index.get(r[3], -1) if r[3] else -1 for r in regions], dtype=np.int64
        )
        self.levels = np.array([r[2] for r in regions])
        self.children = np.bincount(self.parent[self.parent >= 0], minlength=len(regions))
        self.values, self.projected = values, projected
        self.apportioned, self.language_levels = apportioned, language_levels
        self.population = np.full(len(regions), np.nan)
        self.trace = RegionTrace()

    def column(self, code: str, mark: str) -> np.ndarray:
        by_region = self.values.get(code, {})
        column = self._own_and_summed(code, mark, by_region)
        filled = np.empty(0, np.int64)
        wants_gemeinden = code in self.apportioned or (
            mark == "languages" and Region.Level.GEMEINDE in self.language_levels
        )
        if code != "population" and wants_gemeinden:
            filled = self._apportioned(column, mark)
        self._record(code, mark, by_region, column, filled)
        return column

    def _own_and_summed(self, code: str, mark: str, by_region: dict[str, tuple]) -> np.ndarray:
        """The regions' own figures, then sums of children where a region has none."""
        column = np.full(len(self.keys), np.nan)
        demo, projections = self.trace.demo, self.trace.projections
        for ags, (value, *_rest, is_demo) in by_region.items():
            column[self.index[ags]] = value
            if is_demo:
                demo.add((mark, ags))
            if (code, ags) in self.projected:
                projections[(mark, ags)] = self.projected[(code, ags)]
        for i in _fill_from_children(column, self.parent, self.levels.tolist()):
            if any((mark, self.keys[c]) in demo for c in np.flatnonzero(self.parent == i)):
                demo.add((mark, self.keys[i]))
        return column

    def _apportioned(self, column: np.ndarray, mark: str) -> np.ndarray:
        """Kreis figures shared out to Gemeinden; the marks follow the Kreis's figure."""
        filled = _apportion(column, self.parent, self.levels, self.population)
        keys, parent, trace = self.keys, self.parent, self.trace
        for g in filled.tolist():
            # The only Gemeinde of a Kreis (a kreisfreie Stadt) gets the exact value.
            if self.children[parent[g]] > 1:
                trace.estimated.add((mark, keys[g]))
            if (mark, keys[parent[g]]) in trace.demo:
                trace.demo.add((mark, keys[g]))
            if (mark, keys[parent[g]]) in trace.projections:
                trace.projections[(mark, keys[g])] = trace.projections[(mark, keys[parent[g]])]
        return filled

    def _record(
        self,
        code: str,
        mark: str,
        by_region: dict[str, tuple],
        column: np.ndarray,
        filled: np.ndarray,
    ) -> None:
        known = np.flatnonzero(np.isfinite(column))
        entry: dict[str, Any] = {
            "reference_dates": sorted({v[1].isoformat() for v in by_region.values()}),
            "sources": sorted({v[2] for v in by_region.values()}),
            "regions": int(known.size),
            "summed_from_gemeinden": int(
                sum(1 for i in known if self.keys[i] not in by_region) - filled.size
            ),
            "demo": any(v[-1] for v in by_region.values()),
            "editions": sorted({v[3] for v in by_region.values() if v[3] is not None}),
        }
        variants = sorted(
            {self.projected[(code, a)][1] for a in by_region if (code, a) in self.projected}
        )
        if variants:
            entry["projection_variants"] = variants
        for ags, (_value, ref_date, source, edition, _demo) in by_region.items():
            if edition is not None:
                self.trace.origins[(mark, ags)] = (source, ref_date, edition)
        if filled.size:
            entry["apportioned_to_gemeinden"] = int(filled.size)
            entry["estimate"] = APPORTION_NOTE
        self.trace.reference[code] = entry


def region_arrays(
    codes: set[str],
    date: dt.date,
    apportioned: AbstractSet[str] = frozenset(),
    language_levels: AbstractSet[str] = frozenset({"kreis"}),
    variant: str | None = None,
) -> tuple[Regions, DemandPoints, dict[str, str], RegionTrace]:
    """Regions with their indicator columns, the Gemeinde demand points, names and the trace.

    Kreis-only figures of the `apportioned` codes (those rules judged per Gemeinde need)
    are apportioned to Gemeinden (`_apportion`) and marked in the trace's estimated set.
    Language rows are given on each of `language_levels`, summed up from Gemeinden or
    apportioned from the Kreis as needed; the engine uses those of a rule's own level.
    """
    regions = list(
        Region.objects.order_by("ags").values_list(
            "ags", "name", "level", "parent_id", "point_lon", "point_lat"
        )
    )
    values, projected = _newest_values(codes | {"population"}, date, variant)
    columns = _Columns(regions, values, projected, apportioned, language_levels)
    columns.population = columns.column("population", "population")
    indicators: dict[str, np.ndarray] = {"population": columns.population}
    for code in sorted(set(codes) | {c for c in values if not c.startswith(LANGUAGE_PREFIX)}):
        if code != "population":
            indicators[code] = columns.column(code, code)
    engine_regions = Regions(
        keys=np.array(columns.keys),
        levels=columns.levels,
        parent=columns.parent,
        indicators=indicators,
        **_language_rows(columns, values, language_levels),
    )
    # Demand points: the representative point of every Gemeinde, weighted by its figures.
    gemeinden = [
        i
        for i, r in enumerate(regions)
        if r[2] == Region.Level.GEMEINDE and r[4] is not None and r[5] is not None
    ]
    points = DemandPoints(
        lon=np.array([regions[i][4] for i in gemeinden], dtype=np.float64),
        lat=np.array([regions[i][5] for i in gemeinden], dtype=np.float64),
        region=np.array(gemeinden, dtype=np.int64),
        weights={code: column[gemeinden] for code, column in indicators.items()},
    )
    return engine_regions, points, {r[0]: r[1] for r in regions}, columns.trace


def _language_rows(
    columns: _Columns, values: dict[str, dict[str, tuple]], language_levels: AbstractSet[str]
) -> dict[str, np.ndarray]:
    """Language rows on each level a languages rule is judged on (the engine keeps them apart)."""
    on_level = np.flatnonzero(np.isin(columns.levels, sorted(language_levels)))
    region, code_of, population = [], [], []
    for code in sorted(c for c in values if c.startswith(LANGUAGE_PREFIX)):
        column = columns.column(code, "languages")
        known = on_level[np.isfinite(column[on_level])]
        region.extend(known.tolist())
        code_of.extend([code[len(LANGUAGE_PREFIX) :]] * known.size)
        population.extend(column[known].tolist())
    return {
        "language_region": np.array(region, dtype=np.int64),
        "language_code": np.array(code_of, dtype=np.str_),
        "language_population": np.array(population, dtype=np.float64),
    }
