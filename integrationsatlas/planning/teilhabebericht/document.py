"""The report as plain data: sections in the order of KomIntAVO § 14 (2), figures and gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

GAP = "[noch einzutragen]"


class ReportError(Exception):
    """A report that cannot be made (unknown region, not a Kreis, a year without data)."""


def format_number(value: float | int, decimals: int = 0) -> str:
    """German notation: 1.234.567 and 1,50 (the report is a German document)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


@dataclass(frozen=True)
class Figure:
    """One line of the report: a figure the product holds (with source and reference) or a gap.

    `value` None is a gap: the report shows GAP and `hint` says what belongs there.
    `incomplete` marks a sum over the registry where some services have not reported.
    """

    ref: str
    label: str
    value: float | None
    decimals: int = 0
    unit: str = ""
    source: str = ""
    reference: str = ""
    note: str = ""
    hint: str = ""
    is_demo: bool = False
    incomplete: bool = False
    approximate: bool = False

    @property
    def is_gap(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        if self.value is None:
            return GAP
        number = format_number(self.value, self.decimals)
        return f"{number} {self.unit}".strip()


@dataclass(frozen=True)
class TextGap:
    """A passage the Kreis writes itself (an evaluation or proposal), with what the law asks."""

    label: str
    basis: str
    hint: str = ""


@dataclass
class Section:
    number: str
    title: str
    basis: str
    figures: list[Figure] = field(default_factory=list)
    texts: list[TextGap] = field(default_factory=list)
    intro: str = ""
    # Figures the assessment computes from, by name (not shown on their own).
    named: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceLine:
    """One registry service counted in the report, for the appendix (where the sums come from)."""

    name: str
    organization: str
    offer_type: str
    fte: str
    fte_source: str
    consultations: str
    missions: str
    is_demo: bool


@dataclass
class Report:
    region_ags: str
    region_name: str
    region_kind: str
    year: int
    created: str
    sections: list[Section]
    services: list[ServiceLine]
    sources: list[str]
    is_demo: bool

    @property
    def title(self) -> str:
        return f"Kommunaler Integrations- und Teilhabebericht {self.region_name} {self.year}"

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]

    def gaps(self) -> int:
        """Open places: figures without a value and passages to write."""
        return sum(f.is_gap for f in self.figures()) + sum(len(s.texts) for s in self.sections)
