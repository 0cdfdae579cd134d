"""Response shapes of the smart charging routes (beside ``responses``, which is near its size
limit); closed like every response model."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from capacitor_edge.api.responses import Closed


class ProfileSet(Closed):
    message: str
    chargeBoxId: str
    connectorId: int
    status: str = Field(description="`accepted`, `rejected` or `not_supported`")
    registryId: int = Field(description="Its row in GET .../charging-profiles")
    csChargingProfiles: dict[str, Any] = Field(
        description="The profile as sent: in the unit the charger takes (A or W)"
    )


class ProfilesCleared(Closed):
    message: str
    chargeBoxId: str
    status: str = Field(description="`accepted`, or `unknown`: the charger had none matching")
    cleared: int = Field(description="How many of the registry's profiles that cleared")
    chargingProfileId: int | None = None
    connectorId: int | None = None
    purpose: str | None = None
    stackLevel: int | None = None


class RegistryEntry(Closed):
    id: int
    connectorId: int
    chargingProfileId: int
    stackLevel: int
    purpose: str
    csChargingProfiles: dict[str, Any]
    status: str = Field(
        description="The charger's answer (`accepted`, `rejected`, `not_supported`), or what "
        "the call ended in (`timeout`, `call_error`, `connection_lost`, `not_connected`)"
    )
    sentAt: str
    answeredAt: str | None
    clearedAt: str | None
    clearedBy: str | None = Field(description="`clear`, or `replaced` by a newer profile")
    reappliedAt: str | None = Field(description="Last sent again after the charger rebooted")


class ProfileRegistry(Closed):
    chargeBoxId: str
    chargingProfiles: list[RegistryEntry]


class CompositeSchedule(Closed):
    chargeBoxId: str
    connectorId: int
    status: str = Field(description="`accepted` or `rejected`")
    scheduleStart: str | None
    chargingSchedule: dict[str, Any] | None = Field(
        description="In the chargingRateUnit asked for (converted if the charger has another)"
    )


class SmartChargingSetupBody(Closed):
    chargeBoxId: str
    phases: int | None = Field(description="Set for A<->W; null: 3")
    voltage: float | None = Field(description="Volts per phase; null: `nominal_voltage_v`")
    supportedFeatureProfiles: str | None = Field(
        description="As the charger reported it; null until first read (after its boot)"
    )
    chargingRateUnits: str | None = Field(
        description="ChargingScheduleAllowedChargingRateUnit as the charger reported it"
    )
    featuresReadAt: str | None
