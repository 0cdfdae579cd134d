"""The box as an OCPP 1.6 local controller (issue 20), as the domain sees it.

The box answers its chargers itself; with ``upstream_url`` set it also mirrors each
charger-initiated message to the upstream central system through a durable per-charger outbox.
This module holds what the upstream adapter (:mod:`capacitor_edge.upstream`) and the REST API
share: which chargers are online (one upstream link each), the outbox row written with each
message's local handling, the per-charger upstream state, and the relay of upstream CALLs to the
charger through the same one-outstanding-call queue and audit as REST commands.

Without ``upstream_url`` nothing here is built: the handlers are not wrapped and the one cost
left on the hot path is the rider check in ``Database.write``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import trio

from capacitor_edge import metrics
from capacitor_edge.clock import Clock, iso_z, parse_iso
from capacitor_edge.domain.charger_sessions import ChargerIdentity, Handler
from capacitor_edge.domain.commands import Commands
from capacitor_edge.domain.errors import (
    CallRejected,
    CallUnanswered,
    DomainError,
    NotFound,
    StorageFailure,
)
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.smart_charging import SmartCharging
from capacitor_edge.domain.upstream_site import SiteCapping
from capacitor_edge.protocol.session import ErrorReceived
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.upstream import OutboxDepth, UpstreamStore
from capacitor_edge.storage.upstream_outbox import RIDER, Rider

#: Charger-initiated actions never put in the outbox: the upstream gets the box's own Heartbeats.
NOT_FORWARDED = frozenset({"Heartbeat"})
#: Who the command audit log names for a CALL that came from the upstream.
UPSTREAM_KEY_ID = "upstream"


@dataclass
class UpstreamState:
    """One charger's upstream link, in memory (the outbox itself is in SQLite)."""

    connected: bool = False
    connected_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    #: Messages the upstream acknowledged since the box started (for tests and metrics).
    delivered: int = 0
    #: The newest outbox row the upstream acknowledged in this run (its delete may not be
    #: committed yet, so reads of the outbox start after it).
    acked_seq: int = 0
    wake: trio.Event = field(default_factory=trio.Event)
    #: Set (and replaced) whenever the link goes up or down: for waiters such as tests.
    changed: trio.Event = field(default_factory=trio.Event)

    def note_change(self) -> None:
        changed, self.changed = self.changed, trio.Event()
        changed.set()


@dataclass(frozen=True)
class UpstreamView:
    """What REST shows of a charger's upstream link."""

    enabled: bool
    connected: bool
    connected_at: str | None
    outbox_depth: int
    oldest_unsent_at: str | None
    last_error: str | None
    last_error_at: str | None


def status_name(snake: str) -> str:
    """``not_supported`` -> ``NotSupported``: the domain's answers back in OCPP's spelling."""
    return "".join(part.capitalize() for part in snake.split("_"))


class Mirror:
    def __init__(
        self,
        store: UpstreamStore,
        chargers: ChargerStore,
        commands: Commands,
        smart_charging: SmartCharging,
        clock: Clock,
        refused: frozenset[str] = frozenset(),
        site: SiteCapping | None = None,
    ) -> None:
        self._site = site
        self.store = store
        self._chargers = chargers
        self._commands = commands
        self._smart_charging = smart_charging
        self._clock = clock
        self._refused = refused
        #: Chargers online now, by seq; the adapter keeps one upstream link per entry.
        self.online: dict[int, ChargerIdentity] = {}
        self.states: dict[int, UpstreamState] = {}
        self.changed = trio.Event()

    # -- the charger side ----------------------------------------------------------------

    def wrap(self, handlers: dict[str, Handler]) -> dict[str, Handler]:
        """``handlers``, each writing its message's outbox row with its own first write."""
        return {
            action: handler if action in NOT_FORWARDED else self._mirrored(action, handler)
            for action, handler in handlers.items()
        }

    def _mirrored(self, action: str, handler: Handler) -> Handler:
        async def handle(charger: ChargerIdentity, payload: dict[str, Any]) -> dict[str, Any]:
            rider = Rider(charger.charger_seq, action, payload, iso_z(self._clock.now()))
            token = RIDER.set(rider)
            try:
                answer = await handler(charger, payload)
            finally:
                RIDER.reset(token)
            if not rider.taken:  # the handler wrote nothing of its own (Authorize)
                await self.store.write_rider(rider)
            self.state(charger.charger_seq).wake.set()
            return answer

        return handle

    def state(self, charger_seq: int) -> UpstreamState:
        state = self.states.get(charger_seq)
        if state is None:
            state = self.states[charger_seq] = UpstreamState()
        return state

    def charger_online(self, charger: ChargerIdentity) -> None:
        self.online[charger.charger_seq] = charger
        self._changed()

    def charger_offline(self, charger: ChargerIdentity) -> None:
        # A newer session of the same charger may already have replaced this one.
        if self.online.get(charger.charger_seq) is charger:
            del self.online[charger.charger_seq]
            self.state(charger.charger_seq).wake.set()  # its link ends once it has told all
            self._changed()

    async def load(self) -> None:
        """What the last run kept: the upstream's caps on the site's chargers."""
        if self._site is not None:
            await self._site.load()

    def link_ended(self) -> None:
        self._changed()

    async def wanted(self, charger_seq: int) -> bool:
        """Whether the charger needs its upstream link: online, or messages still to send."""
        if charger_seq in self.online:
            return True
        return (await self.store.depth(charger_seq)).depth > 0

    async def backlogged(self) -> list[ChargerIdentity]:
        """The chargers the outbox holds messages of (at start-up: what the last run left)."""
        return [
            ChargerIdentity(charge_box_id, seq, org_id)
            for seq, charge_box_id, org_id in await self.store.backlogged()
        ]

    def _changed(self) -> None:
        changed, self.changed = self.changed, trio.Event()
        changed.set()

    def now(self) -> datetime:
        return self._clock.now()

    async def boot_payload(self, charger: ChargerIdentity) -> dict[str, Any] | None:
        """The BootNotification replayed on each upstream connect: the charger's last one, or
        one made from its registration; None for a charger that never booted (its first
        BootNotification is then the first message of its outbox)."""
        payload = await self.store.boot(charger.charger_seq)
        if payload is not None:
            return payload
        record = await self._chargers.find(charger.charge_box_id, charger.org_id)
        if record is None or record.vendor is None or record.model is None:
            return None
        return {"chargePointVendor": record.vendor, "chargePointModel": record.model}

    # -- the upstream's state --------------------------------------------------------------

    async def link_up(self, charger: ChargerIdentity) -> None:
        state = self.state(charger.charger_seq)
        state.connected, state.connected_at = True, self._clock.now()
        state.note_change()
        with suppress(StorageFailure):  # a full disk is logged by storage
            await self.store.connection_changed(
                charger.charger_seq, "upstream.connected", {}, iso_z(self._clock.now())
            )

    async def link_down(self, charger: ChargerIdentity, error: str) -> None:
        state = self.state(charger.charger_seq)
        was_connected = state.connected
        state.connected = False
        state.last_error, state.last_error_at = error, self._clock.now()
        state.note_change()
        if was_connected:  # one event per change, not one per failed reconnect attempt
            with trio.CancelScope(shield=True), suppress(StorageFailure):
                await self.store.connection_changed(
                    charger.charger_seq,
                    "upstream.disconnected",
                    {"error": error},
                    iso_z(self._clock.now()),
                )

    def failed(self, charger_seq: int, error: str) -> None:
        state = self.state(charger_seq)
        state.last_error, state.last_error_at = error, self._clock.now()

    async def refused(
        self, charger_seq: int, seq: int, action: str, unique_id: str, error: ErrorReceived
    ) -> None:
        """The upstream refused a forwarded message (CALLERROR): dropped from the outbox, with
        an ``upstream.message_refused`` event, a counter and ``lastError``."""
        text = f"{error.error_code}: {error.description}" if error.description else error.error_code
        self.failed(charger_seq, f"upstream answered {action} ({unique_id}) with {text}")
        metrics.UPSTREAM_REFUSED.labels(action).inc()
        with suppress(StorageFailure):  # a full disk is logged by storage (and lastError says it)
            await self.store.refused(
                charger_seq, seq, action, unique_id, text, iso_z(self._clock.now())
            )

    async def set_gauges(self) -> None:
        metrics.UPSTREAM_CONNECTED.set(sum(s.connected for s in self.states.values()))
        depth = await self.store.total_depth()
        metrics.UPSTREAM_OUTBOX.set(depth.depth)
        oldest = depth.oldest_received_at
        age = 0.0 if oldest is None else (self._clock.now() - parse_iso(oldest)).total_seconds()
        metrics.UPSTREAM_OLDEST_AGE.set(max(age, 0.0))

    async def view(self, org_id: str, charge_box_id: str) -> UpstreamView:
        record = await self._chargers.find(charge_box_id, org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        state = self.state(record.seq)
        depth: OutboxDepth = await self.store.depth(record.seq)
        return UpstreamView(
            enabled=True,
            connected=state.connected,
            connected_at=None if state.connected_at is None else iso_z(state.connected_at),
            outbox_depth=depth.depth,
            oldest_unsent_at=depth.oldest_received_at,
            last_error=state.last_error,
            last_error_at=None if state.last_error_at is None else iso_z(state.last_error_at),
        )

    # -- upstream CALLs to the charger -----------------------------------------------------

    async def relay(
        self, charger: ChargerIdentity, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The charger's answer to an upstream CALL, relayed through the charger's command
        queue and audit log. Raises CallRejected with the CALLERROR the upstream gets."""
        if action in self._refused:
            raise CallRejected("SecurityError", f"{action} is refused by the local controller")
        principal = Principal(charger.org_id, UPSTREAM_KEY_ID)
        try:
            return await self._relay(principal, charger, action, payload)
        except CallRejected:
            raise
        except CallUnanswered as unanswered:
            raise CallRejected("GenericError", str(unanswered)) from None
        except DomainError as error:
            raise CallRejected("PropertyConstraintViolation", str(error)) from None

    async def _relay(
        self, principal: Principal, charger: ChargerIdentity, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        typed = self._typed.get(action)
        if typed is not None:
            return await typed(self, principal, charger, payload)
        return await self._commands.relay(principal, charger.charge_box_id, action, payload)

    async def _local_id(self, charger: ChargerIdentity, upstream_id: int) -> int:
        """The box's transaction id for the upstream's (OCPP 1.6 §5.12 names the upstream's)."""
        ids = await self.store.upstream_ids(charger.charger_seq)
        for local, upstream in ids.items():
            if upstream == upstream_id:
                return local
        return upstream_id

    async def _remote_stop(
        self, principal: Principal, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        local = await self._local_id(charger, payload["transactionId"])
        return await self._commands.relay(
            principal, charger.charge_box_id, "RemoteStopTransaction", {"transactionId": local}
        )

    async def _remote_start(
        self, principal: Principal, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        # Through the typed command, so the StartTransaction that follows counts as remote.
        answer = await self._commands.remote_start(
            principal,
            charger.charge_box_id,
            payload.get("connectorId"),
            payload["idTag"],
            0.0,
            payload.get("chargingProfile"),
        )
        return {"status": status_name(answer.status)}

    async def _set_profile(
        self, principal: Principal, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        # Through the domain's smart charging path (checked, put in the charger's unit, kept in
        # the profile registry): the one place the site's allocation is combined with it.
        profile = dict(payload["csChargingProfiles"])
        if "transactionId" in profile:
            profile["transactionId"] = await self._local_id(charger, profile["transactionId"])
        if self._site is not None and await self._site.set_profile(
            charger.charge_box_id, payload["connectorId"], profile
        ):
            return {"status": "Accepted"}  # a cap the site's allocation is kept under
        answer = await self._smart_charging.set_profile(
            principal, charger.charge_box_id, payload["connectorId"], profile
        )
        return {"status": status_name(answer.status)}

    async def _clear_profile(
        self, principal: Principal, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        status = (
            None
            if self._site is None
            else await self._site.clear_profile(charger.charge_box_id, payload)
        )
        if status is not None:
            return {"status": status}
        return await self._commands.relay(
            principal, charger.charge_box_id, "ClearChargingProfile", payload
        )

    _typed: dict[
        str,
        Callable[[Mirror, Principal, ChargerIdentity, dict[str, Any]], Awaitable[dict[str, Any]]],
    ] = {
        "RemoteStopTransaction": _remote_stop,
        "RemoteStartTransaction": _remote_start,
        "SetChargingProfile": _set_profile,
        "ClearChargingProfile": _clear_profile,
    }
