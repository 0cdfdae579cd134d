"""``/api/v1/webhooks`` (Capacitor API §7): register receivers, see and repeat deliveries.

The secret is in the create response only; no other response, log line or delivery record
shows it.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import document_response, validate_querystring, validate_request

from capacitor_edge.api import event_models as m
from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import PageQuery
from capacitor_edge.domain.errors import NotFound
from capacitor_edge.domain.webhooks import Attempt, DeliveryRecord, WebhookRecord, Webhooks


def present(record: WebhookRecord) -> m.Webhook:
    return m.Webhook(
        id=record.id,
        url=record.url,
        events=list(record.events),
        active=record.active,
        createdAt=record.created_at,
        status=record.state,
        trustSiteCa=record.trust_site_ca,
        updatedAt=record.updated_at,
    )


def present_delivery(record: DeliveryRecord) -> m.DeliveryOut:
    return m.DeliveryOut(
        id=record.id,
        eventId=None if record.kind == "test" else f"evt_{record.event_seq}",
        event=record.event_type,
        attempt=record.attempt,
        kind=record.kind,
        time=record.at,
        statusCode=record.status_code,
        durationMs=record.duration_ms,
        error=record.error,
        success=record.ok,
    )


def present_attempt(attempt: Attempt) -> m.TestResult:
    return m.TestResult(
        success=attempt.ok,
        statusCode=attempt.status_code,
        durationMs=attempt.duration_ms,
        error=attempt.error,
    )


def _delivery_id(text: str) -> int:
    # A path segment, not an int converter: any text is a clean 404, never a 500 or overflow.
    if not text.isdigit() or len(text) > 18:
        raise NotFound(f"Delivery {text} not found")
    return int(text)


def webhooks_blueprint(webhooks: Webhooks) -> Blueprint:
    bp = Blueprint("webhooks", __name__)

    @bp.post("/webhooks")
    @returns(m.CreatedWebhook, 201)
    @document_response(r.ErrorBody, 400)
    @validate_request(m.CreateWebhook)
    async def create_webhook(data: m.CreateWebhook) -> Any:
        """Register a receiver. Events are POSTed as `{"id", "event", "timestamp", "data"}`,
        signed per Standard Webhooks; the `secret` (generated when none is given) is in this
        response only."""
        record, secret = await webhooks.create(
            principal().org_id, data.url, data.events, data.secret, data.trustSiteCa
        )
        return m.CreatedWebhook(**present(record).model_dump(), secret=secret), 201

    @bp.get("/webhooks")
    @returns(m.WebhookList)
    async def list_webhooks() -> Any:
        found = await webhooks.all(principal().org_id)
        return m.WebhookList(webhooks=[present(w) for w in found])

    @bp.get("/webhooks/<webhook_id>")
    @returns(m.Webhook)
    @document_response(r.ErrorBody, 404)
    async def get_webhook(webhook_id: str) -> Any:
        return present(await webhooks.get(principal().org_id, webhook_id))

    @bp.patch("/webhooks/<webhook_id>")
    @returns(m.Webhook)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 404)
    @validate_request(m.PatchWebhook)
    async def patch_webhook(webhook_id: str, data: m.PatchWebhook) -> Any:
        """Change url, events, trustSiteCa; `active: true` re-enables a disabled webhook from
        the event it stopped at, `active: false` pauses it."""
        changes = {name: getattr(data, name) for name in data.model_fields_set}
        return present(await webhooks.update(principal().org_id, webhook_id, changes))

    @bp.delete("/webhooks/<webhook_id>")
    @returns(m.WebhookDeleted)
    @document_response(r.ErrorBody, 404)
    async def delete_webhook(webhook_id: str) -> Any:
        await webhooks.delete(principal().org_id, webhook_id)
        return m.WebhookDeleted(message="Webhook deleted successfully", id=webhook_id)

    @bp.post("/webhooks/<webhook_id>/test")
    @returns(m.TestResult)
    @document_response(r.ErrorBody, 404)
    async def test_webhook(webhook_id: str) -> Any:
        """POST a `webhook.test` event to the receiver now and report its answer."""
        return present_attempt(await webhooks.test(principal().org_id, webhook_id))

    @bp.get("/webhooks/<webhook_id>/deliveries")
    @returns(m.DeliveryList)
    @document_response(r.ErrorBody, 404)
    @validate_querystring(PageQuery)
    async def list_deliveries(webhook_id: str, query_args: PageQuery) -> Any:
        """Every delivery attempt, newest first."""
        records, total = await webhooks.deliveries(
            principal().org_id, webhook_id, query_args.limit, query_args.offset
        )
        return m.DeliveryList(
            deliveries=[present_delivery(record) for record in records],
            pagination=r.Pagination(total=total, limit=query_args.limit, offset=query_args.offset),
        )

    @bp.post("/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver")
    @returns(m.TestResult)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 404)
    async def redeliver(webhook_id: str, delivery_id: str) -> Any:
        """Send that delivery's event again now (its ordered delivery is not affected)."""
        attempt = await webhooks.redeliver(
            principal().org_id, webhook_id, _delivery_id(delivery_id)
        )
        return present_attempt(attempt)

    return bp
