"""The allocator (issue 16): who may draw how many amperes, per phase, so that no circuit of the
site tree is ever over its limit. Pure: no I/O, no clock; the controller
(:mod:`capacitor_edge.domain.load_control`) feeds it what it knows and sends what it decides.

The method is weighted max-min fairness ("progressive filling") above the minimums: every
admitted session gets ``minimum + clamp(weight * level, 0, cap - minimum)`` and the level rises
until some circuit (on some phase, or in kW) is full; the sessions behind that circuit are
frozen there and the others go on rising. Sessions whose minimum does not fit (IEC 61851:
below 6 A a car may stop or never start) are paused at 0 A; the ones admitted first are those
that charged least so far, so a paused session's turn comes (rotation).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

#: Floating-point slack when comparing loads with limits.
EPSILON = 1e-9
#: A circuit limit in kW is turned into amperes with this many volts per phase.
DEFAULT_VOLTAGE_V = 230.0


@dataclass(frozen=True)
class CircuitLimits:
    """One circuit's limits: amperes per site phase (``inf`` on a phase it does not carry, or
    with nothing drawn through it) and optionally kW over all phases."""

    per_phase_a: tuple[float, float, float]
    power_kw: float | None = None


@dataclass(frozen=True)
class Demand:
    key: Hashable
    #: The circuits the session draws through, leaf first.
    path: tuple[str, ...]
    #: The site phases it draws on (indexes 0-2).
    phases: tuple[int, ...]
    min_a: float
    #: The most it may be given: the charger's maximum, or less (a car that takes less).
    cap_a: float
    weight: float = 1.0
    #: How long it has charged so far: the least charged are admitted first (rotation).
    charged_s: float = 0.0
    #: Counted at this and never changed (a charger that refuses profiles, one offline).
    fixed_a: float | None = None


@dataclass(frozen=True)
class Allocation:
    #: Amperes per phase for each demand; 0 for a paused one.
    amperes: Mapping[Hashable, float]
    paused: frozenset[Hashable]
    #: Per circuit, what the allocation puts on each site phase.
    circuit_a: Mapping[str, tuple[float, float, float]]


def _down(value: float, step_a: float) -> float:
    """Rounded down to ``step_a`` (at least the wire's 0.1 A): an allocation never grows by
    rounding, and with a coarser step a small change of everyone's share (one more session on
    a busy feeder) leaves most allocations as they were, so no profile goes out for them."""
    steps = math.floor(round(value / step_a, 6))
    return round(steps * step_a, 6)


def _constraints(
    circuits: Mapping[str, CircuitLimits], voltage_v: float
) -> dict[tuple[str, int], float]:
    """Every finite limit, keyed (circuit, phase 0-2) or (circuit, 3) for kW."""
    limits: dict[tuple[str, int], float] = {}
    for circuit_id, circuit in circuits.items():
        for phase, amperes in enumerate(circuit.per_phase_a):
            if math.isfinite(amperes):
                limits[(circuit_id, phase)] = amperes
        if circuit.power_kw is not None:
            # In "phase-amperes": a session's coefficient is its phase count.
            limits[(circuit_id, 3)] = circuit.power_kw * 1000 / voltage_v
    return limits


def _terms(demand: Demand) -> list[tuple[tuple[str, int], float]]:
    """The (constraint, coefficient) pairs a demand's current counts in."""
    terms: list[tuple[tuple[str, int], float]] = []
    for circuit_id in demand.path:
        terms.extend(((circuit_id, phase), 1.0) for phase in demand.phases)
        terms.append(((circuit_id, 3), float(len(demand.phases))))
    return terms


def _level_at(members: list[tuple[float, float, float, float]], room: float) -> float:
    """The highest level t with sum(coef * clamp(w t, low, high)) <= room (math.inf if the
    members all reach their caps within it). ``members`` are (coef, weight, low, high); the
    sum at t = 0 is known to fit."""
    base = sum(coef * low for coef, _w, low, _h in members)
    # Breakpoints: where each term starts rising (low / w) and stops (high / w).
    events: list[tuple[float, float]] = []
    for coef, weight, low, high in members:
        if high > low:
            events.append((low / weight, coef * weight))
            events.append((high / weight, -coef * weight))
    events.sort()
    load, slope, at = base, 0.0, 0.0
    for point, change in events:
        reach = load + slope * (point - at)
        if reach > room + EPSILON and slope > 0:
            return at + (room - load) / slope
        load, at = reach, point
        slope += change
    return math.inf


def _admit(
    demands: Sequence[Demand], room: dict[tuple[str, int], float]
) -> tuple[list[Demand], set[Hashable]]:
    """Minimums first, least charged first; what does not fit is paused."""
    order = sorted(demands, key=lambda d: (d.charged_s, -d.weight, str(d.key)))
    admitted: list[Demand] = []
    paused: set[Hashable] = set()
    for demand in order:
        terms = [(key, coef) for key, coef in _terms(demand) if key in room]
        if all(room[key] + EPSILON >= coef * demand.min_a for key, coef in terms):
            for key, coef in terms:
                room[key] -= coef * demand.min_a
            admitted.append(demand)
        else:
            paused.add(demand.key)
    return admitted, paused


def allocate(
    circuits: Mapping[str, CircuitLimits],
    demands: Sequence[Demand],
    voltage_v: float = DEFAULT_VOLTAGE_V,
    step_a: float = 0.1,
) -> Allocation:
    limits = _constraints(circuits, voltage_v)
    room = dict(limits)
    amperes: dict[Hashable, float] = {}
    flexible: list[Demand] = []
    for demand in demands:
        if demand.fixed_a is None:
            flexible.append(demand)
            continue
        amperes[demand.key] = demand.fixed_a
        for constraint, coef in _terms(demand):
            if constraint in room:
                room[constraint] -= coef * demand.fixed_a
    admitted, paused = _admit(flexible, room)
    for demand in flexible:
        if demand.key in paused:
            amperes[demand.key] = 0.0
    # Progressive filling above the minimums; ``room`` now holds what the minimums leave.
    terms = {d.key: [(k, c) for k, c in _terms(d) if k in limits] for d in admitted}
    rising = {d.key: d for d in admitted}
    frozen_load = {c: limits[c] - room[c] for c in limits}  # fixed + minimums
    for demand in admitted:  # minimums are in frozen_load; count only what rises above them
        amperes[demand.key] = demand.min_a
    while rising:
        members: dict[tuple[str, int], list[tuple[float, float, float, float]]] = {}
        for key, demand in rising.items():
            for constraint, coef in terms[key]:
                members.setdefault(constraint, []).append(
                    (coef, demand.weight, 0.0, max(demand.cap_a - demand.min_a, 0.0))
                )
        # What rises is each session's share above its minimum, clamp(w t, 0, cap - min):
        # the room the minimums leave is shared in proportion to the weights.
        levels = {
            constraint: _level_at(group, limits[constraint] - frozen_load[constraint])
            for constraint, group in members.items()
        }
        level = max(min(levels.values(), default=math.inf), 0.0)
        binding = {c for c, t in levels.items() if t <= level + EPSILON}
        done: list[Hashable] = []
        for key, demand in rising.items():
            extra = max(demand.cap_a - demand.min_a, 0.0)
            if math.isfinite(level):
                extra = min(extra, demand.weight * level)
            if not math.isfinite(level) or any(c in binding for c, _ in terms[key]):
                amperes[key] = demand.min_a + extra
                for constraint, coef in terms[key]:
                    frozen_load[constraint] += coef * extra
                done.append(key)
        for key in done:
            del rising[key]
    for demand in admitted:
        amperes[demand.key] = max(demand.min_a, _down(amperes[demand.key], max(step_a, 0.1)))
    return Allocation(amperes, frozenset(paused), _circuit_loads(circuits, demands, amperes))


def _circuit_loads(
    circuits: Mapping[str, CircuitLimits],
    demands: Sequence[Demand],
    amperes: Mapping[Hashable, float],
) -> dict[str, tuple[float, float, float]]:
    loads = {circuit_id: [0.0, 0.0, 0.0] for circuit_id in circuits}
    for demand in demands:
        for circuit_id in demand.path:
            for phase in demand.phases:
                loads.setdefault(circuit_id, [0.0, 0.0, 0.0])[phase] += amperes[demand.key]
    return {key: (a, b, c) for key, (a, b, c) in loads.items()}
