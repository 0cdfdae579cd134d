"""``capacitor-edge simulate``: its arguments and what it prints and returns.

Exit status: 0 when every charger connected and nothing went wrong (no CALLERROR received, no
timeout, no invalid answer, no dropped connection), or the self-test passed; 1 otherwise; 2 for
options that cannot work.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import trio

from capacitor_edge.simulator.options import SCENARIOS, Options, OptionsError

#: Simulated seconds per real second for ``--selftest`` unless ``--time-scale`` is given, so
#: the session's meter samples come within seconds.
SELFTEST_TIME_SCALE = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        default="ws://127.0.0.1:9000/ocpp",
        help="OCPP base URL, ws[s]://HOST:PORT/ocpp; the chargeBoxId is appended "
        "(default ws://127.0.0.1:9000/ocpp)",
    )
    parser.add_argument("--chargers", type=int, default=1, help="how many chargers (default 1)")
    parser.add_argument("--id-prefix", default="SIM-", help="chargeBoxId prefix (SIM-0001, …)")
    parser.add_argument("--id", help="one charger with exactly this chargeBoxId")
    parser.add_argument("--connectors", type=int, default=1, help="connectors per charger")
    parser.add_argument("--scenario", choices=SCENARIOS, default="boot")
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds to run (default: boot 30, sessions 120, storm until all have booted)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the sessions' timing")
    parser.add_argument(
        "--time-scale",
        type=float,
        help="simulated seconds per real second for the chargers' own intervals "
        f"(default 1; {SELFTEST_TIME_SCALE:g} for --selftest)",
    )
    parser.add_argument(
        "--max-current",
        type=float,
        help="amperes per phase every car draws, the connectors' rating (default: 16 or 32 A "
        "per session at random); charging profiles limit it",
    )
    parser.add_argument(
        "--phases", type=int, help="phases every car charges on, 1-3 (default: 1 or 3 at random)"
    )
    parser.add_argument(
        "--voltage", type=float, default=230.0, help="phase-to-neutral voltage (default 230)"
    )
    parser.add_argument("--password", help="Basic-auth password (Security Profile 1/2)")
    parser.add_argument("--cert", type=Path, help="client certificate, PEM (Security Profile 3)")
    parser.add_argument("--key", type=Path, help="private key of --cert, if not in the same file")
    parser.add_argument("--ca", type=Path, help="CA certificate(s) to verify the box's wss://")
    parser.add_argument("--register", action="store_true", help="register the chargers first")
    parser.add_argument("--api", default="http://127.0.0.1:8080", help="REST API base URL")
    parser.add_argument("--api-key", help="API key for --register and --selftest")
    parser.add_argument("--api-key-file", type=Path, help="read the API key from this file")
    parser.add_argument("--id-tag", default="SIMULATOR", help="idTag of the self-test's session")
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=100,
        help="handshakes in flight at once (not for storm, which opens all at once)",
    )
    parser.add_argument("--call-timeout", type=float, default=30.0, help="seconds per CALL")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="register one charger, boot it, run one remote-started session, check its kWh "
        "via the API, delete it; PASS/FAIL per step",
    )


def options_from(args: argparse.Namespace) -> Options:
    api_key = args.api_key
    if api_key is None and args.api_key_file is not None:
        try:
            api_key = args.api_key_file.read_text().strip()
        except OSError as error:
            raise OptionsError(f"--api-key-file: {error}") from None
    if args.selftest and not api_key:
        raise OptionsError("--selftest needs --api-key KEY or --api-key-file FILE")
    time_scale = args.time_scale
    if time_scale is None:
        time_scale = SELFTEST_TIME_SCALE if args.selftest else 1.0
    return Options(
        url=args.url,
        chargers=args.chargers,
        id_prefix=args.id_prefix,
        connectors=args.connectors,
        scenario=args.scenario,
        duration_s=args.duration,
        seed=args.seed,
        time_scale=time_scale,
        password=args.password,
        cert=args.cert,
        key=args.key,
        ca=args.ca,
        register=args.register,
        api=args.api,
        api_key=api_key,
        connect_concurrency=max(args.connect_concurrency, 1),
        call_timeout_s=args.call_timeout,
        json=args.json,
        progress=not args.json and sys.stderr.isatty(),
        id_tag=args.id_tag,
        charge_box_id=args.id,
        max_current_a=args.max_current,
        phases=args.phases,
        voltage_v=args.voltage,
    )


def main(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `capacitor-edge serve` builds this command's parser too,
    # and should not pay for the simulator's HTTP client at every start of the box.
    from capacitor_edge.simulator.api_client import ApiError
    from capacitor_edge.simulator.report import format_summary
    from capacitor_edge.simulator.scenarios import Simulation
    from capacitor_edge.simulator.selftest import SelfTest

    logging.basicConfig(
        level=logging.ERROR, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    try:
        options = options_from(args)
        if args.selftest:
            selftest = SelfTest(options)
            return 0 if trio.run(selftest.run) else 1
        simulation = Simulation(options)
        report = trio.run(simulation.run)
    except OptionsError as error:
        print(f"capacitor-edge simulate: {error}", file=sys.stderr)
        return 2
    except ApiError as error:
        print(f"capacitor-edge simulate: {error}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps(report), flush=True)
    else:
        print(format_summary(report), flush=True)
    return 0 if report["passed"] else 1
