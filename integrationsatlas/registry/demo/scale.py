"""How much demo supply each offer type gets in the Land and per Kreis: published figures plus noise.

Every offer type has a Land total in its unit (FTE, places, sites, ...). Where a published
figure exists it is named in `basis`; where none was found the total is a guess and says so
(`guess=True`). A Kreis gets the total times its share of the type's demand indicator, times
a log-normal noise factor with mean 1 (`NOISE_SIGMA`): supply follows demand, and where a
Kreis falls short of a standard it is the seeded noise, never a Kreis chosen in the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Standard deviation of log(noise) per Kreis and type; 0.3 gives factors of about 0.55-1.8.
NOISE_SIGMA = 0.3

# The MBE and JMD totals below scale national programme counts by Saxony's share of
# Germany's foreign residents: 371,050 in Saxony (Destatis 12521-0041, 31.12.2025, data/) of
# roughly 14 million in Germany (order of magnitude, not checked to the digit): about 2.7 %.


@dataclass(frozen=True)
class Scale:
    """The Land total of one offer type and where that number comes from."""

    total: float  # in the offer type's unit, for the whole Land
    capacity: tuple[float, float, float]  # one service's capacity: low, high, step
    basis: str  # the published figure scaled to, or why it is a guess
    guess: bool
    sigma: float = NOISE_SIGMA  # noise between Kreise


def _sites(total: float, basis: str, guess: bool) -> Scale:
    return Scale(total, (1, 1, 1), basis, guess)


SCALES: dict[str, Scale] = {
    "mbe": Scale(
        52,
        (0.5, 2.5, 0.25),
        "1.306 MBE-Beratungseinrichtungen bundesweit (BAGFW, 718 Haupt- und 588 mobile "
        "Standorte) × 2,7 % Anteil Sachsens ≈ 35 Stellen zu je rund 1,5 Vollzeitstellen",
        True,
    ),
    "jmd": Scale(
        18,
        (0.5, 2.5, 0.25),
        "rund 430 Jugendmigrationsdienste bundesweit (Diakonie RWL) × 2,7 % ≈ 12 Dienste "
        "zu je rund 1,5 Vollzeitstellen",
        True,
    ),
    "refugee_social_work": Scale(150, (0.5, 3.0, 0.25), "Schätzung, keine Landeszahl", True),
    "integration_course": Scale(4000, (20, 120, 5), "Schätzung der Kursplätze", True),
    "job_language_course": Scale(2000, (20, 100, 5), "Schätzung der Kursplätze", True),
    "language_cafe": _sites(150, "Schätzung, keine Landeszahl", True),
    "recognition_counselling": Scale(20, (0.5, 2.0, 0.25), "Schätzung (IQ-Netzwerk)", True),
    "housing_support": Scale(40, (0.5, 2.0, 0.25), "Schätzung, keine Landeszahl", True),
    "kita": Scale(
        206_800,
        (40, 160, 5),
        "377.400 genehmigte Plätze in 3.065 Kitas in Sachsen am 1.3.2024 (Statistisches "
        "Landesamt); davon der Anteil der Kinder vor der Schule (14,2 % unter 3 + 40,6 % "
        "Kindergartenalter = 54,8 %, ohne Hort) ≈ 206.800 Plätze; 3.065 − 718 Horte ≈ "
        "2.350 Einrichtungen, im Mittel 88 Plätze",
        False,
        # Assumption: Kreise plan Kita places for the legal entitlement (§ 24 SGB VIII), so
        # they differ less between Kreise than project-funded offers; Gemeinden differ more.
        sigma=0.1,
    ),
    "library": _sites(
        455, "455 öffentliche Bibliotheken in Sachsen (Landesfachstelle, März 2017)", False
    ),
    "sports_club": _sites(
        250,
        "Schätzung: rund 6 % der 4.330 Sportvereine im Landessportbund Sachsen "
        "(Bestandserhebung 2025) mit einem Integrationsangebot",
        True,
    ),
    "volunteering": Scale(25, (0.5, 2.0, 0.25), "Schätzung, keine Landeszahl", True),
    "participation": _sites(20, "Schätzung: Beiräte in Städten und einigen Kreisen", True),
    "psychosocial": Scale(25, (0.5, 3.0, 0.25), "Schätzung (Psychosoziale Zentren)", True),
    "language_mediation": Scale(800, (4, 40, 2), "Schätzung, Wochenstunden", True),
    "integration_coordination": Scale(40, (0.5, 2.0, 0.25), "Schätzung (KomIntAVO)", True),
}
#: Mean places of one Kita (206,800 places / about 2,350 Kitas without Horte).
KITA_MEAN_PLACES = 88.0
UNKNOWN = Scale(20, (0.5, 2.0, 0.25), "Schätzung, keine Landeszahl", True)


def scale_of(code: str) -> Scale:
    return SCALES.get(code, UNKNOWN)


def mean_capacity(scale: Scale, code: str) -> float:
    if code == "kita":
        return KITA_MEAN_PLACES
    low, high, _step = scale.capacity
    return (low + high) / 2


def noisy_shares(
    demand: np.ndarray, rng: np.random.Generator, sigma: float = NOISE_SIGMA
) -> np.ndarray:
    """Each region's share of demand times log-normal noise with mean 1 (not renormalised).

    noise = exp(N(-σ²/2, σ)), so E[noise] = 1 and the expected Land total is the published one.
    """
    demand = np.nan_to_num(np.asarray(demand, dtype=float), nan=0.0).clip(min=0.0)
    total = demand.sum()
    if total <= 0:
        return np.zeros_like(demand)
    noise = rng.lognormal(-(sigma**2) / 2, sigma, size=demand.size)
    return demand / total * noise


def service_count(
    units: float, capacity: float, rng: np.random.Generator, full_scale: bool = True
) -> int:
    """How many services carry `units`.

    Sites and bodies are counted: a Poisson draw, so a small region may have none by chance.
    Staff, places and hours are rounded to whole services but, at full scale, at least one,
    so a small Kreis keeps its (small) share instead of losing it to rounding. A shrunk
    demo (`full_scale=False`, for quick runs) rounds half a service or more up to one.
    """
    expected = units / capacity
    if capacity == 1:
        return int(rng.poisson(expected))
    smallest = units > 0 if full_scale else expected >= 0.5
    return max(int(round(expected)), int(smallest))


def capacities(units: float, count: int, scale: Scale, rng: np.random.Generator) -> list[float]:
    """`count` capacities on the type's step that add up to about `units` (each ±30 %)."""
    if count == 0:
        return []
    low, high, step = scale.capacity
    if step == 1 and low == high:
        return [1.0] * count
    jitter = rng.uniform(0.7, 1.3, size=count)
    raw = units * jitter / jitter.sum()
    return [float(max(step, round(value / step) * step)) for value in raw]
