"""Trio-side driver for ``tests/support/ocpp_charger.py`` (a real third-party charger).

Usage::

    async with ChargerProcess.start("ws://127.0.0.1:9000/ocpp/CP-1") as cp:
        await cp.wait_connected()
        boot = await cp.call("BootNotification", {"chargePointVendor": "V", ...})
        await cp.respond({"Reset": {"status": "Rejected"}})
        event = await cp.next_event("csms_call")
        await cp.close()

The charger runs in its own process (asyncio + ``websockets`` + ``ocpp``), driven
over a line-oriented JSON protocol on its stdin/stdout; see the docstring of
``ocpp_charger.py`` for the wire format.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import trio

# The errors live beside this module (this one would pass 400 lines); tests import them from here.
from tests.support.charger_errors import ChargerCallError as ChargerCallError
from tests.support.charger_errors import ChargerConnectError as ChargerConnectError
from tests.support.charger_errors import ChargerError as ChargerError
from tests.support.charger_errors import ChargerProcessError as ChargerProcessError
from tests.support.charger_errors import JsonDict as JsonDict

CHARGER_SCRIPT = Path(__file__).with_name("ocpp_charger.py")
DEFAULT_WAIT = 15.0  # seconds; every wait is bounded by this unless max_wait= is given
_STDERR_KEEP = 64 * 1024

T = TypeVar("T")


class ChargerProcess:
    """A running ``ocpp_charger.py`` child. Create it with :meth:`start`."""

    def __init__(self, process: trio.Process, *, default_wait: float = DEFAULT_WAIT) -> None:
        self.process = process
        self.default_wait = default_wait
        self._next_id = 0
        self._replies: dict[int, JsonDict] = {}
        self._events: list[JsonDict] = []
        self._connect_event: JsonDict | None = None
        self._changed = trio.Event()
        self._eof = False
        self._stderr = bytearray()
        self._send_lock = trio.Lock()
        self.all_events: list[JsonDict] = []  # every unsolicited event, never consumed

    # ------------------------------------------------------------------ start

    @staticmethod
    def command_line(
        url: str,
        *,
        subprotocols: Sequence[str] | None = ("ocpp1.6",),
        basic_auth: str | tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        cafile: str | Path | None = None,
        certfile: str | Path | None = None,
        keyfile: str | Path | None = None,
        max_seconds: float = 60.0,
        response_timeout: float = 10.0,
        log_level: str = "INFO",
        python: str = sys.executable,
    ) -> list[str]:
        """The argv used to launch the charger (``subprotocols=None`` offers none)."""
        cmd = [python, str(CHARGER_SCRIPT), "--url", url]
        if subprotocols is None or len(subprotocols) == 0:
            cmd.append("--no-subprotocol")
        else:
            for sp in subprotocols:
                cmd += ["--subprotocol", sp]
        if basic_auth is not None:
            if isinstance(basic_auth, tuple):
                basic_auth = f"{basic_auth[0]}:{basic_auth[1]}"
            cmd += ["--basic-auth", basic_auth]
        for name, value in (headers or {}).items():
            cmd += ["--header", f"{name}: {value}"]
        for flag, path in (("--cafile", cafile), ("--certfile", certfile), ("--keyfile", keyfile)):
            if path is not None:
                cmd += [flag, str(path)]
        cmd += [
            "--max-seconds",
            str(max_seconds),
            "--response-timeout",
            str(response_timeout),
            "--log-level",
            log_level,
        ]
        return cmd

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        url: str,
        *,
        default_wait: float = DEFAULT_WAIT,
        exit_grace: float = 3.0,
        **opts: Any,
    ) -> AsyncIterator[ChargerProcess]:
        """Launch the charger; kill it (after ``exit_grace`` s) on exit.

        ``opts`` are passed to :meth:`command_line` (subprotocols, basic_auth,
        headers, cafile, certfile, keyfile, max_seconds, response_timeout,
        log_level, python). ``default_wait`` bounds every wait on this object
        (each method also takes ``max_wait=`` to override it).
        """
        argv = cls.command_line(url, **opts)
        process = await trio.lowlevel.open_process(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            self = cls(process, default_wait=default_wait)
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._read_stdout)
                nursery.start_soon(self._read_stderr)
                try:
                    yield self
                finally:
                    with trio.CancelScope(shield=True):
                        await self._shutdown(exit_grace)
                    nursery.cancel_scope.cancel()
        finally:
            with trio.CancelScope(shield=True):
                if process.returncode is None:  # only if shutdown failed
                    process.kill()
                with trio.move_on_after(5):
                    await process.wait()
                for stream in (process.stdin, process.stdout, process.stderr):
                    if stream is not None:
                        await stream.aclose()

    async def _shutdown(self, grace: float) -> None:
        if self.process.returncode is None:
            # EOF on stdin makes the charger close its websocket cleanly.
            if self.process.stdin is not None:
                with trio.move_on_after(grace):
                    async with self._send_lock:
                        await self.process.stdin.aclose()
            with trio.move_on_after(grace):
                await self.process.wait()
        if self.process.returncode is None:
            self.process.kill()
            with trio.move_on_after(5):
                await self.process.wait()

    # ------------------------------------------------------------- plumbing

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        buf = b""
        try:
            while True:
                chunk = await self.process.stdout.receive_some(65536)
                if not chunk:
                    break
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line.strip():
                        self._dispatch(line)
        finally:
            self._eof = True
            self._notify()

    def _dispatch(self, line: bytes) -> None:
        try:
            msg = json.loads(line)
        except ValueError:
            msg = {"event": "garbage", "line": line.decode("utf-8", "replace")}
        if not isinstance(msg, dict):
            msg = {"event": "garbage", "line": line.decode("utf-8", "replace")}
        if "id" in msg and "event" not in msg:
            self._replies[msg["id"]] = msg
        elif msg.get("event") in ("connected", "connect_failed"):
            self._connect_event = msg
        else:
            self._events.append(msg)
            self.all_events.append(msg)
        self._notify()

    async def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        while True:
            chunk = await self.process.stderr.receive_some(65536)
            if not chunk:
                return
            self._stderr += chunk
            if len(self._stderr) > _STDERR_KEEP:
                del self._stderr[: len(self._stderr) - _STDERR_KEEP]

    def stderr_text(self) -> str:
        """The tail of the child's stderr (ocpp/websockets logs, tracebacks)."""
        return self._stderr.decode("utf-8", "replace")

    def _died(self, what: str) -> ChargerProcessError:
        return ChargerProcessError(
            f"charger closed its stdout (returncode={self.process.returncode}) while waiting"
            f" for {what}; events: {self.all_events[-5:]}"
            f" stderr tail:\n{self.stderr_text()[-4000:]}"
        )

    async def _wait_until(self, what: str, check: Callable[[], T | None], wait: float | None) -> T:
        limit = self.default_wait if wait is None else wait
        try:
            with trio.fail_after(limit):
                while True:
                    result = check()
                    if result is not None:
                        return result
                    if self._eof:
                        raise self._died(what)
                    await self._changed.wait()
        except trio.TooSlowError:
            raise trio.TooSlowError(
                f"timed out after {limit}s waiting for {what};"
                f" stderr tail:\n{self.stderr_text()[-4000:]}"
            ) from None

    # ------------------------------------------------------------ commands

    async def request(
        self, command: Mapping[str, Any], *, max_wait: float | None = None
    ) -> JsonDict:
        """Send one raw control command (``id`` is added) and return the reply line."""
        self._next_id += 1
        cid = self._next_id
        line = json.dumps({**command, "id": cid}).encode() + b"\n"
        if self._eof or self.process.stdin is None:
            raise self._died(f"reply to {command!r}")
        async with self._send_lock:
            try:
                await self.process.stdin.send_all(line)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                raise self._died(f"reply to {command!r}") from None
        return await self._wait_until(
            f"reply to {command!r}", lambda: self._replies.pop(cid, None), max_wait
        )

    async def wait_connected(self, *, max_wait: float | None = None) -> JsonDict:
        """Return the ``connected`` event or raise :class:`ChargerConnectError`."""
        event: JsonDict = await self._wait_until(
            "connection", lambda: self._connect_event, max_wait
        )
        if event.get("event") != "connected":
            raise ChargerConnectError(event)
        return event

    async def connect_failure(self, *, max_wait: float | None = None) -> ChargerConnectError:
        """Expect the connection to fail; return the error (raise if it connected)."""
        try:
            event = await self.wait_connected(max_wait=max_wait)
        except ChargerConnectError as exc:
            return exc
        raise ChargerError(f"expected a connect failure, got {event}")

    async def call(
        self,
        action: str,
        payload: Mapping[str, Any] | None = None,
        *,
        unique_id: str | None = None,
        skip_validation: bool = False,
        max_wait: float | None = None,
    ) -> JsonDict:
        """Send a charger-initiated CALL; return the CALLRESULT payload (camelCase)."""
        command: JsonDict = {"call": action, "payload": dict(payload or {})}
        if unique_id is not None:
            command["uniqueId"] = unique_id
        if skip_validation:
            command["skipValidation"] = True
        reply = await self.request(command, max_wait=max_wait)
        if "error" in reply:
            err = reply["error"]
            raise ChargerCallError(
                str(err.get("code")),
                str(err.get("description") or ""),
                origin=str(err.get("origin", "csms")),
                details=err.get("details"),
            )
        result: JsonDict = reply["result"]
        return result

    async def raw(self, text: str, *, max_wait: float | None = None) -> None:
        """Send ``text`` verbatim as a websocket text frame."""
        await self.request({"raw": text}, max_wait=max_wait)

    async def frames(self, *, max_wait: float | None = None) -> list[str]:
        """All raw frames received from the CSMS so far."""
        frames: list[str] = (await self.request({"frames": True}, max_wait=max_wait))["frames"]
        return frames

    async def sent_frames(self, *, max_wait: float | None = None) -> list[str]:
        """All raw frames the charger has sent so far."""
        reply = await self.request({"sent_frames": True}, max_wait=max_wait)
        frames: list[str] = reply["sent_frames"]
        return frames

    async def respond(self, answers: Mapping[str, Any], *, max_wait: float | None = None) -> None:
        """Configure answers to CSMS CALLs: payload dict, ``"CALLERROR:<code>"``,
        ``"NO_ANSWER"`` or ``None`` (back to the default)."""
        await self.request({"respond": dict(answers)}, max_wait=max_wait)

    async def configure(
        self, keys: Mapping[str, str | None], *, max_wait: float | None = None
    ) -> None:
        """Set (read-only) configuration keys the charger reports; None removes one."""
        reply = await self.request({"configure": dict(keys)}, max_wait=max_wait)
        if reply.get("ok") is not True:
            raise ChargerProcessError(f"configure failed: {reply!r}")

    async def close(
        self, code: int = 1000, reason: str = "", *, max_wait: float | None = None
    ) -> JsonDict:
        """Close the websocket cleanly; the child then exits 0. Returns the reply."""
        reply = await self.request(
            {"close": True, "code": code, "reason": reason}, max_wait=max_wait
        )
        await self.wait_exit(max_wait=max_wait)
        return reply

    async def kill(self) -> None:
        """Kill the child abruptly (TCP drop without a close frame)."""
        if self.process.returncode is None:
            self.process.kill()
        await self.wait_exit()

    async def wait_exit(self, *, max_wait: float | None = None) -> int:
        """Wait for the child to exit; return its exit status."""
        with trio.fail_after(self.default_wait if max_wait is None else max_wait):
            return await self.process.wait()

    async def next_event(
        self,
        kind: str | None = None,
        *,
        predicate: Callable[[JsonDict], bool] | None = None,
        max_wait: float | None = None,
    ) -> JsonDict:
        """Pop the oldest queued unsolicited event of ``kind`` (e.g. ``"csms_call"``,
        ``"closed"``) matching ``predicate``, waiting for one if needed."""

        def find() -> JsonDict | None:
            for i, event in enumerate(self._events):
                if (kind is None or event.get("event") == kind) and (
                    predicate is None or predicate(event)
                ):
                    return self._events.pop(i)
            return None

        return await self._wait_until(f"event {kind or '*'}", find, max_wait)

    async def next_csms_call(self, action: str, *, max_wait: float | None = None) -> JsonDict:
        """Shortcut: the next ``csms_call`` event for ``action``."""
        return await self.next_event(
            "csms_call", predicate=lambda e: e.get("action") == action, max_wait=max_wait
        )

    def pending_events(self) -> list[JsonDict]:
        """Queued, not yet consumed, unsolicited events (a copy)."""
        return list(self._events)
