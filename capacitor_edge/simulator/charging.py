"""The charging behaviour of a simulated charger: connector availability and status reports,
drivers' sessions (local and remote), transactions and their meter values.

OCPP 1.6 §3.5 (a session: Preparing, Authorize, StartTransaction, Charging, StopTransaction,
Finishing), §4.7 (MeterValues), §4.8-4.10 (transactions), §5.2 (availability), §3.13 (the
charging profiles limit what the meter measures: `smart_charging`).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Final

import trio

from capacitor_edge.protocol.charging_profiles import ChargingProfile
from capacitor_edge.simulator.connectors import (
    FinishedTransaction,
    SimulatedConnector,
    SimulatedTransaction,
)
from capacitor_edge.simulator.conversation import CallFailed
from capacitor_edge.simulator.meter import sampled_values
from capacitor_edge.simulator.smart_charging import ChargingProfiles

if TYPE_CHECKING:
    from capacitor_edge.simulator.charger import SimulatedCharger

#: Simulated seconds: idle time between sessions, session length, unplugging after Finishing.
IDLE_S: Final = (20.0, 120.0)
SESSION_S: Final = (60.0, 600.0)
UNPLUG_S: Final = 5.0
#: What a car draws in a session, W, and on how many phases (16/32 A on 1 or 3 phases at
#: 230 V), unless the options fix the current and phases.
POWERS_W: Final = (3_680, 7_360, 11_040, 22_080)
PHASES: Final = {3_680: 1, 7_360: 1, 11_040: 3, 22_080: 3}
ID_TAGS: Final = tuple(f"SIM-TAG-{n:03d}" for n in range(1, 21))


class Charging:
    """The connectors of one charger and what happens on them, across its connections."""

    def __init__(self, charger: SimulatedCharger, rng: random.Random, connectors: int) -> None:
        self._charger = charger
        self._rng = rng
        options = charger.options
        self.connectors = {
            n: SimulatedConnector(
                n,
                register_wh=float(rng.randrange(0, 5_000_000)),
                phases=options.phases or 3,
                max_current_a=options.max_current_a or 32.0,
            )
            for n in range(1, connectors + 1)
        }
        self.profiles = ChargingProfiles(self.connectors, options.voltage_v)
        #: ChangeAvailability on connectorId 0: the charge point as a whole.
        self.operative = True
        self.scheduled: bool | None = None
        #: The status each connector last reported and had acknowledged (0 = the charge point).
        self.reported: dict[int, str] = {}
        self.finished: list[FinishedTransaction] = []
        #: The run is ending: no new sessions; one being prepared gives up after Authorize.
        self.stopping = False

    # -- availability and status --------------------------------------------------------------

    def available(self, connector: SimulatedConnector) -> bool:
        return self.operative and connector.operative

    def idle_status(self, connector: SimulatedConnector) -> str:
        return "Available" if self.available(connector) else "Unavailable"

    def can_start(self, connector: SimulatedConnector) -> bool:
        return (
            self.available(connector)
            and not connector.busy
            and connector.transaction is None
            and connector.status in ("Available", "Preparing")
            and not self.stopping
        )

    async def report_status(self, connector_id: int) -> None:
        if connector_id == 0:
            status = "Available" if self.operative else "Unavailable"
        else:
            status = self.connectors[connector_id].status
        await self._charger.call(
            "StatusNotification",
            {
                "connectorId": connector_id,
                "errorCode": "NoError",
                "status": status,
                "timestamp": self._charger.now(),
            },
        )
        self.reported[connector_id] = status
        self._charger.notify()

    async def set_status(self, connector: SimulatedConnector, status: str) -> None:
        connector.status = status
        await self.report_status(connector.connector_id)

    async def _quietly_report(self, connector_id: int) -> None:
        try:
            await self.report_status(connector_id)
        except CallFailed:
            return

    async def report_idle_changes(self) -> None:
        """Report the charge point and every idle connector whose status an availability
        change has altered."""
        whole = "Available" if self.operative else "Unavailable"
        if self.reported.get(0) != whole:
            await self.report_status(0)
        for connector in self.connectors.values():
            if connector.transaction is None and not connector.busy:
                status = self.idle_status(connector)
                if status != connector.status:
                    await self.set_status(connector, status)

    def _apply_scheduled(self) -> None:
        """A ChangeAvailability answered Scheduled takes effect once no session is running."""
        for connector in self.connectors.values():
            if connector.scheduled is not None and connector.transaction is None:
                connector.operative, connector.scheduled = connector.scheduled, None
        idle = all(c.transaction is None for c in self.connectors.values())
        if self.scheduled is not None and idle:
            self.operative, self.scheduled = self.scheduled, None

    # -- the life of a connection ---------------------------------------------------------------

    def connected(self) -> None:
        for connector in self.connectors.values():
            connector.busy = False  # the tasks of the previous connection are gone

    async def resume(self) -> None:
        """After a boot: end the transactions a Hard reset cut short, then report every status."""
        for connector in self.connectors.values():
            transaction = connector.transaction
            if transaction is not None and transaction.stop_reason is not None:
                await self.stop_transaction(connector, transaction)
            # The tasks of the last connection are gone, and with them any session step in
            # progress (Preparing, Finishing): a connector charges or is idle.
            if connector.transaction is None:
                connector.status = self.idle_status(connector)
            else:
                connector.status = "Charging"
        await self.report_status(0)
        for connector_id in self.connectors:
            await self.report_status(connector_id)

    def power_cut(self, now: float, time_scale: float) -> None:
        """A Hard reset: the meter stops, and the sessions are reported ended after the reboot
        (OCPP 1.6 §5.14)."""
        for connector in self.connectors.values():
            connector.meter(now, time_scale)
            connector.power_w = connector.demand_w = 0.0
            if connector.transaction is not None:
                connector.transaction.request_stop("HardReset")

    async def wind_down(self, timeout_s: float) -> None:
        """End of the run: running sessions are ended by their drivers, then we disconnect."""
        self.stopping = True

        def settled() -> bool:
            for connector in self.connectors.values():
                if connector.transaction is not None:
                    connector.transaction.request_stop("Local")
                    return False
                if connector.busy and connector.status == "Preparing":
                    return False
            return True

        with trio.move_on_after(timeout_s):
            await self._charger.wait_until(settled)

    # -- sessions ------------------------------------------------------------------------------

    async def connector_loop(self, connector: SimulatedConnector, local_sessions: bool) -> None:
        transaction = connector.transaction
        if transaction is not None and not transaction.finished.is_set():
            # The connection was lost while charging: the session carries on.
            try:
                await self.charge(connector, transaction)
            except CallFailed:
                return
        if not local_sessions:
            return
        while True:
            low, high = IDLE_S
            await self._charger.sleep(self._rng.uniform(low, high))
            if (
                connector.busy
                or connector.transaction is not None
                or not self.available(connector)
                or self.stopping
            ):
                continue
            await self._local_session(connector)

    async def _local_session(self, connector: SimulatedConnector) -> None:
        """A driver plugs in and presents a card (OCPP 1.6 §3.5: Preparing → Authorize →
        StartTransaction → Charging), charges for a while and stops at the charger."""
        connector.busy = True
        try:
            id_tag = self._rng.choice(ID_TAGS)
            await self.set_status(connector, "Preparing")
            info = (await self._charger.call("Authorize", {"idTag": id_tag}))["idTagInfo"]
            if info["status"] != "Accepted" or self.stopping:
                await self.set_status(connector, self.idle_status(connector))
                return
            low, high = SESSION_S
            length = self._rng.uniform(low, high) / self._charger.options.time_scale
            transaction = await self.start_transaction(
                connector, id_tag, remote=False, ends_at=trio.current_time() + length
            )
            await self.charge(connector, transaction)
        except CallFailed as failed:
            if not failed.lost and connector.transaction is None:
                connector.status = self.idle_status(connector)
                await self._quietly_report(connector.connector_id)
        finally:
            connector.busy = False
            self._charger.notify()

    async def start_transaction(
        self,
        connector: SimulatedConnector,
        id_tag: str,
        *,
        remote: bool,
        ends_at: float | None,
        profile: ChargingProfile | None = None,
    ) -> SimulatedTransaction:
        """StartTransaction (§4.8); ``profile``: the TxProfile of a RemoteStartTransaction
        (§5.11), installed for this transaction before the car draws anything."""
        charger = self._charger
        meter_start = connector.meter(trio.current_time(), charger.options.time_scale)
        clock_now = charger.clock.now()
        answer = await charger.call(
            "StartTransaction",
            {
                "connectorId": connector.connector_id,
                "idTag": id_tag,
                "meterStart": meter_start,
                "timestamp": charger.now(),
            },
        )
        transaction = SimulatedTransaction(
            answer["transactionId"], id_tag, meter_start, remote, ends_at, started_at=clock_now
        )
        connector.transaction = transaction
        charger.stats.transactions_started += 1
        charger.notify()
        if answer["idTagInfo"]["status"] != "Accepted" and charger.configuration.enabled(
            "StopTransactionOnInvalidId"
        ):
            # OCPP 1.6 §4.8: the Central System refused the idTag: end the session at once.
            transaction.request_stop("DeAuthorized")
            return transaction
        options = charger.options
        if options.max_current_a is not None:
            connector.phases = options.phases or 3
            connector.demand_w = options.max_current_a * options.voltage_v * connector.phases
        else:
            connector.demand_w = float(self._rng.choice(POWERS_W))
            connector.phases = options.phases or PHASES[int(connector.demand_w)]
        connector.sampled_at = trio.current_time()
        if profile is not None:
            self.profiles.install(connector.connector_id, profile)
        self.relimit()
        await self.set_status(connector, self._charging_status(connector))
        return transaction

    async def charge(
        self, connector: SimulatedConnector, transaction: SimulatedTransaction
    ) -> None:
        """MeterValues every MeterValueSampleInterval until the session is told to stop or its
        driver's time is up, then StopTransaction → Finishing → Available."""
        charger = self._charger
        while not transaction.stop_requested.is_set():
            interval = charger.configuration.integer("MeterValueSampleInterval")
            timeout = interval / charger.options.time_scale if interval > 0 else float("inf")
            if transaction.ends_at is not None:
                timeout = min(timeout, max(transaction.ends_at - trio.current_time(), 0.0))
            with trio.move_on_after(timeout):
                await transaction.stop_requested.wait()
            if transaction.stop_requested.is_set():
                break
            if transaction.ends_at is not None and trio.current_time() >= transaction.ends_at:
                transaction.request_stop("Local")
                break
            await self._follow_limit(connector)
            await self.send_meter_values(connector, transaction)
        await self.stop_transaction(connector, transaction)
        await self.set_status(connector, "Finishing")
        await charger.sleep(UNPLUG_S)  # the driver unplugs
        self._apply_scheduled()
        await self.set_status(connector, self.idle_status(connector))
        await self.report_idle_changes()

    @staticmethod
    def _charging_status(connector: SimulatedConnector) -> str:
        """§4.9: SuspendedEVSE while the charging profiles allow nothing, else Charging."""
        return "SuspendedEVSE" if connector.power_w <= 0 else "Charging"

    async def _follow_limit(self, connector: SimulatedConnector) -> None:
        """Before a sample: the limit now, and the status it implies, reported on a change."""
        self.relimit()
        status = self._charging_status(connector)
        if connector.status in ("Charging", "SuspendedEVSE") and connector.status != status:
            connector.status = status
            await self._quietly_report(connector.connector_id)

    def relimit(self) -> None:
        """Meter what was drawn so far, then draw what the profiles allow now (after a
        profile was set or cleared, a session started or ended, at every sample)."""
        now, scale = trio.current_time(), self._charger.options.time_scale
        for connector in self.connectors.values():
            connector.meter(now, scale)
        self.profiles.limit_power(self.connectors.values(), self._charger.clock.now())
        self._charger.notify()

    def _sample(self, connector: SimulatedConnector, measurands: list[str], context: str) -> Any:
        charger = self._charger
        register = connector.meter(trio.current_time(), charger.options.time_scale)
        values = sampled_values(connector, register, measurands, context, charger.options.voltage_v)
        return [{"timestamp": charger.now(), "sampledValue": values}]

    async def send_meter_values(
        self,
        connector: SimulatedConnector,
        transaction: SimulatedTransaction | None,
        context: str = "",
    ) -> None:
        charger = self._charger
        if transaction is not None and connector.demand_w > 0:
            self.relimit()  # a triggered sample: the limit may have changed since the last
        measurands = charger.configuration.items("MeterValuesSampledData") or [
            "Energy.Active.Import.Register"
        ]
        payload: dict[str, Any] = {
            "connectorId": connector.connector_id,
            "meterValue": self._sample(connector, measurands, context or "Sample.Periodic"),
        }
        if transaction is not None:
            payload["transactionId"] = transaction.transaction_id
        if await charger.quietly("MeterValues", payload) is not None and transaction is not None:
            transaction.meter_values_sent += 1
            charger.notify()

    async def stop_transaction(
        self, connector: SimulatedConnector, transaction: SimulatedTransaction
    ) -> None:
        """StopTransaction (OCPP 1.6 §4.10). Kept for after a reconnect if the connection goes;
        dropped (and counted) if the Central System refuses or ignores it."""
        charger = self._charger
        meter_stop = connector.meter(trio.current_time(), charger.options.time_scale)
        reason = transaction.stop_reason or "Local"
        payload: dict[str, Any] = {
            "transactionId": transaction.transaction_id,
            "idTag": transaction.id_tag,
            "meterStop": meter_stop,
            "timestamp": charger.now(),
            "reason": reason,
        }
        measurands = charger.configuration.items("StopTxnSampledData")
        if measurands:
            payload["transactionData"] = self._sample(connector, measurands, "Transaction.End")
        answered = True
        try:
            await charger.call("StopTransaction", payload)
        except CallFailed as failed:
            if failed.lost:
                raise
            answered = False
        connector.power_w = connector.demand_w = 0.0
        connector.transaction = None
        self.profiles.end_transaction(connector.connector_id)
        self.relimit()  # the others may take the share this one had
        charger.stats.transactions_stopped += 1
        charger.stats.energy_wh += meter_stop - transaction.meter_start
        self.finished.append(
            FinishedTransaction(
                transaction.transaction_id, transaction.meter_start, meter_stop, reason, answered
            )
        )
        transaction.finished.set()
        charger.notify()
