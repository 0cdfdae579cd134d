"""Response and query shapes of the routes the dashboard needed beyond the Chargers API page
(issue 18): a charger's live connection, the site load's recent history, the self-test's last
result. New routes with their own closed models: the Chargers API's shapes are exact and stay
as the spec gives them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from capacitor_edge.api.models import QueryString
from capacitor_edge.api.responses import Closed


class ConnectionInfo(Closed):
    chargeBoxId: str
    online: bool
    connectedAt: str | None = Field(description="Since when this session is open; null offline")
    remoteAddress: str | None = Field(description="The charger's IP address; null offline")
    tls: bool | None = Field(description="Whether the session is wss:// (TLS); null offline")
    securityProfile: int = Field(
        description="OCPP security profile 0-3: the session's, else the registered one"
    )
    lastSeen: str | None = Field(description="The session's last message; null offline")


class LoadHistoryQuery(QueryString):
    circuitId: str | None = Field(default=None, min_length=1, max_length=64)
    hours: float | None = Field(
        default=None, gt=0, le=168, description="Default: all that is kept (load_history_hours)"
    )


class LoadSample(Closed):
    at: str
    limitA: list[float | None] = Field(description="Per phase L1-L3, as GET /site/load")
    allocatedA: list[float | None]
    measuredA: list[float | None]


class CircuitHistory(Closed):
    id: str
    name: str
    samples: list[LoadSample] = Field(description="Oldest first")


class LoadHistoryView(Closed):
    at: str
    since: str
    intervalS: float = Field(description="One sample this often (load_history_interval_s)")
    keptHours: float = Field(description="Kept this long, in memory (lost on restart)")
    circuits: list[CircuitHistory]


class SelfTestStep(Closed):
    name: str
    result: Literal["PASS", "FAIL", "SKIP"]
    detail: str


class SelfTestResult(Closed):
    startedAt: str
    finishedAt: str
    passed: bool
    chargeBoxId: str | None
    steps: list[SelfTestStep]


class SelfTestState(Closed):
    running: bool
    result: SelfTestResult | None = Field(description="The last run's; null before the first")
