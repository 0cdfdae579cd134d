"""The site load over the last hours, for the dashboard's chart (issue 18, "Site load"): each
circuit's limit, allocation and measured draw per phase, sampled every
``load_history_interval_s`` and kept ``load_history_hours``.

Kept in memory, in a ring per circuit, and lost on restart (documented in docs/dashboard.md):
the chart is a look at the last hours, not a record, and a table written every few seconds
would add writes to the one SQLite writer that chargers' messages wait on, for data nobody
needs after a restart. Memory is bounded: hours x 3600 / interval samples per circuit.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import trio

from capacitor_edge.clock import iso_z
from capacitor_edge.domain.errors import Invalid, NotFound
from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.load_view import site_load

PerPhase = tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class CircuitSample:
    #: trio time of the sample: its wall-clock time is worked out when it is shown (now less
    #: its age), so the chart's spacing stays true when the wall clock is stepped.
    moment: float
    limit_a: PerPhase
    allocated_a: PerPhase
    measured_a: PerPhase


class LoadHistory:
    def __init__(self, control: LoadControl, interval_s: float, hours: float) -> None:
        self._control = control
        self.interval_s = interval_s
        self.hours = hours
        self._length = max(1, math.ceil(hours * 3600 / interval_s))
        self._circuits: dict[str, deque[CircuitSample]] = {}
        self._names: dict[str, str] = {}

    def sample(self) -> None:
        """Take one sample of every circuit now (nothing while no site is configured). A
        circuit the site no longer has is forgotten: its line would mean nothing."""
        if self._control.site() is None:
            self._circuits.clear()
            return
        load = site_load(self._control)
        moment = trio.current_time()
        present = set()
        for circuit in load["circuits"]:
            present.add(circuit["id"])
            self._names[circuit["id"]] = circuit["name"]
            ring = self._circuits.setdefault(circuit["id"], deque(maxlen=self._length))
            ring.append(
                CircuitSample(
                    moment,
                    tuple(circuit["limitA"]),
                    tuple(circuit["allocatedA"]),
                    tuple(circuit["measuredA"]),
                )
            )
        for gone in set(self._circuits) - present:
            del self._circuits[gone]

    async def run(
        self, shutdown: trio.Event, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        task_status.started()
        while not shutdown.is_set():
            self.sample()
            with trio.move_on_after(self.interval_s):
                await shutdown.wait()

    def view(self, circuit_id: str | None, hours: float | None) -> dict[str, Any]:
        """``GET /api/v1/site/load/history``: the samples of the last ``hours`` (all that are
        kept by default), of one circuit or of all, oldest first."""
        site = self._control.site()
        if site is None:
            raise NotFound("No site configured (PUT /api/v1/site)")
        if circuit_id is not None and all(c.id != circuit_id for c in site.circuits):
            raise NotFound(f"Circuit {circuit_id} not found")
        if hours is not None and not 0 < hours <= self.hours:
            raise Invalid("hours", f"must be greater than 0 and at most {self.hours:g}")
        now = trio.current_time()
        since = now - (self.hours if hours is None else hours) * 3600
        wall = self._control.clock.now()
        circuits = []
        for circuit in site.circuits:
            if circuit_id is not None and circuit.id != circuit_id:
                continue
            samples = [
                {
                    "at": iso_z(wall - timedelta(seconds=now - sample.moment)),
                    "limitA": list(sample.limit_a),
                    "allocatedA": list(sample.allocated_a),
                    "measuredA": list(sample.measured_a),
                }
                for sample in self._circuits.get(circuit.id, ())
                if sample.moment >= since
            ]
            circuits.append({"id": circuit.id, "name": circuit.name, "samples": samples})
        return {
            "at": iso_z(wall),
            "since": iso_z(wall - timedelta(seconds=now - since)),
            "intervalS": self.interval_s,
            "keptHours": self.hours,
            "circuits": circuits,
        }
