"""Assessment and cost tables as CSV, XLSX and GeoJSON, each saying its source, date and demo state."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import (
    COST_FIELDS,
    MEASURE_FIELDS,
    Assessment,
    AssessmentRow,
)

from .queries import PAYERS, cost_summary, rows_of

ROW_COLUMNS = [
    "ags",
    "region",
    "level",
    "rule",
    "offer_type",
    "kind",
    *MEASURE_FIELDS,
    "responsible_level",
    *COST_FIELDS,
    "reference_date",
    "standard_set",
    "demo",
    "explanation",
]
COST_COLUMNS = ["group", "key", "label", "gaps", "total", *PAYERS]


def row_dict(assessment: Assessment, row: AssessmentRow) -> dict[str, Any]:
    """The ROW_COLUMNS of one row: its region, rule and assessment, and its own fields."""
    about = {
        "ags": row.region_id,
        "region": row.region.name,
        "level": row.region.level,
        "rule": row.rule_code,
        "offer_type": row.offer_type_code,
        "reference_date": assessment.reference_date.isoformat(),
        "standard_set": str(assessment.standard_set),
        "demo": "Demo" if assessment.includes_demo_data else "",
    }
    return {c: about[c] if c in about else getattr(row, c) for c in ROW_COLUMNS}


def assessment_rows(assessment: Assessment) -> list[dict[str, Any]]:
    return [row_dict(assessment, r) for r in rows_of(assessment)]


def cost_rows(assessment: Assessment) -> list[dict[str, Any]]:
    summary = cost_summary(rows_of(assessment))
    out = [{"group": "land", **summary["total"].as_dict()}]
    out += [{"group": "region", **line.as_dict()} for line in summary["regions"]]
    out += [{"group": "offer_type", **line.as_dict()} for line in summary["offer_types"]]
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
    """One data sheet plus a sheet naming the assessment, its date, standard set and demo state."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    about = book.create_sheet("Quelle")
    about.append(["Bewertung", assessment.label or str(assessment)])
    about.append(["Standardsatz", str(assessment.standard_set)])
    about.append(["Stichtag", assessment.reference_date.isoformat()])
    about.append(["Demodaten", "Demo" if assessment.includes_demo_data else "nein"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_geojson(assessment: Assessment) -> str:
    """A FeatureCollection: each region with rows, its boundary and {rule: status} properties."""
    rows = rows_of(assessment)
    by_region: dict[str, dict[str, Any]] = {}
    for row in rows:
        props = by_region.setdefault(
            row.region_id,
            {"ags": row.region_id, "name": row.region.name, "level": row.region.level},
        )
        props[f"status:{row.rule_code}"] = row.status
        props[f"ratio:{row.rule_code}"] = row.ratio
    regions = Region.objects.filter(ags__in=by_region).only("ags", "boundary")
    features = [
        {"type": "Feature", "geometry": r.boundary, "properties": by_region[r.ags]} for r in regions
    ]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "name": str(assessment),
            "reference_date": assessment.reference_date.isoformat(),
            "demo": assessment.includes_demo_data,
            "features": features,
        },
        ensure_ascii=False,
    )
