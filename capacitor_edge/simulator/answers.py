"""How a simulated charger answers the Central System's commands: one behaviour per action.

A behaviour gets the charger and the (already validated) request payload and returns the answer
payload and, optionally, a step to run once the answer is on the wire (a Reset answers Accepted,
then reboots). To answer a new command, write one function here decorated with
``@behaviour("Action")``; any other Central System request is answered NotSupported, as outside
the charger's SupportedFeatureProfiles (Core, RemoteTrigger, SmartCharging; and
LocalAuthListManagement and Reservation, answered in :mod:`capacitor_edge.simulator.authorization`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import trio

from capacitor_edge.protocol import CallReceived, ErrorCode
from capacitor_edge.protocol.charging_profiles import (
    ChargingProfile,
    ProfileInvalid,
    Purpose,
    RateUnit,
    format_time,
    parse_profile,
    placement_problems,
)
from capacitor_edge.simulator.conversation import CallFailed, Conversation

if TYPE_CHECKING:
    from capacitor_edge.simulator.charger import SimulatedCharger

log = logging.getLogger("capacitor_edge.simulator")

AnswerStep = Callable[[], Awaitable[None]]
#: A command's answer payload, and what to do once it is sent.
Answer = tuple[dict[str, Any], AnswerStep | None]
Behaviour = Callable[["SimulatedCharger", dict[str, Any]], Awaitable[Answer]]

#: The table: Central System action → how the charger answers it.
BEHAVIOURS: dict[str, Behaviour] = {}


def behaviour(action: str) -> Callable[[Behaviour], Behaviour]:
    def register(function: Behaviour) -> Behaviour:
        BEHAVIOURS[action] = function
        return function

    return register


async def answer(charger: SimulatedCharger, conversation: Conversation, call: CallReceived) -> None:
    """Answer one Central System CALL, then do what the answer promised."""
    session = conversation.session
    action = call.action
    answering = BEHAVIOURS.get(action)
    if answering is None:
        profiles = charger.configuration.value("SupportedFeatureProfiles")
        description = f"{action} is not in SupportedFeatureProfiles {profiles}"
        await conversation.answer(
            session.reply_error(call.unique_id, ErrorCode.NotSupported, description)
        )
        return
    payload, then = await answering(charger, call.payload)
    charger.stats.commands[action] += 1
    if not await conversation.answer(session.reply(call, payload)):
        return
    if then is not None:
        try:
            await then()
        except CallFailed:
            return


@behaviour("RemoteStartTransaction")
async def remote_start(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.11: Accepted when the connector can charge; the session then starts
    without an Authorize (AuthorizeRemoteTxRequests is false)."""
    charging = charger.charging
    connector_id = payload.get("connectorId")
    if connector_id is None:
        free = [c for c in charging.connectors.values() if charging.can_start(c)]
        connector = free[0] if free else None
    else:
        connector = charging.connectors.get(connector_id)
        if connector is not None and not charging.can_start(connector):
            connector = None
    if connector is None:
        return {"status": "Rejected"}, None
    profile: ChargingProfile | None = None
    if "chargingProfile" in payload:
        # §5.11: only a TxProfile, for the transaction about to start (so naming none).
        try:
            profile = parse_profile(payload["chargingProfile"], "chargingProfile")
        except ProfileInvalid:
            return {"status": "Rejected"}, None
        if profile.purpose != Purpose.TX or profile.transaction_id is not None:
            return {"status": "Rejected"}, None
    chosen = connector
    chosen.busy = True
    id_tag = payload["idTag"]

    async def start() -> None:
        try:
            if charger.configuration.enabled("AuthorizeRemoteTxRequests"):
                info = (await charger.call("Authorize", {"idTag": id_tag}))["idTagInfo"]
                if info["status"] != "Accepted":
                    return
            if chosen.status != "Preparing":
                await charging.set_status(chosen, "Preparing")
            transaction = await charging.start_transaction(
                chosen, id_tag, remote=True, ends_at=None, profile=profile
            )
            await charging.charge(chosen, transaction)
        finally:
            chosen.busy = False
            charger.notify()

    return {"status": "Accepted"}, start


@behaviour("RemoteStopTransaction")
async def remote_stop(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.12: Accepted for a running transaction, which then stops with reason
    Remote."""
    for connector in charger.charging.connectors.values():
        transaction = connector.transaction
        if transaction is not None and transaction.transaction_id == payload["transactionId"]:
            transaction.request_stop("Remote")
            return {"status": "Accepted"}, None
    return {"status": "Rejected"}, None


@behaviour("Reset")
async def reset(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.14: Soft ends running sessions (reason SoftReset) and reboots; Hard
    reboots at once and reports the sessions ended (reason HardReset) after the boot."""
    kind = payload["type"]

    async def reboot() -> None:
        if kind == "Soft":
            connectors = charger.charging.connectors.values()
            running = [c.transaction for c in connectors if c.transaction]
            for transaction in running:
                transaction.request_stop("SoftReset")
            with trio.move_on_after(charger.options.call_timeout_s):
                for transaction in running:
                    await transaction.finished.wait()
        await charger.reboot(kind)

    return {"status": "Accepted"}, reboot


@behaviour("TriggerMessage")
async def trigger_message(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.17: answer first, then send the requested message."""
    charging = charger.charging
    requested = payload["requestedMessage"]
    connector_id = payload.get("connectorId")
    if connector_id is not None and connector_id not in charging.connectors and connector_id != 0:
        return {"status": "Rejected"}, None
    if requested == "MeterValues" and connector_id == 0:
        return {"status": "Rejected"}, None

    async def send() -> None:
        if requested == "BootNotification":
            await charger.boot()
        elif requested == "Heartbeat":
            await charger.call("Heartbeat", {})
        elif requested == "StatusNotification":
            targets = [0, *charging.connectors] if connector_id is None else [connector_id]
            for target in targets:
                await charging.report_status(target)
        elif requested == "MeterValues":
            chosen = (
                list(charging.connectors.values())
                if connector_id is None
                else [charging.connectors[connector_id]]
            )
            for connector in chosen:
                await charging.send_meter_values(connector, connector.transaction, "Trigger")
        elif requested == "DiagnosticsStatusNotification":
            await charger.call("DiagnosticsStatusNotification", {"status": "Idle"})
        elif requested == "FirmwareStatusNotification":
            await charger.call("FirmwareStatusNotification", {"status": "Idle"})

    return {"status": "Accepted"}, send


@behaviour("ChangeConfiguration")
async def change_configuration(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    key, value = payload["key"], payload["value"]
    status = charger.configuration.change(key, value)
    if status == "Accepted" and key == "HeartbeatInterval":
        charger.set_heartbeat_interval(int(value))
    return {"status": status}, None


@behaviour("GetConfiguration")
async def get_configuration(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    return charger.configuration.get(payload.get("key")), None


@behaviour("UnlockConnector")
async def unlock_connector(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.18: a running session on the connector is ended first (reason
    UnlockCommand), then the connector is unlocked."""
    connector = charger.charging.connectors.get(payload["connectorId"])
    if connector is None:
        return {"status": "NotSupported"}, None
    transaction = connector.transaction
    if transaction is not None:
        transaction.request_stop("UnlockCommand")
        with trio.move_on_after(charger.options.call_timeout_s):
            await transaction.finished.wait()
        if not transaction.finished.is_set():
            return {"status": "UnlockFailed"}, None
    connector.unlocked += 1
    charger.notify()
    return {"status": "Unlocked"}, None


@behaviour("ChangeAvailability")
async def change_availability(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.2: Scheduled while a session runs on an affected connector (it takes
    effect when the session ends), else Accepted and the new status is reported."""
    charging = charger.charging
    connector_id, operative = payload["connectorId"], payload["type"] == "Operative"
    if connector_id != 0 and connector_id not in charging.connectors:
        return {"status": "Rejected"}, None
    affected = (
        list(charging.connectors.values())
        if connector_id == 0
        else [charging.connectors[connector_id]]
    )
    if not operative and any(c.transaction is not None or c.busy for c in affected):
        if connector_id == 0:
            charging.scheduled = False
        else:
            affected[0].scheduled = False
        return {"status": "Scheduled"}, None
    if connector_id == 0:
        charging.operative, charging.scheduled = operative, None
    else:
        affected[0].operative, affected[0].scheduled = operative, None
    return {"status": "Accepted"}, charging.report_idle_changes


@behaviour("ClearCache")
async def clear_cache(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    return {"status": "Accepted"}, None  # the cache is off and empty


#: The simulator's own DataTransfer vendor (its chargePointVendor) and its one message.
VENDOR_ID, ECHO = "Capacitor", "Echo"


@behaviour("DataTransfer")
async def data_transfer(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.6: UnknownVendorId for another vendor, UnknownMessageId for a message it
    does not have; its own ``Echo`` (also the default message) sends the data back."""
    if payload["vendorId"] != VENDOR_ID:
        return {"status": "UnknownVendorId"}, None
    if payload.get("messageId", ECHO) != ECHO:
        return {"status": "UnknownMessageId"}, None
    answer: dict[str, Any] = {"status": "Accepted"}
    if "data" in payload:
        answer["data"] = payload["data"]
    return answer, None


def _refusal(charger: SimulatedCharger, connector_id: int, profile: ChargingProfile) -> str | None:
    """Why SetChargingProfile is Rejected (§5.16), or None: where the profile may not go, or
    more than the charger's §9.4 Smart Charging keys allow."""
    configuration, installed = charger.configuration, charger.charging.profiles
    running = None
    if connector_id in charger.connectors:
        transaction = charger.connectors[connector_id].transaction
        if transaction is not None and transaction.stop_reason is None:
            running = transaction.transaction_id
    problems = placement_problems(connector_id, profile, running)
    if problems:
        return str(problems[0])
    if profile.stack_level > configuration.integer("ChargeProfileMaxStackLevel"):
        return "stackLevel: above ChargeProfileMaxStackLevel"
    if len(profile.schedule.periods) > configuration.integer("ChargingScheduleMaxPeriods"):
        return "chargingSchedulePeriod: more than ChargingScheduleMaxPeriods"
    after = installed.count() - len(installed.replaced_by(connector_id, profile)) + 1
    if after > configuration.integer("MaxChargingProfilesInstalled"):
        return "MaxChargingProfilesInstalled reached"
    return None


@behaviour("SetChargingProfile")
async def set_charging_profile(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.16: Accepted and obeyed at once (the connectors' power follows), replacing
    the profile with the same id, or purpose and stackLevel on the connector; Rejected for an
    unknown connector, a profile in the wrong place (a TxProfile without a transaction) or
    one the schema lets through but a charger cannot use (periods out of order, ...)."""
    connector_id = payload["connectorId"]
    if connector_id != 0 and connector_id not in charger.connectors:
        return {"status": "Rejected"}, None
    try:
        profile = parse_profile(payload["csChargingProfiles"], "csChargingProfiles")
    except ProfileInvalid as invalid:
        log.info("%s: SetChargingProfile rejected: %s", charger.charge_box_id, invalid)
        return {"status": "Rejected"}, None
    refusal = _refusal(charger, connector_id, profile)
    if refusal is not None:
        log.info("%s: SetChargingProfile rejected: %s", charger.charge_box_id, refusal)
        return {"status": "Rejected"}, None
    charger.charging.profiles.install(connector_id, profile)
    charger.charging.relimit()
    return {"status": "Accepted"}, None


@behaviour("ClearChargingProfile")
async def clear_charging_profile(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.5: by id, else by connector/purpose/stackLevel (each optional); Unknown
    when nothing matched."""
    removed = charger.charging.profiles.clear(
        profile_id=payload.get("id"),
        connector_id=payload.get("connectorId"),
        purpose=payload.get("chargingProfilePurpose"),
        stack_level=payload.get("stackLevel"),
    )
    if not removed:
        return {"status": "Unknown"}, None
    charger.charging.relimit()
    return {"status": "Accepted"}, None


@behaviour("GetCompositeSchedule")
async def get_composite_schedule(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    """OCPP 1.6 §5.7: the schedule from now for ``duration`` seconds, in the unit asked for
    (amperes if none); connector 0 gives the charge point's own limit. Rejected for an
    unknown connector or a duration below one second."""
    connector_id, duration = payload["connectorId"], payload["duration"]
    connectors = charger.connectors
    if (connector_id != 0 and connector_id not in connectors) or duration < 1:
        return {"status": "Rejected"}, None
    unit = RateUnit(payload.get("chargingRateUnit", "A"))
    now = charger.clock.now().replace(microsecond=0)
    profiles = charger.charging.profiles
    connector = connectors.get(connector_id)
    schedule = profiles.composite(connector_id, connector, now, duration, unit)
    rated = list(connectors.values()) if connector is None else [connector]
    answer = {
        "status": "Accepted",
        "connectorId": connector_id,
        "scheduleStart": format_time(now),
        "chargingSchedule": schedule.to_ocpp(profiles.maximum(rated, unit)),
    }
    return answer, None
