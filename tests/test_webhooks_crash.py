"""Deliveries survive ``kill -9`` (issue 14): the real CLI in a subprocess, a real receiver in
its own process. The event is committed, its delivery not confirmed; the box is killed; after
the restart the event is delivered (at least once, never zero)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import trio

from capacitor_edge.app.serve import DATABASE_FILE
from tests.support.server_process import ServerProcess
from tests.support.webhook_receiver import Receiver

pytestmark = pytest.mark.slow


async def test_an_event_committed_before_kill_9_is_delivered_after_the_restart(
    tmp_path: Path,
) -> None:
    # The first attempt fails (503) and the next retry is an hour away: when the box is killed
    # the event is in the journal and the webhook's cursor is still before it.
    env = {**os.environ, "CAPACITOR_EDGE_WEBHOOK_RETRY_SCHEDULE_S": "3600"}
    data_dir = tmp_path / "data"
    with trio.fail_after(90):
        async with Receiver.start("503,200") as receiver:
            async with ServerProcess.start(data_dir, env=env, expect_exit_code=None) as server:
                async with server.client() as api:
                    created = await api.post(
                        "/api/v1/webhooks",
                        json={"url": receiver.url, "events": ["charger.registered"]},
                    )
                    hook = created.json()
                    await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-K"})
                    await receiver.wait_until(lambda requests: len(requests) == 1)
                server.kill()  # SIGKILL to the program (and the binary's bootloader): no shutdown
                await server.process.wait()
            assert [r["status"] for r in receiver.requests] == [503]
            async with ServerProcess.start(data_dir, env=env) as server:
                await receiver.wait_until(lambda requests: len(requests) == 2)
                async with server.client() as api:
                    await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-K2"})
                    await receiver.wait_until(lambda requests: len(requests) == 3)
            # Stopped (SIGTERM): every queued write is committed; read the log from the file.
            with closing(sqlite3.connect(data_dir / DATABASE_FILE)) as conn:
                rows = conn.execute(
                    "SELECT event_seq, status_code FROM webhook_deliveries WHERE webhook_seq ="
                    " (SELECT seq FROM webhooks WHERE id = ?) ORDER BY id",
                    (hook["id"],),
                ).fetchall()
                cursor = conn.execute("SELECT cursor FROM webhooks").fetchone()[0]
    first, again, after = receiver.requests
    assert first["body"] == again["body"]  # the same event, id included
    assert again["status"] == 200
    assert first["body"]["data"]["chargeBoxId"] == "CP-K"
    assert after["body"]["data"]["chargeBoxId"] == "CP-K2"
    # The 503's log row is committed after the receiver answered, so the kill may beat it;
    # the deliveries that count are logged in order, and the cursor is past both.
    delivered = [f"evt_{seq}" for seq, status in rows if status == 200]
    assert delivered == [first["body"]["id"], after["body"]["id"]]
    assert f"evt_{cursor}" == after["body"]["id"]
