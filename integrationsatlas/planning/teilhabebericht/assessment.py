"""Section 3 of the report: the closing assessment (KomIntAVO § 14 Abs. 2 Satz 1 Nr. 3).

The product offers ratios computed from figures of sections 1 and 2, each beside the law's
number where the law has one (the Betreuungsschlüssel 1 : 100 of KomIntAVO § 12 Abs. 5); the
assessment itself is the Kreis's text and stays a marked gap.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .document import Figure, Section, TextGap

FSA_KEY = (
    100  # KomIntAVO § 12 Abs. 5: "Der Betreuungsschlüssel sollte grundsätzlich 1 : 100 betragen."
)


def _ratio(ref: str, label: str, top: Figure, bottom: Figure, note: str, hint: str) -> Figure:
    """top / bottom, with both inputs' references; a gap when either is missing or zero."""
    if top.value is None or not bottom.value:
        return Figure(ref, label, None, hint=hint, note=note)
    return Figure(
        ref,
        label,
        top.value / bottom.value,
        decimals=1,
        source=_("berechnet: %(top)s (%(top_ref)s) / %(bottom)s (%(bottom_ref)s)")
        % {
            "top": top.label,
            "top_ref": top.reference,
            "bottom": bottom.label,
            "bottom_ref": bottom.reference,
        },
        reference=top.reference,
        note=note,
        approximate=top.approximate or bottom.approximate,
        incomplete=top.incomplete or bottom.incomplete,
        is_demo=top.is_demo or bottom.is_demo,
    )


def assessment_section(population: Section, measures: Section) -> Section:
    target, foreign = population.named["target_group"], population.named["foreign"]
    fsa_fte, ibz_fte = measures.named["fsa_fte"], measures.named["ibz_fte"]
    consultations = measures.named["ibz_consultations"]
    inputs = _("fehlende Angaben aus Abschnitt 1 und 2 ergänzen")
    figures = [
        _ratio("Nr. 3", _("Flüchtlingssozialarbeit: Personen des Personenkreises je VZÄ"),
               target, fsa_fte,
               _("Richtwert nach KomIntAVO § 12 Abs. 5: grundsätzlich 1 : %(key)s (Gesetz)")
               % {"key": FSA_KEY}, inputs),
        _ratio("Nr. 3", _("Ausländerinnen und Ausländer je VZÄ der Integrations-Beratungszentren"),
               foreign, ibz_fte,
               _("Kein Zahlenwert im Gesetz; KomIntAVO § 11 Abs. 3 verlangt „ausreichende "
                 "Beratungskapazitäten“."), inputs),
        _ratio("Nr. 3", _("Beratungen je VZÄ der Integrations-Beratungszentren"),
               consultations, ibz_fte, _("Kein Zahlenwert im Gesetz."), inputs),
    ]  # fmt: skip
    if target.value is not None:
        figures.append(
            Figure("Nr. 3", _("Flüchtlingssozialarbeit: Stellen bei 1 : 100"),
                   target.value / FSA_KEY, decimals=2, unit=_("VZÄ"),
                   source=_("berechnet: %(label)s / %(key)s (KomIntAVO § 12 Abs. 5)")
                   % {"label": target.label, "key": FSA_KEY},
                   reference=target.reference, approximate=target.approximate,
                   is_demo=target.is_demo)
        )  # fmt: skip
    areas = (
        (_("Strukturelle Integration"), _("Arbeit, Ausbildung, Bildung, Wohnen")),
        (_("Soziale Integration"), _("Kontakte, Vereine, Ehrenamt, Nachbarschaft")),
        (_("Kulturelle Integration"), _("Sprache, Werte, kulturelle Teilhabe")),
        (_("Identifikatorische Integration"), _("Zugehörigkeit, Einbürgerung, Beteiligung")),
    )
    texts = [
        TextGap(area, "KomIntAVO § 14 Abs. 2 Satz 1 Nr. 3", hint)
        for area, hint in areas
    ]  # fmt: skip
    texts.append(
        TextGap(
            _("Vorschläge zur Weiterführung, Intensivierung oder Neuorientierung"),
            "SächsIntG § 26 i. V. m. § 25 Satz 4",
            _("Vorschläge entwickeln und bewerten."),
        )
    )
    return Section(
        number="3",
        title=_("Abschließende Bewertung der Wirkung der kommunalen Integrationsarbeit"),
        basis="KomIntAVO § 14 Abs. 2 Satz 1 Nr. 3",
        intro=_(
            "Die Kennzahlen sind aus den Angaben der Abschnitte 1 und 2 berechnet; die Bewertung "
            "schreibt der Kreis."
        ),
        figures=figures,
        texts=texts,
    )
