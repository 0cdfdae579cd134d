"""One simulated OCPP 1.6J charge point: its connection loop, its boot and heartbeats, and the
parts it is made of.

Life of a charger: connect (TLS and Basic auth as configured), BootNotification until Accepted,
StatusNotification for connector 0 and each connector (OCPP 1.6 §4.2, §4.9), Heartbeats at the
interval the Central System gave, and in the ``sessions`` scenario charging sessions on each
connector. A Reset closes the connection and boots again; a lost connection is retried with a
back-off, and a transaction running at the time carries on (its StopTransaction is sent once the
charger is back, as chargers queue transaction messages, §4.10).

The parts: each connection's OCPP-J exchange is a `Conversation` over the shared sans-IO session
(one CALL at a time, OCPP-J 1.6 §4.1.1); what happens on the connectors is `Charging`; the
answers to the Central System's commands are the behaviours in `answers`, each run in its own
task so that an answer which first needs a CALL of its own (UnlockConnector ends the session
first) does not block the receive loop.
"""

from __future__ import annotations

import functools
import itertools
import logging
import random
import ssl
from collections.abc import Callable
from typing import Any, Final

import trio

from capacitor_edge import __version__
from capacitor_edge.clock import Clock, SystemClock, iso_z
from capacitor_edge.protocol import ALL_ACTIONS, CallReceived, SchemaRegistry
from capacitor_edge.simulator import answers

# Registers its behaviours (Local Auth List Management, Reservation) in answers' table.
from capacitor_edge.simulator import authorization as authorization
from capacitor_edge.simulator.charging import Charging
from capacitor_edge.simulator.configuration import Configuration
from capacitor_edge.simulator.connectors import (
    FinishedTransaction,
    SimulatedConnector,
    SimulatedTransaction,
)
from capacitor_edge.simulator.conversation import CallFailed, Conversation
from capacitor_edge.simulator.link import (
    HANDSHAKE_ERRORS,
    ConnectFailed,
    Link,
    Stream,
    handshake_failure,
    open_stream,
)
from capacitor_edge.simulator.options import Options, basic_auth_header
from capacitor_edge.simulator.report import Stats

__all__ = [
    "CallFailed",
    "FinishedTransaction",
    "SimulatedCharger",
    "SimulatedConnector",
    "SimulatedTransaction",
    "schemas",
]

log = logging.getLogger("capacitor_edge.simulator")

#: Simulated seconds a reboot takes.
REBOOT_S: Final = 5.0
#: Real seconds between reconnection attempts after a lost connection (doubling up to the max).
RECONNECT_S: Final = (1.0, 30.0)


@functools.cache
def schemas() -> SchemaRegistry:
    """Every OCPP 1.6 schema, compiled once per process and shared by all chargers."""
    registry = SchemaRegistry(ALL_ACTIONS)
    registry.compile_all()
    return registry


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
        self.stats = stats
        self._tls = tls
        self.clock: Clock = clock or SystemClock()
        self._rng = random.Random(f"{options.seed}/{charge_box_id}")
        self._local_sessions = (
            options.scenario == "sessions" if local_sessions is None else local_sessions
        )
        self.configuration = Configuration(
            options.connectors, options.password, options.security_profile
        )
        self.charging = Charging(self, self._rng, options.connectors)
        self.connectors = self.charging.connectors
        self.reported = self.charging.reported
        self.finished = self.charging.finished
        self.boots = 0
        self.connected_once = False
        self.online = False
        self._ids = itertools.count(1)
        self._conversation: Conversation | None = None
        self._wake = trio.Event()
        self._reboot: str | None = None
        self._interval_changed = trio.Event()
        self._changed = trio.Event()
        self._settled = False
        self._on_settled: Callable[[], None] | None = None

    # -- observing (tests, the self-test) ---------------------------------------------------

    def notify(self) -> None:
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

    # -- what every part uses ----------------------------------------------------------------

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL on the current connection and return the CALLRESULT payload; raises
        CallFailed otherwise (see `Conversation.call`)."""
        conversation = self._conversation
        if conversation is None:
            raise CallFailed("offline", lost=True)
        return await conversation.call(action, payload)

    async def quietly(self, action: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """A CALL whose failure is only counted (a real charger would carry on, too)."""
        try:
            return await self.call(action, payload)
        except CallFailed:
            return None

    def now(self) -> str:
        return iso_z(self.clock.now())

    async def sleep(self, simulated_s: float) -> None:
        await trio.sleep(simulated_s / self.options.time_scale)

    async def reboot(self, kind: str) -> None:
        """Close the connection (after a CALL in flight has its answer) and boot again."""
        if self._conversation is not None:
            await self._conversation.close_after_current_call()
        self._reboot = kind
        self._wake.set()

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
            self.notify()

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
                            self.stats,
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
        self.stats.connect_failures[failure.kind] += 1
        log.info("%s: cannot connect: %s", self.charge_box_id, failure)
        return "failed"

    async def _online(self, link: Link, nursery: trio.Nursery, stop: trio.Event) -> str:
        conversation = Conversation(
            self.charge_box_id,
            schemas(),
            link.send,
            self.stats,
            self.options.call_timeout_s,
            lambda: str(next(self._ids)),
        )
        self._conversation = conversation
        self._reboot = None
        self._wake = trio.Event()
        self.online = True
        self.charging.connected()
        if not self.connected_once:
            self.connected_once = True
            self.stats.ever_connected += 1
        self.stats.connected += 1
        self.notify()
        try:
            nursery.start_soon(self._receive_loop, conversation, link, nursery)
            nursery.start_soon(self._main, nursery)
            nursery.start_soon(self._wake_on, stop)
            await self._wake.wait()
            if conversation.lost:
                if not stop.is_set():
                    self.stats.errors[f"disconnected:{link.close_code}"] += 1
                return "lost"
            if self._reboot is not None:
                await link.close(1000, f"{self._reboot} reset")
                return "reboot"
            await self.charging.wind_down(self.options.call_timeout_s + 1)
            await link.close(1000, "simulation finished")
            return "stopped"
        finally:
            self._conversation = None
            self.online = False
            self.stats.connected -= 1
            if self._reboot == "Hard":
                self.charging.power_cut(trio.current_time(), self.options.time_scale)
            self.notify()

    async def _wake_on(self, event: trio.Event) -> None:
        await event.wait()
        self._wake.set()

    async def _receive_loop(
        self, conversation: Conversation, link: Link, nursery: trio.Nursery
    ) -> None:
        def on_call(call: CallReceived) -> None:
            nursery.start_soon(answers.answer, self, conversation, call)

        try:
            await conversation.serve(link.receive, on_call)
        finally:
            self._wake.set()

    async def _main(self, nursery: trio.Nursery) -> None:
        try:
            await self.boot()
            await self.charging.resume()
        except CallFailed:
            return
        if not self._settled:
            self.stats.charger_reported()
            self._settle()
        self.notify()
        nursery.start_soon(self._heartbeats)
        for connector in self.connectors.values():
            nursery.start_soon(self.charging.connector_loop, connector, self._local_sessions)

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

    async def boot(self) -> None:
        """BootNotification until Accepted (OCPP 1.6 §4.2: after Pending or Rejected, retry
        after the interval the Central System gave)."""
        while True:
            try:
                answer = await self.call("BootNotification", self.boot_payload())
            except CallFailed as failed:
                if failed.lost:
                    raise
                await self.sleep(max(self.configuration.integer("HeartbeatInterval"), 10))
                continue
            if answer["interval"] > 0:
                self.set_heartbeat_interval(answer["interval"])
            if answer["status"] == "Accepted":
                self.boots += 1
                if self.boots == 1:
                    self.stats.booted += 1
                self.notify()
                return
            await self.sleep(answer["interval"] or 60)

    def set_heartbeat_interval(self, seconds: int) -> None:
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
                await self.quietly("Heartbeat", {})
