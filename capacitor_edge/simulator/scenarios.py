"""A run of many simulated chargers: ``boot``, ``sessions`` or ``storm``.

- ``boot``: chargers connect (at most ``connect_concurrency`` handshakes at once), boot, report
  every connector's status, send Heartbeats, and answer commands until the duration is over.
- ``sessions``: as ``boot``, plus charging sessions on every connector with seeded random
  idle and charging times (``--seed``: the same seed gives the same sequence per charger).
- ``storm``: every charger connects and boots at the same moment; by default the run ends as
  soon as all have booted and reported their status, and the summary gives how long that took.
"""

from __future__ import annotations

from typing import Any

import trio

from capacitor_edge.clock import Clock
from capacitor_edge.simulator.api_client import ApiClient
from capacitor_edge.simulator.charger import SimulatedCharger, schemas
from capacitor_edge.simulator.options import Options, api_verify, ssl_context
from capacitor_edge.simulator.report import Stats, show_progress, summary


class Simulation:
    """Build it (options are checked, TLS files read), then ``await run()``; ``stop()`` ends
    it early. Tests reach the chargers through ``chargers`` / ``charger(id)``."""

    def __init__(self, options: Options, *, clock: Clock | None = None) -> None:
        self.options = options
        self.stats = Stats(options.chargers)
        tls = ssl_context(options)
        self.chargers = [
            SimulatedCharger(charge_box_id, options, self.stats, tls, clock=clock)
            for charge_box_id in options.charge_box_ids()
        ]
        self._by_id = {charger.charge_box_id: charger for charger in self.chargers}
        self._stop = trio.Event()
        self._settled = 0
        self._all_settled = trio.Event()
        self._exited = 0
        self._all_exited = trio.Event()
        self.registered = 0

    def charger(self, charge_box_id: str) -> SimulatedCharger:
        return self._by_id[charge_box_id]

    def stop(self) -> None:
        self._stop.set()

    def _one_settled(self) -> None:
        self._settled += 1
        if self._settled == len(self.chargers):
            self._all_settled.set()

    async def run(self) -> dict[str, Any]:
        """Run the scenario; the summary (see ``report.summary``)."""
        options = self.options
        await trio.to_thread.run_sync(schemas)  # compile the schemas off the event loop
        if options.register:
            assert options.api is not None and options.api_key is not None
            async with ApiClient(options.api, options.api_key, verify=api_verify(options)) as api:
                self.registered = await api.register_all(
                    options.charge_box_ids(), options.security_profile, options.password
                )
        concurrency = len(self.chargers) if options.scenario == "storm" else None
        limiter = trio.CapacityLimiter(concurrency or options.connect_concurrency)
        self.stats.started_at = started = trio.current_time()
        async with trio.open_nursery() as outer:
            if options.progress:
                outer.start_soon(show_progress, self.stats)
            async with trio.open_nursery() as nursery:
                for charger in self.chargers:
                    nursery.start_soon(self._run_charger, charger, limiter)
                nursery.start_soon(self._end_after, options.duration)
            elapsed = trio.current_time() - started
            outer.cancel_scope.cancel()
        return summary(self.stats, options.scenario, options.connectors, elapsed)

    async def _run_charger(self, charger: SimulatedCharger, limiter: trio.CapacityLimiter) -> None:
        try:
            await charger.run(self._stop, limiter, self._one_settled)
        finally:
            self._exited += 1
            if self._exited == len(self.chargers):
                self._all_exited.set()

    async def _end_after(self, duration_s: float) -> None:
        """Until the duration is over (0: until every charger has booted and reported), the
        run is stopped, or no charger is left running (all failed to connect)."""
        ends = [self._stop, self._all_exited]
        if duration_s == 0:
            ends.append(self._all_settled)
        with trio.move_on_after(duration_s if duration_s > 0 else float("inf")):
            async with trio.open_nursery() as race:

                async def first(event: trio.Event) -> None:
                    await event.wait()
                    race.cancel_scope.cancel()

                for event in ends:
                    race.start_soon(first, event)
        self._stop.set()
