"""Times that arrive in requests, stored and shown in one format."""

from __future__ import annotations

from capacitor_edge.clock import iso_z, parse_iso
from capacitor_edge.domain.errors import Invalid


def normalise_time(field: str, text: str | None) -> str | None:
    """``text`` (any ISO-8601 form) as ISO-8601 UTC with milliseconds and ``Z``, so stored
    times compare as strings; Invalid naming ``field`` when unreadable."""
    if text is None:
        return None
    try:
        return iso_z(parse_iso(text))
    except (ValueError, OverflowError):
        # OverflowError: a valid date-time whose UTC form falls outside years 1-9999.
        raise Invalid(field, "must be an ISO-8601 date-time") from None
