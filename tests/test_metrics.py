"""``GET /metrics``: the exposition parses, every family the issue names is there, and each one
moves when its event happens (a real charger session over real sockets, real REST requests)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import trio
from prometheus_client.parser import text_string_to_metric_families
from trio_websocket import WebSocketConnection

from tests.conftest import (
    Appliance,
    make_settings,
    second_org_key,
    start_appliance,
    stop_appliance,
)
from tests.ocpp.helpers import BOOT, call, charger_socket, register

PREFIX = "capacitor_edge_"
#: Family name (as the parser reports it: counters without ``_total``) → type.
FAMILIES = {
    "capacitor_edge_ocpp_connected_chargers": "gauge",
    "capacitor_edge_ocpp_messages_received": "counter",
    "capacitor_edge_ocpp_messages_sent": "counter",
    "capacitor_edge_ocpp_callerrors": "counter",
    "capacitor_edge_ocpp_csms_call_duration_seconds": "histogram",
    "capacitor_edge_ocpp_csms_call_timeouts": "counter",
    "capacitor_edge_storage_commit_batch_writes": "histogram",
    "capacitor_edge_storage_commit_duration_seconds": "histogram",
    "capacitor_edge_http_requests": "counter",
    "capacitor_edge_http_request_duration_seconds": "histogram",
    "capacitor_edge_transactions_active": "gauge",
}

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


class Scrape:
    """One parsed scrape: sample values by name and labels, family types by name."""

    def __init__(self, text: str) -> None:
        self.types: dict[str, str] = {}
        self.samples: Samples = {}
        for family in text_string_to_metric_families(text):
            self.types[family.name] = family.type
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                self.samples[key] = sample.value

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(client: httpx.AsyncClient) -> Scrape:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return Scrape(response.text)


def anonymous(appliance: Appliance) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=appliance.endpoints.http_url, timeout=5.0)


async def test_exposition_parses_and_names_every_family(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with anonymous(appliance) as client:  # open by default: no key
            result = await scrape(client)
    for name, kind in FAMILIES.items():
        assert result.types.get(name) == kind, name
    # The process collector comes along: memory and open files of the appliance.
    assert result.value("process_open_fds") > 0
    assert result.value("capacitor_edge_ocpp_connected_chargers") == 0
    assert result.value("capacitor_edge_transactions_active") == 0


async def _answer_csms_call(
    ws: WebSocketConnection,
    request: Callable[[], Awaitable[httpx.Response]],
    reply: Callable[[list[Any]], list[Any] | None],
) -> tuple[httpx.Response, list[Any]]:
    """Send a REST command while the charger answers the CALL it causes with ``reply(frame)``
    (None: no answer at all)."""
    answers: list[httpx.Response] = []

    async def send() -> None:
        answers.append(await request())

    async with trio.open_nursery() as nursery:
        nursery.start_soon(send)
        frame = json.loads(await ws.get_message())
        answer = reply(frame)
        if answer is not None:
            await ws.send_message(json.dumps(answer))
    return answers[0], frame


async def test_each_metric_moves_when_its_event_happens(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(30):
        appliance = await start_appliance(nursery, make_settings(tmp_path, call_timeout_s="0.5"))
        try:
            async with appliance.client() as api:
                await _session(appliance, api)
        finally:
            await stop_appliance(appliance)


async def _session(appliance: Appliance, api: httpx.AsyncClient) -> None:
    before = await scrape(api)
    await register(api, "CP-M1")
    assert (await api.get("/api/v1/chargers/CP-NOPE")).status_code == 404
    assert (await api.get("/no/such/route")).status_code == 404

    async with charger_socket(appliance, "CP-M1") as ws:
        assert (await call(ws, "BootNotification", BOOT))[0] == 3
        assert (await call(ws, "Heartbeat", {}))[0] == 3
        bad = await call(
            ws,
            "StatusNotification",
            {"connectorId": 1, "status": "Plugged", "errorCode": "NoError"},
        )
        assert bad[0] == 4 and bad[2] == "PropertyConstraintViolation"
        unknown = await call(ws, "MadeUpAction", {})
        assert unknown[0] == 4 and unknown[2] == "NotImplemented"
        await ws.send_message('{"not": "a frame"}')  # unanswerable: dropped
        start = {
            "connectorId": 1,
            "idTag": "TAG-1",
            "meterStart": 1000,
            "timestamp": "2026-02-06T12:00:00.000Z",
        }
        assert (await call(ws, "StartTransaction", start))[0] == 3

        def reset() -> Awaitable[httpx.Response]:
            return api.post("/api/v1/chargers/CP-M1/reset", json={"type": "Soft"})

        accepted, frame = await _answer_csms_call(
            ws, reset, lambda f: [3, f[1], {"status": "Accepted"}]
        )
        assert frame[2] == "Reset" and accepted.status_code == 200, accepted.text
        refused, _ = await _answer_csms_call(
            ws, reset, lambda f: [4, f[1], "NotSupported", "no", {}]
        )
        assert refused.status_code >= 500, refused.text
        silent, _ = await _answer_csms_call(ws, reset, lambda f: None)
        assert silent.status_code >= 500, silent.text

        during = await scrape(api)

    def moved(name: str, **labels: str) -> float:
        return during.value(name, **labels) - before.value(name, **labels)

    received, sent = PREFIX + "ocpp_messages_received_total", PREFIX + "ocpp_messages_sent_total"
    assert during.value(PREFIX + "ocpp_connected_chargers") == 1
    assert during.value(PREFIX + "transactions_active") == 1
    assert moved(received, action="Heartbeat", type="call") == 1
    assert moved(sent, action="Heartbeat", type="callresult") == 1
    assert moved(received, action="StatusNotification", type="call") == 1
    assert moved(sent, action="StatusNotification", type="callerror") == 1
    assert moved(received, action="unknown", type="call") == 1  # MadeUpAction: no new label
    assert moved(received, action="unknown", type="dropped") == 1
    assert moved(sent, action="Reset", type="call") == 3
    assert moved(received, action="Reset", type="callresult") == 1
    assert moved(received, action="Reset", type="callerror") == 1
    assert not any("MadeUpAction" in str(key) for key in during.samples)

    errors = PREFIX + "ocpp_callerrors_total"
    assert moved(errors, direction="sent", code="PropertyConstraintViolation") == 1
    assert moved(errors, direction="sent", code="NotImplemented") == 1
    assert moved(errors, direction="received", code="NotSupported") == 1

    latency = PREFIX + "ocpp_csms_call_duration_seconds"
    assert moved(latency + "_count", action="Reset") == 2  # the two answered calls
    assert moved(latency + "_bucket", action="Reset", le="+Inf") == 2
    assert moved(PREFIX + "ocpp_csms_call_timeouts_total", action="Reset") == 1

    batches = PREFIX + "storage_commit_batch_writes"
    assert moved(batches + "_count") >= 1
    assert moved(batches + "_sum") >= moved(batches + "_count")
    assert moved(PREFIX + "storage_commit_duration_seconds_count") == moved(batches + "_count")
    assert moved(PREFIX + "storage_commit_duration_seconds_sum") > 0

    requests = PREFIX + "http_requests_total"
    assert moved(requests, route="/api/v1/chargers", method="POST", status="201") == 1
    reset_route = "/api/v1/chargers/<charge_box_id>/reset"
    assert moved(requests, route=reset_route, method="POST", status="200") == 1
    assert moved(requests, route=reset_route, method="POST", status=str(refused.status_code)) >= 1
    assert moved(requests, route=reset_route, method="POST", status=str(silent.status_code)) >= 1
    details = "/api/v1/chargers/<charge_box_id>"
    assert moved(requests, route=details, method="GET", status="404") == 1
    assert moved(requests, route="unmatched", method="GET", status="404") == 1
    # Routes, not paths: neither the unknown charger nor the made-up URL became a label.
    assert not any("CP-NOPE" in str(key) or "no/such" in str(key) for key in during.samples)
    duration = PREFIX + "http_request_duration_seconds_count"
    assert moved(duration, route=reset_route, method="POST") == 3


async def test_key_protected_metrics_refuse_without_a_key(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(15):
        appliance = await start_appliance(nursery, make_settings(tmp_path, metrics_access="key"))
        try:
            async with anonymous(appliance) as client:
                missing = await client.get("/metrics")
                assert missing.status_code == 401
                assert missing.json()["success"] is False
                assert missing.json()["error"]["code"] == "UNAUTHORIZED"
                wrong = await client.get("/metrics", headers={"X-API-Key": "cap_live_" + "x" * 32})
                assert wrong.status_code == 401
                assert "capacitor_edge" not in wrong.text
                # A key of any organisation will do.
                other = await second_org_key(appliance)
                allowed = await client.get("/metrics", headers={"X-API-Key": other})
                assert allowed.status_code == 200
                assert "capacitor_edge_ocpp_connected_chargers" in allowed.text
                # Prometheus' standard `authorization` option sends the key as a Bearer token.
                bearer = await client.get("/metrics", headers={"Authorization": f"Bearer {other}"})
                assert bearer.status_code == 200
                basic = await client.get("/metrics", headers={"Authorization": f"Basic {other}"})
                assert basic.status_code == 401
                document = (await client.get("/openapi.json")).json()
            operation = document["paths"]["/metrics"]["get"]
            assert "401" in operation["responses"]
            assert "security" not in operation  # the document's default: the API key
        finally:
            await stop_appliance(appliance)


async def test_open_metrics_are_documented_without_a_key(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with anonymous(appliance) as client:
            document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/metrics"]["get"]
    assert operation["security"] == []
    assert "200" in operation["responses"]
