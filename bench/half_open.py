"""Half-open sockets against the real server: does memory come back after they close?

    python bench/half_open.py [--sockets 3000] [--modes silent partial tls-silent tls-hello]
                              [--waves 2] [--hold 3] [--repeats 1] [--source DIR ...]

Each run starts ``capacitor-edge serve`` (bench/heap_probe.py as the entry point, so the
server can report what its memory is made of) on a fresh data dir, registers one charger, then
per wave opens ``--sockets`` TCP connections to the OCPP port on 127.0.0.1 that send:

- ``silent``: nothing;                    ``partial``: half an HTTP upgrade request;
- ``tls-silent``: nothing, to the wss:// port; ``tls-hello``: half a TLS ClientHello;
- ``tls-idle``: a whole TLS handshake, then nothing.

While they are held, one real upgrade for the registered charger is tried (a charger must still
get in). Then they are closed by the client. Printed per run: RSS before, the peak while held,
after the close (``--after`` s, then settled) for every wave, server fds, and the server's heap
probe (GC objects, pymalloc blocks, glibc mallinfo2, malloc thread heaps) at each point.

Bounded: connects time out after 5 s each, a wave holds ``--hold`` s, the run stops itself.
``--source DIR`` (repeatable) runs the server from other trees, alternating, for A/B runs
(``git archive BASE | tar -x -C DIR``; DIR/.bench-commit labels it).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import signal
import socket
import ssl
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

PROBE = Path(__file__).resolve().parent / "heap_probe.py"
MODES = ("silent", "partial", "tls-silent", "tls-hello", "tls-idle")
CHARGER = "HALF-OPEN-REAL"
CONNECT_TIMEOUT_S = 5.0


def _client_hello() -> bytes:
    """The first flight of a real TLS client, taken from a memory BIO."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def open_half(port: int, mode: str, count: int) -> tuple[list[socket.socket], int]:
    """``count`` connections in ``mode``; the ones that failed to open are counted."""
    held: list[socket.socket] = []
    failed = 0
    hello = _client_hello()
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S)
            if mode == "partial":
                sock.sendall(b"GET /ocpp/SOMEONE HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web")
            elif mode == "tls-hello":
                sock.sendall(hello[: len(hello) // 2])
            elif mode == "tls-idle":
                sock = context.wrap_socket(sock, server_hostname="localhost")
            held.append(sock)
        except OSError:
            failed += 1
    return held, failed


def close_all(held: list[socket.socket]) -> None:
    for sock in held:
        with contextlib.suppress(OSError):
            sock.close()
    held.clear()


def real_upgrade(port: int, tls: bool) -> str:
    """One charger's upgrade while the flood is held: its HTTP status and how long it took."""
    started = time.monotonic()
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ocpp/{CHARGER} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n"
    ).encode()
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            sock = context.wrap_socket(sock, server_hostname="localhost")
        with sock:
            sock.sendall(request)
            head = sock.recv(1024).split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as error:
        head = f"failed: {type(error).__name__}"
    return f"{head} in {(time.monotonic() - started) * 1000:.0f} ms"


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@dataclass
class Probe:
    pid: int
    path: Path

    def read(self, command: str = "") -> dict[str, Any]:
        if command:
            Path(str(self.path) + ".cmd").write_text(command)
        before = self.path.read_text().count("\n") if self.path.exists() else 0
        os.kill(self.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            lines = self.path.read_text().splitlines() if self.path.exists() else []
            if len(lines) > before:
                figures: dict[str, Any] = json.loads(lines[-1])
                return figures
            time.sleep(0.05)
        return {}


def describe(figures: dict[str, Any]) -> str:
    if not figures:
        return "(no probe)"
    mib = 1 << 20
    parts = [
        f"gc objects {figures['gc_objects']:,}",
        f"pymalloc blocks {figures['pymalloc_blocks']:,}",
        f"threads {figures['threads']}",
        f"thread heaps {figures['thread_arenas']}",
    ]
    if "malloc_arena" in figures:
        heap, used = figures["malloc_arena"] / mib, figures["malloc_uordblks"] / mib
        parts.append(
            f"malloc heap {heap:.1f} MiB (in use {used:.1f}, free {heap - used:.1f}),"
            f" mmapped {figures['malloc_hblkhd'] / mib:.1f} MiB"
        )
    if "types" in figures:
        parts.append("top types " + ", ".join(f"{n} {c:,}" for n, c in figures["types"]))
    if "traced" in figures:
        parts.append(f"tracemalloc {figures['traced'] / mib:.1f} MiB")
    return ", ".join(parts)


@dataclass
class Outcome:
    label: str
    mode: str
    before_kib: int
    peaks: list[int] = field(default_factory=list)
    afters: list[int] = field(default_factory=list)
    charger: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        mib = 1024
        peaks = " / ".join(f"{k / mib:.1f}" for k in self.peaks)
        afters = " / ".join(f"{k / mib:.1f}" for k in self.afters)
        return (
            f"{self.label} {self.mode}: RSS before {self.before_kib / mib:.1f} MiB, peak {peaks}, "
            f"after close {afters} MiB (per wave); real charger: {'; '.join(self.charger)}"
        )


def one_run(mode: str, args: argparse.Namespace, label: str, site: Path | None) -> Outcome:
    tls = mode.startswith("tls")
    env: dict[str, str] = {}
    if tls:
        assert site is not None
        env["CAPACITOR_EDGE_TLS_CERT_FILE"] = str(site / "server.crt")
        env["CAPACITOR_EDGE_TLS_KEY_FILE"] = str(site / "server.key")
    for setting in args.set or ():
        name, _, value = setting.partition("=")
        env[f"CAPACITOR_EDGE_{name.upper()}"] = value
    with tempfile.TemporaryDirectory(prefix="half-open-probe-") as tmp:
        probe_file = Path(tmp) / "probe.jsonl"
        env["HEAP_PROBE_FILE"] = str(probe_file)
        if args.trace:
            env["HEAP_PROBE_TRACE"] = "1"
        with common.running_server(extra_env=env, wrapper=PROBE) as server:
            port = int(server.ocpp_url.rsplit(":", 1)[1])
            httpx.post(
                f"{server.http_url}/api/v1/chargers",
                json={"chargeBoxId": CHARGER},
                headers={"X-API-Key": server.api_key},
                timeout=30,
            ).raise_for_status()
            probe = Probe(server.pid, probe_file)
            outcome = Outcome(label, mode, common.settle_rss(server.pid, within_s=10))
            outcome.lines.append(f"  before: {describe(probe.read())}")
            for wave in range(1, args.waves + 1):
                started = time.monotonic()
                held, failed = open_half(port, mode, args.sockets)
                opened_s = time.monotonic() - started
                outcome.charger.append(real_upgrade(port, tls))
                peak = common.rss_kb(server.pid)
                fds = fd_count(server.pid)
                deadline = time.monotonic() + args.hold
                while time.monotonic() < deadline:
                    time.sleep(0.25)
                    peak = max(peak, common.rss_kb(server.pid))
                    fds = max(fds, fd_count(server.pid))
                outcome.lines.append(
                    f"  wave {wave}: {len(held)} open ({failed} failed) in {opened_s:.1f} s, "
                    f"peak RSS {peak / 1024:.1f} MiB, server fds up to {fds}; "
                    f"held: {describe(probe.read())}"
                )
                close_all(held)
                # Long enough for the server's after-burst memory release (checked every 10 s).
                time.sleep(args.after)
                after = common.settle_rss(server.pid, within_s=15)
                outcome.peaks.append(peak)
                outcome.afters.append(after)
                closed = probe.read("types" if args.explain else "")
                outcome.lines.append(
                    f"  wave {wave} closed: RSS {after / 1024:.1f} MiB, server fds "
                    f"{fd_count(server.pid)}; {describe(closed)}"
                )
                if args.explain:
                    for command in ("collect", "trim"):
                        figures = probe.read(command)
                        time.sleep(0.5)
                        outcome.lines.append(
                            f"    after {command}: RSS {common.rss_kb(server.pid) / 1024:.1f} MiB;"
                            f" {describe(figures)}"
                        )
    return outcome


def make_site(workdir: Path) -> Path:
    """A self-signed server certificate for 127.0.0.1 (the client does not verify it)."""
    from datetime import UTC, datetime

    from capacitor_edge.app.certs import init_site

    files = init_site(workdir, ["localhost"], ["127.0.0.1"], now=datetime.now(UTC), days=30).files
    site = workdir / "site"
    site.mkdir(exist_ok=True)
    (site / "server.crt").write_bytes(Path(files.server_cert).read_bytes())
    (site / "server.key").write_bytes(Path(files.server_key).read_bytes())
    return site


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=3000)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=["silent", "tls-hello"])
    parser.add_argument("--waves", type=int, default=2, help="bursts per server run")
    parser.add_argument("--hold", type=float, default=3.0, help="seconds each burst is held")
    parser.add_argument("--after", type=float, default=12.0, help="seconds waited after close")
    parser.add_argument("--repeats", type=int, default=1, help="runs per source (alternating)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc in the server")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="after each wave: type histogram, then RSS after gc.collect() and malloc_trim(0)",
    )
    parser.add_argument("--set", action="append", help="a server setting, NAME=VALUE")
    parser.add_argument(
        "--source", type=Path, action="append", help="run the server from DIR (repeatable: A/B)"
    )
    args = parser.parse_args()
    sources: list[Path | None] = [s.resolve() for s in args.source] if args.source else [None]
    print(f"machine: {common.machine()}; {args.sockets} sockets per wave, {args.waves} waves")
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="half-open-") as tmp:
        site = make_site(Path(tmp)) if any(m.startswith("tls") for m in args.modes) else None
        for _repeat in range(args.repeats):
            for mode in args.modes:
                for source in sources:
                    common.SOURCE = source
                    label = common.commit()
                    outcome = one_run(mode, args, label, site)
                    outcomes.append(outcome)
                    print(outcome.summary(), flush=True)
                    for line in outcome.lines:
                        print(line, flush=True)


if __name__ == "__main__":
    main()
