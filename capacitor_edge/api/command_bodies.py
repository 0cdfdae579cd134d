"""Command answers → the response models the command endpoints return (``CommandResult`` and
friends): the charger's status in lower snake case, what was asked, and a sentence saying it."""

from __future__ import annotations

from typing import Any

from capacitor_edge.api import responses as r
from capacitor_edge.domain.command_outcomes import (
    ConfigurationAnswer,
    DiagnosticsAnswer,
    FirmwareUpdateAnswer,
    RemoteStartAnswer,
    RemoteStopAnswer,
)

_WORDS = {
    "accepted": "accepted by charger",
    "rejected": "rejected by charger",
    "not_supported": "not supported by charger",
    "scheduled": "scheduled by charger",
    "reboot_required": "accepted by charger; it takes effect after a reboot",
    "unlocked": "unlocked",
    "unlock_failed": "could not be unlocked",
    "unknown_vendor_id": "refused by charger: unknown vendorId",
    "unknown_message_id": "refused by charger: unknown messageId",
}


def said(status: str) -> str:
    """How a message puts ``status``: "accepted by charger", else the status itself."""
    return _WORDS.get(status, status)


def configuration_body(charge_box_id: str, answer: ConfigurationAnswer) -> r.ConfigurationResult:
    keys = []
    for item in answer.configuration_key:
        key = r.ConfigurationKey(key=item.key, readonly=item.readonly)
        if item.value is not None:
            # value is optional in OCPP 1.6 §7.18: left out when the charger leaves it out.
            key.value = item.value
        keys.append(key)
    return r.ConfigurationResult(
        chargeBoxId=charge_box_id, configurationKey=keys, unknownKey=list(answer.unknown_key)
    )


def firmware_update_body(
    charge_box_id: str, answer: FirmwareUpdateAnswer, firmware_id: str | None
) -> r.CommandResult:
    body = r.CommandResult(
        message="Firmware update accepted by charger",
        chargeBoxId=charge_box_id,
        location=answer.location,
        retrieveDate=answer.retrieve_date,
        status="accepted",
    )
    if firmware_id is not None:
        body.firmwareId = firmware_id
    return body


def diagnostics_body(charge_box_id: str, answer: DiagnosticsAnswer) -> r.CommandResult:
    return r.CommandResult(
        message="Diagnostics upload accepted by charger",
        chargeBoxId=charge_box_id,
        location=answer.location,
        fileName=answer.file_name,
        status="accepted",
    )


def remote_start_body(
    charge_box_id: str, id_tag: str, answer: RemoteStartAnswer
) -> tuple[r.RemoteStarted, int]:
    body = r.RemoteStarted(
        message=f"Remote start {said(answer.status)}",
        chargeBoxId=charge_box_id,
        connectorId=answer.connector_id,
        idTag=id_tag,
        status=answer.status,
        transactionId=answer.transaction_id,
    )
    if answer.status != "accepted":
        return body, 200
    if answer.transaction_id is not None:
        body.note = "The charger started the transaction."
    else:
        body.note = (
            "The transactionId is assigned when charging begins. Use GET "
            f"/api/v1/transactions?chargeBoxId={charge_box_id}&status=in_progress to find "
            "it, or send the request with ?wait=30 to wait for it."
        )
    return body, 202


def remote_stop_body(transaction_id: int, answer: RemoteStopAnswer) -> tuple[r.RemoteStopped, int]:
    if answer.status == "accepted":
        return r.RemoteStopped(
            message="Remote stop accepted by charger",
            transactionId=transaction_id,
            chargeBoxId=answer.charge_box_id,
            status="stopping",
            note="Transaction will stop shortly. Final details available after "
            "StopTransaction is received.",
        ), 202
    return r.RemoteStopped(
        message=f"Remote stop {said(answer.status)}",
        transactionId=transaction_id,
        chargeBoxId=answer.charge_box_id,
        status=answer.status,
    ), 200


def command_log_body(
    charge_box_id: str, records: list[Any], total: int, limit: int, offset: int
) -> r.CommandLog:
    return r.CommandLog(
        chargeBoxId=charge_box_id,
        commands=[
            r.CommandEntry(
                action=c.action,
                apiKeyId=c.api_key_id,
                request=c.request,
                outcome=c.outcome,
                response=c.response,
                errorCode=c.error_code,
                errorDescription=c.error_description,
                requestedAt=c.requested_at,
                finishedAt=c.finished_at,
            )
            for c in records
        ],
        pagination=r.Pagination(total=total, limit=limit, offset=offset),
    )
