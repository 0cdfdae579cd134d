"""Run the real ``capacitor-edge serve`` CLI in a subprocess, for end-to-end and interop tests.

Usage::

    async with ServerProcess.start(tmp_path / "data") as server:
        server.http_url, server.ocpp_url, server.api_key
        ...
    # leaving the block sends SIGTERM and checks the exit code is 0

The ready line on stderr (``capacitor-edge ready: REST http://…, OCPP ws://…``) gives the ports,
so both listeners can bind port 0.

``executable=`` runs a given program (e.g. the built ``dist/capacitor-edge``) instead of
``python -m capacitor_edge``; without it, the environment variable ``CAPACITOR_BINARY_UNDER_TEST``
names one if set (CI sets it, so every test using this helper also runs against the binary). Its
name must not start with ``CAPACITOR_EDGE_``: the program reads every such variable as a setting.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import trio

#: How long a test lets the server take to exit after SIGTERM: a bound that keeps a hung test
#: from hanging the suite, not a speed claim (a loaded CI machine may take seconds). Tests of a
#: prompt exit set ``shutdown_timeout_s`` far above it, so waiting for that timeout fails them.
STOP_BOUND_S = 20.0
# The URLs end at white space, or at the closing quote of a ``--log-format json`` message.
READY = re.compile(r'capacitor-edge ready: REST ([^\s"]+), OCPP ([^\s"]+)')
#: Names a built executable to run instead of ``python -m capacitor_edge``.
BINARY_ENV = "CAPACITOR_BINARY_UNDER_TEST"


def capacitor_edge_command(executable: str | os.PathLike[str] | None = None) -> list[str]:
    """The argv prefix that runs the CLI: ``executable``, else ``$CAPACITOR_BINARY_UNDER_TEST``,
    else this interpreter with ``-m capacitor_edge``."""
    chosen = executable or os.environ.get(BINARY_ENV)
    if chosen:
        return [os.fspath(chosen)]
    return [sys.executable, "-m", "capacitor_edge"]


@dataclass
class ServerProcess:
    process: trio.Process
    data_dir: Path
    http_url: str = ""
    ocpp_url: str = ""
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    _ready: trio.Event = field(default_factory=trio.Event)
    _output_changed: trio.Event = field(default_factory=trio.Event)

    @property
    def api_key(self) -> str:
        return (self.data_dir / "initial-api-key").read_text().strip()

    def client(self) -> httpx.AsyncClient:
        """A REST client of this box with its first API key (used as ``async with``)."""
        return httpx.AsyncClient(base_url=self.http_url, headers={"X-API-Key": self.api_key})

    def charger_url(self, charge_box_id: str) -> str:
        return f"{self.ocpp_url}/ocpp/{charge_box_id}"

    def stderr_text(self) -> str:
        return self.stderr.decode(errors="replace")

    async def _pump(self, stream: trio.abc.ReceiveStream, sink: bytearray, watch: bool) -> None:
        async for chunk in stream:
            sink.extend(chunk)
            self._output_changed.set()
            self._output_changed = trio.Event()
            if watch and not self._ready.is_set():
                match = READY.search(sink.decode(errors="replace"))
                if match:
                    self.http_url, self.ocpp_url = match.group(1), match.group(2)
                    self._ready.set()

    async def wait_for_stderr(self, pattern: str) -> re.Match[str]:
        """Wait until ``pattern`` (a regex) appears in stderr (bound it with trio.fail_after)."""
        return await self._wait_for(pattern, self.stderr)

    async def wait_for_stdout(self, pattern: str) -> re.Match[str]:
        """Wait until ``pattern`` (a regex) appears in stdout (bound it with trio.fail_after)."""
        return await self._wait_for(pattern, self.stdout)

    async def _wait_for(self, pattern: str, output: bytearray) -> re.Match[str]:
        while True:
            match = re.search(pattern, output.decode(errors="replace"))
            if match is not None:
                return match
            if self.process.returncode is not None:
                raise AssertionError(f"exited before {pattern!r}: {self.stderr_text()}")
            await self._output_changed.wait()

    def kill(self) -> None:
        """SIGKILL to the server's whole process group. The single-file binary is a bootloader
        that runs the program in a child process; a SIGKILL cannot be forwarded, so killing the
        bootloader alone would leave the program running (holding its ports and data dir)."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    async def terminate(self, *, within: float = STOP_BOUND_S) -> int:
        """SIGTERM, and the exit code (bounded by ``within`` seconds)."""
        self.process.send_signal(signal.SIGTERM)
        with trio.fail_after(within):
            return await self.process.wait()

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        data_dir: Path,
        extra_args: Sequence[str] = (),
        *,
        start_timeout: float = 20.0,
        expect_exit_code: int | None = 0,
        executable: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> AsyncIterator[ServerProcess]:
        command = [
            *capacitor_edge_command(executable),
            "serve",
            "--data-dir",
            str(data_dir),
            "--http",
            "127.0.0.1:0",
            "--ocpp",
            "127.0.0.1:0",
            *extra_args,
        ]
        process = await trio.lowlevel.open_process(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            # Its own process group, so kill() reaches the binary's child process too.
            start_new_session=True,
        )
        server = cls(process=process, data_dir=data_dir)
        try:
            async with trio.open_nursery() as nursery:
                assert process.stdout is not None and process.stderr is not None
                nursery.start_soon(server._pump, process.stdout, server.stdout, False)
                nursery.start_soon(server._pump, process.stderr, server.stderr, True)
                with trio.fail_after(start_timeout):
                    await server._ready.wait()
                yield server
                if process.returncode is None:
                    code = await server.terminate()
                    if expect_exit_code is not None:
                        assert code == expect_exit_code, server.stderr_text()
        finally:
            # Always the whole group: a bootloader that died may have left its child running.
            server.kill()
            with trio.CancelScope(shield=True), trio.move_on_after(5):
                await process.wait()
