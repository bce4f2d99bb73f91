"""The Land's allocation per Kreis (§§ 1-2 KomIntAVO) from the loaded population, beside the cost of need.

One service function serves the page, the command and the API. It reads regions, indicator
values and standard sets, hands plain numbers to the engine (analysis.allocation) and
returns rows with every source named. It stores nothing, so bad input changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from integrationsatlas.analysis.allocation import allocate_by_population, balance_against_need
from integrationsatlas.analysis.explain import format_de
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.standards import law
from integrationsatlas.standards.document import ILLUSTRATIVE
from integrationsatlas.standards.indicators import indicator_name
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.standards.sets import find_set

#: Columns of the allocation alone (the interface for scripts) and with a standard.
COLUMNS = ["ags", "name", "population", "population_date", "share", "allocation"]
NEED_COLUMNS = [
    *COLUMNS,
    "target_group",
    "target_group_date",
    "need_units",
    "unit_cost",
    "need_cost",
    "difference",
    "difference_per_head",
    "funding",
    "demo",
    "source",
]
#: What every row rests on besides its figures' own sources.
METHOD = "Zuweisung nach § 1 Abs. 2 KomIntAVO, Cent nach größten Resten"
#: The ordinance is applied first for the year 2025 (§ 4 Abs. 1 KomIntAVO).
FIRST_YEAR = 2025
MAX_AMOUNT = Decimal("1e12")  # a Verteilungsmasse above a trillion euros is a typing error
CENT = Decimal("0.01")


class AllocationError(ValueError):
    """Input that cannot be allocated; `field` names the input it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class AllocationResult:
    rows: list[dict[str, Any]]
    columns: list[str]
    amount: Decimal
    year: int | None
    population_date: dt.date
    purpose: law.Purpose | None = None
    rule: Rule | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    includes_demo_data: bool = False


def parse_amount(text: Any) -> Decimal:
    """The Verteilungsmasse in euros (at most two decimals, >= 0), else AllocationError."""
    try:
        amount = Decimal(str(text).strip().replace(" ", ""))
    except InvalidOperation:
        raise AllocationError(
            f"Betrag {text!r} ist keine Zahl (z. B. 10000000).", "amount"
        ) from None
    if not amount.is_finite():
        raise AllocationError(f"Betrag {text!r} ist keine endliche Zahl.", "amount")
    if amount < 0:
        raise AllocationError(
            f"Betrag {amount} ist negativ: die Verteilungsmasse ist 0 Euro oder mehr.", "amount"
        )
    if amount > MAX_AMOUNT:
        raise AllocationError(f"Betrag {amount} ist unplausibel groß.", "amount")
    if amount != amount.quantize(CENT):
        raise AllocationError(f"Betrag {amount} hat mehr als zwei Nachkommastellen.", "amount")
    return amount.quantize(CENT) if amount else Decimal("0.00")  # no "-0.00"


def _newest(code: str, keys: list[str], until: dt.date | None) -> dict[str, IndicatorValue]:
    """The newest value of `code` per region key, at or before `until` (None = any date)."""
    values = IndicatorValue.objects.filter(code=code, region_id__in=keys, projection_variant="")
    if until is not None:
        values = values.filter(reference_date__lte=until)
    newest: dict[str, IndicatorValue] = {}
    for value in values.order_by("region_id", "reference_date"):
        newest[value.region_id] = value  # later dates overwrite
    return newest


def _population(kreise: list[Region], year: int | None) -> dict[str, IndicatorValue]:
    """Population per Kreis: on 31.12. of the year before `year` (§ 2 Abs. 2), else the newest."""
    keys = [k.ags for k in kreise]
    if year is None:
        found = _newest("population", keys, None)
        missing = [k for k in keys if k not in found]
        if missing:
            raise AllocationError(f"Keine Einwohnerzahl für Kreis {', '.join(missing)}.")
        return found
    if year < FIRST_YEAR:
        raise AllocationError(
            f"Haushaltsjahr {year}: die KomIntAVO gilt erstmals für {FIRST_YEAR} (§ 4 Abs. 1).",
            "year",
        )
    wanted = dt.date(year - 1, 12, 31)
    found = {
        v.region_id: v
        for v in IndicatorValue.objects.filter(
            code="population", region_id__in=keys, reference_date=wanted, projection_variant=""
        )
    }
    if len(found) < len(keys):
        loaded = sorted({d.strftime("%d.%m.%Y") for d in _population_dates(keys)}) or ["keine"]
        raise AllocationError(
            f"Für das Haushaltsjahr {year} gibt es keine Daten: § 2 Abs. 2 KomIntAVO verlangt die "
            f"Einwohnerzahl zum {wanted:%d.%m.%Y}; geladen sind Einwohnerzahlen zum "
            f"{', '.join(loaded)}. Neuere Zahlen laden (load-regions --data-dir) oder ohne "
            "Haushaltsjahr rechnen.",
            "year",
        )
    return found


def _population_dates(keys: list[str]) -> set[dt.date]:
    return set(
        IndicatorValue.objects.filter(code="population", region_id__in=keys).values_list(
            "reference_date", flat=True
        )
    )


def _kreise(region: str | None) -> tuple[list[Region], Region | None]:
    kreise = list(Region.objects.filter(level=Region.Level.KREIS).order_by("ags"))
    if not kreise:
        raise AllocationError("Keine Kreise geladen. Zuerst: integrationsatlas load-regions")
    if not region:
        return kreise, None
    chosen = Region.objects.filter(ags=region.strip()).first()
    if chosen is None:
        raise AllocationError(f"Region {region!r} ist nicht geladen.", "region")
    if chosen.level != Region.Level.KREIS:
        raise AllocationError(
            f"{chosen.ags} ({chosen.name}) ist kein Kreis: Zuweisungsempfänger sind nur "
            "Landkreise und Kreisfreie Städte (§ 4 Abs. 3 KomIntAVO).",
            "region",
        )
    return kreise, chosen


def _rule(standard_set: str | None, rule: str | None) -> Rule | None:
    if not standard_set and not rule:
        return None
    if not (standard_set and rule):
        raise AllocationError(
            "Standardsatz und Regel gehören zusammen: beide angeben oder keinen.",
            "rule" if standard_set else "standard_set",
        )
    chosen = find_set(standard_set)
    if chosen is None:
        known = ", ".join(StandardSet.objects.values_list("slug", flat=True)) or "keine"
        raise AllocationError(
            f"Kein Standardsatz {standard_set!r}. Vorhanden: {known}.", "standard_set"
        )
    ratio_rules = chosen.rules.select_related("offer_type").filter(kind=Rule.Kind.RATIO)
    found = ratio_rules.filter(code=rule).first()
    if found is None:
        codes = ", ".join(ratio_rules.values_list("code", flat=True)) or "keine"
        raise AllocationError(
            f"Der Standardsatz {chosen.slug} hat keine Quotenregel {rule!r}; Quotenregeln: "
            f"{codes}.",
            "rule",
        )
    return found


def allocation(
    amount: Any,
    *,
    year: int | None = None,
    purpose: str | None = None,
    region: str | None = None,
    standard_set: str | None = None,
    rule: str | None = None,
) -> AllocationResult:
    """Each Kreis's allocation of `amount` euros (§ 1 Abs. 2 KomIntAVO); with a ratio rule,
    also the cost of meeting it and the difference. Raises AllocationError naming the input."""
    money = parse_amount(amount)
    chosen_purpose = None
    if purpose:
        try:
            chosen_purpose = law.purpose(purpose)
        except ValueError as exc:
            raise AllocationError(str(exc), "purpose") from None
    kreise, only = _kreise(region)
    chosen_rule = _rule(standard_set, rule)
    population = _population(kreise, year)
    counts = [int(population[k.ags].value) for k in kreise]
    split = allocate_by_population(int(money * 100), counts)
    euros = [Decimal(c) / 100 for c in split.cents]
    rows = [
        {
            "ags": k.ags,
            "name": k.name,
            "population": count,
            "population_date": population[k.ags].reference_date.isoformat(),
            "share": round(share, 12),
            "allocation": euro.quantize(CENT, ROUND_HALF_UP),
        }
        for k, count, share, euro in zip(kreise, counts, split.shares, euros, strict=True)
    ]
    dates = sorted({v.reference_date for v in population.values()})
    result = AllocationResult(
        rows=rows,
        columns=list(COLUMNS),
        amount=money,
        year=year,
        population_date=dates[-1],
        purpose=chosen_purpose,
        rule=chosen_rule,
        sources=sorted({v.source for v in population.values()}),
    )
    for row in rows:
        row["source"] = "; ".join([METHOD, *result.sources])
    result.notes.append(_population_note(dates, year))
    if chosen_rule is not None:
        _add_need(result, kreise, euros, chosen_rule, year)
    if only is not None:
        result.rows = [row for row in result.rows if row["ags"] == only.ags]
    return result


def _population_note(dates: list[dt.date], year: int | None) -> str:
    shown = ", ".join(d.strftime("%d.%m.%Y") for d in dates)
    if year is not None:
        return (
            f"Einwohnerzahl zum {shown}, wie § 2 Abs. 2 KomIntAVO sie für das Haushaltsjahr "
            f"{year} verlangt (31. Dezember des Vorjahres)."
        )
    return (
        f"Einwohnerzahl zum {shown}: die neueste geladene. § 2 Abs. 2 KomIntAVO nimmt für ein "
        "Haushaltsjahr die Zahl zum 31. Dezember des Vorjahres (Statistisches Landesamt); "
        f"diese Zahlen entsprechen also dem Haushaltsjahr {dates[-1].year + 1}."
    )


def _add_need(
    result: AllocationResult,
    kreise: list[Region],
    euros: list[Decimal],
    rule: Rule,
    year: int | None,
) -> None:
    """Add the need columns for a ratio rule: demand, units, cost, difference, per head."""
    until = dt.date(year, 12, 31) if year is not None else None
    demand = _newest(rule.demand_indicator, [k.ags for k in kreise], until)
    values = [demand[k.ags].value if k.ags in demand else math.nan for k in kreise]
    unit_cost = float(rule.unit_cost)
    balance = balance_against_need([float(e) for e in euros], values, rule.target, unit_cost)
    target_source = (rule.sources or {}).get("target", "")
    cost_source = (rule.sources or {}).get("unit_cost", "")
    demand_sources = sorted({v.source for v in demand.values()})
    sources = "; ".join(
        [
            METHOD,
            *result.sources,
            *demand_sources,
            f"Ziel: {target_source}",
            f"Kosten je Einheit: {cost_source}",
        ]
    )
    for i, (row, kreis) in enumerate(zip(result.rows, kreise, strict=True)):
        value = demand.get(kreis.ags)
        known = value is not None
        difference = float(balance.difference[i])
        row.update(
            {
                "target_group": int(value.value) if known else None,
                "target_group_date": value.reference_date.isoformat() if known else "",
                "need_units": _round(balance.need_units[i], 3),
                "unit_cost": round(unit_cost, 2),
                "need_cost": _round(balance.need_cost[i], 2),
                "difference": _round(difference, 2),
                "difference_per_head": _round(balance.difference_per_head[i], 2),
                "funding": _funding_word(difference),
                "demo": "Demo" if known and value.is_demo else "",
                "source": sources,
            }
        )
    result.columns = list(NEED_COLUMNS)
    result.includes_demo_data = any(v.is_demo for v in demand.values())
    result.sources += demand_sources
    name = indicator_name(rule.demand_indicator)
    result.notes.append(
        f"Bedarf nach Regel „{rule.title or rule.code}“ ({rule.standard_set.name}): "
        f"{format_de(rule.target)} {rule.offer_type.get_unit_display()} je 1.000 der Bedarfsgröße „{name}“ zu "
        f"{format_de(unit_cost, 0)} Euro je Einheit und Jahr. Ziel: {target_source}"
    )
    if ILLUSTRATIVE in cost_source:
        result.notes.append(f"Die Kosten je Einheit sind eine Annahme: {cost_source}")
    if result.includes_demo_data:
        result.notes.append(f"Die Zahl „{name}“ ist eine Demo-Schätzung, keine amtliche Statistik.")


def _round(x: float, digits: int) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def _funding_word(difference: float) -> str:
    if not math.isfinite(difference):
        return "keine Daten"
    if difference > 0:
        return "überfinanziert"
    return "unterfinanziert" if difference < 0 else "gedeckt"
