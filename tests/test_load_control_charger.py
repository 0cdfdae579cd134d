"""The load controller through the real SmartCharging path (issue 16 follow-up): the box in
this process (its real listener, stores and profile service) and third-party chargers (the
``ocpp`` package's asyncio ChargePoint, each in its own process, over real sockets). What is
checked is the SetChargingProfile each charger actually receives after sessions start and
stop, with the threshold (``load_threshold_a``) and interval (``load_min_interval_s``)
settings in force: a decrease goes out at once, an increase within the threshold or before
the interval is held back (the site's load shows it allocated but not sent)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance
from tests.support.charger_process import ChargerProcess

TIMEOUT_S = 60
BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}


def site(root_a: float) -> dict[str, Any]:
    return {
        "circuits": [{"id": "grid", "maxCurrentA": root_a}],
        "chargers": [
            {"chargeBoxId": name, "circuitId": "grid", "maxCurrentA": 32} for name in ("A", "B")
        ],
        "meter": {"source": "rest", "staleAfterS": 3600},
    }


@asynccontextmanager
async def appliance(
    nursery: trio.Nursery, tmp_path: Path, threshold_a: float, interval_s: float
) -> AsyncIterator[tuple[Appliance, httpx.AsyncClient]]:
    settings = make_settings(
        tmp_path, load_threshold_a=str(threshold_a), load_min_interval_s=str(interval_s)
    )
    running = await start_appliance(nursery, settings)
    try:
        async with running.client() as api:
            yield running, api
    finally:
        await stop_appliance(running)


@asynccontextmanager
async def charger(
    appliance: Appliance, api: httpx.AsyncClient, name: str
) -> AsyncIterator[ChargerProcess]:
    """A registered charger, booted and available; its boot's safe default is checked."""
    assert (await api.post("/api/v1/chargers", json={"chargeBoxId": name})).status_code == 201
    url = f"{appliance.endpoints.ocpp_url}/ocpp/{name}"
    async with ChargerProcess.start(url, default_wait=TIMEOUT_S) as process:
        await process.wait_connected()
        await process.call("BootNotification", BOOT)
        await process.call(
            "StatusNotification", {"connectorId": 1, "status": "Available", "errorCode": "NoError"}
        )
        safe = await received(process)
        assert safe["chargingProfilePurpose"] == "TxDefaultProfile"
        assert safe["connectorId"] == 0 and limit_of(safe) == 6  # its minimum, at once
        yield process


async def received(process: ChargerProcess) -> dict[str, Any]:
    """The next SetChargingProfile the charger received, flattened to what it says."""
    call = await process.next_csms_call("SetChargingProfile")
    payload: dict[str, Any] = call["payload"]
    profile: dict[str, Any] = payload.get("csChargingProfiles") or payload["cs_charging_profiles"]
    return {"connectorId": payload.get("connectorId", payload.get("connector_id")), **profile}


def limit_of(profile: dict[str, Any]) -> float:
    schedule = profile.get("chargingSchedule") or profile["charging_schedule"]
    assert (schedule.get("chargingRateUnit") or schedule.get("charging_rate_unit")) == "A"
    periods = schedule.get("chargingSchedulePeriod") or schedule["charging_schedule_period"]
    return float(periods[0]["limit"])


async def start(process: ChargerProcess) -> int:
    started = await process.call(
        "StartTransaction",
        {"connectorId": 1, "idTag": "TAG-1", "meterStart": 0, "timestamp": "2026-02-06T11:00:00Z"},
    )
    await process.call(
        "StatusNotification", {"connectorId": 1, "status": "Charging", "errorCode": "NoError"}
    )
    transaction_id: int = started["transactionId"]
    return transaction_id


async def stop(process: ChargerProcess, transaction_id: int) -> None:
    await process.call(
        "StopTransaction",
        {"transactionId": transaction_id, "meterStop": 1000, "timestamp": "2026-02-06T11:30:00Z"},
    )


async def tx_profile(process: ChargerProcess, transaction_id: int) -> float:
    profile = await received(process)
    assert profile["chargingProfilePurpose"] == "TxProfile"
    assert profile.get("transactionId") == transaction_id
    return limit_of(profile)


async def settled(api: httpx.AsyncClient, sent: dict[str, float]) -> None:
    """Wait until the box has taken the chargers' answers: a charger reports a call before it
    answers it, so the box may not have recorded the profile yet when the test sees it."""
    while True:
        load = (await api.get("/api/v1/site/load")).json()
        if {c["chargeBoxId"]: c["sentA"] for c in load["connectors"]} == sent:
            return
        await trio.sleep(0.05)  # polling the box's view, not timing anything


async def held_back(api: httpx.AsyncClient, name: str, allocated: float, sent: float) -> None:
    """Wait until the box has allocated ``allocated`` to ``name`` while what stands sent is
    still ``sent``."""
    while True:
        load = (await api.get("/api/v1/site/load")).json()
        row = next((c for c in load["connectors"] if c["chargeBoxId"] == name), None)
        if row is not None and row["allocatedA"] == allocated:
            assert row["sentA"] == sent, row
            return
        await trio.sleep(0.05)  # polling the box's view, not timing anything


async def test_a_start_lowers_the_other_at_once_a_stop_raises_it_past_the_threshold(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    async with appliance(nursery, tmp_path, threshold_a=5, interval_s=0) as (box, api):
        with trio.fail_after(TIMEOUT_S):
            assert (await api.put("/api/v1/site", json=site(40))).status_code == 200
            pushed = await api.put("/api/v1/site/meter", json={"currentA": [0, 0, 0]})
            assert pushed.status_code == 200, pushed.text
            async with charger(box, api, "A") as a, charger(box, api, "B") as b:
                tx_a = await start(a)
                assert await tx_profile(a, tx_a) == 30  # 32 A, in whole 5 A steps
                tx_b = await start(b)
                assert await tx_profile(a, tx_a) == 20  # the decrease goes out at once
                assert await tx_profile(b, tx_b) == 20
                # The building takes 4 A: 18 A each, 15 in 5 A steps, sent at once.
                await api.put("/api/v1/site/meter", json={"currentA": [4, 4, 4]})
                assert await tx_profile(a, tx_a) == 15
                assert await tx_profile(b, tx_b) == 15
                await settled(api, {"A": 15, "B": 15})
                # Back to 0: 20 A each, but 5 A more is within the threshold: not sent.
                await api.put("/api/v1/site/meter", json={"currentA": [0, 0, 0]})
                await held_back(api, "A", allocated=20, sent=15)
                await stop(b, tx_b)
                assert await tx_profile(a, tx_a) == 30  # past the threshold: it goes out
                calls = [e for e in b.pending_events() if e.get("action") == "SetChargingProfile"]
                assert calls == []  # nothing for a session that ended


async def test_an_increase_waits_for_the_interval(nursery: trio.Nursery, tmp_path: Path) -> None:
    async with appliance(nursery, tmp_path, threshold_a=1, interval_s=3600) as (box, api):
        with trio.fail_after(TIMEOUT_S):
            assert (await api.put("/api/v1/site", json=site(32))).status_code == 200
            await api.put("/api/v1/site/meter", json={"currentA": [0, 0, 0]})
            async with charger(box, api, "A") as a, charger(box, api, "B") as b:
                tx_a = await start(a)
                assert await tx_profile(a, tx_a) == 32
                tx_b = await start(b)
                assert await tx_profile(a, tx_a) == 16  # a decrease: at once, interval or not
                assert await tx_profile(b, tx_b) == 16
                await settled(api, {"A": 16, "B": 16})
                await stop(b, tx_b)
                # A may have 32 A again, but it was sent a profile less than an hour ago.
                await held_back(api, "A", allocated=32, sent=16)
                calls = [e for e in a.pending_events() if e.get("action") == "SetChargingProfile"]
                assert calls == []
