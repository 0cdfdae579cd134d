"""Site load management at scale (issue 16): 1,000 chargers in 50 circuits.

    python bench/site_bench.py [--chargers 1000] [--circuits 50] [--sessions 700] [--repeats 20]

The controller's own decision path, without I/O: the site's state (:class:`LoadState`), the
allocator and the send decision, exactly as a rebalance runs them. The site is a grid
connection with ``circuits - 1`` feeders below it, the chargers spread over the feeders
(3-phase, 6-32 A). ``sessions`` are charging and were sent their allocation; then one more
session starts. Reported, for two grid sizes (one where the feeders are the limit, one where
the grid connection is and sessions must rotate):

- the time to recompute (wall and CPU of this process, median over ``repeats``);
- how many profiles that one start sends (decreases at once, increases over the threshold).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from typing import Any

from capacitor_edge.domain.load_allocation import allocate
from capacitor_edge.domain.load_state import LoadState, Sent, Session, Tuning
from capacitor_edge.domain.site import site_from_document

TUNING = Tuning()  # replaced in main() by --threshold


def site_document(chargers: int, circuits: int, grid_a: float) -> dict[str, Any]:
    feeders = circuits - 1
    return {
        "circuits": [
            {"id": "grid", "maxCurrentA": grid_a},
            *({"id": f"f{n}", "parentId": "grid", "maxCurrentA": 125} for n in range(feeders)),
        ],
        "chargers": [
            {"chargeBoxId": f"CP-{n:04d}", "circuitId": f"f{n % feeders}", "maxCurrentA": 32}
            for n in range(chargers)
        ],
    }


def settled(chargers: int, circuits: int, grid_a: float, sessions: int) -> LoadState:
    """``sessions`` charging, each sent what the allocator gives it."""
    state = LoadState(site=site_from_document(site_document(chargers, circuits, grid_a), ()))
    for n in range(sessions):
        state.sessions[(f"CP-{n:04d}", 1)] = Session(n, charged_s=float(n))
    result = allocate(state.building_limits(0.0), state.demands(set()), step_a=TUNING.threshold_a)
    for key in state.sessions:
        state.sent[key] = Sent(result.amperes[key], -math.inf)
    return state


def one_start(state: LoadState, charger: str) -> tuple[float, float, int, int]:
    """Recompute after ``charger`` starts: (wall s, CPU s, profiles sent, paused)."""
    state.sessions[(charger, 1)] = Session(99_999)
    online = {key[0] for key in state.sessions}
    wall, cpu = time.perf_counter(), time.process_time()
    result = allocate(state.building_limits(0.0), state.demands(online), step_a=TUNING.threshold_a)
    targets = {key: result.amperes[key] for key in state.sessions}
    decision = state.decide(targets, bool(result.paused), 0.0, TUNING, online, set())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    del state.sessions[(charger, 1)]
    return wall, cpu, len(decision.sends), len(result.paused)


def run(args: argparse.Namespace, grid_a: float, label: str) -> None:
    state = settled(args.chargers, args.circuits, grid_a, args.sessions)
    newcomer = f"CP-{args.chargers - 1:04d}"  # idle until now
    runs = [one_start(state, newcomer) for _ in range(args.repeats)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(
        f"{label}: grid {grid_a:.0f} A, {args.sessions} sessions + 1 start: "
        f"recompute {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU (median of "
        f"{args.repeats}); profiles sent {runs[0][2]}; paused {runs[0][3]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chargers", type=int, default=1000)
    parser.add_argument("--circuits", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=700)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--threshold", type=float, default=1.0, help="load_threshold_a (also the allocation step)"
    )
    args = parser.parse_args()
    global TUNING
    TUNING = Tuning(threshold_a=args.threshold)
    print(
        f"{args.chargers} chargers in {args.circuits} circuits (1 grid + feeders of 125 A), "
        f"threshold {args.threshold} A"
    )
    # Feeders limit: 49 x 125 A of feeders under a grid connection that can feed them all.
    run(args, 49 * 125.0, "feeders binding")
    # The grid connection limits: 2,000 A for 700 sessions (2.9 A each: some must pause).
    run(args, 2000.0, "grid binding   ")


if __name__ == "__main__":
    main()
