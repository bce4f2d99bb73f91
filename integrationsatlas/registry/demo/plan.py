"""Plan the demo services in memory: per Kreis and offer type, supply that follows demand plus noise.

Nothing here writes to the database. The plan is a list of `ServicePlan` (Kreis, Gemeinde,
offer type, capacity, phone/online only) that `build` turns into rows. Kitas are planned per
Gemeinde (the rule that judges them is a Gemeinde rule); every other type per Kreis, its
services placed in Gemeinden weighted by population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from integrationsatlas.regions.models import Region
from integrationsatlas.taxonomy.models import OfferType

from .scale import (
    KITA_MEAN_PLACES,
    capacities,
    mean_capacity,
    noisy_shares,
    scale_of,
    service_count,
)

# Types often offered by phone or online only, with the Kreis as service area.
REMOTE_TYPES = {"mbe", "psychosocial", "language_mediation", "recognition_counselling"}
REMOTE_SHARE = 0.2


@dataclass
class ServicePlan:
    kreis: Region
    gemeinde: Region
    offer_type: OfferType
    capacity: float
    remote: bool


@dataclass
class DemandData:
    """The regions and figures the plan needs, read once from the database."""

    kreise: list[Region]
    gemeinden_by_kreis: dict[str, list[Region]]
    population: dict[str, float]
    indicators: dict[str, dict[str, float]]  # code -> ags -> newest value

    def kreis_demand(self, code: str) -> np.ndarray:
        """The indicator per Kreis; summed from its Gemeinden, or population, where missing."""
        values = self.indicators.get(code) or self.population
        result = []
        for kreis in self.kreise:
            value = values.get(kreis.ags)
            if value is None:
                value = sum(values.get(g.ags, 0.0) for g in self.gemeinden_by_kreis[kreis.ags])
            result.append(value)
        return np.array(result, dtype=float)


def _weights(members: list[Region], population: dict[str, float]) -> np.ndarray:
    """Larger places get more offers, but not linearly: villages still get some."""
    pop = np.array([population.get(g.ags, 1000.0) for g in members]) ** 0.8
    return pop / pop.sum()


def _kita_plans(
    data: DemandData, kreis: Region, places: float, kind: OfferType, rng, per_service: float
) -> list[ServicePlan]:
    """A Kreis's Kita places split over its Gemeinden by population, each with its own noise.

    At full scale every Gemeinde with children gets at least one (small) Kita, as nearly
    every Saxon Gemeinde has one; a shrunk demo (larger `per_service`) may leave some out.
    """
    members = data.gemeinden_by_kreis[kreis.ags]
    population = np.array([data.population.get(g.ags, 0.0) for g in members])
    shares = noisy_shares(population, rng)
    shares = shares / shares.sum() if shares.sum() > 0 else shares  # the Kreis keeps its total
    full_scale = per_service <= KITA_MEAN_PLACES
    plans = []
    for gemeinde, share in zip(members, shares, strict=True):
        units = places * share
        count = service_count(units, per_service, rng, full_scale=False)
        if full_scale and units >= 1:
            count = max(count, 1)
        for capacity in capacities(units, count, scale_of("kita"), rng):
            plans.append(ServicePlan(kreis, gemeinde, kind, capacity, remote=False))
    return plans


def _kreis_plans(
    data: DemandData, kreis: Region, units: float, kind: OfferType, rng, per_service: float
) -> list[ServicePlan]:
    members = data.gemeinden_by_kreis[kreis.ags]
    full_scale = per_service <= mean_capacity(scale_of(kind.code), kind.code)
    count = service_count(units, per_service, rng, full_scale)
    p = _weights(members, data.population)
    plans = []
    for capacity in capacities(units, count, scale_of(kind.code), rng):
        gemeinde = members[int(rng.choice(len(members), p=p))]
        remote = kind.code in REMOTE_TYPES and rng.random() < REMOTE_SHARE
        plans.append(ServicePlan(kreis, gemeinde, kind, capacity, remote))
    return plans


def plan_services(
    data: DemandData, types: list[OfferType], rng: np.random.Generator, factor: float = 1.0
) -> list[ServicePlan]:
    """Every demo service of every type in every Kreis.

    `factor` < 1 makes the demo smaller for quick runs: services of capacity types get
    1/factor times the capacity (so the supply keeps its scale), counted types (sites,
    bodies) get factor times the count.
    """
    kreise = [k for k in data.kreise if data.gemeinden_by_kreis.get(k.ags)]
    data = DemandData(kreise, data.gemeinden_by_kreis, data.population, data.indicators)
    plans: list[ServicePlan] = []
    for kind in types:
        scale = scale_of(kind.code)
        counted = scale.capacity[0] == scale.capacity[1] == 1
        total = scale.total * (factor if counted else 1.0)
        per_service = mean_capacity(scale, kind.code) / (1.0 if counted else factor)
        demand = data.kreis_demand(kind.default_demand_indicator)
        shares = noisy_shares(demand, rng, scale.sigma)
        for kreis, share in zip(kreise, shares, strict=True):
            build = _kita_plans if kind.code == "kita" else _kreis_plans
            plans += build(data, kreis, total * share, kind, rng, per_service)
    return plans
