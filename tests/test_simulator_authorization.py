"""The simulated charger (``capacitor-edge simulate``) against the real in-process appliance:
it answers the Local Auth List Management and Reservation profiles' commands as a charger
does (issue 17), and the box keeps its list up to date by itself."""

from __future__ import annotations

import trio

from capacitor_edge.simulator.authorization import state_of
from capacitor_edge.simulator.scenarios import Simulation
from tests.conftest import Appliance
from tests.test_simulator import options_for, reported, running

EXPIRY = "2099-01-01T00:00:00Z"
CP = "/api/v1/chargers/AUT-0001"


async def test_local_lists_and_reservations_on_the_simulated_charger(appliance: Appliance) -> None:
    with trio.fail_after(40):
        options = options_for(appliance, connectors=2, duration_s=300, id_prefix="AUT-")
        simulation = Simulation(options)
        async with running(simulation), appliance.client() as api:
            charger = simulation.charger("AUT-0001")
            await reported(charger)
            created = await api.post("/api/v1/id-tags", json={"idTag": "CAR-1"})
            assert created.status_code == 201
            # The box sends the new tag by itself (the simulator lists the profile).
            await charger.wait_until(lambda: "CAR-1" in state_of(charger).entries)
            assert state_of(charger).entries["CAR-1"] == {"status": "Accepted"}
            view = (await api.get("/api/v1/chargers/AUT-0001/local-list")).json()
            assert view["versionOnCharger"] == state_of(charger).list_version > 0
            full = await api.post(CP + "/local-list", json={"updateType": "Full"})
            assert full.json()["status"] == "accepted"

            body = {"connectorId": 1, "idTag": "CAR-1", "expiryDate": EXPIRY}
            reserved = await api.post(CP + "/reservations", json=body)
            assert reserved.status_code == 201, reserved.text
            await charger.wait_until(lambda: charger.reported.get(1) == "Reserved")
            # The box refuses a second one for the bay itself; the charger refuses a bay
            # that does not exist.
            assert (await api.post(CP + "/reservations", json=body)).status_code == 409
            missing = await api.post(
                CP + "/reservations", json={**body, "connectorId": 9, "idTag": "CAR-2"}
            )
            assert missing.json()["error"]["code"] == "RESERVATION_REFUSED"
            assert "Rejected" in missing.json()["error"]["message"]
            number = reserved.json()["reservationId"]
            cancelled = await api.delete(f"/api/v1/chargers/AUT-0001/reservations/{number}")
            assert cancelled.json()["status"] == "cancelled"
            await charger.wait_until(lambda: charger.reported.get(1) == "Available")
