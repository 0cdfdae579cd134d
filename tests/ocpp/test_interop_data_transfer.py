"""DataTransfer (OCPP 1.6 §5.6) over REST against a real third-party charger (the `ocpp`
package's asyncio ChargePoint in its own process), with the real CLI server in another."""

from __future__ import annotations

from pathlib import Path

import trio

from tests.ocpp.test_interop_commands import post, site


async def test_data_transfer_gets_the_chargers_status_and_data(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            await charger.respond({"DataTransfer": {"status": "Accepted", "data": "42"}})
            body = {"vendorId": "com.example", "messageId": "Price", "data": '{"eur":0.3}'}
            accepted = await post(api, "/data-transfer", body)
            assert accepted.status_code == 200, accepted.text
            assert accepted.json() == {
                "message": "Data transfer accepted by charger",
                "chargeBoxId": "CP-1",
                "vendorId": "com.example",
                "messageId": "Price",
                "data": "42",
                "status": "accepted",
            }
            sent = await charger.next_csms_call("DataTransfer")
            assert sent["payload"] == body  # camelCase on the wire, as the schema names it

            await charger.respond({"DataTransfer": {"status": "UnknownVendorId"}})
            unknown = await post(api, "/data-transfer", {"vendorId": "org.other"})
            assert unknown.status_code == 200
            assert unknown.json()["status"] == "unknown_vendor_id"
            assert unknown.json()["data"] is None
            # Unset optional fields are left out on the wire (the schema has no nulls).
            assert (await charger.next_csms_call("DataTransfer"))["payload"] == {
                "vendorId": "org.other"
            }

            await charger.respond({"DataTransfer": "CALLERROR:NotImplemented:no vendors"})
            failed = await post(api, "/data-transfer", {"vendorId": "com.example"})
            assert failed.status_code == 502
            assert failed.json()["error"]["chargerErrorCode"] == "NotImplemented"

            missing = await post(api, "/data-transfer", {"messageId": "Price"})
            assert missing.status_code == 400
            assert missing.json()["error"]["message"].startswith("vendorId")

            log = (await api.get("/api/v1/chargers/CP-1/commands")).json()["commands"]
            assert [(c["action"], c["outcome"]) for c in log[:3]] == [
                ("DataTransfer", "call_error"),
                ("DataTransfer", "answered"),
                ("DataTransfer", "answered"),
            ]
            assert log[2]["request"] == body
            assert log[2]["response"] == {"status": "Accepted", "data": "42"}
