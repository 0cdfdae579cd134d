"""Webhooks end to end (issue 14): the real appliance, a real third-party charger in its own
process, and real HTTP receivers in their own processes that verify each signature with the
``standardwebhooks`` package."""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.app.certs import SiteFiles, init_site
from capacitor_edge.storage.events import EVENT_TYPES
from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance
from tests.support.charger_process import ChargerProcess
from tests.support.webhook_receiver import Receiver
from tests.test_events_stream import stream

TIMEOUT_S = 60
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
BOOT = {
    "chargePointVendor": "ABB",
    "chargePointModel": "Terra AC",
    "chargePointSerialNumber": "SN-7",
    "firmwareVersion": "1.2.3",
}


@pytest.fixture
async def fast_retries(nursery: trio.Nursery, tmp_path: Path) -> AsyncIterator[Appliance]:
    """An appliance whose webhooks retry after 50 ms (and time out after 2 s)."""
    settings = make_settings(
        tmp_path, webhook_retry_schedule_s="0.05,0.05,0.05,0.05", webhook_timeout_s="2"
    )
    running = await start_appliance(nursery, settings)
    try:
        yield running
    finally:
        await stop_appliance(running)


async def create_webhook(api: httpx.AsyncClient, url: str, events: list[str]) -> dict[str, Any]:
    created = await api.post(
        "/api/v1/webhooks", json={"url": url, "events": events, "secret": SECRET}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def charger_url(appliance: Appliance, charge_box_id: str) -> str:
    return f"{appliance.endpoints.ocpp_url}/ocpp/{charge_box_id}"


async def charging_session(appliance: Appliance, api: httpx.AsyncClient) -> int:
    """A third-party charger's whole session, a command and the charger's removal."""
    assert (await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-W"})).status_code == 201
    async with ChargerProcess.start(charger_url(appliance, "CP-W")) as charger:
        await charger.wait_connected()
        await charger.call("BootNotification", BOOT)
        for status in ("Available", "Preparing"):
            await charger.call(
                "StatusNotification",
                {"connectorId": 1, "status": status, "errorCode": "NoError"},
            )
        started = await charger.call(
            "StartTransaction",
            {
                "connectorId": 1,
                "idTag": "TAG-1",
                "meterStart": 1000,
                "timestamp": "2026-02-06T11:00:00Z",
            },
        )
        transaction_id: int = started["transactionId"]
        sampled = [
            {"value": "6000", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": "7.2", "measurand": "Power.Active.Import", "unit": "kW"},
        ]
        await charger.call(
            "MeterValues",
            {
                "connectorId": 1,
                "transactionId": transaction_id,
                "meterValue": [{"timestamp": "2026-02-06T11:30:00Z", "sampledValue": sampled}],
            },
        )
        await charger.call(
            "StopTransaction",
            {
                "transactionId": transaction_id,
                "meterStop": 9000,
                "timestamp": "2026-02-06T11:45:00Z",
                "reason": "EVDisconnected",
            },
        )
        cleared = await api.post("/api/v1/chargers/CP-W/cache/clear")
        assert cleared.status_code == 200, cleared.text
        await charger.close()
    return transaction_id


async def test_every_event_of_a_charger_session_arrives_signed(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with Receiver.start(secret=SECRET) as receiver, appliance.client() as api:
            hook = await create_webhook(api, receiver.url, ["*"])
            assert hook["secret"] == SECRET and hook["id"].startswith("wh_")
            listed = (await api.get("/api/v1/webhooks")).json()["webhooks"]
            assert [w["id"] for w in listed] == [hook["id"]]
            assert "secret" not in listed[0]  # shown once, at creation only

            transaction_id = await charging_session(appliance, api)
            # Disconnected is written when the box sees the close; wait for it, then delete.
            await receiver.wait_until(lambda _: bool(receiver.events("charger.disconnected")))
            assert (await api.delete("/api/v1/chargers/CP-W")).status_code == 200
            await receiver.wait_until(lambda _: bool(receiver.events("charger.deleted")))

        assert all(r["verified"] is True for r in receiver.requests), receiver.requests
        assert all(r["headers"]["webhook-id"] == r["body"]["id"] for r in receiver.requests)
        bodies = receiver.events()
        seqs = [int(b["id"].removeprefix("evt_")) for b in bodies]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # in order, once each
        kinds = [b["event"] for b in bodies]
        # Authorization's events (tags, local lists, reservations): tests/test_authorization*.
        authorization = {
            kind
            for kind in EVENT_TYPES
            if kind.split(".")[0] in {"id_tag", "local_list", "reservation"}
        }
        # Not in a charger session: a disabled webhook, an MQTT backlog past its cap.
        not_in_a_session = {"webhook.disabled", "mqtt.backlog_dropped"}
        # The site's load-management events: tests/test_load_control.py, test_site_e2e.py.
        site = {kind for kind in EVENT_TYPES if kind.startswith("site.")}
        # upstream.*: only with an upstream central system (tests/upstream/).
        upstream = {kind for kind in EVENT_TYPES if kind.startswith("upstream.")}
        others = not_in_a_session | authorization | site | upstream
        assert set(kinds) == set(EVENT_TYPES) - others
        first = {b["event"]: b for b in reversed(bodies)}
        assert set(first["charger.connected"]) == {"id", "event", "timestamp", "data"}
        assert first["charger.connected"]["data"] == {"chargeBoxId": "CP-W"}
        assert first["charger.boot"]["data"]["chargePointSerialNumber"] == "SN-7"
        assert first["charger.boot"]["data"]["firmwareVersion"] == "1.2.3"
        status = first["connector.status_changed"]["data"]
        assert (status["status"], status["previousStatus"]) == ("Available", None)
        changes = [b["data"] for b in bodies if b["event"] == "connector.status_changed"]
        assert [(c["previousStatus"], c["status"]) for c in changes] == [
            (None, "Available"),
            ("Available", "Preparing"),
        ]
        started = first["transaction.started"]["data"]
        assert (started["transactionId"], started["meterStart"], started["idTag"]) == (
            transaction_id,
            1000,
            "TAG-1",
        )
        updated = first["transaction.updated"]["data"]
        assert (updated["meterWh"], updated["energyWh"], updated["powerW"]) == (6000, 5000, 7200)
        stopped = first["transaction.stopped"]["data"]
        assert (stopped["meterStop"], stopped["energyWh"], stopped["reason"]) == (
            9000,
            8000,
            "EVDisconnected",
        )
        # The box reads the charger's smart-charging features after its boot (issue 15), then
        # the test's ClearCache: one event per command, in the order they completed.
        commands = [b["data"] for b in bodies if b["event"] == "command.completed"]
        assert [(c["chargeBoxId"], c["action"]) for c in commands] == [
            ("CP-W", "GetConfiguration"),
            ("CP-W", "ClearCache"),
        ]
        closed = first["charger.disconnected"]["data"]
        assert closed["closeCode"] == 1000


async def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt(
    fast_retries: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with (
            Receiver.start("500,500,500,200", secret=SECRET) as receiver,
            fast_retries.client() as api,
        ):
            hook = await create_webhook(api, receiver.url, ["charger.registered"])
            await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-R"})
            await receiver.wait_until(lambda requests: len(requests) == 4)
            # One worker delivers in order: the next event goes out only after the 4th
            # attempt's answer is committed, so once it arrives the log has all four.
            await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-R2"})
            await receiver.wait_until(lambda requests: len(requests) == 5)
            log = (await api.get(f"/api/v1/webhooks/{hook['id']}/deliveries")).json()
            got = await api.get(f"/api/v1/webhooks/{hook['id']}")
            first_attempt = log["deliveries"][-1]
            again = await api.post(
                f"/api/v1/webhooks/{hook['id']}/deliveries/{first_attempt['id']}/redeliver"
            )
            assert (again.json()["success"], again.json()["statusCode"]) == (True, 200)
            await receiver.wait_until(lambda requests: len(requests) == 6)
            assert receiver.requests[5]["body"] == receiver.requests[0]["body"]
            newest = (await api.get(f"/api/v1/webhooks/{hook['id']}/deliveries?limit=1")).json()
            assert newest["deliveries"][0]["kind"] == "redelivery"
        first_four = receiver.requests[:4]
        assert [r["status"] for r in first_four] == [500, 500, 500, 200]
        assert len({r["body"]["id"] for r in first_four}) == 1  # the same event, again
        assert all(r["verified"] is True for r in receiver.requests)
        event_id = first_four[0]["body"]["id"]
        oldest_first = [d for d in reversed(log["deliveries"]) if d["eventId"] == event_id]
        assert [d["attempt"] for d in oldest_first] == [1, 2, 3, 4]
        assert [d["statusCode"] for d in oldest_first] == [500, 500, 500, 200]
        assert [d["success"] for d in oldest_first] == [False, False, False, True]
        assert oldest_first[0]["error"] == "HTTP 500"
        assert got.json()["status"] == "ok" and got.json()["active"] is True


async def test_a_slow_receiver_does_not_delay_another_and_order_is_kept(
    fast_retries: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with (
            Receiver.start(delay_s=30) as slow,
            Receiver.start(secret=SECRET) as live,
            fast_retries.client() as api,
        ):
            await create_webhook(api, slow.url, ["charger.registered"])
            await create_webhook(api, live.url, ["charger.registered"])
            for n in range(5):
                await api.post("/api/v1/chargers", json={"chargeBoxId": f"CP-{n}"})
            await live.wait_until(lambda requests: len(requests) == 5)
            # Meanwhile the slow receiver holds its first request (it answers in 30 s).
            slow_seen = len(slow.requests)
        ids = [r["body"]["data"]["chargeBoxId"] for r in live.requests]
        assert ids == [f"CP-{n}" for n in range(5)]
        assert slow_seen == 0


async def test_the_webhooks_api_validates_and_scopes_by_organisation(
    appliance: Appliance,
) -> None:
    from tests.conftest import second_org_key

    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            bad = {
                "ftp": {"url": "ftp://example.test/", "events": ["*"]},
                "no host": {"url": "http:///x", "events": ["*"]},
                "no events": {"url": "http://example.test/", "events": []},
                "unknown": {"url": "http://example.test/", "events": ["charger.exploded"]},
                "short secret": {"url": "http://example.test/", "events": ["*"], "secret": "x"},
            }
            for name, body in bad.items():
                answer = await api.post("/api/v1/webhooks", json=body)
                assert answer.status_code == 400, (name, answer.text)
                assert answer.json()["error"]["code"] == "VALIDATION_ERROR"
            created = await api.post(
                "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/", "events": ["*"]}
            )
            hook = created.json()
            assert hook["secret"].startswith("whsec_")  # generated: shown once
            assert hook["events"] == ["*"] and hook["active"] is True
            patched = await api.patch(f"/api/v1/webhooks/{hook['id']}", json={"events": ["x"]})
            assert patched.status_code == 400
            events = await api.get("/api/v1/events?types=nope")
            assert events.status_code == 400
            assert events.json()["error"]["message"].startswith("types:")
            other = await second_org_key(appliance)
            async with appliance.client(other) as stranger:
                assert (await stranger.get(f"/api/v1/webhooks/{hook['id']}")).status_code == 404
                assert (await stranger.get("/api/v1/webhooks")).json() == {"webhooks": []}
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-MINE"})
                mine = (await api.get("/api/v1/events")).json()["events"]
                theirs = (await stranger.get("/api/v1/events")).json()["events"]
            assert [e["event"] for e in mine] == ["charger.registered"]
            assert theirs == []
            deleted = await api.delete(f"/api/v1/webhooks/{hook['id']}")
            assert deleted.status_code == 200
            assert (await api.get(f"/api/v1/webhooks/{hook['id']}")).status_code == 404


async def test_a_webhook_that_keeps_failing_is_disabled_and_re_enabled_by_patch(
    fast_retries: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with (
            Receiver.start("500,500,500,500,500,200", secret=SECRET) as receiver,
            fast_retries.client() as api,
            stream(api, "?types=webhook.disabled") as journal,
        ):
            hook = await create_webhook(api, receiver.url, ["charger.registered"])
            await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-D"})
            disabled = await journal.next_event()  # after the 1st attempt and 4 retries
            got = (await api.get(f"/api/v1/webhooks/{hook['id']}")).json()
            assert (got["status"], got["active"]) == ("disabled", False)
            assert disabled["data"]["webhookId"] == hook["id"]
            assert len(receiver.requests) == 5
            patched = await api.patch(f"/api/v1/webhooks/{hook['id']}", json={"active": True})
            assert (patched.json()["status"], patched.json()["active"]) == ("ok", True)
            # Re-enabled from the event it stopped at: that event again, now answered 200.
            await receiver.wait_until(lambda requests: len(requests) == 6)
        statuses = [r["status"] for r in receiver.requests]
        assert statuses == [500, 500, 500, 500, 500, 200]
        assert len({r["body"]["id"] for r in receiver.requests}) == 1


async def test_tls_is_verified_and_the_site_ca_is_trusted_only_when_asked(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    # The installer's certificate kit: a site CA and a server certificate for 127.0.0.1.
    init_site(settings.data_dir, ["localhost"], ["127.0.0.1"], now=datetime.now(UTC))
    kit = SiteFiles.under(settings.data_dir)
    appliance = await start_appliance(nursery, settings)
    try:
        with trio.fail_after(TIMEOUT_S):
            async with (
                Receiver.start(tls=(kit.server_cert, kit.server_key)) as receiver,
                appliance.client() as api,
            ):
                assert receiver.url.startswith("https://")
                answers = {}
                for trust in (False, True):
                    made = await api.post(
                        "/api/v1/webhooks",
                        json={"url": receiver.url, "events": ["*"], "trustSiteCa": trust},
                    )
                    assert made.json()["trustSiteCa"] is trust
                    tested = await api.post(f"/api/v1/webhooks/{made.json()['id']}/test")
                    answers[trust] = tested.json()
        assert answers[False]["success"] is False
        assert "CERTIFICATE_VERIFY_FAILED" in answers[False]["error"]
        assert (answers[True]["success"], answers[True]["statusCode"]) == (True, 200)
        assert [r["body"]["event"] for r in receiver.requests] == ["webhook.test"]
    finally:
        await stop_appliance(appliance)
