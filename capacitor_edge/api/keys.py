"""``/api/v1/auth/api-keys``: create, list and revoke the organisation's keys."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import document_response, validate_request

from capacitor_edge.api import presenters
from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import CreateApiKey
from capacitor_edge.domain.keys import ApiKeys


def keys_blueprint(keys: ApiKeys) -> Blueprint:
    bp = Blueprint("api_keys", __name__)

    @bp.post("/auth/api-keys")
    @returns(r.CreatedApiKey, 201)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @validate_request(CreateApiKey)
    async def create_key(data: CreateApiKey) -> Any:
        """Create a key for the caller's organisation; the full key is shown only here."""
        created = await keys.create(name=data.name, org_id=principal().org_id)
        record = created.record
        return r.CreatedApiKey(
            id=record.id, name=record.name, key=created.secret, createdAt=record.created_at
        ), 201

    @bp.get("/auth/api-keys")
    @returns(r.ApiKeyList)
    @document_response(r.ErrorBody, 401)
    async def list_keys() -> Any:
        """The organisation's active keys, masked."""
        records = await keys.list(principal().org_id)
        return r.ApiKeyList(apiKeys=[presenters.api_key(record) for record in records])

    @bp.delete("/auth/api-keys/<key_id>")
    @returns(r.Message)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def revoke_key(key_id: str) -> Any:
        """Revoke a key; it stops working at once."""
        await keys.revoke(principal().org_id, key_id)
        return r.Message(message="API key revoked successfully")

    return bp
