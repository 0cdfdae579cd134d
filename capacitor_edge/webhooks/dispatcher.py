"""The delivery workers: at least once, in order, per webhook.

One task per active webhook, so a slow or dead receiver only ever holds up its own webhook. A
worker reads the journal after its cursor, POSTs one event at a time, and moves the cursor past
an event only when the receiver answered 2xx (in the same commit as the attempt's log row).
Anything else is retried after the next delay of ``webhook_retry_schedule_s`` (with jitter);
after the last one the webhook is disabled with a ``webhook.disabled`` event. Nothing here
polls: idle workers sleep until the commit that writes the next event wakes them. Each
delivery waits for a turn (domain/idle_turns.py): while chargers keep the box busy, webhooks
fall behind (bounded) and catch up after, so they never slow a charger's answer.
"""

from __future__ import annotations

import json
import logging
import random
import ssl
from dataclasses import dataclass, field
from pathlib import Path

import trio

from capacitor_edge import __version__
from capacitor_edge.clock import Clock, SystemClock, iso_z
from capacitor_edge.domain.errors import StorageFailure
from capacitor_edge.domain.events import Events
from capacitor_edge.domain.webhooks import (
    Attempt,
    Envelope,
    WebhookRecord,
    Webhooks,
    subscribed,
)
from capacitor_edge.storage.webhooks import DeliveryKind, WebhookState
from capacitor_edge.webhooks.client import Connection
from capacitor_edge.webhooks.sending import post

#: Events read from the journal per query.
BATCH = 100
#: A failing webhook is marked ``failing`` from this many failed attempts in a row.
FAILING_AFTER = 3
#: How long an idle worker may keep a cursor moved over unsubscribed events in memory only
#: (persisting it frees the journal's retention; it need not cost a write per event).
SKIP_PERSIST_S = 10.0
#: After a storage failure, a worker tries again this much later.
STORAGE_RETRY_S = 5.0
log = logging.getLogger("capacitor_edge.webhooks")


@dataclass(frozen=True)
class DeliveryPolicy:
    timeout_s: float
    retry_schedule_s: tuple[float, ...]
    #: Each delay is multiplied by a factor in [1 - jitter, 1 + jitter].
    jitter: float = 0.2
    #: The site CA of the certificate kit, for webhooks with ``trustSiteCa``.
    site_ca_file: Path | None = None
    #: The ``webhook-timestamp`` of each attempt: the moment of sending, which receivers check
    #: against their own clock (5 minutes' tolerance in Standard Webhooks libraries).
    signing_clock: Clock = field(default_factory=SystemClock)


@dataclass(frozen=True, slots=True)
class _Message:
    """One body to send: ``id`` is the ``webhook-id``, ``seq`` 0 for a test."""

    id: str
    type: str
    body: str
    seq: int


class _Disabled(Exception):
    """The retry schedule ran out: the worker stops."""


def _key(webhook: WebhookRecord) -> tuple[object, ...]:
    """What a running worker depends on: a change restarts it."""
    return (webhook.url, webhook.events, webhook.secret, webhook.trust_site_ca)


class Dispatcher:
    def __init__(
        self,
        webhooks: Webhooks,
        events: Events,
        clock: Clock,
        policy: DeliveryPolicy,
        rng: random.Random | None = None,
    ) -> None:
        self._webhooks = webhooks
        self._store = webhooks.store
        self._events = events
        self._clock = clock
        self._policy = policy
        self._rng = rng or random.Random()
        self._changed = trio.Event()
        self._workers: dict[int, tuple[tuple[object, ...], trio.CancelScope]] = {}

    def changed(self) -> None:
        self._changed.set()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Keep one worker per active webhook until cancelled."""
        self._webhooks.attach(self, self.changed)
        try:
            await self._keep_workers(task_status)
        finally:
            # Stopping: the deliveries noted but not logged yet go into the last commit.
            self._store.flush_delivered()

    async def _keep_workers(self, task_status: trio.TaskStatus[None]) -> None:
        async with trio.open_nursery() as nursery:
            started = False
            while True:
                self._changed = trio.Event()
                try:
                    await self._reconcile(nursery)
                except StorageFailure:
                    self._changed.set()  # try again below, after a pause
                    await trio.sleep(STORAGE_RETRY_S)
                if not started:
                    task_status.started()
                    started = True
                await self._changed.wait()

    async def _reconcile(self, nursery: trio.Nursery) -> None:
        wanted = {w.seq: w for w in await self._store.all(None) if w.active}
        for seq in list(self._workers):
            key, scope = self._workers[seq]
            if seq not in wanted or _key(wanted[seq]) != key:
                scope.cancel()
                del self._workers[seq]
        for seq, webhook in wanted.items():
            if seq not in self._workers:
                scope = trio.CancelScope()
                self._workers[seq] = (_key(webhook), scope)
                nursery.start_soon(self._run_worker, webhook, scope)

    async def _run_worker(self, webhook: WebhookRecord, scope: trio.CancelScope) -> None:
        try:
            with scope:
                await self._work_until_disabled(webhook)
        finally:
            # Disabled or gone: forget it (unless a newer worker already took its place), so
            # re-enabling it starts a new one.
            current = self._workers.get(webhook.seq)
            if current is not None and current[1] is scope:
                del self._workers[webhook.seq]

    async def _work_until_disabled(self, webhook: WebhookRecord) -> None:
        while True:
            try:
                await self._work(webhook)
            except _Disabled:
                return
            except StorageFailure:
                await trio.sleep(STORAGE_RETRY_S)
                found = await self._store.find(webhook.org_id, webhook.id)
                if found is None or not found.active:
                    return
                webhook = found

    async def _work(self, webhook: WebhookRecord) -> None:
        client = self._client(webhook)
        try:
            await self._deliver_all(webhook, client)
        finally:
            await client.aclose()

    async def _deliver_all(self, webhook: WebhookRecord, client: Connection) -> None:
        cursor = persisted = webhook.cursor
        state: WebhookState = webhook.state
        last_persist = trio.current_time()
        types = subscribed(webhook)
        while True:
            seen_head = self._events.head
            batch = await self._events.page_json(
                webhook.org_id, cursor, BATCH, types, webhook_body=True
            )
            for event in batch:
                await self._events.turn(patient=True)  # the chargers first
                state = await self._deliver(webhook, client, *event, state)
                cursor = persisted = event[0]
            if len(batch) == BATCH:
                continue
            # The read saw every event up to seen_head: none left for this webhook there.
            cursor = max(cursor, seen_head)
            if batch:
                continue
            # Caught up: what was delivered goes to the log now, not after LOG_FLUSH_S.
            self._store.flush_delivered()
            if cursor > persisted and trio.current_time() - last_persist >= SKIP_PERSIST_S:
                await self._store.advance_cursor(webhook.seq, cursor)
                persisted, last_persist = cursor, trio.current_time()
            with trio.move_on_after(SKIP_PERSIST_S):
                await self._events.wait_beyond(cursor)

    async def _deliver(
        self,
        webhook: WebhookRecord,
        client: Connection,
        seq: int,
        type_: str,
        body: str,
        state: WebhookState,
    ) -> WebhookState:
        """Deliver event ``seq`` (``body``: its JSON envelope) until a 2xx; the webhook's state
        after it."""
        message = _Message(f"evt_{seq}", type_, body, seq)
        schedule = self._policy.retry_schedule_s
        attempt_number = 0
        while True:
            attempt_number += 1
            attempt = await self._attempt(webhook, client, message, attempt_number)
            new_state: WebhookState = "ok"
            if not attempt.ok:
                new_state = "failing" if attempt_number >= FAILING_AFTER else state
            if attempt.ok and new_state == state:
                # The common case, not waited for: one commit wait per event would bound a
                # webhook to a few hundred events per second.
                self._store.note_delivered(webhook.seq, attempt)
                return state
            await self._store.record_attempt(
                webhook.seq, attempt, None if new_state == state else new_state
            )
            state = new_state
            if attempt.ok:
                return state
            if attempt_number > len(schedule):
                reason = (
                    f"event {message.id} not delivered after {attempt_number} attempts: "
                    f"{attempt.error}"
                )
                log.warning("webhook %s disabled: %s", webhook.id, reason)
                await self._store.disable(webhook.seq, iso_z(self._clock.now()), reason)
                raise _Disabled
            delay = schedule[attempt_number - 1]
            jitter = self._policy.jitter
            await trio.sleep(delay * self._rng.uniform(1 - jitter, 1 + jitter))

    async def _attempt(
        self,
        webhook: WebhookRecord,
        client: Connection,
        message: _Message,
        attempt: int,
        kind: DeliveryKind = "delivery",
    ) -> Attempt:
        at = self._clock.now()
        signed_at = self._policy.signing_clock.now()
        status, duration_ms, error = await post(
            client,
            webhook.secret,
            message.id,
            message.body,
            signed_at,
            self._policy.timeout_s,
        )
        return Attempt(
            event_seq=message.seq,
            event_type=message.type,
            attempt=attempt,
            at=iso_z(at),
            status_code=status,
            duration_ms=duration_ms,
            error=error,
            kind=kind,
        )

    async def send_once(
        self, webhook: WebhookRecord, envelope: Envelope, event_seq: int, kind: DeliveryKind
    ) -> Attempt:
        body = json.dumps(envelope.body(), separators=(",", ":"))
        message = _Message(envelope.id, envelope.event, body, event_seq)
        client = self._client(webhook)
        try:
            attempt = await self._attempt(webhook, client, message, 1, kind)
        finally:
            await client.aclose()
        await self._store.record_attempt(webhook.seq, attempt)
        return attempt

    def _client(self, webhook: WebhookRecord) -> Connection:
        # TLS verified by default against the system's CAs; with trustSiteCa, the site CA of
        # the certificate kit too (receivers on the LAN with a kit-issued certificate).
        context = ssl.create_default_context()
        site_ca = self._policy.site_ca_file
        if webhook.trust_site_ca and site_ca is not None and site_ca.exists():
            context.load_verify_locations(cafile=str(site_ca))
        # No redirects followed, no proxy from the environment: receivers are named exactly.
        return Connection(webhook.url, context, f"capacitor-edge/{__version__}")
