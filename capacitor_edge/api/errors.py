"""One error shape for the whole REST API (DESIGN.md, convention 7):
``{"success": false, "error": {"code": "NOT_FOUND", "message": "Charger X not found"}}``.

:data:`OUTCOMES` is the one table from an error's class to its HTTP status and error code; one
handler answers every error with it, and the OpenAPI document describes each status from it
(:func:`status_meanings`), so what is documented and what is sent cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from quart import Quart, Response, jsonify
from quart_schema import RequestSchemaValidationError, document_response
from werkzeug import exceptions as http

from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import body
from capacitor_edge.domain.errors import (
    ChargerConnectionLost,
    ChargerFailed,
    ChargerTimeout,
    ChargerUnavailable,
    Conflict,
    ConnectorBusy,
    DomainError,
    Invalid,
    NotFound,
    StorageFailure,
    StorageFull,
)
from capacitor_edge.domain.files import TooLarge
from capacitor_edge.domain.reservations import ReservationRefused
from capacitor_edge.domain.smart_charging import SmartChargingUnsupported

log = logging.getLogger("capacitor_edge.api")


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    code: str
    #: What the code means, for the OpenAPI document ("" when another row says it).
    meaning: str = ""


#: Error class -> how the API answers it; the most specific class in an error's MRO wins.
OUTCOMES: dict[type[Exception], ErrorAnswer] = {
    Invalid: ErrorAnswer(400, "VALIDATION_ERROR", "Invalid input; the message names the field."),
    RequestSchemaValidationError: ErrorAnswer(400, "VALIDATION_ERROR"),
    http.BadRequest: ErrorAnswer(400, "VALIDATION_ERROR"),
    http.Unauthorized: ErrorAnswer(401, "UNAUTHORIZED", "Missing, unknown or revoked API key."),
    http.Forbidden: ErrorAnswer(403, "FORBIDDEN", "Not allowed."),
    NotFound: ErrorAnswer(404, "NOT_FOUND", "Nothing of that id in your organisation."),
    http.NotFound: ErrorAnswer(404, "NOT_FOUND"),
    http.MethodNotAllowed: ErrorAnswer(405, "METHOD_NOT_ALLOWED", "See the Allow header."),
    Conflict: ErrorAnswer(409, "CONFLICT", "The request contradicts the current state."),
    ConnectorBusy: ErrorAnswer(
        409, "CONNECTOR_BUSY", "The connector is in a session or cannot start one; nothing sent."
    ),
    SmartChargingUnsupported: ErrorAnswer(
        409,
        "SMART_CHARGING_UNSUPPORTED",
        "The charger does not list SmartCharging in its SupportedFeatureProfiles; nothing sent.",
    ),
    ReservationRefused: ErrorAnswer(
        409,
        "RESERVATION_REFUSED",
        "The charger answered ReserveNow or CancelReservation with other than Accepted "
        "(the message says what: Faulted, Occupied, Rejected, Unavailable).",
    ),
    http.Conflict: ErrorAnswer(409, "CONFLICT"),
    TooLarge: ErrorAnswer(413, "PAYLOAD_TOO_LARGE", "Body larger than allowed."),
    http.RequestEntityTooLarge: ErrorAnswer(413, "PAYLOAD_TOO_LARGE"),
    http.UnsupportedMediaType: ErrorAnswer(415, "UNSUPPORTED_MEDIA_TYPE", "Wrong Content-Type."),
    http.TooManyRequests: ErrorAnswer(
        429, "RATE_LIMIT_ERROR", "Too many failed API keys from this address; see Retry-After."
    ),
    http.InternalServerError: ErrorAnswer(500, "INTERNAL_ERROR", "A fault of the box."),
    ChargerFailed: ErrorAnswer(
        502,
        "CHARGER_ERROR",
        "The charger answered with a CALLERROR (`chargerErrorCode`, `chargerErrorDescription`).",
    ),
    # 502 like a proxy whose upstream closed before answering; the code tells it apart from a
    # CALLERROR, and the message says the command may have been carried out.
    ChargerConnectionLost: ErrorAnswer(
        502,
        "CHARGER_CONNECTION_LOST",
        "The command went out, then the charger's connection ended before it answered: "
        "it may have been carried out.",
    ),
    ChargerUnavailable: ErrorAnswer(
        503, "SERVICE_UNAVAILABLE", "The charger is not connected; nothing was sent."
    ),
    http.ServiceUnavailable: ErrorAnswer(503, "SERVICE_UNAVAILABLE"),
    # 503: the request was fine and may be sent again once there is room; nothing of it was
    # stored. The message names the data dir and its free space for the operator.
    StorageFull: ErrorAnswer(503, "STORAGE_FULL", "The box's disk is full; nothing was stored."),
    StorageFailure: ErrorAnswer(
        503, "STORAGE_ERROR", "The box cannot write its data; nothing was stored."
    ),
    ChargerTimeout: ErrorAnswer(504, "CHARGER_TIMEOUT", "The charger did not answer in time."),
}
_INTERNAL = ErrorAnswer(500, "INTERNAL_ERROR")


def answer_for(error: BaseException) -> ErrorAnswer | None:
    for kind in type(error).__mro__:
        row = OUTCOMES.get(kind)
        if row is not None:
            return row
    return None


def status_meanings() -> dict[int, str]:
    """Status -> what it means, from the table: the OpenAPI document's descriptions."""
    said: dict[int, dict[str, str]] = {}
    for row in OUTCOMES.values():
        codes = said.setdefault(row.status, {})
        if row.meaning and row.code not in codes:
            codes[row.code] = row.meaning
    return {
        status: " ".join(f"`{code}`: {meaning}" for code, meaning in codes.items())
        for status, codes in said.items()
    }


F = TypeVar("F", bound=Callable[..., Any])


def documents_errors(*errors: type[Exception]) -> Callable[[F], F]:
    """Document, from the table, the error responses a route can end in."""

    def decorate(func: F) -> F:
        for status in sorted({OUTCOMES[error].status for error in errors}):
            func = document_response(r.ErrorBody, status)(func)
        return func

    return decorate


def error_response(
    status: int, code: str, message: str, detail: r.ErrorDetail | None = None
) -> tuple[Response, int]:
    """The error shape, built from its model (``success`` given, so it is sent)."""
    error = detail or r.ErrorDetail(code=code, message=message)
    return jsonify(body(r.ErrorBody(success=False, error=error))), status


def describe_validation_error(error: ValidationError, where: str = "body") -> str:
    """Name the first offending field: ``limit: Input should be less than or equal to 500``."""
    parts: list[str] = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]) or where
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{location}: {message}")
    return "; ".join(parts) if parts else f"{where}: invalid"


#: Methods the router answers on every route by itself; Allow lists the route's own ones.
_AUTOMATIC_METHODS = frozenset({"HEAD", "OPTIONS"})


def _schema_message(error: RequestSchemaValidationError) -> str:
    inner = error.validation_error
    if isinstance(inner, ValidationError):
        problems = inner.errors()
        if problems and problems[0]["loc"] == () and problems[0]["type"].endswith("_type"):
            return "body: must be a JSON object"
        return describe_validation_error(inner)
    return str(inner)


def _message(error: Exception) -> str:
    if isinstance(error, RequestSchemaValidationError):
        return _schema_message(error)
    if isinstance(error, Invalid):
        return f"{error.field}: {error.message}"
    if isinstance(error, DomainError | StorageFailure):
        return error.message
    if isinstance(error, http.BadRequest):
        return "body: not valid JSON"
    if isinstance(error, http.NotFound):
        return "No such endpoint"
    if isinstance(error, http.MethodNotAllowed):
        return f"method: this URL takes {_allowed(error) or 'no method'}"
    if isinstance(error, http.HTTPException):
        return error.description or error.name
    return "Internal server error"


def _allowed(error: http.MethodNotAllowed) -> str:
    return ", ".join(sorted(set(error.valid_methods or ()) - _AUTOMATIC_METHODS))


def answer_error(error: Exception) -> tuple[Response, int]:
    """The one handler: every error, in the API's error shape, from :data:`OUTCOMES`."""
    row = answer_for(error)
    if row is None and isinstance(error, http.HTTPException):
        row = ErrorAnswer(error.code or 500, "ERROR")
    if row is None:
        if isinstance(error, DomainError):
            log.error("unmapped domain error %s: %s", type(error).__name__, error.message)
        else:
            # Never leak a stack trace to the client; the log keeps it.
            log.error("unhandled error in request", exc_info=error)
        return error_response(_INTERNAL.status, _INTERNAL.code, "Internal server error")
    if isinstance(error, ChargerFailed):
        detail = r.ErrorDetail(
            code=row.code,
            message=error.message,
            chargerErrorCode=error.code,
            chargerErrorDescription=error.description,
        )
        return error_response(row.status, row.code, error.message, detail)
    response, status = error_response(row.status, row.code, _message(error))
    if isinstance(error, http.MethodNotAllowed):
        response.headers["Allow"] = _allowed(error)  # RFC 9110 §15.5.6 requires it
    return response, status


def install_error_handlers(app: Quart) -> None:
    async def handle(error: Exception) -> Any:
        return answer_error(error)

    app.register_error_handler(Exception, handle)
