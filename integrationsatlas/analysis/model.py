"""Input and output dataclasses of the engine: regions, demand points, services, rules, rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from integrationsatlas.analysis.catchment import validate_bands
from integrationsatlas.analysis.cost_levels import COST_LEVELS
from integrationsatlas.analysis.status import check_financing

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]
DateArray = npt.NDArray[np.datetime64]

Kind = Literal["ratio", "presence", "reach", "languages", "hours", "reliability"]
KINDS: tuple[str, ...] = get_args(Kind)
#: How a rule judged on a finer level is summarised on a coarser one (levels.summarise):
#: share of the finer regions where it is met, or share of their population.
SUMMARY_BY: tuple[str, ...] = ("regions", "population")
#: What an assessment row is (levels.py): "own" = the rule judged on this region, its own
#: level; "parent" = the result of the enclosing region on the rule's level, shown here
#: (not recomputed, no deficit or cost of its own); "share_regions" / "share_population" =
#: summary of the rule's finer regions (value = share met, deficit and cost = their sum).
BASES: tuple[str, ...] = ("own", "parent", "share_regions", "share_population")
#: Parameters a rule kind cannot do without.
REQUIRED_PARAMS: dict[str, tuple[str, ...]] = {
    "reach": ("distance_km",),
    "reliability": ("months",),
}
#: How a reach or 2SFCA rule measures "within": the straight line (``distance_km``,
#: ``catchment_km``), or travel time by bus and train (``max_minutes``, from a travel-time
#: matrix the caller hands to assess(); without one the straight line stays, and the
#: explanation says so).
MODES: tuple[str, ...] = ("straight", "transit")


def _floats(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64).ravel()


def _ints(x: npt.ArrayLike) -> IntArray:
    return np.asarray(x, dtype=np.int64).ravel()


def _strs(x: npt.ArrayLike) -> StrArray:
    return np.asarray(x, dtype=np.str_).ravel()


def _same_length(owner: str, n: int, **arrays: npt.NDArray[np.generic]) -> None:
    for name, arr in arrays.items():
        if arr.size != n:
            raise ValueError(f"{owner}.{name} has {arr.size} entries, expected {n}")


def _empty_f() -> FloatArray:
    return np.empty(0, np.float64)


def _empty_i() -> IntArray:
    return np.empty(0, np.int64)


def _empty_s() -> StrArray:
    return np.empty(0, np.str_)


def _empty_d() -> DateArray:
    return np.empty(0, "datetime64[D]")


@dataclass(frozen=True, eq=False)
class Regions:
    """All regions of every level as parallel arrays (index = position).

    ``keys`` official AGS/ARS strings; ``levels`` e.g. "land"/"kreis"/"gemeinde";
    ``parent`` index of the parent region (-1 for the root); ``indicators`` code -> (n,)
    values (NaN = unknown). Foreign population by main language as COO triples
    ``language_region``/``language_code`` (ISO 639)/``language_population``.
    """

    keys: StrArray
    levels: StrArray
    parent: IntArray
    indicators: Mapping[str, FloatArray]
    language_region: IntArray = field(default_factory=_empty_i)
    language_code: StrArray = field(default_factory=_empty_s)
    language_population: FloatArray = field(default_factory=_empty_f)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "keys", _strs(self.keys))
        n = self.keys.size
        set_(self, "levels", _strs(self.levels))
        set_(self, "parent", _ints(self.parent))
        set_(self, "indicators", {k: _floats(v) for k, v in self.indicators.items()})
        for name in ("language_region", "language_code", "language_population"):
            conv = {"language_region": _ints, "language_code": _strs}.get(name, _floats)
            set_(self, name, conv(getattr(self, name)))
        _same_length("Regions", n, levels=self.levels, parent=self.parent, **self.indicators)
        m = self.language_region.size
        _same_length(
            "Regions",
            m,
            language_code=self.language_code,
            language_population=self.language_population,
        )
        if m and (self.language_region.min() < 0 or self.language_region.max() >= n):
            raise ValueError("Regions.language_region index out of range")
        if n and (self.parent.min() < -1 or self.parent.max() >= n):
            raise ValueError("Regions.parent must be -1 or a valid region index")


@dataclass(frozen=True, eq=False)
class DemandPoints:
    """Demand points (Gemeinde centroids or grid cells) with weights per indicator code.

    ``region``: index of the region (normally the Gemeinde) each point lies in, -1 = none.
    """

    lon: FloatArray
    lat: FloatArray
    region: IntArray
    weights: Mapping[str, FloatArray]

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "lon", _floats(self.lon))
        set_(self, "lat", _floats(self.lat))
        set_(self, "region", _ints(self.region))
        set_(self, "weights", {k: _floats(v) for k, v in self.weights.items()})
        _same_length(
            "DemandPoints", self.lon.size, lat=self.lat, region=self.region, **self.weights
        )
        if not (np.isfinite(self.lon).all() and np.isfinite(self.lat).all()):
            raise ValueError("DemandPoints need finite lon/lat for every point")


@dataclass(frozen=True, eq=False)
class Services:
    """Services as parallel arrays, with service areas, languages and fundings as COO rows.

    ``region``: index of the Gemeinde the service's site lies in (-1 for online-only;
    the Kreis follows from the tree). ``lon``/``lat`` NaN for online-only. ``capacity`` in
    the offer type's unit, NaN = unknown. ``weekly_hours`` NaN = unknown.
    Service areas: (``area_service``, ``area_region``). Languages spoken:
    (``language_service``, ``language_code``). Fundings: (``fund_service``, ``fund_share``,
    ``fund_end`` NaT = permanent, ``fund_level``). Target groups served:
    (``group_service``, ``group_code``); a service without any serves everyone.
    """

    offer_type: StrArray
    lon: FloatArray
    lat: FloatArray
    region: IntArray
    capacity: FloatArray
    active: BoolArray
    weekly_hours: FloatArray
    area_service: IntArray = field(default_factory=_empty_i)
    area_region: IntArray = field(default_factory=_empty_i)
    language_service: IntArray = field(default_factory=_empty_i)
    language_code: StrArray = field(default_factory=_empty_s)
    fund_service: IntArray = field(default_factory=_empty_i)
    fund_share: FloatArray = field(default_factory=_empty_f)
    fund_end: DateArray = field(default_factory=_empty_d)
    fund_level: StrArray = field(default_factory=_empty_s)
    group_service: IntArray = field(default_factory=_empty_i)
    group_code: StrArray = field(default_factory=_empty_s)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        conv = {
            "offer_type": _strs,
            "lon": _floats,
            "lat": _floats,
            "region": _ints,
            "capacity": _floats,
            "weekly_hours": _floats,
            "area_service": _ints,
            "area_region": _ints,
            "language_service": _ints,
            "language_code": _strs,
            "fund_service": _ints,
            "fund_share": _floats,
            "fund_level": _strs,
            "group_service": _ints,
            "group_code": _strs,
        }
        for name, fn in conv.items():
            set_(self, name, fn(getattr(self, name)))
        set_(self, "active", np.asarray(self.active, dtype=bool).ravel())
        set_(self, "fund_end", np.asarray(self.fund_end, dtype="datetime64[D]").ravel())
        n = self.offer_type.size
        _same_length(
            "Services",
            n,
            lon=self.lon,
            lat=self.lat,
            region=self.region,
            capacity=self.capacity,
            active=self.active,
            weekly_hours=self.weekly_hours,
        )
        _same_length("Services", self.area_service.size, area_region=self.area_region)
        _same_length("Services", self.language_service.size, language_code=self.language_code)
        _same_length("Services", self.group_service.size, group_code=self.group_code)
        _same_length(
            "Services",
            self.fund_service.size,
            fund_share=self.fund_share,
            fund_end=self.fund_end,
            fund_level=self.fund_level,
        )
        for name in ("area_service", "language_service", "fund_service", "group_service"):
            idx: IntArray = getattr(self, name)
            if idx.size and (idx.min() < 0 or idx.max() >= n):
                raise ValueError(f"Services.{name} index out of range")


@dataclass(frozen=True)
class EngineRule:
    """One rule of a standard set (docs/engine.md, rule kinds).

    ``params``: ``distance_km`` (reach), ``months`` (reliability), optional
    ``catchment_km`` (+ ``sigma_km`` for Gaussian decay) to evaluate a ratio rule by 2SFCA.
    ``bands_km``: distance bands (upper km, weight) of the enhanced 2SFCA instead of
    ``sigma_km`` (ascending, weights in (0, 1], the last upper limit at most
    ``catchment_km``); empty = no bands.
    ``financing``: level -> share of the cost, summing to 1; empty = all to
    ``responsible_level``. ``unit``: the offer type's unit of supply; ``supply_label``: German
    name of the supply in explanations (e.g. "Beratungs-VZÄ"), default from ``unit``.
    """

    id: str
    offer_type: str
    kind: Kind
    level: str
    target: float
    demand_indicator: str = "population"
    params: Mapping[str, float] = field(default_factory=dict)
    responsible_level: str = "land"
    financing: Mapping[str, float] = field(default_factory=dict)
    unit_cost: float = 0.0
    unit: str = "units"
    supply_label: str = ""
    sources: tuple[str, ...] = ()
    bands_km: tuple[tuple[float, float], ...] = ()
    #: Summary on a coarser level (levels.summarise): "regions" or "population", and the
    #: share (0, 1] of it that must be met for the coarser region to be met.
    summary_by: str = "regions"
    summary_target: float = 1.0
    #: When set, only services serving this group, "all", or no group in particular count
    #: as supply (``Services.group_code``); empty = every service of the offer type counts.
    target_group: str = ""
    #: One of MODES; "transit" needs params["max_minutes"] (see MODES).
    mode: str = "straight"
    #: For ``languages``: only these main languages (ISO codes) count, in the numerator and
    #: the denominator; empty = every language with a figure. ``language_names``: the
    #: German names for the explanation (e.g. "Polnisch, Tschechisch oder Rumänisch").
    languages: tuple[str, ...] = ()
    language_names: str = ""

    def __post_init__(self) -> None:
        where = f"rule {self.id!r}"
        if self.summary_by not in SUMMARY_BY:
            raise ValueError(f"{where}: summary_by must be one of {SUMMARY_BY}")
        if not (np.isfinite(self.summary_target) and 0 < self.summary_target <= 1):
            raise ValueError(
                f"{where}: summary_target must be in (0, 1], got {self.summary_target}"
            )
        if self.kind not in KINDS:
            raise ValueError(f"{where}: unknown kind {self.kind!r}; use one of {KINDS}")
        if not (np.isfinite(self.target) and self.target > 0):
            raise ValueError(f"{where}: target must be a positive number, got {self.target}")
        for p in REQUIRED_PARAMS.get(self.kind, ()):
            if not (p in self.params and self.params[p] > 0):
                raise ValueError(f"{where}: kind {self.kind!r} needs a positive params[{p!r}]")
        if self.responsible_level not in COST_LEVELS:
            raise ValueError(f"{where}: responsible_level must be one of {COST_LEVELS}")
        if self.bands_km:
            self._check_bands(where)
        if self.mode not in MODES:
            raise ValueError(f"{where}: mode must be one of {MODES}, got {self.mode!r}")
        if self.mode == "transit":
            self._check_transit(where)
        try:
            check_financing(self.shares())
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
        if not (np.isfinite(self.unit_cost) and self.unit_cost >= 0):
            raise ValueError(f"{where}: unit_cost must be >= 0, got {self.unit_cost}")

    def _check_bands(self, where: str) -> None:
        if self.kind != "ratio" or "catchment_km" not in self.params:
            raise ValueError(f"{where}: bands_km needs a ratio rule with params['catchment_km']")
        if "sigma_km" in self.params:
            raise ValueError(f"{where}: give either bands_km or params['sigma_km'], not both")
        try:
            bands = validate_bands(self.bands_km)
        except ValueError as err:
            raise ValueError(f"{where}: bands_km {err}") from None
        if bands[-1][0] > self.params["catchment_km"]:
            raise ValueError(
                f"{where}: the last band ends at {bands[-1][0]} km, "
                f"beyond catchment_km {self.params['catchment_km']}"
            )

    def _check_transit(self, where: str) -> None:
        spatial = self.kind == "reach" or (self.kind == "ratio" and "catchment_km" in self.params)
        if not spatial:
            raise ValueError(f"{where}: mode 'transit' needs a reach rule or a 2SFCA ratio rule")
        if not self.params.get("max_minutes", 0) > 0:
            raise ValueError(f"{where}: mode 'transit' needs a positive params['max_minutes']")
        if self.bands_km or "sigma_km" in self.params:
            raise ValueError(f"{where}: mode 'transit' takes no distance decay (bands, sigma)")

    def shares(self) -> Mapping[str, float]:
        """Financing shares, defaulting to 100 % for the responsible level."""
        return self.financing or {self.responsible_level: 1.0}


@dataclass(frozen=True, eq=False)
class TravelTimes:
    """Travel minutes by bus and train from every demand point to some services' sites.

    ``minutes`` (n_points, k): ``inf`` = not reachable (or later than the search went,
    which is never before the rule's ``max_minutes``); ``service`` (k,) the service index
    of each column; ``basis``: how explanations name it, in German, e.g. "mit Bus und
    Bahn, werktags 7–9 Uhr, Fahrplan vvo vom 01.12.2026".
    """

    minutes: FloatArray
    service: IntArray
    basis: str

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "minutes", np.asarray(self.minutes, dtype=np.float64))
        set_(self, "service", _ints(self.service))
        if self.minutes.ndim != 2 or self.minutes.shape[1] != self.service.size:
            raise ValueError(
                f"TravelTimes.minutes has shape {self.minutes.shape}, "
                f"expected (points, {self.service.size})"
            )
        if np.isnan(self.minutes).any() or (self.minutes < 0).any():
            raise ValueError("TravelTimes.minutes must be >= 0 or inf, never NaN")


@dataclass(frozen=True, slots=True)
class EngineRow:
    """One (region, rule) result. NaN = not available (no data, or cost not defined)."""

    region_key: str
    rule_id: str
    offer_type: str
    kind: str
    value: float
    target: float
    ratio: float
    status: str
    deficit: float
    unit: str
    cost_total: float
    cost_land: float
    cost_kreis: float
    cost_gemeinde: float
    cost_bund: float
    explanation: str
    #: The demand-side and supply-side quantities the value was computed from
    #: (value = supply / demand * scale; RuleValues.denominator and .numerator).
    demand: float = float("nan")
    supply: float = float("nan")
    #: One of BASES: judged here ("own"), the enclosing region's result ("parent") or a
    #: summary of finer regions ("share_regions", "share_population").
    basis: str = "own"
