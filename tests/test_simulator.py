"""``capacitor-edge simulate`` against the real server: the in-process appliance for the
scenarios and commands, the real CLI in subprocesses for the self-test, exit codes and --json.

Nothing is faked: the simulated chargers talk OCPP-J over loopback sockets to the real listener,
every REST call goes through the real API, and results are read back through the API.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.simulator.charger import CallFailed, SimulatedCharger
from capacitor_edge.simulator.options import Options
from capacitor_edge.simulator.scenarios import Simulation
from capacitor_edge.simulator.selftest import SelfTest
from tests.conftest import Appliance
from tests.support.server_process import ServerProcess


def options_for(appliance: Appliance, **overrides: Any) -> Options:
    values: dict[str, Any] = {
        "url": f"{appliance.endpoints.ocpp_url}/ocpp",
        "register": True,
        "api": appliance.endpoints.http_url,
        "api_key": appliance.api_key,
        "call_timeout_s": 5.0,
        "connect_timeout_s": 5.0,
    }
    values.update(overrides)
    return Options(**values)


@asynccontextmanager
async def running(simulation: Simulation) -> AsyncIterator[dict[str, Any]]:
    """Run ``simulation`` in the background until the block ends; then the summary."""
    summary: dict[str, Any] = {}
    done = trio.Event()

    async def run() -> None:
        try:
            summary.update(await simulation.run())
        finally:
            done.set()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(run)
        yield summary
        simulation.stop()
        await done.wait()


async def reported(charger: SimulatedCharger) -> None:
    """Until the charger has booted and every connector's status was acknowledged."""
    await charger.wait_until(lambda: len(charger.reported) == len(charger.connectors) + 1)


async def test_boot_scenario_registers_boots_reports_and_heartbeats(
    appliance: Appliance,
) -> None:
    with trio.fail_after(20):
        # 300 s heartbeats at 600x: one every 0.5 s.
        options = options_for(
            appliance, chargers=5, connectors=2, duration_s=1.6, time_scale=600, id_prefix="B-"
        )
        summary = await Simulation(options).run()
        assert summary["passed"], summary
        assert summary["connected"] == summary["booted"] == 5
        assert summary["failedToConnect"] == 0
        # Boot + 3 StatusNotifications each, then Heartbeats.
        assert summary["roundTrips"] > 5 * 4
        assert summary["latencyMs"]["p50"] is not None
        async with appliance.client() as api:
            for n in range(1, 6):
                details = (await api.get(f"/api/v1/chargers/B-000{n}")).json()
                assert details["vendor"] == "Capacitor"
                assert details["model"] == "Simulator"
                assert details["lastHeartbeat"] is not None
                assert details["chargePointStatus"]["status"] == "Available"
                assert [c["status"] for c in details["connectors"]] == ["Available"] * 2
                assert details["isOnline"] is False  # the run is over


async def test_sessions_scenario_records_transactions_with_the_meters_energy(
    appliance: Appliance,
) -> None:
    with trio.fail_after(20):
        options = options_for(
            appliance,
            chargers=3,
            connectors=2,
            scenario="sessions",
            duration_s=3.0,
            time_scale=300,
            seed=7,
        )
        simulation = Simulation(options)
        summary = await simulation.run()
        assert summary["passed"], summary
        measured = {
            f.transaction_id: f for c in simulation.chargers for f in c.finished if f.answered
        }
        started = summary["transactions"]["started"]
        assert started >= 3
        assert summary["transactions"]["stopped"] == started == len(measured)
        async with appliance.client() as api:
            listed = (await api.get("/api/v1/transactions", params={"limit": 500})).json()
            assert listed["pagination"]["total"] == started
            for row in listed["transactions"]:
                finished = measured[row["transactionId"]]
                assert row["status"] == "completed"
                assert row["meterStart"] == finished.meter_start
                assert row["meterStop"] == finished.meter_stop
                expected = round((finished.meter_stop - finished.meter_start) / 1000, 3)
                assert row["energyDelivered"] == expected
                assert row["stopReason"] == "Local"
                assert row["remoteStarted"] is False
            energy = round(sum(r["energyDelivered"] for r in listed["transactions"]), 3)
            assert energy == pytest.approx(summary["transactions"]["energyKWh"], abs=0.01)
            one = listed["transactions"][0]["transactionId"]
            samples = (await api.get(f"/api/v1/transactions/{one}/meter-values")).json()
            assert samples["pagination"]["total"] >= 1


async def test_the_same_seed_gives_the_same_sessions(appliance: Appliance) -> None:
    options = options_for(appliance, scenario="sessions", register=False)
    first = SimulatedCharger("S-1", options, Simulation(options).stats, None)
    again = SimulatedCharger("S-1", options, Simulation(options).stats, None)
    other = SimulatedCharger("S-1", replace(options, seed=2), Simulation(options).stats, None)
    assert [first._rng.random() for _ in range(5)] == [again._rng.random() for _ in range(5)]
    assert first.connectors[1].register_wh == again.connectors[1].register_wh
    assert first.connectors[1].register_wh != other.connectors[1].register_wh


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> Any:
    response = await api.post(f"/api/v1/chargers/CMD-0001{path}", json=body or {})
    return response


async def remote_start(api: httpx.AsyncClient, charger: SimulatedCharger, connector: int) -> int:
    started = await post(api, "/remote-start?wait=10", {"connectorId": connector, "idTag": "T1"})
    assert started.status_code == 202, started.text
    transaction_id: int = started.json()["transactionId"]
    assert transaction_id is not None
    await charger.wait_until(lambda: charger.connectors[connector].status == "Charging")
    return transaction_id


async def finished_with(api: httpx.AsyncClient, charger: SimulatedCharger, number: int) -> str:
    """Wait until the charger reported ``number`` stopped; the box's stopReason."""
    await charger.wait_until(lambda: any(f.transaction_id == number for f in charger.finished))
    body = (await api.get(f"/api/v1/transactions/{number}")).json()
    assert body["status"] == "completed"
    reason: str = body["stopReason"]
    return reason


async def test_every_csms_command_is_answered_realistically(appliance: Appliance) -> None:
    with trio.fail_after(40):
        # 10x: meter samples every 1 s, unplugging 0.5 s, rebooting 0.5 s, Heartbeats 30 s.
        options = options_for(
            appliance, connectors=2, duration_s=300, time_scale=10, id_prefix="CMD-"
        )
        simulation = Simulation(options)
        async with running(simulation) as summary, appliance.client() as api:
            charger = simulation.charger("CMD-0001")
            await simulation.stats.all_reported.wait()

            # GetConfiguration: every key; the interval from BootNotification.conf; the
            # AuthorizationKey is named but never shown (Security Whitepaper).
            everything = (await post(api, "/configuration/get")).json()
            keys = {k["key"]: k for k in everything["configurationKey"]}
            assert keys["HeartbeatInterval"]["value"] == str(
                appliance.settings.heartbeat_interval_s
            )
            assert keys["NumberOfConnectors"] == {
                "key": "NumberOfConnectors",
                "readonly": True,
                "value": "2",
            }
            assert (
                keys["SupportedFeatureProfiles"]["value"]
                == "Core,LocalAuthListManagement,RemoteTrigger,Reservation,SmartCharging"
            )
            assert keys["ChargingScheduleAllowedChargingRateUnit"]["value"] == "Current,Power"
            assert "value" not in keys["AuthorizationKey"]

            # ChangeConfiguration stores; read-only, unknown and ill-typed values are refused.
            change = await post(
                api, "/configuration/change", {"key": "HeartbeatInterval", "value": "120"}
            )
            assert change.json()["status"] == "accepted"
            got = await post(api, "/configuration/get", {"key": ["HeartbeatInterval", "Nope"]})
            assert got.json()["configurationKey"] == [
                {"key": "HeartbeatInterval", "readonly": False, "value": "120"}
            ]
            assert got.json()["unknownKey"] == ["Nope"]
            for key, value, status in [
                ("NumberOfConnectors", "4", "rejected"),
                ("MeterValueSampleInterval", "soon", "rejected"),
                ("NoSuchKey", "1", "not_supported"),
            ]:
                answer = await post(api, "/configuration/change", {"key": key, "value": value})
                assert answer.json()["status"] == status, key

            # A triggered BootNotification (before any session: the box takes every boot as
            # a reboot and closes the charger's running transactions).
            boots = charger.boots
            trigger = await post(api, "/trigger", {"requestedMessage": "BootNotification"})
            assert trigger.json()["status"] == "accepted"
            await charger.wait_until(lambda: charger.boots == boots + 1)

            # RemoteStart → Preparing → StartTransaction → Charging → MeterValues.
            first = await remote_start(api, charger, 1)
            transaction = charger.connectors[1].transaction
            assert transaction is not None and transaction.remote
            await charger.wait_until(lambda: transaction.meter_values_sent >= 1)

            # TriggerMessage: answered, then the message is sent.
            sent = transaction.meter_values_sent
            trigger = await post(
                api, "/trigger", {"requestedMessage": "MeterValues", "connectorId": 1}
            )
            assert trigger.json()["status"] == "accepted"
            await charger.wait_until(lambda: transaction.meter_values_sent > sent)
            heartbeat = await post(api, "/trigger", {"requestedMessage": "Heartbeat"})
            assert heartbeat.json()["status"] == "accepted"
            rejected = await post(
                api, "/trigger", {"requestedMessage": "StatusNotification", "connectorId": 9}
            )
            assert rejected.json()["status"] == "rejected"

            # ChangeAvailability of the whole charger during a session: Scheduled.
            scheduled = await post(api, "/availability", {"connectorId": 0, "type": "Inoperative"})
            assert scheduled.json()["status"] == "scheduled"

            # RemoteStop → StopTransaction (Remote) → Finishing → then the scheduled change.
            stop = await api.post(f"/api/v1/transactions/{first}/stop")
            assert stop.status_code == 202 and stop.json()["status"] == "stopping"
            assert await finished_with(api, charger, first) == "Remote"
            await charger.wait_until(
                lambda: charger.reported == {0: "Unavailable", 1: "Unavailable", 2: "Unavailable"}
            )
            details = (await api.get("/api/v1/chargers/CMD-0001")).json()
            assert details["chargePointStatus"]["status"] == "Unavailable"
            assert [c["status"] for c in details["connectors"]] == ["Unavailable"] * 2
            available = await post(api, "/availability", {"connectorId": 0, "type": "Operative"})
            assert available.json()["status"] == "accepted"
            await charger.wait_until(
                lambda: charger.reported == {0: "Available", 1: "Available", 2: "Available"}
            )
            one_off = await post(api, "/availability", {"connectorId": 2, "type": "Inoperative"})
            assert one_off.json()["status"] == "accepted"
            await charger.wait_until(lambda: charger.reported[2] == "Unavailable")
            back = await post(api, "/availability", {"connectorId": 2, "type": "Operative"})
            assert back.json()["status"] == "accepted"
            await charger.wait_until(lambda: charger.reported[2] == "Available")

            # UnlockConnector: a session on it is ended first (UnlockCommand).
            second = await remote_start(api, charger, 2)
            unlock = await post(api, "/unlock", {"connectorId": 2})
            assert unlock.json()["status"] == "unlocked"
            assert await finished_with(api, charger, second) == "UnlockCommand"
            assert charger.connectors[2].unlocked == 1
            assert (await post(api, "/unlock", {"connectorId": 7})).json()["status"] == (
                "not_supported"
            )
            assert (await post(api, "/cache/clear")).json()["status"] == "accepted"

            # Soft reset: sessions end (SoftReset), the charger reconnects and boots again.
            await charger.wait_until(lambda: charger.reported[2] == "Available")
            third = await remote_start(api, charger, 1)
            boots = charger.boots
            soft = await post(api, "/reset", {"type": "Soft"})
            assert soft.json()["status"] == "accepted"
            assert await finished_with(api, charger, third) == "SoftReset"
            await charger.wait_until(lambda: charger.boots == boots + 1 and charger.online)
            await reported(charger)

            # Hard reset: the connection drops at once; after the boot the session is
            # reported ended with HardReset (which wins over the box's own reboot rule).
            await charger.wait_until(lambda: charger.reported[1] == "Available")
            fourth = await remote_start(api, charger, 1)
            boots = charger.boots
            hard = await post(api, "/reset", {"type": "Hard"})
            assert hard.status_code == 200, hard.text
            assert hard.json()["status"] == "accepted"
            await charger.wait_until(lambda: charger.boots == boots + 1)
            assert await finished_with(api, charger, fourth) == "HardReset"

            # A profile outside SupportedFeatureProfiles: NotSupported, which the API shows.
            await reported(charger)
            firmware = await post(api, "/firmware/update", {"location": "http://fw.test/x.bin"})
            assert firmware.status_code == 502
            assert "NotSupported" in firmware.json()["error"]["message"]

            log = (await api.get("/api/v1/chargers/CMD-0001/commands?limit=100")).json()
            outcomes = {c["action"]: c["outcome"] for c in log["commands"]}
            assert outcomes["UpdateFirmware"] == "call_error"
            assert {
                "Reset",
                "UnlockConnector",
                "TriggerMessage",
                "ChangeAvailability",
                "ChangeConfiguration",
                "GetConfiguration",
                "RemoteStartTransaction",
                "RemoteStopTransaction",
                "ClearCache",
            } <= {action for action, outcome in outcomes.items() if outcome == "answered"}
        assert summary["passed"], summary
        assert summary["commandsAnswered"]["RemoteStartTransaction"] == 4


async def test_storm_of_200_chargers(appliance: Appliance) -> None:
    with trio.fail_after(40):
        options = options_for(appliance, chargers=200, scenario="storm", id_prefix="STORM-")
        summary = await Simulation(options).run()
        assert summary["passed"], summary
        assert summary["connected"] == summary["booted"] == 200
        assert summary["allReportedAfterSeconds"] is not None
        assert summary["roundTrips"] == 200 * 3
        async with appliance.client() as api:
            listed = (await api.get("/api/v1/chargers", params={"limit": 500})).json()
            ours = [c for c in listed["chargers"] if c["chargeBoxId"].startswith("STORM-")]
            assert len(ours) == 200
            assert all(c["vendor"] == "Capacitor" for c in ours)


async def test_a_callerror_from_the_box_fails_the_run(appliance: Appliance) -> None:
    with trio.fail_after(20):
        simulation = Simulation(options_for(appliance, duration_s=60, id_prefix="ERR-"))
        async with running(simulation) as summary:
            await simulation.stats.all_reported.wait()
            charger = simulation.chargers[0]
            # The box checks that a Raw sampled value is a decimal number (OCPP 1.6 §7.31).
            bad = {
                "connectorId": 1,
                "meterValue": [
                    {"timestamp": "2026-02-06T12:00:00Z", "sampledValue": [{"value": "abc"}]}
                ],
            }
            with pytest.raises(CallFailed):
                await charger.call("MeterValues", bad)
        assert summary["callErrors"] == {"MeterValues:PropertyConstraintViolation": 1}
        assert summary["passed"] is False


async def test_basic_auth_password(appliance: Appliance) -> None:
    """Security profile 1: registered with the AuthorizationKey, the charger logs in with it;
    with a wrong one it is refused before the upgrade."""
    with trio.fail_after(30):
        password = "s3cret-simulator-key"
        options = options_for(appliance, password=password, duration_s=0, id_prefix="PW-")
        assert options.security_profile == 1
        summary = await Simulation(options).run()
        assert summary["passed"], summary
        wrong = replace(options, password="not-the-right-key", register=False)
        summary = await Simulation(wrong).run()
        assert summary["failedToConnect"] == 1
        assert summary["connectFailures"] == {"http-401": 1}
        assert summary["passed"] is False


async def test_selftest_passes_and_cleans_up(appliance: Appliance) -> None:
    with trio.fail_after(30):
        options = options_for(appliance, register=False, time_scale=60)
        out = io.StringIO()
        selftest = SelfTest(options, out=out)
        assert await selftest.run() is True
        results = [step["result"] for step in selftest.report()["steps"]]
        assert results == ["PASS"] * 8
        assert out.getvalue().splitlines()[-1] == "selftest: PASS"
        async with appliance.client() as api:
            gone = await api.get(f"/api/v1/chargers/{selftest.charge_box_id}")
            assert gone.status_code == 404
            kept = (await api.get("/api/v1/transactions")).json()["transactions"]
            assert kept[0]["stopReason"] == "Remote" and kept[0]["energyDelivered"] > 0


async def test_selftest_fails_with_a_wrong_api_key(appliance: Appliance) -> None:
    with trio.fail_after(10):
        options = options_for(appliance, register=False, api_key="cap_live_" + "x" * 32)
        out = io.StringIO()
        selftest = SelfTest(options, out=out)
        assert await selftest.run() is False
        lines = out.getvalue().splitlines()
        assert lines[0].startswith("FAIL  REST API answers and accepts the API key")
        assert "UNAUTHORIZED" in lines[0]
        assert all(line.startswith("SKIP") for line in lines[1:-1])
        assert lines[-1] == "selftest: FAIL"


# -- the real CLI ---------------------------------------------------------------------------


async def simulate(*args: str) -> subprocess.CompletedProcess[bytes]:
    with trio.fail_after(60):
        return await trio.run_process(
            [sys.executable, "-m", "capacitor_edge", "simulate", *args],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
        )


@pytest.mark.slow
async def test_cli_selftest_unknown_chargers_and_exit_codes(tmp_path: Path) -> None:
    async with ServerProcess.start(tmp_path / "data") as server:
        common = ["--url", f"{server.ocpp_url}/ocpp", "--api", server.http_url]
        key_file = str(server.data_dir / "initial-api-key")

        passed = await simulate(*common, "--api-key-file", key_file, "--selftest", "--json")
        assert passed.returncode == 0, passed.stderr.decode()
        report = json.loads(passed.stdout)
        assert report["selftest"] == "PASS"
        assert [s["result"] for s in report["steps"]] == ["PASS"] * 8

        booted = await simulate(
            *common, "--api-key-file", key_file, "--register", "--chargers", "3", "--json",
            "--duration", "0.5",
        )  # fmt: skip
        assert booted.returncode == 0, booted.stderr.decode()
        summary = json.loads(booted.stdout)
        assert summary["connected"] == 3 and summary["passed"] is True

        # Not registered: refused with 404, so the run fails.
        unknown = await simulate(*common, "--chargers", "2", "--id-prefix", "NOPE-", "--json")
        assert unknown.returncode == 1
        summary = json.loads(unknown.stdout)
        assert summary["failedToConnect"] == 2
        assert summary["connectFailures"] == {"http-404": 2}

        text = await simulate(*common, "--id", "NOPE-9")
        assert text.returncode == 1
        assert b"result            FAIL: 1 charger(s) never connected" in text.stdout

        refused = await simulate("--url", "http://x/ocpp")
        assert refused.returncode == 2
        assert b"--url" in refused.stderr
