"""Request and response shapes of the site routes (issue 16). Each field's type and range is
checked here; the rules that span fields (one root, no cycles, phases that exist upstream) are
the domain's (:mod:`capacitor_edge.domain.site`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from capacitor_edge.api.models import StrictBody
from capacitor_edge.api.responses import Closed

Phase = Literal["L1", "L2", "L3"]
Id = Field(min_length=1, max_length=64)


class CircuitBody(StrictBody):
    id: str = Id
    name: str | None = Field(default=None, max_length=200)
    parentId: str | None = Field(default=None, description="null for the root (the grid)")
    maxCurrentA: float = Field(gt=0, le=100_000, description="Amperes per phase")
    maxPowerKw: float | None = Field(default=None, gt=0, le=1_000_000)
    phases: Literal[1, 3] = 3
    phaseConnection: list[Phase] | None = Field(
        default=None, description="The site phases it carries (default L1..L3, or L1)"
    )


class SiteChargerBody(StrictBody):
    chargeBoxId: str = Id
    circuitId: str = Id
    phases: Literal[1, 2, 3] = 3
    phaseConnection: list[Phase] | None = Field(
        default=None,
        description="The site phase of the charger's L1, L2, L3 in turn (its rotation)",
    )
    minCurrentA: float = Field(default=6.0, ge=0, le=1000)
    maxCurrentA: float = Field(gt=0, le=1000)
    priority: float = Field(default=1.0, gt=0, le=100, description="Share weight")


class MeterBody(StrictBody):
    source: Literal["none", "modbus", "rest"] = "none"
    model: Literal["sdm630", "em24", "abb_b23"] = "sdm630"
    host: str = Field(default="", max_length=255)
    port: int = Field(default=502, ge=1, le=65535)
    unitId: int = Field(default=1, ge=0, le=247)
    pollIntervalS: float = Field(default=2.0, gt=0, le=3600)
    staleAfterS: float = Field(default=10.0, gt=0, le=86_400)
    registers: list[int] | None = Field(
        default=None,
        min_length=3,
        max_length=3,
        description="First register of the L1, L2, L3 currents (overrides the model's)",
    )
    scale: float | None = Field(default=None, gt=0, description="raw x scale = amperes")
    measures: Literal["building", "grid"] = Field(
        default="building",
        description="building: the load without the chargers; grid: at the grid connection",
    )


class SolarBody(StrictBody):
    enabled: bool = False
    minimumA: float = Field(default=0.0, ge=0, description="Per phase, even without surplus")


class SiteBody(StrictBody):
    circuits: list[CircuitBody] = Field(min_length=1, max_length=10_000)
    chargers: list[SiteChargerBody] = Field(default_factory=list, max_length=100_000)
    fallbackLimitA: float | None = Field(
        default=None, gt=0, description="The chargers' total per phase while the meter is stale"
    )
    safeCurrentA: float | None = Field(
        default=None, ge=0, description="Limit per connector at connect (default: its minimum)"
    )
    meter: MeterBody | None = None
    solar: SolarBody | None = None


class MeterReading(StrictBody):
    currentA: list[float] = Field(
        min_length=3,
        max_length=3,
        description="The meter's reading on L1, L2, L3 (negative: export)",
    )


# -- responses ---------------------------------------------------------------------------


class CircuitOut(Closed):
    id: str
    name: str
    parentId: str | None
    maxCurrentA: float
    maxPowerKw: float | None
    phases: int
    phaseConnection: list[str]


class SiteChargerOut(Closed):
    chargeBoxId: str
    circuitId: str
    phases: int
    phaseConnection: list[str]
    minCurrentA: float
    maxCurrentA: float
    priority: float


class MeterOut(Closed):
    source: str
    model: str
    host: str
    port: int
    unitId: int
    pollIntervalS: float
    staleAfterS: float
    registers: list[int] | None
    scale: float | None
    measures: str


class SolarOut(Closed):
    enabled: bool
    minimumA: float


class SiteDocument(Closed):
    circuits: list[CircuitOut]
    chargers: list[SiteChargerOut]
    fallbackLimitA: float
    safeCurrentA: float | None
    meter: MeterOut
    solar: SolarOut


class MeterState(Closed):
    source: str
    stale: bool
    measures: str = Field(description="Where the meter sits: building or grid")
    readingA: list[float] | None = Field(description="The meter's last reading per phase")
    buildingA: list[float] | None = Field(
        description="The building's other load per phase (a grid meter's reading less the "
        "chargers'; negative: export)"
    )
    solarA: list[float] | None = Field(description="Solar mode: the surplus in force per phase")
    readAt: str | None
    fallbackLimitA: float


class CircuitLoad(Closed):
    id: str
    name: str
    parentId: str | None
    phases: list[str]
    maxCurrentA: float
    limitA: list[float | None] = Field(
        description="In force now per phase L1-L3 (the root: less the building's load, or the "
        "fallback limit); null on a phase it does not carry"
    )
    allocatedA: list[float | None] = Field(description="What the allocation puts on each phase")
    measuredA: list[float | None] = Field(
        description="What the chargers below report drawing (the root: plus the building)"
    )


class ConnectorLoad(Closed):
    chargeBoxId: str
    connectorId: int
    circuitId: str
    transactionId: int | None
    status: str
    online: bool
    refusesProfiles: bool
    phases: list[str] = Field(description="The site phases it draws on")
    allocatedA: float | None = Field(description="Amperes per phase; 0 while paused")
    paused: bool
    sentA: float | None = Field(description="What the charger was last sent")
    sentAt: str | None
    profilePurpose: str | None
    profileStatus: str | None
    measuredA: list[float] | None = Field(description="Drawn per site phase L1-L3")
    measuredAt: str | None


class SiteLoad(Closed):
    at: str
    allocatedAt: str | None
    meter: MeterState
    circuits: list[CircuitLoad]
    connectors: list[ConnectorLoad]
    paused: int = Field(description="Sessions paused for want of capacity (they rotate)")
