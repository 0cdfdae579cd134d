"""The self-test run from the dashboard's installer view (issue 18, "Installer: the self-test's
results"): one run at a time, bounded in time, and its last result per organisation for the
page to show.

The self-test itself is the simulator's (``capacitor-edge simulate --selftest``); the domain
may not import the simulator, so the composition root hands in a :data:`Runner` once the box
listens (it needs the box's own URLs). The last result is kept in memory: it is lost on
restart, when the page says so and offers to run it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Conflict

#: Runs the self-test for an organisation; returns the simulator's report
#: (``{"selftest": "PASS"|"FAIL", "chargeBoxId": ..., "steps": [{name, result, detail}]}``).
Runner = Callable[[str], Awaitable[dict[str, Any]]]


class SelfTestRuns:
    def __init__(self, clock: Clock, timeout_s: float) -> None:
        self._clock = clock
        self.timeout_s = timeout_s
        self.runner: Runner | None = None
        self._running: set[str] = set()
        self._last: dict[str, dict[str, Any]] = {}

    def last(self, org_id: str) -> dict[str, Any]:
        found = self._last.get(org_id)
        return {
            "running": org_id in self._running,
            "result": found,
        }

    async def run(self, org_id: str) -> dict[str, Any]:
        """Run the self-test now and keep its result (a timeout is a failed run)."""
        if self.runner is None:
            raise Conflict("The self-test can run once the box listens")
        if org_id in self._running:
            raise Conflict("A self-test is already running")
        self._running.add(org_id)
        started = iso_z(self._clock.now())
        try:
            report: dict[str, Any] | None = None
            with trio.move_on_after(self.timeout_s):
                report = await self.runner(org_id)
            if report is None:
                report = {
                    "selftest": "FAIL",
                    "chargeBoxId": None,
                    "steps": [
                        {
                            "name": "the self-test finishes in time",
                            "result": "FAIL",
                            "detail": f"gave up after {self.timeout_s:g} s",
                        }
                    ],
                }
        finally:
            self._running.discard(org_id)
        self._last[org_id] = {
            "startedAt": started,
            "finishedAt": iso_z(self._clock.now()),
            "passed": report["selftest"] == "PASS",
            "chargeBoxId": report.get("chargeBoxId"),
            "steps": [
                {"name": s["name"], "result": s["result"], "detail": s["detail"]}
                for s in report["steps"]
            ],
        }
        return self.last(org_id)
