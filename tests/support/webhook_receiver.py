"""A real webhook receiver for tests: a stdlib HTTP server in its own process on 127.0.0.1.

Its answers are scripted (``--script 500,500,500,200``: one status per request in order, the
last one repeated; ``--delay-s``: wait before each answer) and it verifies every request's
signature with the ``standardwebhooks`` package when given ``--secret``. It prints one JSON line
per request on stdout; :class:`Receiver` reads them and wakes the waiting test (no polling).

Run as a script: ``python tests/support/webhook_receiver.py --script 200``.
"""

from __future__ import annotations

import argparse
import json
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trio

JsonDict = dict[str, Any]


# -- the receiver process ------------------------------------------------------------------


def _serve(
    script: list[int], delay_s: float, secret: str | None, tls: tuple[str, str] | None = None
) -> None:
    from standardwebhooks import Webhook

    lock = threading.Lock()
    served = [0]
    verifier = None
    if secret is not None:
        verifier = Webhook(secret) if secret.startswith("whsec_") else Webhook(secret.encode())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the stdlib calls it by this name
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with lock:
                index = served[0]
                served[0] += 1
            status = script[min(index, len(script) - 1)]
            verified: bool | str | None = None
            if verifier is not None:
                try:
                    verifier.verify(body, dict(self.headers.items()))
                    verified = True
                except Exception as error:  # recorded; the test asserts on it
                    verified = f"{type(error).__name__}: {error}"
            record = {
                "index": index,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": json.loads(body),
                "status": status,
                "verified": verified,
            }
            if delay_s:
                time.sleep(delay_s)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()
            # Printed after the answer is sent: a test that saw the line knows the box has it.
            # One write under the lock: print() writes the line and its newline separately, so
            # two handler threads (concurrent deliveries) could interleave them into one line.
            line = json.dumps(record) + "\n"
            with lock:
                sys.stdout.write(line)
                sys.stdout.flush()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # stdout is the test's channel

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(json.dumps({"listening": server.server_address[1]}), flush=True)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", default="200")
    parser.add_argument("--delay-s", type=float, default=0.0)
    parser.add_argument("--secret")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve https")
    args = parser.parse_args()
    tls = None if args.tls is None else (args.tls[0], args.tls[1])
    _serve([int(s) for s in args.script.split(",")], args.delay_s, args.secret, tls)


# -- the test's side -------------------------------------------------------------------------


class Receiver:
    def __init__(self, process: trio.Process, scheme: str = "http") -> None:
        self.process = process
        self.scheme = scheme
        self.port = 0
        self.requests: list[JsonDict] = []
        self._arrived = trio.Event()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/hook"

    async def _read(self) -> None:
        assert self.process.stdout is not None
        buffer = b""
        async for chunk in self.process.stdout:
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                record = json.loads(line)
                if "listening" in record:
                    self.port = record["listening"]
                else:
                    # In arrival order (the index taken when the request came in): each line is
                    # printed after its answer, so a request that came in later may print first.
                    self.requests.append(record)
                    self.requests.sort(key=lambda request: int(request["index"]))
                arrived, self._arrived = self._arrived, trio.Event()
                arrived.set()

    async def wait_until(self, check: Callable[[list[JsonDict]], bool]) -> list[JsonDict]:
        """Wait (bounded by the caller's fail_after) until ``check(requests)`` holds."""
        while not check(self.requests):
            await self._arrived.wait()
        return self.requests

    def events(self, kind: str | None = None) -> list[JsonDict]:
        """The bodies received, each once per delivery (retries included)."""
        return [r["body"] for r in self.requests if kind is None or r["body"]["event"] == kind]

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        script: str = "200",
        *,
        delay_s: float = 0.0,
        secret: str | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> AsyncIterator[Receiver]:
        argv = [sys.executable, str(Path(__file__)), "--script", script, "--delay-s", str(delay_s)]
        if secret is not None:
            argv += ["--secret", secret]
        if tls is not None:
            argv += ["--tls", str(tls[0]), str(tls[1])]
        process = await trio.lowlevel.open_process(argv, stdout=subprocess.PIPE)
        receiver = cls(process, "http" if tls is None else "https")
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(receiver._read)
                await receiver.wait_until(lambda _: receiver.port != 0)
                yield receiver
                nursery.cancel_scope.cancel()
        finally:
            with trio.CancelScope(shield=True):
                process.kill()
                await process.wait()
                assert process.stdout is not None
                await process.stdout.aclose()


if __name__ == "__main__":
    main()
