"""The registry workflow: save (direct or for review), approve, send back, restore, delete.

Web pages, the API and providers' imports write services through here; every write runs in
one transaction, takes the service's lock first and leaves a history row naming who, when
and why. A service's full state travels as a snapshot (`registry/snapshot.py`); the live
rows are the last approved state, written by `registry/applying.py`; a provider's pending
edit is a `ChangeRequest` holding the proposed snapshot.

The modules by job: `changes` (saving, change requests), `review` (approve, send back),
`restoring` (restore a version, delete, undelete), `locking` (row lock, version check),
`errors`. This package names the entry points in one place.
"""

from __future__ import annotations

from ..snapshot import service_snapshot, with_snapshot_rows
from ..validation import validate_snapshot
from .changes import OPEN_STATES, open_change, save_service
from .errors import ConflictError, DuplicateIdError, StaleReviewError, WorkflowError
from .restoring import delete_service, may_delete, restore, undelete_service
from .review import approve, can_approve, send_back

__all__ = [
    "OPEN_STATES",
    "ConflictError",
    "DuplicateIdError",
    "StaleReviewError",
    "WorkflowError",
    "approve",
    "can_approve",
    "delete_service",
    "may_delete",
    "open_change",
    "restore",
    "save_service",
    "send_back",
    "service_snapshot",
    "undelete_service",
    "validate_snapshot",
    "with_snapshot_rows",
]
