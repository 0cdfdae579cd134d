"""The command kinds the fleet may send over MQTT (uplink/commands_in.py): each its body's
model (the REST route's own) and the domain call it makes, answering with the REST route's
response body, so that a command reads and answers the same whichever way it came."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from capacitor_edge.api.authorization_bodies import local_list_body, local_list_result, present
from capacitor_edge.api.authorization_models import LocalListRequest, ReservationRequest
from capacitor_edge.api.command_bodies import remote_start_body
from capacitor_edge.api.models import (
    SQL_INT_MAX,
    AvailabilityRequest,
    ChargingProfileBody,
    ClearChargingProfilesQuery,
    RemoteStart,
    ResetRequest,
    SetChargingProfileRequest,
    StrictBody,
    TriggerRequest,
    UnlockRequest,
)
from capacitor_edge.domain.commands import MAX_WAIT_S, Commands
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.smart_charging import SmartCharging


class Empty(StrictBody):
    """A command that takes nothing."""


class RemoteStopBody(StrictBody):
    """REST takes the transaction in the path (``POST /transactions/{id}/stop``)."""

    transactionId: int = Field(ge=0, le=SQL_INT_MAX)


class RemoteStartCommand(RemoteStart):
    """REST's ``?wait=S`` (the same bounds as its WaitQuery) rides in the body: with it the
    answer waits for the charger's StartTransaction and carries its transactionId."""

    wait: float = Field(default=0, ge=0, le=MAX_WAIT_S)


# The base's field types are names (postponed annotations) in api/models.py's namespace.
RemoteStartCommand.model_rebuild(_types_namespace={"ChargingProfileBody": ChargingProfileBody})


class CancelReservationBody(StrictBody):
    """REST takes the reservation in the path (``DELETE …/reservations/{id}``)."""

    reservationId: int = Field(ge=0, le=SQL_INT_MAX)


def _dumped(model: BaseModel) -> dict[str, Any]:
    # The REST answer's JSON exactly (api/contract.py's DUMP_OPTIONS; that module is HTTP's).
    return model.model_dump(exclude_unset=True)


@dataclass(frozen=True)
class Targets:
    commands: Commands
    smart_charging: SmartCharging


Run = Callable[[Targets, Principal, str, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class CommandKind:
    body: type[BaseModel]
    run: Run


async def _reset(t: Targets, p: Principal, cbid: str, b: ResetRequest) -> dict[str, Any]:
    return {"status": (await t.commands.reset(p, cbid, b.type)).status}


async def _unlock(t: Targets, p: Principal, cbid: str, b: UnlockRequest) -> dict[str, Any]:
    return {"status": (await t.commands.unlock_connector(p, cbid, b.connectorId)).status}


async def _availability(
    t: Targets, p: Principal, cbid: str, b: AvailabilityRequest
) -> dict[str, Any]:
    answer = await t.commands.change_availability(p, cbid, b.connectorId, b.type)
    return {"status": answer.status}


async def _clear_cache(t: Targets, p: Principal, cbid: str, b: Empty) -> dict[str, Any]:
    return {"status": (await t.commands.clear_cache(p, cbid)).status}


async def _trigger(t: Targets, p: Principal, cbid: str, b: TriggerRequest) -> dict[str, Any]:
    answer = await t.commands.trigger_message(p, cbid, b.requestedMessage, b.connectorId)
    return {"status": answer.status}


async def _remote_start(
    t: Targets, p: Principal, cbid: str, b: RemoteStartCommand
) -> dict[str, Any]:
    profile = b.chargingProfile.wire() if b.chargingProfile is not None else None
    answer = await t.commands.remote_start(p, cbid, b.connectorId, b.idTag, b.wait, profile)
    started, _status = remote_start_body(cbid, b.idTag, answer)
    return _dumped(started)


async def _remote_stop(t: Targets, p: Principal, cbid: str, b: RemoteStopBody) -> dict[str, Any]:
    # The request's chargeBoxId names the organisation; the transaction names the charger.
    answer = await t.commands.remote_stop(p, b.transactionId)
    return {
        "status": answer.status,
        "transactionId": b.transactionId,
        "chargeBoxId": answer.charge_box_id,
    }


async def _set_profile(
    t: Targets, p: Principal, cbid: str, b: SetChargingProfileRequest
) -> dict[str, Any]:
    answer = await t.smart_charging.set_profile(p, cbid, b.connectorId, b.csChargingProfiles.wire())
    return {
        "status": answer.status,
        "registryId": answer.registry_id,
        "csChargingProfiles": answer.profile,
    }


async def _clear_profile(
    t: Targets, p: Principal, cbid: str, b: ClearChargingProfilesQuery
) -> dict[str, Any]:
    answer = await t.smart_charging.clear(p, cbid, None, b.connectorId, b.purpose, b.stackLevel)
    return {"status": answer.status, "cleared": answer.cleared}


async def _reserve(t: Targets, p: Principal, cbid: str, b: ReservationRequest) -> dict[str, Any]:
    record = await t.commands.reserve_now(
        p, cbid, b.connectorId, b.idTag, b.expiryDate, b.parentIdTag
    )
    return _dumped(present(record))


async def _cancel_reservation(
    t: Targets, p: Principal, cbid: str, b: CancelReservationBody
) -> dict[str, Any]:
    return _dumped(present(await t.commands.cancel_reservation(p, cbid, b.reservationId)))


async def _send_local_list(
    t: Targets, p: Principal, cbid: str, b: LocalListRequest
) -> dict[str, Any]:
    result = await t.commands.send_local_list(p, cbid, b.updateType)
    return _dumped(local_list_result(cbid, result))


async def _local_list_version(t: Targets, p: Principal, cbid: str, b: Empty) -> dict[str, Any]:
    return _dumped(local_list_body(cbid, await t.commands.get_local_list_version(p, cbid)))


#: Command kind -> its body's model and the domain call.
KINDS: dict[str, CommandKind] = {
    "reset": CommandKind(ResetRequest, _reset),
    "unlock": CommandKind(UnlockRequest, _unlock),
    "availability": CommandKind(AvailabilityRequest, _availability),
    "clear_cache": CommandKind(Empty, _clear_cache),
    "trigger": CommandKind(TriggerRequest, _trigger),
    "remote_start": CommandKind(RemoteStartCommand, _remote_start),
    "remote_stop": CommandKind(RemoteStopBody, _remote_stop),
    "set_charging_profile": CommandKind(SetChargingProfileRequest, _set_profile),
    "clear_charging_profile": CommandKind(ClearChargingProfilesQuery, _clear_profile),
    "reserve_now": CommandKind(ReservationRequest, _reserve),
    "cancel_reservation": CommandKind(CancelReservationBody, _cancel_reservation),
    "send_local_list": CommandKind(LocalListRequest, _send_local_list),
    "get_local_list_version": CommandKind(Empty, _local_list_version),
}
