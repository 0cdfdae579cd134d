"""``capacitor-edge simulate --selftest``: the installer's proof that a fresh box works.

One simulated charger goes through what a real one would, driven through the REST API the way
site software drives it: register it, let it boot, start a session remotely, let it charge,
stop it remotely, check the box recorded the energy the charger's meter measured, unregister it.
Each step prints PASS or FAIL (steps after a failure print SKIP; the charger is unregistered in
any case). Exit status 0 only if every step passed.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, TextIO

import trio

from capacitor_edge.clock import Clock
from capacitor_edge.simulator.api_client import ApiClient, ApiError
from capacitor_edge.simulator.charger import SimulatedCharger, schemas
from capacitor_edge.simulator.options import Options, api_verify, ssl_context
from capacitor_edge.simulator.report import Stats

#: Meter samples to wait for before stopping the session.
SAMPLES = 3
#: The REST API's longest wait for a remote-started transaction (?wait=).
REMOTE_START_WAIT_S = 30


class StepFailed(Exception):
    pass


@dataclass
class Step:
    name: str
    result: str = "SKIP"  # PASS, FAIL or SKIP
    detail: str = ""


@dataclass
class _State:
    transaction_id: int | None = None
    registered: bool = False
    charger_started: bool = False


class SelfTest:
    def __init__(self, options: Options, *, out: TextIO | None = None, clock: Clock | None = None):
        self.charge_box_id = options.charge_box_id or f"SELFTEST-{secrets.token_hex(3).upper()}"
        self.options = replace(options, chargers=1, connectors=max(options.connectors, 1))
        self.stats = Stats(1)
        self.charger = SimulatedCharger(
            self.charge_box_id,
            self.options,
            self.stats,
            ssl_context(self.options),
            clock=clock,
            local_sessions=False,
        )
        self.steps: list[Step] = []
        self._out = out if out is not None else sys.stdout
        self._state = _State()

    def _print(self, step: Step) -> None:
        if self.options.json:
            return
        detail = f" - {step.detail}" if step.detail else ""
        print(f"{step.result:4}  {step.name}{detail}", file=self._out, flush=True)

    async def _step(self, name: str, action: Callable[[], Awaitable[str]]) -> bool:
        step = Step(name)
        self.steps.append(step)
        try:
            with trio.fail_after(self.options.call_timeout_s + REMOTE_START_WAIT_S + 10):
                step.detail = await action()
            step.result = "PASS"
        except (StepFailed, ApiError) as error:
            step.result, step.detail = "FAIL", str(error)
        except trio.TooSlowError:
            step.result, step.detail = "FAIL", "timed out"
        self._print(step)
        return step.result == "PASS"

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(step.result == "PASS" for step in self.steps)

    def report(self) -> dict[str, Any]:
        return {
            "selftest": "PASS" if self.passed else "FAIL",
            "chargeBoxId": self.charge_box_id,
            "steps": [{"name": s.name, "result": s.result, "detail": s.detail} for s in self.steps],
        }

    async def run(self) -> bool:
        options = self.options
        assert options.api is not None and options.api_key is not None
        await trio.to_thread.run_sync(schemas)
        async with ApiClient(options.api, options.api_key, verify=api_verify(options)) as api:
            async with trio.open_nursery() as nursery:
                charger_stop = trio.Event()
                charger_done = trio.Event()

                async def run_charger() -> None:
                    try:
                        await self.charger.run(charger_stop, trio.CapacityLimiter(1))
                    finally:
                        charger_done.set()

                plan: list[tuple[str, Callable[[], Awaitable[str]]]] = [
                    ("REST API answers and accepts the API key", lambda: self._check_api(api)),
                    (f"register charger {self.charge_box_id}", lambda: self._register(api)),
                    (
                        "charger connects over OCPP and boots",
                        lambda: self._boot(api, nursery, run_charger),
                    ),
                    ("remote start creates a transaction", lambda: self._remote_start(api)),
                    ("charger charges and sends meter values", self._charge),
                    ("remote stop ends the transaction", lambda: self._remote_stop(api)),
                    ("the box recorded the energy the meter measured", lambda: self._energy(api)),
                ]
                ok = True
                for name, action in plan:
                    if ok:
                        ok = await self._step(name, action)
                    else:
                        self.steps.append(Step(name))
                        self._print(self.steps[-1])
                # Clean up in any case: disconnect the charger first, so that unregistering it
                # does not look like the box dropping a charger.
                charger_stop.set()
                if self._state.charger_started:
                    with trio.move_on_after(options.call_timeout_s + 5):
                        await charger_done.wait()
                nursery.cancel_scope.cancel()
            if self._state.registered:
                name = f"unregister charger {self.charge_box_id}"
                await self._step(name, lambda: self._delete(api))
        if options.json:
            print(json.dumps(self.report()), file=self._out, flush=True)
        else:
            print(f"selftest: {'PASS' if self.passed else 'FAIL'}", file=self._out, flush=True)
        return self.passed

    async def _check_api(self, api: ApiClient) -> str:
        await api.check_key()
        return ""

    async def _register(self, api: ApiClient) -> str:
        options = self.options
        if not await api.register(self.charge_box_id, options.security_profile, options.password):
            raise StepFailed(f"{self.charge_box_id} is already registered")
        self._state.registered = True
        return ""

    async def _boot(
        self, api: ApiClient, nursery: trio.Nursery, run_charger: Callable[[], Awaitable[None]]
    ) -> str:
        nursery.start_soon(run_charger)
        self._state.charger_started = True
        charger = self.charger
        await charger.wait_until(
            lambda: (
                len(charger.reported) == len(charger.connectors) + 1
                or (not charger.online and bool(self.stats.connect_failures))
            )
        )
        if self.stats.connect_failures:
            kinds = ", ".join(self.stats.connect_failures)
            raise StepFailed(f"could not connect to {charger.url}: {kinds}")
        details = await api.charger(self.charge_box_id)
        if not details.get("isOnline"):
            raise StepFailed("the API does not show the charger online")
        interval = charger.configuration.value("HeartbeatInterval")
        return f"{charger.url}, heartbeat interval {interval} s"

    async def _remote_start(self, api: ApiClient) -> str:
        body = await api.remote_start(
            self.charge_box_id, 1, self.options.id_tag, REMOTE_START_WAIT_S
        )
        if body.get("status") != "accepted":
            raise StepFailed(f"remote start {body.get('status')}: {body.get('message')}")
        transaction_id = body.get("transactionId")
        if transaction_id is None:
            raise StepFailed("the charger did not start a transaction in time")
        connector = self.charger.connectors[1]
        # The box may answer the REST call before the charger has read its StartTransaction
        # answer: wait until the charger knows the transaction too.
        await self.charger.wait_until(
            lambda: (
                (
                    connector.transaction is not None
                    and connector.transaction.transaction_id == transaction_id
                )
                or any(f.transaction_id == transaction_id for f in self.charger.finished)
            )
        )
        active = connector.transaction
        if active is None or active.transaction_id != transaction_id:
            finished = [f for f in self.charger.finished if f.transaction_id == transaction_id]
            reason = finished[0].reason if finished else "unknown"
            raise StepFailed(f"transaction {transaction_id} ended at once (reason {reason})")
        self._state.transaction_id = transaction_id
        return f"transaction {transaction_id}"

    async def _charge(self) -> str:
        transaction = self.charger.connectors[1].transaction
        if transaction is None:
            raise StepFailed("no transaction is running")
        await self.charger.wait_until(
            lambda: transaction.meter_values_sent >= SAMPLES or transaction.finished.is_set()
        )
        if transaction.finished.is_set():
            raise StepFailed("the transaction ended before it charged")
        return f"{transaction.meter_values_sent} MeterValues accepted"

    async def _remote_stop(self, api: ApiClient) -> str:
        transaction_id = self._state.transaction_id
        assert transaction_id is not None
        body = await api.remote_stop(transaction_id)
        if body.get("status") != "stopping":
            raise StepFailed(f"remote stop {body.get('status')}: {body.get('message')}")
        await self.charger.wait_until(
            lambda: any(f.transaction_id == transaction_id for f in self.charger.finished)
        )
        finished = self._finished()
        if finished.reason != "Remote" or not finished.answered:
            raise StepFailed(f"stopped with reason {finished.reason}")
        return ""

    def _finished(self) -> Any:
        return next(
            f for f in self.charger.finished if f.transaction_id == self._state.transaction_id
        )

    async def _energy(self, api: ApiClient) -> str:
        finished = self._finished()
        expected = round((finished.meter_stop - finished.meter_start) / 1000, 3)
        record = await api.transaction(finished.transaction_id)
        problems = []
        if record.get("status") != "completed":
            problems.append(f"status {record.get('status')}")
        if record.get("energyDelivered") != expected:
            problems.append(f"energyDelivered {record.get('energyDelivered')} kWh")
        if record.get("stopReason") != "Remote":
            problems.append(f"stopReason {record.get('stopReason')}")
        if problems:
            raise StepFailed(
                f"expected completed, {expected} kWh, Remote; got {', '.join(problems)}"
            )
        return f"{expected} kWh"

    async def _delete(self, api: ApiClient) -> str:
        await api.unregister(self.charge_box_id)
        self._state.registered = False
        return ""
