"""Commands to chargers: remote start/stop and every other CSMS-initiated OCPP 1.6 message.

Each endpoint sends one CALL through the charger's one-outstanding-call queue and answers with
the charger's real answer: 200 (or 202 for remote start/stop accepted) with ``status`` in lower
snake case, 503 when the charger is not connected (nothing was sent), 504 when it does not
answer in time, 502 when it answers with a CALLERROR (``CHARGER_ERROR``) or closes its connection
after the CALL went out and before answering (``CHARGER_CONNECTION_LOST``: it may have been carried
out). A ``rejected`` is a successful request, not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from quart import Blueprint
from quart_schema import document_response, validate_querystring, validate_request

from capacitor_edge.api import responses as r
from capacitor_edge.api.files import box_base_url, diagnostics_upload_url, firmware_download_url
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import (
    AvailabilityRequest,
    ConfigurationChangeRequest,
    ConfigurationGetRequest,
    DiagnosticsRequest,
    FirmwareUpdateRequest,
    PageQuery,
    RemoteStart,
    ResetRequest,
    StartTransactionRequest,
    TriggerRequest,
    UnlockRequest,
    WaitQuery,
)
from capacitor_edge.api.transactions import parse_transaction_id
from capacitor_edge.domain.commands import Commands, snake_status
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.files import Files
from capacitor_edge.domain.times import normalise_time
from capacitor_edge.settings import Settings

_WORDS = {
    "accepted": "accepted by charger",
    "rejected": "rejected by charger",
    "not_supported": "not supported by charger",
    "scheduled": "scheduled by charger",
    "reboot_required": "accepted by charger; it takes effect after a reboot",
    "unlocked": "unlocked",
    "unlock_failed": "could not be unlocked",
}

_COMMON_ERRORS = (400, 401, 404, 502, 503, 504)


F = TypeVar("F", bound=Callable[..., Any])


def _documented(model: type[BaseModel], status: int = 200) -> Callable[[F], F]:
    """document_response for the answer and for every error a command can end in."""

    def decorate(func: F) -> F:
        func = document_response(model, status)(func)
        for code in _COMMON_ERRORS:
            func = document_response(r.ErrorBody, code)(func)
        return func

    return decorate


def _said(status: str) -> str:
    """How a message puts ``status``: "accepted by charger", else the status itself."""
    return _WORDS.get(status, status)


def _status(answer: dict[str, Any]) -> str:
    return snake_status(str(answer.get("status", "Accepted")))


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def commands_blueprint(
    commands: Commands, default_id_tag: str, files: Files, settings: Settings
) -> Blueprint:
    bp = Blueprint("commands", __name__)

    async def remote_start(
        charge_box_id: str, connector_id: int | None, id_tag: str, wait: float
    ) -> Any:
        outcome = await commands.remote_start(
            principal(), charge_box_id, connector_id, id_tag, wait
        )
        body: dict[str, Any] = {
            "message": f"Remote start {_said(outcome.status)}",
            "chargeBoxId": charge_box_id,
            "connectorId": outcome.connector_id,
            "idTag": id_tag,
            "status": outcome.status,
            "transactionId": outcome.transaction_id,
        }
        if outcome.status != "accepted":
            return body
        if outcome.transaction_id is not None:
            body["note"] = "The charger started the transaction."
        else:
            body["note"] = (
                "The transactionId is assigned when charging begins. Use GET "
                f"/api/v1/transactions?chargeBoxId={charge_box_id}&status=in_progress to find "
                "it, or send the request with ?wait=30 to wait for it."
            )
        return body, 202

    @bp.post("/chargers/<charge_box_id>/remote-start")
    @_documented(r.RemoteStarted, 202)
    @validate_querystring(WaitQuery)
    @validate_request(RemoteStart)
    async def remote_start_on_charger(
        charge_box_id: str, data: RemoteStart, query_args: WaitQuery
    ) -> Any:
        """RemoteStartTransaction; `?wait=S` (≤ 60) waits for the charger's StartTransaction.
        Without `connectorId` the charger picks the connector."""
        return await remote_start(charge_box_id, data.connectorId, data.idTag, query_args.wait)

    @bp.post("/transactions/start")
    @_documented(r.RemoteStarted, 202)
    @validate_querystring(WaitQuery)
    @validate_request(StartTransactionRequest)
    async def start_transaction(data: StartTransactionRequest, query_args: WaitQuery) -> Any:
        """RemoteStartTransaction with the charger in the body; idTag defaults to the
        `default_remote_id_tag` setting; without `connectorId` the charger picks one."""
        return await remote_start(
            data.chargeBoxId, data.connectorId, data.idTag or default_id_tag, query_args.wait
        )

    @bp.post("/transactions/<transaction_id>/stop")
    @_documented(r.RemoteStopped, 202)
    @document_response(r.ErrorBody, 409)
    async def stop_transaction(transaction_id: str) -> Any:
        """RemoteStopTransaction: 404 unknown, 409 already completed."""
        number = parse_transaction_id(transaction_id)
        charge_box_id, status = await commands.remote_stop(principal(), number)
        if status == "accepted":
            return {
                "message": "Remote stop accepted by charger",
                "transactionId": number,
                "chargeBoxId": charge_box_id,
                "status": "stopping",
                "note": "Transaction will stop shortly. Final details available after "
                "StopTransaction is received.",
            }, 202
        return {
            "message": f"Remote stop {_said(status)}",
            "transactionId": number,
            "chargeBoxId": charge_box_id,
            "status": status,
        }

    @bp.post("/chargers/<charge_box_id>/reset")
    @_documented(r.CommandResult)
    @validate_request(ResetRequest)
    async def reset(charge_box_id: str, data: ResetRequest) -> Any:
        """Reset (OCPP 1.6 §5.14): Soft or Hard."""
        answer = await commands.send(principal(), charge_box_id, "Reset", {"type": data.type})
        status = _status(answer)
        return {
            "message": f"{data.type} reset {_said(status)}",
            "chargeBoxId": charge_box_id,
            "type": data.type,
            "status": status,
        }

    @bp.post("/chargers/<charge_box_id>/unlock")
    @_documented(r.CommandResult)
    @validate_request(UnlockRequest)
    async def unlock(charge_box_id: str, data: UnlockRequest) -> Any:
        """UnlockConnector (OCPP 1.6 §5.18)."""
        answer = await commands.send(
            principal(), charge_box_id, "UnlockConnector", {"connectorId": data.connectorId}
        )
        status = _status(answer)
        message = (
            "Connector unlocked successfully"
            if status == "unlocked"
            else f"Connector {_said(status)}"
        )
        return {
            "message": message,
            "chargeBoxId": charge_box_id,
            "connectorId": data.connectorId,
            "status": status,
        }

    @bp.post("/chargers/<charge_box_id>/cache/clear")
    @_documented(r.CommandResult)
    async def clear_cache(charge_box_id: str) -> Any:
        """ClearCache (OCPP 1.6 §5.4): the charger's local authorization cache."""
        answer = await commands.send(principal(), charge_box_id, "ClearCache", {})
        status = _status(answer)
        message = (
            "Cache cleared successfully" if status == "accepted" else f"Cache clear {_said(status)}"
        )
        return {"message": message, "chargeBoxId": charge_box_id, "status": status}

    @bp.post("/chargers/<charge_box_id>/trigger")
    @_documented(r.CommandResult)
    @validate_request(TriggerRequest)
    async def trigger(charge_box_id: str, data: TriggerRequest) -> Any:
        """TriggerMessage (OCPP 1.6 §5.17)."""
        payload = _without_none(
            {"requestedMessage": data.requestedMessage, "connectorId": data.connectorId}
        )
        answer = await commands.send(principal(), charge_box_id, "TriggerMessage", payload)
        status = _status(answer)
        return {
            "message": f"Trigger of {data.requestedMessage} {_said(status)}",
            "chargeBoxId": charge_box_id,
            "requestedMessage": data.requestedMessage,
            "connectorId": data.connectorId,
            "status": status,
        }

    @bp.post("/chargers/<charge_box_id>/availability")
    @_documented(r.CommandResult)
    @validate_request(AvailabilityRequest)
    async def availability(charge_box_id: str, data: AvailabilityRequest) -> Any:
        """ChangeAvailability (OCPP 1.6 §5.2); connectorId 0 is the whole charger;
        `scheduled` means it takes effect when the running session ends."""
        answer = await commands.send(
            principal(),
            charge_box_id,
            "ChangeAvailability",
            {"connectorId": data.connectorId, "type": data.type},
        )
        status = _status(answer)
        return {
            "message": f"Change to {data.type} {_said(status)}",
            "chargeBoxId": charge_box_id,
            "connectorId": data.connectorId,
            "type": data.type,
            "status": status,
        }

    @bp.post("/chargers/<charge_box_id>/configuration/get")
    @_documented(r.ConfigurationResult)
    @validate_request(ConfigurationGetRequest)
    async def get_configuration(charge_box_id: str, data: ConfigurationGetRequest) -> Any:
        """GetConfiguration (OCPP 1.6 §5.8); no `key` returns every key."""
        payload = {} if data.key is None else {"key": data.key}
        answer = await commands.send(principal(), charge_box_id, "GetConfiguration", payload)
        return {
            "chargeBoxId": charge_box_id,
            "configurationKey": answer.get("configurationKey", []),
            "unknownKey": answer.get("unknownKey", []),
        }

    @bp.post("/chargers/<charge_box_id>/configuration/change")
    @_documented(r.CommandResult)
    @validate_request(ConfigurationChangeRequest)
    async def change_configuration(charge_box_id: str, data: ConfigurationChangeRequest) -> Any:
        """ChangeConfiguration (OCPP 1.6 §5.3)."""
        answer = await commands.send(
            principal(),
            charge_box_id,
            "ChangeConfiguration",
            {"key": data.key, "value": data.value},
        )
        status = _status(answer)
        return {
            "message": f"Change of {data.key} {_said(status)}",
            "chargeBoxId": charge_box_id,
            "key": data.key,
            "value": data.value,
            "status": status,
        }

    @bp.post("/chargers/<charge_box_id>/firmware/update")
    @_documented(r.CommandResult)
    @validate_request(FirmwareUpdateRequest)
    async def update_firmware(charge_box_id: str, data: FirmwareUpdateRequest) -> Any:
        """UpdateFirmware (OCPP 1.6 §5.19); progress arrives as FirmwareStatusNotification.
        Without `location` the charger downloads from the box: `firmwareId`, else the newest
        file uploaded with POST /api/v1/firmware."""
        if data.location is not None and data.firmwareId is not None:
            raise Invalid("firmwareId", "give either location or firmwareId, not both")
        location = data.location
        firmware_id = None
        if location is None:
            firmware = await files.firmware_for_update(principal(), data.firmwareId)
            location = firmware_download_url(box_base_url(settings), firmware)
            firmware_id = firmware.id
        # OCPP requires retrieveDate; "now" unless the caller schedules it.
        retrieve = normalise_time("retrieveDate", data.retrieveDate) or commands.now()
        payload = _without_none(
            {
                "location": location,
                "retrieveDate": retrieve,
                "retries": data.retries,
                "retryInterval": data.retryInterval,
            }
        )
        await commands.send(principal(), charge_box_id, "UpdateFirmware", payload)
        answer: dict[str, Any] = {
            "message": "Firmware update accepted by charger",
            "chargeBoxId": charge_box_id,
            "location": location,
            "retrieveDate": retrieve,
            "status": "accepted",
        }
        if firmware_id is not None:
            answer["firmwareId"] = firmware_id
        return answer

    @bp.post("/chargers/<charge_box_id>/diagnostics")
    @_documented(r.CommandResult)
    @validate_request(DiagnosticsRequest)
    async def get_diagnostics(charge_box_id: str, data: DiagnosticsRequest) -> Any:
        """GetDiagnostics (OCPP 1.6 §5.9); progress arrives as DiagnosticsStatusNotification.
        Without `location` the charger uploads to the box (a one-hour upload URL) and the file
        is listed at GET .../diagnostics-files."""
        location = data.location
        if location is None:
            slot = await files.open_diagnostics_slot(principal(), charge_box_id)
            location = diagnostics_upload_url(box_base_url(settings), slot)
        payload = _without_none(
            {
                "location": location,
                "startTime": normalise_time("startTime", data.startTime),
                "stopTime": normalise_time("stopTime", data.stopTime),
                "retries": data.retries,
                "retryInterval": data.retryInterval,
            }
        )
        answer = await commands.send(principal(), charge_box_id, "GetDiagnostics", payload)
        return {
            "message": "Diagnostics upload accepted by charger",
            "chargeBoxId": charge_box_id,
            "location": location,
            "fileName": answer.get("fileName"),
            "status": "accepted",
        }

    @bp.get("/chargers/<charge_box_id>/commands")
    @document_response(r.CommandLog)
    @validate_querystring(PageQuery)
    async def command_log(charge_box_id: str, query_args: PageQuery) -> Any:
        """The audit log of commands sent to this charger, newest first."""
        records, total = await commands.history(
            principal(), charge_box_id, query_args.limit, query_args.offset
        )
        return {
            "chargeBoxId": charge_box_id,
            "commands": [
                {
                    "action": c.action,
                    "apiKeyId": c.api_key_id,
                    "request": c.request,
                    "outcome": c.outcome,
                    "response": c.response,
                    "errorCode": c.error_code,
                    "errorDescription": c.error_description,
                    "requestedAt": c.requested_at,
                    "finishedAt": c.finished_at,
                }
                for c in records
            ],
            "pagination": {"total": total, "limit": query_args.limit, "offset": query_args.offset},
        }

    return bp
