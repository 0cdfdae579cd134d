"""Command outcomes a client must not misread, against a real third-party charger (the `ocpp`
package's asyncio ChargePoint in its own process) and the real CLI server: a command the charger
dropped its connection on, and remote starts that leave the connector to the charger."""

from __future__ import annotations

from pathlib import Path

import pytest
import trio

from tests.ocpp.test_interop_commands import post, site
from tests.support.charger_process import ChargerProcess


@pytest.mark.parametrize("drop", ["close", "kill"])
async def test_a_command_the_charger_drops_its_connection_on_is_not_reported_not_connected(
    tmp_path: Path, drop: str
) -> None:
    """A charger that resets before its Reset.conf (a clean close, or the link simply gone):
    the reset may have happened, so the answer must not invite a retry as 503 does."""
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            await charger.respond({"Reset": "NO_ANSWER"})

            async def go_away_on_reset() -> None:
                await charger.next_csms_call("Reset")
                if drop == "close":
                    await charger.close(1001, "rebooting")
                else:
                    await charger.kill()

            async with trio.open_nursery() as nursery:
                nursery.start_soon(go_away_on_reset)
                lost = await post(api, "/reset", {"type": "Hard"})
            assert lost.status_code == 502, lost.text
            assert lost.json() == {
                "success": False,
                "error": {
                    "code": "CHARGER_CONNECTION_LOST",
                    "message": "Reset was sent to CP-1, then the connection was lost before it "
                    "answered; it may have been carried out",
                },
            }
            log = (await api.get("/api/v1/chargers/CP-1/commands")).json()["commands"]
            assert log[0]["action"] == "Reset"
            assert log[0]["outcome"] == "connection_lost"
            assert log[0]["response"] is None

            # Now it is gone, a command is not sent at all: that stays 503.
            offline = await post(api, "/reset", {"type": "Hard"})
            assert offline.status_code == 503
            assert offline.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            log = (await api.get("/api/v1/chargers/CP-1/commands")).json()["commands"]
            assert [c["outcome"] for c in log[:2]] == ["not_connected", "connection_lost"]


async def _start_when_asked(charger: ChargerProcess, connector_id: int, id_tag: str) -> int:
    """Answer the next RemoteStartTransaction like a charger that picked ``connector_id``."""
    call = await charger.next_csms_call("RemoteStartTransaction")
    assert call["payload"] == {"idTag": id_tag}  # no connectorId on the wire
    return await _start(charger, connector_id, id_tag)


async def test_remote_start_without_a_connector_lets_the_charger_pick_one(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            # Connector 1 is busy: with no connector named that is the charger's business.
            await charger.call(
                "StatusNotification",
                {"connectorId": 1, "errorCode": "NoError", "status": "Charging"},
            )
            chosen: list[int] = []

            async def charger_side() -> None:
                chosen.append(await _start_when_asked(charger, 2, "USER123"))

            async with trio.open_nursery() as nursery:
                nursery.start_soon(charger_side)
                response = await api.post(
                    "/api/v1/chargers/CP-1/remote-start?wait=20", json={"idTag": "USER123"}
                )
            assert response.status_code == 202, response.text
            body = response.json()
            assert body["transactionId"] == chosen[0]
            assert body["connectorId"] == 2 and body["status"] == "accepted"
            details = (await api.get(f"/api/v1/transactions/{chosen[0]}")).json()
            assert details["remoteStarted"] is True and details["connectorId"] == 2

            # The other form, without waiting: accepted, the connector not known yet. The
            # charger's next StartTransaction with that idTag, on any connector, is linked to it;
            # one with another idTag is not.
            later = await api.post("/api/v1/transactions/start", json={"chargeBoxId": "CP-1"})
            assert later.status_code == 202, later.text
            assert later.json()["connectorId"] is None
            assert later.json()["transactionId"] is None
            call = await charger.next_csms_call("RemoteStartTransaction")
            assert call["payload"] == {"idTag": "CAPACITOR"}
            other = await _start(charger, 3, "SOMEONE-ELSE")
            linked = await _start(charger, 4, "CAPACITOR")
            assert (await api.get(f"/api/v1/transactions/{other}")).json()["remoteStarted"] is False
            details = (await api.get(f"/api/v1/transactions/{linked}")).json()
            assert details["remoteStarted"] is True and details["connectorId"] == 4


async def _start(charger: ChargerProcess, connector_id: int, id_tag: str) -> int:
    started = await charger.call(
        "StartTransaction",
        {
            "connectorId": connector_id,
            "idTag": id_tag,
            "meterStart": 0,
            "timestamp": "2026-02-06T12:02:00.000Z",
        },
    )
    return int(started["transactionId"])


async def test_remote_start_naming_a_busy_connector_is_still_refused(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            await s.charger.call(
                "StatusNotification",
                {"connectorId": 1, "errorCode": "NoError", "status": "Faulted"},
            )
            busy = await s.api.post(
                "/api/v1/transactions/start", json={"chargeBoxId": "CP-1", "connectorId": 1}
            )
            assert busy.status_code == 409 and busy.json()["error"]["code"] == "CONNECTOR_BUSY"
            bad = await s.api.post(
                "/api/v1/chargers/CP-1/remote-start", json={"connectorId": 0, "idTag": "A"}
            )
            assert bad.status_code == 400
            assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
            assert "connectorId" in bad.json()["error"]["message"]
