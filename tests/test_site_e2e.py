"""Site load management end to end (issue 16): the real server CLI, twenty simulated chargers
that obey charging profiles (``capacitor-edge simulate``, sessions starting and stopping at
random), and pymodbus's own Modbus TCP server in its own process playing the building meter
(an Eastron SDM630), on a 100 A grid connection, with the building's load stepping up and down.

After each step, what the chargers report (their MeterValues, as ``/api/v1/site/load`` shows
them) comes back under the capacity left by the building, and the box never allocates more than
that capacity. The time each rebalance took is printed (a measurement, not asserted): the box's
periodic logic runs with small settings here (meter polled every 0.2 s, a profile per charger
at most every 0.5 s).

It runs twice: with the meter measuring the building without the chargers, and with the meter
at the grid connection (``"measures": "grid"``), where the meter process plays a grid meter:
every 0.2 s the test writes the building's load plus what the simulated chargers report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.slow

CHARGERS = 20
ROOT_A = 100.0
#: The building's other load per phase, stepped through during the run.
STEPS = (20.0, 55.0, 10.0, 45.0)
#: Reported draw may be this much over the capacity (the chargers report to 0.1 A, and a
#: MeterValues in flight when the limit changed is a sample of the moment before).
SLACK_A = 1.0
BOUND_S = 240.0


class Meter:
    """The meter process: ``set`` writes the building's load into its registers."""

    def __init__(self, process: trio.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._buffer = b""

    async def line(self) -> str:
        assert self.process.stdout is not None
        while b"\n" not in self._buffer:
            chunk = await self.process.stdout.receive_some()
            if not chunk:
                raise AssertionError("the meter process ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    async def set(self, amperes: float) -> None:
        await self.set_phases([amperes] * 3)

    async def set_phases(self, amperes: list[float]) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send_all((" ".join(map(str, amperes)) + "\n").encode())
        assert (await self.line()).startswith("set ")


class Building:
    """The building's load in this run; with a grid meter, ``feed`` keeps writing it plus
    what the chargers report into the meter (the grid connection sees both)."""

    def __init__(self, meter: Meter, measures: str) -> None:
        self.meter, self.measures = meter, measures
        self.amperes = STEPS[0]

    async def set(self, amperes: float) -> None:
        self.amperes = amperes
        if self.measures == "building":
            await self.meter.set(amperes)

    async def feed(self, api: httpx.AsyncClient) -> None:
        while True:
            load = (await api.get("/api/v1/site/load")).json()
            await self.meter.set_phases([self.amperes + r for r in reported(load)])
            await trio.sleep(0.2)  # the grid meter's own sampling period

    def read(self, load: dict[str, Any]) -> bool:
        """Has the box read this step of the building's load?"""
        seen = load["meter"]["buildingA"]
        if self.measures == "building":
            return bool(seen == [self.amperes] * 3)
        # A grid meter's reading less the chargers' reports: off by what changed in between.
        return seen is not None and all(abs(a - self.amperes) <= SLACK_A for a in seen)


def site(port: int, measures: str = "building") -> dict[str, Any]:
    return {
        "circuits": [
            {"id": "grid", "name": "Grid connection", "maxCurrentA": ROOT_A},
            {"id": "row-a", "parentId": "grid", "maxCurrentA": 80},
            {"id": "row-b", "parentId": "grid", "maxCurrentA": 80},
        ],
        "chargers": [
            {
                "chargeBoxId": f"SIM-{n:04d}",  # the simulator's ids
                "circuitId": "row-a" if n % 2 else "row-b",
                "maxCurrentA": 32,
            }
            for n in range(1, CHARGERS + 1)
        ],
        "fallbackLimitA": 30,
        "meter": {
            "source": "modbus",
            "model": "sdm630",
            "host": "127.0.0.1",
            "port": port,
            "pollIntervalS": 0.2,
            "staleAfterS": 3,
            "measures": measures,
        },
    }


def reported(load: dict[str, Any]) -> list[float]:
    """What the chargers report drawing, per site phase."""
    total = [0.0, 0.0, 0.0]
    for connector in load["connectors"]:
        for phase, value in enumerate(connector["measuredA"] or (0.0, 0.0, 0.0)):
            total[phase] += value
    return total


@pytest.mark.parametrize("measures", ["building", "grid"])
async def test_twenty_chargers_stay_under_the_building_capacity(
    tmp_path: Path, measures: str
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")},
        "CAPACITOR_EDGE_LOAD_MIN_INTERVAL_S": "0.5",
        "CAPACITOR_EDGE_LOAD_THRESHOLD_A": "0.5",
        "CAPACITOR_EDGE_LOAD_ROTATION_INTERVAL_S": "5",
    }
    with trio.fail_after(BOUND_S):
        meter_process = await trio.lowlevel.open_process(
            [sys.executable, "-m", "tests.support.modbus_meter", "--model", "sdm630"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        meter = Meter(meter_process)
        try:
            port = int((await meter.line()).split()[1])
            await meter.set(STEPS[0])
            async with ServerProcess.start(tmp_path / "data", env=env) as server:
                await run_scenario(server, Building(meter, measures), port)
        finally:
            assert meter_process.stdin is not None
            await meter_process.stdin.aclose()
            with trio.move_on_after(5):
                await meter_process.wait()
            meter_process.kill()


async def run_scenario(server: ServerProcess, building: Building, port: int) -> None:
    headers = {"X-API-Key": server.api_key}
    async with httpx.AsyncClient(base_url=server.http_url, headers=headers, timeout=10) as api:
        put = await api.put("/api/v1/site", json=site(port, building.measures))
        assert put.status_code == 200, put.text
        async with trio.open_nursery() as nursery:
            if building.measures == "grid":
                nursery.start_soon(building.feed, api)
            simulator = await trio.lowlevel.open_process(
                [
                    sys.executable,
                    "-m",
                    "capacitor_edge",
                    "simulate",
                    "--url",
                    f"{server.ocpp_url}/ocpp",
                    "--chargers",
                    str(CHARGERS),
                    "--id-prefix",
                    "SIM-",
                    "--scenario",
                    "sessions",
                    "--duration",
                    "600",
                    "--time-scale",
                    "20",
                    "--phases",
                    "3",
                    "--max-current",
                    "32",
                    "--register",
                    "--api",
                    server.http_url,
                    "--api-key",
                    server.api_key,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                rebalances = await step_building(api, building)
            finally:
                simulator.kill()
                await simulator.wait()
                nursery.cancel_scope.cancel()
    print(f"\nrebalance after each building step (s): {[round(t, 2) for t in rebalances]}")


async def step_building(api: httpx.AsyncClient, building: Building) -> list[float]:
    """Each step: set the building's load, then wait until the box has read it and what the
    chargers report is under the capacity left; the time that took is the rebalance time."""
    rebalances: list[float] = []
    episodes: list[float] = []
    sessions_seen = 0
    for step in STEPS:
        await building.set(step)
        stepped = trio.current_time()
        capacity = ROOT_A - step
        while True:
            load = (await api.get("/api/v1/site/load")).json()
            grid = next(c for c in load["circuits"] if c["id"] == "grid")
            sessions_seen = max(sessions_seen, len(load["connectors"]))
            if building.read(load):
                # The box never allocates more than the capacity it knows of.
                seen = load["meter"]["buildingA"]
                known = [ROOT_A - max(b, 0.0) for b in seen]
                assert all(a <= k + 1e-6 for a, k in zip(grid["allocatedA"], known, strict=True)), (
                    grid
                )
                if all(r <= capacity + SLACK_A for r in reported(load)) and load["connectors"]:
                    break
            await trio.sleep(0.1)  # the sampling period of this measurement
        rebalances.append(trio.current_time() - stepped)
        # Sessions run on, start and stop before the next step: how long is what the chargers
        # report over the capacity at a time (a start is allowed its share before the others
        # have lowered theirs)?
        episodes.extend(await watch(api, capacity, seconds=3.0))
    assert sessions_seen >= 5, "the simulated chargers should have had sessions"
    print(f"\nover-capacity episodes between steps (s): {[round(e, 2) for e in episodes]}")
    return rebalances


async def watch(api: httpx.AsyncClient, capacity: float, seconds: float) -> list[float]:
    """Sample the site's load for ``seconds``; the lengths of the runs of samples in which
    the chargers report more than ``capacity`` (+ slack) on some phase."""
    episodes: list[float] = []
    over_since: float | None = None
    end = trio.current_time() + seconds
    while trio.current_time() < end or over_since is not None:
        load = (await api.get("/api/v1/site/load")).json()
        over = any(r > capacity + SLACK_A for r in reported(load))
        now = trio.current_time()
        if over and over_since is None:
            over_since = now
        elif not over and over_since is not None:
            episodes.append(now - over_since)
            over_since = None
        await trio.sleep(0.1)  # the sampling period of this measurement
    return episodes
