"""Entry point for the Django side: run a standard set's rules over regions and services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from integrationsatlas.analysis import explain, rules
from integrationsatlas.analysis.catchment import (
    RowBlock,
    Weight,
    two_step_fca,
    two_step_fca_blocks,
)
from integrationsatlas.analysis.cliff import Cliff, funding_cliff
from integrationsatlas.analysis.credit import credited, demand_share_credit, membership
from integrationsatlas.analysis.funding import add_months, funded_fraction
from integrationsatlas.analysis.geo import to_metric
from integrationsatlas.analysis.levels import parent_column, relation, summarise
from integrationsatlas.analysis.model import (
    DemandPoints,
    EngineRow,
    EngineRule,
    FloatArray,
    IntArray,
    Regions,
    Services,
    TravelTimes,
)
from integrationsatlas.analysis.pairs import PairCache, PairList
from integrationsatlas.analysis.reach_bands import nearest_transit_minutes
from integrationsatlas.analysis.rules import RuleValues
from integrationsatlas.analysis.status import (
    deficit,
    fulfilment,
    split_cost,
    status,
    units_needed,
)
from integrationsatlas.analysis.tree import ancestor_at_level, level_mapping

__all__ = [
    "EngineRow",
    "DemandPoints",
    "Regions",
    "EngineRule",
    "Services",
    "TravelTimes",
    "assess",
    "cliff_by_region",
    "nearest_minutes",
]

#: Kinds whose deficit is max(0, target * D / scale - S) in units a unit cost prices directly.
COSTED_KINDS = frozenset({"ratio", "presence", "hours", "reliability"})
#: Kinds whose gap is in persons; the deficit is a count of what closes it (status.units_needed):
#: additional sites for reach, additional languages for languages; cost = count x unit cost.
COUNTED_KINDS = {"reach": "sites", "languages": "languages"}


@dataclass(frozen=True, slots=True)
class _Result:
    values: RuleValues
    explain: Callable[[int], str]  # explanation for a level column with data
    #: Added to the rule's rows without a value and its summary rows (what it was judged by).
    note: str = ""


class _Context:
    """Everything derived from the inputs once and shared by all rules of one run."""

    def __init__(
        self,
        regions: Regions,
        services: Services,
        reference_date: dt.date,
        points: DemandPoints | None,
        travel: Mapping[str, TravelTimes] | None = None,
    ) -> None:
        self.regions = regions
        self.services = services
        self.reference_date = reference_date
        self.points = points
        self.travel = dict(travel or {})
        self._levels: dict[str, tuple[IntArray, IntArray, sp.csr_matrix]] = {}
        self._members: dict[str, sp.csr_matrix] = {}
        self._secured: dict[int, FloatArray] = {}
        #: Site set of each rule that reads shared pairs (see plan_pairs), by id(rule).
        self._pair_key: dict[int, tuple[str, str]] = {}

    def level(self, level: str) -> tuple[IntArray, IntArray, sp.csr_matrix]:
        """(region indices on the level, column on the level per region or -1, mapping)."""
        if level not in self._levels:
            on = self.regions.levels == level
            if not on.any():
                raise ValueError(f"no region has level {level!r}")
            anc = ancestor_at_level(self.regions.parent, on)
            idx = np.flatnonzero(on)
            column = np.full(on.size, -1, dtype=np.int64)
            column[idx] = np.arange(idx.size)
            col_of = np.where(anc >= 0, column[np.maximum(anc, 0)], -1)
            self._levels[level] = (idx, col_of, level_mapping(self.regions.parent, on))
        return self._levels[level]

    def members(self, level: str) -> sp.csr_matrix:
        """(n_services, n_level) membership of all services at the level."""
        if level not in self._members:
            s = self.services
            mapping = self.level(level)[2]
            self._members[level] = membership(
                s.offer_type.size, s.region, s.area_service, s.area_region, mapping
            )
        return self._members[level]

    @cached_property
    def type_index(self) -> dict[str, IntArray]:
        """Active service indices per offer type (one sort instead of a scan per rule)."""
        s = self.services
        active = np.flatnonzero(s.active)
        types, inverse = np.unique(s.offer_type[active], return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(types.size + 1))
        return {str(t): active[order[bounds[k] : bounds[k + 1]]] for k, t in enumerate(types)}

    def of_type(self, offer_type: str) -> IntArray:
        return self.type_index.get(offer_type, np.empty(0, np.int64))

    def supply_of(self, rule: EngineRule) -> IntArray:
        """Active services of the rule's offer type that serve its target group.

        A service serves group g when its groups name g or "all", or name none at all
        (a service open to everyone). Without a rule target group every service counts.
        """
        svc = self.of_type(rule.offer_type)
        if not rule.target_group:
            return svc
        s = self.services
        named = np.zeros(s.offer_type.size, dtype=bool)
        named[s.group_service] = True
        fits = np.zeros(s.offer_type.size, dtype=bool)
        fits[s.group_service[np.isin(s.group_code, [rule.target_group, "all"])]] = True
        return svc[fits[svc] | ~named[svc]]

    @cached_property
    def service_xy(self) -> FloatArray:
        return to_metric(self.services.lon, self.services.lat)

    @cached_property
    def point_xy(self) -> FloatArray:
        if self.points is None:
            return np.empty((0, 2))
        return to_metric(self.points.lon, self.points.lat)

    @cached_property
    def pairs(self) -> PairCache:
        return PairCache(self.point_xy)

    def plan_pairs(self, rules: Sequence[EngineRule]) -> None:
        """Announce which rules read shared (point, site) pairs, before any rule runs.

        A 2SFCA rule always does; its site set (offer type and target group) gets its pairs
        once, at the largest catchment of its rules (pairs.PairCache). A reach rule reads
        them when its site set has them to at least its distance anyway; otherwise a
        nearest-site search is cheaper than listing pairs. Both give the same answer.
        """
        spatial = [
            r
            for r in rules
            if r.kind == "ratio" and "catchment_km" in r.params and self.transit(r) is None
        ]
        for rule in spatial:
            key = (rule.offer_type, rule.target_group)
            self.pairs.plan(key, float(rule.params["catchment_km"]) * 1000.0)
            self._pair_key[id(rule)] = key
        for rule in rules:
            key = (rule.offer_type, rule.target_group)
            distance = float(rule.params.get("distance_km", 0.0)) * 1000.0
            straight = self.transit(rule) is None
            if rule.kind == "reach" and straight and self.pairs.covers(key, distance):
                self.pairs.plan(key, distance)
                self._pair_key[id(rule)] = key

    def transit(self, rule: EngineRule) -> TravelTimes | None:
        """The travel times a transit rule is judged by; None for the straight line."""
        return self.travel.get(rule.id) if rule.mode == "transit" else None

    def travel_minutes(self, rule: EngineRule, travel: TravelTimes, svc: IntArray) -> FloatArray:
        """(n_points, len(svc)) minutes to each of the rule's services; inf where the
        matrix has no column for a service (no site, or not asked for)."""
        n_points = 0 if self.points is None else self.points.lon.size
        if travel.minutes.shape[0] != n_points:
            raise ValueError(
                f"rule {rule.id!r}: travel times for {travel.minutes.shape[0]} demand points, "
                f"expected {n_points}"
            )
        column = np.full(self.services.offer_type.size, -1, dtype=np.int64)
        column[travel.service] = np.arange(travel.service.size)
        c = column[svc]
        out = np.full((n_points, svc.size), np.inf)
        out[:, c >= 0] = travel.minutes[:, c[c >= 0]]
        return out

    def shared_pairs(self, rule: EngineRule, sites: FloatArray) -> PairList | None:
        """The pairs of the rule's site set (``sites``: its sited services, metric) to the
        largest radius announced for it, if the rule was announced (plan_pairs); else None."""
        key = self._pair_key.get(id(rule))
        return None if key is None else self.pairs.get(key, sites)

    def rule_done(self, rule: EngineRule) -> None:
        """Called after each rule: frees a site set's pairs after their last reader."""
        key = self._pair_key.get(id(rule))
        if key is not None:
            self.pairs.done(key)

    def secured(self, months: int) -> FloatArray:
        """Per service: funded share still running at reference date + months (NaN unknown)."""
        if months not in self._secured:
            s = self.services
            cutoff = np.array([add_months(self.reference_date, months)], dtype="datetime64[D]")
            frac = funded_fraction(
                s.offer_type.size, s.fund_service, s.fund_share, s.fund_end, cutoff
            )
            self._secured[months] = frac[0]
        return self._secured[months]

    @cached_property
    def language_codes(self) -> npt.NDArray[np.str_]:
        return np.unique(np.concatenate([self.regions.language_code, self.services.language_code]))

    def demand(self, rule: EngineRule) -> FloatArray:
        ind = self.regions.indicators.get(rule.demand_indicator)
        if ind is None:
            raise ValueError(
                f"rule {rule.id!r}: regions have no indicator {rule.demand_indicator!r}"
            )
        return ind[self.level(rule.level)[0]]

    def point_weights(self, rule: EngineRule) -> tuple[FloatArray, IntArray]:
        """Demand point weights for the rule's indicator and each point's level column."""
        if self.points is None or rule.demand_indicator not in self.points.weights:
            raise ValueError(
                f"rule {rule.id!r}: needs demand points weighted by {rule.demand_indicator!r}"
            )
        col_of = self.level(rule.level)[1]
        reg = self.points.region
        col = np.where(reg >= 0, col_of[np.maximum(reg, 0)], -1)
        return self.points.weights[rule.demand_indicator], col


def _label(rule: EngineRule) -> str:
    return rule.supply_label or explain.unit_de(rule.unit)


def _ratio(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    if "catchment_km" in rule.params:
        return _ratio_2sfca(ctx, rule, svc)
    demand = ctx.demand(rule)
    credit = demand_share_credit(ctx.members(rule.level)[svc], demand)
    v = rules.ratio(credited(credit, ctx.services.capacity[svc]), demand)
    lab = _label(rule)
    return _Result(
        v,
        lambda c: explain.ratio_sentence(
            v.numerator[c], lab, v.denominator[c], rule.demand_indicator, v.value[c], rule.target
        ),
    )


def _ratio_2sfca(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    """Spatial ratio: S(r) = sum_{i in r} P_i A_i (2SFCA access), D(r) = sum_{i in r} P_i,
    so S/D is the demand-weighted mean of A_i (docs/engine.md, 2SFCA). Online-only services, which
    have no site, take no part."""
    travel = ctx.transit(rule)
    if travel is not None:
        return _ratio_transit(ctx, rule, svc, travel)
    weight, col = ctx.point_weights(rule)
    n_level = ctx.level(rule.level)[0].size
    xy = ctx.service_xy[svc]
    sited = np.isfinite(xy).all(axis=1)
    radius = float(rule.params["catchment_km"]) * 1000.0
    sigma_km = rule.params.get("sigma_km")
    p = np.where(np.isfinite(weight) & (col >= 0), weight, 0.0)
    shared = ctx.shared_pairs(rule, xy[sited])
    if shared is None:
        raise RuntimeError(f"rule {rule.id!r}: its pairs were not announced (plan_pairs)")

    def blocks() -> Iterator[RowBlock]:
        for b in shared.blocks(radius):
            yield b.points, b.rows, b.cols, np.sqrt(b.d2)

    decay: Weight = "uniform"
    sigma: float | None = None
    bands: list[tuple[float, float]] | None = None
    if rule.bands_km:  # enhanced 2SFCA; EngineRule has checked: no sigma_km, within the radius
        decay, bands = "step", [(upper * 1000.0, w) for upper, w in rule.bands_km]
    elif sigma_km is not None:
        decay, sigma = "gaussian", float(sigma_km) * 1000.0
    a = two_step_fca_blocks(
        p, ctx.services.capacity[svc][sited], blocks, radius, decay, sigma=sigma, bands=bands
    )
    ok = col >= 0
    supply = np.bincount(col[ok], (p * a)[ok], n_level).astype(np.float64)
    demand = np.bincount(col[ok], p[ok], n_level).astype(np.float64)
    v = rules.ratio(supply, demand)
    km, lab = float(rule.params["catchment_km"]), _label(rule)
    fallback = _no_timetable(rule)
    return _Result(
        v,
        lambda c: (
            explain.catchment_sentence(
                v.numerator[c],
                lab,
                v.denominator[c],
                rule.demand_indicator,
                v.value[c],
                rule.target,
                km,
            )
            + fallback
        ),
        fallback.strip(),
    )


def _no_timetable(rule: EngineRule) -> str:
    """' Kein Fahrplan geladen: ...' for a transit rule judged by the straight line."""
    if rule.mode != "transit":
        return ""
    return " " + explain.no_timetable_sentence(float(rule.params["max_minutes"]))


def _ratio_transit(ctx: _Context, rule: EngineRule, svc: IntArray, travel: TravelTimes) -> _Result:
    """2SFCA with travel minutes by bus and train as the cost, ``max_minutes`` as the
    catchment (uniform weights): the same S and D as :func:`_ratio_2sfca`."""
    weight, col = ctx.point_weights(rule)
    n_level = ctx.level(rule.level)[0].size
    minutes = float(rule.params["max_minutes"])
    p = np.where(np.isfinite(weight) & (col >= 0), weight, 0.0)
    cost = ctx.travel_minutes(rule, travel, svc)  # dense, inf = out of reach
    a = two_step_fca(p, ctx.services.capacity[svc], cost, minutes)
    ok = col >= 0
    supply = np.bincount(col[ok], (p * a)[ok], n_level).astype(np.float64)
    demand = np.bincount(col[ok], p[ok], n_level).astype(np.float64)
    v = rules.ratio(supply, demand)
    lab = _label(rule)
    return _Result(
        v,
        lambda c: explain.catchment_transit_sentence(
            v.numerator[c],
            lab,
            v.denominator[c],
            rule.demand_indicator,
            v.value[c],
            rule.target,
            minutes,
            travel.basis,
        ),
        explain.transit_note(minutes, travel.basis),
    )


def _hours(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    demand = ctx.demand(rule)
    credit = demand_share_credit(ctx.members(rule.level)[svc], demand)
    v = rules.hours(credited(credit, ctx.services.weekly_hours[svc]), demand)
    return _Result(
        v,
        lambda c: explain.hours_sentence(
            v.numerator[c], v.denominator[c], rule.demand_indicator, v.value[c], rule.target
        ),
    )


def _presence(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    v = rules.presence(ctx.members(rule.level)[svc])
    return _Result(v, lambda c: explain.presence_sentence(v.value[c], rule.target))


def _reach(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    weight, col = ctx.point_weights(rule)
    xy = ctx.service_xy[svc]
    km = float(rule.params["distance_km"])
    n_level = ctx.level(rule.level)[0].size
    sites = xy[np.isfinite(xy).all(axis=1)]
    travel = ctx.transit(rule)
    if travel is not None:
        # Within max_minutes by bus and train: the nearest service by travel time.
        minutes = float(rule.params["max_minutes"])
        cost = ctx.travel_minutes(rule, travel, svc)
        reached = np.asarray((cost <= minutes).any(axis=1), dtype=bool)
        v = rules.reach(ctx.point_xy, weight, col, n_level, sites, km * 1000.0, reached)
        return _Result(
            v,
            lambda c: explain.reach_transit_sentence(
                v.numerator[c],
                v.denominator[c],
                rule.demand_indicator,
                v.value[c],
                rule.target,
                minutes,
                travel.basis,
            ),
            explain.transit_note(minutes, travel.basis),
        )
    shared = ctx.shared_pairs(rule, sites)
    within = None if shared is None else shared.reached(km * 1000.0)
    v = rules.reach(ctx.point_xy, weight, col, n_level, sites, km * 1000.0, within)
    fallback = _no_timetable(rule)
    return _Result(
        v,
        lambda c: (
            explain.reach_sentence(
                v.numerator[c], v.denominator[c], rule.demand_indicator, v.value[c], rule.target, km
            )
            + fallback
        ),
        fallback.strip(),
    )


def _languages(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    r, s = ctx.regions, ctx.services
    codes = ctx.language_codes
    col_of = ctx.level(rule.level)[1]
    shape = (ctx.level(rule.level)[0].size, codes.size)
    col = col_of[r.language_region]
    # Language figures may be given on several levels; only those of the rule's own level
    # count, so a Kreis figure and its Gemeinden's are never added together.
    ok = (col >= 0) & (r.levels[r.language_region] == rule.level)
    if rule.languages:  # e.g. the languages of EU citizens: only they count, on both sides
        ok &= np.isin(r.language_code, list(rule.languages))
    pop = sp.csr_matrix(
        (r.language_population[ok], (col[ok], np.searchsorted(codes, r.language_code[ok]))),
        shape=shape,
    )
    # Map service language rows to positions within svc (services outside the type drop).
    pos = np.full(s.offer_type.size, -1, dtype=np.int64)
    pos[svc] = np.arange(svc.size)
    lrow = pos[s.language_service]
    keep = lrow >= 0
    spoken = sp.csr_matrix(
        (np.ones(int(keep.sum())), (lrow[keep], np.searchsorted(codes, s.language_code[keep]))),
        shape=(svc.size, codes.size),
    )
    offered = sp.csr_matrix(ctx.members(rule.level)[svc].T @ spoken)
    v = rules.languages(pop, offered)
    return _Result(
        v,
        lambda c: explain.languages_sentence(
            v.numerator[c], v.denominator[c], v.value[c], rule.target, rule.language_names
        ),
    )


def _reliability(ctx: _Context, rule: EngineRule, svc: IntArray) -> _Result:
    months = int(rule.params["months"])
    credit = demand_share_credit(ctx.members(rule.level)[svc], ctx.demand(rule))
    v = rules.reliability(credit, ctx.services.capacity[svc], ctx.secured(months)[svc])
    lab = _label(rule)
    return _Result(
        v,
        lambda c: explain.reliability_sentence(
            v.numerator[c],
            v.denominator[c],
            lab,
            v.value[c],
            rule.target,
            months,
            ctx.reference_date,
        ),
    )


_KIND: dict[str, Callable[[_Context, EngineRule, IntArray], _Result]] = {
    "ratio": _ratio,
    "hours": _hours,
    "presence": _presence,
    "reach": _reach,
    "languages": _languages,
    "reliability": _reliability,
}

_NO_DATA_REASON = {
    "ratio": "Nachfrage unbekannt oder 0, oder Kapazität eines Angebots unbekannt",
    "hours": "Nachfrage unbekannt oder 0, oder Öffnungszeiten eines Standorts unbekannt",
    "presence": "Angebote unbekannt",
    "reach": "keine Nachfragepunkte mit bekanntem Gewicht im Gebiet",
    "languages": "keine Sprachdaten der ausländischen Bevölkerung für das Gebiet",
    "reliability": "Finanzierung oder Kapazität der Angebote unbekannt",
}


def _unit(rule: EngineRule) -> str:
    """Unit of the deficit (see status.deficit)."""
    return {"presence": "services", "hours": "hours_per_week", **COUNTED_KINDS}.get(
        rule.kind, rule.unit
    )


@dataclass(frozen=True, slots=True)
class _Judged:
    """A rule's results on its own level, as arrays (one entry per region of the level)."""

    value: FloatArray
    ratio: FloatArray
    status: npt.NDArray[np.str_]
    deficit: FloatArray
    costs: dict[str, FloatArray]  # "total" and one per COST_LEVELS entry
    texts: list[str]
    demand: FloatArray
    supply: FloatArray
    note: str = ""  # _Result.note


def _judge(rule: EngineRule, result: _Result) -> _Judged:
    v = result.values
    ratio = fulfilment(v.value, rule.target)
    st = status(ratio)
    persons = deficit(v, rule.target)
    dfc = units_needed(v, rule.target) if rule.kind in COUNTED_KINDS else persons
    cost = dfc * rule.unit_cost
    no_data = explain.no_data_sentence(_NO_DATA_REASON[rule.kind])
    if result.note:
        no_data = f"{no_data} {result.note}"
    texts = [no_data if s == "no_data" else result.explain(c) for c, s in enumerate(st.tolist())]
    if rule.kind in COUNTED_KINDS:
        gap = explain.counted_gap_sentence
        texts = [
            t if not p > 0 else f"{t} {gap(rule.kind, p, d)}"
            for t, p, d in zip(texts, persons.tolist(), dfc.tolist(), strict=True)
        ]
    costs = {"total": cost, **split_cost(cost, rule.shares())}
    return _Judged(v.value, ratio, st, dfc, costs, texts, v.denominator, v.numerator, result.note)


def _make_rows(
    keys: list[str], rule: EngineRule, j: _Judged, basis: str, target: float | None = None
) -> list[EngineRow]:
    unit = _unit(rule)
    c = j.costs
    return [
        EngineRow(
            region_key=key,
            rule_id=rule.id,
            offer_type=rule.offer_type,
            kind=rule.kind,
            value=val,
            target=rule.target if target is None else target,
            ratio=q,
            status=s,
            deficit=d,
            unit=unit,
            cost_total=ct,
            cost_land=cl,
            cost_kreis=ck,
            cost_gemeinde=cg,
            cost_bund=cb,
            explanation=text,
            demand=den,
            supply=num,
            basis=basis,
        )
        for key, val, q, s, d, ct, cl, ck, cg, cb, text, den, num in zip(
            keys,
            j.value.tolist(),
            j.ratio.tolist(),
            j.status.tolist(),
            j.deficit.tolist(),
            c["total"].tolist(),
            c["land"].tolist(),
            c["kreis"].tolist(),
            c["gemeinde"].tolist(),
            c["bund"].tolist(),
            j.texts,
            j.demand.tolist(),
            j.supply.tolist(),
            strict=True,
        )
    ]


def _summary_rows(ctx: _Context, rule: EngineRule, j: _Judged, level: str) -> list[EngineRow]:
    """The rule, judged on a finer level, summarised on ``level`` (levels.summarise)."""
    r = ctx.regions
    own = ctx.level(rule.level)[0]
    idx, col_of, _ = ctx.level(level)
    weight = np.ones(own.size)
    if rule.summary_by == "population":
        if "population" not in r.indicators:
            raise ValueError(f"rule {rule.id!r}: the summary by population needs 'population'")
        weight = r.indicators["population"][own]
    s = summarise(j.status, j.deficit, j.costs, col_of[own], weight, idx.size, rule.summary_target)
    note = f" {j.note}" if j.note else ""
    texts = [
        explain.no_data_sentence(
            "keine Daten für die Gemeinden des Kreises (die Regel wird je Gemeinde bewertet)"
        )
        + note
        if st == "no_data"
        else explain.summary_sentence(rule.summary_by, m, k, int(u), sh, rule.summary_target) + note
        for st, m, k, u, sh in zip(
            s.status.tolist(),
            s.met.tolist(),
            s.known.tolist(),
            s.unknown.tolist(),
            s.share.tolist(),
            strict=True,
        )
    ]
    summary = _Judged(s.share, s.ratio, s.status, s.deficit, s.costs, texts, s.known, s.met)
    basis = "share_population" if rule.summary_by == "population" else "share_regions"
    return _make_rows(r.keys[idx].tolist(), rule, summary, basis, rule.summary_target)


def _parent_rows(ctx: _Context, rule: EngineRule, j: _Judged, level: str) -> list[EngineRow]:
    """The rule's result on its coarser level, shown for each region of ``level`` below."""
    r = ctx.regions
    own_keys = r.keys[ctx.level(rule.level)[0]].tolist()
    idx = ctx.level(level)[0]
    col = parent_column(r.parent, r.levels, rule.level, level)
    keep = col >= 0
    c = col[keep]
    nan = np.full(c.size, np.nan)
    copied = _Judged(
        j.value[c],
        j.ratio[c],
        j.status[c],
        nan,
        dict.fromkeys(j.costs, nan),
        [explain.parent_sentence(own_keys[k], rule.level, j.texts[k]) for k in c.tolist()],
        nan,
        nan,
    )
    return _make_rows(r.keys[idx[keep]].tolist(), rule, copied, "parent")


def assess(
    regions: Regions,
    services: Services,
    rules: Sequence[EngineRule],
    reference_date: dt.date,
    demand_points: DemandPoints | None = None,
    level: str | None = None,
    travel: Mapping[str, TravelTimes] | None = None,
) -> list[EngineRow]:
    """Evaluate every rule on every region of its own level: one row per (region, rule).

    Services are credited to the Gemeinde they lie in (its Kreis and Land by the tree) plus
    their service-area regions; only active services of the rule's offer type count (and
    of its target group, ``_Context.supply_of``). Rules
    of kind ``reach`` and ratio rules with ``catchment_km`` need ``demand_points``. Raises
    ValueError naming the rule when an input it needs is missing.

    ``level``: the level the result is shown on. A rule judged on a finer level gives, in
    place of its own rows, one summary row per region of ``level`` (levels.summarise); a
    rule judged on a coarser level keeps its own rows and adds one row per region of
    ``level`` with its enclosing region's result (basis "parent", no deficit or cost).
    Never is a rule recomputed on a level it does not declare.

    ``travel``: for rules with mode "transit", travel minutes by bus and train from the
    demand points to the services' sites, by rule id (:class:`TravelTimes`). A transit rule
    without an entry is judged by the straight line, and its explanation says so.
    """
    ctx = _Context(regions, services, reference_date, demand_points, travel)
    ctx.plan_pairs(rules)
    out: list[EngineRow] = []
    for rule in rules:
        try:
            result = _KIND[rule.kind](ctx, rule, ctx.supply_of(rule))
        finally:
            ctx.rule_done(rule)
        judged = _judge(rule, result)
        rel = (
            "same" if level is None else relation(regions.parent, regions.levels, rule.level, level)
        )
        if rel == "finer" and level is not None:
            out.extend(_summary_rows(ctx, rule, judged, level))
            continue
        out.extend(_make_rows(regions.keys[ctx.level(rule.level)[0]].tolist(), rule, judged, "own"))
        if rel == "coarser" and level is not None:
            out.extend(_parent_rows(ctx, rule, judged, level))
    return out


def nearest_minutes(
    services: Services,
    rules: Sequence[EngineRule],
    reference_date: dt.date,
    demand_points: DemandPoints,
    travel: Mapping[str, TravelTimes],
    regions: Regions,
) -> dict[str, FloatArray]:
    """Minutes by bus and train from each demand point to the nearest offer that counts for
    each transit rule with travel times (the same supply as :func:`assess`: active, of the
    rule's offer type and target group): min_j t_ij (reach_bands.nearest_transit_minutes),
    ``inf`` = not reachable within the search horizon. Rules without travel times (straight
    line) have no entry."""
    ctx = _Context(regions, services, reference_date, demand_points, travel)
    out: dict[str, FloatArray] = {}
    for rule in rules:
        times = ctx.transit(rule)
        if times is not None:
            matrix = ctx.travel_minutes(rule, times, ctx.supply_of(rule))
            out[rule.id] = nearest_transit_minutes(matrix)
    return out


def cliff_by_region(
    regions: Regions,
    services: Services,
    level: str,
    start: dt.date,
    horizon: dt.date = dt.date(2030, 12, 1),
) -> tuple[Cliff, list[str], list[str]]:
    """Funding cliff of active services per region of ``level`` and offer type.

    A service counts in the region of ``level`` its site lies in; online-only services
    (no site region) are left out. Returns the cliff, the region keys (axis 1) and the
    offer type codes (axis 2).
    """
    ctx = _Context(regions, services, start, None)
    idx, col_of, _ = ctx.level(level)
    s = services
    types, type_idx = np.unique(s.offer_type, return_inverse=True)
    reg = np.where(s.region >= 0, col_of[np.maximum(s.region, 0)], -1)
    reg = np.where(s.active, reg, -1)
    cliff = funding_cliff(
        s.capacity,
        reg,
        type_idx,
        idx.size,
        types.size,
        s.fund_service,
        s.fund_share,
        s.fund_end,
        start,
        horizon,
    )
    return cliff, regions.keys[idx].tolist(), [str(t) for t in types]
