"""The graceful-shutdown contract, over the real CLI in a subprocess and a real charger:

SIGTERM → the listeners stop accepting, chargers get close 1001, an in-flight REST request
finishes, every acknowledged write is committed, and the process exits 0 within 3 s even with an
idle HTTP keep-alive connection open.
"""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest
import trio

from tests.ocpp.test_interop import BOOT
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import STOP_BOUND_S, ServerProcess

pytestmark = pytest.mark.slow

#: Far above the bound the test gives the exit (STOP_BOUND_S): exiting within that bound shows
#: the box did not wait for this timeout, with idle keep-alive connections and chargers open.
SHUTDOWN_TIMEOUT_S = 3 * STOP_BOUND_S


async def read_until(stream: trio.SocketStream, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = await stream.receive_some(65536)
        if not chunk:
            raise AssertionError(f"connection closed before {marker!r}: {data!r}")
        data += chunk
    return data


async def refused(host: str, port: int) -> None:
    """Wait until ``host:port`` refuses connections (polled: nothing reports the close)."""
    while True:
        try:
            stream = await trio.open_tcp_stream(host, port)
        except OSError:
            return
        await stream.aclose()
        await trio.sleep(0.01)


async def test_sigterm_closes_chargers_1001_finishes_requests_commits_and_exits_0(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    with trio.fail_after(90):
        config = tmp_path / "capacitor.toml"
        config.write_text(f"shutdown_timeout_s = {SHUTDOWN_TIMEOUT_S}\n")
        async with ServerProcess.start(data_dir, ["--config", str(config)]) as server:
            headers = {"X-API-Key": server.api_key}
            async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as api:
                created = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                assert created.status_code == 201, created.text
                # `api` keeps its connection open and idle from here on (keep-alive).

                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.wait_connected()
                    boot = await charger.call("BootNotification", BOOT)
                    assert boot["status"] == "Accepted"
                    answered = []
                    for connector, status in [(1, "Preparing"), (1, "Charging"), (2, "Faulted")]:
                        await charger.call(
                            "StatusNotification",
                            {"connectorId": connector, "status": status, "errorCode": "NoError"},
                        )
                        answered.append((connector, status))

                    # An in-flight REST request: headers sent, body held back. The 100 Continue
                    # shows hypercorn has handed the request to the app.
                    body = json.dumps({"chargeBoxId": "CP-LATE"}).encode()
                    host = server.http_url.removeprefix("http://")
                    address, port = host.rsplit(":", 1)
                    raw = await trio.open_tcp_stream(address, int(port))
                    await raw.send_all(
                        b"POST /api/v1/chargers HTTP/1.1\r\n"
                        + f"Host: {host}\r\n".encode()
                        + f"X-API-Key: {server.api_key}\r\n".encode()
                        + b"Content-Type: application/json\r\n"
                        + f"Content-Length: {len(body)}\r\n".encode()
                        + b"Expect: 100-continue\r\n\r\n"
                    )
                    assert b" 100 " in await read_until(raw, b"\r\n\r\n")

                    server.process.send_signal(signal.SIGTERM)
                    await server.wait_for_stderr("shutting down")

                    # Both listeners stop accepting (the REST one a moment after the trigger:
                    # hypercorn closes it from its own task).
                    ocpp_host, ocpp_port = server.ocpp_url.removeprefix("ws://").rsplit(":", 1)
                    await refused(address, int(port))
                    await refused(ocpp_host, int(ocpp_port))

                    # The request in flight still completes.
                    await raw.send_all(body)
                    answer = await read_until(raw, b"CP-LATE")
                    assert answer.startswith(b"HTTP/1.1 201"), answer
                    await raw.aclose()

                    closed = await charger.next_event("closed")
                    assert closed["code"] == 1001, closed

                    with trio.fail_after(STOP_BOUND_S):
                        code = await server.process.wait()
                    assert code == 0, server.stderr_text()

    db = sqlite3.connect(data_dir / "capacitor.db")
    try:
        charger_row = db.execute(
            "SELECT seq, vendor, model FROM chargers WHERE charge_box_id = 'CP-1'"
        ).fetchone()
        assert charger_row[1:] == ("ABB", "Terra AC")
        history = db.execute(
            "SELECT connector_id, status FROM status_notifications WHERE charger_seq = ? "
            "ORDER BY id",
            (charger_row[0],),
        ).fetchall()
        assert history == answered
        late = db.execute("SELECT COUNT(*) FROM chargers WHERE charge_box_id = 'CP-LATE'")
        assert late.fetchone()[0] == 1
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
