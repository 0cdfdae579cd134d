"""The errors :class:`tests.support.charger_process.ChargerProcess` raises."""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]


class ChargerError(Exception):
    """Base class for errors reported by :class:`ChargerProcess`."""


class ChargerCallError(ChargerError):
    """The charger's CALL did not get a CALLRESULT.

    ``origin`` is ``"csms"`` (the CSMS answered CALLERROR), ``"timeout"``,
    ``"response_validation"`` (the CSMS answer failed the ocpp schema) or
    ``"local"`` (rejected by the charger before sending).
    """

    def __init__(
        self,
        code: str,
        description: str,
        *,
        origin: str = "csms",
        details: Any = None,
    ) -> None:
        super().__init__(f"{code}: {description} (origin={origin})")
        self.code = code
        self.description = description
        self.origin = origin
        self.details = details


class ChargerConnectError(ChargerError):
    """The charger could not open its websocket (``status`` = HTTP status or None)."""

    def __init__(self, event: JsonDict) -> None:
        super().__init__(f"charger failed to connect: {event}")
        self.event = event
        self.status: int | None = event.get("status")
        self.error: str = str(event.get("error", ""))


class ChargerProcessError(ChargerError):
    """The child process died or spoke nonsense."""
