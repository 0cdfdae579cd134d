"""The REST routes the dashboard's views needed (issue 18): a charger's live connection, the
site load's recent history, and the self-test run against the box with its last result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance
from tests.ocpp.test_interop import wait_for
from tests.support.charger_process import ChargerProcess

TIMEOUT_S = 60.0
SITE = {
    "circuits": [
        {"id": "grid", "name": "Grid", "maxCurrentA": 100},
        {"id": "bays", "name": "Bays 1-4", "parentId": "grid", "maxCurrentA": 40},
    ],
    "chargers": [{"chargeBoxId": "CP-1", "circuitId": "bays", "maxCurrentA": 32}],
    "meter": {"source": "rest"},
}


async def test_a_chargers_connection_shows_since_when_from_where_and_its_profile(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            assert (await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})).is_success
            offline = (await api.get("/api/v1/chargers/CP-1/connection")).json()
            assert offline == {
                "chargeBoxId": "CP-1",
                "online": False,
                "connectedAt": None,
                "remoteAddress": None,
                "tls": None,
                "securityProfile": 0,
                "lastSeen": None,
            }
            url = f"{appliance.endpoints.ocpp_url}/ocpp/CP-1"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                online = await wait_for(
                    lambda body: body["online"], api, "/api/v1/chargers/CP-1/connection"
                )
                assert online["remoteAddress"] == "127.0.0.1"
                assert online["tls"] is False
                assert online["securityProfile"] == 0
                # The appliance's fixed clock: the session began at its "now".
                assert online["connectedAt"] == "2026-02-06T12:00:00.123Z"
            missing = await api.get("/api/v1/chargers/CP-NOPE/connection")
            assert missing.status_code == 404
            assert missing.json()["error"]["code"] == "NOT_FOUND"


async def test_the_site_load_history_samples_each_circuit_and_refuses_bad_queries(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, load_history_interval_s="0.05", load_history_hours="1")
    appliance = await start_appliance(nursery, settings)
    try:
        with trio.fail_after(TIMEOUT_S):
            async with appliance.client() as api:
                before = await api.get("/api/v1/site/load/history")
                assert before.status_code == 404  # no site yet
                assert (await api.put("/api/v1/site", json=SITE)).is_success
                assert await api.put("/api/v1/site/meter", json={"currentA": [10, 20, 30]})
                path = "/api/v1/site/load/history?circuitId=grid"
                body = await wait_for(
                    lambda b: (
                        len(b["circuits"][0]["samples"]) >= 3
                        and b["circuits"][0]["samples"][-1]["measuredA"] == [10.0, 20.0, 30.0]
                    ),
                    api,
                    path,
                )
                assert body["intervalS"] == 0.05 and body["keptHours"] == 1.0
                assert [c["id"] for c in body["circuits"]] == ["grid"]
                # Spaced by their age even under the appliance's fixed wall clock.
                times = [sample["at"] for sample in body["circuits"][0]["samples"]]
                assert times == sorted(times) and len(set(times)) == len(times)
                last = body["circuits"][0]["samples"][-1]
                # The root's limit is what the building leaves of its 100 A.
                assert last["limitA"] == [90.0, 80.0, 70.0]
                both = (await api.get("/api/v1/site/load/history")).json()
                assert [c["name"] for c in both["circuits"]] == ["Grid", "Bays 1-4"]
                await refuses_bad_queries(api)
    finally:
        await stop_appliance(appliance)


async def refuses_bad_queries(api: httpx.AsyncClient) -> None:
    for query, field in (("hours=0", "hours"), ("hours=2", "hours"), ("hours=x", "hours")):
        bad = await api.get(f"/api/v1/site/load/history?{query}")
        assert bad.status_code == 400, query
        error: dict[str, Any] = bad.json()["error"]
        assert error["code"] == "VALIDATION_ERROR" and error["message"].startswith(field), error
    unknown = await api.get("/api/v1/site/load/history?circuitId=nope")
    assert unknown.status_code == 404


@pytest.mark.slow
async def test_the_selftest_runs_against_the_box_and_its_result_is_kept(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            before = (await api.get("/api/v1/selftest")).json()
            assert before == {"running": False, "result": None}
            keys_before = (await api.get("/api/v1/auth/api-keys")).json()["apiKeys"]
            ran = await api.post("/api/v1/selftest", timeout=TIMEOUT_S)
            assert ran.status_code == 200, ran.text
            result = ran.json()["result"]
            assert result["passed"] is True, result
            assert [s["result"] for s in result["steps"]] == ["PASS"] * 8
            assert result["steps"][0]["name"] == "REST API answers and accepts the API key"
            assert (await api.get("/api/v1/selftest")).json() == {
                "running": False,
                "result": result,
            }
            # Its simulated charger and its throw-away key are gone again.
            gone = await api.get(f"/api/v1/chargers/{result['chargeBoxId']}")
            assert gone.status_code == 404
            keys = (await api.get("/api/v1/auth/api-keys")).json()["apiKeys"]
            assert keys == keys_before
