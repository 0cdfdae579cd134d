"""An upstream charging profile on a charger the site's load management drives (issue 20):
the charger gets the lower of the upstream's limit and the site's allocation, the upstream is
told Accepted, and clearing the upstream's profile lifts the cap. The third-party upstream and
charger each in their own process, the box as the real CLI with a site."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import trio

from capacitor_edge.domain.load_profiles import SAFE_STACK_LEVEL
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess
from tests.support.upstream_process import JsonDict, UpstreamProcess

BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}
SITE = {
    "circuits": [{"id": "grid", "maxCurrentA": 100}],
    "chargers": [{"chargeBoxId": "CP-1", "circuitId": "grid", "maxCurrentA": 32}],
    "fallbackLimitA": 20,
}
UPSTREAM_PROFILE = {
    "chargingProfileId": 7,
    "stackLevel": 5,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Relative",
    "chargingSchedule": {
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}],
    },
}


def _is_profile(event: JsonDict) -> bool:
    """A SetChargingProfile other than the safe default the site sends each charger at boot."""
    if event.get("action") != "SetChargingProfile":
        return False
    return bool(event["payload"]["csChargingProfiles"]["stackLevel"] != SAFE_STACK_LEVEL)


def _limit(event: JsonDict) -> float:
    periods = event["payload"]["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"]
    return float(periods[0]["limit"])


async def test_the_lower_of_upstream_profile_and_site_allocation_reaches_the_charger(
    tmp_path: Path,
) -> None:
    record = tmp_path / "upstream.jsonl"
    with trio.fail_after(90):
        async with UpstreamProcess.start(record) as upstream:
            env = {
                **os.environ,
                "CAPACITOR_EDGE_UPSTREAM_URL": upstream.url,
                "CAPACITOR_EDGE_LOAD_MIN_INTERVAL_S": "0.2",
            }
            async with (
                ServerProcess.start(tmp_path / "data", env=env) as server,
                server.client() as api,
            ):
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                put = await api.put("/api/v1/site", json=SITE)
                assert put.status_code == 200, put.text
                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.respond({"SetChargingProfile": {"status": "Accepted"}})
                    await charger.wait_connected()
                    await charger.call("BootNotification", BOOT)
                    await charger.call(
                        "StartTransaction",
                        {
                            "connectorId": 1,
                            "idTag": "TAG-1",
                            "meterStart": 0,
                            "timestamp": "2026-11-29T10:00:00.000Z",
                        },
                    )
                    first = await charger.next_event("csms_call", predicate=_is_profile)
                    assert _limit(first) == 32  # the site alone: the charger's maximum

                    answer = await upstream.call(
                        "CP-1",
                        "SetChargingProfile",
                        {"connectorId": 0, "csChargingProfiles": UPSTREAM_PROFILE},
                    )
                    assert answer["payload"] == {"status": "Accepted"}  # what it asked for
                    capped = await charger.next_event("csms_call", predicate=_is_profile)
                    # The site's own profile, at the upstream's lower limit: the upstream's
                    # profile itself never reaches the charger, where its stack level could
                    # lift or be lifted by the site's.
                    assert _limit(capped) == 10
                    assert capped["payload"]["csChargingProfiles"]["chargingProfileId"] != 7

                    cleared = await upstream.call("CP-1", "ClearChargingProfile", {"id": 7})
                    assert cleared["payload"] == {"status": "Accepted"}
                    lifted = await charger.next_event("csms_call", predicate=_is_profile)
                    assert _limit(lifted) == 32
                    unknown = await upstream.call("CP-1", "ClearChargingProfile", {"id": 7})
                    assert unknown["payload"] == {"status": "Unknown"}
                    sent: list[Any] = [e for e in charger.all_events if _is_profile(e)]
                    assert all(
                        e["payload"]["csChargingProfiles"]["chargingProfileId"] != 7 for e in sent
                    )
                    assert not [
                        e for e in charger.all_events if e.get("action") == "ClearChargingProfile"
                    ]


async def _start_session(charger: ChargerProcess) -> None:
    await charger.respond({"SetChargingProfile": {"status": "Accepted"}})
    await charger.wait_connected()
    await charger.call("BootNotification", BOOT)
    await charger.call(
        "StartTransaction",
        {
            "connectorId": 1,
            "idTag": "TAG-1",
            "meterStart": 0,
            "timestamp": "2026-11-29T10:00:00.000Z",
        },
    )


async def test_the_upstreams_cap_survives_a_restart_of_the_box(tmp_path: Path) -> None:
    """The upstream was told Accepted and will not send its profile again: after a restart the
    site still allocates under it."""
    record = tmp_path / "upstream.jsonl"
    with trio.fail_after(120):
        async with UpstreamProcess.start(record) as upstream:
            env = {**os.environ, "CAPACITOR_EDGE_UPSTREAM_URL": upstream.url}
            async with (
                ServerProcess.start(tmp_path / "data", env=env) as server,
                server.client() as api,
            ):
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                assert (await api.put("/api/v1/site", json=SITE)).status_code == 200
                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.respond({"SetChargingProfile": {"status": "Accepted"}})
                    await charger.wait_connected()
                    await charger.call("BootNotification", BOOT)
                    await upstream.wait_until(lambda got: bool(got))  # the link is up
                    answer = await upstream.call(
                        "CP-1",
                        "SetChargingProfile",
                        {"connectorId": 0, "csChargingProfiles": UPSTREAM_PROFILE},
                    )
                    assert answer["payload"] == {"status": "Accepted"}
                assert await server.terminate() == 0
            async with ServerProcess.start(tmp_path / "data", env=env) as server:
                await _restarted_session_is_capped(server)


async def _restarted_session_is_capped(server: ServerProcess) -> None:
    async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
        await _start_session(charger)
        allocated = await charger.next_event("csms_call", predicate=_is_profile)
        assert _limit(allocated) == 10
