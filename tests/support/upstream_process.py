"""Trio-side driver for ``tests/support/upstream_csms.py`` (a real third-party upstream central
system in its own process).

Usage::

    async with UpstreamProcess.start(tmp_path / "upstream.jsonl") as upstream:
        upstream.url  # ws://127.0.0.1:PORT
        await upstream.wait_until(lambda got: any(m["action"] == "BootNotification" for m in got))
        answer = await upstream.call("CP-1", "Reset", {"type": "Soft"})

``received`` holds what this process received; :func:`recorded` reads the record file, which
spans restarts of the upstream (and its kills).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import trio

SCRIPT = Path(__file__).with_name("upstream_csms.py")
JsonDict = dict[str, Any]


def recorded(path: Path) -> list[JsonDict]:
    """Every CALL the upstream received, across its restarts, in order."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class UpstreamProcess:
    def __init__(self, process: trio.Process) -> None:
        self.process = process
        self.port = 0
        self.received: list[JsonDict] = []
        self._results: dict[int, JsonDict] = {}
        self._changed = trio.Event()
        self._next_ref = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @classmethod
    @asynccontextmanager
    async def start(
        cls, record: Path, *, port: int = 0, extra: Sequence[str] = ()
    ) -> AsyncIterator[UpstreamProcess]:
        argv = [sys.executable, str(SCRIPT), "--record", str(record), "--port", str(port)]
        process = await trio.lowlevel.open_process(
            [*argv, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self = cls(process)
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._read)
                with trio.fail_after(20):
                    while not self.port:
                        if process.returncode is not None:
                            raise AssertionError("the upstream exited before it listened")
                        await self._changed.wait()
                yield self
                nursery.cancel_scope.cancel()
        finally:
            self.kill()
            with trio.CancelScope(shield=True), trio.move_on_after(5):
                await process.wait()

    def kill(self) -> None:
        """SIGKILL: the upstream vanishes without closing its connections."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        buffer = b""
        async for chunk in self.process.stdout:
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                message = json.loads(line)
                if message["event"] == "listening":
                    self.port = int(message["port"])
                elif message["event"] == "received":
                    self.received.append(message)
                elif message["event"] == "result":
                    self._results[int(message["ref"])] = message
                changed, self._changed = self._changed, trio.Event()
                changed.set()

    async def wait_until(self, check: Callable[[list[JsonDict]], bool]) -> list[JsonDict]:
        """Wait (bounded by the caller's fail_after) until ``check(received)`` holds."""
        while not check(self.received):
            await self._changed.wait()
        return self.received

    async def call(self, cp: str, action: str, payload: JsonDict) -> JsonDict:
        """Send a CALL to the charge point ``cp`` (the box, as that charger); its answer."""
        self._next_ref += 1
        ref = self._next_ref
        assert self.process.stdin is not None
        line = {"ref": ref, "cp": cp, "action": action, "payload": payload}
        await self.process.stdin.send_all(json.dumps(line).encode() + b"\n")
        while ref not in self._results:
            await self._changed.wait()
        return self._results.pop(ref)
