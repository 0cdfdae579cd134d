"""The load controller with stand-in chargers on a real SQLite file (issue 16), for the
controller tests on trio's MockClock: the chargers are a stand-in at the controller's port
(:class:`ProfileSender`) that answers as told and records what it was sent and when (virtual
time), so every timing is exact."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trio

from capacitor_edge.clock import FixedClock
from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.load_state import Tuning
from capacitor_edge.meters.registers import METER_MODELS
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.site import SiteStore
from tests.conftest import FIXED_NOW

TUNING = Tuning(
    threshold_a=1.0, min_interval_s=60.0, headroom_after_s=120.0, rotation_interval_s=900.0
)
ORG = "org-site"


@dataclass(frozen=True)
class Sent:
    at: float
    charge_box_id: str
    connector_id: int
    limit_a: float
    purpose: str


@dataclass
class Chargers:
    """Stand-in chargers at the controller's port: they answer ``answers[chargeBoxId]``
    (``accepted`` by default) and remember what they were sent."""

    answers: dict[str, str] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    changed: trio.Event = field(default_factory=trio.Event)
    cursor: int = 0

    def _record(self, item: Sent) -> None:
        self.sent.append(item)
        self.changed.set()
        self.changed = trio.Event()

    async def send(
        self,
        org_id: str,
        charge_box_id: str,
        connector_id: int,
        transaction_id: int | None,
        limit_a: float,
        phases: int,
    ) -> tuple[str, str]:
        answer = self.answers.get(charge_box_id, "accepted")
        purpose = "TxProfile" if answer == "accepted" else "TxDefaultProfile"
        self._record(Sent(trio.current_time(), charge_box_id, connector_id, limit_a, purpose))
        return purpose, answer

    async def send_safe_default(
        self, org_id: str, charge_box_id: str, limit_a: float, phases: int
    ) -> str:
        self._record(Sent(trio.current_time(), charge_box_id, 0, limit_a, "safe"))
        return self.answers.get(charge_box_id, "accepted")

    async def wait_for(self, check: Callable[[Sent], bool]) -> Sent:
        """The first send past the last one found that passes ``check`` (sends in between
        are passed over), so consecutive waits miss nothing sent in a burst."""
        while True:
            for index in range(self.cursor, len(self.sent)):
                if check(self.sent[index]):
                    self.cursor = index + 1
                    return self.sent[index]
            await self.changed.wait()

    async def until(self, check: Callable[[list[Sent]], bool]) -> None:
        while not check(self.sent):
            await self.changed.wait()

    def last(self, charge_box_id: str, connector_id: int = 1) -> float | None:
        mine = [
            s
            for s in self.sent
            if (s.charge_box_id, s.connector_id) == (charge_box_id, connector_id)
        ]
        return mine[-1].limit_a if mine else None


def site(
    chargers: int, root_a: float = 100.0, meter: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "circuits": [{"id": "grid", "maxCurrentA": root_a}],
        "chargers": [
            {"chargeBoxId": f"CP-{n}", "circuitId": "grid", "maxCurrentA": 32}
            for n in range(chargers)
        ],
        "fallbackLimitA": 20,
        **({"meter": meter} if meter else {}),
    }


@dataclass
class Harness:
    control: LoadControl
    chargers: Chargers
    online: set[str]
    db: Database


@asynccontextmanager
async def controller(
    tmp_path: Path, document: dict[str, Any], tuning: Tuning = TUNING, *, put: bool = True
) -> AsyncIterator[Harness]:
    """The controller on a real SQLite file; ``put``: the site is put (else the caller loads
    what a previous run stored, as a restarted box does)."""
    db = Database(tmp_path / "capacitor.db")
    chargers = Chargers()
    online = {c["chargeBoxId"] for c in document["chargers"]}
    control = LoadControl(
        SiteStore(db),
        chargers,
        FixedClock(FIXED_NOW),
        tuning,
        lambda charge_box_id: charge_box_id in online,
        tuple(METER_MODELS),
    )
    shutdown = trio.Event()
    async with trio.open_nursery() as outer:
        await outer.start(db.run)
        try:
            async with trio.open_nursery() as nursery:
                if put:
                    await control.put_site(ORG, document)
                await nursery.start(control.run, shutdown)
                try:
                    yield Harness(control, chargers, online, db)
                finally:
                    shutdown.set()
        finally:
            await db.close()


async def events_of(db: Database, type_: str) -> list[str]:
    rows = await db.read(
        lambda c: c.execute("SELECT data FROM events WHERE type = ?", (type_,)).fetchall()
    )
    return [row[0] for row in rows]
