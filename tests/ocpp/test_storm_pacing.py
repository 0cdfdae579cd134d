"""In a boot storm the box puts off its own features read after each boot (issue 21,
domain/boot_pacing.py); a request that needs the features meanwhile (a charging profile, the
load controller's safe default after a power cut) reads them itself instead of waiting for the
storm to end."""

from __future__ import annotations

import json
from typing import Any

import pytest
import trio

from capacitor_edge.domain import boot_pacing
from tests.conftest import Appliance
from tests.ocpp.helpers import BOOT, call, charger_answer, charger_socket, register
from tests.ocpp.test_interop_charging_profiles import profile


async def test_a_request_in_a_storm_reads_the_features_itself(
    appliance: Appliance, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every boot makes a storm, and the storm never pauses within the test.
    monkeypatch.setattr(boot_pacing, "STORM_BOOTS", 0.5)
    monkeypatch.setattr(boot_pacing, "QUIET_S", 3600.0)
    monkeypatch.setattr(boot_pacing, "MAX_DEFER_S", 3600.0)
    with trio.fail_after(20):
        async with appliance.client() as api:
            await register(api, "CP-S")
        async with appliance.client() as api, charger_socket(appliance, "CP-S") as ws:
            assert (await call(ws, "BootNotification", BOOT))[0] == 3
            calls: list[str] = []

            async def answer() -> None:
                while True:
                    frame: list[Any] = json.loads(await ws.get_message())
                    if frame[0] == 2:
                        calls.append(frame[2])
                        await ws.send_message(json.dumps(charger_answer(frame)))

            async with trio.open_nursery() as nursery:
                nursery.start_soon(answer)
                body = {"connectorId": 0, "csChargingProfiles": profile()}
                response = await api.post("/api/v1/chargers/CP-S/charging-profiles", json=body)
                nursery.cancel_scope.cancel()
            # It reached the charger (whose answer here is NotImplemented) without waiting.
            assert response.json()["error"]["code"] == "CHARGER_ERROR", response.text
            # The features were read for this request (the boot's own read still waits).
            assert calls == ["GetConfiguration", "SetChargingProfile"]
