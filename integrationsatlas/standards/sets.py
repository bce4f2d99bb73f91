"""Standard sets as data: import, export, copy, edit and look up (the web and the CLI call these)."""

from __future__ import annotations

import copy as copy_module
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count

from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.taxonomy.models import OfferType
from integrationsatlas.transit.models import FeedEdition

from .document import DocumentError, Problem
from .indicators import known_indicators


def check_document(document: dict[str, Any]) -> dict[str, Any]:
    """Validate against the schema and the database's offer types and indicators."""
    offer_types = set(OfferType.objects.values_list("code", flat=True))
    return doc_module.validate(document, offer_types, known_indicators())


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _param(value: Any) -> Any:
    """A parameter as written out: a number, a list (bands_km, languages), a word (mode, a
    language code) or a mapping (window)."""
    if isinstance(value, list):
        return [_param(v) for v in value]
    if isinstance(value, dict):
        return {k: _param(v) for k, v in value.items()}
    return value if isinstance(value, str) else _number(value)


def document_of(standard_set: StandardSet) -> dict[str, Any]:
    """The set as a document, rebuilt from its rows (so an edit in the UI is what is exported)."""
    base = standard_set.document or {}
    doc: dict[str, Any] = {
        "format": doc_module.FORMAT,
        "slug": standard_set.slug,
        "name": standard_set.name,
        "version": standard_set.version,
        "status": standard_set.status,
    }
    if base.get("label"):
        doc["label"] = base["label"]
    if standard_set.description:
        doc["description"] = standard_set.description
    extras = {r.get("id"): r for r in base.get("rules", []) if isinstance(r, dict)}
    rules = []
    for rule in standard_set.rules.select_related("offer_type").order_by("position", "code"):
        item: dict[str, Any] = {"id": rule.code}
        if rule.title:
            item["title"] = rule.title
        item |= {
            "offer_type": rule.offer_type.code,
            "kind": rule.kind,
            "level": rule.level,
            **({"summary": _summary_out(rule.summary)} if rule.summary else {}),
            "target": _number(rule.target),
            "params": {k: _param(v) for k, v in (rule.params or {}).items()},
            "demand_indicator": rule.demand_indicator,
            **({"target_group": rule.target_group} if rule.target_group else {}),
            "responsible_level": rule.responsible_level,
            "financing": {k: _number(v) for k, v in rule.financing.items()},
            "unit_cost": _number(float(rule.unit_cost)),
        }
        legal_basis = extras.get(rule.code, {}).get("legal_basis")
        if legal_basis:
            item["legal_basis"] = legal_basis
        item["sources"] = dict(rule.sources)
        rules.append(item)
    doc["rules"] = rules
    return doc


def _summary_out(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: _number(v) if k == "target" else v for k, v in summary.items()}


def export_yaml(standard_set: StandardSet) -> str:
    return doc_module.dump_yaml(document_of(standard_set))


def _write_rules(standard_set: StandardSet, doc: dict[str, Any]) -> None:
    offer_types = {o.code: o for o in OfferType.objects.all()}
    keep = []
    for position, item in enumerate(doc["rules"]):
        Rule.objects.update_or_create(
            standard_set=standard_set,
            code=item["id"],
            defaults={
                "title": item.get("title", ""),
                "offer_type": offer_types[item["offer_type"]],
                "kind": item["kind"],
                "level": item["level"],
                "summary": item.get("summary") or {},
                "target": float(item["target"]),
                "params": item.get("params") or {},
                "demand_indicator": item["demand_indicator"],
                "target_group": item.get("target_group", ""),
                "responsible_level": item["responsible_level"],
                "financing": {k: float(v) for k, v in item["financing"].items()},
                "unit_cost": Decimal(str(item["unit_cost"])),
                "sources": item["sources"],
                "position": position,
            },
        )
        keep.append(item["id"])
    standard_set.rules.exclude(code__in=keep).delete()


def _fill(standard_set: StandardSet, doc: dict[str, Any]) -> None:
    standard_set.name = doc["name"]
    standard_set.version = doc["version"]
    standard_set.status = doc.get("status", StandardSet.Status.DRAFT)
    standard_set.description = doc.get("description", "")
    standard_set.document = doc


@transaction.atomic
def import_document(
    document: dict[str, Any], user=None, replace: bool = False
) -> tuple[StandardSet, bool]:
    """Create the set described by `document`, or replace an existing one of the same slug.

    Returns (set, created). Without `replace`, an existing slug is refused: nothing changes.
    """
    doc = check_document(document)
    existing = StandardSet.objects.filter(slug=doc["slug"]).first()
    if existing is not None and not replace:
        raise DocumentError(
            [
                Problem(
                    f"ein Standardsatz mit der Kennung {doc['slug']!r} existiert bereits "
                    "(zum Ersetzen: --replace, für eine Variante: copy).",
                    "slug",
                )
            ]
        )
    if existing is not None:
        return update_document(existing, doc, user=user), False
    standard_set = StandardSet(slug=doc["slug"], created_by=user)
    _fill(standard_set, doc)
    standard_set.save()
    _write_rules(standard_set, doc)
    return standard_set, True


@transaction.atomic
def update_document(standard_set: StandardSet, document: dict[str, Any], user=None) -> StandardSet:
    """Edit a set in place. The slug stays; once assessed, changed rules need a new version,
    so every stored assessment still names the rules it was computed with."""
    doc = check_document({**document, "slug": standard_set.slug})
    assessed = standard_set.assessments.exists()
    same_version = doc["version"] == standard_set.version
    if assessed and same_version and _rules_of(doc) != _rules_of(document_of(standard_set)):
        raise DocumentError(
            [
                Problem(
                    "dieser Standardsatz wurde schon für Bewertungen verwendet: "
                    "geänderte Regeln brauchen eine neue Version.",
                    "version",
                )
            ]
        )
    _fill(standard_set, doc)
    standard_set.save()
    _write_rules(standard_set, doc)
    return standard_set


def _rules_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in doc_module.RULE_KEYS if k not in {"title", "legal_basis"}]
    return [
        {k: (rule.get(k) or {}) if k == "params" else rule.get(k) for k in keys}
        for rule in doc_module.normalized(copy_module.deepcopy(doc))["rules"]
    ]


@transaction.atomic
def copy_set(standard_set: StandardSet, new_slug: str, name: str = "", user=None) -> StandardSet:
    """A draft copy under a new slug (e.g. a ministry's variant of the example set)."""
    doc = document_of(standard_set)
    doc["slug"] = new_slug
    doc["name"] = name or f"{standard_set.name} (Kopie)"
    doc["status"] = StandardSet.Status.DRAFT
    copied, _ = import_document(doc, user=user)
    copied.copied_from = standard_set
    copied.save(update_fields=["copied_from"])
    return copied


def transit_notices(standard_set: StandardSet) -> list[str]:
    """One line per rule with mode transit that cannot be judged by bus and train now,
    because no timetable is imported: it is judged by the straight line until one is."""
    if FeedEdition.objects.exists():
        return []
    return [
        f"Regel {rule.code}: mode transit, aber kein Fahrplan importiert; bis dahin gilt die "
        f"Luftlinie ({_straight_km(rule.params)} km). Fahrplan laden: integrationsatlas "
        "transit import."
        for rule in standard_set.rules.order_by("position", "code")
        if (rule.params or {}).get("mode") == "transit"
    ]


def _straight_km(params: dict[str, Any]) -> str:
    km = params.get("distance_km", params.get("catchment_km"))
    return f"{_number(km)}" if km is not None else "?"


def find_set(name: str) -> StandardSet | None:
    """A set by slug, or by exact name (then the newest version)."""
    found = StandardSet.objects.filter(slug=name).first()
    if found is None:
        found = StandardSet.objects.filter(name=name).order_by("-created_at").first()
    return found


def set_rows() -> list[dict[str, Any]]:
    """One row per set for listings: slug, name, version, status, rules, assessments."""
    sets = StandardSet.objects.annotate(
        rule_count=Count("rules", distinct=True),
        assessment_count=Count("assessments", distinct=True),
    ).order_by("name", "version")
    return [
        {
            "slug": s.slug,
            "name": s.name,
            "version": s.version,
            "status": s.status,
            "rules": s.rule_count,
            "assessments": s.assessment_count,
            "copied_from": s.copied_from.slug if s.copied_from_id else "",
            "label": (s.document or {}).get("label", ""),
        }
        for s in sets.select_related("copied_from")
    ]


def illustrative_rules(standard_set: StandardSet) -> int:
    """How many rules have at least one illustrative (not official) number."""
    return sum(
        1
        for rule in standard_set.rules.all()
        if any(doc_module.ILLUSTRATIVE in text for text in (rule.sources or {}).values())
    )


__all__ = [
    "DocumentError",
    "Problem",
    "check_document",
    "copy_set",
    "document_of",
    "export_yaml",
    "find_set",
    "illustrative_rules",
    "import_document",
    "set_rows",
    "transit_notices",
    "update_document",
]
