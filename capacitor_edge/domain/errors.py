"""The domain's outcomes that are not answers: one tree under :class:`DomainError`.

Each class says what happened, never how an adapter shows it: the REST API's one table from
class to HTTP status and error code is ``capacitor_edge.api.errors.OUTCOMES``, and the OCPP
listener answers :class:`CallRejected` with the CALLERROR it names.
"""

from __future__ import annotations

# The storage's own failures (a full disk, a broken file) are raised below the domain, so they
# cannot be rooted here; they reach the adapters as they are and have their rows in the same
# table. Named here so the adapters know one error tree.
from capacitor_edge.storage.space import StorageFailure as StorageFailure
from capacitor_edge.storage.space import StorageFull as StorageFull


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class Invalid(DomainError):
    """A request that is well-formed but not acceptable; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class CallRejected(DomainError):
    """A charger's CALL that passes the schema but breaks a rule of the spec the schema cannot
    express; answered with this OCPP-J CALLERROR code instead of a CALLRESULT."""

    def __init__(self, ocpp_code: str, message: str) -> None:
        super().__init__(message)
        self.ocpp_code = ocpp_code


class ConnectorBusy(DomainError):
    """The connector cannot take a remote start now; nothing was sent."""


class CallUnanswered(DomainError):
    """A CSMS-initiated CALL that got no CALLRESULT. Raised by the live link (the transport),
    which alone sees why; ``audit`` is the outcome the command's audit record keeps."""

    audit = "failed"


class ChargerUnavailable(CallUnanswered):
    """The charger has no live session: nothing was sent."""

    audit = "not_connected"

    def __init__(self, charge_box_id: str) -> None:
        super().__init__(f"Charger {charge_box_id} is not connected")


class ChargerTimeout(CallUnanswered):
    """The charger did not answer in time."""

    audit = "timeout"

    def __init__(self, charge_box_id: str, action: str, timeout_s: float) -> None:
        super().__init__(f"Charger {charge_box_id} did not answer {action} within {timeout_s:g} s")


class ChargerConnectionLost(CallUnanswered):
    """The CALL went out, then the charger's session ended before it answered: unlike "not
    connected", the charger may have carried it out (a Reset it acts on before its Reset.conf),
    so a blind retry could do it twice."""

    audit = "connection_lost"

    def __init__(self, charge_box_id: str, action: str) -> None:
        super().__init__(
            f"{action} was sent to {charge_box_id}, then the connection was lost before it "
            "answered; it may have been carried out"
        )


class ChargerFailed(CallUnanswered):
    """The charger answered with a CALLERROR (or with an answer its schema refuses): ``code``
    and ``description`` are the charger's own (OCPP-J 1.6 §4.2.3)."""

    audit = "call_error"

    def __init__(self, charge_box_id: str, action: str, code: str, description: str) -> None:
        super().__init__(
            f"Charger {charge_box_id} answered {action} with {code}"
            + (f": {description}" if description else "")
        )
        self.code = code
        self.description = description
