"""Target groups, one vocabulary: who a service serves, which figure counts a group, what planning shows.

The codes and names are `TargetGroup` (taxonomy/models.py); the finder's filter, the
registry, the rules of a standard set and the planning pages all use them from here.
Groups are of two kinds: who someone is by origin or residence status (EU citizens,
third-country citizens, refugees, international workers) and who by age or situation
(children, youth, adults, families, women). A service that names groups of one kind only is
limited in that kind and open in the other: "Erwachsene" are adults of every origin,
"Geflüchtete" refugees of every age. A service that names no group, or "all", serves
everyone. `serves` is that rule for the finder and the planning pages; the engine applies
it to arrays (analysis/assess.py, `supply_of`: a service counts when its groups name the
rule's group or "all", or name none) on the groups `effective_groups` spells out
(assessments/engine_input.py), so both always agree.

A rule may name a group; it then needs a demand indicator that counts that group. Groups
without any such indicator in the catalogue cannot carry a rule yet: the document check
refuses them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.utils import translation

from .models import TargetGroup

#: Groups by origin or residence status.
ORIGIN = frozenset(
    {
        TargetGroup.EU_CITIZENS.value,
        TargetGroup.THIRD_COUNTRY.value,
        TargetGroup.REFUGEES.value,
        TargetGroup.WORKERS.value,
    }
)
#: Groups by age or situation.
PERSON = frozenset(
    {
        TargetGroup.CHILDREN.value,
        TargetGroup.YOUTH.value,
        TargetGroup.ADULTS.value,
        TargetGroup.FAMILIES.value,
        TargetGroup.WOMEN.value,
    }
)

#: Target group -> demand indicators that count it, preferred first
#: (regions/indicator_catalogue.py).
GROUP_INDICATORS: dict[str, tuple[str, ...]] = {
    TargetGroup.EU_CITIZENS.value: ("foreign_eu27",),
    TargetGroup.THIRD_COUNTRY.value: ("foreign_third_country",),
    # Protection seekers; the Flüchtlingssozialarbeit's legal target group is a part of them.
    TargetGroup.REFUGEES.value: ("protection_seekers", "fsa_target_group"),
    TargetGroup.WORKERS.value: ("foreign_employees",),
    TargetGroup.CHILDREN.value: ("children_under_6",),
    TargetGroup.WOMEN.value: ("foreign_female",),
}

#: The groups the planning pages and exports show a view for, in this order.
VIEW_GROUPS: tuple[str, ...] = (
    TargetGroup.EU_CITIZENS.value,
    TargetGroup.THIRD_COUNTRY.value,
    TargetGroup.REFUGEES.value,
    TargetGroup.WORKERS.value,
    TargetGroup.CHILDREN.value,
    TargetGroup.YOUTH.value,
)


def effective_groups(groups: Iterable[str]) -> list[str]:
    """The groups a service serves, spelled out: the ones it names plus every group of a kind
    it names none of. No group, or "all", stays as it is (everyone); unknown codes are kept."""
    named = {str(g) for g in groups}
    if not named or TargetGroup.ALL.value in named:
        return sorted(named)
    spelled = set(named)
    if not named & ORIGIN:
        spelled |= ORIGIN
    if not named & PERSON:
        spelled |= PERSON
    return sorted(spelled)


def serves(groups: Iterable[str] | None, group: str) -> bool:
    """Whether a service with these target groups serves `group` (an empty group: anyone)."""
    if not group:
        return True
    spelled = effective_groups(groups or ())
    return not spelled or TargetGroup.ALL.value in spelled or group in spelled


def group_label(group: str) -> str:
    """The name of a target group in the reader's language, as the finder shows it."""
    return _label(group, translation.get_language())


@cache
def _label(group: str, language: str | None) -> str:
    # A planning page names a group once per region (2,500 times for the Gemeinden): the
    # enum lookup and translation of the same few names took 0.4 s of such a page.
    return str(TargetGroup(group).label)


def group_problems(group: object, indicator: object) -> list[tuple[str, str]]:
    """(field, German message) for a rule's `target_group` and `demand_indicator`."""
    if group is None or group == "":
        return []
    known = [g for g in TargetGroup.values if g != TargetGroup.ALL]
    if not isinstance(group, str) or group not in known:
        return [("target_group", f"unbekannte Zielgruppe {group!r}; bekannt: {', '.join(known)}.")]
    wanted = GROUP_INDICATORS.get(group)
    if not wanted:
        usable = ", ".join(sorted(GROUP_INDICATORS))
        return [
            (
                "target_group",
                f"für die Zielgruppe {group!r} gibt es keine Bedarfskennzahl; Regeln je "
                f"Zielgruppe gibt es für: {usable}.",
            )
        ]
    if indicator not in wanted:
        return [
            (
                "demand_indicator",
                f"die Zielgruppe {group!r} braucht die Bedarfskennzahl {' oder '.join(wanted)}, "
                f"nicht {indicator!r}.",
            )
        ]
    return []
