"""Every route of ``/openapi.json`` called for real, each sent body checked against the schema
the document gives for its status (issue 12, item 5). Success and error statuses alike; the
commands' charger answers (200/202/502/504) need a connected charger and are covered by
tests/ocpp/test_interop_commands.py, here they answer 503 (no charger connected).
"""

from __future__ import annotations

import httpx
import trio

from tests.conftest import Appliance
from tests.test_openapi_contract import TIMEOUT_S, contract_client
from tests.test_transactions_api import make_history

CP = "/api/v1/chargers/CP-1"
COMMANDS = {
    "remote-start": {"connectorId": 1, "idTag": "TAG-A"},
    "reset": {"type": "Soft"},
    "unlock": {"connectorId": 1},
    "cache/clear": None,
    "trigger": {"requestedMessage": "Heartbeat"},
    "availability": {"connectorId": 0, "type": "Operative"},
    "configuration/get": {},
    "configuration/change": {"key": "HeartbeatInterval", "value": "60"},
    "firmware/update": {"location": "http://example.test/fw.bin"},
    "diagnostics": {},
    "data-transfer": {"vendorId": "com.example"},
}
CHARGING_PROFILE = {
    "connectorId": 0,
    "csChargingProfiles": {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}],
        },
    },
}


async def walk_events_and_webhooks(client: httpx.AsyncClient) -> None:
    # Port 9 (discard) on loopback: nothing listens, so a delivery fails at once.
    hook = (
        await client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/", "events": ["*"]})
    ).json()
    await client.post("/api/v1/webhooks", json={"url": "ftp://x", "events": ["*"]})  # 400
    hooks = f"/api/v1/webhooks/{hook['id']}"
    await client.get("/api/v1/webhooks")
    await client.get(hooks)
    await client.get("/api/v1/webhooks/wh_nope")  # 404
    await client.patch(hooks, json={"active": False})
    await client.post(f"{hooks}/test")
    deliveries = (await client.get(f"{hooks}/deliveries")).json()["deliveries"]
    await client.post(f"{hooks}/deliveries/{deliveries[0]['id']}/redeliver")  # 400: a test
    await client.delete(hooks)
    await client.get("/api/v1/events?after=0&limit=5")
    await client.get("/api/v1/events/stream?types=nope")  # 400 (a 200 is a stream: test_events)


async def walk_site(client: httpx.AsyncClient) -> None:
    """Site load management (issue 16): 404 before a site exists, then each route."""
    await client.get("/api/v1/site")  # 404
    await client.get("/api/v1/site/load")  # 404
    await client.get("/api/v1/site/load/history")  # 404
    await client.put("/api/v1/site", json={"circuits": []})  # 400
    site = {
        "circuits": [{"id": "grid", "maxCurrentA": 100}],
        "chargers": [{"chargeBoxId": "CP-1", "circuitId": "grid", "maxCurrentA": 32}],
        "meter": {"source": "rest"},
    }
    await client.put("/api/v1/site", json=site)
    await client.get("/api/v1/site")
    await client.put("/api/v1/site/meter", json={"currentA": [10, 10, 10]})
    await client.get("/api/v1/site/meter")
    await client.get("/api/v1/site/load")
    await client.get("/api/v1/site/load/history?circuitId=grid&hours=1")
    await client.get("/api/v1/site/load/history?hours=0")  # 400
    await client.get("/api/v1/site/load/history?circuitId=nope")  # 404


async def walk_dashboard_routes(client: httpx.AsyncClient) -> None:
    """The routes the dashboard's views needed (issue 18)."""
    await client.get(f"{CP}/connection")
    await client.get("/api/v1/chargers/NOPE/connection")  # 404
    await client.get("/api/v1/selftest")
    await client.post("/api/v1/selftest", timeout=60.0)  # a whole self-test against the box


async def test_every_route_sends_the_documented_body(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S * 3):
        ids = await make_history(appliance)
        client, contract = await contract_client(appliance)
        async with client:
            await client.get("/health")
            await client.get("/metrics")
            await client.post("/api/v1/chargers", json={"chargeBoxId": "CP-3"})
            await client.post("/api/v1/chargers", json={"chargeBoxId": "CP-3"})  # 409
            await client.post("/api/v1/chargers", json={"chargeBoxId": "has space"})  # 400
            await client.get("/api/v1/chargers")
            await client.get("/api/v1/chargers?limit=0")
            await client.patch(CP, json={"name": "Bay 1"})
            await client.patch("/api/v1/chargers/NOPE", json={"name": "x"})
            await client.get(CP)
            await client.get("/api/v1/chargers/NOPE")
            await client.get(f"{CP}/connectors/1/status")
            await client.get(f"{CP}/connectors/x/status")
            await client.get(f"{CP}/messages")
            await client.get("/api/v1/chargers/NOPE/messages")
            await client.get("/api/v1/connection-attempts")
            key = (await client.post("/api/v1/auth/api-keys", json={"name": "walk"})).json()
            await client.get("/api/v1/auth/api-keys")
            await client.delete(f"/api/v1/auth/api-keys/{key['id']}")
            await client.delete(f"/api/v1/auth/api-keys/{key['id']}")  # 404
            await client.post("/api/v1/id-tags", json={"idTag": "T1", "expiryDate": ""})
            await client.post("/api/v1/id-tags", json={"idTag": "T1"})  # 409
            await client.get("/api/v1/id-tags")
            await client.get("/api/v1/id-tags/T1")
            await client.patch("/api/v1/id-tags/T1", json={"blocked": True})
            await client.delete("/api/v1/id-tags/T1")
            await client.get("/api/v1/id-tags/T1")  # 404
            csv_body = "idTag,parentIdTag,expiryDate,blocked\r\nT2,,,false\r\n"
            await client.post("/api/v1/id-tags.csv", content=csv_body)
            await client.post("/api/v1/id-tags.csv", content="nope\r\n")  # 400
            await client.get("/api/v1/id-tags.csv")
            await client.get("/api/v1/transactions")
            await client.get("/api/v1/transactions?from=yesterday")  # 400
            await client.get("/api/v1/transactions.csv")
            await client.get(f"/api/v1/transactions/{ids['a1']}")
            await client.get(f"/api/v1/transactions/{ids['a1']}/meter-values")
            await client.get("/api/v1/transactions/999999/meter-values")  # 404
            await client.post(f"/api/v1/transactions/{ids['a1']}/stop")  # 409 completed
            await client.post(f"/api/v1/transactions/{ids['a3']}/stop")  # 503 not connected
            await client.post(
                "/api/v1/transactions/start", json={"chargeBoxId": "CP-1", "connectorId": 1}
            )
            for command, body in COMMANDS.items():
                await client.post(f"{CP}/{command}", json=body)
            await client.post("/api/v1/chargers/NOPE/reset", json={"type": "Soft"})  # 404
            # Smart charging: the charger is not connected (503); the registry and setup are.
            await client.post(f"{CP}/charging-profiles", json=CHARGING_PROFILE)
            await client.get(f"{CP}/charging-profiles")
            await client.delete(f"{CP}/charging-profiles/1")
            await client.delete(f"{CP}/charging-profiles?purpose=TxDefaultProfile")
            await client.get(f"{CP}/connectors/1/composite-schedule?duration=60")
            await client.put(f"{CP}/smart-charging", json={"phases": 1, "voltage": 240})
            await client.get(f"{CP}/smart-charging")
            await client.get(f"{CP}/commands")
            # Reservations and local lists: the charger is not connected (503).
            reservation = {"connectorId": 1, "idTag": "T2", "expiryDate": "2099-01-01T00:00:00Z"}
            await client.post(f"{CP}/reservations", json=reservation)
            await client.post(f"{CP}/reservations", json={"connectorId": -1})  # 400
            await client.get(f"{CP}/reservations")
            await client.delete(f"{CP}/reservations/1")  # 404
            await client.delete(f"{CP}/reservations/x")  # 400
            await client.post(f"{CP}/local-list", json={"updateType": "Full"})
            await client.post(f"{CP}/local-list", json={"updateType": "Half"})  # 400
            await client.get(f"{CP}/local-list")
            await client.get(f"{CP}/upstream")  # issue 20: not enabled here
            await client.get("/api/v1/chargers/NOPE/upstream")  # 404
            upload = await client.post(
                "/api/v1/firmware", files={"file": ("fw.bin", b"\x00firmware" * 100)}
            )
            firmware = upload.json()
            await client.get("/api/v1/firmware")
            download = firmware["downloadUrl"].split("://", 1)[1].split("/", 1)[1]
            await client.get(f"/{download}")
            await client.delete(f"/api/v1/firmware/{firmware['id']}")
            await client.get(f"{CP}/diagnostics-files")
            await client.get(f"{CP}/diagnostics-files/nope")
            for method in ("PUT", "POST"):
                await client.request(method, "/files/diagnostics/bad-token/", content=b"x")
                await client.request(method, "/files/diagnostics/bad-token/a.txt", content=b"x")
            await walk_events_and_webhooks(client)
            await walk_site(client)
            await walk_dashboard_routes(client)
            await client.delete(CP)
            async with appliance.client(key="wrong") as stranger:
                stranger.event_hooks["response"] = client.event_hooks["response"]
                await stranger.get("/api/v1/chargers")  # 401
                for _ in range(1000):  # until the failed-key limit answers 429
                    if (await stranger.get("/api/v1/chargers")).status_code == 429:
                        break
    documented = {
        (path, method) for path, item in contract.document["paths"].items() for method in item
    }
    called = {(path, method) for path, method, _ in contract.seen}
    assert len(contract.seen) > 40, contract.seen
    assert documented - called == set()
    statuses = {status for _, _, status in contract.seen}
    assert {"200", "201", "400", "401", "404", "409", "429", "503"} <= statuses
