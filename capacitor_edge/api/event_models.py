"""Requests and responses of ``/api/v1/events`` and ``/api/v1/webhooks`` (their own module beside
models.py and responses.py, which hold the rest of the API). Responses are closed, as there."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from capacitor_edge.api.models import QueryString, StrictBody
from capacitor_edge.api.responses import Closed, Pagination

EVENT_TYPES_HELP = (
    "Comma-separated event types (docs/events.md), e.g. "
    "`connector.status_changed,transaction.stopped`; left out: all."
)


class EventsQuery(QueryString):
    after: int = Field(default=0, ge=0, description="Events after this sequence number")
    limit: int = Field(default=100, ge=1, le=1000)
    types: str | None = Field(default=None, description=EVENT_TYPES_HELP)
    chargeBoxId: str | None = None


class StreamQuery(QueryString):
    after: int | None = Field(
        default=None,
        ge=0,
        description="Replay from after this sequence number (the `Last-Event-ID` header wins); "
        "left out: only new events.",
    )
    types: str | None = Field(default=None, description=EVENT_TYPES_HELP)
    chargeBoxId: str | None = None


class EventOut(Closed):
    id: str = Field(description="`evt_` + seq: the webhook body's id and `webhook-id` header")
    seq: int = Field(description="Strictly increasing across the box; the cursor")
    event: str
    timestamp: str
    chargeBoxId: str | None
    data: dict[str, Any]


class EventList(Closed):
    events: list[EventOut]
    next: int = Field(description="Pass as `after` to read on: the last seq returned")
    hasMore: bool


class CreateWebhook(StrictBody):
    url: str = Field(description="http:// or https:// URL the events are POSTed to")
    events: list[str] = Field(description='Event types to deliver, or `["*"]` for all')
    secret: str | None = Field(
        default=None,
        min_length=8,
        max_length=200,
        description="Signing secret, best `whsec_` + base64 (Standard Webhooks); left out: "
        "the box generates one and returns it once.",
    )
    trustSiteCa: bool = Field(
        default=False,
        description="Also trust the site CA of the certificate kit for this https URL",
    )


class PatchWebhook(StrictBody):
    """Only the fields sent are changed; `active: true` re-enables a disabled webhook."""

    url: str | None = None
    events: list[str] | None = None
    trustSiteCa: bool | None = None
    active: bool | None = None


class Webhook(Closed):
    id: str
    url: str
    events: list[str]
    active: bool
    createdAt: str
    status: str = Field(description="`ok`, `failing` (retrying) or `disabled`")
    trustSiteCa: bool
    updatedAt: str


class CreatedWebhook(Webhook):
    secret: str = Field(description="The signing secret: shown this once, never again")


class WebhookList(Closed):
    webhooks: list[Webhook]


class WebhookDeleted(Closed):
    message: str
    id: str


class DeliveryOut(Closed):
    id: int
    eventId: str | None = Field(description="null for a test delivery")
    event: str
    attempt: int
    kind: str = Field(description="`delivery`, `redelivery` or `test`")
    time: str
    statusCode: int | None = Field(description="The receiver's HTTP status; null for none")
    durationMs: int
    error: str | None
    success: bool


class DeliveryList(Closed):
    deliveries: list[DeliveryOut]
    pagination: Pagination


class TestResult(Closed):
    success: bool
    statusCode: int | None
    durationMs: int
    error: str | None
