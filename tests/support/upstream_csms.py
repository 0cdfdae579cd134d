"""A third-party upstream central system for the local-controller tests (issue 20).

The ``ocpp`` package's asyncio ``ChargePoint`` (OCPP 1.6) as a central system, served over the
``websockets`` package, in its own process. Every CALL it receives is appended as one JSON line
to ``--record`` (flushed at once, so the record survives a ``kill -9`` of this process):
``{"cp": ..., "uniqueId": ..., "action": ..., "payload": {...}, "authorization": ...,
"clientCN": ...}`` (the Basic auth header and the client certificate's CN, if any; with
``--certfile``/``--keyfile`` it serves ``wss://``, with ``--client-ca`` it requires a client
certificate).

It answers BootNotification Accepted (``--interval``), StartTransaction with its own
transactionIds counting up from ``--txn-base`` (Invalid for the idTags in ``--reject-tag``, in
StopTransaction's idTagInfo too), a CALLERROR NotSupported to the actions in ``--refuse-action``,
and everything else as OCPP 1.6 requires, each answer ``--answer-delay`` seconds after the CALL
came (0 by default: a slow central system, so that a test can act in the middle of a replay).
On stdout it prints ``{"event": "listening", "port": N}``
once ready, then ``{"event": "result", "ref": ..., ...}`` for each command read on stdin:
``{"ref": 1, "cp": "CP-1", "action": "Reset", "payload": {"type": "Soft"}}`` sends that CALL
to the connected charge point ``cp`` and prints its answer (or the error).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ocpp.charge_point import camel_to_snake_case, snake_to_camel_case
from ocpp.exceptions import OCPPError
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.server import ServerConnection, serve
from websockets.typing import Subprotocol

F = TypeVar("F", bound=Callable[..., Any])


def handles(action: Action) -> Callable[[F], F]:
    """``ocpp.routing.on``, typed (the package ships no type information)."""
    return cast(Callable[[F], F], on(action))


class Upstream:
    def __init__(
        self, record: str, interval: int, txn_base: int, reject: set[str], refuse: set[str]
    ) -> None:
        self.refuse = refuse
        self.record = open(record, "a", encoding="utf-8")  # noqa: SIM115 - for the whole run
        self.interval = interval
        self.next_txn = txn_base
        self.reject = reject
        self.connected: dict[str, CentralSystem] = {}
        self.answer_delay = 0.0

    def write(self, line: dict[str, Any]) -> None:
        self.record.write(json.dumps(line) + "\n")
        self.record.flush()
        emit({"event": "received", **line})


class CentralSystem(ChargePoint):  # type: ignore[misc]
    upstream: Upstream
    authorization: str | None
    client_cn: str | None = None

    async def route_message(self, raw_msg: str) -> None:
        message = json.loads(raw_msg)
        if message[0] == 2:
            self.upstream.write(
                {
                    "cp": self.id,
                    "uniqueId": message[1],
                    "action": message[2],
                    "payload": message[3],
                    "authorization": self.authorization,
                    "clientCN": self.client_cn,
                }
            )
            if message[2] in self.upstream.refuse:
                # A central system that will not take this action at all (--refuse-action).
                await self._send(json.dumps([4, message[1], "NotSupported", "refused", {}]))
                return
            if self.upstream.answer_delay:
                await asyncio.sleep(self.upstream.answer_delay)
        await super().route_message(raw_msg)

    @handles(Action.boot_notification)
    def on_boot(self, **_: Any) -> Any:
        return call_result.BootNotification(
            current_time="2026-11-29T00:00:00.000Z",
            interval=self.upstream.interval,
            status="Accepted",
        )

    @handles(Action.heartbeat)
    def on_heartbeat(self) -> Any:
        return call_result.Heartbeat(current_time="2026-11-29T00:00:00.000Z")

    @handles(Action.status_notification)
    def on_status(self, **_: Any) -> Any:
        return call_result.StatusNotification()

    @handles(Action.authorize)
    def on_authorize(self, id_tag: str) -> Any:
        return call_result.Authorize(id_tag_info={"status": self._status(id_tag)})

    @handles(Action.start_transaction)
    def on_start(self, id_tag: str, **_: Any) -> Any:
        self.upstream.next_txn += 1
        return call_result.StartTransaction(
            transaction_id=self.upstream.next_txn, id_tag_info={"status": self._status(id_tag)}
        )

    @handles(Action.stop_transaction)
    def on_stop(self, id_tag: str | None = None, **_: Any) -> Any:
        if id_tag is None:
            return call_result.StopTransaction()
        return call_result.StopTransaction(id_tag_info={"status": self._status(id_tag)})

    @handles(Action.meter_values)
    def on_meter_values(self, **_: Any) -> Any:
        return call_result.MeterValues()

    @handles(Action.data_transfer)
    def on_data_transfer(self, **_: Any) -> Any:
        return call_result.DataTransfer(status="Accepted")

    @handles(Action.firmware_status_notification)
    def on_firmware(self, **_: Any) -> Any:
        return call_result.FirmwareStatusNotification()

    @handles(Action.diagnostics_status_notification)
    def on_diagnostics(self, **_: Any) -> Any:
        return call_result.DiagnosticsStatusNotification()

    def _status(self, id_tag: str) -> str:
        return "Invalid" if id_tag in self.upstream.reject else "Accepted"


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


async def commands(upstream: Upstream) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks: set[asyncio.Task[None]] = set()
    while line := await reader.readline():
        task = asyncio.create_task(run_command(upstream, json.loads(line)))
        tasks.add(task)  # a reference, so the task is not collected before it ends
        task.add_done_callback(tasks.discard)


async def run_command(upstream: Upstream, command: dict[str, Any]) -> None:
    ref = command["ref"]
    cs = upstream.connected.get(command["cp"])
    if cs is None:
        emit({"event": "result", "ref": ref, "error": "not connected"})
        return
    request = getattr(call, command["action"])(**camel_to_snake_case(command["payload"]))
    try:
        answer = await cs.call(request, suppress=False)
    except (TimeoutError, OCPPError) as error:
        emit({"event": "result", "ref": ref, "error": repr(error)})
        return
    fields = {k: v for k, v in vars(answer).items() if v is not None}
    emit({"event": "result", "ref": ref, "payload": snake_to_camel_case(fields)})


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record", required=True)
    parser.add_argument("--interval", type=int, default=300)
    parser.add_argument("--txn-base", type=int, default=1000)
    parser.add_argument("--reject-tag", action="append", default=[])
    parser.add_argument("--refuse-action", action="append", default=[])
    parser.add_argument("--certfile", help="serve wss:// with this certificate ...")
    parser.add_argument("--keyfile", help="... and this key")
    parser.add_argument("--client-ca", help="require a client certificate signed by this CA")
    parser.add_argument("--answer-delay", type=float, default=0.0, help="seconds per answer")
    args = parser.parse_args()
    tls = None
    if args.certfile:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.certfile, args.keyfile)
        if args.client_ca:
            tls.load_verify_locations(cafile=args.client_ca)
            tls.verify_mode = ssl.CERT_REQUIRED
    upstream = Upstream(
        args.record, args.interval, args.txn_base, set(args.reject_tag), set(args.refuse_action)
    )
    upstream.answer_delay = args.answer_delay

    async def handler(ws: ServerConnection) -> None:
        cp_id = (ws.request.path if ws.request else "/").rstrip("/").rsplit("/", 1)[-1]
        cs = CentralSystem(cp_id, ws)
        cs.upstream = upstream
        cs.authorization = ws.request.headers.get("Authorization") if ws.request else None
        peer = ws.transport.get_extra_info("peercert") if ws.transport else None
        cs.client_cn = next(
            (
                value
                for rdn in (peer or {}).get("subject", ())
                for key, value in rdn
                if key == "commonName"
            ),
            None,
        )
        upstream.connected[cp_id] = cs
        try:
            await cs.start()
        except Exception:  # the connection closed: the box reconnects as it sees fit
            pass
        finally:
            if upstream.connected.get(cp_id) is cs:
                del upstream.connected[cp_id]

    async with serve(
        handler, "127.0.0.1", args.port, subprotocols=[Subprotocol("ocpp1.6")], ssl=tls
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        emit({"event": "listening", "port": port})
        await commands(upstream)
        await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
