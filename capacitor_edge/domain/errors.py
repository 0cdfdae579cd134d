"""Domain errors; the REST layer turns each into one HTTP status and error code."""

from __future__ import annotations


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
