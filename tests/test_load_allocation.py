"""The allocator (issue 16), property-based: for any tree, sessions, minimums and limits, no
circuit and no phase is over its limit, nobody active is below its minimum, equal sessions get
equal shares, and rotation lets every paused session charge within a bounded time."""

from __future__ import annotations

import math
from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from capacitor_edge.domain.load_allocation import (
    EPSILON,
    Allocation,
    CircuitLimits,
    Demand,
    allocate,
)

PHASE_SETS = [(0,), (1,), (2,), (0, 1, 2), (1, 2, 0)]


@st.composite
def sites(
    draw: st.DrawFn,
) -> tuple[dict[str, CircuitLimits], dict[str, tuple[str, ...]], list[Demand]]:
    count = draw(st.integers(1, 6))
    parents: dict[str, str | None] = {"c0": None}
    for index in range(1, count):
        parents[f"c{index}"] = f"c{draw(st.integers(0, index - 1))}"
    circuits = {
        cid: CircuitLimits(
            per_phase_a=(
                draw(st.floats(6, 400)),
                draw(st.floats(6, 400)),
                draw(st.floats(6, 400)),
            ),
            power_kw=draw(st.none() | st.floats(5, 300)),
        )
        for cid in parents
    }
    paths: dict[str, tuple[str, ...]] = {}
    for cid in parents:
        path: list[str] = []
        current: str | None = cid
        while current is not None:
            path.append(current)
            current = parents[current]
        paths[cid] = tuple(path)
    demands: list[Demand] = []
    for index in range(draw(st.integers(0, 40))):
        low = draw(st.sampled_from([6.0, 6.0, 8.0, 10.0]))
        demands.append(
            Demand(
                key=index,
                path=paths[draw(st.sampled_from(sorted(parents)))],
                phases=draw(st.sampled_from(PHASE_SETS)),
                min_a=low,
                cap_a=draw(st.floats(low, 63)),
                weight=draw(st.sampled_from([1.0, 1.0, 2.0, 3.0])),
                charged_s=draw(st.floats(0, 3600)),
                fixed_a=draw(st.none() | st.none() | st.floats(0, 32)),
            )
        )
    return circuits, paths, demands


def loads(
    circuits: dict[str, CircuitLimits], demands: list[Demand], result: Allocation
) -> dict[tuple[str, int], tuple[float, float]]:
    """Per (circuit, phase or 3 for kW): (total allocated, of which fixed)."""
    totals: dict[tuple[str, int], list[float]] = {}
    for demand in demands:
        amperes = result.amperes[demand.key]
        for circuit in demand.path:
            for key, coef in [((circuit, p), 1.0) for p in demand.phases] + [
                ((circuit, 3), float(len(demand.phases)))
            ]:
                entry = totals.setdefault(key, [0.0, 0.0])
                entry[0] += coef * amperes
                if demand.fixed_a is not None:
                    entry[1] += coef * amperes
    return {key: (a, b) for key, (a, b) in totals.items()}


def limit_of(circuit: CircuitLimits, index: int) -> float:
    if index == 3:
        return math.inf if circuit.power_kw is None else circuit.power_kw * 1000 / 230
    return circuit.per_phase_a[index]


@settings(max_examples=150, deadline=None)
@given(sites())
def test_no_circuit_and_no_phase_is_over_its_limit(
    site: tuple[dict[str, CircuitLimits], dict[str, tuple[str, ...]], list[Demand]],
) -> None:
    circuits, _paths, demands = site
    result = allocate(circuits, demands)
    for (circuit, index), (total, fixed) in loads(circuits, demands, result).items():
        # Fixed loads (chargers that refuse profiles) may alone be over: then nobody managed
        # draws through that circuit.
        assert total <= max(limit_of(circuits[circuit], index), fixed) + 1e-6


@settings(max_examples=150, deadline=None)
@given(sites())
def test_nobody_active_is_below_its_minimum_or_above_its_cap(
    site: tuple[dict[str, CircuitLimits], dict[str, tuple[str, ...]], list[Demand]],
) -> None:
    circuits, _paths, demands = site
    result = allocate(circuits, demands)
    for demand in demands:
        amperes = result.amperes[demand.key]
        if demand.fixed_a is not None:
            assert amperes == demand.fixed_a
        elif demand.key in result.paused:
            assert amperes == 0
        else:
            assert demand.min_a <= amperes <= demand.cap_a + EPSILON


@settings(max_examples=150, deadline=None)
@given(sites(), st.integers(2, 6))
def test_equal_sessions_get_equal_shares(
    site: tuple[dict[str, CircuitLimits], dict[str, tuple[str, ...]], list[Demand]],
    copies: int,
) -> None:
    circuits, paths, demands = site
    twin = Demand(key="twin-0", path=paths["c0"], phases=(0, 1, 2), min_a=6, cap_a=32)
    twins = [Demand(**{**twin.__dict__, "key": f"twin-{n}"}) for n in range(copies)]
    result = allocate(circuits, [*demands, *twins])
    shares = {result.amperes[t.key] for t in twins if t.key not in result.paused}
    assert len(shares) <= 1


@settings(max_examples=100, deadline=None)
@given(sites())
def test_rotation_lets_every_paused_session_charge(
    site: tuple[dict[str, CircuitLimits], dict[str, tuple[str, ...]], list[Demand]],
) -> None:
    """Each round the admitted sessions charge one unit more; with no fixed loads and every
    minimum fitting on its own, every session charges within 2 x (sessions) rounds."""
    circuits, _paths, demands = site
    demands = [
        Demand(**{**d.__dict__, "fixed_a": None, "charged_s": 0.0})
        for d in demands
        if all(d.min_a <= circuits[c].per_phase_a[p] for c in d.path for p in d.phases)
        and all(
            circuits[c].power_kw is None
            or d.min_a * len(d.phases) <= circuits[c].power_kw * 1000 / 230  # type: ignore[operator]
            for c in d.path
        )
    ]
    charged: dict[Hashable, float] = {d.key: 0.0 for d in demands}
    for _round in range(2 * len(demands) + 1):
        result = allocate(
            circuits, [Demand(**{**d.__dict__, "charged_s": charged[d.key]}) for d in demands]
        )
        for demand in demands:
            if demand.key not in result.paused:
                charged[demand.key] += 1
    assert all(value > 0 for value in charged.values())


def test_a_hundred_amperes_for_twenty_sessions() -> None:
    """Twenty 3-phase sessions on a 100 A site: 5 A each would be under the 6 A minimum, so
    sixteen charge at 6.2 A (100 / 16, rounded down) and four wait their turn."""
    circuits = {"grid": CircuitLimits((100.0, 100.0, 100.0))}
    demands = [
        Demand(key=n, path=("grid",), phases=(0, 1, 2), min_a=6, cap_a=32, charged_s=n)
        for n in range(20)
    ]
    result = allocate(circuits, demands)
    assert result.paused == frozenset({16, 17, 18, 19})
    assert {result.amperes[n] for n in range(16)} == {6.2}


def test_single_phase_chargers_load_only_their_phase() -> None:
    """A 1-phase charger on L2 uses only L2: two on L2 share its 20 A; one on L1 has L1's."""
    circuits = {"grid": CircuitLimits((32.0, 20.0, 32.0))}
    demands = [
        Demand(key="a", path=("grid",), phases=(1,), min_a=6, cap_a=32),
        Demand(key="b", path=("grid",), phases=(1,), min_a=6, cap_a=32),
        Demand(key="c", path=("grid",), phases=(0,), min_a=6, cap_a=32),
    ]
    result = allocate(circuits, demands)
    assert result.amperes == {"a": 10.0, "b": 10.0, "c": 32.0}
    assert result.circuit_a["grid"] == (32.0, 20.0, 0.0)


def test_weights_share_in_proportion() -> None:
    circuits = {"grid": CircuitLimits((36.0, 36.0, 36.0))}
    demands = [
        Demand(key="one", path=("grid",), phases=(0, 1, 2), min_a=6, cap_a=32, weight=1),
        Demand(key="two", path=("grid",), phases=(0, 1, 2), min_a=6, cap_a=32, weight=2),
    ]
    result = allocate(circuits, demands)
    # 24 A above the minimums, split 1:2.
    assert result.amperes == {"one": 14.0, "two": 22.0}
