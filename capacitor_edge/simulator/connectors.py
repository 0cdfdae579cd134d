"""What a simulated charger's connectors hold: their status, meter and running transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import trio


@dataclass
class SimulatedTransaction:
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
    #: Wall-clock start: Relative charging profiles count from it (OCPP 1.6 §7.13).
    started_at: datetime | None = None

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
class SimulatedConnector:
    connector_id: int
    register_wh: float
    status: str = "Available"
    operative: bool = True
    #: ChangeAvailability answered Scheduled: the availability to take once the session ends.
    scheduled: bool | None = None
    #: What the meter measures now: the car's demand, at most the charging profiles' limit.
    power_w: float = 0.0
    #: What the car would draw without a limit, and on how many phases.
    demand_w: float = 0.0
    phases: int = 3
    #: The connector's rating per phase (GetCompositeSchedule shows it where nothing limits).
    max_current_a: float = 32.0
    sampled_at: float = 0.0
    transaction: SimulatedTransaction | None = None
    #: A session owns the connector (from Preparing until it is Available again).
    busy: bool = False
    unlocked: int = 0

    def meter(self, now: float, time_scale: float) -> int:
        """Advance the energy register to ``now`` (trio time) and read it, in Wh."""
        if self.power_w > 0:
            self.register_wh += self.power_w * (now - self.sampled_at) * time_scale / 3600
        self.sampled_at = now
        return int(self.register_wh)
