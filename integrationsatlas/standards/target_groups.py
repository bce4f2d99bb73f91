"""Which demand indicator stands for which target group of a rule, and the groups planning shows.

The groups themselves (codes, names, who a service serves) have one home,
registry/target_groups.py, which the finder's filter uses as well. A rule may name one of
them; it then needs a demand indicator that counts that group. Groups without any such
indicator in the catalogue cannot carry a rule yet: the document check refuses them.
"""

from __future__ import annotations

from integrationsatlas.registry.target_groups import TargetGroup, group_label

__all__ = ["GROUP_INDICATORS", "VIEW_GROUPS", "group_label", "group_problems"]

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
