"""OCPP 1.6J load client: many simulated chargers in one Trio process.

    python bench/ocpp_load.py --url ws://127.0.0.1:PORT --ids-file IDS \\
        --scenario idle|heartbeat|status --duration S [--client sansio|trio-websocket] --json

Each charger connects to ``URL/ocpp/{id}`` with subprotocol ``ocpp1.6`` (at most
``--connect-concurrency`` handshakes in flight, so a 10k connect does not overflow the listen
backlog), sends a BootNotification, and then:

- ``idle``: holds the connection;
- ``heartbeat``: closed loop of Heartbeat → wait for the CALLRESULT → repeat;
- ``status``: closed loop of StatusNotification (Available / Charging alternating);
- ``meter``: a StartTransaction per charger during the connect phase, then a closed loop of
  MeterValues for that transaction (``--samples`` sampled values per message, spread over
  ``--samples-per-entry`` values per meterValue entry);
- ``storm``: the connect phase itself is the benchmark: connect, boot and send two
  StatusNotifications (connectors 0 and 1); ``ready`` carries its time;
- ``paced``: open loop: every charger sends a StatusNotification every
  ``chargers / --rate`` seconds (random phase), so the total is ``--rate`` messages/s; latency
  is counted from the scheduled send time (no coordinated omission), a charger whose previous
  call is still unanswered at its next tick counts a ``late`` tick.

``--max-round-trips`` ends a closed loop early once that many round trips are done (e.g. to
store exactly N meter values). ``--local-addresses 127.0.0.1,127.0.0.2,...`` spreads the
connections over several source addresses (sansio client only), for more than one ephemeral
port range's worth of connections to one server port.

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

    def __init__(self, url: str, local_address: str | None = None) -> None:
        from websockets.client import ClientProtocol
        from websockets.typing import Subprotocol
        from websockets.uri import parse_uri

        self._url = url
        self._local_address = local_address
        self._proto = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol(SUBPROTOCOL)])
        self._stream: trio.SocketStream | None = None
        self._texts: collections.deque[str] = collections.deque()

    async def connect(self, nursery: trio.Nursery) -> None:
        from websockets.http11 import Response

        parts = urlsplit(self._url)
        self._stream = await trio.open_tcp_stream(
            parts.hostname or "127.0.0.1", parts.port or 80, local_address=self._local_address
        )
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

    def __init__(self, url: str, local_address: str | None = None) -> None:
        if local_address is not None:
            raise ValueError("--local-addresses needs --client sansio")
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


LINKS: dict[str, Callable[[str, str | None], Any]] = {
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
    def __init__(
        self,
        charge_box_id: str,
        base_url: str,
        link_factory: Callable[[str, str | None], Any],
        local_address: str | None = None,
    ):
        self.charge_box_id = charge_box_id
        self.link = link_factory(
            f"{base_url.rstrip('/')}/ocpp/{quote(charge_box_id, safe='')}", local_address
        )
        self._ids = itertools.count(1)
        self.transaction_id: int | None = None
        self.meter_wh = 0

    async def call(self, action: str, payload: dict[str, Any], timeout_s: float) -> Any:
        unique_id = str(next(self._ids))
        with trio.fail_after(timeout_s):
            await self.link.send(json.dumps([2, unique_id, action, payload]))
            while True:
                frame = json.loads(await self.link.receive())
                if frame[0] == 2:
                    await self.answer(frame)
                    continue
                if frame[1] != unique_id:
                    continue  # a stale answer: not ours
                if frame[0] == 3:
                    return frame[2]
                if frame[0] == 4:
                    raise CallFailed(f"CALLERROR:{frame[2]}")
                raise CallFailed(f"unexpected message type {frame[0]}")

    async def answer(self, frame: list[Any]) -> None:
        """Answer a CALL from the server as a charger would: ours reads a charger's features
        after each boot (GetConfiguration), and an unanswered CALL would hold its state on the
        server until the call timeout, which the idle and storm figures would count."""
        _, unique_id, action, payload = frame
        reply: list[Any]
        if action == "GetConfiguration":
            reply = [3, unique_id, {"configurationKey": [], "unknownKey": payload.get("key", [])}]
        elif action == "ChangeConfiguration":
            reply = [3, unique_id, {"status": "Accepted"}]
        else:
            reply = [4, unique_id, "NotImplemented", "", {}]
        await self.link.send(json.dumps(reply))


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


#: Measurands for the ``meter`` scenario's sampled values (one energy register first, so each
#: message moves the transaction's energy forward).
MEASURANDS = (
    ("Energy.Active.Import.Register", "Wh"),
    ("Power.Active.Import", "W"),
    ("Current.Import", "A"),
    ("Voltage", "V"),
)


def meter_payload(charger: Charger, samples: int, per_entry: int) -> dict[str, Any]:
    charger.meter_wh += 10
    stamp = now_iso()
    entries = []
    left = samples
    while left > 0:
        count = min(per_entry, left)
        values = []
        for index in range(count):
            measurand, unit = MEASURANDS[index % len(MEASURANDS)]
            value = charger.meter_wh if index == 0 else 230 + index
            values.append(
                {
                    "value": str(value),
                    "measurand": measurand,
                    "unit": unit,
                    "context": "Sample.Periodic",
                }
            )
        entries.append({"timestamp": stamp, "sampledValue": values})
        left -= count
    payload: dict[str, Any] = {"connectorId": 1, "meterValue": entries}
    if charger.transaction_id is not None:
        payload["transactionId"] = charger.transaction_id
    return payload


def status_payload(connector_id: int, status: str) -> dict[str, Any]:
    return {"connectorId": connector_id, "errorCode": "NoError", "status": status}


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
    addresses = [a for a in args.local_addresses.split(",") if a] or [None]
    chargers = [
        Charger(cid, args.url, link_factory, addresses[i % len(addresses)])
        for i, cid in enumerate(ids)
    ]
    budget = [args.max_round_trips or -1]
    late = [0]
    holds: set[trio.CancelScope] = set()
    storm_round_trips = [0]

    def one_settled() -> None:
        settled[0] += 1
        if settled[0] == len(chargers):
            all_up.set()

    def spend() -> None:
        if budget[0] > 0:
            budget[0] -= 1
            if budget[0] == 0:
                stop.set()

    async def set_up(charger: Charger, nursery: trio.Nursery) -> None:
        """Connect and boot (plus the scenario's own opening calls)."""
        with trio.fail_after(args.connect_timeout):
            await charger.link.connect(nursery)
        stats.connected += 1
        await charger.call("BootNotification", BOOT_PAYLOAD, args.call_timeout)
        stats.booted += 1
        if args.scenario == "storm":
            for connector_id in (0, 1):
                await charger.call(
                    "StatusNotification",
                    status_payload(connector_id, "Available"),
                    args.call_timeout,
                )
                storm_round_trips[0] += 1
        elif args.scenario == "meter":
            answer = await charger.call(
                "StartTransaction",
                {"connectorId": 1, "idTag": "BENCHTAG", "meterStart": 0, "timestamp": now_iso()},
                args.call_timeout,
            )
            charger.transaction_id = int(answer["transactionId"])

    async def paced(charger: Charger, index: int) -> None:
        period = len(chargers) / args.rate
        rng_phase = ((index * 2654435761) % 1000003) / 1000003  # deterministic spread
        next_at = window["start"] + rng_phase * period
        flip = index % 2
        while not stop.is_set():
            now = trio.current_time()
            if next_at > now:
                await trio.sleep(next_at - now)
            if stop.is_set():
                return
            flip ^= 1
            scheduled_perf = time.perf_counter() - (trio.current_time() - next_at)
            try:
                await charger.call(
                    "StatusNotification", status_payload(1, STATUSES[flip]), args.call_timeout
                )
            except (trio.TooSlowError, CallFailed) as error:
                stats.errors[_kind(error)] += 1
            else:
                if not stop.is_set():
                    stats.record(time.perf_counter() - scheduled_perf)
            next_at += period
            while next_at < trio.current_time():  # missed ticks: the charger was still waiting
                late[0] += 1
                next_at += period

    async def hold(charger: Charger) -> None:
        """Idle like a real charger: keep reading, so the server's WebSocket pings get their
        pong (an unread socket is dropped by a server with ping timeouts) until ``stop``."""
        if stop.is_set():
            return
        with trio.CancelScope() as scope:
            holds.add(scope)
            try:
                while True:
                    frame = json.loads(await charger.link.receive())
                    if frame[0] == 2:
                        await charger.answer(frame)
            except (OSError, LinkClosed, trio.BrokenResourceError, trio.ClosedResourceError) as e:
                stats.errors[f"idle:{_kind(e)}"] += 1
            finally:
                holds.discard(scope)

    async def drive(charger: Charger, nursery: trio.Nursery, index: int) -> None:
        try:
            async with limiter:
                try:
                    await set_up(charger, nursery)
                except (OSError, trio.TooSlowError, LinkClosed, CallFailed) as error:
                    stats.failed += 1
                    stats.errors[f"connect:{_kind(error)}"] += 1
                    one_settled()
                    return
            one_settled()
            if args.scenario in ("idle", "storm"):
                await hold(charger)
                return
            await go.wait()
            if args.scenario == "paced":
                try:
                    await paced(charger, index)
                except (OSError, LinkClosed) as error:
                    stats.errors[f"link:{_kind(error)}"] += 1
                return
            flip = index % 2
            while not stop.is_set():
                payload: dict[str, Any]
                if args.scenario == "heartbeat":
                    action, payload = "Heartbeat", {}
                elif args.scenario == "status":
                    action = "StatusNotification"
                    flip ^= 1
                    payload = status_payload(1, STATUSES[flip])
                else:
                    action = "MeterValues"
                    payload = meter_payload(charger, args.samples, args.samples_per_entry)
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
                    spend()
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
                    "settled": settled[0],
                    "storm_round_trips": storm_round_trips[0],
                    "connect_seconds": round(connect_s, 3),
                    "errors": dict(stats.errors),
                    "client_cpu_s": round(_own_cpu(), 3),
                    "client_rss_kb": _own_rss_kb(),
                }
            )
            if args.wait_go:
                await wait_for_line({"go"}, args.max_connect_phase + args.duration)
            window["start"] = trio.current_time()
            window["perf_start"] = time.perf_counter()
            go.set()
            if args.scenario in ("idle", "storm"):
                with trio.move_on_after(args.duration):
                    if args.wait_go:
                        await wait_for_line({"stop"}, args.duration)
                    else:
                        await trio.sleep_forever()
            else:
                with trio.move_on_after(args.duration):
                    await stop.wait()
            stop.set()
            for scope in list(holds):
                scope.cancel()
            window["end"] = time.perf_counter()
            # The closed loops finish their in-flight call (ignored) and close; bounded.
            with trio.move_on_after(5):
                await all_finished.wait()
            nursery.cancel_scope.cancel()
    now_perf = time.perf_counter()
    elapsed = window.get("end", now_perf) - window.get("perf_start", now_perf)
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
        "late_ticks": late[0],
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


def _own_rss_kb() -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


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
    parser.add_argument(
        "--scenario",
        choices=["idle", "heartbeat", "status", "meter", "storm", "paced"],
        default="idle",
    )
    parser.add_argument("--rate", type=float, default=1000.0, help="paced: messages/s in total")
    parser.add_argument("--samples", type=int, default=1, help="meter: sampled values/message")
    parser.add_argument("--samples-per-entry", type=int, default=4, help="meter: per meterValue")
    parser.add_argument(
        "--max-round-trips", type=int, default=0, help="closed loops: stop after N (0 = no bound)"
    )
    parser.add_argument(
        "--local-addresses", default="", help="comma-separated source addresses (sansio)"
    )
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
