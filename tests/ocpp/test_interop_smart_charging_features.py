"""A charger's smart-charging features (SupportedFeatureProfiles,
ChargingScheduleAllowedChargingRateUnit) are read by the box itself after each boot, with no
REST call, against a real third-party charger in its own process; a read that fails is made on
first use instead (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trio

from tests.ocpp.test_interop import wait_for
from tests.ocpp.test_interop_charging_profiles import SETUP, profile
from tests.ocpp.test_interop_commands import post, site

KEYS = ["SupportedFeatureProfiles", "ChargingScheduleAllowedChargingRateUnit"]


def csms_calls(events: list[dict[str, Any]]) -> list[str]:
    return [e["action"] for e in events if e["event"] == "csms_call"]


async def test_features_are_read_after_a_boot_without_any_request(tmp_path: Path) -> None:
    with trio.fail_after(60):
        features = {"SupportedFeatureProfiles": "Core,SmartCharging"}
        async with site(tmp_path, configure=features) as s:
            api, charger = s.api, s.charger
            read = await charger.next_csms_call("GetConfiguration")
            assert read["payload"] == {"key": KEYS}
            setup = await wait_for(lambda b: b["featuresReadAt"] is not None, api, SETUP)
            assert setup["supportedFeatureProfiles"] == "Core,SmartCharging"
            assert setup["featuresReadAt"].endswith("Z")
            log = (await api.get("/api/v1/chargers/CP-1/commands")).json()["commands"]
            assert [(c["action"], c["apiKeyId"], c["outcome"]) for c in log] == [
                ("GetConfiguration", "system", "answered")
            ]
            # Once: a profile then goes out with no second read before it.
            body = {"connectorId": 0, "csChargingProfiles": profile()}
            assert (await post(api, "/charging-profiles", body)).json()["status"] == "accepted"
            assert csms_calls(charger.pending_events()) == ["SetChargingProfile"]


@pytest.mark.parametrize("failure", ["CALLERROR:NotSupported", "NO_ANSWER"])
async def test_a_failed_read_after_boot_is_made_on_first_use(tmp_path: Path, failure: str) -> None:
    with trio.fail_after(60):
        features = {"SupportedFeatureProfiles": "Core"}
        async with site(tmp_path, configure=features, respond={"GetConfiguration": failure}) as s:
            api, charger = s.api, s.charger
            await charger.next_csms_call("GetConfiguration")
            outcome = "call_error" if failure.startswith("CALLERROR") else "timeout"
            log = await wait_for(
                lambda b: [c["outcome"] for c in b["commands"]] == [outcome],
                api,
                "/api/v1/chargers/CP-1/commands",
            )
            assert log["commands"][0]["apiKeyId"] == "system"
            assert (await api.get(SETUP)).json()["featuresReadAt"] is None

            await charger.respond({"GetConfiguration": None})
            body = {"connectorId": 0, "csChargingProfiles": profile()}
            refused = await post(api, "/charging-profiles", body)
            assert refused.status_code == 409, refused.text
            read = await charger.next_csms_call("GetConfiguration")
            assert read["payload"] == {"key": KEYS}
            await charger.call("Heartbeat", {})
            assert csms_calls(charger.pending_events()) == []
            setup = (await api.get(SETUP)).json()
            assert setup["supportedFeatureProfiles"] == "Core"
            assert setup["featuresReadAt"] is not None
