"""Prove tests/support/charger_process.py drives a real ``ocpp`` charger.

A tiny throwaway OCPP 1.6 server (trio-websocket) runs inside the test; the
charger is the ``ocpp`` library's asyncio ChargePoint in a child process.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import trio
from trio_websocket import ConnectionClosed, WebSocketConnection, WebSocketRequest, serve_websocket

from capacitor_edge.app.certs import init_site, issue_charger
from tests.support.charger_process import (
    ChargerCallError,
    ChargerConnectError,
    ChargerProcess,
)

TEST_TIMEOUT = 30
NOW = "2024-01-01T00:00:00Z"
BOOT = {"chargePointVendor": "VendorX", "chargePointModel": "ModelY"}

T = TypeVar("T")


class FakeCsms:
    """Minimal OCPP 1.6J server: answers a few actions, can send CALLs."""

    def __init__(self) -> None:
        self.port = 0
        self.ws: WebSocketConnection | None = None
        self.headers: dict[str, str] = {}
        self.received: list[str] = []  # raw frames from the charger
        self.responses: dict[str, list[Any]] = {}  # unique id -> CALLRESULT/CALLERROR
        self.closed_code: int | None = None
        self.changed = trio.Event()
        self._ids = itertools.count(1)

    def _notify(self) -> None:
        self.changed.set()
        self.changed = trio.Event()

    async def wait_for(self, check: Callable[[], T | None]) -> T:
        while (result := check()) is None:
            await self.changed.wait()
        return result

    async def handler(self, request: WebSocketRequest) -> None:
        if not request.path.startswith("/ocpp/"):
            await request.reject(404)
            return
        self.headers = {k.decode().lower(): v.decode() for k, v in request.headers}
        assert "ocpp1.6" in request.proposed_subprotocols
        ws = await request.accept(subprotocol="ocpp1.6")
        self.ws = ws
        self._notify()
        try:
            while True:
                text = await ws.get_message()
                assert isinstance(text, str)
                self.received.append(text)
                await self._handle(ws, text)
                self._notify()
        except ConnectionClosed as exc:
            self.closed_code = exc.reason.code if exc.reason else None
            self._notify()

    async def _handle(self, ws: WebSocketConnection, text: str) -> None:
        try:
            msg = json.loads(text)
        except ValueError:
            # Unroutable garbage back: the charger can only see it via frames().
            await ws.send_message(json.dumps([4, "-1", "FormatViolation", "not JSON", {}]))
            return
        if msg[0] in (3, 4):
            self.responses[msg[1]] = msg
            return
        _, uid, action, _payload = msg
        if action == "BootNotification":
            reply: list[Any] = [3, uid, {"status": "Accepted", "currentTime": NOW, "interval": 300}]
        elif action == "Heartbeat":
            reply = [3, uid, {"currentTime": NOW}]
        elif action == "StatusNotification":
            reply = [3, uid, {}]
        elif action == "DataTransfer":
            return  # never answered: exercises the charger's response timeout
        elif action == "StartTransaction":
            reply = [3, uid, {"transactionId": "not-an-int"}]  # violates the schema
        elif action == "StopTransaction":
            reply = [4, uid, "WeirdCode", "non-standard", {"why": 1}]
        else:
            reply = [4, uid, "NotImplemented", "", {}]
        await ws.send_message(json.dumps(reply))

    async def send_call(self, action: str, payload: dict[str, Any]) -> str:
        assert self.ws is not None
        uid = f"csms-{next(self._ids)}"
        await self.ws.send_message(json.dumps([2, uid, action, payload]))
        return uid

    async def response(self, uid: str) -> list[Any]:
        return await self.wait_for(lambda: self.responses.get(uid))


@asynccontextmanager
async def fake_csms(ssl_context: ssl.SSLContext | None = None) -> AsyncIterator[FakeCsms]:
    fake = FakeCsms()
    async with trio.open_nursery() as nursery:
        server = await nursery.start(serve_websocket, fake.handler, "127.0.0.1", 0, ssl_context)
        fake.port = server.port
        yield fake
        nursery.cancel_scope.cancel()


async def test_full_session_against_fake_server() -> None:
    with trio.fail_after(TEST_TIMEOUT):
        async with fake_csms() as fake:
            url = f"ws://127.0.0.1:{fake.port}/ocpp/CP-1"
            async with ChargerProcess.start(url, basic_auth=("CP-1", "s3cret")) as cp:
                connected = await cp.wait_connected()
                assert connected["subprotocol"] == "ocpp1.6"
                expected = base64.b64encode(b"CP-1:s3cret").decode()
                assert fake.headers["authorization"] == f"Basic {expected}"

                # Charger-initiated CALLs through the library's call() + validation.
                boot = await cp.call("BootNotification", BOOT)
                assert boot == {"status": "Accepted", "currentTime": NOW, "interval": 300}
                assert (await cp.call("Heartbeat"))["currentTime"] == NOW
                status = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
                assert await cp.call("StatusNotification", status) == {}

                # A CALLERROR from the CSMS surfaces as ChargerCallError.
                with pytest.raises(ChargerCallError) as err:
                    await cp.call("Authorize", {"idTag": "TAG1"})
                assert (err.value.code, err.value.origin) == ("NotImplemented", "csms")

                # Non-standard error codes still surface verbatim.
                with pytest.raises(ChargerCallError) as err:
                    await cp.call(
                        "StopTransaction", {"meterStop": 5, "timestamp": NOW, "transactionId": 1}
                    )
                assert (err.value.code, err.value.description) == ("WeirdCode", "non-standard")
                assert err.value.details == {"why": 1}

                # A CALLRESULT that fails the library's schema validation.
                with pytest.raises(ChargerCallError) as err:
                    start = {"connectorId": 1, "idTag": "TAG1", "meterStart": 0, "timestamp": NOW}
                    await cp.call("StartTransaction", start)
                assert err.value.origin == "response_validation"

                # A payload the library's schema rejects never leaves the charger.
                with pytest.raises(ChargerCallError) as err:
                    await cp.call("StatusNotification", {**status, "status": "Bogus"})
                assert err.value.origin == "local"

                # CSMS-initiated CALLs: configured answer, reported as an event.
                await cp.respond({"Reset": {"status": "Rejected"}})
                uid = await fake.send_call("Reset", {"type": "Soft"})
                event = await cp.next_event("csms_call")
                assert event["action"] == "Reset"
                assert event["payload"] == {"type": "Soft"}
                assert event["uniqueId"] == uid
                assert await fake.response(uid) == [3, uid, {"status": "Rejected"}]

                # Raw frames go out verbatim; unroutable replies are observable.
                await cp.raw("this is not json")
                await fake.wait_for(lambda: "this is not json" in fake.received or None)
                await cp.call("Heartbeat")  # its reply is ordered after the garbage reply
                frames = await cp.frames()
                assert json.dumps([4, "-1", "FormatViolation", "not JSON", {}]) in frames
                assert "this is not json" in await cp.sent_frames()

                await cp.close()
                assert cp.process.returncode == 0
            await fake.wait_for(lambda: fake.closed_code)
            assert fake.closed_code == 1000


async def test_answer_modes_and_defaults() -> None:
    with trio.fail_after(TEST_TIMEOUT):
        async with fake_csms() as fake:
            url = f"ws://127.0.0.1:{fake.port}/ocpp/CP-2"
            async with ChargerProcess.start(url) as cp:
                await cp.wait_connected()
                await cp.respond(
                    {"UnlockConnector": "CALLERROR:NotSupported", "GetConfiguration": "NO_ANSWER"}
                )
                unlock = await fake.send_call("UnlockConnector", {"connectorId": 1})
                assert (await fake.response(unlock))[:3] == [4, unlock, "NotSupported"]

                silent = await fake.send_call("GetConfiguration", {})
                trigger = await fake.send_call("TriggerMessage", {"requestedMessage": "Heartbeat"})
                # The charger handles CALLs in order, so once TriggerMessage is
                # answered GetConfiguration has been (not) answered.
                assert await fake.response(trigger) == [3, trigger, {"status": "Accepted"}]
                assert silent not in fake.responses
                for action in ("UnlockConnector", "GetConfiguration", "TriggerMessage"):
                    assert (await cp.next_csms_call(action))["action"] == action

                # Back to defaults: realistic configuration store.
                await cp.respond({"GetConfiguration": None, "UnlockConnector": None})
                unlock = await fake.send_call("UnlockConnector", {"connectorId": 1})
                assert await fake.response(unlock) == [3, unlock, {"status": "Unlocked"}]
                change = await fake.send_call(
                    "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "60"}
                )
                assert await fake.response(change) == [3, change, {"status": "Accepted"}]
                get = await fake.send_call("GetConfiguration", {"key": ["HeartbeatInterval", "X"]})
                assert await fake.response(get) == [
                    3,
                    get,
                    {
                        "configurationKey": [
                            {"key": "HeartbeatInterval", "readonly": False, "value": "60"}
                        ],
                        "unknownKey": ["X"],
                    },
                ]
            # Leaving the block without close(): EOF on stdin -> clean close, exit 0.
            assert cp.process.returncode == 0
            await fake.wait_for(lambda: fake.closed_code)
            assert fake.closed_code == 1000


async def test_server_close_and_timeout() -> None:
    with trio.fail_after(TEST_TIMEOUT):
        async with fake_csms() as fake:
            url = f"ws://127.0.0.1:{fake.port}/ocpp/CP-3"
            async with ChargerProcess.start(url, response_timeout=0.5) as cp:
                await cp.wait_connected()
                with pytest.raises(ChargerCallError) as err:
                    await cp.call("DataTransfer", {"vendorId": "acme"})
                assert (err.value.code, err.value.origin) == ("Timeout", "timeout")

                assert fake.ws is not None
                await fake.ws.aclose(code=4001, reason="bye")
                closed = await cp.next_event("closed")
                assert (closed["code"], closed["reason"]) == (4001, "bye")
                assert await cp.wait_exit() == 0


async def test_rejected_handshake_reports_status() -> None:
    with trio.fail_after(TEST_TIMEOUT):
        async with fake_csms() as fake:
            url = f"ws://127.0.0.1:{fake.port}/nope/CP-1"
            async with ChargerProcess.start(url) as cp:
                with pytest.raises(ChargerConnectError) as err:
                    await cp.wait_connected()
                assert err.value.status == 404
                assert await cp.wait_exit() != 0


async def test_connection_refused_reports_no_status() -> None:
    with trio.fail_after(TEST_TIMEOUT):
        # Grab a free port and close it again so nothing listens there.
        sock = trio.socket.socket()
        await sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        async with ChargerProcess.start(f"ws://127.0.0.1:{port}/ocpp/CP-1") as cp:
            failure = await cp.connect_failure()
            assert failure.status is None
            assert "refused" in failure.error.lower() or "connect" in failure.error.lower()


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    """A throwaway site CA, a server certificate for 127.0.0.1 and a client certificate, made
    by the project's own certificate kit (no openssl binary needed)."""
    now = datetime.now(UTC)
    site = init_site(tmp_path, [], ["127.0.0.1"], now=now)
    client = issue_charger(tmp_path, "CP-TLS", now=now)
    out = tmp_path / "pki"
    out.mkdir()
    for source, name in (
        (site.files.ca_cert, "ca.pem"),
        (site.files.server_cert, "server.pem"),
        (site.files.server_key, "server.key"),
        (client.cert, "client.pem"),
        (client.key, "client.key"),
    ):
        shutil.copyfile(source, out / name)
    return out


async def test_mutual_tls(pki: Path) -> None:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki / "ca.pem"))
    ctx.load_cert_chain(str(pki / "server.pem"), str(pki / "server.key"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    with trio.fail_after(TEST_TIMEOUT):
        async with fake_csms(ctx) as fake:
            url = f"wss://127.0.0.1:{fake.port}/ocpp/CP-TLS"
            async with ChargerProcess.start(
                url,
                cafile=pki / "ca.pem",
                certfile=pki / "client.pem",
                keyfile=pki / "client.key",
            ) as cp:
                await cp.wait_connected()
                assert (await cp.call("BootNotification", BOOT))["status"] == "Accepted"
                await cp.close()
