"""What the load controller knows of the site right now (issue 16): the sessions on managed
chargers, what each was last sent, what each draws, the building's load. Pure: times are
``trio.current_time()`` values handed in, nothing here waits or sends.

From this state :meth:`LoadState.demands` builds the allocator's input and :meth:`decide`
turns an allocation into the profiles to send now and the moment to look again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from capacitor_edge.domain.load_allocation import CircuitLimits, Demand
from capacitor_edge.domain.load_solar import SolarSurplus
from capacitor_edge.domain.site import Site, SiteCharger
from capacitor_edge.domain.upstream_caps import UpstreamCaps

Key = tuple[str, int]  # (chargeBoxId, connectorId)

#: Connector states in which a car takes nothing: its share goes to the others (it keeps its
#: minimum, so it can start drawing again without waiting for the box).
IDLE_CAR_STATES = frozenset({"SuspendedEV"})


@dataclass
class Session:
    transaction_id: int | None
    status: str = "Charging"
    #: How long it has been allowed to charge (a limit above 0), for rotation.
    charged_s: float = 0.0
    #: The most it drew on any phase at its last sample, and when (trio time).
    measured_a: tuple[float, float, float] | None = None
    measured_at: float | None = None
    #: Since when it draws well under its allocation (trio time), and the cap that gave the
    #: rest away (None: its charger's maximum).
    under_since: float | None = None
    reduced_cap_a: float | None = None


@dataclass
class Sent:
    limit_a: float
    #: trio time of the send, for the minimum interval per charger.
    at: float
    purpose: str = "TxProfile"
    status: str = "accepted"


@dataclass(frozen=True)
class Tuning:
    """The controller's settings (docs/configuration.md, ``load_*``)."""

    threshold_a: float = 1.0
    min_interval_s: float = 60.0
    headroom_after_s: float = 120.0
    rotation_interval_s: float = 900.0


@dataclass(frozen=True)
class Decision:
    sends: dict[Key, float]
    #: trio time to look again (a held-back increase, a rotation), or inf.
    wake_at: float


@dataclass
class LoadState:
    site: Site | None = None
    org_id: str = ""
    sessions: dict[Key, Session] = field(default_factory=dict)
    sent: dict[Key, Sent] = field(default_factory=dict)
    #: Chargers that refused both TxProfile and TxDefaultProfile: counted at their maximum.
    refusing: set[str] = field(default_factory=set)
    #: The meter's reading per site phase (the building's other load, or the whole grid
    #: connection's with ``measures: grid``), and when it was read (trio time).
    meter_a: tuple[float, float, float] | None = None
    meter_at: float | None = None
    #: Solar-surplus mode: the surplus per phase the chargers may use now (smoothed).
    solar: SolarSurplus = field(default_factory=SolarSurplus)
    meter_stale: bool = False
    #: Since when the meter is watched (the site was put or loaded): no reading yet is only
    #: stale ``stale_after_s`` after this.
    watched_since: float | None = None
    #: When the last rebalance counted charged time (trio time).
    ticked_at: float | None = None
    #: Issue 20: the upstream central system's profiles, as caps on its sessions.
    upstream_caps: UpstreamCaps = field(default_factory=UpstreamCaps)

    # -- inputs ------------------------------------------------------------------------

    def managed(self, charge_box_id: str) -> SiteCharger | None:
        return None if self.site is None else self.site.charger(charge_box_id)

    def upstream_cap_a(self, key: Key) -> float:
        """The upstream's cap on the session on ``key`` (inf: none)."""
        session = self.sessions.get(key)
        on_charger = sum(other[0] == key[0] for other in self.sessions)
        transaction_id = None if session is None else session.transaction_id
        return self.upstream_caps.cap_a(key, transaction_id, on_charger)

    def metered(
        self, key: Key, per_phase_a: tuple[float, float, float], now: float, tuning: Tuning
    ) -> bool:
        """A sample of what the session draws; True if its cap changed (reallocate): drawing
        well under its allocation for ``headroom_after_s`` gives the rest away, and reaching
        the reduced cap gives it back."""
        session = self.sessions.get(key)
        charger = self.managed(key[0])
        sent = self.sent.get(key)
        if session is None or charger is None:
            return False
        session.measured_a, session.measured_at = per_phase_a, now
        drawn = max(per_phase_a)
        if session.reduced_cap_a is not None:
            if drawn >= session.reduced_cap_a - tuning.threshold_a / 2:
                session.reduced_cap_a, session.under_since = None, None
                return True
            return False
        if sent is None or sent.limit_a <= 0 or drawn >= sent.limit_a - tuning.threshold_a:
            session.under_since = None
            return False
        if session.under_since is None:
            session.under_since = now
        if now - session.under_since < tuning.headroom_after_s:
            return False
        cap = max(charger.min_current_a, math.ceil(drawn) + tuning.threshold_a)
        if cap >= sent.limit_a:
            return False
        session.reduced_cap_a = cap
        return True

    def building_limits(self, now: float) -> dict[str, CircuitLimits]:
        """Every circuit's limits; the root's less the building's load, or the fallback limit
        while the meter is stale."""
        assert self.site is not None
        limits: dict[str, CircuitLimits] = {}
        root = self.site.root
        for circuit in self.site.circuits:
            per_phase = [
                circuit.max_current_a if p in circuit.phases else math.inf for p in range(3)
            ]
            if circuit is root:
                per_phase = self._root_phases(per_phase)
            limits[circuit.id] = CircuitLimits(
                (per_phase[0], per_phase[1], per_phase[2]), circuit.max_power_kw
            )
        return limits

    def _root_phases(self, per_phase: list[float]) -> list[float]:
        assert self.site is not None
        if self.site.meter.source == "none":
            return per_phase
        other = self.other_load()
        if self.meter_stale or other is None:
            return [min(limit, self.site.fallback_limit_a) for limit in per_phase]
        # Export (a negative other load) never raises the grid connection's own limit.
        limits = [
            max(limit - max(load, 0.0), 0.0) for limit, load in zip(per_phase, other, strict=True)
        ]
        if self.site.solar.enabled:
            limits = [
                min(limit, surplus)
                for limit, surplus in zip(limits, self.solar.amperes, strict=True)
            ]
        return limits

    def other_load(self) -> tuple[float, float, float] | None:
        """The building's load besides the managed chargers, per site phase (negative:
        export), or None before the first reading. A grid meter's reading less what the
        chargers behind it report: each charger's sample counts only up to what it was last
        allowed (a sample taken before a decrease must not hide load the meter sees), and a
        charger that has not reported counts as 0, so its draw stays in the building's load
        (counted twice, never missed)."""
        assert self.site is not None
        if self.meter_a is None:
            return None
        if self.site.meter.measures != "grid":
            return self.meter_a
        load = list(self.meter_a)
        for key, session in self.sessions.items():
            charger = self.site.charger(key[0])
            if charger is None or session.measured_a is None:
                continue
            sent = self.sent.get(key)
            allowed = charger.max_current_a if sent is None else sent.limit_a
            if key[0] in self.refusing:
                allowed = charger.max_current_a
            for phase in charger.connection:
                load[phase] -= min(session.measured_a[phase], allowed)
        return (load[0], load[1], load[2])

    def check_meter(self, now: float) -> bool | None:
        """True when the meter just went stale, False when it just came back, else None."""
        if self.site is None or self.site.meter.source == "none":
            return None
        # No reading yet is stale only ``stale_after_s`` after the meter is first watched.
        last = self.meter_at if self.meter_at is not None else self.watched_since
        fresh = last is not None and now - last <= self.site.meter.stale_after_s
        if fresh == (not self.meter_stale):
            return None
        self.meter_stale = not fresh
        return self.meter_stale

    def demands(self, online: set[str]) -> list[Demand]:
        assert self.site is not None
        demands: list[Demand] = []
        for key, session in self.sessions.items():
            charger = self.site.charger(key[0])
            if charger is None:
                continue
            sent = self.sent.get(key)
            fixed: float | None = None
            if key[0] in self.refusing:
                fixed = charger.max_current_a
            elif key[0] not in online and sent is not None:
                fixed = sent.limit_a  # unreachable: its last allocation still stands
            cap = charger.max_current_a
            if session.status in IDLE_CAR_STATES:
                cap = charger.min_current_a
            elif session.reduced_cap_a is not None:
                cap = session.reduced_cap_a
            cap = min(cap, self.upstream_cap_a(key))
            demands.append(
                Demand(
                    key=key,
                    path=self.site.path(charger.circuit_id),
                    phases=charger.connection,
                    min_a=charger.min_current_a,
                    cap_a=max(cap, charger.min_current_a),
                    weight=charger.priority,
                    charged_s=session.charged_s,
                    fixed_a=fixed,
                )
            )
        return demands

    def tick(self, now: float) -> None:
        """Count charged time up to ``now`` for every session allowed to charge."""
        if self.ticked_at is not None:
            elapsed = now - self.ticked_at
            for key, session in self.sessions.items():
                sent = self.sent.get(key)
                if sent is not None and sent.limit_a > 0:
                    session.charged_s += elapsed
        self.ticked_at = now

    # -- decisions ---------------------------------------------------------------------

    def decide(
        self,
        targets: dict[Key, float],
        paused: bool,
        now: float,
        tuning: Tuning,
        online: set[str],
        busy: set[str],
    ) -> Decision:
        """Which targets to send now. A decrease goes out at once (nothing may stay above the
        circuit's limit to spare a charger's flash); an increase only when it is bigger than
        ``threshold_a`` (or resumes a paused session) and the charger was last sent one at
        least ``min_interval_s`` ago."""
        sends: dict[Key, float] = {}
        wake_at = now + tuning.rotation_interval_s if paused else math.inf
        last_by_charger: dict[str, float] = {}
        for key, earlier in self.sent.items():
            last_by_charger[key[0]] = max(last_by_charger.get(key[0], -math.inf), earlier.at)
        for key, target in targets.items():
            charge_box_id = key[0]
            if charge_box_id not in online or charge_box_id in busy:
                continue
            if charge_box_id in self.refusing:
                continue
            sent = self.sent.get(key)
            if sent is None or sent.status == "resend":
                sends[key] = target
                continue
            if target < sent.limit_a - 1e-9:
                sends[key] = target
                continue
            resumes = sent.limit_a == 0 and target > 0
            if not resumes and target - sent.limit_a <= tuning.threshold_a:
                continue
            ready_at = last_by_charger.get(charge_box_id, -math.inf) + tuning.min_interval_s
            if now >= ready_at:
                sends[key] = target
            else:
                wake_at = min(wake_at, ready_at)
        return Decision(sends, wake_at)
