"""Target groups: one vocabulary for services, the finder's filter and the rules of a standard set.

The codes and names live here (`Service.TargetGroup` is this class). Groups are of two
kinds: who someone is by origin or residence status (EU citizens, third-country citizens,
refugees, international workers) and who by age or situation (children, youth, adults,
families, women). A service that names groups of one kind only is limited in that kind and
open in the other: "Erwachsene" are adults of every origin, "Geflüchtete" refugees of every
age. A service that names no group, or "all", serves everyone. `serves` is that rule for the
finder and the planning pages; the engine applies it to arrays (analysis/assess.py,
`supply_of`: a service counts when its groups name the rule's group or "all", or name none)
on the groups `effective_groups` spells out, so both always agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    ALL = "all", _("alle Zugewanderten")
    REFUGEES = "refugees", _("Geflüchtete")
    EU_CITIZENS = "eu_citizens", _("EU-Bürgerinnen und -Bürger")
    THIRD_COUNTRY = "third_country", _("Drittstaatsangehörige")
    WORKERS = "workers", _("internationale Fachkräfte")
    FAMILIES = "families", _("Familien")
    CHILDREN = "children", _("Kinder")
    YOUTH = "youth", _("Jugendliche (12–27)")
    ADULTS = "adults", _("Erwachsene (ab 27)")
    WOMEN = "women", _("Frauen")


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
    return str(TargetGroup(group).label)
