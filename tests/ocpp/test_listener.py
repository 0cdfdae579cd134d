"""The OCPP listener over real sockets on 127.0.0.1: refusals, subprotocols, duplicate
connections, failure containment, limits, and CSMS-initiated calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import ConnectionClosed, ConnectionRejected

from capacitor_edge.domain.errors import ChargerFailed
from tests.conftest import Appliance, make_settings, second_org_key, start_appliance, stop_appliance
from tests.ocpp.helpers import BOOT, call, charger_socket, next_answer, register, send_raw


async def online(client: httpx.AsyncClient, charge_box_id: str) -> bool:
    body: dict[str, Any] = (await client.get(f"/api/v1/chargers/{charge_box_id}")).json()
    return bool(body["isOnline"])


async def wait_online(client: httpx.AsyncClient, charge_box_id: str, expected: bool) -> None:
    # Polling the REST API is the only way a client sees the state (no event to wait on).
    while True:
        if await online(client, charge_box_id) is expected:
            return
        await trio.sleep(0.01)


async def test_unknown_id_and_other_paths_are_refused_and_recorded(appliance: Appliance) -> None:
    with trio.fail_after(10):
        with pytest.raises(ConnectionRejected) as unknown:
            async with charger_socket(appliance, "NOBODY"):
                pass
        assert unknown.value.status_code == 404
        with pytest.raises(ConnectionRejected) as elsewhere:
            async with charger_socket(appliance, "", path="/elsewhere/CP"):
                pass
        assert elsewhere.value.status_code == 404
        async with appliance.client() as api:
            await register(api, "MINE")
            await register(api, "DELETED")
            assert (await api.delete("/api/v1/chargers/DELETED")).status_code == 200
            with pytest.raises(ConnectionRejected) as deleted:
                async with charger_socket(appliance, "DELETED"):
                    pass
            assert deleted.value.status_code == 404
            with pytest.raises(ConnectionRejected):
                async with charger_socket(appliance, "MINE", subprotocols=["ocpp2.0.1"]):
                    pass
            attempts = (await api.get("/api/v1/connection-attempts")).json()["connectionAttempts"]
            reasons = {a["chargeBoxId"]: a["reason"] for a in attempts}
            assert reasons["NOBODY"] == "unknown chargeBoxId"
            assert reasons["DELETED"] == "unknown chargeBoxId"
            assert "unsupported subprotocols" in reasons["MINE"]
            assert attempts[0]["remoteAddress"] == "127.0.0.1"
            assert attempts[0]["timestamp"].endswith("Z")
        # Another organisation sees the unregistered ids, never this organisation's MINE.
        async with appliance.client(await second_org_key(appliance)) as other:
            seen = (await other.get("/api/v1/connection-attempts")).json()["connectionAttempts"]
            assert "NOBODY" in {a["chargeBoxId"] for a in seen}
            assert "MINE" not in {a["chargeBoxId"] for a in seen}


async def test_subprotocol_is_echoed_and_missing_one_closes_1002(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
        async with charger_socket(appliance, "CP-1", subprotocols=["ocpp2.0", "ocpp1.6"]) as ws:
            assert ws.subprotocol == "ocpp1.6"
            assert (await call(ws, "Heartbeat", {}))[0] == 3
        async with charger_socket(appliance, "CP-1", subprotocols=None) as ws:
            with pytest.raises(ConnectionClosed):
                await ws.get_message()
            assert ws.closed is not None and ws.closed.code == 1002


async def test_newest_connection_wins_without_ghosts(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
            async with charger_socket(appliance, "CP-1") as first:
                await call(first, "BootNotification", BOOT)
                async with charger_socket(appliance, "CP-1") as second:
                    with pytest.raises(ConnectionClosed):
                        # Answering the box's features read after the boot if it comes first.
                        await next_answer(first)
                    assert first.closed is not None and first.closed.code in (1000, 1001)
                    assert (await call(second, "Heartbeat", {}))[0] == 3
                    # The old session's end must not mark the charger offline.
                    assert await online(api, "CP-1")
                await wait_online(api, "CP-1", False)


async def test_deleting_a_charger_closes_its_session(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
            async with charger_socket(appliance, "CP-1") as ws:
                await call(ws, "Heartbeat", {})
                assert (await api.delete("/api/v1/chargers/CP-1")).status_code == 200
                with pytest.raises(ConnectionClosed):
                    await ws.get_message()
                assert ws.closed is not None and ws.closed.code == 1001


async def test_bad_frames_get_callerrors_and_the_session_goes_on(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
        async with charger_socket(appliance, "CP-1") as ws:
            cases = {
                '[2,"a","Heartbeat"': "FormationViolation",
                '[2,"b","FooBar",{}]': "NotImplemented",
                '[2,"c","Reset",{"type":"Hard"}]': "NotSupported",
                '[2,"d","StatusNotification",{"connectorId":"x","errorCode":"NoError",'
                '"status":"Available"}]': "TypeConstraintViolation",
                '[2,"e","StatusNotification",{"connectorId":1,"errorCode":"NoError",'
                '"status":"Sleeping"}]': "PropertyConstraintViolation",
                '[2,"f","BootNotification",{"chargePointVendor":"V"}]': (
                    "OccurenceConstraintViolation"
                ),
            }
            for frame, code in cases.items():
                answer = await send_raw(ws, frame)
                assert answer[0] == 4 and answer[2] == code, (frame, answer)
            await ws.send_message("not json at all")  # no id: logged and ignored
            assert (await call(ws, "Heartbeat", {}))[0] == 3


async def test_a_failing_handler_is_contained(appliance: Appliance) -> None:
    """A value SQLite cannot store (a lone surrogate: valid JSON, not UTF-8) makes the
    StatusNotification handler raise: that charger gets InternalError and goes on; another
    charger's session and the listener are untouched. (An integer beyond 64 bits used to be
    that value; the schemas refuse it now, tests/ocpp/test_wire_quirks.py.)"""
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
            await register(api, "CP-2")
        async with (
            charger_socket(appliance, "CP-1") as one,
            charger_socket(appliance, "CP-2") as two,
        ):
            answer = await call(
                one,
                "StatusNotification",
                {"connectorId": 1, "errorCode": "NoError", "status": "Available", "info": "\ud800"},
            )
            assert answer[0] == 4 and answer[2] == "InternalError"
            assert "Traceback" not in json.dumps(answer)
            assert (await call(one, "Heartbeat", {}))[0] == 3
            assert (await call(two, "Heartbeat", {}))[0] == 3
        async with charger_socket(appliance, "CP-1") as again:
            assert (await call(again, "Heartbeat", {}))[0] == 3


async def test_oversized_frame_closes_1009(nursery: trio.Nursery, tmp_path: Path) -> None:
    running = await start_appliance(nursery, make_settings(tmp_path, max_message_bytes=1024))
    try:
        with trio.fail_after(10):
            async with running.client() as api:
                await register(api, "CP-1")
            async with charger_socket(running, "CP-1") as ws:
                await ws.send_message(json.dumps([2, "1", "DataTransfer", {"data": "x" * 2000}]))
                with pytest.raises(ConnectionClosed):
                    await ws.get_message()
                assert ws.closed is not None and ws.closed.code == 1009
    finally:
        await stop_appliance(running)


async def test_connections_past_the_cap_get_503(nursery: trio.Nursery, tmp_path: Path) -> None:
    running = await start_appliance(nursery, make_settings(tmp_path, max_connections=2))
    try:
        with trio.fail_after(10):
            async with running.client() as api:
                for name in ("CP-1", "CP-2", "CP-3"):
                    await register(api, name)
            async with charger_socket(running, "CP-1"), charger_socket(running, "CP-2"):
                with pytest.raises(ConnectionRejected) as refused:
                    async with charger_socket(running, "CP-3"):
                        pass
                assert refused.value.status_code == 503
    finally:
        await stop_appliance(running)


async def test_csms_calls_go_out_one_at_a_time(appliance: Appliance) -> None:
    """TriggerMessage through the live link: two calls at once reach the charger one after the
    other; a CALLERROR answer surfaces as ChargerFailed."""
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
        async with charger_socket(appliance, "CP-1") as ws:
            await call(ws, "Heartbeat", {})
            link = appliance.endpoints.services.live.get("CP-1")
            assert link is not None
            results: list[dict[str, Any]] = []
            errors: list[ChargerFailed] = []

            async def trigger(message: str) -> None:
                try:
                    results.append(await link.call("TriggerMessage", {"requestedMessage": message}))
                except ChargerFailed as error:
                    errors.append(error)

            async with trio.open_nursery() as calls:
                calls.start_soon(trigger, "Heartbeat")
                calls.start_soon(trigger, "StatusNotification")
                first = json.loads(await ws.get_message())
                assert first[0] == 2 and first[2] == "TriggerMessage"
                # The second call must wait for the first answer.
                with trio.move_on_after(0.3):
                    await ws.get_message()
                    pytest.fail("a second CALL went out while one was outstanding")
                await ws.send_message(json.dumps([3, first[1], {"status": "Accepted"}]))
                second = json.loads(await ws.get_message())
                assert second[0] == 2 and second[1] != first[1]
                await ws.send_message(json.dumps([4, second[1], "NotSupported", "nope", {}]))
            assert results == [{"status": "Accepted"}]
            assert errors[0].code == "NotSupported"
