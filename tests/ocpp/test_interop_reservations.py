"""Reservations against a real third-party charger (the `ocpp` package's ChargePoint in its own
process) with the real CLI server (issue 17): ReserveNow accepted and refused (Faulted,
Occupied, Rejected, Unavailable, a CALLERROR), the Reserved status, StartTransaction with the
reservationId, CancelReservation accepted and rejected, conflicts the box refuses itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from tests.ocpp.authorization_site import CP, charger, events, server
from tests.support.charger_process import ChargerProcess

EXPIRY = "2099-01-01T00:00:00.000Z"


async def reserve(
    api: httpx.AsyncClient, connector_id: int, id_tag: str, **more: Any
) -> httpx.Response:
    body = {"connectorId": connector_id, "idTag": id_tag, "expiryDate": EXPIRY, **more}
    return await api.post(f"{CP}/reservations", json=body)


def reserve_calls(cp: ChargerProcess) -> int:
    return sum(1 for e in cp.all_events if e.get("action") == "ReserveNow")


async def test_reserve_show_reserved_start_with_it_and_it_is_used(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site, charger(site) as cp:
            api = site.api
            created = await reserve(api, 1, "CAR-1", parentIdTag="FLEET")
            assert created.status_code == 201, created.text
            reservation = created.json()
            assert reservation == {
                "reservationId": reservation["reservationId"],
                "chargeBoxId": "CP-1",
                "connectorId": 1,
                "idTag": "CAR-1",
                "parentIdTag": "FLEET",
                "expiryDate": EXPIRY,
                "status": "active",
                "transactionId": None,
                "createdAt": reservation["createdAt"],
                "updatedAt": reservation["updatedAt"],
            }
            assert reservation["createdAt"] <= reservation["updatedAt"]
            call = await cp.next_csms_call("ReserveNow")
            assert call["payload"] == {
                "connectorId": 1,
                "expiryDate": EXPIRY,
                "idTag": "CAR-1",
                "reservationId": reservation["reservationId"],
                "parentIdTag": "FLEET",
            }
            # The charger shows the bay as Reserved; the box shows what it says.
            status = {"connectorId": 1, "errorCode": "NoError", "status": "Reserved"}
            await cp.call("StatusNotification", status)
            connectors = (await api.get(CP)).json()["connectors"]
            assert [c["status"] for c in connectors if c["connectorId"] == 1] == ["Reserved"]

            # The box refuses, with nothing sent, what conflicts with the reservation it holds.
            calls = reserve_calls(cp)
            same_bay = await reserve(api, 1, "CAR-2")
            assert same_bay.status_code == 409
            assert same_bay.json()["error"]["code"] == "CONFLICT"
            assert "connector 1" in same_bay.json()["error"]["message"]
            same_car = await reserve(api, 2, "CAR-1")
            assert same_car.status_code == 409 and "idTag CAR-1" in same_car.text
            assert reserve_calls(cp) == calls

            start = await cp.call(
                "StartTransaction",
                {
                    "connectorId": 1,
                    "idTag": "CAR-1",
                    "meterStart": 0,
                    "timestamp": "2026-02-06T12:00:00Z",
                    "reservationId": reservation["reservationId"],
                },
            )
            listed = (await api.get(f"{CP}/reservations")).json()["reservations"]
            assert [(r["status"], r["transactionId"]) for r in listed] == [
                ("used", start["transactionId"])
            ]
            journal = await events(api, "reservation.created,reservation.used")
            assert [e["event"] for e in journal] == ["reservation.created", "reservation.used"]
            assert journal[1]["data"]["transactionId"] == start["transactionId"]
            # Used: the bay can be reserved again.
            assert (await reserve(api, 1, "CAR-2")).status_code == 201


async def test_cancel_accepted_then_rejected(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site, charger(site) as cp:
            api = site.api
            first = (await reserve(api, 0, "CAR-1")).json()
            cancelled = await api.delete(f"{CP}/reservations/{first['reservationId']}")
            assert cancelled.status_code == 200, cancelled.text
            assert cancelled.json()["status"] == "cancelled"
            call = await cp.next_csms_call("CancelReservation")
            assert call["payload"] == {"reservationId": first["reservationId"]}
            again = await api.delete(f"{CP}/reservations/{first['reservationId']}")
            assert again.status_code == 409 and "already cancelled" in again.text
            missing = await api.delete(f"{CP}/reservations/999")
            assert missing.status_code == 404

            second = (await reserve(api, 0, "CAR-1")).json()
            await cp.respond({"CancelReservation": {"status": "Rejected"}})
            refused = await api.delete(f"{CP}/reservations/{second['reservationId']}")
            assert refused.status_code == 409
            assert refused.json()["error"]["code"] == "RESERVATION_REFUSED"
            listed = (await api.get(f"{CP}/reservations")).json()["reservations"]
            assert [r["status"] for r in listed] == ["active", "cancelled"]
            journal = await events(api, "reservation.cancelled")
            assert [e["data"]["reservationId"] for e in journal] == [first["reservationId"]]


@pytest.mark.parametrize("answer", ["Faulted", "Occupied", "Rejected", "Unavailable"])
async def test_a_refused_reservation_is_a_409_with_the_reason(tmp_path: Path, answer: str) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site, charger(site) as cp:
            await cp.respond({"ReserveNow": {"status": answer}})
            refused = await reserve(site.api, 1, "CAR-1")
            assert refused.status_code == 409
            error = refused.json()["error"]
            assert error["code"] == "RESERVATION_REFUSED"
            assert error["message"] == f"Reservation refused by charger CP-1: {answer}"
            # Nothing held: the list is empty and the bay can be tried again.
            assert (await site.api.get(f"{CP}/reservations")).json()["reservations"] == []
            await cp.respond({"ReserveNow": None})
            assert (await reserve(site.api, 1, "CAR-1")).status_code == 201


async def test_a_charger_without_reservations_answers_a_callerror(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site, charger(site) as cp:
            await cp.respond({"ReserveNow": "CALLERROR:NotSupported:no reservations here"})
            failed = await reserve(site.api, 1, "CAR-1")
            assert failed.status_code == 502
            assert failed.json()["error"]["chargerErrorCode"] == "NotSupported"
            assert (await site.api.get(f"{CP}/reservations")).json()["reservations"] == []
            await cp.close()
            offline = await reserve(site.api, 1, "CAR-1")
            assert offline.status_code == 503
