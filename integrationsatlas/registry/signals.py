"""Signals the registry workflow sends when a change waits, is decided or a version is restored.

Apps above the registry (notifications) listen here, so the workflow never imports them.
Every signal is sent inside the workflow's transaction, after the rows are written, with
`service`, `change` (or None) and `actor` (the user who acted).
"""

from django.dispatch import Signal

change_submitted = Signal()
change_sent_back = Signal()
change_approved = Signal()
service_restored = Signal()
