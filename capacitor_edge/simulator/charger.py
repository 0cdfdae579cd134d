"""One simulated OCPP 1.6J charge point: its connectors' state machine, its messages, and its
answers to Central System commands.

Life of a charger: connect (TLS and Basic auth as configured), BootNotification until Accepted,
StatusNotification for connector 0 and each connector (OCPP 1.6 §4.2, §4.9), Heartbeats at the
interval the Central System gave, and in the ``sessions`` scenario charging sessions on each
connector. A Reset closes the connection and boots again; a lost connection is retried with a
back-off, and a transaction running at the time carries on (its StopTransaction is sent once the
charger is back, as chargers queue transaction messages, §4.10).

OCPP-J 1.6 §4.1.1: the charger sends at most one CALL at a time (a FIFO lock), and answers the
Central System's CALLs in their own tasks so that an answer which first needs a CALL of its own
(UnlockConnector ends the session first) does not block the receive loop.
"""

from __future__ import annotations

import functools
import itertools
import logging
import random
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

import trio

from capacitor_edge import __version__
from capacitor_edge.clock import Clock, SystemClock, iso_z
from capacitor_edge.protocol import (
    ALL_ACTIONS,
    CSMS_SENDABLE,
    Call,
    CallError,
    CallResult,
    ErrorCode,
    SchemaRegistry,
    Unparseable,
    encode_call,
    encode_error,
    encode_result,
    parse_frame,
)
from capacitor_edge.simulator.configuration import Configuration
from capacitor_edge.simulator.link import (
    HANDSHAKE_ERRORS,
    ConnectFailed,
    Link,
    LinkClosed,
    Stream,
    handshake_failure,
    open_stream,
)
from capacitor_edge.simulator.options import Options, basic_auth_header
from capacitor_edge.simulator.report import Stats

log = logging.getLogger("capacitor_edge.simulator")

#: Simulated seconds: idle time between sessions, session length, unplugging after Finishing,
#: and a reboot.
IDLE_S: Final = (20.0, 120.0)
SESSION_S: Final = (60.0, 600.0)
UNPLUG_S: Final = 5.0
REBOOT_S: Final = 5.0
#: Charging power of a session, W (single-phase 16/32 A, three-phase 16/32 A).
POWERS_W: Final = (3_680, 7_360, 11_040, 22_080)
VOLTAGE_V: Final = 230.0
#: Real seconds between reconnection attempts after a lost connection (doubling up to the max).
RECONNECT_S: Final = (1.0, 30.0)
ID_TAGS: Final = tuple(f"SIM-TAG-{n:03d}" for n in range(1, 21))
#: Actions of the profiles in SupportedFeatureProfiles (Core, RemoteTrigger) that a Central
#: System sends; every other Central System action is answered NotSupported.
ANSWERED: Final = frozenset(
    {
        "ChangeAvailability",
        "ChangeConfiguration",
        "ClearCache",
        "DataTransfer",
        "GetConfiguration",
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "Reset",
        "TriggerMessage",
        "UnlockConnector",
    }
)


@functools.cache
def schemas() -> SchemaRegistry:
    """Every OCPP 1.6 schema, compiled once per process and shared by all chargers."""
    registry = SchemaRegistry(ALL_ACTIONS)
    registry.compile_all()
    return registry


class CallFailed(Exception):
    """A CALL of ours got no usable answer. ``lost``: the connection went away meanwhile."""

    def __init__(self, reason: str, *, lost: bool = False) -> None:
        super().__init__(reason)
        self.lost = lost


@dataclass
class Transaction:
    transaction_id: int
    id_tag: str
    meter_start: int
    remote: bool
    #: trio time at which the driver ends a local session; None: until told to stop.
    ends_at: float | None
    stop_reason: str | None = None
    stop_requested: trio.Event = field(default_factory=trio.Event)
    finished: trio.Event = field(default_factory=trio.Event)
    meter_values_sent: int = 0

    def request_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.stop_requested.set()


@dataclass(frozen=True)
class FinishedTransaction:
    transaction_id: int
    meter_start: int
    meter_stop: int
    reason: str
    answered: bool  # the Central System acknowledged the StopTransaction


@dataclass
class Connector:
    connector_id: int
    register_wh: float
    status: str = "Available"
    operative: bool = True
    #: ChangeAvailability answered Scheduled: the availability to take once the session ends.
    scheduled: bool | None = None
    power_w: float = 0.0
    sampled_at: float = 0.0
    transaction: Transaction | None = None
    #: A session owns the connector (from Preparing until it is Available again).
    busy: bool = False
    unlocked: int = 0

    def meter(self, now: float, time_scale: float) -> int:
        """Advance the energy register to ``now`` (trio time) and read it, in Wh."""
        if self.power_w > 0:
            self.register_wh += self.power_w * (now - self.sampled_at) * time_scale / 3600
        self.sampled_at = now
        return int(self.register_wh)


AnswerStep = Callable[[], Awaitable[None]]
#: A command's answer payload, and what to do once it is sent.
Answer = tuple[dict[str, Any], AnswerStep | None]


class SimulatedCharger:
    def __init__(
        self,
        charge_box_id: str,
        options: Options,
        stats: Stats,
        tls: ssl.SSLContext | None,
        *,
        clock: Clock | None = None,
        local_sessions: bool | None = None,
    ) -> None:
        self.charge_box_id = charge_box_id
        self.options = options
        self.url = options.charger_url(charge_box_id)
        self._stats = stats
        self._tls = tls
        self._clock = clock or SystemClock()
        self._rng = random.Random(f"{options.seed}/{charge_box_id}")
        self._local_sessions = (
            options.scenario == "sessions" if local_sessions is None else local_sessions
        )
        self.configuration = Configuration(
            options.connectors, options.password, options.security_profile
        )
        self.connectors = {
            n: Connector(n, register_wh=float(self._rng.randrange(0, 5_000_000)))
            for n in range(1, options.connectors + 1)
        }
        #: ChangeAvailability on connectorId 0: the charge point as a whole.
        self.operative = True
        self.scheduled: bool | None = None
        #: The status each connector last reported and had acknowledged (0 = the charge point).
        self.reported: dict[int, str] = {}
        self.finished: list[FinishedTransaction] = []
        self.boots = 0
        self.connected_once = False
        self.online = False
        self._ids = itertools.count(1)
        self._call_lock = trio.Lock()
        self._pending: _Pending | None = None
        self._link: Link | None = None
        self._wake = trio.Event()
        self._reboot: str | None = None
        self._lost = False
        self._closing = False
        self._stopping = False
        self._interval_changed = trio.Event()
        self._changed = trio.Event()
        self._settled = False
        self._on_settled: Callable[[], None] | None = None

    # -- observing (tests, the self-test) ---------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once ``condition()`` holds; it is re-checked after every state change."""
        while not condition():
            await self._changed.wait()

    def _settle(self) -> None:
        """Booted and reported, or given up: counted once for ``storm``'s end condition."""
        if not self._settled:
            self._settled = True
            if self._on_settled is not None:
                self._on_settled()

    # -- the connection loop ----------------------------------------------------------------

    async def run(
        self,
        stop: trio.Event,
        limiter: trio.CapacityLimiter,
        on_settled: Callable[[], None] | None = None,
    ) -> None:
        """Stay connected until ``stop``: reconnect after a Reset or a lost connection. A charger
        that never gets its first connection gives up (the run reports it)."""
        self._on_settled = on_settled
        backoff = RECONNECT_S[0]
        try:
            while not stop.is_set():
                outcome = await self._connection(stop, limiter)
                if outcome == "stopped" or (outcome == "failed" and not self.connected_once):
                    return
                if outcome == "reboot":
                    delay, backoff = REBOOT_S / self.options.time_scale, RECONNECT_S[0]
                elif outcome == "lost":
                    delay, backoff = backoff, RECONNECT_S[0]
                else:
                    delay, backoff = backoff, min(backoff * 2, RECONNECT_S[1])
                with trio.move_on_after(delay):
                    await stop.wait()
        finally:
            self._settle()
            self._notify()

    async def _connection(self, stop: trio.Event, limiter: trio.CapacityLimiter) -> str:
        """One connection: ``failed`` (never opened), ``lost``, ``reboot`` or ``stopped``."""
        headers = []
        password = self.configuration.authorization_key
        if password is not None:
            headers.append(basic_auth_header(self.charge_box_id, password))
        stream: Stream | None = None
        failure: ConnectFailed | None = None
        try:
            async with trio.open_nursery() as nursery:
                try:
                    async with limiter:
                        stream = await open_stream(
                            self.url, self._tls, self.options.connect_timeout_s
                        )
                        link = await Link.handshake(
                            nursery,
                            stream,
                            self.url,
                            headers,
                            self.options.connect_timeout_s,
                            self._stats,
                        )
                except ConnectFailed as failed:
                    failure = failed
                    nursery.cancel_scope.cancel()
                else:
                    outcome = await self._online(link, nursery, stop)
                    nursery.cancel_scope.cancel()
                    return outcome
        except* HANDSHAKE_ERRORS as group:
            # trio-websocket's reader task raises a refusal that has a body into the nursery.
            failure = handshake_failure(group)
        finally:
            if stream is not None:
                await trio.aclose_forcefully(stream)
        assert failure is not None
        self._stats.connect_failures[failure.kind] += 1
        log.info("%s: cannot connect: %s", self.charge_box_id, failure)
        return "failed"

    async def _online(self, link: Link, nursery: trio.Nursery, stop: trio.Event) -> str:
        self._link = link
        self._lost = False
        self._closing = False
        self._reboot = None
        self._wake = trio.Event()
        self.online = True
        for connector in self.connectors.values():
            connector.busy = False  # the tasks of the previous connection are gone
        if not self.connected_once:
            self.connected_once = True
            self._stats.ever_connected += 1
        self._stats.connected += 1
        self._notify()
        try:
            nursery.start_soon(self._receive_loop, link, nursery)
            nursery.start_soon(self._main, nursery)
            nursery.start_soon(self._wake_on, stop)
            await self._wake.wait()
            if self._lost:
                if not stop.is_set():
                    self._stats.errors[f"disconnected:{link.close_code}"] += 1
                return "lost"
            if self._reboot is not None:
                await link.close(1000, f"{self._reboot} reset")
                return "reboot"
            await self._wind_down()
            await link.close(1000, "simulation finished")
            return "stopped"
        finally:
            self._link = None
            self.online = False
            self._stats.connected -= 1
            if self._reboot == "Hard":
                for connector in self.connectors.values():
                    # Power is cut: the meter stops, and the session is reported ended after
                    # the reboot (OCPP 1.6 §5.14).
                    connector.meter(trio.current_time(), self.options.time_scale)
                    connector.power_w = 0.0
                    if connector.transaction is not None:
                        connector.transaction.request_stop("HardReset")
            self._notify()

    async def _wake_on(self, event: trio.Event) -> None:
        await event.wait()
        self._wake.set()

    async def _wind_down(self) -> None:
        """End of the run: running sessions are ended by their drivers, then we disconnect."""
        self._stopping = True  # no new sessions; one being prepared gives up after Authorize

        def settled() -> bool:
            for connector in self.connectors.values():
                if connector.transaction is not None:
                    connector.transaction.request_stop("Local")
                    return False
                if connector.busy and connector.status == "Preparing":
                    return False
            return True

        with trio.move_on_after(self.options.call_timeout_s + 1):
            await self.wait_until(settled)

    # -- frames in ----------------------------------------------------------------------------

    async def _receive_loop(self, link: Link, nursery: trio.Nursery) -> None:
        try:
            while True:
                frame = parse_frame(await link.receive())
                if isinstance(frame, Call):
                    nursery.start_soon(self._answer, link, frame)
                elif isinstance(frame, CallResult | CallError):
                    pending = self._pending
                    if pending is not None and pending.unique_id == frame.unique_id:
                        pending.answer = frame
                        pending.done.set()
                    else:
                        self._stats.errors["unexpected-answer"] += 1
                elif isinstance(frame, Unparseable):
                    self._stats.errors["unparseable-frame"] += 1
                    if frame.error_code is not None and frame.unique_id is not None:
                        await link.send(
                            encode_error(frame.unique_id, frame.error_code, frame.reason)
                        )
        except LinkClosed:
            pass
        finally:
            self._lost = True
            pending = self._pending
            if pending is not None:
                pending.done.set()
            self._wake.set()

    # -- CALLs out ---------------------------------------------------------------------------

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL and return the CALLRESULT payload; raises CallFailed otherwise (counted
        in the run's statistics, except a lost connection, which is counted once)."""
        registry = schemas()
        violation = registry.validate_request(action, payload)
        if violation is not None:  # a bug of the simulator: count it, never send it
            self._stats.errors[f"invalid-request:{action}"] += 1
            raise CallFailed(f"invalid {action}: {violation.description}")
        async with self._call_lock:
            link = self._link
            if link is None or self._lost or self._closing:
                raise CallFailed("offline", lost=True)
            pending = _Pending(str(next(self._ids)))
            self._pending = pending
            started = trio.current_time()
            try:
                try:
                    await link.send(encode_call(pending.unique_id, action, payload))
                except LinkClosed:
                    raise CallFailed("offline", lost=True) from None
                with trio.move_on_after(self.options.call_timeout_s):
                    await pending.done.wait()
            finally:
                self._pending = None
            answer = pending.answer
            if answer is None:
                if self._lost:
                    raise CallFailed("connection lost", lost=True)
                self._stats.errors[f"timeout:{action}"] += 1
                raise CallFailed(f"no answer to {action}")
            self._stats.round_trip(trio.current_time() - started)
            if isinstance(answer, CallError):
                self._stats.call_errors[f"{action}:{answer.error_code}"] += 1
                log.warning(
                    "%s: %s answered with CALLERROR %s %s",
                    self.charge_box_id,
                    action,
                    answer.error_code,
                    answer.description,
                )
                raise CallFailed(f"CALLERROR {answer.error_code}")
            violation = registry.validate_response(action, answer.payload)
            if violation is not None:
                self._stats.errors[f"invalid-answer:{action}"] += 1
                raise CallFailed(f"invalid {action} answer: {violation.description}")
            return answer.payload

    def _now(self) -> str:
        return iso_z(self._clock.now())

    async def _sleep(self, simulated_s: float) -> None:
        await trio.sleep(simulated_s / self.options.time_scale)

    # -- booting, heartbeats ------------------------------------------------------------------

    def boot_payload(self) -> dict[str, Any]:
        return {
            "chargePointVendor": "Capacitor",
            "chargePointModel": "Simulator",
            "chargePointSerialNumber": f"SN-{self.charge_box_id}"[:25],
            "firmwareVersion": f"capacitor-edge-sim {__version__}",
            "meterType": "Simulated meter",
            "meterSerialNumber": f"M-{self.charge_box_id}"[:25],
        }

    async def _boot(self) -> None:
        """BootNotification until Accepted (OCPP 1.6 §4.2: after Pending or Rejected, retry
        after the interval the Central System gave)."""
        while True:
            try:
                answer = await self.call("BootNotification", self.boot_payload())
            except CallFailed as failed:
                if failed.lost:
                    raise
                await self._sleep(max(self.configuration.integer("HeartbeatInterval"), 10))
                continue
            if answer["interval"] > 0:
                self._set_heartbeat_interval(answer["interval"])
            if answer["status"] == "Accepted":
                self.boots += 1
                if self.boots == 1:
                    self._stats.booted += 1
                self._notify()
                return
            await self._sleep(answer["interval"] or 60)

    def _set_heartbeat_interval(self, seconds: int) -> None:
        self.configuration.set("HeartbeatInterval", str(seconds))
        changed, self._interval_changed = self._interval_changed, trio.Event()
        changed.set()

    async def _heartbeats(self) -> None:
        while True:
            changed = self._interval_changed
            interval = self.configuration.integer("HeartbeatInterval")
            timeout = interval / self.options.time_scale if interval > 0 else float("inf")
            with trio.move_on_after(timeout) as waited:
                await changed.wait()
            if waited.cancelled_caught:
                await self._quietly("Heartbeat", {})

    async def _quietly(self, action: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """A CALL whose failure is only counted (a real charger would carry on, too)."""
        try:
            return await self.call(action, payload)
        except CallFailed:
            return None

    async def _main(self, nursery: trio.Nursery) -> None:
        try:
            await self._boot()
            # Transactions a Hard reset cut short are reported ended once the charger is back.
            for connector in self.connectors.values():
                transaction = connector.transaction
                if transaction is not None and transaction.stop_reason is not None:
                    await self._stop_transaction(connector, transaction)
                # The tasks of the last connection are gone, and with them any session step
                # in progress (Preparing, Finishing): a connector charges or is idle.
                if connector.transaction is None:
                    connector.status = self._idle_status(connector)
                else:
                    connector.status = "Charging"
            await self._report_status(0)
            for connector_id in self.connectors:
                await self._report_status(connector_id)
        except CallFailed:
            return
        if not self._settled:
            self._stats.charger_reported()
            self._settle()
        self._notify()
        nursery.start_soon(self._heartbeats)
        for connector in self.connectors.values():
            nursery.start_soon(self._connector_loop, connector)

    # -- connectors and sessions ----------------------------------------------------------------

    def _available(self, connector: Connector) -> bool:
        return self.operative and connector.operative

    def _idle_status(self, connector: Connector) -> str:
        return "Available" if self._available(connector) else "Unavailable"

    async def _report_status(self, connector_id: int) -> None:
        if connector_id == 0:
            status = "Available" if self.operative else "Unavailable"
        else:
            status = self.connectors[connector_id].status
        await self.call(
            "StatusNotification",
            {
                "connectorId": connector_id,
                "errorCode": "NoError",
                "status": status,
                "timestamp": self._now(),
            },
        )
        self.reported[connector_id] = status
        self._notify()

    async def _set_status(self, connector: Connector, status: str) -> None:
        connector.status = status
        await self._report_status(connector.connector_id)

    async def _connector_loop(self, connector: Connector) -> None:
        transaction = connector.transaction
        if transaction is not None and not transaction.finished.is_set():
            # The connection was lost while charging: the session carries on.
            try:
                await self._charge(connector, transaction)
            except CallFailed:
                return
        if not self._local_sessions:
            return
        while True:
            low, high = IDLE_S
            await self._sleep(self._rng.uniform(low, high))
            if (
                connector.busy
                or connector.transaction is not None
                or not self._available(connector)
                or self._stopping
            ):
                continue
            await self._local_session(connector)

    async def _local_session(self, connector: Connector) -> None:
        """A driver plugs in and presents a card (OCPP 1.6 §3.5: Preparing → Authorize →
        StartTransaction → Charging), charges for a while and stops at the charger."""
        connector.busy = True
        try:
            id_tag = self._rng.choice(ID_TAGS)
            await self._set_status(connector, "Preparing")
            info = (await self.call("Authorize", {"idTag": id_tag}))["idTagInfo"]
            if info["status"] != "Accepted" or self._stopping:
                await self._set_status(connector, self._idle_status(connector))
                return
            low, high = SESSION_S
            length = self._rng.uniform(low, high) / self.options.time_scale
            transaction = await self._start_transaction(
                connector, id_tag, remote=False, ends_at=trio.current_time() + length
            )
            await self._charge(connector, transaction)
        except CallFailed as failed:
            if not failed.lost and connector.transaction is None:
                connector.status = self._idle_status(connector)
                await self._quietly_report(connector.connector_id)
        finally:
            connector.busy = False
            self._notify()

    async def _quietly_report(self, connector_id: int) -> None:
        try:
            await self._report_status(connector_id)
        except CallFailed:
            return

    async def _start_transaction(
        self, connector: Connector, id_tag: str, *, remote: bool, ends_at: float | None
    ) -> Transaction:
        now = trio.current_time()
        meter_start = connector.meter(now, self.options.time_scale)
        answer = await self.call(
            "StartTransaction",
            {
                "connectorId": connector.connector_id,
                "idTag": id_tag,
                "meterStart": meter_start,
                "timestamp": self._now(),
            },
        )
        transaction = Transaction(answer["transactionId"], id_tag, meter_start, remote, ends_at)
        connector.transaction = transaction
        self._stats.transactions_started += 1
        self._notify()
        if answer["idTagInfo"]["status"] != "Accepted" and self.configuration.enabled(
            "StopTransactionOnInvalidId"
        ):
            # OCPP 1.6 §4.8: the Central System refused the idTag: end the session at once.
            transaction.request_stop("DeAuthorized")
            return transaction
        connector.power_w = float(self._rng.choice(POWERS_W))
        connector.sampled_at = trio.current_time()
        await self._set_status(connector, "Charging")
        return transaction

    async def _charge(self, connector: Connector, transaction: Transaction) -> None:
        """MeterValues every MeterValueSampleInterval until the session is told to stop or its
        driver's time is up, then StopTransaction → Finishing → Available."""
        while not transaction.stop_requested.is_set():
            interval = self.configuration.integer("MeterValueSampleInterval")
            timeout = interval / self.options.time_scale if interval > 0 else float("inf")
            if transaction.ends_at is not None:
                timeout = min(timeout, max(transaction.ends_at - trio.current_time(), 0.0))
            with trio.move_on_after(timeout):
                await transaction.stop_requested.wait()
            if transaction.stop_requested.is_set():
                break
            if transaction.ends_at is not None and trio.current_time() >= transaction.ends_at:
                transaction.request_stop("Local")
                break
            await self._send_meter_values(connector, transaction)
        await self._stop_transaction(connector, transaction)
        await self._set_status(connector, "Finishing")
        await self._sleep(UNPLUG_S)  # the driver unplugs
        self._apply_scheduled()
        await self._set_status(connector, self._idle_status(connector))
        await self._report_idle_changes()

    async def _report_idle_changes(self) -> None:
        """Report the charge point and every idle connector whose status an availability
        change has altered."""
        whole = "Available" if self.operative else "Unavailable"
        if self.reported.get(0) != whole:
            await self._report_status(0)
        for connector in self.connectors.values():
            if connector.transaction is None and not connector.busy:
                status = self._idle_status(connector)
                if status != connector.status:
                    await self._set_status(connector, status)

    def _sampled_values(self, connector: Connector, measurands: list[str], context: str) -> Any:
        register = connector.meter(trio.current_time(), self.options.time_scale)
        values = {
            "Energy.Active.Import.Register": (str(register), "Wh"),
            "Power.Active.Import": (f"{connector.power_w:.0f}", "W"),
            "Current.Import": (f"{connector.power_w / VOLTAGE_V:.1f}", "A"),
            "Voltage": (f"{VOLTAGE_V:.1f}", "V"),
        }
        sampled = []
        for measurand in measurands:
            value, unit = values[measurand]
            sampled.append(
                {
                    "value": value,
                    "context": context,
                    "measurand": measurand,
                    "location": "Outlet",
                    "unit": unit,
                }
            )
        return [{"timestamp": self._now(), "sampledValue": sampled}]

    async def _send_meter_values(
        self, connector: Connector, transaction: Transaction | None, context: str = ""
    ) -> None:
        measurands = self.configuration.items("MeterValuesSampledData") or [
            "Energy.Active.Import.Register"
        ]
        payload: dict[str, Any] = {
            "connectorId": connector.connector_id,
            "meterValue": self._sampled_values(connector, measurands, context or "Sample.Periodic"),
        }
        if transaction is not None:
            payload["transactionId"] = transaction.transaction_id
        if await self._quietly("MeterValues", payload) is not None and transaction is not None:
            transaction.meter_values_sent += 1
            self._notify()

    async def _stop_transaction(self, connector: Connector, transaction: Transaction) -> None:
        """StopTransaction (OCPP 1.6 §4.10). Kept for after a reconnect if the connection goes;
        dropped (and counted) if the Central System refuses or ignores it."""
        meter_stop = connector.meter(trio.current_time(), self.options.time_scale)
        reason = transaction.stop_reason or "Local"
        payload: dict[str, Any] = {
            "transactionId": transaction.transaction_id,
            "idTag": transaction.id_tag,
            "meterStop": meter_stop,
            "timestamp": self._now(),
            "reason": reason,
        }
        measurands = self.configuration.items("StopTxnSampledData")
        if measurands:
            payload["transactionData"] = self._sampled_values(
                connector, measurands, "Transaction.End"
            )
        answered = True
        try:
            await self.call("StopTransaction", payload)
        except CallFailed as failed:
            if failed.lost:
                raise
            answered = False
        connector.power_w = 0.0
        connector.transaction = None
        self._stats.transactions_stopped += 1
        self._stats.energy_wh += meter_stop - transaction.meter_start
        self.finished.append(
            FinishedTransaction(
                transaction.transaction_id, transaction.meter_start, meter_stop, reason, answered
            )
        )
        transaction.finished.set()
        self._notify()

    def _apply_scheduled(self) -> None:
        """A ChangeAvailability answered Scheduled takes effect once no session is running."""
        for connector in self.connectors.values():
            if connector.scheduled is not None and connector.transaction is None:
                connector.operative, connector.scheduled = connector.scheduled, None
        idle = all(c.transaction is None for c in self.connectors.values())
        if self.scheduled is not None and idle:
            self.operative, self.scheduled = self.scheduled, None

    # -- CALLs in: answers to the Central System ------------------------------------------------

    async def _answer(self, link: Link, call: Call) -> None:
        """Answer one Central System CALL, then do what the answer promised."""
        action = call.action
        if action not in CSMS_SENDABLE:
            code = ErrorCode.NotImplemented
            description = f"unknown action {action!r}"
            if action in ALL_ACTIONS:
                code, description = ErrorCode.NotSupported, f"{action} is sent by a charger"
            await self._send_quietly(link, encode_error(call.unique_id, code, description))
            return
        violation = schemas().validate_request(action, call.payload)
        if violation is not None:
            await self._send_quietly(
                link, encode_error(call.unique_id, violation.code, violation.description)
            )
            return
        if action not in ANSWERED:
            await self._send_quietly(
                link,
                encode_error(
                    call.unique_id,
                    ErrorCode.NotSupported,
                    f"{action} is not in SupportedFeatureProfiles "
                    f"{self.configuration.value('SupportedFeatureProfiles')}",
                ),
            )
            return
        handler = getattr(self, f"_on_{action}")
        payload, then = await handler(call.payload)
        self._stats.commands[action] += 1
        if not await self._send_quietly(link, encode_result(call.unique_id, payload)):
            return
        if then is not None:
            try:
                await then()
            except CallFailed:
                return

    async def _send_quietly(self, link: Link, text: str) -> bool:
        try:
            await link.send(text)
        except LinkClosed:
            return False
        return True

    async def _on_RemoteStartTransaction(self, payload: dict[str, Any]) -> Answer:
        """OCPP 1.6 §5.11: Accepted when the connector can charge; the session then starts
        without an Authorize (AuthorizeRemoteTxRequests is false)."""
        connector_id = payload.get("connectorId")
        if connector_id is None:
            free = [c for c in self.connectors.values() if self._can_start(c)]
            connector = free[0] if free else None
        else:
            connector = self.connectors.get(connector_id)
            if connector is not None and not self._can_start(connector):
                connector = None
        if connector is None:
            return {"status": "Rejected"}, None
        chosen = connector
        chosen.busy = True
        id_tag = payload["idTag"]

        async def start() -> None:
            try:
                if self.configuration.enabled("AuthorizeRemoteTxRequests"):
                    info = (await self.call("Authorize", {"idTag": id_tag}))["idTagInfo"]
                    if info["status"] != "Accepted":
                        return
                if chosen.status != "Preparing":
                    await self._set_status(chosen, "Preparing")
                transaction = await self._start_transaction(
                    chosen, id_tag, remote=True, ends_at=None
                )
                await self._charge(chosen, transaction)
            finally:
                chosen.busy = False
                self._notify()

        return {"status": "Accepted"}, start

    def _can_start(self, connector: Connector) -> bool:
        return (
            self._available(connector)
            and not connector.busy
            and connector.transaction is None
            and connector.status in ("Available", "Preparing")
            and not self._stopping
        )

    async def _on_RemoteStopTransaction(self, payload: dict[str, Any]) -> Answer:
        """OCPP 1.6 §5.12: Accepted for a running transaction, which then stops with reason
        Remote."""
        for connector in self.connectors.values():
            transaction = connector.transaction
            if transaction is not None and transaction.transaction_id == payload["transactionId"]:
                transaction.request_stop("Remote")
                return {"status": "Accepted"}, None
        return {"status": "Rejected"}, None

    async def _on_Reset(self, payload: dict[str, Any]) -> Answer:
        """OCPP 1.6 §5.14: Soft ends running sessions (reason SoftReset) and reboots; Hard
        reboots at once and reports the sessions ended (reason HardReset) after the boot."""
        kind = payload["type"]

        async def reboot() -> None:
            if kind == "Soft":
                running = [c.transaction for c in self.connectors.values() if c.transaction]
                for transaction in running:
                    transaction.request_stop("SoftReset")
                with trio.move_on_after(self.options.call_timeout_s):
                    for transaction in running:
                        await transaction.finished.wait()
            # Let a CALL of ours that is in flight get its answer first: the box may still be
            # working on it, and its answer to that CALL comes before it reads our Reset answer.
            with trio.move_on_after(self.options.call_timeout_s):
                async with self._call_lock:
                    self._closing = True  # no more CALLs on this connection
            self._closing = True
            self._reboot = kind
            self._wake.set()

        return {"status": "Accepted"}, reboot

    async def _on_TriggerMessage(self, payload: dict[str, Any]) -> Answer:
        """OCPP 1.6 §5.17: answer first, then send the requested message."""
        requested = payload["requestedMessage"]
        connector_id = payload.get("connectorId")
        if connector_id is not None and connector_id not in self.connectors and connector_id != 0:
            return {"status": "Rejected"}, None
        if requested == "MeterValues" and connector_id == 0:
            return {"status": "Rejected"}, None

        async def send() -> None:
            if requested == "BootNotification":
                await self._boot()
            elif requested == "Heartbeat":
                await self.call("Heartbeat", {})
            elif requested == "StatusNotification":
                targets = [0, *self.connectors] if connector_id is None else [connector_id]
                for target in targets:
                    await self._report_status(target)
            elif requested == "MeterValues":
                chosen = (
                    list(self.connectors.values())
                    if connector_id is None
                    else [self.connectors[connector_id]]
                )
                for connector in chosen:
                    await self._send_meter_values(connector, connector.transaction, "Trigger")
            elif requested == "DiagnosticsStatusNotification":
                await self.call("DiagnosticsStatusNotification", {"status": "Idle"})
            elif requested == "FirmwareStatusNotification":
                await self.call("FirmwareStatusNotification", {"status": "Idle"})

        return {"status": "Accepted"}, send

    async def _on_ChangeConfiguration(self, payload: dict[str, Any]) -> Answer:
        key, value = payload["key"], payload["value"]
        status = self.configuration.change(key, value)
        if status == "Accepted" and key == "HeartbeatInterval":
            self._set_heartbeat_interval(int(value))
        return {"status": status}, None

    async def _on_GetConfiguration(self, payload: dict[str, Any]) -> Answer:
        return self.configuration.get(payload.get("key")), None

    async def _on_UnlockConnector(self, payload: dict[str, Any]) -> Answer:
        """OCPP 1.6 §5.18: a running session on the connector is ended first (reason
        UnlockCommand), then the connector is unlocked."""
        connector = self.connectors.get(payload["connectorId"])
        if connector is None:
            return {"status": "NotSupported"}, None
        transaction = connector.transaction
        if transaction is not None:
            transaction.request_stop("UnlockCommand")
            with trio.move_on_after(self.options.call_timeout_s):
                await transaction.finished.wait()
            if not transaction.finished.is_set():
                return {"status": "UnlockFailed"}, None
        connector.unlocked += 1
        self._notify()
        return {"status": "Unlocked"}, None

    async def _on_ChangeAvailability(self, payload: dict[str, Any]) -> Answer:
        """OCPP 1.6 §5.2: Scheduled while a session runs on an affected connector (it takes
        effect when the session ends), else Accepted and the new status is reported."""
        connector_id, operative = payload["connectorId"], payload["type"] == "Operative"
        if connector_id != 0 and connector_id not in self.connectors:
            return {"status": "Rejected"}, None
        affected = (
            list(self.connectors.values()) if connector_id == 0 else [self.connectors[connector_id]]
        )
        if not operative and any(c.transaction is not None or c.busy for c in affected):
            if connector_id == 0:
                self.scheduled = False
            else:
                affected[0].scheduled = False
            return {"status": "Scheduled"}, None
        if connector_id == 0:
            self.operative, self.scheduled = operative, None
        else:
            affected[0].operative, affected[0].scheduled = operative, None

        return {"status": "Accepted"}, self._report_idle_changes

    async def _on_ClearCache(self, payload: dict[str, Any]) -> Answer:
        return {"status": "Accepted"}, None  # the cache is off and empty

    async def _on_DataTransfer(self, payload: dict[str, Any]) -> Answer:
        return {"status": "UnknownVendorId"}, None


@dataclass
class _Pending:
    unique_id: str
    done: trio.Event = field(default_factory=trio.Event)
    answer: CallResult | CallError | None = None
