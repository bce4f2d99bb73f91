"""Payload rows (weekly hours, closed days, funding) as unsaved model rows, for every writer.

`applying.apply_snapshot` (workflow and import) and the import's bulk writer for new services
all build their rows here, so one payload row means the same stored row whichever path
writes it. Values are parsed as the validator reads them (`validation.parse_time`,
`parse_date`); the callers validate or normalise the rows first and save the rows themselves
(one by one with a history reason, or in bulk).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import Funding, Schedule, ScheduleException, Service
from .validation import parse_date, parse_time


def schedule_from_row(owner: dict[str, Any], row: dict[str, Any]) -> Schedule:
    """One weekly interval; `owner` is `{"service_at_location": link}` or `{"service": service}`."""
    return Schedule(
        **owner,
        weekday=int(row["weekday"]),
        opens_at=parse_time(row["opens_at"]),
        closes_at=parse_time(row["closes_at"]),
        valid_from=parse_date(row.get("valid_from")),
        valid_to=parse_date(row.get("valid_to")),
        note=row.get("note") or "",
    )


def exception_from_row(owner: dict[str, Any], row: dict[str, Any]) -> ScheduleException:
    """One closed or differently opened day; a closed day keeps no opening times."""
    closed = bool(row.get("closed", True))
    return ScheduleException(
        **owner,
        date=parse_date(row["date"]),
        closed=closed,
        opens_at=None if closed else parse_time(row.get("opens_at")),
        closes_at=None if closed else parse_time(row.get("closes_at")),
        note=row.get("note") or "",
    )


def funding_from_row(service: Service, row: dict[str, Any]) -> Funding:
    """One funding row; the amount as an exact Decimal (payloads carry "0.00" text or numbers)."""
    amount = row.get("amount_per_year")
    share = row.get("share")
    return Funding(
        service=service,
        funder_level=row["funder_level"],
        funder_name=row.get("funder_name") or "",
        programme=row.get("programme") or "",
        # str() first: Decimal(0.1) would carry the float's binary error into the amount.
        amount_per_year=None if amount in (None, "") else Decimal(str(amount)),
        # The validator lets an empty share through; it means the whole service (1.0).
        share=1.0 if share in (None, "") else float(share),
        start=parse_date(row.get("start")),
        end=parse_date(row.get("end")),
    )
