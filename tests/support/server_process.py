"""Run the real ``capacitor-edge serve`` CLI in a subprocess, for end-to-end and interop tests.

Usage::

    async with ServerProcess.start(tmp_path / "data") as server:
        server.http_url, server.ocpp_url, server.api_key
        ...
    # leaving the block sends SIGTERM and checks the exit code is 0

The ready line on stderr (``capacitor-edge ready: REST http://…, OCPP ws://…``) gives the ports,
so both listeners can bind port 0.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import trio

READY = re.compile(r"capacitor-edge ready: REST (\S+), OCPP (\S+)")


@dataclass
class ServerProcess:
    process: trio.Process
    data_dir: Path
    http_url: str = ""
    ocpp_url: str = ""
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    _ready: trio.Event = field(default_factory=trio.Event)

    @property
    def api_key(self) -> str:
        return (self.data_dir / "initial-api-key").read_text().strip()

    def charger_url(self, charge_box_id: str) -> str:
        return f"{self.ocpp_url}/ocpp/{charge_box_id}"

    def stderr_text(self) -> str:
        return self.stderr.decode(errors="replace")

    async def _pump(self, stream: trio.abc.ReceiveStream, sink: bytearray, watch: bool) -> None:
        async for chunk in stream:
            sink.extend(chunk)
            if watch and not self._ready.is_set():
                match = READY.search(sink.decode(errors="replace"))
                if match:
                    self.http_url, self.ocpp_url = match.group(1), match.group(2)
                    self._ready.set()

    async def terminate(self, *, within: float = 3.0) -> int:
        """SIGTERM, and the exit code, which must come within ``within`` seconds."""
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
    ) -> AsyncIterator[ServerProcess]:
        command = [
            sys.executable,
            "-m",
            "capacitor_edge",
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
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
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
            if process.returncode is None:
                process.kill()
                with trio.CancelScope(shield=True), trio.move_on_after(5):
                    await process.wait()
