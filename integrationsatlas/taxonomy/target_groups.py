"""Which demand indicator stands for which target group of a rule (one vocabulary with the finder).

A rule may name a target group from `TargetGroup` (the finder's filter uses the same
codes); it then needs a demand indicator that counts that group. Groups without any such
indicator in the catalogue cannot carry a rule yet: the document check refuses them.
"""

from __future__ import annotations

from .models import TargetGroup

#: Target group -> demand indicators that count it (regions/indicator_catalogue.py).
GROUP_INDICATORS: dict[str, tuple[str, ...]] = {
    TargetGroup.EU_CITIZENS.value: ("foreign_eu27",),
    TargetGroup.REFUGEES.value: ("protection_seekers",),
    TargetGroup.CHILDREN.value: ("children_under_6",),
    TargetGroup.WOMEN.value: ("foreign_female",),
}


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


def group_label(group: str) -> str:
    """The German name of a target group, as the finder shows it."""
    return str(TargetGroup(group).label)
