"""``X-API-Key`` on every ``/api/v1`` request, and the organisation it speaks for."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, g, request

from capacitor_edge.api.errors import error_response
from capacitor_edge.domain.keys import ApiKeys, Principal

HEADER = "X-API-Key"


def require_api_key(blueprint: Blueprint, keys: ApiKeys) -> None:
    """Refuse every request to ``blueprint`` without a valid key (401, the API's error shape)."""

    @blueprint.before_request
    async def authenticate() -> Any:
        secret = request.headers.get(HEADER)
        if not secret:
            return error_response(401, "UNAUTHORIZED", f"Missing {HEADER} header")
        principal = await keys.authenticate(secret)
        if principal is None:
            return error_response(401, "UNAUTHORIZED", "Invalid or inactive API key")
        g.principal = principal
        return None


def principal() -> Principal:
    """The caller of the current request (set by :func:`require_api_key`)."""
    found: Principal = g.principal
    return found
