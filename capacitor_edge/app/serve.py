"""``capacitor-edge serve``: one Trio process, one root nursery.

Start-up order is explicit (every long-lived task is started with ``nursery.start`` and reports
when it is ready): storage writer (migrations applied) → first-run bootstrap → REST server → OCPP
listener → ready. Shutdown runs the other way: stop accepting, let in-flight requests finish
(bounded by ``shutdown_timeout_s``), close charger sessions, commit pending writes, exit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve
from hypercorn.typing import ASGIReceiveCallable, ASGISendCallable, ASGISendEvent, Scope
from quart_trio import QuartTrio

from capacitor_edge.api.app import create_app
from capacitor_edge.app.addresses import address_warnings
from capacitor_edge.app.cert_files import SiteFiles
from capacitor_edge.app.compose import build_services
from capacitor_edge.app.heap import release_memory
from capacitor_edge.app.limits import raise_open_files_limit
from capacitor_edge.app.lock import holding_data_dir
from capacitor_edge.app.selftest_runner import selftest_runner
from capacitor_edge.app.systemd import Notifier
from capacitor_edge.clock import Clock, SystemClock
from capacitor_edge.dashboard.routes import dashboard_blueprint
from capacitor_edge.dashboard.users import users_blueprint
from capacitor_edge.domain.services import Services
from capacitor_edge.meters.poller import poll_meter
from capacitor_edge.settings import Settings
from capacitor_edge.storage.database import DETACHED_COMMIT_DELAY_S, Database
from capacitor_edge.storage.space import StorageFailure, StorageHealth
from capacitor_edge.transport.ports import CannotListen
from capacitor_edge.transport.server import serve_ocpp
from capacitor_edge.uplink.service import run_uplink
from capacitor_edge.upstream.links import UpstreamLinks
from capacitor_edge.webhooks.dispatcher import DeliveryPolicy, Dispatcher

log = logging.getLogger("capacitor_edge")

DATABASE_FILE = "capacitor.db"
MIB = 1024 * 1024
INITIAL_KEY_FILE = "initial-api-key"
FIRST_ADMIN_HINT = (
    "capacitor-edge: no dashboard users yet. Create the first admin with"
    " `capacitor-edge users create NAME --role admin` (it asks for the password), then open"
    " /dashboard/ on the REST address."
)


@dataclass(frozen=True)
class Endpoints:
    """Where the running appliance listens (ports resolved, so port 0 works in tests), and its
    services, for code that embeds the appliance in-process."""

    http_url: str
    ocpp_url: str
    services: Services


def database_path(settings: Settings) -> Path:
    return settings.data_dir / DATABASE_FILE


def write_secret_file(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only (0600) from the first byte written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text + "\n")


def print_first_key(key: str, path: Path) -> None:
    print(
        "capacitor-edge: created organisation 'default' and its first API key. It is shown once"
        f" here and kept in {path} (mode 0600):",
        flush=True,
    )
    print(key, flush=True)


class ShieldedSends:
    """The ASGI app with each ``send`` shielded from cancellation.

    quart-trio cancels a request's task group as soon as the client's ``http.disconnect``
    arrives, which hypercorn sends right after the response body. That cancellation lands
    inside hypercorn's ``send`` while it (re)starts the connection's keep-alive idle task, so
    the idle task never starts, and on SIGTERM an idle keep-alive connection is only closed
    when the graceful timeout runs out (2.5-3.2 s to exit instead of ~0.5 s). Hypercorn shields
    the socket write itself already, so shielding the whole send costs nothing.
    """

    def __init__(self, app: QuartTrio) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        async def shielded(message: ASGISendEvent) -> None:
            with trio.CancelScope(shield=True):
                await send(message)

        await self.app(scope, receive, shielded)


#: File descriptors kept back from chargers: REST clients, the database and its WAL, logs.
FD_RESERVE = 256


def charger_capacity(settings: Settings, open_files_limit: int) -> int:
    """``max_connections``, lowered so chargers can never take the last file descriptors: at
    the limit the listener hit EMFILE and the REST API stopped answering (DESIGN.md; seen
    again at 20,000 chargers with a hard limit of 20,000)."""
    allowed = max(open_files_limit - FD_RESERVE, 1)
    if settings.max_connections > allowed:
        log.warning(
            "max_connections %d lowered to %d: the open-files limit is %d (raise LimitNOFILE)",
            settings.max_connections,
            allowed,
            open_files_limit,
        )
        return allowed
    return settings.max_connections


#: Longer than the idle expiry of the clients the box expects (see run_http).
KEEP_ALIVE_TIMEOUT_S = 75.0


async def run_http(
    app: QuartTrio,
    settings: Settings,
    shutdown: trio.Event,
    *,
    task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED,
) -> None:
    config = HypercornConfig()
    config.bind = [str(settings.http)]
    # Hypercorn gives in-flight requests this long after the trigger, then cancels them; idle
    # keep-alive connections are closed at once, so the process exits within the bound.
    config.graceful_timeout = settings.shutdown_timeout_s
    # Idle keep-alive connections are kept longer than clients keep theirs (httpx and most HTTP
    # libraries drop an idle connection after 5 s, browsers after about a minute). With equal
    # timeouts the two ends race: a client reuses the connection just as the server closes it
    # and its request meets "Server disconnected without sending a response" (seen in CI).
    config.keep_alive_timeout = KEEP_ALIVE_TIMEOUT_S
    config.accesslog = None
    config.errorlog = logging.getLogger("hypercorn.error")
    certificate = settings.http_certificate()
    if certificate is not None:
        # HTTPS: hypercorn builds the context (TLS 1.2+, ECDHE+AESGCM suites).
        config.certfile, config.keyfile = certificate

    async def started_with_url(
        *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED
    ) -> None:
        await hypercorn_serve(
            ShieldedSends(app),
            config,
            shutdown_trigger=shutdown.wait,
            task_status=task_status,
            mode="asgi",
        )

    async with trio.open_nursery() as nursery:
        try:
            binds: list[str] = await nursery.start(started_with_url)
        except* OSError as failed:
            # Hypercorn binds before it reports started, so this is the bind failing; it comes
            # wrapped in hypercorn's nurseries' groups.
            error: BaseException = failed
            while isinstance(error, BaseExceptionGroup):
                error = error.exceptions[0]
            assert isinstance(error, OSError)
            raise CannotListen("http", str(settings.http), error) from None
        task_status.started(binds[0])


async def serve(
    settings: Settings,
    shutdown: trio.Event,
    *,
    clock: Clock | None = None,
    announce_key: Callable[[str, Path], None] = print_first_key,
    task_status: trio.TaskStatus[Endpoints] = trio.TASK_STATUS_IGNORED,
    notifier: Notifier | None = None,
) -> None:
    """Run the appliance until ``shutdown`` is set; then stop cleanly.

    Under systemd (``notifier``, from ``NOTIFY_SOCKET`` by default) it sends ``READY=1`` once
    both listeners listen, ``STOPPING=1`` when shutdown begins, ``STATUS=`` whenever storage
    starts or stops failing, and ``WATCHDOG=1`` from a task of the root nursery for as long as
    the event loop runs and storage has not been failing for ``storage_failure_watchdog_s``.
    """
    limit = raise_open_files_limit()
    log.debug("open-files limit %d", limit)
    # 0700: the database holds key hashes and the first API key sits beside it.
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    clock = clock or SystemClock()
    db = Database(
        database_path(settings),
        reserve_bytes=settings.storage_reserve_mib * MIB,
        now=clock.now,
        detached_delay_s=DETACHED_COMMIT_DELAY_S,
    )
    ready = trio.Event()
    systemd = notifier or Notifier.from_environ()
    watchdog, reporting = trio.CancelScope(), trio.CancelScope()
    # The data dir's lock, held for the whole run: `restore` and a second `serve` refuse while
    # it is held (DataDirBusy, before the database is touched).
    async with holding_data_dir(settings.data_dir), trio.open_nursery() as root:
        await root.start(db.run)
        feed = WatchdogPolicy(db.health, settings.storage_failure_watchdog_s)
        root.start_soon(_feed_watchdog, systemd, watchdog, feed)
        try:
            services = build_services(db, settings, clock)
            await bootstrap(services, settings, announce_key)
            for warning in services.certificates.warnings(services.clock.now()):
                log.warning("%s: renew it (capacitor-edge certs init / certs charger)", warning)
            app = create_app(services, ready, db.health)
            app.register_blueprint(dashboard_blueprint(services.dashboard_users))
            app.register_blueprint(users_blueprint(services.dashboard_users))
            deliveries, upstream = trio.CancelScope(), trio.CancelScope()
            async with trio.open_nursery() as front:
                await front.start(services.smart_charging.run, shutdown)
                await front.start(services.reservations.run, shutdown)
                await front.start(services.authorization_sync.run, shutdown)
                # Site load management: the stored site, then its controller and meter.
                await services.load_control.load()
                await front.start(services.load_control.run, shutdown)
                await front.start(services.load_history.run, shutdown)
                front.start_soon(_poll_meter, services, shutdown)
                # Webhook deliveries start with the journal as it is: what was committed but
                # not delivered before a crash goes out now.
                await front.start(_deliver_webhooks, services, deliveries)
                uplink = trio.CancelScope()  # the fleet's MQTT broker (issue 19), if set
                await front.start(run_uplink, services, uplink)
                if services.mirror is not None:  # issue 20: upstream links per charger
                    links = UpstreamLinks(
                        services.mirror,
                        services.schemas,
                        settings,
                        SiteFiles.under(settings.data_dir).ca_cert,
                    )
                    await front.start(_until, links.run, upstream)
                http_url = await front.start(run_http, app, settings, shutdown)
                ocpp_url = await front.start(
                    partial(serve_ocpp, release_memory=release_memory),
                    services,
                    shutdown,
                    charger_capacity(settings, limit),
                )
                services.selftests.runner = selftest_runner(services, http_url, ocpp_url)
                ready.set()
                log.info("capacitor-edge ready: REST %s, OCPP %s", http_url, ocpp_url)
                for warning in address_warnings(settings, http_url, ocpp_url):
                    log.warning("%s", warning)
                task_status.started(Endpoints(http_url, ocpp_url, services))
                listening = f"REST {http_url}, OCPP {ocpp_url}"
                systemd.ready(storage_status(db.health) or listening)
                root.start_soon(_report_storage, systemd, db.health, listening, reporting)
                await shutdown.wait()
                log.info("shutting down")
                systemd.stopping()
                # Live event streams end now; deliveries stop (their cursors are durable).
                services.events.stopping.set()
                deliveries.cancel()
                uplink.cancel()
                upstream.cancel()
        finally:
            with trio.CancelScope(shield=True):
                await db.close()
            watchdog.cancel()
            reporting.cancel()
            systemd.close()
    log.info("stopped")


async def _poll_meter(services: Services, shutdown: trio.Event) -> None:
    with trio.CancelScope() as scope:

        async def stop() -> None:
            await shutdown.wait()
            scope.cancel()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(stop)
            await poll_meter(services.load_control)


async def _deliver_webhooks(
    services: Services,
    scope: trio.CancelScope,
    *,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    """The webhook workers and the journal's retention, until ``scope`` is cancelled."""
    settings = services.settings
    policy = DeliveryPolicy(
        timeout_s=settings.webhook_timeout_s,
        retry_schedule_s=settings.webhook_retry_schedule_s,
        site_ca_file=SiteFiles.under(settings.data_dir).ca_cert,
    )
    dispatcher = Dispatcher(services.webhooks, services.events, services.clock, policy)
    with scope:
        async with trio.open_nursery() as nursery:
            await nursery.start(dispatcher.run)
            nursery.start_soon(services.events.prune_periodically)
            task_status.started()


async def _until(
    run: Callable[..., Awaitable[None]],
    scope: trio.CancelScope,
    *,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    """``run`` (a task that reports when it is ready) until ``scope`` is cancelled."""
    with scope:
        async with trio.open_nursery() as nursery:
            await nursery.start(run)
            task_status.started()


class WatchdogPolicy:
    """Whether to send the next ``WATCHDOG=1``: not once storage has been failing for
    ``bound_s`` (0: no bound), so systemd restarts a box that can store nothing. But only for a
    failure that began in this run: if the box was already failing when it started, a restart
    did not help and another would only drop every charger again, so it keeps running (reads,
    /health 503, STATUS=) and recovers by itself when space returns."""

    def __init__(self, health: StorageHealth, bound_s: float) -> None:
        self.health = health
        self.bound_s = bound_s
        self._episode_at_start = health.failing_since
        self._warned_for: float | None = None

    def __call__(self) -> bool:
        since = self.health.failing_since
        if since is None or since == self._episode_at_start or not self.bound_s:
            return True
        failing_for = trio.current_time() - since
        if failing_for < self.bound_s:
            return True
        if self._warned_for != since:
            self._warned_for = since
            log.error(
                "storage failing for %.0f s (storage_failure_watchdog_s): no more WATCHDOG=1, "
                "so systemd restarts the service",
                failing_for,
            )
        return False


def storage_status(health: StorageHealth) -> str | None:
    current = health.current
    return None if current.ok else current.message


async def _report_storage(
    systemd: Notifier, health: StorageHealth, listening: str, scope: trio.CancelScope
) -> None:
    """``STATUS=`` at once when storage starts or stops failing (``systemctl status`` shows it)."""
    with scope:
        while True:
            await health.wait_changed()
            systemd.notify(f"STATUS={storage_status(health) or listening}")


async def _feed_watchdog(systemd: Notifier, scope: trio.CancelScope, feed: WatchdogPolicy) -> None:
    with scope:
        await systemd.keep_watchdog_fed(feed)


async def bootstrap(
    services: Services, settings: Settings, announce_key: Callable[[str, Path], None]
) -> None:
    try:
        # Whatever the last run left behind, no charger is connected before the listener opens.
        await services.chargers.mark_all_offline()
        created = await services.keys.bootstrap()
    except StorageFailure as failure:
        # Start anyway on a full disk: reads work, /health says what is wrong, and the box
        # recovers by itself when space returns. The next start does this again.
        log.error("start-up writes not stored (%s); chargers may show as online", failure)
        return
    if not await services.dashboard_users.count():
        print(FIRST_ADMIN_HINT, flush=True)
    if created is not None:
        path = settings.data_dir / INITIAL_KEY_FILE
        await trio.to_thread.run_sync(write_secret_file, path, created.secret)
        announce_key(created.secret, path)
