"""What a simulated connector's meter reports: the sampled values of OCPP 1.6 §7.43, for the
measurands the charger is configured to sample (§9.1 MeterValuesSampledData)."""

from __future__ import annotations

from typing import Any

from capacitor_edge.simulator.connectors import SimulatedConnector


def sampled_values(
    connector: SimulatedConnector,
    register_wh: int,
    measurands: list[str],
    context: str,
    voltage_v: float,
) -> list[dict[str, Any]]:
    """The connector's power is what the charging profiles left it; the current is that power
    spread evenly over the phases in use, one value per phase (§7.31 ``phase``)."""
    phases = connector.phases
    amperes = f"{connector.power_w / (voltage_v * phases):.1f}"
    values: dict[str, list[tuple[str, str, str | None]]] = {
        "Energy.Active.Import.Register": [(str(register_wh), "Wh", None)],
        "Power.Active.Import": [(f"{connector.power_w:.0f}", "W", None)],
        "Current.Import": [(amperes, "A", f"L{n}") for n in range(1, phases + 1)],
        "Voltage": [(f"{voltage_v:.1f}", "V", None)],
    }
    sampled = []
    for measurand in measurands:
        for value, unit, phase in values[measurand]:
            item = {
                "value": value,
                "context": context,
                "measurand": measurand,
                "location": "Outlet",
                "unit": unit,
            }
            if phase is not None:
                item["phase"] = phase
            sampled.append(item)
    return sampled
