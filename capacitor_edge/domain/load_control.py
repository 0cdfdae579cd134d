"""The load controller (issue 16): watches sessions, connector states, the chargers' meter
samples and the building meter; reallocates with :mod:`capacitor_edge.domain.load_allocation`;
sends the profiles that changed enough (:mod:`capacitor_edge.domain.load_profiles`).

What chargers say reaches it through sync calls from the OCPP message handlers (after their
data is committed) that only update :class:`LoadState` and wake the controller's task; the task
does the sending, one task per charger, so a charger that does not answer holds up no other.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.load_allocation import Allocation, allocate
from capacitor_edge.domain.load_profiles import ProfileSender
from capacitor_edge.domain.load_solar import SolarSurplus
from capacitor_edge.domain.load_state import Key, LoadState, Sent, Session, Tuning
from capacitor_edge.domain.site import Site, site_document, site_from_document
from capacitor_edge.storage.site import SentAllocation, SiteStore
from capacitor_edge.storage.space import StorageFailure

log = logging.getLogger("capacitor_edge.load_control")


class LoadControl:
    def __init__(
        self,
        store: SiteStore,
        sender: ProfileSender,
        clock: Clock,
        tuning: Tuning,
        is_online: Callable[[str], bool],
        meter_models: Sequence[str],
        voltage_v: float = 230.0,
    ) -> None:
        self.state = LoadState()
        self.tuning = tuning
        self.meter_models = tuple(meter_models)
        self._store = store
        self._sender = sender
        self.clock = clock
        self.is_online = is_online
        self._voltage_v = voltage_v
        self._wake = trio.Event()
        self._busy: set[str] = set()
        self._boots: list[str] = []
        self.allocation: Allocation | None = None
        self.allocated_at: str | None = None
        #: Rebalances done and profiles sent since start (bench, /health).
        self.rebalances = 0
        self.profiles_sent = 0

    # -- the site document ---------------------------------------------------------------

    async def load(self) -> None:
        """The stored site, its sessions and what each was last sent: re-sent to each charger
        as it connects, and counted at that value while it is not connected."""
        stored = await self._store.load()
        if stored is None:
            return
        try:
            self.state.site = site_from_document(stored.document, self.meter_models)
        except Invalid as invalid:
            # Start anyway (chargers must be served); the site is put again over REST.
            log.error("stored site not usable (%s: %s): no load management", invalid.field, invalid)
            return
        self.state.org_id = stored.org_id
        self.state.watched_since = trio.current_time()
        await self._adopt_active()

    async def _adopt_active(self) -> None:
        """Sessions already running on the site's chargers (after a restart, or a site put
        while they charge), with what was last sent to them."""
        sent = {(row.charge_box_id, row.connector_id): row for row in await self._store.sent()}
        for charge_box_id, connector_id, tx in await self._store.active_transactions():
            key = (charge_box_id, connector_id)
            if self.state.managed(charge_box_id) is None or key in self.state.sessions:
                continue
            self.state.sessions[key] = Session(tx)
            row = sent.get(key)
            if row is not None and row.transaction_id == tx:
                self.state.sent[key] = Sent(row.limit_a, -math.inf, row.purpose, "resend")

    def site(self) -> Site | None:
        return self.state.site

    async def put_site(self, org_id: str, document: dict[str, Any]) -> Site:
        site = site_from_document(document, self.meter_models)
        root = site.root
        assert root is not None
        event = {
            "rootCircuitId": root.id,
            "maxCurrentA": root.max_current_a,
            "fallbackLimitA": site.fallback_limit_a,
            "circuits": len(site.circuits),
            "chargers": len(site.chargers),
        }
        await self._store.save(org_id, site_document(site), iso_z(self.clock.now()), event)
        self.state.site, self.state.org_id = site, org_id
        self.state.meter_stale = False
        self.state.solar = SolarSurplus()
        self.state.watched_since = trio.current_time()
        await self._adopt_active()
        self.wake()
        return site

    # -- what chargers and meters say (sync, from the handlers) -----------------------------

    def wake(self) -> None:
        self._wake.set()

    def transaction_started(self, charge_box_id: str, connector_id: int, tx: int) -> None:
        if self.state.managed(charge_box_id) is None:
            return
        key = (charge_box_id, connector_id)
        self.state.sessions[key] = Session(tx)
        self.state.sent.pop(key, None)
        self.wake()

    def transaction_stopped(self, charge_box_id: str, transaction_id: int) -> None:
        for key, session in list(self.state.sessions.items()):
            if key[0] == charge_box_id and session.transaction_id == transaction_id:
                del self.state.sessions[key]
                self.state.sent.pop(key, None)
                self.wake()

    def status_changed(self, charge_box_id: str, connector_id: int, status: str) -> None:
        session = self.state.sessions.get((charge_box_id, connector_id))
        if session is not None and session.status != status:
            session.status = status
            self.wake()

    def metered(
        self, charge_box_id: str, connector_id: int, amperes: list[tuple[str, float]]
    ) -> None:
        """Current.Import samples, (charger phase or "" for all, amperes), or the power as
        ("W", watts); mapped to site phases through the charger's wiring (its L1 may be the
        site's L2)."""
        charger = self.state.managed(charge_box_id)
        if charger is None or not amperes:
            return
        per_site = [0.0, 0.0, 0.0]
        for phase, value in amperes:
            if phase == "W":  # power: spread evenly over the charger's phases
                for site_phase in charger.connection:
                    per_site[site_phase] = value / (self._voltage_v * charger.phases)
            elif phase.startswith("L") and phase[1:2].isdigit() and int(phase[1]) <= charger.phases:
                per_site[charger.connection[int(phase[1]) - 1]] = value
            else:
                for site_phase in charger.connection:
                    per_site[site_phase] = value
        key = (charge_box_id, connector_id)
        now = trio.current_time()
        if self.state.metered(key, (per_site[0], per_site[1], per_site[2]), now, self.tuning):
            self.wake()

    def booted(self, charge_box_id: str) -> None:
        """A charger booted: a safe default before the box decides anything else."""
        if self.state.managed(charge_box_id) is not None:
            # The boot ended whatever session it had (the box closes them as stopped by the
            # reboot); what was sent for them no longer stands.
            self.state.refusing.discard(charge_box_id)  # new firmware may take profiles
            for key in [k for k in self.state.sessions if k[0] == charge_box_id]:
                del self.state.sessions[key]
                self.state.sent.pop(key, None)
            self._boots.append(charge_box_id)
            self.wake()

    def connected(self, charge_box_id: str) -> None:
        """Re-send what stands for the charger's sessions (after a box or link restart)."""
        for key in self.state.sent:
            if key[0] == charge_box_id:
                self.state.sent[key].at = -math.inf
                self.state.sent[key].status = "resend"
        self.wake()

    def building_load(self, per_phase_a: Sequence[float]) -> None:
        """The meter's reading per site phase, from the meter or an EMS: the building's other
        load, or with ``measures: grid`` the whole connection's (chargers included)."""
        self.state.meter_a = (per_phase_a[0], per_phase_a[1], per_phase_a[2])
        self.state.meter_at = trio.current_time()
        self.wake()

    # -- the task -------------------------------------------------------------------------

    async def run(
        self, shutdown: trio.Event, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        async with trio.open_nursery() as nursery:

            async def stop() -> None:
                await shutdown.wait()
                nursery.cancel_scope.cancel()

            nursery.start_soon(stop)
            task_status.started()
            wake_at = math.inf
            while True:
                meter_due = self._meter_deadline()
                with trio.move_on_at(min(wake_at, meter_due)):
                    await self._wake.wait()
                self._wake = trio.Event()
                try:
                    wake_at = await self.rebalance(nursery)
                except StorageFailure as failure:
                    log.warning("site rebalance: %s", failure.message)
                    wake_at = trio.current_time() + 1
                except Exception:
                    # Contained: the chargers keep what they were sent; try again soon.
                    log.exception("site rebalance")
                    wake_at = trio.current_time() + 1

    def _meter_deadline(self) -> float:
        state = self.state
        if state.site is None or state.site.meter.source == "none" or state.meter_stale:
            return math.inf
        last = state.meter_at if state.meter_at is not None else state.watched_since
        if last is None:
            return trio.current_time() + state.site.meter.stale_after_s
        return last + state.site.meter.stale_after_s + 1e-3

    async def rebalance(self, nursery: trio.Nursery) -> float:
        """Allocate and send what changed; the trio time to look again."""
        state = self.state
        if state.site is None:
            return math.inf
        now = trio.current_time()
        await self._meter_events(now)
        while self._boots:
            charge_box_id = self._boots.pop(0)
            nursery.start_soon(self._safe_default, charge_box_id)
        state.tick(now)
        solar = state.site.solar
        if solar.enabled:
            state.solar.update(
                state.other_load(),
                solar.minimum_a,
                now,
                self.tuning.threshold_a,
                self.tuning.min_interval_s,
            )
        online = {key[0] for key in state.sessions if self.is_online(key[0])}
        self.allocation = allocate(
            state.building_limits(now),
            state.demands(online),
            self._voltage_v,
            step_a=self.tuning.threshold_a,
        )
        self.allocated_at = iso_z(self.clock.now())
        self.rebalances += 1
        # Only the site's chargers: a session on one taken out of the site is left alone.
        # The upstream's cap (issue 20) also under a minimum the allocation keeps.
        targets = {
            key: min(self.allocation.amperes[key], state.upstream_cap_a(key))
            for key in state.sessions
            if key in self.allocation.amperes
        }
        decision = state.decide(
            targets, bool(self.allocation.paused), now, self.tuning, online, self._busy
        )
        by_charger: dict[str, list[tuple[int, float]]] = {}
        for (charge_box_id, connector_id), limit in sorted(decision.sends.items()):
            by_charger.setdefault(charge_box_id, []).append((connector_id, limit))
        for charge_box_id, limits in by_charger.items():
            self._busy.add(charge_box_id)
            nursery.start_soon(self._send, charge_box_id, limits)
        return min(decision.wake_at, state.solar.wake_at(self.tuning.min_interval_s))

    async def _meter_events(self, now: float) -> None:
        changed = self.state.check_meter(now)
        if changed is None:
            return
        kind = "site.meter_stale" if changed else "site.meter_restored"
        assert self.state.site is not None
        data: dict[str, Any] = {"source": self.state.site.meter.source}
        if changed:
            data["fallbackLimitA"] = self.state.site.fallback_limit_a
        else:
            data["buildingA"] = list(self.state.other_load() or ())
        log.log(logging.WARNING if changed else logging.INFO, "%s: %s", kind, data)
        await self._store.record_event(self.state.org_id, kind, iso_z(self.clock.now()), data)

    async def _safe_default(self, charge_box_id: str) -> None:
        charger = self.state.managed(charge_box_id)
        site = self.state.site
        if charger is None or site is None:
            return
        safe = site.safe_current_a if site.safe_current_a is not None else charger.min_current_a
        try:
            status = await self._sender.send_safe_default(
                self.state.org_id, charge_box_id, safe, charger.phases
            )
        except Exception:
            log.exception("safe default for %s", charge_box_id)
            return
        self.profiles_sent += 1
        if status in ("rejected", "not_supported"):
            self.state.refusing.add(charge_box_id)
            self.wake()

    async def _send(self, charge_box_id: str, limits: list[tuple[int, float]]) -> None:
        charger = self.state.managed(charge_box_id)
        changes: list[dict[str, Any]] = []
        rows: list[SentAllocation] = []
        try:
            for connector_id, limit in limits:
                key: Key = (charge_box_id, connector_id)
                session = self.state.sessions.get(key)
                if charger is None or session is None:
                    continue
                before = self.state.sent.get(key)
                purpose, status = await self._sender.send(
                    self.state.org_id,
                    charge_box_id,
                    connector_id,
                    session.transaction_id,
                    limit,
                    charger.phases,
                )
                self.profiles_sent += 1
                now = trio.current_time()
                if status == "accepted":
                    self.state.sent[key] = Sent(limit, now, purpose, status)
                elif purpose == "TxDefaultProfile" and status in ("rejected", "not_supported"):
                    self.state.refusing.add(charge_box_id)
                elif before is not None:
                    before.at, before.status = now, status  # kept: it may still be in force
                changes.append(
                    {
                        "chargeBoxId": charge_box_id,
                        "connectorId": connector_id,
                        "transactionId": session.transaction_id,
                        "fromA": None if before is None else before.limit_a,
                        "toA": limit,
                        "purpose": purpose,
                        "status": status,
                    }
                )
                rows.append(
                    SentAllocation(
                        charge_box_id,
                        connector_id,
                        session.transaction_id,
                        self.state.sent[key].limit_a if key in self.state.sent else limit,
                        purpose,
                        status,
                        iso_z(self.clock.now()),
                    )
                )
            if rows:
                event = {"at": iso_z(self.clock.now()), "changes": changes}
                await self._store.record_sent(self.state.org_id, rows, event)
        except StorageFailure as failure:
            log.warning("site allocation of %s not stored: %s", charge_box_id, failure.message)
        except Exception:
            # Contained: one charger's trouble must not end the controller (or the box).
            log.exception("site allocation of %s", charge_box_id)
        finally:
            self._busy.discard(charge_box_id)
            self.wake()
