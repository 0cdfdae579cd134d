"""The site (issue 16): the car park's electrical tree as one document an installer can keep in
a file. The grid connection is the root circuit; feeders and sub-distribution boards hang below
it; chargers are the leaves. This module holds the document and its validation as a whole
(every rule that spans fields: one root, no cycles, phases that exist upstream); the REST layer
checks each field's type and range first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from capacitor_edge.domain.errors import Invalid

#: The site's phases, in the order every per-phase list in this feature uses.
SITE_PHASES = ("L1", "L2", "L3")
METER_SOURCES = ("none", "modbus", "rest")
#: Where the meter sits: ``building`` measures the building's other load (without the
#: chargers); ``grid`` sits at the grid connection and measures everything, chargers included.
METER_POSITIONS = ("building", "grid")


@dataclass(frozen=True)
class Circuit:
    id: str
    name: str
    parent_id: str | None
    #: Per phase, on each phase the circuit carries.
    max_current_a: float
    #: The site phases this circuit carries (indexes into SITE_PHASES).
    phases: tuple[int, ...]
    max_power_kw: float | None = None


@dataclass(frozen=True)
class SiteCharger:
    charge_box_id: str
    circuit_id: str
    #: Site phase (index) of the charger's L1, L2, L3 in turn: its wiring (phase rotation).
    connection: tuple[int, ...]
    min_current_a: float
    max_current_a: float
    priority: float = 1.0

    @property
    def phases(self) -> int:
        return len(self.connection)


@dataclass(frozen=True)
class MeterConfig:
    #: ``none`` (no building meter: the root's limit is all the chargers' own), ``modbus``
    #: (polled by the box) or ``rest`` (pushed by an energy-management system).
    source: str = "none"
    model: str = "sdm630"
    host: str = ""
    port: int = 502
    unit_id: int = 1
    poll_interval_s: float = 2.0
    stale_after_s: float = 10.0
    #: Overrides of the model's register map: first register of L1, L2, L3 currents.
    registers: tuple[int, int, int] | None = None
    #: Multiplies each raw value into amperes (overrides the model's).
    scale: float | None = None
    #: One of METER_POSITIONS; ``building`` keeps the first release's meaning.
    measures: str = "building"


@dataclass(frozen=True)
class SolarConfig:
    """Solar-surplus mode: the chargers get only what the site exports (negative other load),
    and never less than ``minimum_a`` per phase (0: they pause when there is no surplus)."""

    enabled: bool = False
    minimum_a: float = 0.0


@dataclass(frozen=True)
class Site:
    circuits: tuple[Circuit, ...] = ()
    chargers: tuple[SiteCharger, ...] = ()
    #: The chargers' total per phase when the building's load is not known (stale meter).
    fallback_limit_a: float = 0.0
    #: What a charger may draw per connector when it connects, before the box decides (None:
    #: each charger's minimum).
    safe_current_a: float | None = None
    meter: MeterConfig = field(default_factory=MeterConfig)
    solar: SolarConfig = field(default_factory=SolarConfig)

    @property
    def root(self) -> Circuit | None:
        return next((c for c in self.circuits if c.parent_id is None), None)

    def charger(self, charge_box_id: str) -> SiteCharger | None:
        return next((c for c in self.chargers if c.charge_box_id == charge_box_id), None)

    def path(self, circuit_id: str) -> tuple[str, ...]:
        """The circuit ids from ``circuit_id`` up to the root."""
        parents = {c.id: c.parent_id for c in self.circuits}
        ids: list[str] = []
        current: str | None = circuit_id
        while current is not None:
            ids.append(current)
            current = parents[current]
        return tuple(ids)


def _phase_list(field_name: str, names: Sequence[str]) -> tuple[int, ...]:
    indexes: list[int] = []
    for index, name in enumerate(names):
        if name not in SITE_PHASES:
            raise Invalid(f"{field_name}[{index}]", "must be L1, L2 or L3")
        if SITE_PHASES.index(name) in indexes:
            raise Invalid(f"{field_name}[{index}]", f"{name} is named twice")
        indexes.append(SITE_PHASES.index(name))
    return tuple(indexes)


def _circuit(index: int, raw: Mapping[str, Any]) -> Circuit:
    where = f"circuits[{index}]"
    phases = raw.get("phases", 3)
    names = raw.get("phaseConnection") or list(SITE_PHASES[:phases])
    connection = _phase_list(f"{where}.phaseConnection", names)
    if len(connection) != phases:
        raise Invalid(f"{where}.phaseConnection", f"must name {phases} phase(s)")
    return Circuit(
        id=raw["id"],
        name=raw.get("name") or raw["id"],
        parent_id=raw.get("parentId"),
        max_current_a=float(raw["maxCurrentA"]),
        phases=connection,
        max_power_kw=raw.get("maxPowerKw"),
    )


def _charger(index: int, raw: Mapping[str, Any], circuits: Mapping[str, Circuit]) -> SiteCharger:
    where = f"chargers[{index}]"
    phases = raw.get("phases", 3)
    names = raw.get("phaseConnection") or list(SITE_PHASES[:phases])
    connection = _phase_list(f"{where}.phaseConnection", names)
    if len(connection) != phases:
        raise Invalid(f"{where}.phaseConnection", f"must name {phases} phase(s)")
    circuit = circuits.get(raw["circuitId"])
    if circuit is None:
        raise Invalid(f"{where}.circuitId", f"no circuit {raw['circuitId']!r}")
    missing = [SITE_PHASES[p] for p in connection if p not in circuit.phases]
    if missing:
        raise Invalid(
            f"{where}.phaseConnection",
            f"circuit {circuit.id!r} does not carry {', '.join(missing)}",
        )
    low, high = float(raw.get("minCurrentA", 6.0)), float(raw["maxCurrentA"])
    if low > high:
        raise Invalid(f"{where}.minCurrentA", "must not be above maxCurrentA")
    return SiteCharger(
        charge_box_id=raw["chargeBoxId"],
        circuit_id=circuit.id,
        connection=connection,
        min_current_a=low,
        max_current_a=high,
        priority=float(raw.get("priority", 1.0)),
    )


def _check_tree(circuits: Sequence[Circuit]) -> None:
    by_id: dict[str, Circuit] = {}
    for index, circuit in enumerate(circuits):
        if circuit.id in by_id:
            raise Invalid(f"circuits[{index}].id", f"{circuit.id!r} is used twice")
        by_id[circuit.id] = circuit
    roots = [i for i, c in enumerate(circuits) if c.parent_id is None]
    if len(roots) != 1:
        raise Invalid("circuits", "needs exactly one root circuit (parentId null)")
    for index, circuit in enumerate(circuits):
        where = f"circuits[{index}].parentId"
        if circuit.parent_id is None:
            continue
        parent = by_id.get(circuit.parent_id)
        if parent is None:
            raise Invalid(where, f"no circuit {circuit.parent_id!r}")
        seen = {circuit.id}
        upper: Circuit | None = parent
        while upper is not None:
            if upper.id in seen:
                raise Invalid(where, f"makes a cycle through {upper.id!r}")
            seen.add(upper.id)
            upper = by_id.get(upper.parent_id) if upper.parent_id is not None else None
        missing = [SITE_PHASES[p] for p in circuit.phases if p not in parent.phases]
        if missing:
            raise Invalid(
                f"circuits[{index}].phaseConnection",
                f"parent {parent.id!r} does not carry {', '.join(missing)}",
            )


def _meter(raw: Mapping[str, Any] | None, models: Sequence[str]) -> MeterConfig:
    if not raw:
        return MeterConfig()
    source = raw.get("source", "none")
    registers = raw.get("registers")
    meter = MeterConfig(
        source=source,
        model=raw.get("model", "sdm630"),
        host=raw.get("host", ""),
        port=raw.get("port", 502),
        unit_id=raw.get("unitId", 1),
        poll_interval_s=float(raw.get("pollIntervalS", 2.0)),
        stale_after_s=float(raw.get("staleAfterS", 10.0)),
        registers=None if registers is None else tuple(registers),
        scale=raw.get("scale"),
        measures=raw.get("measures", "building"),
    )
    if meter.source not in METER_SOURCES:
        raise Invalid("meter.source", f"must be one of {', '.join(METER_SOURCES)}")
    if meter.measures not in METER_POSITIONS:
        raise Invalid("meter.measures", f"must be one of {', '.join(METER_POSITIONS)}")
    if meter.source == "modbus":
        if not meter.host:
            raise Invalid("meter.host", "a modbus meter needs its host")
        if meter.model not in models:
            raise Invalid("meter.model", f"must be one of {', '.join(models)}")
    if meter.stale_after_s <= meter.poll_interval_s and meter.source == "modbus":
        raise Invalid("meter.staleAfterS", "must be longer than pollIntervalS")
    return meter


def _solar(raw: Mapping[str, Any] | None, meter: MeterConfig, root: Circuit) -> SolarConfig:
    if not raw:
        return SolarConfig()
    solar = SolarConfig(
        enabled=bool(raw.get("enabled", False)), minimum_a=float(raw.get("minimumA", 0.0))
    )
    if solar.minimum_a < 0 or solar.minimum_a > root.max_current_a:
        raise Invalid("solar.minimumA", "must be from 0 to the root circuit's maxCurrentA")
    if solar.enabled and meter.source == "none":
        # The surplus is what the meter sees exported: without a meter there is none to use.
        raise Invalid("solar.enabled", "needs a meter (meter.source modbus or rest)")
    return solar


def site_from_document(document: Mapping[str, Any], meter_models: Sequence[str]) -> Site:
    """The site a ``PUT /api/v1/site`` body describes, checked as a whole; :class:`Invalid`
    names the first field that breaks a rule."""
    circuits = tuple(_circuit(i, raw) for i, raw in enumerate(document.get("circuits") or []))
    if not circuits:
        raise Invalid("circuits", "needs at least the root circuit (the grid connection)")
    _check_tree(circuits)
    by_id = {c.id: c for c in circuits}
    chargers: list[SiteCharger] = []
    seen: set[str] = set()
    for index, raw in enumerate(document.get("chargers") or []):
        charger = _charger(index, raw, by_id)
        if charger.charge_box_id in seen:
            raise Invalid(
                f"chargers[{index}].chargeBoxId", f"{charger.charge_box_id!r} is listed twice"
            )
        seen.add(charger.charge_box_id)
        chargers.append(charger)
    root = next(c for c in circuits if c.parent_id is None)
    fallback = float(document.get("fallbackLimitA") or root.max_current_a)
    if fallback > root.max_current_a:
        raise Invalid("fallbackLimitA", "must not be above the root circuit's maxCurrentA")
    meter = _meter(document.get("meter"), meter_models)
    return Site(
        circuits=circuits,
        chargers=tuple(chargers),
        fallback_limit_a=fallback,
        safe_current_a=document.get("safeCurrentA"),
        meter=meter,
        solar=_solar(document.get("solar"), meter, root),
    )


def site_document(site: Site) -> dict[str, Any]:
    """The document of ``site``, as ``GET /api/v1/site`` shows it and storage keeps it."""
    meter = site.meter
    return {
        "circuits": [
            {
                "id": c.id,
                "name": c.name,
                "parentId": c.parent_id,
                "maxCurrentA": c.max_current_a,
                "maxPowerKw": c.max_power_kw,
                "phases": len(c.phases),
                "phaseConnection": [SITE_PHASES[p] for p in c.phases],
            }
            for c in site.circuits
        ],
        "chargers": [
            {
                "chargeBoxId": c.charge_box_id,
                "circuitId": c.circuit_id,
                "phases": c.phases,
                "phaseConnection": [SITE_PHASES[p] for p in c.connection],
                "minCurrentA": c.min_current_a,
                "maxCurrentA": c.max_current_a,
                "priority": c.priority,
            }
            for c in site.chargers
        ],
        "fallbackLimitA": site.fallback_limit_a,
        "safeCurrentA": site.safe_current_a,
        "meter": {
            "source": meter.source,
            "model": meter.model,
            "host": meter.host,
            "port": meter.port,
            "unitId": meter.unit_id,
            "pollIntervalS": meter.poll_interval_s,
            "staleAfterS": meter.stale_after_s,
            "registers": None if meter.registers is None else list(meter.registers),
            "scale": meter.scale,
            "measures": meter.measures,
        },
        "solar": {"enabled": site.solar.enabled, "minimumA": site.solar.minimum_a},
    }
