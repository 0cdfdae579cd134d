"""The dashboard's self-test (issue 18): the simulator's ``SelfTest`` — the same code path as
``capacitor-edge simulate --selftest`` — run in this process against the box's own listeners,
with a throw-away API key of the user's organisation, revoked when the run ends.

Only the composition root may import both the simulator and the domain, so the runner is built
here and handed to :class:`capacitor_edge.domain.selftest_runs.SelfTestRuns`.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import trio

from capacitor_edge.domain.selftest_runs import Runner
from capacitor_edge.domain.services import Services

#: Simulated seconds per real second: the simulated car's charging (three meter samples) takes
#: seconds, not minutes, while the installer waits at the page.
TIME_SCALE = 60.0


def loopback(url: str) -> str:
    """The listener's URL with a wildcard bind address replaced by loopback: the self-test runs
    on the box itself."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def selftest_runner(services: Services, http_url: str, ocpp_url: str) -> Runner:
    async def run(org_id: str) -> dict[str, Any]:
        # The simulator (and its HTTP client) loads when a self-test runs, not at every start
        # of the box (tests/test_startup_imports.py).
        from capacitor_edge.simulator.options import Options
        from capacitor_edge.simulator.selftest import SelfTest

        created = await services.keys.create(name="dashboard self-test", org_id=org_id)
        try:
            options = Options(
                url=loopback(ocpp_url).rstrip("/") + "/ocpp",
                api=loopback(http_url),
                api_key=created.secret,
                json=True,
                time_scale=TIME_SCALE,
            )
            test = SelfTest(options, out=io.StringIO())
            await test.run()
            return test.report()
        finally:
            with trio.CancelScope(shield=True):
                await services.keys.revoke(org_id, created.record.id)

    return run
