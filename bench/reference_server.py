"""Reference central system for the benchmarks (dev-only, not part of the product).

    python bench/reference_server.py [--host 127.0.0.1] [--port 0]

Built the way most Python central systems are built: the ``ocpp`` package's asyncio
``ChargePoint`` (``ocpp.v16``) on the ``websockets`` server, one ``ChargePoint.start()`` task per
connection, no storage and no registry (any ``/ocpp/{id}`` is accepted). It answers
BootNotification, Heartbeat, StatusNotification, MeterValues, Start- and StopTransaction (and
Authorize), with the ``ocpp`` package's usual schema validation of every message.

Prints ``reference ready: OCPP ws://HOST:PORT`` on stderr once it listens, and runs until SIGTERM
or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import resource
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action, AuthorizationStatus, RegistrationStatus
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

PATH_PREFIX = "/ocpp/"
SUBPROTOCOL = "ocpp1.6"
_transaction_ids = itertools.count(1)


Handler = TypeVar("Handler", bound=Callable[..., Awaitable[object]])


def on_action(action: Action) -> Callable[[Handler], Handler]:
    """``ocpp.routing.on`` with a type (ocpp ships none): it wraps the handler keeping its
    signature and marks it as the route for ``action``."""
    decorate: Callable[[Handler], Handler] = on(action)
    return decorate


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class CentralSystemChargePoint(ChargePoint):  # type: ignore[misc]  # ocpp is untyped
    @on_action(Action.boot_notification)
    async def on_boot_notification(self, **_: Any) -> call_result.BootNotification:
        return call_result.BootNotification(
            current_time=now(), interval=300, status=RegistrationStatus.accepted
        )

    @on_action(Action.heartbeat)
    async def on_heartbeat(self, **_: Any) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=now())

    @on_action(Action.status_notification)
    async def on_status_notification(self, **_: Any) -> call_result.StatusNotification:
        return call_result.StatusNotification()

    @on_action(Action.meter_values)
    async def on_meter_values(self, **_: Any) -> call_result.MeterValues:
        return call_result.MeterValues()

    @on_action(Action.authorize)
    async def on_authorize(self, **_: Any) -> call_result.Authorize:
        return call_result.Authorize(id_tag_info={"status": AuthorizationStatus.accepted})

    @on_action(Action.start_transaction)
    async def on_start_transaction(self, **_: Any) -> call_result.StartTransaction:
        return call_result.StartTransaction(
            transaction_id=next(_transaction_ids),
            id_tag_info={"status": AuthorizationStatus.accepted},
        )

    @on_action(Action.stop_transaction)
    async def on_stop_transaction(self, **_: Any) -> call_result.StopTransaction:
        return call_result.StopTransaction()


def charge_box_id(path: str) -> str | None:
    resource_path = urlsplit(path).path
    if not resource_path.startswith(PATH_PREFIX):
        return None
    raw = resource_path[len(PATH_PREFIX) :]
    return unquote(raw) if raw and "/" not in raw else None


def check_path(connection: ServerConnection, request: Request) -> Response | None:
    if charge_box_id(request.path) is None:
        return connection.respond(404, "no such path\n")
    return None


async def handle(connection: ServerConnection) -> None:
    assert connection.request is not None
    cbid = charge_box_id(connection.request.path) or "?"
    charge_point = CentralSystemChargePoint(cbid, connection)
    try:
        await charge_point.start()
    except Exception:  # the peer went away: websockets' ConnectionClosed and friends
        return


async def main_async(host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with serve(
        handle,
        host,
        port,
        subprotocols=[Subprotocol(SUBPROTOCOL)],
        process_request=check_path,
        backlog=65535,
        # websockets' defaults: ping every 20 s, like a central system watching its chargers.
    ) as server:
        sockname = next(iter(server.sockets)).getsockname()
        print(
            f"reference ready: OCPP ws://{sockname[0]}:{sockname[1]}", file=sys.stderr, flush=True
        )
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    logging.basicConfig(level=logging.WARNING)  # the ocpp package logs every frame at INFO
    asyncio.run(main_async(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
