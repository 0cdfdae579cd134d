"""DataTransfer to the simulated charger (`capacitor-edge simulate`): its own vendor's Echo
message comes back, other vendors and messages get the statuses OCPP 1.6 §5.6 names."""

from __future__ import annotations

import trio

from capacitor_edge.simulator.scenarios import Simulation
from tests.conftest import Appliance
from tests.test_simulator import options_for, post, running


async def test_the_simulator_answers_data_transfer(appliance: Appliance) -> None:
    with trio.fail_after(40):
        options = options_for(appliance, connectors=1, duration_s=300, id_prefix="CMD-")
        simulation = Simulation(options)
        async with running(simulation), appliance.client() as api:
            await simulation.stats.all_reported.wait()
            echo = await post(api, "/data-transfer", {"vendorId": "Capacitor", "data": "ping"})
            assert echo.json()["status"] == "accepted"
            assert echo.json()["data"] == "ping"
            other = await post(
                api, "/data-transfer", {"vendorId": "Capacitor", "messageId": "Price"}
            )
            assert other.json()["status"] == "unknown_message_id"
            vendor = await post(api, "/data-transfer", {"vendorId": "com.example"})
            assert vendor.json()["status"] == "unknown_vendor_id"
            assert vendor.json()["message"] == "Data transfer refused by charger: unknown vendorId"
