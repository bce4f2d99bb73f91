"""Names, texts and contact details of demo rows: every name says "Demo", every phone is fictional.

Phone numbers come from the ranges the Bundesnetzagentur keeps free for media productions
("Rufnummern für Medienproduktionen", "Drama Numbers", Amtsblatt 7/2021, Mitteilung
148/2021): in five Ortsnetze 1,000 numbers each, which are never assigned to anyone.
"""

from __future__ import annotations

#: (international prefix, first number) of each fiction range; the last three digits run 000-999.
FICTION_RANGES = (
    ("+49 30 23125", "Berlin (0)30 23125 000-999"),
    ("+49 69 90009", "Frankfurt am Main (0)69 90009 000-999"),
    ("+49 40 66969", "Hamburg (0)40 66969 000-999"),
    ("+49 221 4710", "Köln (0)221 4710 000-999"),
    ("+49 89 99998", "München (0)89 99998 000-999"),
)
LANGUAGES = ("de", "en", "ar", "uk", "ru", "fa", "tr")
DEMO_MARK = "(Demo)"
#: Service name and description per finder language; "{type}" and "{place}" are filled in.
TEMPLATES = {
    "de": ("{type} {place} (Demo)", "Demo-Angebot: {type} in {place}. Erfundene Daten."),
    "en": ("{type} in {place} (Demo)", "Demo offer: {type} in {place}. Invented data."),
    "ar": ("{type} في {place} (Demo)", "عرض تجريبي (Demo): {type} في {place}. بيانات مختلقة."),
    "uk": ("{type} у {place} (Demo)", "Демо-пропозиція (Demo): {type} у {place}. Вигадані дані."),
    "ru": (
        "{type} в {place} (Demo)",
        "Демо-предложение (Demo): {type} в {place}. Вымышленные данные.",
    ),
    "fa": ("{type} در {place} (Demo)", "پیشنهاد نمایشی (Demo): {type} در {place}. داده‌های ساختگی."),
    "tr": ("{place}: {type} (Demo)", "Demo teklif: {place}, {type}. Uydurma veriler."),
}
ORG_NAMES = (
    "Verein Ankommen",
    "Bildungswerk Brücke",
    "Netzwerk Vielfalt",
    "Initiative Neue Nachbarn",
    "Stiftung Zusammenleben",
    "Familienzentrum Regenbogen",
    "Sportgemeinschaft Miteinander",
    "Beratungsstelle Wegweiser",
    "Sprachschule Weltoffen",
    "Kinderhaus Sonnenblume",
    "Nachbarschaftshaus Mitte",
    "Jugendwerk Perspektive",
)
STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Lindenstraße",
    "Marktplatz",
    "Kirchstraße",
    "Bergstraße",
    "Am Anger",
    "Dorfstraße",
    "Rosenweg",
    "Friedensstraße",
)


def fiction_phone(number: int) -> str:
    """The `number`-th fictional number (cycling through the 5,000 reserved ones)."""
    prefix, _label = FICTION_RANGES[(number // 1000) % len(FICTION_RANGES)]
    return f"{prefix} {number % 1000:03d}"


def organization_name(index: int, kreis_name: str) -> str:
    return f"{ORG_NAMES[index % len(ORG_NAMES)]} {kreis_name} {DEMO_MARK}"


def service_texts(type_names: dict[str, str], place: str, remote: bool) -> dict[str, dict]:
    """Name and description per language; German goes to the model fields, the rest to translations."""
    texts = {}
    for language, (name, description) in TEMPLATES.items():
        type_name = type_names.get(language) or type_names["de"]
        where = f"{place} (telefonisch/online)" if remote and language == "de" else place
        texts[language] = {
            "name": name.format(type=type_name, place=where),
            "description": description.format(type=type_name, place=place),
        }
    return texts
