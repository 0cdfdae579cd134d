"""Remote start and stop over REST (OCPP 1.6 §5.11, §5.12): parse the request, ask the
domain, present its answer. 202 when the charger accepted (the transaction starts or stops
when it says so), 200 with its status otherwise."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import validate_querystring, validate_request

from capacitor_edge.api import responses as r
from capacitor_edge.api.command_bodies import remote_start_body, remote_stop_body
from capacitor_edge.api.contract import returns
from capacitor_edge.api.errors import documents_errors
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import (
    ChargingProfileBody,
    RemoteStart,
    StartTransactionRequest,
    WaitQuery,
)
from capacitor_edge.api.transactions import parse_transaction_id
from capacitor_edge.domain.commands import Commands
from capacitor_edge.domain.errors import (
    ChargerConnectionLost,
    ChargerFailed,
    ChargerTimeout,
    ChargerUnavailable,
    Conflict,
    ConnectorBusy,
    Invalid,
    NotFound,
)
from capacitor_edge.domain.smart_charging import SmartChargingUnsupported

#: What a command to a charger can end in besides its answer (the table in api/errors.py
#: gives each its status).
CALL_ERRORS = (
    Invalid,
    NotFound,
    ChargerFailed,
    ChargerConnectionLost,
    ChargerUnavailable,
    ChargerTimeout,
)


def add_remote_control_routes(bp: Blueprint, commands: Commands, default_id_tag: str) -> None:
    async def remote_start(
        charge_box_id: str,
        connector_id: int | None,
        id_tag: str,
        wait: float,
        profile: ChargingProfileBody | None,
    ) -> Any:
        answer = await commands.remote_start(
            principal(),
            charge_box_id,
            connector_id,
            id_tag,
            wait,
            None if profile is None else profile.wire(),
        )
        return remote_start_body(charge_box_id, id_tag, answer)

    @bp.post("/chargers/<charge_box_id>/remote-start")
    @returns(r.RemoteStarted, 200, 202)
    @documents_errors(*CALL_ERRORS, ConnectorBusy, SmartChargingUnsupported)
    @validate_querystring(WaitQuery)
    @validate_request(RemoteStart)
    async def remote_start_on_charger(
        charge_box_id: str, data: RemoteStart, query_args: WaitQuery
    ) -> Any:
        """RemoteStartTransaction; `?wait=S` (≤ 60) waits for the charger's StartTransaction.
        Without `connectorId` the charger picks the connector; `chargingProfile` (a TxProfile)
        goes with it, 409 `SMART_CHARGING_UNSUPPORTED` if the charger has no smart charging."""
        return await remote_start(
            charge_box_id, data.connectorId, data.idTag, query_args.wait, data.chargingProfile
        )

    @bp.post("/transactions/start")
    @returns(r.RemoteStarted, 200, 202)
    @documents_errors(*CALL_ERRORS, ConnectorBusy, SmartChargingUnsupported)
    @validate_querystring(WaitQuery)
    @validate_request(StartTransactionRequest)
    async def start_transaction(data: StartTransactionRequest, query_args: WaitQuery) -> Any:
        """RemoteStartTransaction with the charger in the body; idTag defaults to the
        `default_remote_id_tag` setting; without `connectorId` the charger picks one."""
        return await remote_start(
            data.chargeBoxId,
            data.connectorId,
            data.idTag or default_id_tag,
            query_args.wait,
            data.chargingProfile,
        )

    @bp.post("/transactions/<transaction_id>/stop")
    @returns(r.RemoteStopped, 200, 202)
    @documents_errors(*CALL_ERRORS, Conflict)
    async def stop_transaction(transaction_id: str) -> Any:
        """RemoteStopTransaction: 404 unknown, 409 already completed."""
        number = parse_transaction_id(transaction_id)
        return remote_stop_body(number, await commands.remote_stop(principal(), number))
