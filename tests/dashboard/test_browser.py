"""The dashboard in a real headless Chromium (issue 18, "What must be shown"): log in, see a
connector turn from Available to Charging live when a third-party charger (the ``ocpp``
package's ChargePoint, in its own process) says so, stop the session from the page, see a
refused charger and register it, a viewer without operator buttons whose forged POST is refused,
a change without the CSRF token refused, logout. With ``CAPACITOR_SCREENSHOTS=1`` it leaves the
README's screenshots of each view at phone and laptop widths in docs/screenshots/ (otherwise in
the test's tmp_path, so a test run leaves the working tree clean).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trio
from selenium.webdriver.common.by import By

from tests.conftest import Appliance
from tests.dashboard.browser import Browser, chromium, screenshot_dir
from tests.ocpp.test_interop import BOOT, status
from tests.support.charger_process import ChargerProcess
from tests.support.dashboard import create_user

pytestmark = pytest.mark.slow

TIMEOUT_S = 120.0
TILE = '.tile[data-charger="CP-1"][data-connector="1"]'


def charger_url(appliance: Appliance, charge_box_id: str) -> str:
    return f"{appliance.endpoints.ocpp_url}/ocpp/{charge_box_id}"


async def history(charger: ChargerProcess) -> None:
    """Two finished sessions on the days before, for the energy-per-day chart."""
    for day, energy in (("2026-02-04", 18_400), ("2026-02-05", 9_700)):
        started = await charger.call(
            "StartTransaction",
            {"connectorId": 1, "idTag": "TAG-A", "meterStart": 0, "timestamp": f"{day}T08:00:00Z"},
        )
        await charger.call(
            "StopTransaction",
            {
                "transactionId": started["transactionId"],
                "meterStop": energy,
                "timestamp": f"{day}T10:00:00Z",
            },
        )


def meter(transaction_id: int, minute: int, wh: int, watts: int) -> dict[str, Any]:
    return {
        "connectorId": 1,
        "transactionId": transaction_id,
        "meterValue": [
            {
                "timestamp": f"2026-02-06T11:{minute:02d}:00Z",
                "sampledValue": [
                    {"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                    {"value": str(watts), "measurand": "Power.Active.Import", "unit": "W"},
                ],
            }
        ],
    }


async def test_an_operator_sees_a_charger_live_stops_its_session_and_registers_another(
    appliance: Appliance, tmp_path: Path
) -> None:
    with trio.fail_after(TIMEOUT_S):
        await trio.to_thread.run_sync(create_user, appliance.database, "ada", "admin")
        async with appliance.client() as api:
            registered = await api.post(
                "/api/v1/chargers",
                json={"chargeBoxId": "CP-1", "name": "Bay 1", "location": "Level -1"},
            )
            assert registered.status_code == 201
            assert (await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-2"})).is_success
        async with (
            ChargerProcess.start(charger_url(appliance, "CP-1")) as charger,
            chromium(appliance.endpoints.http_url, screenshot_dir(tmp_path)) as browser,
        ):
            await charger.wait_connected()
            await charger.call("BootNotification", BOOT)
            await history(charger)
            await charger.call("StatusNotification", status(1, "Available", "2026-02-06T11:00:00Z"))
            await charger.call("StatusNotification", status(2, "Faulted", "2026-02-06T11:00:00Z"))

            await browser.log_in("ada")
            await browser.live()
            await browser.wait(
                lambda d: (
                    d.execute_script(
                        "return document.querySelector(arguments[0])?.dataset.status", TILE
                    )
                    == "Available"
                )
            )
            # A mark on this page: if the page reloaded, the mark is gone.
            await browser.script("window.notReloaded = true;")

            started = await charger.call(
                "StartTransaction",
                {
                    "connectorId": 1,
                    "idTag": "TAG-A",
                    "meterStart": 0,
                    "timestamp": "2026-02-06T11:00:00Z",
                },
            )
            transaction_id = started["transactionId"]
            await charger.call("StatusNotification", status(1, "Charging", "2026-02-06T11:00:05Z"))
            await browser.element(f'{TILE}[data-status="Charging"]')
            for minute, wh, watts in ((5, 900, 10_800), (10, 1_800, 11_000), (15, 2_600, 9_600)):
                await charger.call("MeterValues", meter(transaction_id, minute, wh, watts))
            await browser.text_of(TILE, "2.60 kWh")
            assert await browser.script("return window.notReloaded === true")
            await browser.screenshot("board")

            await browser.open("/dashboard/chargers/CP-1")
            await browser.live()
            await browser.text_of("#connectors", "Charging")
            await browser.text_of("#trace", "MeterValues")
            await browser.screenshot("charger")

            await charger.respond({"RemoteStopTransaction": {"status": "Accepted"}})
            await browser.open("/dashboard/sessions")
            await browser.live()
            row = f'tr[data-transaction="{transaction_id}"]'
            await browser.element(f'{row}[data-status="active"]')
            await browser.click(f"{row} button")  # "Chart": power over the session
            await browser.element("#power polyline")
            await browser.screenshot("sessions")
            await browser.click(f'button[data-stop="{transaction_id}"]')
            stop = await charger.next_csms_call("RemoteStopTransaction")
            assert stop["payload"]["transactionId"] == transaction_id
            await browser.text_of("#outcome", f"Stop session {transaction_id}: ")
            await charger.call(
                "StopTransaction",
                {
                    "transactionId": transaction_id,
                    "meterStop": 2_700,
                    "timestamp": "2026-02-06T11:16:00Z",
                    "reason": "Remote",
                },
            )
            # The list follows the event stream: the row turns completed by itself.
            await browser.element(f'{row}[data-status="completed"]')

            async with ChargerProcess.start(charger_url(appliance, "CP-NEW")) as stranger:
                await stranger.connect_failure()
            await browser.open("/dashboard/installer")
            await browser.click('button[data-register="CP-NEW"]')
            await browser.text_of("#outcome", "Registered CP-NEW")
            await browser.text_of('tr[data-attempt="CP-NEW"]', "registered")
            await browser.screenshot("installer")
            async with appliance.client() as api:
                assert (await api.get("/api/v1/chargers/CP-NEW")).status_code == 200

            async with appliance.client() as api:
                # Port 9 (discard) on loopback: nothing listens, so a delivery fails at once.
                hook = {"url": "http://127.0.0.1:9/", "events": ["*"]}
                assert (await api.post("/api/v1/webhooks", json=hook)).status_code == 201
            await browser.open("/dashboard/admin")
            await browser.text_of("#users", "ada")
            await browser.run(lambda: browser.driver.find_element(By.ID, "k-name").send_keys("POS"))
            await browser.click('#new-key button[type="submit"]')
            await browser.text_of("#new-key-secret", "cap_live_")  # shown once, here
            await browser.text_of("#keys", "POS")
            await browser.click('#hooks button[data-action="test"]')
            await browser.text_of("#outcome", "Test: failed")
            await browser.text_of("#hooks", "webhook.test")  # in the delivery log
            await browser.screenshot("admin")

            await browser.click("#logout")
            await browser.element("#login")
            await browser.screenshot("login")
            await browser.open("/dashboard/")
            await browser.element("#login")  # logged out: back to the login form


async def test_a_viewer_sees_no_operator_buttons_and_forged_changes_are_refused(
    appliance: Appliance, tmp_path: Path
) -> None:
    with trio.fail_after(TIMEOUT_S):
        for name, role in (("vic", "viewer"), ("otto", "operator")):
            await trio.to_thread.run_sync(create_user, appliance.database, name, role)
        async with appliance.client() as api:
            assert (await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})).is_success
        async with chromium(appliance.endpoints.http_url, screenshot_dir(tmp_path)) as browser:
            await browser.log_in("vic")
            await browser.open("/dashboard/chargers/CP-1")
            await browser.text_of("#identity", "Registered")
            await viewer_sees_no_commands(browser)
            # The page's own script, token and all, cannot change anything as a viewer.
            assert await browser.fetch_status("POST", "/api/v1/chargers/CP-1/reset", True) == 403
            assert await browser.fetch_status("DELETE", "/api/v1/chargers/CP-1", True) == 403
            await browser.open("/dashboard/admin")
            assert "may not open" in await browser.script("return document.body.innerText")
            await browser.open("/dashboard/")
            await browser.click("#logout")
            await browser.element("#login")

            await browser.log_in("otto")
            await browser.open("/dashboard/chargers/CP-1")
            await browser.element('#commands form[data-command="Reset"]')
            # Without the CSRF token the cookie alone does nothing.
            assert await browser.fetch_status("DELETE", "/api/v1/chargers/CP-1", False) == 403
            assert await browser.fetch_status("DELETE", "/api/v1/chargers/CP-1", True) == 200


async def viewer_sees_no_commands(browser: Browser) -> None:
    assert await browser.script("return document.querySelector('#commands') === null")
    await browser.open("/dashboard/installer")
    await browser.live()
    assert await browser.script("return document.querySelectorAll('button.primary').length") == 0
    await browser.open("/dashboard/")
    assert "Admin" not in await browser.script("return document.querySelector('nav').innerText")
