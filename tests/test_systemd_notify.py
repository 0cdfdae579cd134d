"""sd_notify: READY=1 only once both listeners accept, WATCHDOG=1 pings, STOPPING=1 on SIGTERM,
seen on a real ``NOTIFY_SOCKET`` datagram socket made by the test (a file path, and the Linux
abstract namespace ``@name``), with the real CLI in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import socket
import uuid
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.app.systemd import Notifier
from tests.support.server_process import STOP_BOUND_S, ServerProcess


def datagram_socket(address: str) -> trio.socket.SocketType:
    """A datagram socket listening at ``address`` (a leading NUL: the abstract namespace)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    return trio.socket.from_stdlib_socket(sock)


async def accepts(url: str) -> bool:
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    try:
        stream = await trio.open_tcp_stream(host, int(port))
    except OSError:
        return False
    await stream.aclose()
    return True


def env_with(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAPACITOR_EDGE_", "WATCH"))}
    env.pop("NOTIFY_SOCKET", None)
    env.update(extra)
    return env


@pytest.mark.slow
@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
async def test_ready_only_when_both_listen_watchdog_pings_and_stopping(
    tmp_path: Path, abstract: bool
) -> None:
    if abstract:
        name = f"capacitor-edge-test-{uuid.uuid4().hex}"
        notify_socket, bind_to = "@" + name, "\0" + name
    else:
        notify_socket = bind_to = str(tmp_path / "notify.sock")
    messages: list[dict[str, str]] = []
    changed = trio.Event()
    ready_seen_listening: list[bool] = []

    with datagram_socket(bind_to) as sock, trio.fail_after(60):

        async def receive() -> None:
            nonlocal changed
            while True:
                data = await sock.recv(4096)
                fields = dict(line.split("=", 1) for line in data.decode().splitlines())
                if "READY" in fields:
                    # Checked the moment READY=1 arrives: both listeners must already accept.
                    urls = re.findall(r"\w+://[^\s,]+", fields["STATUS"])
                    ready_seen_listening.append(
                        len(urls) == 2 and all([await accepts(url) for url in urls])
                    )
                messages.append(fields)
                changed.set()
                changed = trio.Event()

        async def wait_for(key: str, count: int = 1) -> None:
            while sum(key in m for m in messages) < count:
                await changed.wait()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(receive)
            # 200 ms watchdog: a ping every 100 ms.
            env = env_with(NOTIFY_SOCKET=notify_socket, WATCHDOG_USEC="200000")
            async with ServerProcess.start(tmp_path / "data", env=env) as server:
                await wait_for("READY")
                await wait_for("WATCHDOG", 3)
                assert not any("STOPPING" in m for m in messages)
                server.process.send_signal(signal.SIGTERM)
                await wait_for("STOPPING")
                with trio.fail_after(STOP_BOUND_S):
                    assert await server.process.wait() == 0
            nursery.cancel_scope.cancel()

    assert ready_seen_listening == [True]
    kinds = [next(iter(m)) for m in messages]
    assert kinds.count("READY") == 1
    ready_at = kinds.index("READY")
    assert kinds.index("STOPPING") > ready_at
    assert messages[ready_at]["READY"] == "1"
    assert "REST http://127.0.0.1:" in messages[ready_at]["STATUS"]


async def test_notifier_without_socket_does_nothing(
    autojump_clock: trio.testing.MockClock,
) -> None:
    notifier = Notifier.from_environ({})
    assert not notifier.enabled
    assert notifier.notify("READY=1") is False
    assert notifier.watchdog_interval_s is None
    # Virtual time: were it to sleep, the clock would jump past the bound at once.
    started = trio.current_time()
    with trio.fail_after(1):
        await notifier.keep_watchdog_fed()  # no watchdog: returns at once
    assert trio.current_time() == started


async def test_watchdog_is_for_our_pid_only(tmp_path: Path) -> None:
    sock_path = str(tmp_path / "n.sock")
    mine = Notifier.from_environ(
        {"NOTIFY_SOCKET": sock_path, "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": str(os.getpid())}
    )
    assert mine.watchdog_interval_s == 2.0
    other = Notifier.from_environ(
        {"NOTIFY_SOCKET": sock_path, "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"}
    )
    assert other.watchdog_interval_s is None


async def test_watchdog_pings_every_half_period(
    tmp_path: Path, autojump_clock: trio.testing.MockClock
) -> None:
    """On a MockClock: WATCHDOG_USEC=10 s → a ping at 0, 5, 10, 15 … s of virtual time."""
    path = str(tmp_path / "w.sock")
    seen: list[float] = []
    with datagram_socket(path) as sock:
        notifier = Notifier(path, watchdog_usec=10_000_000)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(notifier.keep_watchdog_fed)
            while len(seen) < 4:
                assert await sock.recv(100) == b"WATCHDOG=1"
                seen.append(trio.current_time())
            nursery.cancel_scope.cancel()
        notifier.close()
    assert [round(t - seen[0], 6) for t in seen] == [0.0, 5.0, 10.0, 15.0]


async def test_notify_failure_is_not_fatal(tmp_path: Path) -> None:
    notifier = Notifier(str(tmp_path / "nobody-listens.sock"))
    assert notifier.notify("READY=1") is False
