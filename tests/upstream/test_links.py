"""The upstream links' supervisor (issue 20), in-process on a real SQLite file and real
loopback sockets: chargers coming online while a link starts all get their link (this crashed
the box once: the set of online chargers changed while it was iterated), and a link that cannot
connect retries with a backoff that doubles up to ``upstream_backoff_max_s`` (MockClock)."""

from __future__ import annotations

import itertools
import socket
from datetime import datetime, timedelta
from pathlib import Path

import trio
import trio.testing

from capacitor_edge.app.compose import build_services
from capacitor_edge.clock import Clock, FixedClock
from capacitor_edge.domain.charger_sessions import ChargerIdentity
from capacitor_edge.domain.services import Services
from capacitor_edge.storage.database import Database
from capacitor_edge.upstream.links import UpstreamLinks
from tests.conftest import make_settings
from tests.upstream.test_outbox import NOW

CHARGERS = 20


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def chargers_with_upstream(
    nursery: trio.Nursery,
    tmp_path: Path,
    count: int,
    clock: Clock | None = None,
    **overrides: str,
) -> tuple[Services, list[ChargerIdentity], UpstreamLinks]:
    settings = make_settings(tmp_path, upstream_url=f"ws://127.0.0.1:{closed_port()}", **overrides)
    db = Database(settings.data_dir / "capacitor.db", room_check_interval_s=3600)
    await nursery.start(db.run)
    services = build_services(db, settings, clock or FixedClock(NOW))
    await services.keys.bootstrap()
    org_id = (await services.keys.create(name="t")).record.org_id
    identities = []
    for i in range(count):
        await services.chargers.register(org_id, f"CP-{i}", None, None)
        identity = await services.charger_messages.identify(f"CP-{i}")
        assert identity is not None
        identities.append(identity)
    assert services.mirror is not None
    return services, identities, UpstreamLinks(services.mirror, services.schemas, settings)


async def test_chargers_coming_online_while_links_start_all_get_one(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(20):
        services, chargers, links = await chargers_with_upstream(nursery, tmp_path, CHARGERS)
        mirror = services.mirror
        assert mirror is not None
        await nursery.start(links.run)
        for charger in chargers:  # one at a time, each while the previous link starts
            await services.charger_messages.connected(charger)
            await trio.lowlevel.checkpoint()
        # Every charger's link tried the (closed) upstream and says why it is down.
        for charger in chargers:
            state = mirror.state(charger.charger_seq)
            while state.last_error is None:
                await state.changed.wait()
        assert {mirror.state(c.charger_seq).connected for c in chargers} == {False}
        assert "cannot connect" in str(mirror.state(chargers[-1].charger_seq).last_error)


class TrioClock:
    """Wall-clock time that follows trio's (mock) clock, so each attempt's time shows."""

    def now(self) -> datetime:
        return NOW + timedelta(seconds=trio.current_time())


async def test_a_link_that_cannot_connect_backs_off_doubling_to_the_bound(
    tmp_path: Path, mock_clock: trio.testing.MockClock
) -> None:
    # Long enough that a refused loopback connect is seen before the clock jumps on.
    mock_clock.autojump_threshold = 0.2
    attempts: list[float] = []
    async with trio.open_nursery() as nursery:
        services, chargers, links = await chargers_with_upstream(
            nursery, tmp_path, 1, clock=TrioClock(), upstream_backoff_max_s="8"
        )
        mirror = services.mirror
        assert mirror is not None
        await nursery.start(links.run)
        await services.charger_messages.connected(chargers[0])
        state = mirror.state(chargers[0].charger_seq)
        with trio.fail_after(200):
            while len(attempts) < 7:
                await state.changed.wait()
                attempts.append(trio.current_time())
        nursery.cancel_scope.cancel()
    gaps = [round(b - a) for a, b in itertools.pairwise(attempts)]
    assert gaps == [1, 2, 4, 8, 8, 8]
