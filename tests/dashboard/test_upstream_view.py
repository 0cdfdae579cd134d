"""The installer view's upstream section (issue 20) in a real headless Chromium: with
``upstream_url`` set, each charger's link to the third-party upstream (its own process) shows
connected, then - the upstream killed while the charger goes on - not connected, with the
messages waiting in the outbox and the last error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import trio

from capacitor_edge.app.serve import DATABASE_FILE
from tests.dashboard.browser import chromium, screenshot_dir
from tests.support.charger_process import ChargerProcess
from tests.support.dashboard import create_user
from tests.support.server_process import ServerProcess
from tests.support.upstream_process import UpstreamProcess

pytestmark = pytest.mark.slow

ROW = 'tr[data-upstream="CP-1"]'


async def test_the_installer_sees_each_chargers_upstream_link(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with trio.fail_after(120):
        async with UpstreamProcess.start(tmp_path / "upstream.jsonl") as upstream:
            env = {**os.environ, "CAPACITOR_EDGE_UPSTREAM_URL": upstream.url}
            async with (
                ServerProcess.start(data, env=env) as server,
                server.client() as api,
            ):
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                await trio.to_thread.run_sync(create_user, data / DATABASE_FILE, "ian", "viewer")
                async with (
                    ChargerProcess.start(server.charger_url("CP-1")) as charger,
                    chromium(server.http_url, screenshot_dir(tmp_path)) as browser,
                ):
                    await charger.wait_connected()
                    await charger.call(
                        "BootNotification",
                        {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"},
                    )
                    await browser.log_in("ian")
                    await browser.open("/dashboard/installer")
                    await browser.element(f'{ROW}[data-connected="yes"]')
                    assert (
                        await browser.script("return document.getElementById('upstream').hidden")
                        is False
                    )

                    upstream.kill()  # the WAN is down; the charger carries on
                    await charger.call(
                        "StatusNotification",
                        {"connectorId": 1, "errorCode": "NoError", "status": "Available"},
                    )
                    await browser.element(f'{ROW}[data-connected="no"] td[data-depth="1"]')
                    await browser.text_of(ROW, "not connected")
                    last_error = await browser.script(
                        "return document.querySelector(arguments[0]).lastElementChild.innerText",
                        ROW,
                    )
                    assert last_error not in ("", "—")  # why the link is down
