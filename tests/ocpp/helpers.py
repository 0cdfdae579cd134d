"""A bare OCPP-J client over trio-websocket, for listener tests on real sockets."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import trio
from trio_websocket import WebSocketConnection, wrap_client_stream

from tests.conftest import Appliance

_ids = itertools.count(1)


@asynccontextmanager
async def _unwrapped() -> AsyncIterator[None]:
    """Re-raise a nursery's lone exception as itself, so tests can ``pytest.raises`` it."""
    try:
        yield
    except BaseExceptionGroup as group:
        leaves: list[BaseException] = []

        def collect(error: BaseException) -> None:
            if isinstance(error, BaseExceptionGroup):
                for inner in error.exceptions:
                    collect(inner)
            else:
                leaves.append(error)

        collect(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


@asynccontextmanager
async def charger_socket(
    appliance: Appliance,
    charge_box_id: str,
    *,
    subprotocols: Sequence[str] | None = ("ocpp1.6",),
    path: str | None = None,
) -> AsyncIterator[WebSocketConnection]:
    """A WebSocket to the appliance's OCPP listener. Built from our own TCP stream because
    trio-websocket's ``open_websocket`` leaves the socket open when the handshake is refused."""
    url = urlsplit(appliance.endpoints.ocpp_url)
    assert url.hostname is not None and url.port is not None
    stream = await trio.open_tcp_stream(url.hostname, url.port)
    try:
        async with _unwrapped(), trio.open_nursery() as nursery:
            ws = await wrap_client_stream(
                nursery,
                stream,
                url.hostname,
                path or f"/ocpp/{charge_box_id}",
                subprotocols=list(subprotocols) if subprotocols else None,
            )
            try:
                yield ws
            finally:
                with trio.move_on_after(2):
                    await ws.aclose()
                nursery.cancel_scope.cancel()
    finally:
        await stream.aclose()


def charger_answer(frame: list[Any]) -> list[Any]:
    """What a real charger answers to the box's CALL ``frame``: GetConfiguration (which the box
    sends after every boot to read the smart-charging features) with no key known, any other
    action with NotImplemented."""
    _, unique_id, action, payload = frame
    if action == "GetConfiguration":
        return [3, unique_id, {"configurationKey": [], "unknownKey": payload.get("key", [])}]
    return [4, unique_id, "NotImplemented", f"{action} is not implemented here", {}]


async def next_answer(ws: WebSocketConnection) -> list[Any]:
    """The next CALLRESULT or CALLERROR from the box; a CALL of the box met on the way is
    answered as a real charger would (:func:`charger_answer`) and the wait goes on."""
    while True:
        frame: list[Any] = json.loads(await ws.get_message())
        if frame[0] != 2:
            return frame
        await ws.send_message(json.dumps(charger_answer(frame)))


async def call(ws: WebSocketConnection, action: str, payload: dict[str, Any]) -> list[Any]:
    """Send a CALL and return the frame that answers it."""
    unique_id = str(next(_ids))
    await ws.send_message(json.dumps([2, unique_id, action, payload]))
    answer = await next_answer(ws)
    assert answer[1] == unique_id
    return answer


async def send_raw(ws: WebSocketConnection, text: str) -> list[Any]:
    await ws.send_message(text)
    return await next_answer(ws)


async def register(client: httpx.AsyncClient, charge_box_id: str) -> None:
    response = await client.post("/api/v1/chargers", json={"chargeBoxId": charge_box_id})
    assert response.status_code == 201, response.text


BOOT = {"chargePointVendor": "Vendor", "chargePointModel": "Model"}
