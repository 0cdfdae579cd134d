"""What a run measured: counters shared by all simulated chargers, the live progress line, and
the summary (text for people, JSON for machines)."""

from __future__ import annotations

import collections
import math
import random
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

import trio

#: Latency samples kept at most (memory bound); past it, a uniform reservoir sample.
MAX_LATENCY_SAMPLES = 200_000


@dataclass
class Stats:
    chargers: int
    connected: int = 0  # open connections now
    ever_connected: int = 0  # chargers that connected at least once
    booted: int = 0  # chargers whose BootNotification was accepted at least once
    reported: int = 0  # chargers that booted and sent every connector's status
    messages_sent: int = 0
    messages_received: int = 0
    round_trips: int = 0
    transactions_started: int = 0
    transactions_stopped: int = 0
    energy_wh: float = 0.0
    connect_failures: collections.Counter[str] = field(default_factory=collections.Counter)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    call_errors: collections.Counter[str] = field(default_factory=collections.Counter)
    commands: collections.Counter[str] = field(default_factory=collections.Counter)
    latencies: list[float] = field(default_factory=list)
    all_reported: trio.Event = field(default_factory=trio.Event)
    started_at: float = 0.0
    all_reported_after_s: float | None = None
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    def round_trip(self, seconds: float) -> None:
        self.round_trips += 1
        if len(self.latencies) < MAX_LATENCY_SAMPLES:
            self.latencies.append(seconds)
        else:
            slot = self._rng.randrange(self.round_trips)
            if slot < MAX_LATENCY_SAMPLES:
                self.latencies[slot] = seconds

    def charger_reported(self) -> None:
        self.reported += 1
        if self.reported == self.chargers:
            self.all_reported_after_s = trio.current_time() - self.started_at
            self.all_reported.set()

    @property
    def failed_to_connect(self) -> int:
        return self.chargers - self.ever_connected

    @property
    def problems(self) -> list[str]:
        """Why the run counts as failed; empty when it passed."""
        found = []
        if self.failed_to_connect:
            found.append(f"{self.failed_to_connect} charger(s) never connected")
        if self.connect_failures:
            found.append(f"{sum(self.connect_failures.values())} failed connection attempt(s)")
        if self.call_errors:
            found.append(f"{sum(self.call_errors.values())} CALLERROR(s) received")
        if self.errors:
            found.append(f"{sum(self.errors.values())} other error(s)")
        return found


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile of sorted ``values``."""
    if not values:
        return None
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def summary(stats: Stats, scenario: str, connectors: int, elapsed_s: float) -> dict[str, Any]:
    latencies = sorted(stats.latencies)
    return {
        "scenario": scenario,
        "chargers": stats.chargers,
        "connectorsPerCharger": connectors,
        "seconds": round(elapsed_s, 3),
        "connected": stats.ever_connected,
        "failedToConnect": stats.failed_to_connect,
        "booted": stats.booted,
        "allReportedAfterSeconds": None
        if stats.all_reported_after_s is None
        else round(stats.all_reported_after_s, 3),
        "roundTrips": stats.round_trips,
        "roundTripsPerSecond": round(stats.round_trips / elapsed_s, 1) if elapsed_s > 0 else 0.0,
        "latencyMs": {
            "p50": _ms(percentile(latencies, 0.5)),
            "p99": _ms(percentile(latencies, 0.99)),
        },
        "messages": {"sent": stats.messages_sent, "received": stats.messages_received},
        "transactions": {
            "started": stats.transactions_started,
            "stopped": stats.transactions_stopped,
            "energyKWh": round(stats.energy_wh / 1000, 3),
        },
        "commandsAnswered": dict(sorted(stats.commands.items())),
        "connectFailures": dict(sorted(stats.connect_failures.items())),
        "callErrors": dict(sorted(stats.call_errors.items())),
        "errors": dict(sorted(stats.errors.items())),
        "passed": not stats.problems,
        "problems": stats.problems,
    }


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counter.items()) or "none"


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_summary(report: dict[str, Any]) -> str:
    latency = report["latencyMs"]
    tx = report["transactions"]
    lines = [
        f"capacitor-edge simulate: scenario {report['scenario']}, {report['chargers']} charger(s)"
        f" x {report['connectorsPerCharger']} connector(s), {report['seconds']:.1f} s",
        f"  connected         {report['connected']}/{report['chargers']}"
        f" ({report['failedToConnect']} never connected), {report['booted']} booted",
        f"  round trips       {report['roundTrips']} ({report['roundTripsPerSecond']}/s),"
        f" latency p50 {_shown(latency['p50'])} ms, p99 {_shown(latency['p99'])} ms",
        f"  messages          sent {report['messages']['sent']},"
        f" received {report['messages']['received']}",
        f"  transactions      {tx['started']} started, {tx['stopped']} stopped,"
        f" {tx['energyKWh']:.3f} kWh",
        f"  commands answered {_counts(report['commandsAnswered'])}",
        f"  CALLERRORs        {_counts(report['callErrors'])}",
        f"  connect failures  {_counts(report['connectFailures'])}",
        f"  errors            {_counts(report['errors'])}",
    ]
    if report["allReportedAfterSeconds"] is not None:
        lines.insert(3, f"  all booted after  {report['allReportedAfterSeconds']:.3f} s")
    if report["passed"]:
        lines.append("  result            PASS")
    else:
        lines.append(f"  result            FAIL: {'; '.join(report['problems'])}")
    return "\n".join(lines)


async def show_progress(stats: Stats, out: TextIO = sys.stderr, every_s: float = 1.0) -> None:
    """Rewrite one status line every ``every_s`` until cancelled (only used on a terminal)."""
    last_messages = stats.messages_sent + stats.messages_received
    last_time = trio.current_time()
    try:
        while True:
            await trio.sleep(every_s)
            now = trio.current_time()
            messages = stats.messages_sent + stats.messages_received
            rate = (messages - last_messages) / max(now - last_time, 1e-9)
            last_messages, last_time = messages, now
            errors = (
                sum(stats.errors.values())
                + sum(stats.call_errors.values())
                + sum(stats.connect_failures.values())
            )
            out.write(
                f"\r\x1b[Kconnected {stats.connected}/{stats.chargers}  {rate:,.0f} msg/s"
                f"  round trips {stats.round_trips}  errors {errors}"
            )
            out.flush()
    finally:
        out.write("\r\x1b[K")
        out.flush()
