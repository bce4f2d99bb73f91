"""Cost per rule of a stored assessment: deficit, unit, unit cost, payer split, sources, notes.

A planner has to defend every figure: each line names where its unit cost, financing split
and target come from, and the notes say when the total should not be used as it stands
(one rule dominates it, supply or demand is demo or estimated, regions without data).
Each deficit is counted once: rows that only show a Kreis's result for a Gemeinde (basis
"parent") carry no cost, and a Kreis summary carries the sum of its Gemeinden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from integrationsatlas.analysis.cost_levels import COST_LEVELS
from integrationsatlas.assessments.models import ROW_UNIT_LABELS, Assessment, AssessmentRow
from integrationsatlas.standards.document import ILLUSTRATIVE
from integrationsatlas.taxonomy.models import OfferType

PAYERS = COST_LEVELS

#: Columns of the per-rule cost listing (CLI, API).
COST_COLUMNS = [
    "rule",
    "title",
    "offer_type",
    "deficit",
    "unit",
    "unit_cost",
    "total",
    *COST_LEVELS,
    "share_of_total",
    "regions_short",
    "regions_no_data",
    "demo",
    "estimated",
    "source_unit_cost",
    "source_financing",
    "source_target",
]
#: A rule above this share of the total gets a plausibility note.
DOMINANT_SHARE = 0.5


@dataclass
class RuleCost:
    """The yearly cost of closing one rule's gaps, with everything it rests on."""

    code: str
    title: str
    offer_type: str
    unit: str
    unit_cost: float
    deficit: float = 0.0
    total: float = 0.0
    payers: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PAYERS, 0.0))
    financing: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    regions_short: int = 0
    regions_no_data: int = 0
    demo: bool = False
    estimated: bool = False
    share: float = 0.0

    def add(self, row: AssessmentRow) -> None:
        if row.basis == "parent":
            return  # the Kreis's row holds this deficit; a Gemeinde copy must not add it
        if row.status == "no_data":
            self.regions_no_data += 1
        elif row.status in ("gap", "partial"):
            self.regions_short += 1
        self.deficit += row.deficit or 0.0
        self.total += row.cost_total or 0.0
        for payer in PAYERS:
            self.payers[payer] += getattr(row, f"cost_{payer}") or 0.0
        self.demo = self.demo or row.uses_demo_data

    @property
    def source_groups(self) -> list[tuple[str, str]]:
        """(what, source) with the figures of one source named together, e.g.
        ("Kosten je Einheit, Finanzierung, Ziel", "illustrative example, …")."""
        names = {
            "unit_cost": _("Kosten je Einheit"),
            "financing": _("Finanzierung"),
            "target": _("Ziel"),
        }
        grouped: dict[str, list[str]] = {}
        for key, label in names.items():
            grouped.setdefault(self.sources.get(key) or "–", []).append(str(label))
        return [(", ".join(labels), text) for text, labels in grouped.items()]

    @property
    def illustrative(self) -> bool:
        return any(ILLUSTRATIVE in text for text in self.sources.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.code,
            "title": self.title,
            "offer_type": self.offer_type,
            "deficit": round(self.deficit, 3),
            "unit": self.unit,
            "unit_cost": self.unit_cost,
            "total": round(self.total, 2),
            **{payer: round(v, 2) for payer, v in self.payers.items()},
            "share_of_total": round(self.share, 4),
            "financing": self.financing,
            "regions_short": self.regions_short,
            "regions_no_data": self.regions_no_data,
            "demo": self.demo,
            "estimated": self.estimated,
            "source_unit_cost": self.sources.get("unit_cost", ""),
            "source_financing": self.sources.get("financing", ""),
            "source_target": self.sources.get("target", ""),
        }


def rule_costs(assessment: Assessment, rows: list[AssessmentRow] | None = None) -> list[RuleCost]:
    """One RuleCost per rule of the rows (default: all the assessment's), largest total first."""
    if rows is None:
        rows = list(assessment.rows.all())
    rules = {r.code: r for r in assessment.standard_set.rules.all()}
    names = {t.code: t.name for t in OfferType.objects.all()}
    estimated = set((assessment.data_reference or {}).get("estimates", {}).get("rules", []))
    lines: dict[str, RuleCost] = {}
    for row in rows:
        line = lines.get(row.rule_code)
        if line is None:
            rule = rules.get(row.rule_code)
            line = lines[row.rule_code] = RuleCost(
                code=row.rule_code,
                title=rule.title if rule is not None else "",
                offer_type=names.get(row.offer_type_code, row.offer_type_code),
                unit=str(ROW_UNIT_LABELS.get(row.unit, row.unit)),
                unit_cost=float(rule.unit_cost) if rule is not None else float("nan"),
                financing=dict(rule.financing) if rule is not None else {},
                sources=dict(rule.sources or {}) if rule is not None else {},
                estimated=row.rule_code in estimated,
            )
        line.add(row)
    total = sum(line.total for line in lines.values())
    for line in lines.values():
        line.share = line.total / total if total > 0 else 0.0
    return sorted(lines.values(), key=lambda line: -line.total)


def plausibility_notes(assessment: Assessment, lines: list[RuleCost]) -> list[str]:
    """What a reader must know before using the total (German, shown above the figures)."""
    notes = []
    for line in lines:
        if line.share > DOMINANT_SHARE:
            notes.append(
                _(
                    "Die Regel „%(rule)s“ macht %(share)s %% der Gesamtkosten aus. Bevor Sie "
                    "die Summe verwenden: Zielwert, Kosten je Einheit (%(unit_cost)s EUR, Einheit: "
                    "%(unit)s) und die erfassten Angebote dieser Regel prüfen; ein fehlendes "
                    "Angebot im Verzeichnis erscheint hier als Lücke."
                )
                % {
                    "rule": line.title or line.code,
                    "share": f"{line.share * 100:.0f}",
                    "unit_cost": f"{line.unit_cost:,.0f}".replace(",", "."),
                    "unit": line.unit,
                }
            )
    if assessment.includes_demo_data or any(line.demo for line in lines):
        demo = ", ".join(line.code for line in lines if line.demo)
        notes.append(
            _(
                "Angebote oder Bedarf sind Demodaten (Regeln: %(rules)s): Die Kosten zeigen, "
                "wie gerechnet wird, nicht, was in Sachsen fehlt."
            )
            % {"rules": demo or "–"}
        )
    estimated = [line.code for line in lines if line.estimated]
    if estimated:
        notes.append(
            _("Bedarf geschätzt (Kreiswert anteilig nach Einwohnern) für: %(rules)s.")
            % {"rules": ", ".join(estimated)}
        )
    missing = sum(line.regions_no_data for line in lines)
    if missing:
        notes.append(
            _(
                "%(n)d Zeilen ohne Daten: ihr Fehlbedarf ist unbekannt und fehlt in der Summe; "
                "die Summe ist eine Untergrenze."
            )
            % {"n": missing}
        )
    if any(line.illustrative for line in lines):
        notes.append(
            _(
                "Zielwerte, Kosten je Einheit und Finanzierungsanteile sind Beispielzahlen des "
                "Standardsatzes (illustratives Beispiel, kein amtlicher Standard)."
            )
        )
    return notes
