"""The organisation's webhooks (Capacitor API §7, made reliable): the registry, and what the
delivery adapter (``capacitor_edge.webhooks``) needs from the domain.

The domain decides what a webhook is and when it changes; sending HTTP is the adapter's. The
adapter registers itself as the :class:`Sender` when it starts, and is told of every change so it
can start, restart or stop the webhook's worker.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Conflict, Invalid, NotFound
from capacitor_edge.domain.ids import new_id
from capacitor_edge.storage.events import EVENT_TYPES, Event, EventStore
from capacitor_edge.storage.webhooks import (
    Attempt,
    DeliveryKind,
    DeliveryRecord,
    WebhookRecord,
    WebhookStore,
)

__all__ = ["Attempt", "DeliveryRecord", "Envelope", "Sender", "WebhookRecord", "Webhooks"]

#: Subscribes to every event type, also ones added later.
ALL_EVENTS = "*"
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class Envelope:
    """One webhook body: the seed's ``{"event", "timestamp", "data"}`` plus the event's id."""

    id: str
    event: str
    timestamp: str
    data: dict[str, Any]

    @classmethod
    def of(cls, event: Event) -> Envelope:
        return cls(event.id, event.type, event.at, event.data)

    def body(self) -> dict[str, Any]:
        return {"id": self.id, "event": self.event, "timestamp": self.timestamp, "data": self.data}


class Sender(Protocol):
    async def send_once(
        self, webhook: WebhookRecord, envelope: Envelope, event_seq: int, kind: DeliveryKind
    ) -> Attempt:
        """POST ``envelope`` to the webhook now, outside its ordered delivery; log the attempt."""
        ...


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Invalid("url", "must be an http:// or https:// URL with a host")
    return url


def check_events(events: list[str]) -> list[str]:
    if not events:
        raise Invalid("events", "must name at least one event type (or '*' for all)")
    unknown = sorted(set(events) - set(EVENT_TYPES) - {ALL_EVENTS})
    if unknown:
        raise Invalid("events", f"unknown event type {unknown[0]!r}")
    return list(dict.fromkeys(events))  # duplicates dropped, order kept


def subscribed(webhook: WebhookRecord) -> tuple[str, ...]:
    """The types to read from the journal for ``webhook`` (empty: all)."""
    return () if ALL_EVENTS in webhook.events else webhook.events


class Webhooks:
    def __init__(self, store: WebhookStore, events: EventStore, clock: Clock) -> None:
        self.store = store
        self._events = events
        self._clock = clock
        self._sender: Sender | None = None
        self._listeners: list[Callable[[], None]] = []

    def attach(self, sender: Sender, changed: Callable[[], None]) -> None:
        """The delivery adapter: sends tests and redeliveries, hears of every change."""
        self._sender = sender
        self._listeners.append(changed)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    async def create(
        self,
        org_id: str,
        url: str,
        events: list[str],
        secret: str | None,
        trust_site_ca: bool = False,
    ) -> tuple[WebhookRecord, str]:
        """The new webhook and its secret (generated when none is given; shown this once)."""
        secret = secret or new_secret()
        record = await self.store.insert(
            webhook_id=new_id("wh"),
            org_id=org_id,
            url=check_url(url),
            events=check_events(events),
            secret=secret,
            trust_site_ca=trust_site_ca,
            now=iso_z(self._clock.now()),
        )
        self._changed()
        return record, secret

    async def get(self, org_id: str, webhook_id: str) -> WebhookRecord:
        record = await self.store.find(org_id, webhook_id)
        if record is None:
            raise NotFound(f"Webhook {webhook_id} not found")
        return record

    async def all(self, org_id: str) -> list[WebhookRecord]:
        return await self.store.all(org_id)

    async def update(self, org_id: str, webhook_id: str, changes: dict[str, Any]) -> WebhookRecord:
        """``url``, ``events``, ``trustSiteCa`` and ``active`` (true re-enables a disabled
        webhook: its delivery resumes from the event it stopped at)."""
        fields: dict[str, object] = {}
        if changes.get("url") is not None:
            fields["url"] = check_url(changes["url"])
        if changes.get("events") is not None:
            fields["events"] = check_events(changes["events"])
        if changes.get("trustSiteCa") is not None:
            fields["trust_site_ca"] = int(changes["trustSiteCa"])
        if changes.get("active") is not None:
            fields["active"] = bool(changes["active"])
        record = await self.store.update(org_id, webhook_id, fields, iso_z(self._clock.now()))
        if record is None:
            raise NotFound(f"Webhook {webhook_id} not found")
        self._changed()
        return record

    async def delete(self, org_id: str, webhook_id: str) -> None:
        if not await self.store.delete(org_id, webhook_id):
            raise NotFound(f"Webhook {webhook_id} not found")
        self._changed()

    async def deliveries(
        self, org_id: str, webhook_id: str, limit: int, offset: int
    ) -> tuple[list[DeliveryRecord], int]:
        record = await self.get(org_id, webhook_id)
        return await self.store.deliveries(record.seq, limit, offset)

    async def test(self, org_id: str, webhook_id: str) -> Attempt:
        """Send a ``webhook.test`` event now (not journaled) and report what the receiver said."""
        record = await self.get(org_id, webhook_id)
        envelope = Envelope(
            new_id("evt_test"),
            "webhook.test",
            iso_z(self._clock.now()),
            {"webhookId": record.id, "url": record.url},
        )
        return await self._send(record, envelope, 0, "test")

    async def redeliver(self, org_id: str, webhook_id: str, delivery_id: int) -> Attempt:
        """Send the event of one logged delivery again, now, outside the ordered delivery."""
        record = await self.get(org_id, webhook_id)
        delivery = await self.store.delivery(record.seq, delivery_id)
        if delivery is None:
            raise NotFound(f"Delivery {delivery_id} of webhook {webhook_id} not found")
        if delivery.kind == "test":
            raise Invalid("deliveryId", "a test delivery has no journal event to send again")
        event = await self._events.find(org_id, delivery.event_seq)
        if event is None:
            raise NotFound(f"the event of delivery {delivery_id} is no longer in the journal")
        return await self._send(record, Envelope.of(event), event.seq, "redelivery")

    async def _send(
        self, record: WebhookRecord, envelope: Envelope, event_seq: int, kind: DeliveryKind
    ) -> Attempt:
        if self._sender is None:
            raise Conflict("webhook delivery is not running")
        return await self._sender.send_once(record, envelope, event_seq, kind)
