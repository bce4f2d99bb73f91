"""Which fields a service snapshot carries, in one place, with the subsets its readers need.

The snapshot and the workflow (`workflow.py`), the review diff (`diff.py`), the import and
export (`interchange`) and the edit form (`forms.py`) all take their field names from here.
Where two of them use different subsets or orders, the subset below is named after its use
and says why it differs.
"""

from __future__ import annotations

# Service fields by what they say; the groups are put together in two orders below.
_NAMING = ("name", "description")
_AVAILABILITY = ("status", "capacity")
_ACCESS = ("is_free", "fee_description", "eligibility", "required_documents")
_CONTACT = ("email", "phone", "website", "contact_name", "by_phone", "online")

# Lists and objects: copied whole, shown in the diff by their own readers (choice labels,
# language names, one line per translation), not as one plain value.
SERVICE_STRUCTURED_FIELDS = ("translations", "target_groups", "languages")

# What snapshot, workflow, import and restore copy between a service row and its payload,
# in the snapshot's key order (stored snapshots and exports have it). The service's
# `external_id` is not among them: it identifies the service, so each writer handles it
# apart (the workflow keeps it unless the payload names one, the import matches by it).
SERVICE_FIELDS = _NAMING + SERVICE_STRUCTURED_FIELDS + _ACCESS + _AVAILABILITY + _CONTACT

# What the review diff lists as one value each, in the order reviewers read them (name,
# state, conditions, contact). It includes `external_id`, which decides which rows of an
# import file update the service.
SERVICE_DIFF_FIELDS = _NAMING + _AVAILABILITY + _ACCESS + _CONTACT + ("external_id",)

# A site's own values: what the review diff compares per site (it titles each site by
# number and address and does not list the site's external id).
LOCATION_DIFF_FIELDS = (
    "name",
    "address",
    "postal_code",
    "city",
    "longitude",
    "latitude",
    "placement",
    "wheelchair_accessible",
    "accessibility_notes",
    "transit_notes",
)

# What snapshot, workflow and import copy per site: its values and its external id, by which
# files name a site and imports find it again.
LOCATION_FIELDS = ("external_id", *LOCATION_DIFF_FIELDS)

# A funding row's keys, as snapshot, edit form and files carry them.
FUNDING_FIELDS = (
    "funder_level",
    "funder_name",
    "programme",
    "amount_per_year",
    "share",
    "start",
    "end",
)
