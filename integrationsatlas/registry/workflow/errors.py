"""Why the workflow refuses a change: each error names the field or says what happened meanwhile."""

from __future__ import annotations

from ..models import ChangeRequest


class WorkflowError(ValueError):
    """The change cannot be saved; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class ConflictError(WorkflowError):
    """Someone changed the service after the version this change was based on.

    `diff` lists what changed meanwhile as (field label, then, now).
    """

    def __init__(self, message: str, diff: list[tuple[str, str, str]]):
        super().__init__([message])
        self.diff = diff


class DuplicateIdError(WorkflowError):
    """An external id the payload names is already used by another service or site."""


class StaleReviewError(WorkflowError):
    """The change request was edited after the reviewer loaded it; the decision is refused.

    `change` is the current request, so the caller can show (or link) its current diff.
    """

    def __init__(self, message: str, change: ChangeRequest):
        super().__init__([message])
        self.change = change
