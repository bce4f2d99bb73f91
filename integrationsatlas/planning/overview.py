"""The state overview of all rules: per region how many are met, partial or gap, and a map class.

The map of all rules at once colours a region by the share of its judged rules that are met
(no data left out): at least two thirds, one to two thirds, less than one third. The old
"worst status wins" made every Kreis red as soon as one rule had a gap anywhere, which
carried no information. One selected rule is shown with its own status.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from . import charts

#: Share of judged rules met from which a region takes the "met" / "partial" map class.
HIGH, LOW = 2 / 3, 1 / 3
STATUSES = ("met", "partial", "gap", "no_data")


def rule_counts(rows: Iterable) -> dict[str, dict[str, int]]:
    """{region key: {status: number of rules}} over the given rows."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in rows:
        counts[row.region_id][row.status] += 1
    return dict(counts)


def met_share(count: Mapping[str, int]) -> float | None:
    """Share of the judged rules (met, partial, gap) that are met; None if none is judged."""
    judged = count["met"] + count["partial"] + count["gap"]
    return count["met"] / judged if judged else None


def overview_class(count: Mapping[str, int]) -> str:
    share = met_share(count)
    if share is None:
        return "no_data"
    return "met" if share >= HIGH - 1e-9 else "partial" if share >= LOW - 1e-9 else "gap"


def overview_classes(rows: Iterable) -> dict[str, str]:
    return {ags: overview_class(count) for ags, count in rule_counts(rows).items()}


def count_sentence(name: str, count: Mapping[str, int]) -> str:
    """ "Bautzen: 8 von 14 Regeln erfüllt, 3 teilweise, 2 Lücke, 1 ohne Daten"."""
    total = sum(count.values())
    return _(
        "%(name)s: %(met)d von %(total)d Regeln erfüllt, %(partial)d teilweise, "
        "%(gap)d Lücke, %(no_data)d ohne Daten"
    ) % {"name": name, "total": total, **count}


def legend_labels() -> dict[str, str]:
    return {
        "met": _("mindestens zwei Drittel der bewerteten Regeln erfüllt"),
        "partial": _("ein bis zwei Drittel der bewerteten Regeln erfüllt"),
        "gap": _("weniger als ein Drittel der bewerteten Regeln erfüllt"),
        "no_data": _("keine Regel bewertet"),
    }


def overview_legend(prefix: str = "lg") -> SafeString:
    return charts.legend(prefix, labels=legend_labels())
