"""``X-API-Key`` on every ``/api/v1`` request, and the organisation it speaks for.

Failed attempts (a key that is unknown or revoked) are rate limited per source address: past
``api_key_failures_per_min`` the address gets 429 ``RATE_LIMIT_ERROR`` with ``Retry-After`` until
a token is back, even with a right key, so a key cannot be guessed at speed. Every response
carries ``RateLimit-Limit``/``-Remaining``/``-Reset`` headers, as the hosted API sends them; the
appliance has no daily quota, so they describe this failed-key budget of the caller's address.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

from quart import Blueprint, Response, g, request

from capacitor_edge.api import web_session
from capacitor_edge.api.errors import error_response
from capacitor_edge.domain.dashboard_users import DashboardUsers
from capacitor_edge.domain.keys import ApiKeys, Principal

HEADER = "X-API-Key"


def _source() -> str:
    return request.remote_addr or "unknown"


def require_api_key(blueprint: Blueprint, keys: ApiKeys, web: DashboardUsers | None = None) -> None:
    """Refuse every request to ``blueprint`` without a valid key (401, the API's error shape),
    or, with ``web``, a dashboard login (:mod:`capacitor_edge.api.web_session`)."""

    @blueprint.before_request
    async def authenticate() -> Any:
        source = _source()
        # A token is taken before the key is checked and given back unless the key is wrong,
        # so concurrent guesses from one address cannot all slip past the limit together.
        retry_after = keys.failures.take(source)
        if retry_after is not None:
            response, status = error_response(
                429,
                "RATE_LIMIT_ERROR",
                "Too many failed API key attempts from this address; retry later",
            )
            response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
            return response, status
        secret = request.headers.get(HEADER)
        if not secret and web is not None and request.cookies.get(web_session.COOKIE):
            keys.failures.refund(source)  # a login token is 256 random bits: not guessable
            return await _authenticate_login(web)
        if not secret:
            keys.failures.refund(source)  # no key guessed
            return error_response(401, "UNAUTHORIZED", f"Missing {HEADER} header")
        principal = await keys.authenticate(secret)
        if principal is None:
            return error_response(401, "UNAUTHORIZED", "Invalid or inactive API key")
        keys.failures.refund(source)
        g.principal = principal
        return None

    @blueprint.after_request
    async def rate_limit_headers(response: Response) -> Response:
        state = keys.failures.state(_source())
        response.headers["RateLimit-Limit"] = str(state.limit)
        response.headers["RateLimit-Remaining"] = str(state.remaining)
        response.headers["RateLimit-Reset"] = str(state.reset_s)
        return response


async def _authenticate_login(web: DashboardUsers) -> Any:
    found = await web_session.current_login(web)
    if found is None:
        return error_response(401, "UNAUTHORIZED", "Dashboard login expired: log in again")
    login, user = found
    refused = web_session.refusal(login, user, request.headers.get(web_session.CSRF_HEADER))
    if refused is not None:
        return refused
    # The user's id stands for the key in the command audit (`apiKeyId`): who sent it.
    g.principal = Principal(org_id=user.org_id, key_id=user.id)
    # A live event stream ends when this login does (logout, idle expiry).
    g.login_active = partial(web.is_active, login.token)
    return None


def login_active() -> Callable[[], bool]:
    """For a request made with a dashboard login: whether that login is still on. For a key:
    always true."""
    check: Callable[[], bool] = g.get("login_active", _always)
    return check


def _always() -> bool:
    return True


def principal() -> Principal:
    """The caller of the current request (set by :func:`require_api_key`)."""
    found: Principal = g.principal
    return found
