"""What each command to a charger ended in, when the charger answered: typed, frozen.

Statuses are the charger's own, in lower snake case (``Accepted`` → ``accepted``,
``UnlockFailed`` → ``unlock_failed``); a ``rejected`` is an answer, not an error. The outcomes
that are not answers (not connected, no answer in time, a CALLERROR, the connection lost) are
the :class:`~capacitor_edge.domain.errors.CallUnanswered` errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CommandAnswer:
    """The answer of a command whose CALLRESULT carries only a status."""

    status: str


@dataclass(frozen=True)
class ConfigurationValue:
    key: str
    readonly: bool
    value: str | None  # None: the charger did not say (OCPP 1.6 §7.18: optional)


@dataclass(frozen=True)
class ConfigurationAnswer:
    """GetConfiguration (OCPP 1.6 §6.35): the known keys, and those the charger does not know."""

    configuration_key: tuple[ConfigurationValue, ...]
    unknown_key: tuple[str, ...]


@dataclass(frozen=True)
class FirmwareUpdateAnswer:
    """UpdateFirmware (OCPP 1.6 §6.53): the conf has no status; what was asked, as sent."""

    location: str
    retrieve_date: str


@dataclass(frozen=True)
class DiagnosticsAnswer:
    """GetDiagnostics (OCPP 1.6 §6.33): the file the charger will upload, if it says."""

    location: str
    file_name: str | None


@dataclass(frozen=True)
class RemoteStartAnswer:
    status: str
    transaction_id: int | None
    #: The connector named in the request, else the one the charger started on, once known.
    connector_id: int | None


@dataclass(frozen=True)
class RemoteStopAnswer:
    charge_box_id: str
    status: str


@dataclass(frozen=True)
class DataTransferAnswer:
    """DataTransfer (OCPP 1.6 §6.17): the charger's status and the data it sent back."""

    status: str
    data: str | None


@dataclass(frozen=True)
class ProfileAnswer:
    """SetChargingProfile (OCPP 1.6 §6.43): the charger's status, the profile as it went on the
    wire (in the unit the charger takes) and its row in the box's registry."""

    status: str
    profile: dict[str, Any]
    registry_id: int


@dataclass(frozen=True)
class ClearAnswer:
    """ClearChargingProfile (OCPP 1.6 §6.15): ``accepted`` or ``unknown``; how many of the
    registry's profiles that cleared."""

    status: str
    cleared: int


@dataclass(frozen=True)
class CompositeAnswer:
    """GetCompositeSchedule (OCPP 1.6 §6.37): the charger's schedule, in the unit asked for."""

    status: str
    connector_id: int
    schedule_start: str | None
    charging_schedule: dict[str, Any] | None
