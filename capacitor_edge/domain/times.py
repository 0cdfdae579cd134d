"""Times that arrive in requests, stored and shown in one format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


#: A charger time before this is a clock that was never set: a real-time clock without power or
#: network time reads 1970 (the Unix epoch) or 2000; no OCPP 1.6 charger (2015) ran before it.
CLOCK_SET_SINCE = datetime(2015, 1, 1, tzinfo=UTC)
#: A charger time further ahead of the box's clock than this is a clock set wrong. Behind is
#: normal: a charger replays messages it queued while offline, with their own times.
CLOCK_AHEAD_LIMIT = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ChargerTime:
    """A timestamp a charger sent, read once for storing and for judging it."""

    #: What was sent, as ISO-8601 UTC with milliseconds and ``Z`` (the receive time when the
    #: field was absent or unreadable: the schema's date-time admits forms, e.g. nanoseconds,
    #: that Python does not parse).
    text: str
    #: Sent without a zone ("2026-01-01T12:00:00"): read as UTC, as most such chargers mean it.
    zoneless: bool
    #: From a clock not set yet (see above): store it, but derive nothing from it.
    suspect: bool


def charger_time(text: str | None, received: datetime, received_text: str) -> ChargerTime:
    """Read a charger's timestamp; ``received`` (and its ``iso_z`` form) is the box's time."""
    if not text:
        return ChargerTime(received_text, zoneless=False, suspect=False)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        zoneless = moment.tzinfo is None
        moment = moment.replace(tzinfo=UTC) if zoneless else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: e.g. year 1 at +01:00
        return ChargerTime(received_text, zoneless=False, suspect=False)
    suspect = moment < CLOCK_SET_SINCE or moment - received > CLOCK_AHEAD_LIMIT
    return ChargerTime(iso_z(moment), zoneless, suspect)
