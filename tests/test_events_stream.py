"""``GET /api/v1/events`` and the live stream ``/api/v1/events/stream`` (issue 14): resuming with
``Last-Event-ID`` without gaps or duplicates, filters, and a shutdown that readers cannot hold."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import h11
import httpx
import trio

from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance

TIMEOUT_S = 30


class Stream:
    """An SSE reader over a real TCP connection (h11 for the HTTP/1.1 framing: httpx leaves a
    partly read stream to the garbage collector, a ResourceWarning here)."""

    def __init__(self, tcp: trio.SocketStream) -> None:
        self._tcp = tcp
        self._http = h11.Connection(h11.CLIENT)
        self._text = ""
        self.status = 0
        self.headers: dict[str, str] = {}

    async def _next(self) -> h11.Event | type[h11.PAUSED] | type[h11.NEED_DATA]:
        while True:
            event = self._http.next_event()
            if event is not h11.NEED_DATA:
                return event
            self._http.receive_data(await self._tcp.receive_some(65536))

    async def open(self, target: str, headers: dict[str, str]) -> None:
        request = h11.Request(
            method="GET", target=target, headers=[("Host", "x"), *headers.items()]
        )
        await self._tcp.send_all(self._http.send(request) + self._http.send(h11.EndOfMessage()))
        response = await self._next()
        assert isinstance(response, h11.Response)
        self.status = response.status_code
        self.headers = {k.decode(): v.decode() for k, v in response.headers}

    async def _line(self) -> str:
        while "\n" not in self._text:
            event = await self._next()
            if not isinstance(event, h11.Data):
                raise AssertionError(f"the stream ended: {event!r}")
            self._text += bytes(event.data).decode()
        line, self._text = self._text.split("\n", 1)
        return line

    async def next_event(self) -> dict[str, Any]:
        fields: dict[str, str] = {}
        while True:
            line = await self._line()
            if line.startswith(":"):
                continue  # a comment: stream open, keep-alive
            if not line:
                if fields:
                    event: dict[str, Any] = json.loads(fields["data"])
                    assert fields["id"] == str(event["seq"])
                    assert fields["event"] == event["event"]
                    return event
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    async def take(self, count: int) -> list[dict[str, Any]]:
        return [await self.next_event() for _ in range(count)]

    async def until_closed(self) -> None:
        """Read until the server ends the response."""
        while not isinstance(await self._next(), h11.EndOfMessage):
            pass


@asynccontextmanager
async def stream(
    api: httpx.AsyncClient, query: str = "", last_event_id: int | None = None
) -> AsyncIterator[Stream]:
    url = httpx.URL(str(api.base_url))
    assert url.host and url.port
    headers = {"X-API-Key": api.headers["X-API-Key"]}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    async with await trio.open_tcp_stream(url.host, url.port) as tcp:
        reader = Stream(tcp)
        await reader.open(f"/api/v1/events/stream{query}", headers)
        assert reader.status == 200
        assert reader.headers["content-type"].startswith("text/event-stream")
        yield reader


async def register(api: httpx.AsyncClient, *names: str) -> None:
    for name in names:
        assert (await api.post("/api/v1/chargers", json={"chargeBoxId": name})).status_code == 201


def boxes(events: list[dict[str, Any]]) -> list[str]:
    return [event["data"]["chargeBoxId"] for event in events]


async def test_the_stream_replays_then_goes_live_and_resumes_without_gaps(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            await register(api, "CP-1", "CP-2", "CP-3")
            async with stream(api, "?after=0") as events:
                replayed = await events.take(3)
                await register(api, "CP-4")
                (live,) = await events.take(1)
            assert boxes([*replayed, live]) == ["CP-1", "CP-2", "CP-3", "CP-4"]
            # Two events while no one listens; the reader comes back with the last id it had.
            await register(api, "CP-5", "CP-6")
            async with stream(api, "?after=1", last_event_id=live["seq"]) as events:
                missed = await events.take(2)
                await register(api, "CP-7")
                (newest,) = await events.take(1)
            seqs = [e["seq"] for e in [*replayed, live, *missed, newest]]
            assert boxes([*missed, newest]) == ["CP-5", "CP-6", "CP-7"]
            assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
            polled = (await api.get("/api/v1/events?after=0&limit=4")).json()
            assert [e["seq"] for e in polled["events"]] == seqs[:4]
            assert polled["hasMore"] is True and polled["next"] == seqs[3]


async def test_the_stream_filters_by_type_and_charger(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            query = "?types=charger.deleted&chargeBoxId=CP-B"
            async with stream(api, query) as events:  # no cursor: only new events
                await register(api, "CP-A", "CP-B")
                await api.delete("/api/v1/chargers/CP-A")
                await api.delete("/api/v1/chargers/CP-B")
                (only,) = await events.take(1)
            assert (only["event"], only["chargeBoxId"]) == ("charger.deleted", "CP-B")
            bad = await api.get("/api/v1/events/stream", headers={"Last-Event-ID": "abc"})
            assert bad.status_code == 400
            assert bad.json()["error"]["message"].startswith("Last-Event-ID:")


async def test_shutdown_is_not_held_up_by_connected_readers(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    # A graceful timeout far beyond the test's bound: only the streams ending by themselves
    # lets the appliance stop in time.
    appliance = await start_appliance(nursery, make_settings(tmp_path, shutdown_timeout_s="600"))
    ended = 0
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            opened = trio.Semaphore(0)

            async def read_until_closed() -> None:
                nonlocal ended
                async with stream(api) as events:
                    opened.release()
                    await events.until_closed()
                ended += 1

            async with trio.open_nursery() as readers:
                for _ in range(5):
                    readers.start_soon(read_until_closed)
                for _ in range(5):
                    await opened.acquire()
                await stop_appliance(appliance)
    assert ended == 5
