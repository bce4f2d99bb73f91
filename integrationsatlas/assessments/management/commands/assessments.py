"""`integrationsatlas assessments [show ID | costs ID | compare A B]`: list, show, cost and compare assessments."""

import json

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.compare import COMPARE_COLUMNS, compare_assessments
from integrationsatlas.assessments.costs import COST_COLUMNS, plausibility_notes, rule_costs
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.assessments.run import COLUMNS, assessment_rows, assessment_summary
from integrationsatlas.core.tables import format_rows

LIST_COLUMNS = [
    "id",
    "standard_set",
    "version",
    "level",
    "reference_date",
    "created_at",
    "rows",
    "met",
    "partial",
    "gap",
    "no_data",
    "demo",
]


class Command(BaseCommand):
    help = (
        "Listet gespeicherte Bewertungen, zeigt eine (show ID), ihre Kosten je Regel (costs ID) "
        "oder vergleicht zwei (compare A B)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", nargs="?", choices=["list", "show", "costs", "compare"], default="list"
        )
        parser.add_argument("ids", nargs="*", type=int, help="Nummer(n) der Bewertung(en)")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def _get(self, pk: int) -> Assessment:
        found = Assessment.objects.select_related("standard_set").filter(pk=pk).first()
        if found is None:
            raise CommandError(f"Keine Bewertung Nr. {pk}. Liste: integrationsatlas assessments")
        return found

    def handle(self, *args, action="list", ids=(), format="table", **options):
        wanted = {"list": 0, "show": 1, "costs": 1, "compare": 2}[action]
        if len(ids) != wanted:
            raise CommandError(f"{action} erwartet {wanted} Nummer(n), bekam {len(ids)}.")
        if action == "list":
            rows = [
                assessment_summary(a) for a in Assessment.objects.select_related("standard_set")
            ]
            self.stdout.write(format_rows(rows, LIST_COLUMNS, format), ending="")
        elif action == "show":
            chosen = self._get(ids[0])
            text = provenance.listing_text(chosen, assessment_rows(chosen), COLUMNS, format)
            self.stdout.write(text, ending="")
        elif action == "costs":
            self._costs(self._get(ids[0]), format)
        else:
            result = compare_assessments(self._get(ids[0]), self._get(ids[1]))
            if format == "json":
                self.stdout.write(
                    json.dumps(result, ensure_ascii=False, indent=2) + "\n", ending=""
                )
                return
            rows = result["rows"]
            if format != "table":  # a copied row keeps what both figures rest on
                rows = _compare_labels(rows, self._get(ids[0]), self._get(ids[1]))
            columns = COMPARE_COLUMNS if format == "table" else [*COMPARE_COLUMNS, *LABEL_AB]
            self.stdout.write(format_rows(rows, columns, format), ending="")
            if format == "table":
                totals = [{"payer": k, **v} for k, v in result["totals"].items()]
                self.stdout.write(
                    "\n" + format_rows(totals, ["payer", "a", "b", "change"], "table"), ending=""
                )

    def _costs(self, assessment: Assessment, format: str) -> None:
        """Per rule: deficit, unit, unit cost, payer split and sources; notes to stderr."""
        lines = rule_costs(assessment)
        notes = plausibility_notes(assessment, lines)
        rows = [line.as_dict() for line in lines]
        if format == "json":
            text = json.dumps({"rules": rows, "notes": notes}, ensure_ascii=False, indent=2)
            self.stdout.write(text + "\n", ending="")
            return
        labels = provenance.Labeller(assessment)
        rows = [{**row, **labels.columns([row["rule"]])} for row in rows]
        columns = COST_COLUMNS if format == "table" else [*COST_COLUMNS, *provenance.COLUMNS]
        self.stdout.write(format_rows(rows, columns, format), ending="")
        for note in notes:
            self.stderr.write(f"Hinweis: {note}")


# The labels of both assessments (see provenance.COLUMNS), suffixed _a and _b.
LABEL_AB = [f"{c}_{side}" for side in ("a", "b") for c in provenance.COLUMNS]


def _compare_labels(rows: list[dict], a: Assessment, b: Assessment) -> list[dict]:
    """Each compared row with the demo mark, honesty label and sources of both assessments."""
    first, second = provenance.Labeller(a), provenance.Labeller(b)
    out = []
    for row in rows:
        side_a = first.columns([row["rule"]])
        side_b = second.columns([row["rule"]])
        out.append(
            {
                **row,
                **{f"{k}_a": v for k, v in side_a.items()},
                **{f"{k}_b": v for k, v in side_b.items()},
            }
        )
    return out
