"""Watching every live link at once: close the silent ones, ping the rest.

One task for all chargers instead of two per charger: at 10,000 idle chargers the per-charger
watchdog and pinger tasks cost ~6 KB of memory each connection. The keeper wakes every ``tick``
seconds, so a silent link is closed at most one tick after its deadline.
"""

from __future__ import annotations

import logging

import trio

from capacitor_edge.transport.connection import ChargerConnection, LinkTimings

log = logging.getLogger("capacitor_edge.ocpp")

#: Bounds of the wake-up interval: fine enough for timely closing, coarse enough to cost
#: nothing at 50,000 links.
MIN_TICK_S = 0.1
MAX_TICK_S = 5.0


def tick_for(timings: LinkTimings) -> float:
    periods = [timings.stale_after_s]
    if timings.ping_interval_s > 0:
        periods.append(timings.ping_interval_s)
    return min(max(min(periods) / 10, MIN_TICK_S), MAX_TICK_S)


class LinkKeeper:
    def __init__(self, timings: LinkTimings) -> None:
        self._timings = timings
        self._links: dict[ChargerConnection, float] = {}  # link → trio time of its last ping

    def add(self, link: ChargerConnection) -> None:
        self._links[link] = trio.current_time()

    def discard(self, link: ChargerConnection) -> None:
        self._links.pop(link, None)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        timings = self._timings
        tick = tick_for(timings)
        async with trio.open_nursery() as pings:
            task_status.started()
            while True:
                await trio.sleep(tick)
                now = trio.current_time()
                for link, last_ping in list(self._links.items()):
                    if now - link.last_activity >= timings.stale_after_s:
                        # Half-open TCP connections otherwise linger for hours and keep the
                        # charger "online".
                        log.warning(
                            "silent for %.0f s: closing as stale",
                            now - link.last_activity,
                            extra=link.log_extra,
                        )
                        self._links.pop(link, None)
                        link.close(1001, "no message from the charger in time")
                    elif timings.ping_interval_s > 0 and now - last_ping >= timings.ping_interval_s:
                        self._links[link] = now
                        pings.start_soon(link.ping, timings.ping_interval_s)
