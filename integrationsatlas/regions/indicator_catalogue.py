"""The indicator codes the product itself writes (load-regions, the demo, the shipped Zensus file).

They are always known to the import, without a declaration; codes beyond them are declared
as `IndicatorDefinition` rows (name, unit, description).
"""

from __future__ import annotations

#: (code, German name, unit, description)
BUILT_IN = [
    ("population", "Einwohner", "Personen", "Einwohnerzahl am Stichtag."),
    (
        "foreign_population",
        "ausländische Einwohner",
        "Personen",
        "Menschen ohne deutsche Staatsangehörigkeit.",
    ),
    ("foreign_male", "ausländische Einwohner, männlich", "Personen", ""),
    ("foreign_female", "ausländische Einwohner, weiblich", "Personen", ""),
    ("foreign_eu27", "EU-Bürgerinnen und -Bürger (EU-27)", "Personen", ""),
    (
        "foreign_third_country",
        "Drittstaatsangehörige",
        "Personen",
        "Staatsangehörige von Staaten außerhalb der EU-27.",
    ),
    (
        "foreign_europe",
        "Ausländer aus Europa",
        "Personen",
        "Überschneidet sich mit EU-27 und Drittstaaten.",
    ),
    ("foreign_africa", "Ausländer aus Afrika", "Personen", ""),
    ("foreign_america", "Ausländer aus Amerika", "Personen", ""),
    ("foreign_asia", "Ausländer aus Asien", "Personen", ""),
    ("foreign_oceania", "Ausländer aus Australien und Ozeanien", "Personen", ""),
    ("foreign_former_soviet_union", "Ausländer aus der ehemaligen Sowjetunion", "Personen", ""),
    ("protection_seekers", "Schutzsuchende", "Personen", ""),
    (
        "foreign_employees",
        "ausländische sozialversicherungspflichtig Beschäftigte",
        "Personen",
        "Am Arbeitsort, Stichtag 30.06.; Menschen ohne deutsche Staatsangehörigkeit.",
    ),
    ("children_under_6", "Kinder unter 6 Jahren", "Personen", ""),
    (
        "share_foreign",
        "Anteil ausländischer Einwohner",
        "%",
        "Anteil an allen Einwohnern, auf 0,1 % gerundet.",
    ),
    (
        "share_migration_background",
        "Anteil mit Einwanderungsgeschichte",
        "%",
        "Anteil an allen Einwohnern (Zensus: Migrationshintergrund), auf 0,1 % gerundet.",
    ),
    (
        "share_under_18",
        "Anteil unter 18 Jahren",
        "%",
        "Anteil an allen Einwohnern, auf 0,1 % gerundet.",
    ),
]


BUILT_IN_CODES = {code for code, *_rest in BUILT_IN}
