"""Commands to chargers over REST: every CSMS-initiated OCPP 1.6 message. Each route parses the
request, calls the one domain method for its action and presents the answer; remote start and
stop are in :mod:`capacitor_edge.api.remote_control`.

The charger's real answer is a 200 with ``status`` in lower snake case (a ``rejected`` is a
successful request, not an error); what else a command can end in (503 not connected, nothing
sent; 504 no answer in time; 502 a CALLERROR, or the connection lost after the CALL went out)
is the table in :mod:`capacitor_edge.api.errors`.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import validate_querystring, validate_request

from capacitor_edge.api import responses as r
from capacitor_edge.api.command_bodies import (
    command_log_body,
    configuration_body,
    diagnostics_body,
    firmware_update_body,
    said,
)
from capacitor_edge.api.contract import returns
from capacitor_edge.api.errors import documents_errors
from capacitor_edge.api.files import box_base_url, diagnostics_upload_url, firmware_download_url
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import (
    AvailabilityRequest,
    ConfigurationChangeRequest,
    ConfigurationGetRequest,
    DataTransferRequest,
    DiagnosticsRequest,
    FirmwareUpdateRequest,
    PageQuery,
    ResetRequest,
    TriggerRequest,
    UnlockRequest,
)
from capacitor_edge.api.remote_control import CALL_ERRORS, add_remote_control_routes
from capacitor_edge.domain.commands import Commands
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.files import Files
from capacitor_edge.settings import Settings


def commands_blueprint(
    commands: Commands, default_id_tag: str, files: Files, settings: Settings
) -> Blueprint:
    bp = Blueprint("commands", __name__)
    add_remote_control_routes(bp, commands, default_id_tag)

    @bp.post("/chargers/<charge_box_id>/reset")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(ResetRequest)
    async def reset(charge_box_id: str, data: ResetRequest) -> Any:
        """Reset (OCPP 1.6 §5.14): Soft or Hard."""
        answer = await commands.reset(principal(), charge_box_id, data.type)
        message = f"{data.type} reset {said(answer.status)}"
        return r.CommandResult(
            message=message, chargeBoxId=charge_box_id, type=data.type, status=answer.status
        )

    @bp.post("/chargers/<charge_box_id>/unlock")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(UnlockRequest)
    async def unlock(charge_box_id: str, data: UnlockRequest) -> Any:
        """UnlockConnector (OCPP 1.6 §5.18)."""
        answer = await commands.unlock_connector(principal(), charge_box_id, data.connectorId)
        message = (
            "Connector unlocked successfully"
            if answer.status == "unlocked"
            else f"Connector {said(answer.status)}"
        )
        return r.CommandResult(
            message=message,
            chargeBoxId=charge_box_id,
            connectorId=data.connectorId,
            status=answer.status,
        )

    @bp.post("/chargers/<charge_box_id>/cache/clear")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    async def clear_cache(charge_box_id: str) -> Any:
        """ClearCache (OCPP 1.6 §5.4): the charger's local authorization cache."""
        answer = await commands.clear_cache(principal(), charge_box_id)
        message = (
            "Cache cleared successfully"
            if answer.status == "accepted"
            else f"Cache clear {said(answer.status)}"
        )
        return r.CommandResult(message=message, chargeBoxId=charge_box_id, status=answer.status)

    @bp.post("/chargers/<charge_box_id>/trigger")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(TriggerRequest)
    async def trigger(charge_box_id: str, data: TriggerRequest) -> Any:
        """TriggerMessage (OCPP 1.6 §5.17)."""
        answer = await commands.trigger_message(
            principal(), charge_box_id, data.requestedMessage, data.connectorId
        )
        return r.CommandResult(
            message=f"Trigger of {data.requestedMessage} {said(answer.status)}",
            chargeBoxId=charge_box_id,
            requestedMessage=data.requestedMessage,
            connectorId=data.connectorId,
            status=answer.status,
        )

    @bp.post("/chargers/<charge_box_id>/availability")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(AvailabilityRequest)
    async def availability(charge_box_id: str, data: AvailabilityRequest) -> Any:
        """ChangeAvailability (OCPP 1.6 §5.2); connectorId 0 is the whole charger;
        `scheduled` means it takes effect when the running session ends."""
        answer = await commands.change_availability(
            principal(), charge_box_id, data.connectorId, data.type
        )
        return r.CommandResult(
            message=f"Change to {data.type} {said(answer.status)}",
            chargeBoxId=charge_box_id,
            connectorId=data.connectorId,
            type=data.type,
            status=answer.status,
        )

    @bp.post("/chargers/<charge_box_id>/configuration/get")
    @returns(r.ConfigurationResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(ConfigurationGetRequest)
    async def get_configuration(charge_box_id: str, data: ConfigurationGetRequest) -> Any:
        """GetConfiguration (OCPP 1.6 §5.8); no `key` returns every key."""
        answer = await commands.get_configuration(principal(), charge_box_id, data.key)
        return configuration_body(charge_box_id, answer)

    @bp.post("/chargers/<charge_box_id>/configuration/change")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(ConfigurationChangeRequest)
    async def change_configuration(charge_box_id: str, data: ConfigurationChangeRequest) -> Any:
        """ChangeConfiguration (OCPP 1.6 §5.3)."""
        answer = await commands.change_configuration(
            principal(), charge_box_id, data.key, data.value
        )
        return r.CommandResult(
            message=f"Change of {data.key} {said(answer.status)}",
            chargeBoxId=charge_box_id,
            key=data.key,
            value=data.value,
            status=answer.status,
        )

    @bp.post("/chargers/<charge_box_id>/firmware/update")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(FirmwareUpdateRequest)
    async def update_firmware(charge_box_id: str, data: FirmwareUpdateRequest) -> Any:
        """UpdateFirmware (OCPP 1.6 §5.19); progress arrives as FirmwareStatusNotification.
        Without `location` the charger downloads from the box: `firmwareId`, else the newest
        file uploaded with POST /api/v1/firmware."""
        if data.location is not None and data.firmwareId is not None:
            raise Invalid("firmwareId", "give either location or firmwareId, not both")
        location, firmware_id = data.location, None
        if location is None:
            # The box's own URL is the one this request came in on (HTTP knowledge).
            firmware = await files.firmware_for_update(principal(), data.firmwareId)
            location = firmware_download_url(box_base_url(settings), firmware)
            firmware_id = firmware.id
        answer = await commands.update_firmware(
            principal(),
            charge_box_id,
            location,
            data.retrieveDate,
            data.retries,
            data.retryInterval,
        )
        return firmware_update_body(charge_box_id, answer, firmware_id)

    @bp.post("/chargers/<charge_box_id>/diagnostics")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(DiagnosticsRequest)
    async def get_diagnostics(charge_box_id: str, data: DiagnosticsRequest) -> Any:
        """GetDiagnostics (OCPP 1.6 §5.9); progress arrives as DiagnosticsStatusNotification.
        Without `location` the charger uploads to the box (a one-hour upload URL) and the file
        is listed at GET .../diagnostics-files."""
        location = data.location
        if location is None:
            slot = await files.open_diagnostics_slot(principal(), charge_box_id)
            location = diagnostics_upload_url(box_base_url(settings), slot)
        answer = await commands.get_diagnostics(
            principal(),
            charge_box_id,
            location,
            data.startTime,
            data.stopTime,
            data.retries,
            data.retryInterval,
        )
        return diagnostics_body(charge_box_id, answer)

    @bp.post("/chargers/<charge_box_id>/data-transfer")
    @returns(r.CommandResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(DataTransferRequest)
    async def data_transfer(charge_box_id: str, data: DataTransferRequest) -> Any:
        """DataTransfer (OCPP 1.6 §5.6): a vendor-specific message; the answer has the
        charger's status and its `data`, if any."""
        answer = await commands.data_transfer(
            principal(), charge_box_id, data.vendorId, data.messageId, data.data
        )
        return r.CommandResult(
            message=f"Data transfer {said(answer.status)}",
            chargeBoxId=charge_box_id,
            vendorId=data.vendorId,
            messageId=data.messageId,
            data=answer.data,
            status=answer.status,
        )

    @bp.get("/chargers/<charge_box_id>/commands")
    @returns(r.CommandLog)
    @validate_querystring(PageQuery)
    async def command_log(charge_box_id: str, query_args: PageQuery) -> Any:
        """The audit log of commands sent to this charger, newest first."""
        limit, offset = query_args.limit, query_args.offset
        records, total = await commands.history(principal(), charge_box_id, limit, offset)
        return command_log_body(charge_box_id, records, total, limit, offset)

    return bp
