"""Which services belong to a region: one rule for the API's region filter and planning's pages.

A service belongs to region R when it lies in R or serves R:
- one of its sites lies in R: the site's Gemeinde is R or lies inside R;
- its service area names R, a region inside R (it serves part of R), or a region that
  contains R (it serves all of R, e.g. a Land-wide hotline for a Kreis).

This is the membership the engine credits services by (`analysis.credit.membership` with
`analysis.tree.level_mapping`: a site's Gemeinde maps up to its Kreis, a service area maps up
to the regions containing it and down to those inside it), so the API, the region report,
its funding cliff and the assessment count the same services for a region.

Regions nest by key (AGS): the loader derives every parent from the key (Kreis 14625 is the
parent of its Gemeinden 14625xxx, the Land 14 of its Kreise), so "lies inside R" is "its key
starts with R's key", and the regions containing R are those whose key is a proper prefix of
R's key. One database filter, no walk up the parent chain.
"""

from __future__ import annotations

from django.db.models import Q

# The shortest region key (a Land); shorter prefixes name no region.
SHORTEST_KEY = 2


def containing_keys(key: str) -> list[str]:
    """The keys of the regions that contain the region `key` (its proper prefixes)."""
    return [key[:length] for length in range(SHORTEST_KEY, len(key))]


def service_in_region(key: str) -> Q:
    """A filter on services keeping those that belong to the region `key`.

    Use it with `distinct()` or inside `pk__in`: a service with two matching sites or areas
    matches twice.
    """
    located = Q(locations__gemeinde__ags__startswith=key)
    serving_part = Q(service_area__ags__startswith=key)
    serving_all = Q(service_area__ags__in=containing_keys(key))
    return located | serving_part | serving_all
