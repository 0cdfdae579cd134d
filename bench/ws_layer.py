"""The WebSocket layer on its own: trio-websocket (wsproto) against the ``websockets`` package's
sans-IO ``ServerProtocol`` driven from Trio, on the server side.

    python bench/ws_layer.py [--chargers 100] [--idle 5000] [--duration 10] [--repeats 2]
    python bench/ws_layer.py serve --impl wsproto|sansio     (the server process itself)

Both servers do the same minimal OCPP-J work per frame: JSON-decode the CALL, build the
CALLRESULT (BootNotification gets a boot answer, anything else ``{"currentTime": ...}``),
JSON-encode it and send it; one Trio task per connection; no storage. Only the WebSocket layer
differs:

- ``wsproto``: ``trio_websocket.wrap_server_stream`` + ``accept`` + ``get_message`` /
  ``send_message``, as capacitor-edge's listener does today (its reader task per connection
  included);
- ``sansio``: ``websockets.server.ServerProtocol`` fed from ``SocketStream.receive_some`` and
  flushed with ``send_all``, in the connection's one task.

The runner starts each server pinned to CPU 0 and the load client (bench/ocpp_load.py, sans-IO
client) pinned to CPU 1, alternating wsproto, sansio, ... ``--repeats`` times, and prints
Heartbeat round trips per server CPU-second at ``--chargers`` and RSS per idle connection at
``--idle`` chargers, plus the ratio sansio/wsproto. ``--no-write`` keeps docs/PERFORMANCE.md as is.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

SUBPROTOCOL = "ocpp1.6"
MAX_MESSAGE_BYTES = 65536
IMPLS = ("wsproto", "sansio")


# -- the servers (run in a subprocess: ``serve --impl``) -----------------------------------


def answer(text: str) -> str | None:
    """The same OCPP-J work for both implementations."""
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    if not isinstance(frame, list) or len(frame) < 4 or frame[0] != 2:
        return None
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if frame[2] == "BootNotification":
        payload: dict[str, Any] = {"status": "Accepted", "currentTime": now, "interval": 300}
    else:
        payload = {"currentTime": now}
    return json.dumps([3, frame[1], payload], separators=(",", ":"))


async def serve_wsproto(stream: Any) -> None:
    import trio
    from trio_websocket import ConnectionClosed, wrap_server_stream

    try:
        async with trio.open_nursery() as nursery:
            request = await wrap_server_stream(nursery, stream, max_message_size=MAX_MESSAGE_BYTES)
            ws = await request.accept(subprotocol=SUBPROTOCOL)
            try:
                while True:
                    message = await ws.get_message()
                    reply = answer(message if isinstance(message, str) else message.decode())
                    if reply is not None:
                        await ws.send_message(reply)
            except ConnectionClosed:
                pass
            nursery.cancel_scope.cancel()
    finally:
        await stream.aclose()


async def serve_sansio(stream: Any) -> None:
    import trio
    from websockets.frames import Frame, Opcode
    from websockets.http11 import Request
    from websockets.server import ServerProtocol
    from websockets.typing import Subprotocol

    protocol = ServerProtocol(subprotocols=[Subprotocol(SUBPROTOCOL)], max_size=MAX_MESSAGE_BYTES)
    try:
        while True:
            try:
                data = await stream.receive_some(65536)
            except trio.BrokenResourceError:
                return
            if data:
                protocol.receive_data(data)
            else:
                protocol.receive_eof()
            for event in protocol.events_received():
                if isinstance(event, Request):
                    protocol.send_response(protocol.accept(event))
                elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    # The parser gives received frames' data as bytes (the type allows views).
                    reply = answer(cast(bytes, event.data).decode())
                    if reply is not None:
                        protocol.send_text(reply.encode())
            outgoing = protocol.data_to_send()
            if outgoing:
                try:
                    await stream.send_all(b"".join(outgoing))
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    return
            if not data or protocol.close_expected():
                return
    finally:
        await stream.aclose()


async def serve_main(impl: str) -> None:
    import trio

    handler = serve_wsproto if impl == "wsproto" else serve_sansio
    listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
    port = listeners[0].socket.getsockname()[1]
    print(f"ws-layer ready: ws://127.0.0.1:{port}", file=sys.stderr, flush=True)
    async with trio.open_nursery() as nursery:
        with trio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
            nursery.start_soon(trio.serve_listeners, handler, listeners)
            async for _ in signals:
                nursery.cancel_scope.cancel()
                return


# -- the runner ----------------------------------------------------------------------------


@dataclass
class LayerServer:
    process: subprocess.Popen[bytes]
    ocpp_url: str

    @property
    def pid(self) -> int:
        return self.process.pid


READY = re.compile(r"ws-layer ready: (\S+)")


@contextmanager
def running(impl: str) -> Iterator[LayerServer]:
    command = [
        *common.taskset(common.SERVER_CPU),
        sys.executable,
        str(Path(__file__).resolve()),
        "serve",
        "--impl",
        impl,
    ]
    with common.started_process(command, READY, "ws-layer server", stop_timeout_s=10) as (
        process,
        match,
        _tail,
    ):
        yield LayerServer(process, match.group(1))


def heartbeat_run(impl: str, count: int, args: argparse.Namespace, workdir: Path) -> float:
    from ocpp_bench import LoadClients

    with running(impl) as server:
        clients = LoadClients(
            server, common.charger_ids(count), "heartbeat", args.duration, args, workdir
        )
        try:
            ready = clients.expect("ready", timeout_s=120)
            assert ready["booted"] == count, ready
            cpu0 = common.cpu_seconds(server.pid)
            clients.say("go")
            done = clients.expect("done", timeout_s=args.duration + 60)
            cpu = common.cpu_seconds(server.pid) - cpu0
        finally:
            clients.finish()
    round_trips: int = done["round_trips"]
    per_cpu = round_trips / cpu
    print(
        f"  {impl}: {done['round_trips']:,} Heartbeats in {done['seconds']:.1f} s, server CPU "
        f"{cpu:.2f} s → {per_cpu:,.0f} RT/CPU-s (p50 {done['p50_ms']} ms, p99 "
        f"{done['p99_ms']} ms){', errors ' + str(done['errors']) if done['errors'] else ''}"
    )
    return per_cpu


def idle_run(impl: str, count: int, args: argparse.Namespace, workdir: Path) -> float:
    from ocpp_bench import LoadClients

    with running(impl) as server:
        before = common.settle_rss(server.pid, within_s=5)
        clients = LoadClients(server, common.charger_ids(count), "idle", 300, args, workdir)
        try:
            ready = clients.expect("ready", timeout_s=300)
            after = common.settle_rss(server.pid, within_s=15)
            clients.say("go")
            clients.say("stop")
            clients.expect("done", timeout_s=60)
        finally:
            clients.finish()
    booted: int = ready["booted"]
    per_conn = (after - before) / max(1, booted)
    print(
        f"  {impl}: {ready['booted']:,}/{count:,} idle connections, RSS {before / 1024:.1f} → "
        f"{after / 1024:.1f} MiB → {per_conn:.1f} KiB/conn"
    )
    return per_conn


def run_benchmark(args: argparse.Namespace) -> int:
    per_cpu: dict[str, list[float]] = {impl: [] for impl in IMPLS}
    per_conn: dict[str, list[float]] = {impl: [] for impl in IMPLS}
    with tempfile.TemporaryDirectory(prefix="ws-layer-") as tmp:
        workdir = Path(tmp)
        for _ in range(args.repeats):
            for impl in IMPLS:
                print(f"heartbeat: {args.chargers} chargers, {impl}")
                per_cpu[impl].append(heartbeat_run(impl, args.chargers, args, workdir))
        for impl in IMPLS:
            print(f"idle: {args.idle} chargers, {impl}")
            per_conn[impl].append(idle_run(impl, args.idle, args, workdir))
    rt = {impl: statistics.fmean(v) for impl, v in per_cpu.items()}
    kb = {impl: statistics.fmean(v) for impl, v in per_conn.items()}
    ratio_rt = rt["sansio"] / rt["wsproto"]
    ratio_kb = kb["sansio"] / kb["wsproto"]
    print()
    for impl in IMPLS:
        runs = " / ".join(f"{v:,.0f}" for v in per_cpu[impl])
        print(f"{impl:>8}: {runs} RT/CPU-s (mean {rt[impl]:,.0f}); {kb[impl]:.1f} KiB/idle conn")
    print(f"ratio sansio/wsproto: {ratio_rt:.2f}x RT/CPU-s, {ratio_kb:.2f}x KiB/conn")
    if not args.no_write:
        rows = [
            common.Row(
                benchmark=f"WebSocket layer, Heartbeat echo @ {args.chargers} chargers",
                figure=f"wsproto {' / '.join(f'{v:,.0f}' for v in per_cpu['wsproto'])}; "
                f"sansio {' / '.join(f'{v:,.0f}' for v in per_cpu['sansio'])} RT/CPU-s; "
                f"sansio/wsproto {ratio_rt:.2f}x",
                target="decide: adopt sans-IO behind the transport interface if it wins",
                verdict="—",
                notes="minimal Trio OCPP echo server, same JSON work; load: bench/ocpp_load.py "
                f"sans-IO client, {args.duration:.0f} s closed loop, runs alternating",
            ),
            common.Row(
                benchmark=f"WebSocket layer, idle @ {args.idle:,} chargers",
                figure=f"wsproto {kb['wsproto']:.1f} KiB/conn; sansio {kb['sansio']:.1f} "
                f"KiB/conn; sansio/wsproto {ratio_kb:.2f}x",
                target="—",
                verdict="—",
                notes="RSS delta / connections, one run each",
            ),
        ]
        notes = [
            f"Measured with `python bench/ws_layer.py {' '.join(sys.argv[1:])}`: server under "
            f"`taskset -c {common.SERVER_CPU}`, load under `taskset -c {common.CLIENT_CPU}`, "
            "loopback; shared machine (other engineers' tests running).",
        ]
        common.append_performance("WebSocket layer: wsproto vs websockets sans-IO", rows, notes)
        print(f"appended to {common.PERFORMANCE_MD}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        parser = argparse.ArgumentParser()
        parser.add_argument("serve")
        parser.add_argument("--impl", choices=IMPLS, required=True)
        serve_args = parser.parse_args(argv)
        import resource

        import trio

        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        trio.run(serve_main, serve_args.impl)
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chargers", type=int, default=100)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--client", default="sansio", choices=["sansio", "trio-websocket"])
    parser.add_argument("--no-write", action="store_true")
    return run_benchmark(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
