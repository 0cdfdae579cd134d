"""The charging profiles a simulated charger was sent (OCPP 1.6 §3.13, §5.5, §5.16), and the
power they leave its connectors.

Profiles are kept per connector (0: the charge point as a whole). The limit is the composite
schedule of `capacitor_edge.protocol.charging_schedules`, evaluated on the wall clock (the
timestamps the charger reports, so the box's schedule times mean what they say) at every meter
sample and whenever a profile is set or cleared; between those moments the power holds, as a
real charger's control loop does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from capacitor_edge.protocol.charging_profiles import ChargingProfile, Purpose, RateUnit
from capacitor_edge.protocol.charging_schedules import (
    CompositeLimits,
    TransactionStart,
    composite_schedule,
)
from capacitor_edge.simulator.connectors import SimulatedConnector

#: The window (s) whose first second gives the limit now.
_NOW_S = 1


class ChargingProfiles:
    def __init__(self, connector_ids: Iterable[int], voltage_v: float) -> None:
        self.voltage_v = voltage_v
        self.installed: dict[int, dict[int, ChargingProfile]] = {0: {}}
        for connector_id in connector_ids:
            self.installed[connector_id] = {}

    def count(self) -> int:
        return sum(len(profiles) for profiles in self.installed.values())

    def replaced_by(self, connector_id: int, profile: ChargingProfile) -> list[ChargingProfile]:
        """What ``profile`` replaces (§5.16): the profile with its id anywhere, and the one of
        its purpose and stackLevel on the same connector."""
        gone = [p for profiles in self.installed.values() for p in profiles.values()]
        return [
            p
            for p in gone
            if p.id == profile.id
            or (
                p in self.installed[connector_id].values()
                and (p.purpose, p.stack_level) == (profile.purpose, profile.stack_level)
            )
        ]

    def install(self, connector_id: int, profile: ChargingProfile) -> None:
        for old in self.replaced_by(connector_id, profile):
            for profiles in self.installed.values():
                if profiles.get(old.id) is old:
                    del profiles[old.id]
        self.installed[connector_id][profile.id] = profile

    def clear(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: str | None = None,
        stack_level: int | None = None,
    ) -> bool:
        """ClearChargingProfile (§5.5): by id (the other criteria are then ignored), else every
        profile matching all the criteria given. True if any was removed (Accepted)."""
        removed = False
        for connector, profiles in self.installed.items():
            for profile in list(profiles.values()):
                if profile_id is not None:
                    matches = profile.id == profile_id
                else:
                    matches = (
                        connector_id in (None, connector)
                        and purpose in (None, profile.purpose)
                        and stack_level in (None, profile.stack_level)
                    )
                if matches:
                    del profiles[profile.id]
                    removed = True
        return removed

    def end_transaction(self, connector_id: int) -> None:
        """A TxProfile lives as long as its transaction (§3.13.1)."""
        profiles = self.installed[connector_id]
        for profile in list(profiles.values()):
            if profile.purpose == Purpose.TX:
                del profiles[profile.id]

    def composite(
        self,
        connector_id: int,
        connector: SimulatedConnector | None,
        start: datetime,
        duration: int,
        unit: RateUnit,
    ) -> CompositeLimits:
        """The connector's composite schedule; for connector 0, the charge point's own limit
        (its ChargePointMaxProfile: the grid connection's share)."""
        if connector is None:
            caps = [p for p in self.installed[0].values() if p.purpose == Purpose.CHARGE_POINT_MAX]
            return composite_schedule(
                [], caps, start=start, duration=duration, unit=unit, voltage_v=self.voltage_v
            )
        transaction = None
        running = connector.transaction
        if running is not None and running.started_at is not None:
            transaction = TransactionStart(running.started_at, running.transaction_id)
        return composite_schedule(
            self.installed[connector_id].values(),
            self.installed[0].values(),
            start=start,
            duration=duration,
            unit=unit,
            transaction=transaction,
            voltage_v=self.voltage_v,
            phases=connector.phases,
        )

    def maximum(self, connectors: list[SimulatedConnector], unit: RateUnit) -> float:
        """What the connectors can draw together, shown where no profile limits them."""
        if unit == RateUnit.AMPERES:
            return sum(c.max_current_a for c in connectors)
        return sum(c.max_current_a * self.voltage_v * c.phases for c in connectors)

    def limit_power(self, connectors: Iterable[SimulatedConnector], now: datetime) -> None:
        """Set each charging connector's power: the car's demand, at most its composite limit
        now; then, together, at most the charge point's own limit (§3.13.1: the
        ChargePointMaxProfile is for the entire charge point), shared in proportion."""
        charging = [c for c in connectors if c.demand_w > 0]
        for connector in charging:
            schedule = self.composite(
                connector.connector_id, connector, now, _NOW_S, RateUnit.WATTS
            )
            limit = schedule.limit_at(schedule.start)
            demand = connector.demand_w
            connector.power_w = demand if limit is None else min(demand, limit)
        if not charging:
            return
        # In watts on the supply's phases: the most any connector uses.
        whole = composite_schedule(
            [],
            [p for p in self.installed[0].values() if p.purpose == Purpose.CHARGE_POINT_MAX],
            start=now,
            duration=_NOW_S,
            unit=RateUnit.WATTS,
            voltage_v=self.voltage_v,
            phases=max(c.phases for c in charging),
        )
        cap = whole.limit_at(whole.start)
        total = sum(c.power_w for c in charging)
        if cap is not None and total > cap:
            for connector in charging:
                connector.power_w *= cap / total
