"""The upstream links of every online charger (issue 20).

Per charger, in order: connect as the charger (backoff 1 s doubling to ``upstream_backoff_max_s``
between attempts), replay its last BootNotification until the upstream accepts it (OCPP 1.6
§4.2: nothing else may be sent before), then forward its outbox in order - each message
rewritten with the upstream's transaction id, deleted once the upstream acknowledges it - and
send the box's own Heartbeats whenever the outbox has been idle for the interval the upstream
gave. Upstream CALLs are relayed to the charger through the domain (:meth:`Mirror.relay`).
"""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path
from typing import Any
from uuid import uuid4

import trio

from capacitor_edge.clock import iso_z
from capacitor_edge.domain.charger_sessions import ChargerIdentity
from capacitor_edge.domain.upstream import Mirror
from capacitor_edge.protocol import SchemaRegistry
from capacitor_edge.protocol.session import ErrorReceived
from capacitor_edge.settings import Settings, SettingsError
from capacitor_edge.storage.upstream import OutboxMessage, Verdict
from capacitor_edge.upstream.connection import Endpoint, UpstreamConnection, UpstreamLost

log = logging.getLogger("capacitor_edge.upstream")
#: Outbox rows read per query while replaying a backlog.
BATCH = 200
#: Heartbeat interval when the upstream's BootNotification answer gives none (OCPP 1.6 §4.2).
DEFAULT_INTERVAL_S = 300
#: Why a link ended of its own accord: its charger is offline and its outbox is empty.
DRAINED = "drained"
#: Actions whose transactionId is the box's and must be the upstream's on the wire.
REWRITTEN = frozenset({"MeterValues", "StopTransaction"})


def tls_context(settings: Settings, site_ca: Path | None) -> ssl.SSLContext | None:
    """The TLS context of ``wss://`` upstream links: the system's trust store plus the site CA
    (if the box has one) or ``upstream_ca_file``, and the client certificate if set."""
    if not settings.upstream_url.startswith("wss://"):
        return None
    context = ssl.create_default_context(cafile=settings.upstream_ca_file or None)
    if not settings.upstream_ca_file and site_ca is not None and site_ca.exists():
        context.load_verify_locations(cafile=str(site_ca))
    if settings.upstream_client_cert_file:
        context.load_cert_chain(
            settings.upstream_client_cert_file, settings.upstream_client_key_file or None
        )
    return context


def passwords(settings: Settings) -> dict[str, str]:
    if not settings.upstream_passwords_file:
        return {}
    loaded = json.loads(Path(settings.upstream_passwords_file).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        raise ValueError("upstream_passwords_file must hold a JSON object of strings")
    return {str(k): v for k, v in loaded.items()}


def check_upstream_files(settings: Settings, site_ca: Path | None) -> None:
    """Read the upstream's password file, CA and client certificate once before the box
    starts, so a bad one stops ``serve`` with a message naming the setting (exit 2), not a
    traceback."""
    try:
        passwords(settings)
    except (OSError, ValueError) as error:
        raise SettingsError(f"setting 'upstream_passwords_file': {error}") from None
    try:
        tls_context(settings, site_ca)
    except (OSError, ssl.SSLError) as error:
        raise SettingsError(
            f"settings 'upstream_ca_file'/'upstream_client_cert_file': {error}"
        ) from None


class UpstreamLinks:
    def __init__(
        self,
        mirror: Mirror,
        schemas: SchemaRegistry,
        settings: Settings,
        site_ca: Path | None = None,
    ) -> None:
        self._mirror = mirror
        self._schemas = schemas
        self._base_url = settings.upstream_url
        self._password = settings.upstream_password
        self._passwords = passwords(settings)
        self._tls = tls_context(settings, site_ca)
        self._backoff_max_s = settings.upstream_backoff_max_s
        self._timeout_s = settings.upstream_call_timeout_s
        #: Chargers with a link task (connected or waiting to reconnect).
        self._links: set[int] = set()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """One link per charger that is online or still has messages for the upstream: a
        charger that leaves keeps its link until its outbox is empty (its last messages, such
        as a StopTransaction, still go up), and at start-up so does every charger the last run
        left a backlog for."""
        await self._mirror.load()
        async with trio.open_nursery() as nursery:
            task_status.started()
            for charger in await self._mirror.backlogged():
                await nursery.start(self._link, charger)
            while True:
                changed = self._mirror.changed
                # A copy: chargers come online while a link task starts.
                for seq, charger in list(self._mirror.online.items()):
                    if seq not in self._links and seq in self._mirror.online:
                        await nursery.start(self._link, charger)
                await changed.wait()

    async def _link(
        self,
        charger: ChargerIdentity,
        *,
        task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
    ) -> None:
        seq = charger.charger_seq
        password = self._passwords.get(charger.charge_box_id, self._password)
        endpoint = Endpoint.of(self._base_url, charger.charge_box_id, password, self._tls)
        delay = 1.0
        self._links.add(seq)
        task_status.started()
        try:
            while True:
                try:
                    error, connected = await self._connect_once(charger, endpoint)
                except Exception as failure:
                    # Contained: one charger's link must end neither the others nor the box.
                    log.exception("upstream link of %s failed", charger.charge_box_id)
                    error, connected = f"internal error: {type(failure).__name__}", False
                if error == DRAINED:
                    return
                await self._mirror.link_down(charger, error)
                log.info("upstream link of %s: %s", charger.charge_box_id, error)
                if not await self._mirror.wanted(seq):
                    return
                if connected:
                    delay = 1.0
                await trio.sleep(min(delay, self._backoff_max_s))
                delay *= 2
        finally:
            self._links.discard(seq)
            with trio.CancelScope(shield=True):
                await self._mirror.link_down(charger, "the charger is offline, nothing to send")
            self._mirror.link_ended()  # the charger may be back: the supervisor looks again

    async def _connect_once(self, charger: ChargerIdentity, endpoint: Endpoint) -> tuple[str, bool]:
        """Why the link ended, and whether it was ever up."""
        async with trio.open_nursery() as nursery:
            try:
                connection = await UpstreamConnection.open(
                    nursery, endpoint, self._schemas, self._timeout_s
                )
            except UpstreamLost as lost:
                return str(lost), False

            async def relay(action: str, payload: dict[str, Any]) -> dict[str, Any]:
                return await self._mirror.relay(charger, action, payload)

            async def serve() -> None:
                await connection.serve(relay)
                nursery.cancel_scope.cancel()  # the link is gone: stop the forwarder too

            nursery.start_soon(serve)
            error = DRAINED
            try:
                await self._mirror.link_up(charger)
                await Forwarder(self._mirror, charger, connection).run()
            except UpstreamLost as lost:
                error = str(lost)
            finally:
                with trio.CancelScope(shield=True):
                    await connection.close()
                nursery.cancel_scope.cancel()
        if error == DRAINED:
            return error, True
        return connection.lost_reason or error, True


class Forwarder:
    """What one live upstream link sends: the boot, the outbox, the box's Heartbeats."""

    def __init__(
        self, mirror: Mirror, charger: ChargerIdentity, connection: UpstreamConnection
    ) -> None:
        self._mirror = mirror
        self._store = mirror.store
        self._charger = charger
        self._seq = charger.charger_seq
        self._connection = connection
        self._ids: dict[int, int] = {}
        self._interval: float = DEFAULT_INTERVAL_S

    async def run(self) -> None:
        """Until the link fails (UpstreamLost), or returns once the charger is offline and
        everything it sent has been acknowledged."""
        self._interval = await self._boot()
        self._ids = await self._store.upstream_ids(self._seq)
        state = self._mirror.state(self._seq)
        idle_since = trio.current_time()
        while True:
            # A new event before the read: a message committed after it wakes the wait below.
            wake = state.wake = trio.Event()
            batch = await self._store.pending(self._seq, state.acked_seq, BATCH)
            try:
                for message in batch:
                    await self._deliver(message)
                    state.acked_seq = message.seq
                    state.delivered += 1
            finally:  # also when the link fails part way through the batch
                if batch and state.acked_seq >= batch[0].seq:
                    self._store.delivered(self._seq, state.acked_seq)
            if batch:
                idle_since = trio.current_time()
                continue
            if self._seq not in self._mirror.online:
                return  # everything is told and the charger is gone: the link may end
            with trio.move_on_at(idle_since + self._interval):
                await wake.wait()
                continue
            await self._connection.call("Heartbeat", {}, _box_id())
            idle_since = trio.current_time()

    async def _boot(self) -> float:
        """Send the charger's last BootNotification until the upstream accepts it; the
        Heartbeat interval the upstream gives."""
        payload = await self._mirror.boot_payload(self._charger)
        if payload is None:
            return DEFAULT_INTERVAL_S
        while True:
            answer = await self._connection.call("BootNotification", payload, _box_id())
            if isinstance(answer, ErrorReceived) or answer.violation is not None:
                raise UpstreamLost("the upstream did not answer BootNotification")
            interval = float(answer.payload.get("interval") or DEFAULT_INTERVAL_S)
            if answer.payload["status"] == "Accepted":
                return interval
            await trio.sleep(interval)

    async def _deliver(self, message: OutboxMessage) -> None:
        action, payload = message.action, message.payload
        if action in REWRITTEN and payload.get("transactionId") in self._ids:
            payload = {**payload, "transactionId": self._ids[payload["transactionId"]]}
        # The outbox row's seq as unique id: a message sent again after a crash carries the
        # same id, so the upstream can tell the duplicate.
        unique_id = f"ce-{message.seq}"
        answer = await self._connection.call(action, payload, unique_id)
        if isinstance(answer, ErrorReceived):
            # Refused, not lost: sending it again would stop the charger's queue for good, so
            # it is dropped - visibly (an event, a counter, lastError).
            await self._mirror.refused(self._seq, message.seq, action, unique_id, answer)
            return
        if action == "BootNotification" and answer.violation is None:
            self._interval = float(answer.payload.get("interval") or DEFAULT_INTERVAL_S)
        local_id = message.local_transaction_id
        if action == "StartTransaction" and local_id is not None and answer.violation is None:
            upstream_id = int(answer.payload["transactionId"])
            status = str(answer.payload["idTagInfo"]["status"])
            await self._store.started(
                self._seq,
                message.seq,
                local_id,
                upstream_id,
                status,
                await self._store.local_status(self._seq, local_id),
                iso_z(self._mirror.now()),
            )
            self._ids.setdefault(local_id, upstream_id)
        id_tag_info = answer.payload.get("idTagInfo")
        if action == "StopTransaction" and answer.violation is None and id_tag_info:
            local_stop = message.payload.get("transactionId")
            if isinstance(local_stop, int):
                verdict = Verdict(
                    action,
                    local_stop,
                    self._ids.get(local_stop),
                    str(id_tag_info["status"]),
                )
                await self._store.stopped(
                    self._seq,
                    message.seq,
                    verdict,
                    await self._store.local_status(self._seq, local_stop),
                    iso_z(self._mirror.now()),
                )


def _box_id() -> str:
    """A unique id for the box's own CALLs (boot replay, Heartbeats): never an outbox seq."""
    return f"box-{uuid4()}"
