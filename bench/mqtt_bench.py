"""The MQTT uplink (issue 19): events per second published to a local Mosquitto, and the cost of
the uplink on the durable StatusNotification path.

    python bench/mqtt_bench.py [--chargers 100] [--duration 10] [--repeats 2] [--no-write]
    python bench/mqtt_bench.py --ab BEFORE_DIR AFTER_DIR   # two `git archive` copies

Runs bench/ocpp_load.py's ``status`` scenario (closed-loop durable StatusNotification round
trips, each one a ``connector.status_changed`` event) against the real ``capacitor-edge serve``
pinned to CPU 0, alternating:

- bare: ``mqtt_url`` unset;
- uplink: publishing every event at QoS 1 to a local Mosquitto (Debian's, started here on
  127.0.0.1 with persistence off), with one subscriber to every event (a paho client in this
  process) so the broker really delivers;
- backlog: the same uplink, but the broker is started only after the load: the journal's
  backlog is then published as fast as the box can, measured from the broker's start until the
  durable cursor reaches the newest event (events per second, and per server CPU-second).

Figures are per server CPU-second as well as wall clock (the machine is shared). The uplink's
publishing may lag the load (it takes its turns when the chargers leave the box idle), so its
runs also wait, after the load, until the durable cursor reaches the journal's head and count
that CPU too ("caught up" figures): work put off is still paid for.

``--ab BEFORE AFTER`` runs the server from two copies of the package (PYTHONPATH), alternating
bare and uplink rounds of each, for an A/B of two commits; nothing is written.
"""

from __future__ import annotations

import argparse
import getpass
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from paho.mqtt.client import Client, MQTTMessage
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import ocpp_bench

SITE = "bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Broker:
    """Mosquitto on a free loopback port, persistence off."""

    def __init__(self, workdir: Path, port: int = 0) -> None:
        self.port = port or free_port()
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        config = workdir / f"mosquitto-{self.port}.conf"
        config.write_text(
            f"user {getpass.getuser()}\nallow_anonymous true\npersistence false\n"
            f"max_queued_messages 1000000\nlistener {self.port} 127.0.0.1\n"
        )
        self.process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Subscriber:
    """Counts the events the broker delivers (QoS 1)."""

    def __init__(self, port: int) -> None:
        self.count = 0
        self._lock = threading.Lock()
        self.client = Client(
            CallbackAPIVersion.VERSION2, client_id="bench-sub", protocol=MQTTProtocolVersion.MQTTv5
        )
        subscribed = threading.Event()
        self.client.on_connect = lambda c, *_: c.subscribe(f"capacitor/{SITE}/events/#", qos=1)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        subscribed.wait(10)

    def _on_message(self, client: Client, userdata: object, message: MQTTMessage) -> None:
        with self._lock:
            self.count += 1

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def cursor(data_dir: Path) -> int:
    return ocpp_bench.count_rows(data_dir, "SELECT COALESCE(MAX(cursor), 0) FROM uplink_cursors")


def catch_up(data_dir: Path, pid: int, cpu0: float) -> dict[str, Any]:
    """Wait until the durable cursor reaches the journal's head (after the load): how far
    behind it was, and the server's CPU from ``cpu0`` until then."""
    head = ocpp_bench.count_rows(data_dir, "SELECT COALESCE(MAX(seq), 0) FROM events")
    lag = head - cursor(data_dir)
    t0 = time.monotonic()
    while cursor(data_dir) < head and time.monotonic() - t0 < 120:
        time.sleep(0.05)
    return {"lag_at_end": lag, "cpu_caught_up": common.cpu_seconds(pid) - cpu0}


def run(name: str, args: argparse.Namespace, workdir: Path, template: Path) -> dict[str, Any]:
    ids = common.charger_ids(args.chargers)
    broker = Broker(workdir) if name == "uplink" else None
    # backlog: the broker comes later, on this port.
    port = broker.port if broker else free_port()
    env = {}
    if name != "bare":
        env = {
            "CAPACITOR_EDGE_MQTT_URL": f"mqtt://127.0.0.1:{port}",
            "CAPACITOR_EDGE_SITE_ID": SITE,
            "CAPACITOR_EDGE_MQTT_RECONNECT_MAX_S": "1",
        }
    subscriber = Subscriber(port) if broker else None
    result: dict[str, Any] = {"name": name}
    try:
        with ocpp_bench.serving("ours", args, template, extra_env=env) as server:
            clients = ocpp_bench.LoadClients(server, ids, "status", args.duration, args, workdir)
            try:
                clients.expect("ready", timeout_s=300)
                cpu0 = common.cpu_seconds(server.pid)
                clients.say("go")
                spy = None
                if args.profile is not None and name == "uplink":
                    out = args.profile / f"mqtt-{name}-{time.time():.0f}.txt"
                    spy = ocpp_bench.start_profiler(server.pid, out, args.duration)
                done = clients.expect("done", timeout_s=args.duration + 120)
                cpu = common.cpu_seconds(server.pid) - cpu0
                if spy is not None:
                    spy.wait(timeout=60)
                    print(f"  profile (py-spy, collapsed stacks): {out}")
            finally:
                clients.finish()
            result |= {
                "per_second": float(done["per_second"]),
                "per_cpu_s": done["round_trips"] / cpu if cpu > 0 else 0.0,
                "p99_ms": done["p99_ms"],
                "round_trips": done["round_trips"],
            }
            if name == "uplink":
                caught = catch_up(server.data_dir, server.pid, cpu0)
                result |= {
                    "lag_at_end": caught["lag_at_end"],
                    "per_cpu_s_caught_up": done["round_trips"] / caught["cpu_caught_up"],
                }
            if name == "backlog":
                head = ocpp_bench.count_rows(
                    server.data_dir, "SELECT COALESCE(MAX(seq), 0) FROM events"
                )
                start = cursor(server.data_dir)
                broker = Broker(workdir, port)
                cpu0, t0 = common.cpu_seconds(server.pid), time.monotonic()
                while cursor(server.data_dir) < head and time.monotonic() - t0 < 300:
                    time.sleep(0.02)
                seconds = time.monotonic() - t0
                cpu = common.cpu_seconds(server.pid) - cpu0
                result |= {
                    "backlog": head - start,
                    "published_per_s": (head - start) / seconds,
                    "published_per_cpu_s": (head - start) / cpu if cpu > 0 else 0.0,
                }
            if subscriber is not None:
                result["delivered"] = subscriber.count
    finally:
        if subscriber is not None:
            subscriber.stop()
        if broker is not None:
            broker.stop()
    print(f"  {name}: {result}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chargers", type=int, default=100)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--client", choices=["sansio", "trio-websocket"], default="sansio")
    parser.add_argument("--no-write", action="store_true", help="do not touch PERFORMANCE.md")
    parser.add_argument("--profile", type=Path, help="py-spy the uplink runs into this dir")
    parser.add_argument("--ab", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    args.server_wrapper = None
    if args.ab:
        return ab(args)
    names = ("bare", "uplink", "backlog")
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="capacitor-mqtt-bench-") as tmp:
        workdir = Path(tmp)
        template = common.make_template(args.chargers, workdir)
        for _ in range(args.repeats):
            for name in names:
                print(f"{name}: {args.chargers} chargers, {args.duration:.0f} s closed loop")
                results[name].append(run(name, args, workdir, template))

    def mean(name: str, key: str) -> float:
        return float(statistics.mean(r[key] for r in results[name]))

    bare, uplink = mean("bare", "per_second"), mean("uplink", "per_second")
    bare_cpu, uplink_cpu = mean("bare", "per_cpu_s"), mean("uplink", "per_cpu_s")
    cost_cpu = 100 * (1 - uplink_cpu / bare_cpu)
    rate, rate_cpu = mean("backlog", "published_per_s"), mean("backlog", "published_per_cpu_s")
    backlog = mean("backlog", "backlog")
    print(
        f"bare {bare:,.0f} RT/s ({bare_cpu:,.0f}/CPU-s); uplink {uplink:,.0f} RT/s "
        f"({uplink_cpu:,.0f}/CPU-s), CPU cost {cost_cpu:.1f} %; backlog of {backlog:,.0f} "
        f"published at {rate:,.0f} events/s ({rate_cpu:,.0f}/CPU-s)"
    )
    if not args.no_write:
        rows = [
            common.Row(
                f"StatusNotification, {args.chargers} chargers, uplink off",
                f"{bare:,.0f} RT/s ({bare_cpu:,.0f} RT/CPU-s)",
                "-",
                "-",
            ),
            common.Row(
                "... uplink on (QoS 1 to a local Mosquitto, 1 subscriber)",
                f"{uplink:,.0f} RT/s ({uplink_cpu:,.0f} RT/CPU-s), CPU cost {cost_cpu:.1f} %",
                "-",
                "-",
                f"{args.repeats} runs each, alternating",
            ),
            common.Row(
                "MQTT publishing of a journal backlog (broker back after an outage)",
                f"{rate:,.0f} events/s ({rate_cpu:,.0f} events/server CPU-s)",
                "-",
                "-",
                f"backlog {backlog:,.0f} events; until the durable cursor reached the head",
            ),
        ]
        common.append_performance("MQTT uplink (issue 19)", rows)
    return 0


def ab(args: argparse.Namespace) -> int:
    """Bare and uplink rounds of two copies of the package, alternating."""
    sources = {"before": args.ab[0].resolve(), "after": args.ab[1].resolve()}
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="capacitor-mqtt-ab-") as tmp:
        workdir = Path(tmp)
        template = common.make_template(args.chargers, workdir)
        for round_ in range(args.repeats):
            for label, source in sources.items():
                common.SOURCE = source
                for name in ("bare", "uplink"):
                    print(f"round {round_ + 1}, {label}, {name}")
                    results.setdefault((label, name), []).append(run(name, args, workdir, template))
    for label in sources:
        bare = [r["per_cpu_s"] for r in results[(label, "bare")]]
        on = [r["per_cpu_s"] for r in results[(label, "uplink")]]
        caught = [r["per_cpu_s_caught_up"] for r in results[(label, "uplink")]]
        cost = 100 * (1 - statistics.mean(caught) / statistics.mean(bare))
        print(
            f"{label}: bare {[round(x) for x in bare]} RT/CPU-s; uplink "
            f"{[round(x) for x in on]} ({[round(x) for x in caught]} caught up); "
            f"cost {cost:.1f} % (caught up, means)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
