"""A server (the real CLI, in its own process) with a third-party charger, set up for the
authorization tests: settings in TOML, tags created before the charger boots."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.ocpp.test_interop import BOOT
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess

CP = "/api/v1/chargers/CP-1"


@dataclass
class Site:
    server: ServerProcess
    api: httpx.AsyncClient


@asynccontextmanager
async def server(tmp_path: Path, toml: str = "") -> AsyncIterator[Site]:
    config = tmp_path / "capacitor.toml"
    config.write_text(f"call_timeout_s = 3\n{toml}")
    async with (
        ServerProcess.start(tmp_path / "data", ["--config", str(config)]) as running,
        httpx.AsyncClient(
            base_url=running.http_url, headers={"X-API-Key": running.api_key}, timeout=10
        ) as api,
    ):
        assert (await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})).is_success
        yield Site(running, api)


@asynccontextmanager
async def charger(
    site: Site,
    *,
    configure: Mapping[str, str | None] | None = None,
    local_list: dict[str, Any] | None = None,
) -> AsyncIterator[ChargerProcess]:
    """A charger connected and booted; ``configure`` and ``local_list`` (the list it kept
    from an earlier connection) are set before its boot."""
    async with ChargerProcess.start(site.server.charger_url("CP-1")) as cp:
        await cp.wait_connected()
        if configure is not None:
            await cp.configure(configure)
        if local_list is not None:
            await cp.request({"local_list": local_list})
        await cp.call("BootNotification", BOOT)
        yield cp


async def held_list(cp: ChargerProcess) -> dict[str, Any]:
    """The list the charger holds: ``{"version", "entries": {idTag: idTagInfo}}``."""
    reply = await cp.request({"local_list": None})
    held: dict[str, Any] = reply["local_list"]
    return held


async def wait_held(cp: ChargerProcess, version: int, *, exactly: bool = False) -> dict[str, Any]:
    """The charger's list once it has reached ``version`` (bounded by the caller). ``exactly``
    where the charger's version may be ahead of the update awaited (a list another system
    wrote): it is only there once the charger has applied the update."""
    while True:
        held = await held_list(cp)
        if held["version"] == version or (held["version"] > version and not exactly):
            return held
        await trio.sleep(0.02)


async def tag(api: httpx.AsyncClient, id_tag: str, **fields: Any) -> None:
    response = await api.post("/api/v1/id-tags", json={"idTag": id_tag, **fields})
    assert response.status_code == 201, response.text


async def events(api: httpx.AsyncClient, types: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        await api.get("/api/v1/events", params={"types": types, "limit": 1000})
    ).json()["events"]
    return found


async def wait_recorded(api: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    """The ``local_list.updated`` events once there are ``count`` (the box has recorded the
    charger's answers: the charger holds its list a moment before that)."""
    while True:
        found = await events(api, "local_list.updated")
        if len(found) >= count:
            return found
        await trio.sleep(0.02)
