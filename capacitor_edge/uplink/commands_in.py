"""Commands from the fleet (issue 19): MQTT 5 request/response on ``{prefix}/{site}/commands``.

A request is ``{"command": KIND, "chargeBoxId": ID, "body": {...}}``; ``body`` is what the REST
route of the same command takes, checked by the same models (``capacitor_edge.api.models``),
and the command runs through the same domain method, so it is refused, audited and answered as
over REST. The reply goes to the request's response topic with its correlation data:
``{"success": true, "command", "chargeBoxId", "result": {...}}`` or the REST error shape
``{"success": false, "error": {"code", "message"}}``. Only the kinds listed in
``mqtt_allowed_commands`` run (none by default); any other is refused with ``FORBIDDEN``.

Adding a kind is one row in ``uplink/kinds.py``'s ``KINDS`` (and its name in
``capacitor_edge.settings.mqtt.COMMAND_KINDS``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from capacitor_edge.api.models import ChargeBoxId, StrictBody
from capacitor_edge.domain.errors import (
    ChargerConnectionLost,
    ChargerFailed,
    ChargerTimeout,
    ChargerUnavailable,
    Conflict,
    ConnectorBusy,
    Invalid,
    NotFound,
    StorageFailure,
    StorageFull,
)
from capacitor_edge.domain.reservations import ReservationRefused
from capacitor_edge.domain.smart_charging import SmartChargingUnsupported
from capacitor_edge.domain.uplink import Uplink
from capacitor_edge.uplink.kinds import KINDS, CommandKind, Targets

__all__ = ["KINDS", "Targets", "execute", "parse"]

log = logging.getLogger("capacitor_edge.uplink")


class CommandRequest(StrictBody):
    command: str = Field(min_length=1, max_length=64)
    chargeBoxId: ChargeBoxId
    body: dict[str, Any] = Field(default_factory=dict)


#: Error class -> the REST API's error code for it (capacitor_edge.api.errors.OUTCOMES); the
#: most specific class in an error's MRO wins.
ERROR_CODES: dict[type[Exception], str] = {
    Invalid: "VALIDATION_ERROR",
    NotFound: "NOT_FOUND",
    Conflict: "CONFLICT",
    ReservationRefused: "RESERVATION_REFUSED",
    ConnectorBusy: "CONNECTOR_BUSY",
    SmartChargingUnsupported: "SMART_CHARGING_UNSUPPORTED",
    ChargerFailed: "CHARGER_ERROR",
    ChargerConnectionLost: "CHARGER_CONNECTION_LOST",
    ChargerUnavailable: "SERVICE_UNAVAILABLE",
    ChargerTimeout: "CHARGER_TIMEOUT",
    StorageFull: "STORAGE_FULL",
    StorageFailure: "STORAGE_ERROR",
}


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message}}


def _validation_message(error: ValidationError, where: str) -> str:
    parts = []
    for problem in error.errors():
        location = ".".join([where, *(str(part) for part in problem["loc"])]).strip(".")
        parts.append(f"{location or 'payload'}: {problem['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts) or f"{where}: invalid"


def parse(payload: bytes, allowed: frozenset[str]) -> tuple[CommandRequest, CommandKind, BaseModel]:
    """The request, its kind and its checked body; :class:`Refused` when it is not one."""
    try:
        raw = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused("VALIDATION_ERROR", "payload: not valid JSON") from None
    if not isinstance(raw, dict):
        raise Refused("VALIDATION_ERROR", "payload: must be a JSON object")
    try:
        request = CommandRequest.model_validate(raw)
    except ValidationError as error:
        raise Refused("VALIDATION_ERROR", _validation_message(error, "")) from None
    kind = KINDS.get(request.command)
    if kind is None:
        known = ", ".join(KINDS)
        raise Refused(
            "VALIDATION_ERROR", f"command: unknown command {request.command!r} (known: {known})"
        )
    if request.command not in allowed and "*" not in allowed:
        raise Refused(
            "FORBIDDEN",
            f"command: {request.command!r} is not allowed over MQTT on this site "
            "(setting mqtt_allowed_commands)",
        )
    try:
        body = kind.body.model_validate(request.body)
    except ValidationError as error:
        raise Refused("VALIDATION_ERROR", _validation_message(error, "body")) from None
    return request, kind, body


def code_for(error: BaseException) -> str | None:
    for cls in type(error).__mro__:
        code = ERROR_CODES.get(cls)
        if code is not None:
            return code
    return None


async def execute(
    payload: bytes, allowed: frozenset[str], uplink: Uplink, targets: Targets
) -> dict[str, Any]:
    """Run one request; the reply's body."""
    try:
        request, kind, body = parse(payload, allowed)
    except Refused as refused:
        return error_body(refused.code, refused.message)
    except Exception as error:
        # A fault here must cost this one request its answer, never the uplink its commands.
        log.error("MQTT command could not be read", exc_info=error)
        return error_body("INTERNAL_ERROR", "Internal server error")
    try:
        principal = await uplink.principal_for(request.chargeBoxId)
        result = await kind.run(targets, principal, request.chargeBoxId, body)
    except Exception as error:
        code = code_for(error)
        if code is None:
            log.error("MQTT command %s failed", request.command, exc_info=error)
            return error_body("INTERNAL_ERROR", "Internal server error")
        if isinstance(error, Invalid):
            return error_body(code, f"{error.field}: {error.message}")
        body_ = error_body(code, getattr(error, "message", str(error)))
        if isinstance(error, ChargerFailed):
            body_["error"]["chargerErrorCode"] = error.code
            body_["error"]["chargerErrorDescription"] = error.description
        return body_
    return {
        "success": True,
        "command": request.command,
        "chargeBoxId": request.chargeBoxId,
        "result": result,
    }
