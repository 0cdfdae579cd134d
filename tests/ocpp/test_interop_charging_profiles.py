"""Charging profiles over REST (OCPP 1.6 §3.13, §5.5, §5.7, §5.16) against a real third-party
charger (the `ocpp` package's asyncio ChargePoint in its own process), with the real CLI server
in another: the exact payloads on the wire, the charger's answers in the registry, the checks
made before anything is sent, and the re-application after a reboot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import trio

from tests.ocpp.test_interop import BOOT, wait_for
from tests.ocpp.test_interop_commands import post, site
from tests.support.charger_process import ChargerProcess

START = "2026-02-06T08:00:00.000Z"
SETUP = "/api/v1/chargers/CP-1/smart-charging"


def profile(
    profile_id: int = 1,
    purpose: str = "TxDefaultProfile",
    *,
    stack_level: int = 0,
    unit: str = "A",
    limits: tuple[float, ...] = (16.0,),
    **extra: Any,
) -> dict[str, Any]:
    return {
        "chargingProfileId": profile_id,
        "stackLevel": stack_level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": [
                {"startPeriod": 600 * i, "limit": limit} for i, limit in enumerate(limits)
            ],
        },
        **extra,
    }


async def registry(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The charger's registry, newest first."""
    listed = await api.get("/api/v1/chargers/CP-1/charging-profiles")
    assert listed.status_code == 200, listed.text
    entries: list[dict[str, Any]] = listed.json()["chargingProfiles"]
    return entries


async def test_set_clear_and_composite_round_trips(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            body = {"connectorId": 0, "csChargingProfiles": profile(7, limits=(32.0, 16.0))}
            accepted = await post(api, "/charging-profiles", body)
            assert accepted.status_code == 200, accepted.text
            assert accepted.json() == {
                "message": "Charging profile accepted by charger",
                "chargeBoxId": "CP-1",
                "connectorId": 0,
                "status": "accepted",
                "registryId": 1,
                "csChargingProfiles": body["csChargingProfiles"],
            }
            # Its features were read first, once, then the profile went out exactly as asked.
            features = await charger.next_csms_call("GetConfiguration")
            assert features["payload"] == {
                "key": ["SupportedFeatureProfiles", "ChargingScheduleAllowedChargingRateUnit"]
            }
            assert (await charger.next_csms_call("SetChargingProfile"))["payload"] == body

            await charger.respond({"SetChargingProfile": {"status": "Rejected"}})
            rejected = await post(api, "/charging-profiles", {**body, "connectorId": 1})
            assert rejected.json()["status"] == "rejected"
            await charger.respond({"SetChargingProfile": {"status": "NotSupported"}})
            unsupported = await post(api, "/charging-profiles", body)
            assert unsupported.json()["status"] == "not_supported"
            await charger.respond({"SetChargingProfile": None})
            again = await post(api, "/charging-profiles", {**body, "connectorId": 2})
            assert again.json()["status"] == "accepted"
            assert [c["action"] for c in charger.pending_events()].count("GetConfiguration") == 0

            entries = await registry(api)
            assert [(e["connectorId"], e["status"], e["clearedBy"]) for e in entries] == [
                (2, "accepted", None),
                (0, "not_supported", None),
                (1, "rejected", None),
                # OCPP 1.6 §5.16: the same chargingProfileId replaces it.
                (0, "accepted", "replaced"),
            ]

            cleared = await api.delete("/api/v1/chargers/CP-1/charging-profiles/7")
            assert cleared.status_code == 200, cleared.text
            assert cleared.json() == {
                "message": "Clear accepted by charger",
                "chargeBoxId": "CP-1",
                "chargingProfileId": 7,
                "status": "accepted",
                "cleared": 1,
            }
            assert (await charger.next_csms_call("ClearChargingProfile"))["payload"] == {"id": 7}
            assert (await registry(api))[0]["clearedBy"] == "clear"

            await charger.respond({"ClearChargingProfile": {"status": "Unknown"}})
            by_criteria = await api.delete(
                "/api/v1/chargers/CP-1/charging-profiles",
                params={"connectorId": 1, "purpose": "TxDefaultProfile", "stackLevel": 0},
            )
            assert by_criteria.json()["status"] == "unknown"
            assert by_criteria.json()["cleared"] == 0
            assert (await charger.next_csms_call("ClearChargingProfile"))["payload"] == {
                "connectorId": 1,
                "chargingProfilePurpose": "TxDefaultProfile",
                "stackLevel": 0,
            }

            schedule = {
                "chargingRateUnit": "W",
                "duration": 3600,
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11040.0}],
            }
            await charger.respond(
                {
                    "GetCompositeSchedule": {
                        "status": "Accepted",
                        "connectorId": 1,
                        "scheduleStart": START,
                        "chargingSchedule": schedule,
                    }
                }
            )
            composite = await api.get(
                "/api/v1/chargers/CP-1/connectors/1/composite-schedule",
                params={"duration": 3600, "chargingRateUnit": "W"},
            )
            assert composite.status_code == 200, composite.text
            assert composite.json() == {
                "chargeBoxId": "CP-1",
                "connectorId": 1,
                "status": "accepted",
                "scheduleStart": START,
                "chargingSchedule": schedule,
            }
            assert (await charger.next_csms_call("GetCompositeSchedule"))["payload"] == {
                "connectorId": 1,
                "duration": 3600,
                "chargingRateUnit": "W",
            }
            # In amperes: 11040 W over 3 phases at 230 V is 16 A per phase.
            in_amps = await api.get(
                "/api/v1/chargers/CP-1/connectors/1/composite-schedule",
                params={"duration": 3600, "chargingRateUnit": "A"},
            )
            periods = in_amps.json()["chargingSchedule"]["chargingSchedulePeriod"]
            assert periods == [{"startPeriod": 0, "limit": 16.0}]


async def test_profiles_are_checked_before_the_wire(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            tx = profile(purpose="TxProfile")
            bad: list[tuple[dict[str, Any], str]] = [
                ({"connectorId": 1, "csChargingProfiles": tx}, "csChargingProfiles."),
                (
                    {
                        "connectorId": 3,
                        "csChargingProfiles": profile(purpose="ChargePointMaxProfile"),
                    },
                    "connectorId",
                ),
                (
                    {"connectorId": 0, "csChargingProfiles": profile(limits=(-1.0,))},
                    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit",
                ),
                (
                    {"connectorId": 0, "csChargingProfiles": profile(stack_level=-1)},
                    "csChargingProfiles.stackLevel",
                ),
                (
                    {"connectorId": 0, "csChargingProfiles": profile(unit="kW")},
                    "csChargingProfiles.chargingSchedule.chargingRateUnit",
                ),
                (
                    {
                        "connectorId": 0,
                        "csChargingProfiles": profile(recurrencyKind="Daily"),
                    },
                    "csChargingProfiles.recurrencyKind",
                ),
                (
                    {
                        "connectorId": 0,
                        "csChargingProfiles": profile(
                            validFrom="2027-01-02T00:00:00Z", validTo="2027-01-01T00:00:00Z"
                        ),
                    },
                    "csChargingProfiles.validTo",
                ),
            ]
            out_of_order = profile(limits=(16.0, 8.0))
            out_of_order["chargingSchedule"]["chargingSchedulePeriod"][1]["startPeriod"] = 0
            bad.append(
                (
                    {"connectorId": 0, "csChargingProfiles": out_of_order},
                    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].startPeriod",
                )
            )
            late_start = profile()
            late_start["chargingSchedule"]["chargingSchedulePeriod"][0]["startPeriod"] = 60
            bad.append(
                (
                    {"connectorId": 0, "csChargingProfiles": late_start},
                    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].startPeriod",
                )
            )
            three_phases = profile()
            three_phases["chargingSchedule"]["chargingSchedulePeriod"][0]["numberPhases"] = 4
            bad.append(
                (
                    {"connectorId": 0, "csChargingProfiles": three_phases},
                    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.numberPhases",
                )
            )
            for request, field in bad:
                answer = await post(api, "/charging-profiles", request)
                assert answer.status_code == 400, (request, answer.text)
                error = answer.json()["error"]
                assert error["code"] == "VALIDATION_ERROR"
                assert error["message"].startswith(field), (field, error["message"])

            # A TxProfile is fine once a transaction runs on the connector.
            started = await charger.call(
                "StartTransaction",
                {"connectorId": 1, "idTag": "USER123", "meterStart": 0, "timestamp": START},
            )
            ok = await post(api, "/charging-profiles", {"connectorId": 1, "csChargingProfiles": tx})
            assert ok.json()["status"] == "accepted", ok.text
            wrong = {**tx, "transactionId": started["transactionId"] + 1}
            refused = await post(
                api, "/charging-profiles", {"connectorId": 1, "csChargingProfiles": wrong}
            )
            assert refused.json()["error"]["message"].startswith("csChargingProfiles.transactionId")
            sent = [e["action"] for e in charger.pending_events() if e["event"] == "csms_call"]
            assert sent == ["GetConfiguration", "SetChargingProfile"]


async def test_a_charger_without_smart_charging_gets_409_and_nothing_is_sent(
    tmp_path: Path,
) -> None:
    with trio.fail_after(60):
        features = {"SupportedFeatureProfiles": "Core,RemoteTrigger"}
        async with site(tmp_path, configure=features) as s:
            api, charger = s.api, s.charger
            # Read once after the boot, by the box itself.
            await charger.next_csms_call("GetConfiguration")
            await wait_for(lambda b: b["featuresReadAt"] is not None, api, SETUP)
            body = {"connectorId": 0, "csChargingProfiles": profile()}
            refused = await post(api, "/charging-profiles", body)
            assert refused.status_code == 409
            assert refused.json()["error"]["code"] == "SMART_CHARGING_UNSUPPORTED"
            composite = await api.get(
                "/api/v1/chargers/CP-1/connectors/1/composite-schedule", params={"duration": 60}
            )
            assert composite.status_code == 409
            # Known from the boot: neither refusal made a round trip at all.
            await charger.call("Heartbeat", {})
            sent = [e["action"] for e in charger.pending_events() if e["event"] == "csms_call"]
            assert sent == []
            setup = (await api.get(SETUP)).json()
            assert setup["supportedFeatureProfiles"] == "Core,RemoteTrigger"


async def test_limits_go_in_the_unit_the_charger_takes(tmp_path: Path) -> None:
    with trio.fail_after(60):
        units = {"ChargingScheduleAllowedChargingRateUnit": "Power"}
        async with site(tmp_path, configure=units) as s:
            api, charger = s.api, s.charger
            body = {"connectorId": 0, "csChargingProfiles": profile(limits=(16.0, 6.5))}
            sent = await post(api, "/charging-profiles", body)
            # 3 phases x 230 V (the defaults): 16 A -> 11040 W, 6.5 A -> 4485 W.
            watts = [
                p["limit"]
                for p in sent.json()["csChargingProfiles"]["chargingSchedule"][
                    "chargingSchedulePeriod"
                ]
            ]
            assert watts == [11040.0, 4485.0]
            wire = (await charger.next_csms_call("SetChargingProfile"))["payload"]
            assert wire["csChargingProfiles"]["chargingSchedule"]["chargingRateUnit"] == "W"

            setup = await api.put(
                "/api/v1/chargers/CP-1/smart-charging", json={"phases": 1, "voltage": 240}
            )
            assert setup.status_code == 200, setup.text
            await post(api, "/charging-profiles", body)
            wire = (await charger.next_csms_call("SetChargingProfile"))["payload"]
            limits = wire["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"]
            assert [p["limit"] for p in limits] == [3840.0, 1560.0]


async def test_remote_start_carries_a_tx_profile(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            tx = profile(purpose="TxProfile")
            started = await post(
                api, "/remote-start", {"connectorId": 1, "idTag": "USER123", "chargingProfile": tx}
            )
            assert started.status_code == 202, started.text
            sent = (await charger.next_csms_call("RemoteStartTransaction"))["payload"]
            assert sent == {"connectorId": 1, "idTag": "USER123", "chargingProfile": tx}
            wrong = await post(
                api,
                "/remote-start",
                {"idTag": "USER123", "chargingProfile": profile(purpose="TxDefaultProfile")},
            )
            assert wrong.status_code == 400
            assert wrong.json()["error"]["message"].startswith(
                "chargingProfile.chargingProfilePurpose"
            )


async def test_lasting_profiles_are_applied_again_after_a_reboot(tmp_path: Path) -> None:
    with trio.fail_after(90):
        async with site(tmp_path) as s:
            api, charger, server = s.api, s.charger, s.server
            started = await charger.call(
                "StartTransaction",
                {"connectorId": 1, "idTag": "USER123", "meterStart": 0, "timestamp": START},
            )
            assert isinstance(started["transactionId"], int)
            lasting = [
                {"connectorId": 0, "csChargingProfiles": profile(1, "ChargePointMaxProfile")},
                {"connectorId": 1, "csChargingProfiles": profile(2, limits=(10.0,))},
            ]
            tx = {"connectorId": 1, "csChargingProfiles": profile(3, "TxProfile")}
            for body in [*lasting, tx]:
                assert (await post(api, "/charging-profiles", body)).json()["status"] == "accepted"
            # A cleared profile stays cleared.
            cleared = {"connectorId": 2, "csChargingProfiles": profile(4, stack_level=1)}
            assert (await post(api, "/charging-profiles", cleared)).json()["status"] == "accepted"
            assert (await api.delete("/api/v1/chargers/CP-1/charging-profiles/4")).is_success
            await charger.close()

            async with ChargerProcess.start(server.charger_url("CP-1")) as rebooted:
                await rebooted.wait_connected()
                assert (await rebooted.call("BootNotification", BOOT))["status"] == "Accepted"
                await rebooted.next_csms_call("GetConfiguration")
                again = [
                    (await rebooted.next_csms_call("SetChargingProfile"))["payload"]
                    for _ in lasting
                ]
                assert again == lasting
                listed = await wait_for(
                    lambda b: (
                        sum(e["reappliedAt"] is not None for e in b["chargingProfiles"])
                        == len(lasting)
                    ),
                    api,
                    "/api/v1/chargers/CP-1/charging-profiles",
                )
                entries: list[dict[str, Any]] = listed["chargingProfiles"]
                reapplied = [e for e in entries if e["reappliedAt"] is not None]
                assert sorted(e["chargingProfileId"] for e in reapplied) == [1, 2]
                assert all(e["status"] == "accepted" for e in reapplied)
                log = (await api.get("/api/v1/chargers/CP-1/commands")).json()["commands"]
                assert [c["action"] for c in log[:3]] == [
                    "SetChargingProfile",
                    "SetChargingProfile",
                    "GetConfiguration",
                ]
                assert log[0]["apiKeyId"] == "system"
                # Only those two: the TxProfile (its transaction ended with the reboot) and
                # the cleared profile are not sent again.
                await rebooted.call("Heartbeat", {})
                sent = [e for e in rebooted.pending_events() if e["event"] == "csms_call"]
                assert sent == []
