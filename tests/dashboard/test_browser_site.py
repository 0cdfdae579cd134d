"""The dashboard's site views in a real headless Chromium (issue 18): the site board grouped by
circuit with a Reserved connector's reservation, the charger's connection block, the site load
view with its chart updating live, and the installer running the self-test against the box."""

from __future__ import annotations

from pathlib import Path

import pytest
import trio

from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance
from tests.dashboard.browser import Browser, chromium, screenshot_dir
from tests.dashboard.test_browser import charger_url
from tests.ocpp.test_interop import BOOT, status
from tests.support.charger_process import ChargerProcess
from tests.support.dashboard import create_user

pytestmark = pytest.mark.slow

TIMEOUT_S = 150.0
SITE = {
    "circuits": [
        {"id": "grid", "name": "Grid connection", "maxCurrentA": 100},
        {"id": "bays", "name": "Bays 1-4", "parentId": "grid", "maxCurrentA": 63},
    ],
    "chargers": [{"chargeBoxId": "CP-1", "circuitId": "bays", "maxCurrentA": 32}],
    "meter": {"source": "rest"},
}
RESERVATION = {"connectorId": 2, "idTag": "TAG-R", "expiryDate": "2099-01-01T00:00:00Z"}


async def test_site_board_by_circuit_connection_site_load_and_selftest(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, load_history_interval_s="0.2")
    appliance = await start_appliance(nursery, settings)
    try:
        with trio.fail_after(TIMEOUT_S):
            await trio.to_thread.run_sync(create_user, appliance.database, "ada", "admin")
            async with appliance.client() as api:
                for body in ({"chargeBoxId": "CP-1", "name": "Bay 1"}, {"chargeBoxId": "CP-9"}):
                    assert (await api.post("/api/v1/chargers", json=body)).is_success
                assert (await api.put("/api/v1/site", json=SITE)).is_success
                assert await api.put("/api/v1/site/meter", json={"currentA": [10, 12, 8]})
            async with (
                ChargerProcess.start(charger_url(appliance, "CP-1")) as charger,
                chromium(appliance.endpoints.http_url, screenshot_dir(tmp_path)) as browser,
            ):
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                for connector in (1, 2):
                    when = "2026-02-06T11:00:00Z"
                    await charger.call("StatusNotification", status(connector, "Available", when))
                await charger.respond({"ReserveNow": {"status": "Accepted"}})
                async with appliance.client() as api:
                    made = await api.post("/api/v1/chargers/CP-1/reservations", json=RESERVATION)
                    assert made.status_code == 201, made.text
                await charger.call(
                    "StatusNotification", status(2, "Reserved", "2026-02-06T11:01:00Z")
                )

                await browser.log_in("ada")
                await board_grouped_by_circuit(browser)
                await browser.open("/dashboard/chargers/CP-1")
                await browser.text_of("#identity", "127.0.0.1")
                await browser.text_of("#identity", "0 (no authentication)")
                await site_load_live(browser, appliance)
                await browser.open("/dashboard/installer")
                await browser.click("#run-selftest")
                await browser.text_of("#selftest-outcome", "PASSED")
                await browser.text_of("#selftest", "remote stop ends the transaction")
                await browser.screenshot("installer-selftest")
                await browser.open("/dashboard/installer")  # kept: shown again on a new visit
                await browser.text_of("#selftest-outcome", "PASSED")
    finally:
        await stop_appliance(appliance)


async def board_grouped_by_circuit(browser: Browser) -> None:
    bays = 'section.circuit-group[data-circuit="bays"]'
    reserved = f'{bays} .tile[data-charger="CP-1"][data-connector="2"][data-status="Reserved"]'
    await browser.text_of(reserved, "for TAG-R until")
    await browser.text_of(f"{bays} .meta", "limit ")
    # A charger the site does not name is shown too, under its own heading.
    await browser.element('section.circuit-group[data-circuit=""] article[data-charger="CP-9"]')
    await browser.screenshot("board-circuits")


async def site_load_live(browser: Browser, appliance: Appliance) -> None:
    await browser.open("/dashboard/site")
    await browser.live()
    grid = '.circuit[data-circuit="grid"]'
    await browser.text_of(f'{grid} td[data-what="measured"]', "L1 10.0 A")
    await browser.element(f'{grid} polyline[data-series="measured L2"]')
    await browser.element(f'{grid} polyline[data-series="limit"]')
    await browser.script("window.notReloaded = true;")
    async with appliance.client() as api:
        assert (await api.put("/api/v1/site/meter", json={"currentA": [30, 12, 8]})).is_success
    await browser.text_of(f'{grid} td[data-what="measured"]', "L1 30.0 A")
    assert await browser.script("return window.notReloaded === true")
    await browser.screenshot("site")
