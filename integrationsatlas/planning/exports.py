"""Assessment and cost tables as CSV, XLSX and GeoJSON; every row says its source, date and demo state.

The labels (demo marker, the standard set's honesty label, sources with reference dates)
are columns on every row rather than a header block: a header block breaks CSV readers
(the first line is no longer the column names) and is lost as soon as someone copies,
sorts or filters rows in a spreadsheet; a column travels with each row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.models import (
    COST_FIELDS,
    MEASURE_FIELDS,
    Assessment,
    AssessmentRow,
)
from integrationsatlas.regions.models import Region
from integrationsatlas.taxonomy.target_groups import group_label

from . import target_groups
from .names import Names
from .queries import PAYERS, cost_summary, rows_of

ROW_COLUMNS = [
    "ags",
    "region",
    "level",
    "rule",
    "rule_title",
    "target_group",
    "target_group_name",
    "offer_type",
    "offer_type_name",
    "kind",
    *MEASURE_FIELDS,
    "unit_label",
    "responsible_level",
    *COST_FIELDS,
    "explanation",
    *provenance.COLUMNS,
]
COST_COLUMNS = ["group", "key", "label", "gaps", "total", *PAYERS, *provenance.COLUMNS]


def row_dict(row: AssessmentRow, names: Names, labels: provenance.Labeller) -> dict[str, Any]:
    """The ROW_COLUMNS of one row: its region, rule, target group (empty: the rule counts
    every offer) and offer type by name, and its labels."""
    rule = labels.rules.get(row.rule_code)
    group = rule.target_group if rule is not None else ""
    about = {
        "ags": row.region_id,
        "region": row.region.name,
        "level": row.region.level,
        "rule": row.rule_code,
        "rule_title": names.rule(row.rule_code),
        "target_group": group,
        "target_group_name": group_label(group) if group else "",
        "offer_type": row.offer_type_code,
        "offer_type_name": names.offer_type(row.offer_type_code),
        "unit_label": names.unit(row.unit),
        **labels.columns([row.rule_code]),
    }
    return {c: about[c] if c in about else getattr(row, c) for c in ROW_COLUMNS}


def assessment_rows(assessment: Assessment) -> list[dict[str, Any]]:
    names, labels = Names(assessment), provenance.Labeller(assessment)
    return [row_dict(r, names, labels) for r in rows_of(assessment)]


def cost_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """Land total, regions, offer types; an offer type's line cites only its own rules."""
    summary = cost_summary(rows_of(assessment))
    labels = provenance.Labeller(assessment)
    every = labels.columns()
    by_type: dict[str, list[str]] = {}
    for code, type_code in assessment.standard_set.rules.values_list("code", "offer_type__code"):
        by_type.setdefault(type_code, []).append(code)
    out = [{"group": "land", **summary["total"].as_dict(), **every}]
    out += [{"group": "region", **line.as_dict(), **every} for line in summary["regions"]]
    out += [
        {"group": "offer_type", **line.as_dict(), **labels.columns(by_type.get(line.key, []))}
        for line in summary["offer_types"]
    ]
    return out


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], assessment: Assessment, title: str
) -> bytes:
    """One data sheet (labels on every row) plus a sheet "Quelle" with the same labels once,
    one source per line, for readers who open the file rather than copy from it."""
    # Here, not at the top: the planning pages import this module, and every command's system
    # checks load those pages; openpyxl is needed only when a spreadsheet is written.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    about = book.create_sheet("Quelle")
    about.append(["Bewertung", assessment.label or str(assessment)])
    about.append(["Standardsatz", str(assessment.standard_set)])
    about.append(["Hinweis zum Standardsatz", provenance.honesty_label(assessment.standard_set)])
    about.append(["Stichtag", assessment.reference_date.isoformat()])
    about.append(["Demodaten", provenance.demo_mark(assessment)])
    for line in provenance.source_lines(assessment):
        about.append(["Quelle", line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_geojson(assessment: Assessment) -> str:
    """A FeatureCollection: each region with rows, its boundary and {rule: status} properties.

    The labels stand at the top and in every feature's properties: GIS programs keep only
    the properties when a layer is loaded, filtered or copied. Per target group with rules,
    `group_status:<g>`, `group_demand:<g>` and `group_not_served:<g>` (planning/target_groups.py).
    """
    rows = rows_of(assessment)
    labels = provenance.Labeller(assessment).columns()
    groups = target_groups.geojson_properties(assessment)
    by_region: dict[str, dict[str, Any]] = {}
    for row in rows:
        props = by_region.setdefault(
            row.region_id,
            {
                "ags": row.region_id,
                "name": row.region.name,
                "level": row.region.level,
                **groups.get(row.region_id, {}),
                **labels,
            },
        )
        props[f"status:{row.rule_code}"] = row.status
        props[f"ratio:{row.rule_code}"] = row.ratio
    regions = Region.objects.filter(ags__in=by_region).only("ags", "boundary")
    features = [
        {"type": "Feature", "geometry": r.boundary, "properties": by_region[r.ags]} for r in regions
    ]
    names = Names(assessment)
    return json.dumps(
        {
            "type": "FeatureCollection",
            "name": str(assessment),
            **labels,
            "demo": assessment.includes_demo_data,
            "demo_mark": labels["demo"],
            "rules": {code: names.rule(code) for code in names.rule_codes()},
            "target_groups": {
                group: {
                    "name": group_label(group),
                    "rules": [rule.code for rule in rules],
                }
                for group, rules in target_groups.group_rules(assessment).items()
                if rules
            },
            "features": features,
        },
        ensure_ascii=False,
    )
