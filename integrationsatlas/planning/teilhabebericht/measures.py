"""Section 2 of the report: measures of kommunale Integrationsarbeit (KomIntAVO § 14 Abs. 2 Nr. 2).

Counts of services and FTE come from the registry; consultations and missions from the
services' yearly figures. A sum over services of which only some reported says so.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import sources as src
from .document import Figure, Section, TextGap

TOPICS = (
    ("work", gettext_noop("Arbeit")),
    ("education", gettext_noop("Bildung")),
    ("housing", gettext_noop("Wohnen")),
    ("health", gettext_noop("Gesundheit")),
    ("culture", gettext_noop("Kultur")),
    ("other", gettext_noop("Sonstiges")),
)
Getter = Callable[[src.ServiceYear], float | None]


def _field(name: str) -> Getter:
    return lambda item: None if item.figures is None else getattr(item.figures, name)


def _total(item: src.ServiceYear) -> float | None:
    return None if item.figures is None else item.figures.consultations_total


class _Context:
    """What every figure of the section needs: the year, the registry date, the gap hints."""

    def __init__(self, data: src.KreisData, stand: str) -> None:
        self.data, self.stand = data, stand
        self.year_label = _("Kalenderjahr %(year)s") % {"year": data.year}
        self.enter = _("Jahreszahlen der Angebote im Register eintragen (Angebot › Jahreszahlen)")
        self.source = _("%(registry)s: Jahreszahlen der Träger") % {"registry": src.REGISTRY_SOURCE}

    def none_registered(self, code: str) -> str:
        return _(
            "Im Register ist kein Angebot der Art „%(code)s“ für diesen Kreis eingetragen; "
            "Zahl eintragen oder das Angebot im Register anlegen."
        ) % {"code": code}

    def count(self, ref: str, label: str, code: str) -> Figure:
        items = self.data.of_type(code)
        if not items:
            return Figure(ref, label, None, hint=self.none_registered(code))
        return Figure(
            ref,
            label,
            len(items),
            source=_("%(registry)s: Angebote mit Sitz oder Einzugsgebiet im Kreis")
            % {"registry": src.REGISTRY_SOURCE},
            reference=self.stand,
            is_demo=any(i.is_demo for i in items),
        )

    def summed(
        self, ref: str, label: str, items: list[src.ServiceYear], get: Getter, every: bool = True
    ) -> Figure:
        """Sum of the reported values; with `every`, a service that did not report makes the
        sum incomplete (for missions, which any type may report, only reporters count)."""
        known = [(i, v) for i in items if (v := get(i)) is not None]
        if not known:
            return Figure(ref, label, None, hint=self.enter)
        missing = len(items) - len(known) if every else 0
        note = ""
        if not every:
            note = _("gemeldet von %(n)s Angeboten") % {"n": len(known)}
        if missing:
            note = _("%(n)s von %(m)s Angeboten haben Zahlen eingetragen; es fehlen: %(names)s") % {
                "n": len(known),
                "m": len(items),
                "names": ", ".join(i.service.name for i in items if get(i) is None),
            }
        return Figure(
            ref,
            label,
            sum(v for _i, v in known),
            source=self.source,
            reference=self.year_label,
            note=note,
            incomplete=bool(missing),
            is_demo=any(i.is_demo for i, _v in known),
        )

    def fte(self, ref: str, label: str, code: str) -> Figure:
        items = self.data.of_type(code)
        if not items:
            return Figure(ref, label, None, hint=self.none_registered(code))
        values = [(item, *item.fte) for item in items]
        known = [(i, v, o) for i, v, o in values if v is not None]
        if not known:
            return Figure(ref, label, None, decimals=2, unit=_("VZÄ"), hint=self.enter)
        from_capacity = [i.service.name for i, _v, o in known if o == "capacity"]
        missing = [i.service.name for i, v, _o in values if v is None]
        notes = []
        if from_capacity:
            notes.append(
                _("aus der Kapazität laut Register (%(stand)s, nicht das Berichtsjahr): %(names)s")
                % {"stand": self.stand, "names": ", ".join(from_capacity)}
            )
        if missing:
            notes.append(_("ohne Angabe: %(names)s") % {"names": ", ".join(missing)})
        return Figure(
            ref,
            label,
            sum(v for _i, v, _o in known),
            decimals=2,
            unit=_("VZÄ"),
            source=self.source,
            reference=self.year_label,
            note="; ".join(notes),
            incomplete=bool(missing),
            approximate=bool(from_capacity),
            is_demo=any(i.is_demo for i, _v, _o in known),
        )


def _pay_grade(ref: str) -> Figure:
    return Figure(
        ref,
        _("Eingruppierung nach geltendem Tarifvertrag"),
        None,
        hint=_("Entgeltgruppen der Stellen eintragen (z. B. TVöD S 12)"),
    )


def _topics(ctx: _Context, ref: str, items: list[src.ServiceYear]) -> list[Figure]:
    return [
        ctx.summed(ref, _("Beratungen im Themenfeld %(topic)s") % {"topic": _(name)}, items,
                   _field(f"consultations_{topic}"))
        for topic, name in TOPICS
    ]  # fmt: skip


def measures_section(data: src.KreisData, stand: str) -> Section:
    ctx = _Context(data, stand)
    ibz, fsa, ret = (data.of_type(c) for c in (src.IBZ, src.FSA, src.RETURN))
    reported = data.reported()
    not_held = _("nicht im Register erfasst; Zahl eintragen")
    # The figures section 3 computes with, named rather than found by position.
    named = {
        "ibz_fte": ctx.fte(
            "Nr. 2 b", _("Tätige Personen in den Integrations-Beratungszentren"), src.IBZ
        ),
        "ibz_consultations": ctx.summed(
            "Nr. 2 c", _("Beratungen in den Integrations-Beratungszentren"), ibz, _total
        ),
        "fsa_fte": ctx.fte("Nr. 2 i bb", _("Flüchtlingssozialarbeit: tätige Personen"), src.FSA),
    }
    figures = [
        ctx.count("Nr. 2 a", _("Integrations-Beratungszentren"), src.IBZ),
        named["ibz_fte"],
        _pay_grade("Nr. 2 b"),
        named["ibz_consultations"],
        *_topics(ctx, "Nr. 2 d", ibz),
        ctx.count("Nr. 2 e", _("Kommunale Integrationskoordination: Angebote"), src.COORDINATION),
        ctx.fte("Nr. 2 e", _("Kommunale Integrationskoordination: Stellen"), src.COORDINATION),
        Figure("Nr. 2 e", _("Anzahl der Integrationskoordinatorinnen und -koordinatoren"), None,
               hint=_("Zahl der Personen eintragen (das Register kennt Stellen, nicht Köpfe)")),
        ctx.summed("Nr. 2 f aa", _("Orientierungsmaßnahmen"), reported,
                   _field("orientation_measures"), every=False),
        ctx.summed("Nr. 2 f bb", _("Einsätze der Sprach- und Kulturmittlung"), reported,
                   _field("language_mediation_missions"), every=False),
        ctx.summed("Nr. 2 f cc", _("Einsätze der Gemeindedolmetscherdienste"), reported,
                   _field("community_interpreter_missions"), every=False),
        Figure("Nr. 2 g", _("Maßnahmen nach § 11 Abs. 4 Nr. 4 KomIntAVO (Arbeitsgelegenheiten)"),
               None, hint=not_held),
        Figure("Nr. 2 h", _("Geförderte niedrigschwellige und ehrenamtliche Beratungsangebote "
                            "(§ 11 Abs. 4 Nr. 5 KomIntAVO)"), None, hint=not_held),
        ctx.count("Nr. 2 i aa", _("Flüchtlingssozialarbeit: Stellen (Angebote, trägerunabhängig)"),
                  src.FSA),
        named["fsa_fte"],
        _pay_grade("Nr. 2 i bb"),
        ctx.summed("Nr. 2 i cc", _("Flüchtlingssozialarbeit: Beratungen"), fsa, _total),
        *_topics(ctx, "Nr. 2 i dd", fsa),
        ctx.count("Nr. 2 j aa", _("Rückkehrberatung: Stellen (Angebote, trägerunabhängig)"),
                  src.RETURN),
        ctx.fte("Nr. 2 j bb", _("Rückkehrberatung: tätige Personen"), src.RETURN),
        _pay_grade("Nr. 2 j bb"),
        ctx.summed("Nr. 2 j cc", _("Rückkehrberatung: Beratungen"), ret, _total),
        ctx.summed("Nr. 2 j dd", _("Freiwillige Ausreisen aufgrund der Beratung"), ret,
                   _field("voluntary_departures")),
    ]  # fmt: skip
    return Section(
        number="2",
        title=_("Maßnahmen der kommunalen Integrationsarbeit"),
        basis="KomIntAVO § 14 Abs. 2 Satz 1 Nr. 2",
        figures=figures,
        named=named,
        texts=[
            TextGap(
                _("Auswertung der Maßnahmen"),
                "KomIntAVO § 14 Abs. 2 Satz 2",
                _("Entwicklung der Beratungen und Einsätze gegenüber dem Vorjahr einordnen."),
            )
        ],
    )
