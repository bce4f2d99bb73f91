"""The funding rows of a demo service: typical funder per offer type, end dates spread to 2031."""

from __future__ import annotations

from datetime import date

import numpy as np

TYPICAL_FUNDER = {
    "mbe": ("bund", "Bundesamt für Migration und Flüchtlinge", "MBE-Förderung"),
    "jmd": ("bund", "Bundesministerium für Familie", "Kinder- und Jugendplan"),
    "refugee_social_work": ("land", "Freistaat Sachsen", "Richtlinie Integrative Maßnahmen"),
    "integration_course": ("bund", "Bundesamt für Migration und Flüchtlinge", "Integrationskurs"),
    "job_language_course": ("bund", "Bundesamt für Migration und Flüchtlinge", "DeuFöV"),
    "language_cafe": ("land", "Freistaat Sachsen", "Richtlinie Integrative Maßnahmen"),
    "recognition_counselling": ("bund", "Bundesministerium für Arbeit", "IQ-Netzwerk"),
    "housing_support": ("kreis", "Landkreis", "Wohnungslotsen"),
    "kita": ("gemeinde", "Gemeinde", "Kita-Finanzierung"),
    "library": ("gemeinde", "Gemeinde", "Bibliotheksetat"),
    "sports_club": ("foundation", "Landessportbund", "Integration durch Sport"),
    "volunteering": ("land", "Freistaat Sachsen", "Ehrenamtsförderung"),
    "participation": ("kreis", "Landkreis", "Beiratsbudget"),
    "psychosocial": ("eu", "Europäische Union", "AMIF"),
    "language_mediation": ("kreis", "Landkreis", "Sprachmittlerpool"),
    "integration_coordination": ("land", "Freistaat Sachsen", "Kommunale Integrationskoordination"),
}
# Types whose funding is usually regular (no end date) in the demo.
REGULAR_FUNDING = {"kita", "library", "integration_course", "participation"}
# End years of time-limited funding 2025-2031: more ending soon, so the funding cliff is visible.
_END_YEAR_P = np.array([0.10, 0.22, 0.20, 0.16, 0.13, 0.10, 0.09])
_END_YEAR_P = _END_YEAR_P / _END_YEAR_P.sum()

FundingRow = tuple[str, str, str, date, date | None, float]


def month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def funding_rows(
    rng: np.random.Generator, code: str, kreis_name: str, gemeinde_name: str, org_name: str
) -> list[FundingRow]:
    """One funding row, or a 70/30 split with the provider's own money when the grant ends."""
    level, funder, programme = TYPICAL_FUNDER.get(
        code, ("land", "Freistaat Sachsen", "Förderprogramm")
    )
    funder = funder.replace("Landkreis", kreis_name).replace("Gemeinde", gemeinde_name)
    regular = code in REGULAR_FUNDING and rng.random() < 0.8
    if regular or rng.random() < 0.12:
        end = None
    else:
        year = int(rng.choice(np.arange(2025, 2032), p=_END_YEAR_P))
        end = month_end(year, int(rng.choice([3, 6, 12, 12, 12])))
    start = date(int(rng.integers(2016, 2025)), 1, 1)
    if end is not None and rng.random() < 0.3:
        return [
            (level, funder, programme, start, end, 0.7),
            ("own", org_name, "Eigenmittel", start, None, 0.3),
        ]
    return [(level, funder, programme, start, end, 1.0)]
