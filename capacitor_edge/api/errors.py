"""One error shape for the whole REST API (DESIGN.md, convention 7):
``{"success": false, "error": {"code": "NOT_FOUND", "message": "Charger X not found"}}``."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from quart import Quart, Response, jsonify
from quart_schema import RequestSchemaValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

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
)

log = logging.getLogger("capacitor_edge.api")

_STATUS_CODES = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMIT_ERROR",
    500: "INTERNAL_ERROR",
    502: "CHARGER_ERROR",
    503: "SERVICE_UNAVAILABLE",
    504: "CHARGER_TIMEOUT",
}


def error_response(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"success": False, "error": {"code": code, "message": message}}), status


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


def _method_not_allowed(error: MethodNotAllowed) -> tuple[Response, int]:
    """405 with ``Allow`` (RFC 9110 §15.5.6 requires it), in the API's error shape."""
    allowed = sorted(set(error.valid_methods or ()) - _AUTOMATIC_METHODS)
    listed = ", ".join(allowed)
    response, status = error_response(
        405, "METHOD_NOT_ALLOWED", f"method: this URL takes {listed or 'no method'}"
    )
    response.headers["Allow"] = listed
    return response, status


def install_error_handlers(app: Quart) -> None:
    @app.errorhandler(RequestSchemaValidationError)
    async def schema_error(error: RequestSchemaValidationError) -> Any:
        inner = error.validation_error
        if isinstance(inner, ValidationError):
            problems = inner.errors()
            if problems and problems[0]["loc"] == () and problems[0]["type"].endswith("_type"):
                return error_response(400, "VALIDATION_ERROR", "body: must be a JSON object")
            return error_response(400, "VALIDATION_ERROR", describe_validation_error(inner))
        return error_response(400, "VALIDATION_ERROR", str(inner))

    @app.errorhandler(NotFound)
    async def not_found(error: NotFound) -> Any:
        return error_response(404, error.code, error.message)

    @app.errorhandler(Conflict)
    async def conflict(error: Conflict) -> Any:
        return error_response(409, error.code, error.message)

    @app.errorhandler(ConnectorBusy)
    async def connector_busy(error: ConnectorBusy) -> Any:
        return error_response(409, error.code, error.message)

    @app.errorhandler(ChargerUnavailable)
    async def charger_unavailable(error: ChargerUnavailable) -> Any:
        return error_response(503, error.code, error.message)

    @app.errorhandler(ChargerTimeout)
    async def charger_timeout(error: ChargerTimeout) -> Any:
        return error_response(504, error.code, error.message)

    @app.errorhandler(ChargerConnectionLost)
    async def charger_connection_lost(error: ChargerConnectionLost) -> Any:
        # 502 like a proxy whose upstream closed before answering; the code tells it apart
        # from a CALLERROR, and the message says the command may have been carried out.
        return error_response(502, error.code, error.message)

    @app.errorhandler(ChargerFailed)
    async def charger_failed(error: ChargerFailed) -> Any:
        body = {
            "success": False,
            "error": {
                "code": error.code,
                "message": error.message,
                "chargerErrorCode": error.charger_code,
                "chargerErrorDescription": error.charger_description,
            },
        }
        return jsonify(body), 502

    @app.errorhandler(StorageFailure)
    async def storage_failure(error: StorageFailure) -> Any:
        # 503: the request was fine and may be sent again once there is room; nothing of it
        # was stored. The message names the data dir and its free space for the operator.
        return error_response(503, error.code, error.message)

    @app.errorhandler(Invalid)
    async def invalid(error: Invalid) -> Any:
        return error_response(400, error.code, f"{error.field}: {error.message}")

    @app.errorhandler(DomainError)
    async def domain_error(error: DomainError) -> Any:
        log.error("unmapped domain error %s: %s", type(error).__name__, error.message)
        return error_response(500, "INTERNAL_ERROR", "Internal server error")

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        code = _STATUS_CODES.get(status, "ERROR")
        if status == 400:
            message = "body: not valid JSON"
        elif status == 404:
            message = "No such endpoint"
        elif isinstance(error, MethodNotAllowed):
            return _method_not_allowed(error)
        else:
            message = error.description or error.name
        return error_response(status, code, message)

    @app.errorhandler(Exception)
    async def unexpected(error: Exception) -> Any:
        # Never leak a stack trace to the client; the log keeps it.
        log.exception("unhandled error in request")
        return error_response(500, "INTERNAL_ERROR", "Internal server error")
