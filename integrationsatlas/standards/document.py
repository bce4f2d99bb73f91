"""Read, check and write standard-set documents (YAML against the published JSON Schema).

A document is checked in two passes: the JSON Schema (structure, types, allowed values)
and semantic checks the schema cannot express (known offer types and demand indicators,
financing shares summing to 1, a source for every parameter, shares at most 1). Every
problem names the rule and the field, so an author can find it in the file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.utils.text import slugify

from integrationsatlas.registry.languages import is_known
from integrationsatlas.taxonomy.target_groups import group_problems

from .law import unknown_citations

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "standard_set.schema.json"
FORMAT = "integrationsatlas-standard-set/1"
ILLUSTRATIVE = "illustrative example, not an official standard"
#: Kinds whose value is a share between 0 and 1.
SHARE_KINDS = frozenset({"reach", "languages", "reliability"})
#: Parameters each kind needs, and the ones it may take.
REQUIRED_PARAMS = {"reach": ("distance_km",), "reliability": ("months",)}
#: Parameters of a rule judged by travel time with bus and train (mode transit).
TRANSIT_PARAMS = ("mode", "max_minutes", "window")
#: Settings rather than figures: no source needed.
UNSOURCED_PARAMS = frozenset({"mode", "window"})
ALLOWED_PARAMS = {
    "ratio": ("catchment_km", "sigma_km", "bands_km", *TRANSIT_PARAMS),
    "presence": (),
    "reach": ("distance_km", *TRANSIT_PARAMS),
    "languages": ("languages",),
    "hours": (),
    "reliability": ("months",),
}
# Order of keys when a document is written back out.
TOP_KEYS = ("format", "slug", "name", "version", "status", "label", "description", "rules")
RULE_KEYS = (
    "id",
    "title",
    "offer_type",
    "kind",
    "level",
    "summary",
    "target",
    "params",
    "demand_indicator",
    "target_group",
    "responsible_level",
    "financing",
    "unit_cost",
    "legal_basis",
    "sources",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: which rule (id or position), which field, what."""

    message: str
    field: str = ""
    rule: str = ""
    # Position of the rule in the document (-1 = the document itself), for sorting only.
    order: int = -1

    def __str__(self) -> str:
        where = []
        if self.rule:
            where.append(f"Regel {self.rule}")
        if self.field:
            where.append(f"Feld „{self.field}“")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DocumentError(ValueError):
    """A document that cannot be used; `.problems` lists every problem found."""

    def __init__(self, problems: Iterable[Problem | str]):
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def parse_yaml(text: str, origin: str = "Dokument") -> dict[str, Any]:
    """The YAML text as a dict, or DocumentError naming the line of a syntax error."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" in Zeile {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentError([f"{origin}: kein gültiges YAML{line} ({problem})."]) from exc
    if not isinstance(data, dict):
        raise DocumentError([f"{origin}: ein YAML-Objekt mit name, version und rules erwartet."])
    # PostgreSQL cannot store NUL characters; refuse them here with a message, not a 500 later.
    if "\\u0000" in json.dumps(data, default=str):
        raise DocumentError([f"{origin}: NUL-Zeichen sind nicht erlaubt."])
    return data


def read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError([f"{path}: kann nicht gelesen werden ({exc})."]) from exc
    return parse_yaml(text, origin=str(path))


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(
        ordered(document), allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """The document with keys in the documented order (unknown keys are kept at the end)."""
    top = {k: document[k] for k in TOP_KEYS if k in document}
    top.update({k: v for k, v in document.items() if k not in top})
    rules = []
    for rule in document.get("rules") or []:
        if isinstance(rule, dict):
            item = {k: rule[k] for k in RULE_KEYS if k in rule}
            item.update({k: v for k, v in rule.items() if k not in item})
            rules.append(item)
        else:
            rules.append(rule)
    top["rules"] = rules
    return top


def _rule_label(document: dict[str, Any], index: int) -> str:
    rules = document.get("rules")
    rule = rules[index] if isinstance(rules, list) and index < len(rules) else None
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    return f"„{rule_id}“ (Nr. {index + 1})" if isinstance(rule_id, str) else f"Nr. {index + 1}"


def _schema_message(error: jsonschema.ValidationError) -> str:
    v, value = error.validator, error.instance
    if v == "enum":
        allowed = ", ".join(str(a) for a in error.validator_value)
        return f"unbekannter Wert {value!r}; erlaubt: {allowed}."
    if v == "const":
        return f"muss {error.validator_value!r} sein, ist {value!r}."
    if v == "type":
        names = {"number": "eine Zahl", "integer": "eine ganze Zahl", "string": "ein Text"}
        names |= {"object": "ein Objekt (Schlüssel: Wert)", "array": "eine Liste"}
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        return f"muss {' oder '.join(names.get(w, w) for w in wanted)} sein, ist {value!r}."
    if v == "exclusiveMinimum":
        return f"muss größer als {error.validator_value} sein, ist {value!r}."
    if v == "minimum":
        return f"darf nicht kleiner als {error.validator_value} sein, ist {value!r}."
    if v == "maximum":
        return f"darf nicht größer als {error.validator_value} sein, ist {value!r}."
    if v == "pattern":
        return f"ungültiger Wert {value!r} (erlaubt: Kleinbuchstaben, Ziffern, Bindestriche)."
    if v == "minItems" and error.validator_value > 1:
        return f"braucht mindestens {error.validator_value} Einträge, hat {len(value)}."
    if v in {"minItems", "minProperties", "minLength"}:
        return "darf nicht leer sein."
    if v == "maxItems":
        return f"darf höchstens {error.validator_value} Einträge haben, hat {len(value)}."
    return error.message


def _field_path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_problems(document: dict[str, Any]) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        path = list(error.path)
        message = _schema_message(error)
        parent = path[-1] if path else ""
        if "propertyNames" in error.schema_path:
            # A bad key name: the error's instance is the key itself.
            path = [*path, error.instance]
            message = _key_message(parent, error.instance)
        elif error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {})
            extra = [k for k in error.instance if k not in allowed]
            path = [*path, *extra[:1]]
            message = f"unbekanntes Feld; erlaubt sind: {', '.join(allowed)}."
        elif error.validator == "required":
            missing = [m for m in error.validator_value if m not in error.instance]
            path = [*path, *missing[:1]]
            what = "Quelle fehlt" if parent == "sources" else "Pflichtfeld fehlt"
            message = f"{what}."
        if len(path) >= 2 and path[-2] == "bands_km":
            # The shape of one band is wrong (not a list, too few or too many entries): say
            # what a band looks like. (Errors inside a band have a longer path.)
            message += " Ein Band ist ein Paar [Obergrenze in km, Gewicht]."
        rule, order = "", -1
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            rule, order, path = _rule_label(document, path[1]), path[1], path[2:]
        problems.append(Problem(message, _field_path(path), rule, order))
    return problems


def _key_message(parent: Any, key: Any) -> str:
    if parent == "financing":
        return f"unbekannte Ebene {key!r}; erlaubt: land, kreis, gemeinde, bund."
    if parent == "sources":
        return (
            f"unbekannter Quellenschlüssel {key!r}; erlaubt: target, financing, unit_cost, "
            "params.<name>."
        )
    return f"unbekannter Schlüssel {key!r}."


def semantic_problems(
    document: dict[str, Any], offer_types: set[str], indicators: set[str]
) -> list[Problem]:
    """Checks beyond the schema; rules with schema errors are still checked where possible."""
    problems: list[Problem] = []
    rules = document.get("rules")
    if not isinstance(rules, list):
        return problems
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        label = _rule_label(document, index)
        found = _duplicate_id_problems(rule, seen) + _rule_problems(rule, offer_types, indicators)
        problems += [Problem(message, field, label, index) for field, message in found]
    return problems


def _rule_problems(
    rule: dict[str, Any], offer_types: set[str], indicators: set[str]
) -> list[tuple[str, str]]:
    """(field, message) of everything wrong with one rule; the order is the order an author
    reads the rule in, and the problems are reported in it."""
    params = rule.get("params") or {}
    sources = rule.get("sources") if isinstance(rule.get("sources"), dict) else {}
    return [
        *_vocabulary_problems(rule, offer_types, indicators),
        *group_problems(rule.get("target_group"), rule.get("demand_indicator")),
        *_financing_problems(rule.get("financing")),
        *_target_problems(rule.get("kind"), rule.get("target")),
        *_param_problems(rule.get("kind"), params),
        *_summary_problems(rule, sources),
        *_source_problems(params, sources),
        *_citation_problems(rule, sources),
    ]


def _duplicate_id_problems(rule: dict[str, Any], seen: set[str]) -> list[tuple[str, str]]:
    """Only the second and later rules with an id are reported; `seen` carries the ids over."""
    rule_id = rule.get("id")
    if not isinstance(rule_id, str):
        return []
    duplicate = rule_id in seen
    seen.add(rule_id)
    return [("id", f"die Regel-ID {rule_id!r} kommt mehrfach vor.")] if duplicate else []


def _vocabulary_problems(
    rule: dict[str, Any], offer_types: set[str], indicators: set[str]
) -> list[tuple[str, str]]:
    problems = []
    offer_type = rule.get("offer_type")
    if isinstance(offer_type, str) and offer_type not in offer_types:
        problems.append(
            (
                "offer_type",
                f"unbekannte Angebotsart {offer_type!r}; bekannt: {_few(offer_types)}.",
            )
        )
    indicator = rule.get("demand_indicator")
    if isinstance(indicator, str) and indicator not in indicators:
        problems.append(
            (
                "demand_indicator",
                f"unbekannte Bedarfskennzahl {indicator!r}; bekannt: {_few(indicators)}.",
            )
        )
    return problems


def _financing_problems(financing: Any) -> list[tuple[str, str]]:
    """Shares must sum to 1; a share that is not a number is the schema's to report."""
    if not isinstance(financing, dict) or not financing:
        return []
    shares = [v for v in financing.values() if _is_number(v)]
    if len(shares) == len(financing) and not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
        return [("financing", f"die Anteile ergeben {sum(shares):g} statt 1.")]
    return []


def _target_problems(kind: Any, target: Any) -> list[tuple[str, str]]:
    if kind in SHARE_KINDS and _is_number(target) and target > 1:
        return [
            ("target", f"bei der Art {kind!r} ist das Ziel ein Anteil (0 bis 1), ist {target}.")
        ]
    return []


def _param_problems(kind: Any, params: Any) -> list[tuple[str, str]]:
    """Parameters the kind needs, takes and how they fit together; an unknown kind is the
    schema's to report."""
    if kind not in ALLOWED_PARAMS or not isinstance(params, dict):
        return []
    problems = [
        (f"params.{name}", f"die Art {kind!r} braucht den Parameter {name}.")
        for name in REQUIRED_PARAMS.get(kind, ())
        if name not in params
    ]
    problems += [
        (f"params.{name}", f"der Parameter passt nicht zur Art {kind!r}.")
        for name in params
        if name not in ALLOWED_PARAMS[kind]
    ]
    if "sigma_km" in params and "catchment_km" not in params:
        problems.append(("params.sigma_km", "sigma_km braucht catchment_km."))
    if kind == "ratio" and "bands_km" in params:
        problems += _band_problems(params)
    problems += _transit_problems(kind, params)
    if kind == "languages":
        problems += _language_problems(params)
    return problems


def _language_problems(params: dict[str, Any]) -> list[tuple[str, str]]:
    codes = params.get("languages")
    if not isinstance(codes, list):
        return []
    unknown = [c for c in codes if not is_known(str(c))]
    if not unknown:
        return []
    return [
        (
            "params.languages",
            f"unbekannte Sprachcodes {', '.join(map(str, unknown))} (ISO 639, "
            "z. B. pl, cs, ro, bg).",
        )
    ]


def _source_problems(params: Any, sources: dict[str, Any]) -> list[tuple[str, str]]:
    """Every parameter that is a figure needs a source, and every parameter source a parameter."""
    if not isinstance(params, dict):
        return []
    problems = [
        (f"sources.params.{name}", f"Quelle fehlt für den Parameter {name}.")
        for name in params
        if name not in UNSOURCED_PARAMS and f"params.{name}" not in sources
    ]
    problems += [
        (f"sources.{key}", "Quelle für einen Parameter, den es nicht gibt.")
        for key in sources
        if key.startswith("params.") and key[7:] not in params
    ]
    return problems


def _citation_problems(rule: dict[str, Any], sources: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (field, f"{message}.")
        for field, text in _cited_texts(rule, sources)
        for message in unknown_citations(text)
    ]


def _cited_texts(rule: dict[str, Any], sources: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, text) of every text of a rule that may cite a paragraph of the Saxon law."""
    texts = [(name, rule.get(name)) for name in ("title", "legal_basis")]
    texts += [(f"sources.{key}", value) for key, value in sources.items()]
    return [(field, text) for field, text in texts if isinstance(text, str)]


def _summary_problems(rule: dict[str, Any], sources: dict[str, Any]) -> list[tuple[str, str]]:
    """A summary belongs to a Gemeinde rule; a summary target, like every number, needs a source."""
    summary = rule.get("summary")
    problems = []
    if summary is not None and rule.get("level") != "gemeinde":
        problems.append(
            ("summary", "eine Zusammenfassung je Kreis gibt es nur für Regeln der Ebene gemeinde.")
        )
    has_target = isinstance(summary, dict) and "target" in summary
    if has_target and "summary.target" not in sources:
        problems.append(("sources.summary.target", "Quelle fehlt für summary.target."))
    if "summary.target" in sources and not has_target:
        problems.append(
            ("sources.summary.target", "Quelle für ein summary.target, das es nicht gibt.")
        )
    return problems


def _band_problems(params: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with ``params.bands_km`` beyond its shape (checked by the schema):
    needs catchment_km, excludes sigma_km, ascending upper limits, last one within reach."""
    problems = []
    if "catchment_km" not in params:
        problems.append(("params.bands_km", "bands_km braucht catchment_km."))
    if "sigma_km" in params:
        problems.append(
            (
                "params.bands_km",
                "bands_km und sigma_km schließen sich aus: entweder Distanzbänder oder "
                "Gauß-Abfall angeben.",
            )
        )
    bands = params["bands_km"]
    uppers = [b[0] for b in bands if isinstance(b, list) and b and _is_number(b[0])]
    if not isinstance(bands, list) or len(uppers) != len(bands):
        return problems  # the schema reports the malformed bands
    for index in range(1, len(uppers)):
        if uppers[index] <= uppers[index - 1]:
            problems.append(
                (
                    f"params.bands_km[{index}]",
                    f"die Obergrenzen müssen aufsteigen: {uppers[index]:g} km folgt auf "
                    f"{uppers[index - 1]:g} km.",
                )
            )
    catchment = params.get("catchment_km")
    if uppers and _is_number(catchment) and uppers[-1] > catchment:
        problems.append(
            (
                f"params.bands_km[{len(uppers) - 1}]",
                f"das letzte Band endet bei {uppers[-1]:g} km, jenseits von catchment_km "
                f"({catchment:g} km); es darf höchstens bis catchment_km reichen.",
            )
        )
    return problems


def _transit_problems(kind: Any, params: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with mode transit: its minutes and window, a straight line to fall back
    on, no distance decay; minutes or a window without the mode."""
    problems: list[tuple[str, str]] = []
    if params.get("mode") != "transit":
        for name in ("max_minutes", "window"):
            if name in params:
                problems.append((f"params.{name}", f"{name} gilt nur mit mode: transit."))
        return problems
    for name in ("max_minutes", "window"):
        if name not in params:
            problems.append((f"params.{name}", f"mode: transit braucht {name}."))
    if kind == "ratio":
        if "catchment_km" not in params:
            problems.append(
                (
                    "params.catchment_km",
                    "mode: transit braucht bei der Art 'ratio' catchment_km "
                    "(2SFCA; die Luftlinie, solange kein Fahrplan geladen ist).",
                )
            )
        for name in ("sigma_km", "bands_km"):
            if name in params:
                problems.append(
                    (f"params.{name}", f"mode: transit rechnet ohne Distanzabfall ({name}).")
                )
    window = params.get("window")
    clocks = isinstance(window, dict) and all(
        isinstance(window.get(k), str) and _CLOCK.match(window[k]) for k in ("from", "to")
    )
    if clocks and window["to"] < window["from"]:
        problems.append(("params.window.to", "das Fenster endet vor seinem Beginn."))
    return problems


_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _few(codes: set[str], limit: int = 20) -> str:
    names = sorted(codes)
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


def normalized(document: dict[str, Any]) -> dict[str, Any]:
    """The checked document with defaults filled in: slug from the name, version as text."""
    doc = ordered(document)
    doc["version"] = str(doc["version"])
    doc.setdefault("slug", slugify(doc["name"])[:100] or "standardsatz")
    doc.setdefault("status", "draft")
    for rule in doc["rules"]:
        rule.setdefault("params", {})
    return doc


def validate(
    document: dict[str, Any], offer_types: set[str], indicators: set[str]
) -> dict[str, Any]:
    """The normalized document, or DocumentError with every schema and semantic problem."""
    problems = schema_problems(document) + semantic_problems(document, offer_types, indicators)
    problems.sort(key=lambda p: p.order)  # stable: schema problems of a rule come first
    if problems:
        raise DocumentError(problems)
    return normalized(document)
