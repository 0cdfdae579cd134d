"""Instructions per OCPP round trip in the real server, counted by callgrind: a figure that,
unlike CPU-seconds, does not move when other work shares the machine.

    python bench/hot_path_ir.py [heartbeat|status|storm] [--chargers 20] [--duration 20]
                                [--repeats 1] [--source DIR ...]

``capacitor-edge serve`` runs under ``valgrind --tool=callgrind`` with instrumentation off
while it starts; the load client (bench/ocpp_load.py) connects and boots its chargers, then
instrumentation is switched on for a closed-loop window and off after it, and the server's
user-space instructions in that window (every thread: the event loop and the SQLite writer)
are divided by the round trips answered. Kernel work (the socket system calls, fsync) is not
counted. Under callgrind the server runs ~50x slower, so fewer round trips share each commit
than at full speed: compare figures of this script with each other, not with CPU-seconds.

``storm``: instrumentation is on from before the first connection; the figures are the
instructions per charger (connect, boot, two StatusNotifications) until the last one is
answered, and until the server is idle again (with the work it put off until after the storm).
``--storm-concurrency`` handshakes at most in flight (under callgrind a handshake takes ~50x as
long, so fewer than in ``ocpp_bench.py storm``, or they time out).

``--source`` (repeatable) names snapshots of the package (``git archive`` of a commit,
extracted) to compare; runs alternate between them, ``--repeats`` rounds.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import ocpp_bench

SUMMARY = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def callgrind_ir(out_dir: Path, skip: frozenset[Path] = frozenset()) -> int:
    """The largest totals line of the dumps in ``out_dir`` (one per dump, every thread),
    leaving out the dumps in ``skip``."""
    total = 0
    for dump in out_dir.glob("callgrind.out*"):
        if dump in skip:
            continue
        for match in SUMMARY.finditer(dump.read_text(errors="replace")):
            total += int(match.group(1))
    return total


def settle(pid: int, *, idle_share: float = 0.05, within_s: float = 300.0) -> None:
    """Wait until the server is idle for 2 s: its start-up work (the OCPP validators are
    compiled in a worker thread once it is ready) must not be counted in the window."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        before = common.cpu_seconds(pid)
        time.sleep(2.0)
        if common.cpu_seconds(pid) - before < 2.0 * idle_share:
            return
    print("  WARNING: the server did not settle before the window")


def storm_run(
    source: Path | None, args: argparse.Namespace, workdir: Path, template: Path
) -> tuple[int, int]:
    """(instructions until every charger is answered, until the server is idle again)."""
    common.SOURCE = source
    with tempfile.TemporaryDirectory(prefix="capacitor-ir-") as tmp:
        out_dir = Path(tmp)
        prefix = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--separate-threads=no",
            f"--callgrind-out-file={out_dir}/callgrind.out.%p",
        ]
        with common.running_server(
            template=template, start_timeout_s=600, command_prefix=prefix
        ) as server:
            settle(server.pid)
            control = ["callgrind_control"]
            subprocess.run([*control, "-z", str(server.pid)], check=True, capture_output=True)
            subprocess.run([*control, "-i", "on", str(server.pid)], check=True)
            ids = common.charger_ids(args.chargers)
            extra = ["--connect-concurrency", str(args.storm_concurrency)]
            extra += ["--max-connect-phase", "900", "--connect-timeout", "600"]
            clients = ocpp_bench.LoadClients(server, ids, "storm", 1.0, args, workdir, extra)
            try:
                ready = clients.expect("ready", timeout_s=900)
                if ready["booted"] != args.chargers or ready["errors"]:
                    print(f"  WARNING: {ready['booted']}/{args.chargers} booted")
                subprocess.run([*control, "-d", str(server.pid)], check=True, capture_output=True)
                time.sleep(1.0)
                storm = callgrind_ir(out_dir)
                seen = frozenset(out_dir.glob("callgrind.out*"))
                settle(server.pid)
                subprocess.run([*control, "-d", str(server.pid)], check=True, capture_output=True)
                time.sleep(1.0)
                after = callgrind_ir(out_dir, seen)
                subprocess.run([*control, "-i", "off", str(server.pid)], check=True)
                clients.say("go")
                clients.say("stop")
            finally:
                clients.finish()
        return storm, storm + after


def one_run(
    scenario: str, source: Path | None, args: argparse.Namespace, workdir: Path, template: Path
) -> tuple[int, int]:
    """(instructions, round trips) of one window on a fresh server."""
    common.SOURCE = source
    with tempfile.TemporaryDirectory(prefix="capacitor-ir-") as tmp:
        out_dir = Path(tmp)
        prefix = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--separate-threads=no",
            f"--callgrind-out-file={out_dir}/callgrind.out.%p",
        ]
        with common.running_server(
            template=template, start_timeout_s=600, command_prefix=prefix
        ) as server:
            ids = common.charger_ids(args.chargers)
            clients = ocpp_bench.LoadClients(
                server, ids, scenario, args.duration, args, workdir, None
            )
            try:
                ready = clients.expect("ready", timeout_s=600)
                if ready["booted"] != args.chargers or ready["errors"]:
                    print(f"  WARNING: {ready['booted']}/{args.chargers} booted")
                settle(server.pid)
                control = ["callgrind_control"]
                subprocess.run([*control, "-z", str(server.pid)], check=True, capture_output=True)
                subprocess.run([*control, "-i", "on", str(server.pid)], check=True)
                clients.say("go")
                done = clients.expect("done", timeout_s=args.duration + 300)
                subprocess.run([*control, "-i", "off", str(server.pid)], check=True)
                subprocess.run([*control, "-d", str(server.pid)], check=True, capture_output=True)
                time.sleep(1.0)  # the dump is written by the server's next scheduling
            finally:
                clients.finish()
        if args.keep_dir is not None:  # for callgrind_annotate: where the instructions go
            args.keep_dir.mkdir(parents=True, exist_ok=True)
            for dump in out_dir.glob("callgrind.out*"):
                shutil.copy(dump, args.keep_dir / f"{scenario}-{dump.name}")
        return callgrind_ir(out_dir), int(done["round_trips"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "scenario", choices=["heartbeat", "status", "storm"], nargs="?", default="heartbeat"
    )
    parser.add_argument("--storm-concurrency", type=int, default=20)
    parser.add_argument("--chargers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--source", type=Path, action="append", default=[])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep-dir", type=Path, help="copy the callgrind dumps here")
    args = parser.parse_args()
    args.client = "sansio"
    args.samples = 4
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="capacitor-ir-work-"))
    template = common.make_template(args.chargers, workdir)
    sources: list[Path | None] = [s.resolve() for s in args.source] or [None]
    for _ in range(args.repeats):
        for source in sources:
            if args.scenario == "storm":
                storm, total = storm_run(source, args, workdir, template)
                print(
                    f"storm @ {args.chargers} {source or 'working tree'}: "
                    f"{storm / args.chargers:,.0f} Ir per charger until the last is answered, "
                    f"{total / args.chargers:,.0f} until idle again",
                    flush=True,
                )
                continue
            ir, round_trips = one_run(args.scenario, source, args, workdir, template)
            per = ir / round_trips if round_trips else 0
            print(
                f"{args.scenario} @ {args.chargers} {source or 'working tree'}: "
                f"{round_trips:,} round trips, {ir:,} Ir, {per:,.0f} Ir per round trip",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
