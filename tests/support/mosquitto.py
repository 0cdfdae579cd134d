"""A real Mosquitto broker for the MQTT tests (issue 19): started on 127.0.0.1 with a generated
configuration (a free port, its persistence in the test's own directory), stopped and started
again on the same port for the outage test.

Mosquitto is Debian's ``mosquitto`` package (``.ci/run`` installs it). Where it is missing the
tests fail and say how to install it: CI must run them, so they are never skipped.
"""

from __future__ import annotations

import getpass
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trio

#: Bound on the broker's start and stop (not a speed claim: a loaded machine may be slow).
START_STOP_S = 20.0
INSTALL_HINT = (
    "the MQTT tests need the Mosquitto broker: install it with `sudo apt-get install -y "
    "mosquitto` (Debian/Ubuntu; the tests start their own, on 127.0.0.1)"
)


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class TlsFiles:
    ca: Path
    cert: Path
    key: Path


@dataclass
class Mosquitto:
    directory: Path
    port: int
    tls: TlsFiles | None = None
    tls_port: int = 0
    process: trio.Process | None = None
    nursery: trio.Nursery | None = None
    log: bytearray = field(default_factory=bytearray)
    _changed: trio.Event = field(default_factory=trio.Event)

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    @property
    def tls_url(self) -> str:
        return f"mqtts://localhost:{self.tls_port}"

    def _config(self) -> Path:
        lines = [
            # As root, mosquitto drops to the user "mosquitto", which cannot write the test's
            # directory (its persistence file then is never saved); as anyone else it stays.
            f"user {getpass.getuser()}",
            "per_listener_settings false",
            "allow_anonymous true",
            # Sessions and retained messages survive a restart, as on a fleet's broker.
            "persistence true",
            f"persistence_location {self.directory}/",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "max_queued_messages 100000",
            f"listener {self.port} 127.0.0.1",
        ]
        if self.tls is not None:
            lines += [
                f"listener {self.tls_port} 127.0.0.1",
                f"cafile {self.tls.ca}",
                f"certfile {self.tls.cert}",
                f"keyfile {self.tls.key}",
            ]
        path = self.directory / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    async def _pump(self, stream: trio.abc.ReceiveStream) -> None:
        async for chunk in stream:
            self.log.extend(chunk)
            self._changed.set()
            self._changed = trio.Event()

    async def start(self) -> None:
        """Start it (again, on the same port) and wait until it says it runs."""
        nursery = self.nursery
        assert nursery is not None
        self.log.clear()
        process = await trio.lowlevel.open_process(
            [mosquitto_binary(), "-c", str(self._config())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.process = process
        assert process.stderr is not None
        nursery.start_soon(self._pump, process.stderr)
        with trio.fail_after(START_STOP_S):
            while b" running" not in self.log:
                if process.returncode is not None:
                    raise AssertionError(f"mosquitto exited: {self.log.decode(errors='replace')}")
                await self._changed.wait()

    async def stop(self) -> None:
        """SIGTERM (it saves its persistence file) and wait for it."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        with trio.fail_after(START_STOP_S):
            await self.process.wait()

    async def wait_for_log(self, text: bytes) -> None:
        while text not in self.log:
            await self._changed.wait()


@asynccontextmanager
async def running_mosquitto(
    directory: Path, tls: TlsFiles | None = None
) -> AsyncIterator[Mosquitto]:
    await trio.Path(directory).mkdir(mode=0o700, parents=True, exist_ok=True)
    broker = Mosquitto(directory, free_port(), tls, free_port() if tls else 0)
    async with trio.open_nursery() as nursery:
        broker.nursery = nursery
        await broker.start()
        try:
            yield broker
        finally:
            with trio.CancelScope(shield=True):
                await broker.stop()
                if broker.process is not None:
                    with suppress(ProcessLookupError):
                        broker.process.kill()
                    await broker.process.wait()
            nursery.cancel_scope.cancel()
