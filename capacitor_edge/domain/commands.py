"""Commands to chargers: one method per CSMS-initiated OCPP 1.6 action, with typed arguments
and a typed answer. Each is one CALL through the charger's one-outstanding-call queue, with
the charger's real answer and an audit record (:mod:`capacitor_edge.domain.charger_calls`)."""

from __future__ import annotations

from typing import Any, Literal

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.charger_calls import ChargerCalls, snake_status, to_wire
from capacitor_edge.domain.command_outcomes import (
    CommandAnswer,
    ConfigurationAnswer,
    ConfigurationValue,
    DataTransferAnswer,
    DiagnosticsAnswer,
    FirmwareUpdateAnswer,
    RemoteStartAnswer,
    RemoteStopAnswer,
)
from capacitor_edge.domain.errors import (
    ChargerConnectionLost,
    ChargerUnavailable,
    Conflict,
    ConnectorBusy,
    Invalid,
    NotFound,
)
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.local_lists import LocalLists, LocalListUpdate, LocalListView
from capacitor_edge.domain.remote_starts import RemoteStarts
from capacitor_edge.domain.reservations import ReservationRecord, Reservations
from capacitor_edge.domain.smart_charging import SmartCharging
from capacitor_edge.domain.times import normalise_time
from capacitor_edge.protocol.ocpp_messages import call, call_result, camel_to_snake_case
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore, ConnectorStatus
from capacitor_edge.storage.commands import CommandRecord, CommandStore
from capacitor_edge.storage.transactions import TransactionStore

#: Connector states in which a remote start cannot succeed (OCPP 1.6 §7.7).
BUSY_STATES = frozenset(
    {"Faulted", "Unavailable", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"}
)
#: Longest ``?wait=`` a remote start may ask for.
MAX_WAIT_S = 60.0

TriggeredMessage = Literal[
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StatusNotification",
]


class Commands:
    def __init__(
        self,
        live: LiveChargers,
        chargers: ChargerStore,
        transactions: TransactionStore,
        audit: CommandStore,
        remote_starts: RemoteStarts,
        clock: Clock,
        smart_charging: SmartCharging | None = None,
        reservations: Reservations | None = None,
        local_lists: LocalLists | None = None,
    ) -> None:
        self._smart_charging = smart_charging
        self._reservations = reservations
        self._local_lists = local_lists
        self._live = live
        self._chargers = chargers
        self._transactions = transactions
        self._audit = audit
        self._calls = ChargerCalls(live, audit, clock)
        self._remote_starts = remote_starts
        self._clock = clock

    async def charger(self, principal: Principal, charge_box_id: str) -> ChargerRecord:
        record = await self._chargers.find(charge_box_id, principal.org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return record

    async def _status_of(self, principal: Principal, charge_box_id: str, request: object) -> str:
        """Send a command whose answer is a status; return it in snake case."""
        charger = await self.charger(principal, charge_box_id)
        answer_type = getattr(call_result, type(request).__name__)
        answer = await self._calls.exchange(principal, charger, request, answer_type)
        return snake_status(str(answer.status))

    async def reset(
        self, principal: Principal, charge_box_id: str, kind: Literal["Soft", "Hard"]
    ) -> CommandAnswer:
        """Reset (OCPP 1.6 §5.14)."""
        return CommandAnswer(await self._status_of(principal, charge_box_id, call.Reset(kind)))

    async def unlock_connector(
        self, principal: Principal, charge_box_id: str, connector_id: int
    ) -> CommandAnswer:
        """UnlockConnector (OCPP 1.6 §5.18)."""
        request = call.UnlockConnector(connector_id=connector_id)
        return CommandAnswer(await self._status_of(principal, charge_box_id, request))

    async def clear_cache(self, principal: Principal, charge_box_id: str) -> CommandAnswer:
        """ClearCache (OCPP 1.6 §5.4): the charger's local authorization cache."""
        return CommandAnswer(await self._status_of(principal, charge_box_id, call.ClearCache()))

    async def trigger_message(
        self,
        principal: Principal,
        charge_box_id: str,
        requested_message: TriggeredMessage,
        connector_id: int | None,
    ) -> CommandAnswer:
        """TriggerMessage (OCPP 1.6 §5.17)."""
        request = call.TriggerMessage(
            requested_message=requested_message, connector_id=connector_id
        )
        return CommandAnswer(await self._status_of(principal, charge_box_id, request))

    async def change_availability(
        self,
        principal: Principal,
        charge_box_id: str,
        connector_id: int,
        kind: Literal["Operative", "Inoperative"],
    ) -> CommandAnswer:
        """ChangeAvailability (OCPP 1.6 §5.2); connector 0 is the whole charger; ``scheduled``
        means it takes effect when the running session ends."""
        request = call.ChangeAvailability(connector_id=connector_id, type=kind)
        return CommandAnswer(await self._status_of(principal, charge_box_id, request))

    async def change_configuration(
        self, principal: Principal, charge_box_id: str, key: str, value: str
    ) -> CommandAnswer:
        """ChangeConfiguration (OCPP 1.6 §5.3)."""
        request = call.ChangeConfiguration(key=key, value=value)
        return CommandAnswer(await self._status_of(principal, charge_box_id, request))

    async def get_configuration(
        self, principal: Principal, charge_box_id: str, keys: list[str] | None
    ) -> ConfigurationAnswer:
        """GetConfiguration (OCPP 1.6 §5.8); no ``keys`` asks for every key."""
        charger = await self.charger(principal, charge_box_id)
        answer = await self._calls.exchange(
            principal, charger, call.GetConfiguration(key=keys), call_result.GetConfiguration
        )
        return ConfigurationAnswer(
            tuple(
                ConfigurationValue(item["key"], item["readonly"], item.get("value"))
                for item in answer.configuration_key or ()
            ),
            tuple(answer.unknown_key or ()),
        )

    async def update_firmware(
        self,
        principal: Principal,
        charge_box_id: str,
        location: str,
        retrieve_date: str | None,
        retries: int | None,
        retry_interval: int | None,
    ) -> FirmwareUpdateAnswer:
        """UpdateFirmware (OCPP 1.6 §5.19); progress arrives as FirmwareStatusNotification.
        OCPP requires retrieveDate: now, unless the caller schedules it."""
        charger = await self.charger(principal, charge_box_id)
        retrieve = normalise_time("retrieveDate", retrieve_date) or iso_z(self._clock.now())
        request = call.UpdateFirmware(location, retrieve, retries, retry_interval)
        await self._calls.exchange(principal, charger, request, call_result.UpdateFirmware)
        return FirmwareUpdateAnswer(location, retrieve)

    async def get_diagnostics(
        self,
        principal: Principal,
        charge_box_id: str,
        location: str,
        start_time: str | None,
        stop_time: str | None,
        retries: int | None,
        retry_interval: int | None,
    ) -> DiagnosticsAnswer:
        """GetDiagnostics (OCPP 1.6 §5.9); progress arrives as DiagnosticsStatusNotification."""
        charger = await self.charger(principal, charge_box_id)
        request = call.GetDiagnostics(
            location=location,
            retries=retries,
            retry_interval=retry_interval,
            start_time=normalise_time("startTime", start_time),
            stop_time=normalise_time("stopTime", stop_time),
        )
        answer = await self._calls.exchange(principal, charger, request, call_result.GetDiagnostics)
        return DiagnosticsAnswer(location, answer.file_name)

    async def data_transfer(
        self,
        principal: Principal,
        charge_box_id: str,
        vendor_id: str,
        message_id: str | None,
        data: str | None,
    ) -> DataTransferAnswer:
        """DataTransfer (OCPP 1.6 §5.6): a vendor-specific message the charger answers with
        Accepted, Rejected, UnknownMessageId or UnknownVendorId, and optionally data."""
        charger = await self.charger(principal, charge_box_id)
        request = call.DataTransfer(vendor_id=vendor_id, message_id=message_id, data=data)
        answer = await self._calls.exchange(principal, charger, request, call_result.DataTransfer)
        return DataTransferAnswer(snake_status(str(answer.status)), answer.data)

    async def remote_start(
        self,
        principal: Principal,
        charge_box_id: str,
        connector_id: int | None,
        id_tag: str,
        wait_s: float,
        charging_profile: dict[str, Any] | None = None,
    ) -> RemoteStartAnswer:
        """RemoteStartTransaction (OCPP 1.6 §5.11), refused with CONNECTOR_BUSY before anything
        is sent when the named connector cannot start; with ``wait_s`` waits for the
        StartTransaction the charger then sends. Without ``connector_id`` the charger picks the
        connector (connectorId is optional, §6.33), so there is nothing to check beforehand.
        A ``charging_profile`` (a TxProfile) is checked and put in the charger's unit first."""
        found = await self._chargers.find_with_connectors(charge_box_id, principal.org_id)
        if found is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        charger, connectors = found
        if self._live.get(charger.charge_box_id) is None:
            raise ChargerUnavailable(charge_box_id)
        if connector_id is not None:
            await self._refuse_busy(charger, connectors, connector_id)
        if charging_profile is not None and self._smart_charging is not None:
            charging_profile = await self._smart_charging.remote_start_profile(
                principal, charge_box_id, charging_profile
            )
        pending = self._remote_starts.expect(charger.seq, connector_id, id_tag)
        request = call.RemoteStartTransaction(
            id_tag=id_tag, connector_id=connector_id, charging_profile=charging_profile
        )
        try:
            answer = await self._calls.exchange(
                principal, charger, request, call_result.RemoteStartTransaction
            )
        except ChargerConnectionLost:
            # Kept: the charger may have accepted before it went away, and its StartTransaction
            # (after it reconnects) should still count as remotely started.
            raise
        except BaseException:
            self._remote_starts.cancel(pending)
            raise
        if answer.status != "Accepted":
            self._remote_starts.cancel(pending)
            return RemoteStartAnswer(snake_status(str(answer.status)), None, connector_id)
        if wait_s > 0:
            with trio.move_on_after(min(wait_s, MAX_WAIT_S)):
                await pending.started.wait()
        return RemoteStartAnswer(
            "accepted", pending.transaction_id, connector_id or pending.started_on
        )

    async def _refuse_busy(
        self, charger: ChargerRecord, connectors: list[ConnectorStatus], connector_id: int
    ) -> None:
        """CONNECTOR_BUSY when the connector is in a transaction or in a state that cannot
        start one."""
        active = await self._transactions.active_by_connector(charger.seq)
        if connector_id in active:
            raise ConnectorBusy(
                f"Connector {connector_id} of {charger.charge_box_id} is in transaction "
                f"{active[connector_id]}"
            )
        status = {c.connector_id: c.status for c in connectors}.get(connector_id)
        if status in BUSY_STATES:
            raise ConnectorBusy(f"Connector {connector_id} of {charger.charge_box_id} is {status}")

    async def remote_stop(self, principal: Principal, transaction_id: int) -> RemoteStopAnswer:
        """RemoteStopTransaction (OCPP 1.6 §5.12)."""
        transaction = await self._transactions.find(principal.org_id, transaction_id)
        if transaction is None:
            raise NotFound(f"Transaction {transaction_id} not found")
        if transaction.status != "active":
            raise Conflict(f"Transaction {transaction_id} is already completed")
        request = call.RemoteStopTransaction(transaction_id=transaction_id)
        status = await self._status_of(principal, transaction.charge_box_id, request)
        return RemoteStopAnswer(transaction.charge_box_id, status)

    # -- Reservation and Local Auth List Management profiles (issue 17) ------------------

    async def reserve_now(
        self,
        principal: Principal,
        charge_box_id: str,
        connector_id: int,
        id_tag: str,
        expiry_date: str,
        parent_id_tag: str | None = None,
    ) -> ReservationRecord:
        """ReserveNow (OCPP 1.6 §5.13); a refusal raises ReservationRefused."""
        assert self._reservations is not None
        return await self._reservations.reserve(
            principal, charge_box_id, connector_id, id_tag, expiry_date, parent_id_tag
        )

    async def cancel_reservation(
        self, principal: Principal, charge_box_id: str, reservation_id: int
    ) -> ReservationRecord:
        """CancelReservation (OCPP 1.6 §5.1)."""
        assert self._reservations is not None
        return await self._reservations.cancel(principal, charge_box_id, reservation_id)

    async def send_local_list(
        self,
        principal: Principal,
        charge_box_id: str,
        update_type: Literal["Full", "Differential"],
    ) -> LocalListUpdate:
        """SendLocalList (OCPP 1.6 §5.15) of the organisation's id-tag list."""
        assert self._local_lists is not None
        return await self._local_lists.send(principal, charge_box_id, update_type)

    async def get_local_list_version(
        self, principal: Principal, charge_box_id: str
    ) -> LocalListView:
        """GetLocalListVersion (OCPP 1.6 §5.10), with the box's record of the list."""
        assert self._local_lists is not None
        return await self._local_lists.view(principal, charge_box_id)

    async def relay(
        self, principal: Principal, charge_box_id: str, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Any CSMS-initiated OCPP 1.6 CALL given as its wire payload (the upstream central
        system's, issue 20), through the same queue and audit as the typed methods; the
        charger's answer as its wire payload."""
        charger = await self.charger(principal, charge_box_id)
        request_type = getattr(call, action, None)
        if request_type is None:
            raise Invalid("action", f"{action} is not an OCPP 1.6 request")
        try:
            request = request_type(**camel_to_snake_case(payload))
        except TypeError as bad:
            raise Invalid("payload", str(bad)) from None
        answer = await self._calls.exchange(
            principal, charger, request, getattr(call_result, action)
        )
        return to_wire(answer)[1]

    async def history(
        self, principal: Principal, charge_box_id: str, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]:
        charger = await self.charger(principal, charge_box_id)
        return await self._audit.page(charger.seq, limit, offset)
