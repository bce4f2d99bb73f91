"""A problem found in an import file: where (row, column) and why, in words a user can act on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row (header = 1) or HSDS list position (first = 1)
    column: str  # column name, or JSON path for HSDS
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("Spalte %(column)s: %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return _("Zeile %(row)s, Spalte %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    """The file as a whole cannot be read (wrong format, missing columns); nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
