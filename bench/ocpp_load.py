"""OCPP 1.6J load client: many simulated chargers in one Trio process.

    python bench/ocpp_load.py --url ws://127.0.0.1:PORT --ids-file IDS \\
        --scenario idle|heartbeat|status --duration S [--client sansio|trio-websocket] --json

Each charger connects to ``URL/ocpp/{id}`` with subprotocol ``ocpp1.6`` (at most
``--connect-concurrency`` handshakes in flight, so a 10k connect does not overflow the listen
backlog), sends a BootNotification, and then:

- ``idle``: holds the connection;
- ``heartbeat``: closed loop of Heartbeat → wait for the CALLRESULT → repeat;
- ``status``: closed loop of StatusNotification (Available / Charging alternating).

Coordination with the runner over stdin/stdout, one JSON object per stdout line:

1. when every charger has connected and booted (or failed), it prints
   ``{"event": "ready", ...}``;
2. it then waits for a ``go`` line on stdin (``--wait-go``), else starts at once;
3. the scenario runs for ``--duration`` seconds (idle: until a ``stop`` line or the duration);
4. it prints ``{"event": "done", ...}`` with the summary and exits.

Two client implementations, chosen with ``--client``: ``sansio`` (default) drives the
``websockets`` package's sans-IO ``ClientProtocol`` over raw Trio sockets; ``trio-websocket``
uses ``trio_websocket.connect_websocket_url``. The sans-IO one costs the client far less CPU per
round trip (see docs/PERFORMANCE.md), which matters because the client must not be the
bottleneck on a 2-core machine.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import math
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import trio

SUBPROTOCOL = "ocpp1.6"
BOOT_PAYLOAD = {"chargePointVendor": "Bench", "chargePointModel": "B1"}
STATUSES = ("Available", "Charging")
#: Never keep more latency samples than this (memory bound; sampled uniformly beyond it).
MAX_LATENCY_SAMPLES = 2_000_000


class CallFailed(Exception):
    """The server answered a CALL with a CALLERROR (or something unexpected)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class LinkClosed(Exception):
    pass


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = (1 << 20) if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (ValueError, OSError):
            return soft
    return soft


# -- two WebSocket client implementations with one small interface ------------------------


class SansIoLink:
    """``websockets.client.ClientProtocol`` (sans-IO) over a raw ``trio.SocketStream``."""

    def __init__(self, url: str) -> None:
        from websockets.client import ClientProtocol
        from websockets.typing import Subprotocol
        from websockets.uri import parse_uri

        self._url = url
        self._proto = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol(SUBPROTOCOL)])
        self._stream: trio.SocketStream | None = None
        self._texts: collections.deque[str] = collections.deque()

    async def connect(self, nursery: trio.Nursery) -> None:
        from websockets.http11 import Response

        parts = urlsplit(self._url)
        self._stream = await trio.open_tcp_stream(parts.hostname or "127.0.0.1", parts.port or 80)
        self._proto.send_request(self._proto.connect())
        await self._flush()
        while True:
            for event in await self._receive_events():
                if isinstance(event, Response):
                    if self._proto.handshake_exc is not None:
                        raise CallFailed(f"handshake:{event.status_code}")
                    return

    async def _flush(self) -> None:
        assert self._stream is not None
        data = self._proto.data_to_send()
        if data:
            await self._stream.send_all(b"".join(data))

    async def _receive_events(self) -> list[Any]:
        assert self._stream is not None
        data = await self._stream.receive_some(65536)
        if not data:
            self._proto.receive_eof()
            raise LinkClosed("eof")
        self._proto.receive_data(data)
        events = self._proto.events_received()
        await self._flush()  # pongs, close replies
        return events

    async def send(self, text: str) -> None:
        self._proto.send_text(text.encode())
        await self._flush()

    async def receive(self) -> str:
        from websockets.frames import Opcode

        while not self._texts:
            for event in await self._receive_events():
                opcode = getattr(event, "opcode", None)
                if opcode is Opcode.TEXT:
                    self._texts.append(event.data.decode())
                elif opcode is Opcode.CLOSE:
                    raise LinkClosed("close frame")
        return self._texts.popleft()

    async def aclose(self) -> None:
        if self._stream is not None:
            await self._stream.aclose()


class TrioWebsocketLink:
    """trio-websocket (wsproto underneath); its reader task lives in the shared nursery."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._ws: Any = None

    async def connect(self, nursery: trio.Nursery) -> None:
        from trio_websocket import HandshakeError, connect_websocket_url

        try:
            self._ws = await connect_websocket_url(nursery, self._url, subprotocols=[SUBPROTOCOL])
        except HandshakeError as error:
            raise CallFailed(f"handshake:{type(error).__name__}") from None

    async def send(self, text: str) -> None:
        from trio_websocket import ConnectionClosed

        try:
            await self._ws.send_message(text)
        except ConnectionClosed:
            raise LinkClosed("closed") from None

    async def receive(self) -> str:
        from trio_websocket import ConnectionClosed

        try:
            message = await self._ws.get_message()
        except ConnectionClosed:
            raise LinkClosed("closed") from None
        return message if isinstance(message, str) else message.decode()

    async def aclose(self) -> None:
        if self._ws is not None:
            with trio.move_on_after(1):
                await self._ws.aclose()


LINKS: dict[str, Callable[[str], Any]] = {
    "sansio": SansIoLink,
    "trio-websocket": TrioWebsocketLink,
}


# -- the chargers --------------------------------------------------------------------------


@dataclass
class Stats:
    connected: int = 0
    booted: int = 0
    failed: int = 0
    round_trips: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    latencies: list[float] = field(default_factory=list)
    seen: int = 0

    def record(self, seconds: float) -> None:
        self.round_trips += 1
        self.seen += 1
        if len(self.latencies) < MAX_LATENCY_SAMPLES:
            self.latencies.append(seconds)
        else:  # reservoir sampling keeps the percentiles honest past the bound
            slot = int(self.seen * _rand())
            if slot < MAX_LATENCY_SAMPLES:
                self.latencies[slot] = seconds


_rng_state = [0x2545F491]


def _rand() -> float:
    _rng_state[0] = (_rng_state[0] * 1103515245 + 12345) & 0x7FFFFFFF
    return _rng_state[0] / 0x80000000


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[index]


class Charger:
    def __init__(self, charge_box_id: str, base_url: str, link_factory: Callable[[str], Any]):
        self.charge_box_id = charge_box_id
        self.link = link_factory(f"{base_url.rstrip('/')}/ocpp/{quote(charge_box_id, safe='')}")
        self._ids = itertools.count(1)

    async def call(self, action: str, payload: dict[str, Any], timeout_s: float) -> None:
        unique_id = str(next(self._ids))
        with trio.fail_after(timeout_s):
            await self.link.send(json.dumps([2, unique_id, action, payload]))
            while True:
                frame = json.loads(await self.link.receive())
                if frame[1] != unique_id:
                    continue  # a server-initiated CALL or a stale answer: not ours
                if frame[0] == 3:
                    return
                if frame[0] == 4:
                    raise CallFailed(f"CALLERROR:{frame[2]}")
                raise CallFailed(f"unexpected message type {frame[0]}")


async def run(args: argparse.Namespace, ids: list[str]) -> dict[str, Any]:
    if args.chargers:
        ids = ids[: args.chargers]
    link_factory = LINKS[args.client]
    stats = Stats()
    go = trio.Event()
    stop = trio.Event()
    all_up = trio.Event()
    settled = [0]
    finished = [0]
    all_finished = trio.Event()
    limiter = trio.CapacityLimiter(args.connect_concurrency)
    window: dict[str, float] = {}
    chargers = [Charger(cid, args.url, link_factory) for cid in ids]

    def one_settled() -> None:
        settled[0] += 1
        if settled[0] == len(chargers):
            all_up.set()

    async def drive(charger: Charger, nursery: trio.Nursery, index: int) -> None:
        try:
            async with limiter:
                try:
                    with trio.fail_after(args.connect_timeout):
                        await charger.link.connect(nursery)
                    stats.connected += 1
                    await charger.call("BootNotification", BOOT_PAYLOAD, args.call_timeout)
                    stats.booted += 1
                except (OSError, trio.TooSlowError, LinkClosed, CallFailed) as error:
                    stats.failed += 1
                    stats.errors[f"connect:{_kind(error)}"] += 1
                    one_settled()
                    return
            one_settled()
            await go.wait()
            if args.scenario == "idle":
                await stop.wait()
                return
            action = "Heartbeat" if args.scenario == "heartbeat" else "StatusNotification"
            flip = index % 2
            while not stop.is_set():
                if action == "Heartbeat":
                    payload: dict[str, Any] = {}
                else:
                    flip ^= 1
                    payload = {
                        "connectorId": 1,
                        "errorCode": "NoError",
                        "status": STATUSES[flip],
                    }
                started = time.perf_counter()
                try:
                    await charger.call(action, payload, args.call_timeout)
                except (trio.TooSlowError, CallFailed) as error:
                    stats.errors[_kind(error)] += 1
                    continue
                except (OSError, LinkClosed) as error:
                    stats.errors[f"link:{_kind(error)}"] += 1
                    return
                if not stop.is_set():
                    stats.record(time.perf_counter() - started)
        finally:
            with trio.CancelScope(shield=True):
                await charger.link.aclose()
            finished[0] += 1
            if finished[0] == len(chargers):
                all_finished.set()

    deadline_total = args.connect_timeout * (1 + len(chargers) // args.connect_concurrency)
    deadline_total = min(deadline_total, args.max_connect_phase) + args.duration + 60
    with trio.move_on_after(deadline_total) as overall:
        async with trio.open_nursery() as nursery:
            connect_started = time.perf_counter()
            for index, charger in enumerate(chargers):
                nursery.start_soon(drive, charger, nursery, index)
            if not chargers:
                all_up.set()
                all_finished.set()
            with trio.move_on_after(args.max_connect_phase):
                await all_up.wait()
            connect_s = time.perf_counter() - connect_started
            emit(
                {
                    "event": "ready",
                    "connected": stats.connected,
                    "booted": stats.booted,
                    "failed": stats.failed,
                    "connect_seconds": round(connect_s, 3),
                    "errors": dict(stats.errors),
                }
            )
            if args.wait_go:
                await wait_for_line({"go"}, args.max_connect_phase + args.duration)
            window["start"] = time.perf_counter()
            go.set()
            if args.scenario == "idle":
                with trio.move_on_after(args.duration):
                    if args.wait_go:
                        await wait_for_line({"stop"}, args.duration)
                    else:
                        await trio.sleep_forever()
            else:
                await trio.sleep(args.duration)
            stop.set()
            window["end"] = time.perf_counter()
            # The closed loops finish their in-flight call (ignored) and close; bounded.
            with trio.move_on_after(5):
                await all_finished.wait()
            nursery.cancel_scope.cancel()
    elapsed = window.get("end", time.perf_counter()) - window.get("start", time.perf_counter())
    latencies = sorted(stats.latencies)
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    p90, p999 = percentile(latencies, 0.90), percentile(latencies, 0.999)
    worst = latencies[-1] if latencies else None
    return {
        "event": "done",
        "client": args.client,
        "scenario": args.scenario,
        "chargers": len(chargers),
        "connected": stats.connected,
        "booted": stats.booted,
        "failed": stats.failed,
        "round_trips": stats.round_trips,
        "seconds": round(elapsed, 3),
        "per_second": round(stats.round_trips / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": None if p50 is None else round(p50 * 1000, 3),
        "p99_ms": None if p99 is None else round(p99 * 1000, 3),
        "p90_ms": None if p90 is None else round(p90 * 1000, 3),
        "p999_ms": None if p999 is None else round(p999 * 1000, 3),
        "max_ms": None if worst is None else round(worst * 1000, 3),
        "errors": dict(stats.errors),
        "timed_out": overall.cancelled_caught,
        "client_cpu_s": round(_own_cpu(), 3),
    }


def _kind(error: BaseException) -> str:
    if isinstance(error, CallFailed):
        return error.kind
    if isinstance(error, OSError) and error.errno is not None:
        return f"{type(error).__name__}({os.strerror(error.errno)})"
    return type(error).__name__


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


_stdin_buffer = bytearray()


async def wait_for_line(words: set[str], timeout_s: float) -> str | None:
    """The next stdin line that is one of ``words``; None on EOF or timeout."""
    stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
    try:
        with trio.move_on_after(timeout_s):
            while True:
                while b"\n" in _stdin_buffer:
                    line, _, rest = bytes(_stdin_buffer).partition(b"\n")
                    _stdin_buffer[:] = rest
                    if line.decode().strip() in words:
                        return line.decode().strip()
                chunk = await stdin.receive_some(4096)
                if not chunk:
                    return None
                _stdin_buffer.extend(chunk)
    finally:
        await stdin.aclose()
    return None


def emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="OCPP base URL, e.g. ws://127.0.0.1:9000")
    parser.add_argument("--ids-file", required=True, help="charge box ids, one per line")
    parser.add_argument("--chargers", type=int, default=0, help="use the first N ids (0 = all)")
    parser.add_argument("--scenario", choices=["idle", "heartbeat", "status"], default="idle")
    parser.add_argument("--duration", type=float, default=10.0, help="scenario seconds")
    parser.add_argument("--client", choices=sorted(LINKS), default="sansio")
    parser.add_argument("--connect-concurrency", type=int, default=200)
    parser.add_argument("--connect-timeout", type=float, default=30.0)
    parser.add_argument("--call-timeout", type=float, default=30.0)
    parser.add_argument(
        "--max-connect-phase", type=float, default=300.0, help="bound on connecting everyone"
    )
    parser.add_argument("--wait-go", action="store_true", help="wait for 'go' on stdin")
    parser.add_argument("--json", action="store_true", help="JSON lines on stdout (always on)")
    args = parser.parse_args(argv)
    if args.url.rstrip("/").endswith("/ocpp"):
        args.url = args.url.rstrip("/")[: -len("/ocpp")]
    limit = raise_nofile()
    if limit < 0 or (limit != resource.RLIM_INFINITY and limit < args.chargers + 64):
        print(f"warning: open-files limit {limit} is low for this many chargers", file=sys.stderr)
    with open(args.ids_file) as handle:
        ids = [line.strip() for line in handle if line.strip()]
    summary = trio.run(run, args, ids)
    emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
