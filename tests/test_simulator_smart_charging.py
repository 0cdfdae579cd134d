"""The simulated charger obeys charging profiles (OCPP 1.6 §3.13, §5.5, §5.7, §5.16): what it
answers to SetChargingProfile, ClearChargingProfile and GetCompositeSchedule, and the power,
current and energy its MeterValues then report.

The test plays the Central System over two in-memory channels, on trio's MockClock: the
charger's own receive loop, answers and meter run as in a real connection (its `Conversation`
over the shared sans-IO session), the WebSocket is left out so that simulated time needs no
sockets. The box's side of smart charging is tested with the box (its REST routes).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import trio
import trio.testing

from capacitor_edge.clock import FixedClock
from capacitor_edge.protocol import CallReceived
from capacitor_edge.simulator import answers
from capacitor_edge.simulator.charger import SimulatedCharger, schemas
from capacitor_edge.simulator.conversation import Conversation
from capacitor_edge.simulator.link import LinkClosed
from capacitor_edge.simulator.options import Options, OptionsError
from capacitor_edge.simulator.report import Stats

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
#: MeterValueSampleInterval: the charger's default, simulated seconds at time scale 1.
SAMPLE_S = 10


@dataclass
class Central:
    """The Central System's end: answers the charger's CALLs, sends its own."""

    charger: SimulatedCharger
    to_charger: trio.MemorySendChannel[str]
    meter_values: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[tuple[int, str]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    changed: trio.Event = field(default_factory=trio.Event)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    transactions: itertools.count[int] = field(default_factory=lambda: itertools.count(41))

    def _notify(self) -> None:
        self.changed.set()
        self.changed = trio.Event()

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        unique_id = f"csms-{next(self.ids)}"
        await self.to_charger.send(json.dumps([2, unique_id, action, payload]))
        while unique_id not in self.results:
            await self.changed.wait()
        answer: dict[str, Any] = self.results.pop(unique_id)
        return answer

    async def samples(self, count: int) -> list[dict[str, Any]]:
        """The next ``count`` MeterValues the charger sends: ``{measurand[/phase]: value}``."""
        first = len(self.meter_values)
        while len(self.meter_values) < first + count:
            await self.changed.wait()
        return [_values(payload) for payload in self.meter_values[first : first + count]]

    def _answer(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        accepted = {"idTagInfo": {"status": "Accepted"}}
        if action == "StartTransaction":
            return {"transactionId": next(self.transactions), **accepted}
        if action == "MeterValues":
            self.meter_values.append(payload)
        if action == "StatusNotification":
            self.statuses.append((payload["connectorId"], payload["status"]))
        return accepted if action in ("StopTransaction", "Authorize") else {}

    async def serve(self, from_charger: trio.MemoryReceiveChannel[str]) -> None:
        async for text in from_charger:
            frame = json.loads(text)
            if frame[0] == 2:
                answer = self._answer(frame[2], frame[3])
                await self.to_charger.send(json.dumps([3, frame[1], answer]))
            elif frame[0] == 3:
                self.results[frame[1]] = frame[2]
            self._notify()


def _values(payload: dict[str, Any]) -> dict[str, Any]:
    sampled = payload["meterValue"][0]["sampledValue"]
    return {
        s["measurand"] + (f"/{s['phase']}" if "phase" in s else ""): float(s["value"])
        for s in sampled
    }


@asynccontextmanager
async def connected(**overrides: Any) -> AsyncIterator[Central]:
    """A simulated charger, rated 32 A on 3 phases, answering and sampling as when online."""
    values: dict[str, Any] = {
        "url": "ws://127.0.0.1:9/ocpp",
        "connectors": 2,
        "max_current_a": 32.0,
        "phases": 3,
        "call_timeout_s": 30.0,
    }
    values.update(overrides)
    options = Options(**values)
    stats = Stats(1)
    charger = SimulatedCharger(
        "SC-1", options, stats, None, clock=FixedClock(NOW), local_sessions=False
    )
    charger.configuration.set(
        "MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import,Current.Import"
    )
    to_charger, charger_in = trio.open_memory_channel[str](10)
    charger_out, from_charger = trio.open_memory_channel[str](10)
    ids = itertools.count(1)

    async def receive() -> str:
        try:
            return await charger_in.receive()
        except trio.EndOfChannel:
            raise LinkClosed from None

    conversation = Conversation(
        "SC-1", schemas(), charger_out.send, stats, 30.0, lambda: str(next(ids))
    )
    charger._conversation = conversation
    central = Central(charger, to_charger)
    async with trio.open_nursery() as nursery:

        def on_call(call: CallReceived) -> None:
            nursery.start_soon(answers.answer, charger, conversation, call)

        nursery.start_soon(conversation.serve, receive, on_call)
        nursery.start_soon(central.serve, from_charger)
        yield central
        nursery.cancel_scope.cancel()


def tx_profile(limit: float, **extra: Any) -> dict[str, Any]:
    return {
        "chargingProfileId": 7,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}],
        },
        **extra,
    }


async def start(central: Central, connector: int = 1, **extra: Any) -> int:
    charger = central.charger
    answer = await central.call(
        "RemoteStartTransaction", {"connectorId": connector, "idTag": "T1", **extra}
    )
    assert answer == {"status": "Accepted"}
    await charger.wait_until(lambda: charger.connectors[connector].status == "Charging")
    transaction = charger.connectors[connector].transaction
    assert transaction is not None
    return transaction.transaction_id


async def test_a_16_a_limit_on_a_32_a_charger_makes_power_and_energy_follow_16_a(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(600):
        async with connected() as central:
            transaction_id = await start(central)
            full = await central.samples(2)
            assert full[1]["Power.Active.Import"] == 22_080  # 32 A x 230 V x 3
            assert [full[1][f"Current.Import/L{n}"] for n in (1, 2, 3)] == [32.0] * 3
            assert full[1]["Energy.Active.Import.Register"] - full[0][
                "Energy.Active.Import.Register"
            ] == pytest.approx(22_080 * SAMPLE_S / 3600, abs=1)

            set_ = await central.call(
                "SetChargingProfile",
                {
                    "connectorId": 1,
                    "csChargingProfiles": tx_profile(16, transactionId=transaction_id),
                },
            )
            assert set_ == {"status": "Accepted"}
            limited = await central.samples(4)
            for sample in limited:
                assert sample["Power.Active.Import"] == 11_040  # 16 A x 230 V x 3
                assert [sample[f"Current.Import/L{n}"] for n in (1, 2, 3)] == [16.0] * 3
            energy = [s["Energy.Active.Import.Register"] for s in limited]
            assert energy[-1] - energy[0] == pytest.approx(11_040 * 3 * SAMPLE_S / 3600, abs=1)

            composite = await central.call(
                "GetCompositeSchedule", {"connectorId": 1, "duration": 600}
            )
            assert composite["status"] == "Accepted"
            assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [
                {"startPeriod": 0, "limit": 16.0}
            ]

            cleared = await central.call("ClearChargingProfile", {"id": 7})
            assert cleared == {"status": "Accepted"}
            again = await central.samples(1)
            assert again[0]["Power.Active.Import"] == 22_080
            assert await central.call("ClearChargingProfile", {"id": 7}) == {"status": "Unknown"}


async def test_a_zero_limit_suspends_the_session_until_it_is_cleared(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(600):
        async with connected() as central:
            await start(central)
            profile = {"connectorId": 1, "csChargingProfiles": tx_profile(0)}
            assert await central.call("SetChargingProfile", profile) == {"status": "Accepted"}
            paused = await central.samples(3)
            assert [s["Power.Active.Import"] for s in paused] == [0, 0, 0]
            registers = {s["Energy.Active.Import.Register"] for s in paused}
            assert len(registers) == 1  # the register stands still
            assert central.statuses[-1] == (1, "SuspendedEVSE")  # OCPP 1.6 §4.9
            assert await central.call("ClearChargingProfile", {}) == {"status": "Accepted"}
            resumed = await central.samples(1)
            assert resumed[0]["Power.Active.Import"] == 22_080
            assert central.statuses[-1] == (1, "Charging")


async def test_a_remote_start_with_a_tx_profile_charges_limited_from_the_start(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(600):
        async with connected() as central:
            charger = central.charger
            refused = await central.call(
                "RemoteStartTransaction",
                {
                    "connectorId": 1,
                    "idTag": "T1",
                    "chargingProfile": tx_profile(10, chargingProfilePurpose="TxDefaultProfile"),
                },
            )
            assert refused == {"status": "Rejected"}  # §5.11: only a TxProfile

            await start(central, chargingProfile=tx_profile(10))
            first = await central.samples(1)
            assert first[0]["Power.Active.Import"] == 6_900  # 10 A x 230 V x 3
            assert charger.charging.profiles.installed[1].keys() == {7}

            await central.call("RemoteStopTransaction", {"transactionId": 41})
            await charger.wait_until(lambda: charger.connectors[1].transaction is None)
            assert charger.charging.profiles.installed[1] == {}  # it lived with the transaction


async def test_the_charge_point_max_caps_the_connectors_together(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(600):
        async with connected() as central:
            cap = {
                "chargingProfileId": 1,
                "stackLevel": 0,
                "chargingProfilePurpose": "ChargePointMaxProfile",
                "chargingProfileKind": "Absolute",
                "chargingSchedule": {
                    "startSchedule": "2026-01-01T00:00:00Z",
                    "chargingRateUnit": "W",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 22_080}],
                },
            }
            answer = await central.call(
                "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": cap}
            )
            assert answer == {"status": "Accepted"}
            await start(central, 1)
            await start(central, 2)
            samples = await central.samples(4)
            assert sum(s["Power.Active.Import"] for s in samples[-2:]) == pytest.approx(22_080)
            for connector in central.charger.connectors.values():
                assert connector.power_w == pytest.approx(11_040)


async def test_set_clear_and_composite_answers(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(60):
        async with connected() as central:

            async def set_(connector: int, profile: dict[str, Any]) -> str:
                answer = await central.call(
                    "SetChargingProfile", {"connectorId": connector, "csChargingProfiles": profile}
                )
                status: str = answer["status"]
                return status

            # §5.16: a TxProfile needs a transaction; the ChargePointMax is connector 0's.
            assert await set_(1, tx_profile(16)) == "Rejected"
            daily = {
                "chargingProfileId": 3,
                "stackLevel": 1,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Recurring",
                "recurrencyKind": "Daily",
                "chargingSchedule": {
                    "startSchedule": "2026-01-01T00:00:00Z",
                    "chargingRateUnit": "W",
                    "chargingSchedulePeriod": [
                        {"startPeriod": 0, "limit": 11_000},
                        {"startPeriod": 13 * 3600, "limit": 6_000},
                    ],
                },
            }
            cap = dict(daily, chargingProfileId=4, chargingProfilePurpose="ChargePointMaxProfile")
            assert await set_(1, cap) == "Rejected"
            assert await set_(3, daily) == "Rejected"  # no such connector
            disordered = json.loads(json.dumps(daily))
            disordered["chargingSchedule"]["chargingSchedulePeriod"].reverse()
            assert await set_(0, disordered) == "Rejected"
            assert await set_(0, dict(daily, stackLevel=9)) == "Rejected"  # above the max, 8
            assert await set_(0, daily) == "Accepted"

            # At 12:00 the daily default gives 11 kW for an hour, then 6 kW; in amperes on
            # three phases at 230 V that is 15.9 A (rounded down) then 8.6 A.
            watts = await central.call(
                "GetCompositeSchedule",
                {"connectorId": 1, "duration": 7200, "chargingRateUnit": "W"},
            )
            assert watts == {
                "status": "Accepted",
                "connectorId": 1,
                "scheduleStart": "2026-03-02T12:00:00Z",
                "chargingSchedule": {
                    "duration": 7200,
                    "startSchedule": "2026-03-02T12:00:00Z",
                    "chargingRateUnit": "W",
                    "chargingSchedulePeriod": [
                        {"startPeriod": 0, "limit": 11_000.0},
                        {"startPeriod": 3600, "limit": 6_000.0},
                    ],
                },
            }
            amps = await central.call("GetCompositeSchedule", {"connectorId": 1, "duration": 60})
            assert amps["chargingSchedule"]["chargingSchedulePeriod"] == [
                {"startPeriod": 0, "limit": 15.9}
            ]
            # Connector 0: the charge point's own limit; none is set, so its rating (2 x 32 A).
            whole = await central.call("GetCompositeSchedule", {"connectorId": 0, "duration": 60})
            assert whole["chargingSchedule"]["chargingSchedulePeriod"] == [
                {"startPeriod": 0, "limit": 64.0}
            ]
            unknown = await central.call("GetCompositeSchedule", {"connectorId": 5, "duration": 60})
            assert unknown == {"status": "Rejected"}

            # Clear by purpose and stack level; then nothing is left to clear.
            miss = {"chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 0}
            assert (await central.call("ClearChargingProfile", miss))["status"] == "Unknown"
            hit = {"connectorId": 0, "chargingProfilePurpose": "TxDefaultProfile"}
            assert (await central.call("ClearChargingProfile", hit))["status"] == "Accepted"
            assert (await central.call("ClearChargingProfile", {}))["status"] == "Unknown"


async def test_the_charger_reports_smart_charging_in_its_configuration(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(60):
        async with connected() as central:
            keys = [
                "SupportedFeatureProfiles",
                "ChargingScheduleAllowedChargingRateUnit",
                "ChargeProfileMaxStackLevel",
            ]
            answer = await central.call("GetConfiguration", {"key": keys})
            values = {k["key"]: k["value"] for k in answer["configurationKey"]}
            assert values == {
                "SupportedFeatureProfiles": (
                    "Core,LocalAuthListManagement,RemoteTrigger,Reservation,SmartCharging"
                ),
                "ChargingScheduleAllowedChargingRateUnit": "Current,Power",
                "ChargeProfileMaxStackLevel": "8",
            }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_current_a": 0.0}, "--max-current must be > 0"),
        ({"phases": 4}, "--phases: 1, 2 or 3"),
        ({"voltage_v": -230.0}, "--voltage must be > 0"),
    ],
)
def test_a_rating_that_cannot_work_is_refused_naming_the_option(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(OptionsError, match=message):
        Options(url="ws://127.0.0.1:9/ocpp", **overrides)
