"""``kill -9`` of the box while it replays a backlog to the upstream (issue 20): nothing the
chargers were answered for is lost, and what is sent twice carries the same unique id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import trio

from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess
from tests.support.upstream_process import JsonDict, UpstreamProcess, recorded
from tests.upstream.test_outage import BOOT, box_env, from_charger, meter, start, stop

SAMPLES = 300


def first_occurrences(messages: list[JsonDict]) -> list[JsonDict]:
    seen: dict[str, JsonDict] = {}
    for message in messages:
        earlier = seen.setdefault(message["uniqueId"], message)
        # A duplicate is the very same message: recognisable by its unique id.
        assert earlier["payload"] == message["payload"], message["uniqueId"]
    return list(seen.values())


async def test_kill_9_during_replay_loses_nothing(tmp_path: Path) -> None:
    record = tmp_path / "upstream.jsonl"
    data = tmp_path / "data"
    sent: list[tuple[str, dict[str, Any]]] = []
    with trio.fail_after(150):
        async with UpstreamProcess.start(record) as gone:
            port = gone.port
            url = gone.url
        async with (
            ServerProcess.start(data, env=box_env(url)) as server,
            server.client() as api,
        ):
            await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
            async with ChargerProcess.start(server.charger_url("CP-1"), max_seconds=140) as cp:
                await cp.wait_connected()
                # The upstream is down from the start: all of it goes into the outbox.
                backlog: list[tuple[str, dict[str, Any]]] = [("BootNotification", BOOT)]
                backlog.append(("StartTransaction", start(1, "T1", 0, "2026-11-29T10:00:00Z")))
                for action, payload in backlog:
                    answer = await cp.call(action, payload)
                    sent.append((action, payload))
                txn = answer["transactionId"]
                for i in range(SAMPLES):
                    at = f"2026-11-29T10:{i // 60:02d}:{i % 60:02d}Z"
                    payload = meter(1, txn, i, at)
                    await cp.call("MeterValues", payload)
                    sent.append(("MeterValues", payload))
                payload = stop(txn, SAMPLES, "2026-11-29T11:00:00Z")
                await cp.call("StopTransaction", payload)
                sent.append(("StopTransaction", payload))
                link = (await api.get("/api/v1/chargers/CP-1/upstream")).json()
                assert link["outboxDepth"] == len(sent)

                # A slow upstream (20 ms per answer, ~6 s for the whole replay): the kill lands
                # in the middle of the replay however fast or loaded the machine is (the box
                # sends one CALL at a time and waits for its answer).
                slow = ("--answer-delay", "0.02")
                async with UpstreamProcess.start(record, port=port, extra=slow) as upstream:
                    # Replay under way: kill the box in the middle of it.
                    await upstream.wait_until(
                        lambda got: len(from_charger(got, "CP-1")) >= SAMPLES // 3
                    )
                    server.kill()
                    await server.process.wait()
                    assert len(from_charger(recorded(record), "CP-1")) < len(sent)

                    async with (
                        ServerProcess.start(data, env=box_env(url)) as again,
                        ChargerProcess.start(again.charger_url("CP-1")) as cp_again,
                    ):
                        await cp_again.wait_connected()
                        await upstream.wait_until(
                            lambda got: any(m["action"] == "StopTransaction" for m in got)
                        )
    got = from_charger(recorded(record), "CP-1")
    unique = first_occurrences(got)
    # Every acknowledged message, once, in order, as the charger sent it (only the transaction
    # id is the upstream's).
    assert [(m["action"], _local(m["payload"])) for m in unique] == [
        (action, _local(payload)) for action, payload in sent
    ]
    # The upstream's transaction id throughout, even across the crash.
    ids = {m["payload"]["transactionId"] for m in unique if "transactionId" in m["payload"]}
    assert len(ids) == 1 and ids != {txn}


def _local(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "transactionId"}
