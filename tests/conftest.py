"""Shared fixtures: real settings, a real in-process appliance, real SQLite files.

Nothing here mocks a layer of our own (DESIGN.md, convention 4): ``appliance`` runs the same
``serve()`` the CLI runs, on loopback ports chosen by the OS, with its database in ``tmp_path``.

- :func:`make_settings` / ``settings`` — settings for a fresh data dir, loopback port 0.
- ``appliance`` — a running appliance (REST on 127.0.0.1:0) with its first API key captured;
  see :class:`Appliance`.
- :func:`second_org_key` — an API key of another organisation, created the way the CLI does.
- :func:`plain_connection` — a second, plain ``sqlite3`` connection on the appliance's database,
  for checking what was really committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.app.cli import create_key
from capacitor_edge.app.serve import DATABASE_FILE, Endpoints, serve
from capacitor_edge.clock import FixedClock
from capacitor_edge.settings import Settings, load_settings

#: "Now" for every appliance started by the fixture (the spec's example date).
FIXED_NOW = datetime(2026, 2, 6, 12, 0, 0, 123000, tzinfo=UTC)
#: The ``public_url`` the test settings use, so ``connectionUrl`` is predictable.
PUBLIC_URL = "ws://gateway.test:9000"
#: Upper bound for starting or stopping an in-process appliance.
START_STOP_TIMEOUT_S = 10.0


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a fresh ``tmp_path/data`` on loopback port 0.

    ``overrides`` are flag-style values (strings, as on the command line) for any setting, e.g.
    ``make_settings(tmp_path, heartbeat_interval_s="30")``.
    """
    flags: dict[str, str | None] = {
        "data_dir": str(tmp_path / "data"),
        "http": "127.0.0.1:0",
        "ocpp": "127.0.0.1:0",
        "public_url": PUBLIC_URL,
        # No 8 MiB `.reserve` per test (hundreds of runs' tmp dirs are kept); the full-disk
        # tests set their own.
        "storage_reserve_mib": "0",
    }
    flags.update({key: None if value is None else str(value) for key, value in overrides.items()})
    return load_settings(None, {}, flags)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@dataclass
class Appliance:
    """A running appliance, as a test sees it."""

    endpoints: Endpoints
    api_key: str
    settings: Settings
    shutdown: trio.Event
    clock: FixedClock
    stopped: trio.Event = field(default_factory=trio.Event)

    @property
    def database(self) -> Path:
        return self.settings.data_dir / DATABASE_FILE

    def client(self, key: str | None = None) -> httpx.AsyncClient:
        """An HTTP client for the REST API sending ``key`` (default: the first API key)."""
        return httpx.AsyncClient(
            base_url=self.endpoints.http_url,
            headers={"X-API-Key": key or self.api_key},
            timeout=5.0,
        )


async def start_appliance(
    nursery: trio.Nursery, settings: Settings, clock: FixedClock | None = None
) -> Appliance:
    """Start ``serve()`` in ``nursery`` and wait until it is ready.

    The caller stops it with :func:`stop_appliance`. On a data dir that already has keys no key
    is announced and ``api_key`` is the empty string.
    """
    clock = clock or FixedClock(FIXED_NOW)
    shutdown = trio.Event()
    stopped = trio.Event()
    announced: list[str] = []

    def announce_key(key: str, path: Path) -> None:
        announced.append(key)

    async def run(*, task_status: trio.TaskStatus[Endpoints] = trio.TASK_STATUS_IGNORED) -> None:
        try:
            await serve(
                settings, shutdown, clock=clock, announce_key=announce_key, task_status=task_status
            )
        finally:
            stopped.set()

    with trio.fail_after(START_STOP_TIMEOUT_S):
        endpoints: Endpoints = await nursery.start(run)
    return Appliance(
        endpoints=endpoints,
        api_key=announced[0] if announced else "",
        settings=settings,
        shutdown=shutdown,
        clock=clock,
        stopped=stopped,
    )


async def stop_appliance(appliance: Appliance) -> None:
    """Ask the appliance to shut down and wait (bounded) until ``serve()`` has returned."""
    appliance.shutdown.set()
    with trio.fail_after(START_STOP_TIMEOUT_S):
        await appliance.stopped.wait()


@pytest.fixture
async def appliance(nursery: trio.Nursery, settings: Settings) -> AsyncIterator[Appliance]:
    """A running appliance on 127.0.0.1 (port 0) with its data in ``tmp_path/data`` and a
    :class:`~capacitor_edge.clock.FixedClock` at :data:`FIXED_NOW`."""
    running = await start_appliance(nursery, settings)
    assert running.api_key, "a fresh data dir must announce a first API key"
    try:
        yield running
    finally:
        await stop_appliance(running)


def create_org_key(database: Path, org: str, name: str = "test") -> str:
    """Create an API key for organisation ``org`` (created if new) the way the CLI's
    ``keys create`` does, on its own connection; return the secret.

    Blocking: from async code call it through ``trio.to_thread.run_sync``.
    """
    return create_key(database, name, org).secret


async def second_org_key(appliance: Appliance, org: str = "other-org") -> str:
    """An API key of another organisation than the appliance's first key."""
    return await trio.to_thread.run_sync(create_org_key, appliance.database, org)


def plain_connection(database: Path) -> sqlite3.Connection:
    """A plain second connection (not the appliance's) for checking committed data."""
    conn = sqlite3.connect(database, timeout=10.0)
    conn.row_factory = sqlite3.Row
    return conn
