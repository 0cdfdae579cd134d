"""Domain errors; the REST layer turns each into one HTTP status and error code."""

from __future__ import annotations

# The storage's own failures (a full disk: HTTP 503 STORAGE_FULL, others STORAGE_ERROR) reach
# the adapters as they are; named here so the adapters know one error tree.
from capacitor_edge.storage.space import StorageFailure as StorageFailure
from capacitor_edge.storage.space import StorageFull as StorageFull


class DomainError(Exception):
    code = "INTERNAL_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class Invalid(DomainError):
    """A request that is well-formed but not acceptable; ``field`` names what is wrong."""

    code = "VALIDATION_ERROR"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class CallRejected(DomainError):
    """A charger's CALL that passes the schema but breaks a rule of the spec the schema cannot
    express; answered with this OCPP-J CALLERROR code instead of a CALLRESULT."""

    def __init__(self, ocpp_code: str, message: str) -> None:
        super().__init__(message)
        self.ocpp_code = ocpp_code


class ChargerUnavailable(DomainError):
    """The charger is not connected (HTTP 503)."""

    code = "SERVICE_UNAVAILABLE"


class ChargerTimeout(DomainError):
    """The charger did not answer in time (HTTP 504)."""

    code = "CHARGER_TIMEOUT"


class ChargerConnectionLost(DomainError):
    """The command went out, then the charger's connection ended before it answered (HTTP 502):
    unlike "not connected", the charger may have carried it out, so a blind retry could do it
    twice (a second reset)."""

    code = "CHARGER_CONNECTION_LOST"


class ChargerFailed(DomainError):
    """The charger answered with a CALLERROR (HTTP 502)."""

    code = "CHARGER_ERROR"

    def __init__(self, message: str, charger_code: str, charger_description: str) -> None:
        super().__init__(message)
        self.charger_code = charger_code
        self.charger_description = charger_description


class ConnectorBusy(DomainError):
    """The connector cannot take a remote start now (HTTP 409)."""

    code = "CONNECTOR_BUSY"
